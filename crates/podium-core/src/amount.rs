//! Exact decimal token amounts.
//!
//! Budgets are written by people as decimal strings ("7000", "0.5") and paid on-chain in integer base
//! units (wei for an 18-decimal token such as LPT). Converting through `f64` loses wei, so amounts are
//! parsed and printed here digit by digit.

use std::fmt;

use alloy_primitives::U256;

/// An error turning a decimal string into base units.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// The string is empty or only whitespace.
    #[error("empty amount")]
    Empty,
    /// A minus sign: amounts are never negative.
    #[error("amount {input:?} is negative: amounts are zero or more")]
    Negative {
        /// The whole input.
        input: String,
    },
    /// A character other than a digit or a single decimal point.
    #[error("invalid character {found:?} in amount {input:?}: use digits and at most one '.'")]
    InvalidChar {
        /// The whole input.
        input: String,
        /// The offending character.
        found: char,
    },
    /// More fractional digits than the token has decimals.
    #[error("amount {input:?} has {digits} decimal places but the token has only {decimals}")]
    TooPrecise {
        /// The whole input.
        input: String,
        /// Fractional digits given.
        digits: usize,
        /// The token's decimals.
        decimals: u8,
    },
    /// The value does not fit in 256 bits.
    #[error("amount {input:?} is too large: amounts must fit in 256 bits of base units")]
    Overflow {
        /// The whole input.
        input: String,
    },
    /// A TOML amount written as a floating-point number.
    #[error("write amounts as decimal strings (\"7000.5\"): floating-point numbers are not exact")]
    Float,
    /// A TOML amount that is neither a string nor a whole number.
    #[error("expected a decimal string such as \"7000\", found {found}")]
    NotAnAmount {
        /// The TOML type found instead.
        found: &'static str,
    },
}

/// The text of an amount written in a TOML file: a decimal string (trimmed) or a whole number. The
/// one reader of amounts for every podium TOML file (`rules.toml`, `program.toml`).
pub fn toml_amount_text(v: &toml::Value) -> Result<String, AmountError> {
    match v {
        toml::Value::String(s) => Ok(s.trim().to_owned()),
        toml::Value::Integer(i) if *i >= 0 => Ok(i.to_string()),
        toml::Value::Integer(i) => Err(AmountError::Negative {
            input: i.to_string(),
        }),
        toml::Value::Float(_) => Err(AmountError::Float),
        other => Err(AmountError::NotAnAmount {
            found: other.type_str(),
        }),
    }
}

/// An amount as people write it in the program file: whole tokens, an exact decimal (`"7000"`,
/// `"0.5"`), before the token's decimals are known. Never base units: those are a [`U256`] (or a
/// [`TokenAmount`]), reached only through [`WholeTokens::to_units`], so the two cannot be mixed up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct WholeTokens(String);

impl WholeTokens {
    /// Checks a decimal string (generously, with up to 36 decimal places, so a malformed amount is
    /// reported before the token's decimals are known) and keeps it as written, trimmed.
    pub fn parse(input: &str) -> Result<Self, AmountError> {
        TokenAmount::parse(input, 36)?;
        Ok(Self(input.trim().to_owned()))
    }

    /// The amount in base units of a token with `decimals`.
    pub fn to_units(&self, decimals: u8) -> Result<U256, AmountError> {
        TokenAmount::parse(&self.0, decimals).map(|a| a.units)
    }

    /// The decimal text, as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The decimal text, as written.
impl fmt::Display for WholeTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A token amount in base units, with the decimals needed to print it for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TokenAmount {
    /// The amount in base units.
    pub units: U256,
    /// The token's decimals (18 for LPT).
    pub decimals: u8,
}

impl TokenAmount {
    /// Parses a decimal string such as `"7000"` or `"0.25"` into base units, exactly.
    ///
    /// Rejects signs, exponents, separators and more fractional digits than `decimals`: a budget that
    /// cannot be represented exactly is a mistake to report, not to round.
    pub fn parse(input: &str, decimals: u8) -> Result<Self, AmountError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(AmountError::Empty);
        }
        if s.starts_with('-') {
            return Err(AmountError::Negative {
                input: input.to_owned(),
            });
        }
        if let Some(found) = s.chars().find(|c| !c.is_ascii_digit() && *c != '.') {
            return Err(AmountError::InvalidChar {
                input: input.to_owned(),
                found,
            });
        }
        let (int, frac) = match s.split_once('.') {
            Some((_, f)) if f.contains('.') => {
                return Err(AmountError::InvalidChar {
                    input: input.to_owned(),
                    found: '.',
                });
            }
            Some((i, f)) => (i, f),
            None => (s, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(AmountError::Empty);
        }
        if frac.len() > usize::from(decimals) {
            return Err(AmountError::TooPrecise {
                input: input.to_owned(),
                digits: frac.len(),
                decimals,
            });
        }
        let overflow = || AmountError::Overflow {
            input: input.to_owned(),
        };
        let mut units = U256::ZERO;
        let ten = U256::from(10u8);
        let digits = int.bytes().chain(frac.bytes()).chain(std::iter::repeat_n(
            b'0',
            usize::from(decimals) - frac.len(),
        ));
        for b in digits {
            units = units
                .checked_mul(ten)
                .and_then(|u| u.checked_add(U256::from(b - b'0')))
                .ok_or_else(overflow)?;
        }
        Ok(Self { units, decimals })
    }

    /// Wraps base units.
    pub const fn from_units(units: U256, decimals: u8) -> Self {
        Self { units, decimals }
    }
}

/// Prints the exact decimal value with trailing fractional zeros removed (`7000`, `0.25`).
impl fmt::Display for TokenAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = usize::from(self.decimals);
        // Left-pad to at least one integer digit so the split below always has both halves.
        let digits = format!("{:0>width$}", self.units.to_string(), width = d + 1);
        let (int, frac) = digits.split_at(digits.len() - d);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            write!(f, "{int}")
        } else {
            write!(f, "{int}.{frac}")
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const LPT: u8 = 18;

    #[test]
    fn toml_amounts_are_strings_or_whole_numbers() {
        let text = |src: &str| toml_amount_text(&src.parse::<toml::Table>().unwrap()["a"]);
        assert_eq!(text("a = \" 7000.5 \""), Ok("7000.5".into()));
        assert_eq!(text("a = 7000"), Ok("7000".into()));
        assert_eq!(
            text("a = -1"),
            Err(AmountError::Negative { input: "-1".into() })
        );
        assert_eq!(text("a = 7000.5"), Err(AmountError::Float));
        assert_eq!(
            text("a = true"),
            Err(AmountError::NotAnAmount { found: "boolean" })
        );
    }

    #[test]
    fn parses_whole_and_fractional_lpt() {
        let wei = |s: &str| TokenAmount::parse(s, LPT).unwrap().units;
        assert_eq!(
            wei("7000"),
            U256::from(7000u64) * U256::from(10u64).pow(U256::from(18))
        );
        assert_eq!(
            wei("0.5"),
            U256::from(5u64) * U256::from(10u64).pow(U256::from(17))
        );
        assert_eq!(wei(".5"), wei("0.5"));
        assert_eq!(wei("1."), wei("1"));
        assert_eq!(wei("0.000000000000000001"), U256::from(1u8));
    }

    #[test]
    fn rejects_what_cannot_be_exact() {
        assert_eq!(TokenAmount::parse("", LPT), Err(AmountError::Empty));
        assert_eq!(TokenAmount::parse(".", LPT), Err(AmountError::Empty));
        assert!(matches!(
            TokenAmount::parse("-1", LPT),
            Err(AmountError::Negative { .. })
        ));
        assert!(matches!(
            TokenAmount::parse("1e3", LPT),
            Err(AmountError::InvalidChar { found: 'e', .. })
        ));
        assert!(matches!(
            TokenAmount::parse("1.2.3", LPT),
            Err(AmountError::InvalidChar { found: '.', .. })
        ));
        assert!(matches!(
            TokenAmount::parse("0.0000000000000000001", LPT),
            Err(AmountError::TooPrecise { digits: 19, .. })
        ));
        let huge = "1".repeat(80);
        assert!(matches!(
            TokenAmount::parse(&huge, 0),
            Err(AmountError::Overflow { .. })
        ));
    }

    #[test]
    fn displays_exact_decimal() {
        let show = |s: &str| TokenAmount::parse(s, LPT).unwrap().to_string();
        assert_eq!(show("7000"), "7000");
        assert_eq!(show("0.25"), "0.25");
        assert_eq!(show("0.000000000000000001"), "0.000000000000000001");
        assert_eq!(show("0"), "0");
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(units in any::<u128>(), decimals in 0u8..=30) {
            let a = TokenAmount::from_units(U256::from(units), decimals);
            prop_assert_eq!(TokenAmount::parse(&a.to_string(), decimals).unwrap(), a);
        }
    }
}
