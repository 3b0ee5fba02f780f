//! Unix timestamps and durations in words, and their parsers: they live in the core crate (the
//! program file needs them and is pure TOML); re-exported here for the commands that print times.

pub use podium_core::time::{duration, parse_duration, parse_utc, utc};
