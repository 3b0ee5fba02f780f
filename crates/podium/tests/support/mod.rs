//! Shared by the CLI test binaries: an anvil world ([`world`]) and a real local HTTP server
//! ([`http`]). Each binary declares `mod support;` and uses its own part.
#![allow(dead_code, unreachable_pub)] // each test binary uses its own part

pub mod http;
pub mod world;
