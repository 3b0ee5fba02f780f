//! Account addresses and region codes as people write them.

use std::{fmt, str::FromStr};

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

/// Parses an address written as `0x` followed by 40 hex digits.
///
/// All-lower-case and all-upper-case addresses are taken as they are: the leaderboard returns
/// lower-case addresses, and neither form carries a checksum. A mixed-case address is an EIP-55
/// checksummed one and must carry a valid checksum: a typo in a pasted address (say, in an exclusion)
/// is then caught instead of naming another account. Output always uses the EIP-55 checksum.
pub fn parse_address(s: &str) -> Option<Address> {
    check_address(s).ok()
}

/// [`parse_address`] for command-line options (clap's `value_parser`): the error is the sentence to
/// show.
pub fn parse_address_arg(s: &str) -> Result<Address, String> {
    check_address(s).map_err(|_| address_problem(s))
}

/// What is wrong with an address as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressProblem {
    /// Not `0x` and 40 hex digits.
    Malformed,
    /// Mixed case with a wrong EIP-55 checksum.
    Checksum,
}

fn check_address(s: &str) -> Result<Address, AddressProblem> {
    let s = s.trim();
    let hex = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or(AddressProblem::Malformed)?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AddressProblem::Malformed);
    }
    let address = Address::from_str(hex).map_err(|_| AddressProblem::Malformed)?;
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    if has_lower && has_upper && address.to_checksum(None)[2..] != *hex {
        return Err(AddressProblem::Checksum);
    }
    Ok(address)
}

/// Whether `s` is exactly the EIP-55 form podium writes (`0x`, checksummed, no spaces).
pub(crate) fn is_checksummed(s: &str, address: &Address) -> bool {
    s.len() == 42 && *s == address.to_checksum(None)
}

/// Why an address was rejected, as a sentence for messages.
pub(crate) fn address_problem(s: &str) -> String {
    match check_address(s) {
        Err(AddressProblem::Checksum) => format!(
            "{:?} has a wrong EIP-55 checksum (its mix of upper and lower case letters), so it may \
             hold a typo: copy the address again from its source",
            s.trim()
        ),
        _ => format!("{s:?} is not an address: an address is 0x followed by 40 hex digits"),
    }
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
    fn mixed_case_must_carry_a_valid_checksum() {
        let good = "0x3E2B450c0c499D8301146367680E067CD009DB93";
        assert!(parse_address(good).is_some());
        // One letter's case flipped: the checksum no longer holds.
        let typo = "0x3E2B450c0c499d8301146367680E067CD009DB93";
        assert_eq!(parse_address(typo), None);
        assert!(
            address_problem(typo).contains("wrong EIP-55 checksum"),
            "{}",
            address_problem(typo)
        );
        assert!(parse_address_arg(typo).is_err());
        // Every single case flip of every letter is caught.
        for (i, c) in good.char_indices().skip(2) {
            if c.is_ascii_alphabetic() {
                let mut flipped = good.to_owned();
                let other = if c.is_ascii_uppercase() {
                    c.to_ascii_lowercase()
                } else {
                    c.to_ascii_uppercase()
                };
                flipped.replace_range(i..=i, &other.to_string());
                assert_eq!(parse_address(&flipped), None, "{flipped}");
            }
        }
        assert_eq!(
            address_problem("0xYOUR_GRANT_SAFE"),
            "\"0xYOUR_GRANT_SAFE\" is not an address: an address is 0x followed by 40 hex digits"
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
