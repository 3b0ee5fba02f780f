//! The pure domain of podium: everything that turns leaderboard scores and round rules into payouts, a
//! Merkle tree and a distribution file, with no network access. Kept free of I/O beyond files so it
//! compiles fast, runs anywhere and can be fuzzed.

pub mod amount;

pub use amount::{AmountError, TokenAmount};
