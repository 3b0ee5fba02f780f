//! How the views write numbers, addresses and text: shared by the text, JSON and HTML views so a
//! number reads the same in each.

use alloy_primitives::{Address, U256};

use crate::model::{Report, RoundReport};

/// A checksummed address.
pub(crate) fn addr(a: &Address) -> String {
    a.to_checksum(None)
}

/// The first and last hex digits of an address, for narrow columns.
pub(crate) fn short(a: &Address) -> String {
    let s = addr(a);
    format!("{}…{}", &s[..6], &s[s.len() - 4..])
}

/// Escapes text for HTML and SVG (element content and double-quoted attributes).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `1234567` → `1,234,567` (digits only; a leading minus is not expected here).
pub(crate) fn thousands(int: &str) -> String {
    let (int, frac) = int.split_once('.').unwrap_or((int, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

impl Report {
    /// An amount for people: whole tokens, rounded to 2 decimals, thousands separated.
    pub(crate) fn tokens(&self, units: U256) -> String {
        tokens_rounded(units, self.decimals)
    }
}

/// The on-chain "newly registered" figure of a round for a table cell: the count, or
/// "unavailable" (the reason is printed once, under the table).
pub(crate) fn registered(r: &RoundReport) -> String {
    r.registered
        .as_ref()
        .map_or_else(|| "unavailable".into(), |a| a.len().to_string())
}

/// `units` in whole tokens rounded half up to 2 decimals, with thousands separators.
pub(crate) fn tokens_rounded(units: U256, decimals: u8) -> String {
    let scaled = if decimals >= 2 {
        let div = U256::from(10u8).pow(U256::from(decimals - 2));
        (units + div / U256::from(2u8)) / div
    } else {
        units * U256::from(10u8).pow(U256::from(2 - decimals))
    };
    let cents = scaled.to_string();
    let cents = format!("{cents:0>3}");
    let (int, frac) = cents.split_at(cents.len() - 2);
    format!("{}.{frac}", thousands(int))
}

/// `units` in whole tokens rounded half up, with thousands separators (labels on bars).
pub(crate) fn tokens_whole(units: U256, decimals: u8) -> String {
    let one = U256::from(10u8).pow(U256::from(decimals));
    thousands(&((units + one / U256::from(2u8)) / one).to_string())
}

/// A share as a percentage with one decimal, or "–" for 0/0.
pub(crate) fn percent(part: U256, whole: U256) -> String {
    if whole.is_zero() {
        return "–".into();
    }
    let per_mille = (part * U256::from(1000u16) + whole / U256::from(2u8)) / whole;
    let p = u64::try_from(per_mille).unwrap_or(u64::MAX);
    format!("{}.{}%", p / 10, p % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn separates_thousands() {
        assert_eq!(thousands("1234567.25"), "1,234,567.25");
    }

    #[test]
    fn rounds_amounts_for_people() {
        let e18 = U256::from(10u64).pow(U256::from(18));
        assert_eq!(tokens_rounded(U256::from(2331u64) * e18, 18), "2,331.00");
        assert_eq!(
            tokens_rounded(U256::from(2331u64) * e18 / U256::from(10u8), 18),
            "233.10"
        );
        assert_eq!(
            tokens_rounded(U256::from(5u64) * e18 / U256::from(1000u16), 18),
            "0.01"
        );
        assert_eq!(
            tokens_rounded(U256::from(4u64) * e18 / U256::from(1000u16), 18),
            "0.00"
        );
        assert_eq!(tokens_rounded(U256::from(7u8), 0), "7.00");
        assert_eq!(
            tokens_whole(U256::from(42470u64) * e18 / U256::from(100u8), 18),
            "425"
        );
        assert_eq!(tokens_whole(U256::from(6575u64) * e18, 18), "6,575");
        assert_eq!(percent(U256::from(1u8), U256::from(3u8)), "33.3%");
        assert_eq!(percent(U256::from(2u8), U256::from(3u8)), "66.7%");
        assert_eq!(percent(U256::ZERO, U256::ZERO), "–");
    }
}
