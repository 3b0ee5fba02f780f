//! Account addresses and region codes as people write them.

use std::{fmt, str::FromStr};

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

/// Parses an address written as `0x` followed by 40 hex digits in any case.
///
/// Case is ignored on input on purpose: the leaderboard returns lower-case addresses and people paste
/// checksummed ones; both name the same account. Output always uses the EIP-55 checksum.
pub fn parse_address(s: &str) -> Option<Address> {
    let s = s.trim();
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Address::from_str(hex).ok()
}

/// Why an address was rejected, for messages.
pub(crate) fn address_problem(s: &str) -> String {
    format!("invalid address {s:?}: expected 0x followed by 40 hex digits")
}

/// A leaderboard region code (`FRA`, `MDW`, `SIN`, ...), always upper case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Region(String);

impl Region {
    /// Upper-cases and validates a region code: 1 to 32 ASCII letters, digits, `-` or `_`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| Self(s.to_ascii_uppercase()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn region_problem(s: &str) -> String {
    format!("invalid region code {s:?}: expected 1 to 32 letters, digits, '-' or '_'")
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Region {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s).ok_or_else(|| region_problem(&s))
    }
}

impl From<Region> for String {
    fn from(r: Region) -> Self {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_case_insensitive() {
        let lower = parse_address("0x3e2b450c0c499d8301146367680e067cd009db93").unwrap();
        let upper = parse_address(" 0x3E2B450C0C499D8301146367680E067CD009DB93 ").unwrap();
        assert_eq!(lower, upper);
        // EIP-55, checked against an independent keccak (ethereum-cryptography in node).
        assert_eq!(
            lower.to_checksum(None),
            "0x3E2B450c0c499D8301146367680E067CD009DB93"
        );
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "0x",
            "3e2b450c0c499d8301146367680e067cd009db93",
            "0x3e2b",
            "0xzz2b450c0c499d8301146367680e067cd009db93",
            "0x3e2b450c0c499d8301146367680e067cd009db9300",
        ] {
            assert_eq!(parse_address(bad), None, "{bad}");
        }
    }

    #[test]
    fn regions_are_upper_cased_and_checked() {
        assert_eq!(Region::parse(" fra ").unwrap().as_str(), "FRA");
        assert!(Region::parse("").is_none());
        assert!(Region::parse("F R A").is_none());
    }
}
