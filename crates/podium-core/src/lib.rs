//! The pure domain of podium: everything that turns leaderboard scores and round rules into payouts, a
//! Merkle tree and a distribution file, with no network access. Kept free of I/O beyond files so it
//! compiles fast, runs anywhere and can be fuzzed.
//!
//! The pipeline: [`ScoreSet`] (leaderboard scores) and [`Rules`] (the round's TOML) go into
//! [`allocate`], which returns exact integer payouts; [`Built::new`] turns those into the OpenZeppelin
//! standard Merkle tree ([`StandardTree`]) and [`Built::write_atomic`] writes the distribution file;
//! [`DistributionFile`] reads one back and checks it.

pub mod account;
pub mod allocation;
pub mod amount;
pub mod distribution;
mod error;
pub mod fs;
pub mod location;
pub mod merkle;
pub mod program;
pub mod rules;
pub mod scores;
pub mod table;
pub mod text;
pub mod time;

pub use account::{Region, parse_address, parse_address_arg};
pub use allocation::{Allocation, allocate};
pub use amount::{AmountError, TokenAmount, WholeTokens};
pub use distribution::{Built, DistributionFile, Meta};
pub use error::{Error, Result};
pub use fs::{write_atomic, write_atomic_with};
pub use location::{Location, LocationError, LocationRules};
pub use merkle::{Leaf, StandardTree};
pub use program::{ProgramConfig, Timeline};
pub use rules::Rules;
pub use scores::ScoreSet;
