//! Round rules, written by the committee in TOML.
//!
//! ```toml
//! round = 1
//! budget = "7000"          # LPT for the round, a decimal string: converted to wei exactly
//! threshold = 0.3          # minimum score, on the API's 0–1 scale (the explorer shows 3.0)
//! cap = "1500"             # optional: most one orchestrator can earn in the round (all regions)
//! min_payout = "1"         # optional: smaller payouts are dropped and stay unallocated
//!
//! [split]                  # how a region's pool is divided among its eligible orchestrators
//! method = "equal"         # "equal", "proportional" (to score) or "top_n"
//!
//! [pools.FRA]
//! share = "0.4"            # a fraction of the budget ...
//! [pools.MDW]
//! amount = "2000"          # ... or a fixed amount
//! [pools.SIN]
//! share = "0.2"
//! threshold = 0.5          # a region may override the threshold
//! split = { method = "top_n", weights = [5, 3, 2] }  # and the split
//!
//! [[exclude]]
//! address = "0x3e2b450c0c499d8301146367680e067cd009db93"
//! reason = "Livepeer Inc. orchestrator"
//! ```
//!
//! Every error names the file and the field (`pools.FRA.share`), and TOML syntax errors the line and
//! column.

use std::{collections::BTreeMap, fmt, path::Path};

use alloy_primitives::{Address, B256, U256, keccak256};
use serde::Deserialize;

use crate::{
    AmountError, Error, Region, Result, ScoreSet, TokenAmount,
    account::{address_problem, parse_address, region_problem},
};

/// Decimals assumed when the rules do not say (LPT has 18).
pub const DEFAULT_DECIMALS: u8 = 18;

/// How a region's pool is divided among its eligible orchestrators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitMethod {
    /// The same amount to each eligible orchestrator.
    Equal,
    /// In proportion to each eligible orchestrator's score.
    Proportional,
    /// Fixed prizes for the best `weights.len()` eligible orchestrators: place `k` gets
    /// `pool × weights[k] / sum(weights)`. Orchestrators tied on score share the prizes of the places
    /// they span equally; prizes for places nobody reaches stay unallocated.
    TopN {
        /// Relative prize of each place, best first.
        weights: Vec<u64>,
    },
}

impl fmt::Display for SplitMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Equal => f.write_str("equal"),
            Self::Proportional => f.write_str("proportional"),
            Self::TopN { weights } => {
                let w: Vec<_> = weights.iter().map(u64::to_string).collect();
                write!(f, "top_{} [{}]", weights.len(), w.join(", "))
            }
        }
    }
}

/// One region's pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Pool {
    /// The pool in base units.
    pub amount: U256,
    /// Minimum score (0–1) to be eligible in this region.
    pub threshold: f64,
    /// How the pool is divided.
    pub split: SplitMethod,
}

/// The validated rules of one round.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// The round number (1-based, as on the contract).
    pub round: u64,
    /// The round's budget in base units.
    pub budget: U256,
    /// The token's decimals, for printing amounts.
    pub decimals: u8,
    /// Pools by region.
    pub pools: BTreeMap<Region, Pool>,
    /// Excluded accounts with the reason for each.
    pub exclusions: BTreeMap<Address, String>,
    /// Most one account can receive in the round, summed over regions.
    pub cap: Option<U256>,
    /// Payouts below this are dropped (left unallocated).
    pub min_payout: Option<U256>,
    /// keccak256 of the rules file's bytes.
    pub digest: B256,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    round: i64,
    budget: toml::Value,
    decimals: Option<i64>,
    threshold: Option<toml::Value>,
    cap: Option<toml::Value>,
    min_payout: Option<toml::Value>,
    split: Option<RawSplit>,
    #[serde(default)]
    pools: BTreeMap<String, RawPool>,
    #[serde(default)]
    exclude: Vec<RawExclusion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSplit {
    method: String,
    weights: Option<Vec<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPool {
    share: Option<toml::Value>,
    amount: Option<toml::Value>,
    threshold: Option<toml::Value>,
    split: Option<RawSplit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExclusion {
    address: String,
    reason: String,
}

struct Ctx<'a> {
    path: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Rules {
            path: self.path.to_owned(),
            field: field.into(),
            message: message.into(),
        }
    }

    fn amount_err(&self, field: &str, source: AmountError) -> Error {
        Error::Amount {
            path: self.path.to_owned(),
            field: field.into(),
            reason: source,
        }
    }

    /// An amount as a decimal string (or a whole number), exactly in base units.
    fn amount(&self, field: &str, v: &toml::Value, decimals: u8) -> Result<U256> {
        let text = crate::amount::toml_amount_text(v).map_err(|e| self.amount_err(field, e))?;
        TokenAmount::parse(&text, decimals)
            .map(|a| a.units)
            .map_err(|e| self.amount_err(field, e))
    }

    /// A threshold on the 0–1 scale.
    fn threshold(&self, field: &str, v: &toml::Value) -> Result<f64> {
        let t = match v {
            toml::Value::Float(f) => *f,
            toml::Value::Integer(i) => *i as f64,
            toml::Value::String(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| self.err(field, format!("{s:?} is not a number")))?,
            other => {
                return Err(self.err(
                    field,
                    format!("expected a number, found {}", other.type_str()),
                ));
            }
        };
        if !t.is_finite() || t < 0.0 {
            return Err(self.err(field, format!("{t} must be a number from 0 to 1")));
        }
        if t > 1.0 {
            let hint = if t <= 10.0 {
                format!(
                    ": thresholds use the API's 0–1 scale; the explorer's {t} is {}",
                    t / 10.0
                )
            } else {
                String::new()
            };
            return Err(self.err(field, format!("{t} is above 1{hint}")));
        }
        Ok(t)
    }

    fn split(&self, field: &str, s: &RawSplit) -> Result<SplitMethod> {
        let method = s.method.trim().to_ascii_lowercase();
        let weights_field = format!("{field}.weights");
        match method.as_str() {
            "equal" | "proportional" if s.weights.is_some() => Err(self.err(
                weights_field,
                format!("weights are only used by method \"top_n\", not {method:?}"),
            )),
            "equal" => Ok(SplitMethod::Equal),
            "proportional" => Ok(SplitMethod::Proportional),
            "top_n" => {
                let weights = s.weights.as_ref().ok_or_else(|| {
                    self.err(
                        &weights_field,
                        "method \"top_n\" needs weights, best place first, e.g. [5, 3, 2]",
                    )
                })?;
                if weights.is_empty() {
                    return Err(self.err(weights_field, "needs at least one weight"));
                }
                let mut out = Vec::with_capacity(weights.len());
                for (i, &w) in weights.iter().enumerate() {
                    if w <= 0 {
                        return Err(self.err(
                            format!("{weights_field}[{i}]"),
                            format!("weight {w} must be a positive whole number"),
                        ));
                    }
                    out.push(w as u64);
                }
                Ok(SplitMethod::TopN { weights: out })
            }
            _ => Err(self.err(
                format!("{field}.method"),
                format!(
                    "unknown split method {:?}: use \"equal\", \"proportional\" or \"top_n\"",
                    s.method
                ),
            )),
        }
    }
}

impl Rules {
    /// Reads and validates a rules file.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(path, &bytes)
    }

    /// Validates the contents of the rules file `path` (named in errors).
    pub fn from_bytes(path: &Path, bytes: &[u8]) -> Result<Self> {
        let text = crate::text::content(path, bytes, "TOML")?;
        let text = std::str::from_utf8(text).map_err(|e| Error::Toml {
            path: path.to_owned(),
            message: format!(
                "byte {} is not UTF-8 text: save the rules as UTF-8",
                e.valid_up_to()
            ),
        })?;
        let raw: RawRules = toml::from_str(text).map_err(|e| Error::Toml {
            path: path.to_owned(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let cx = Ctx { path };
        let round = u64::try_from(raw.round)
            .ok()
            .filter(|r| *r >= 1)
            .ok_or_else(|| {
                cx.err(
                    "round",
                    format!("{} is not a round number: rounds start at 1", raw.round),
                )
            })?;
        let decimals = match raw.decimals {
            None => DEFAULT_DECIMALS,
            Some(d) => u8::try_from(d).ok().filter(|d| *d <= 36).ok_or_else(|| {
                cx.err(
                    "decimals",
                    format!("{d} is not a token's decimals (0 to 36)"),
                )
            })?,
        };
        let budget = cx.amount("budget", &raw.budget, decimals)?;
        if budget.is_zero() {
            return Err(cx.err("budget", "the budget is 0"));
        }
        let threshold = match &raw.threshold {
            Some(v) => cx.threshold("threshold", v)?,
            None => 0.0,
        };
        let split = match &raw.split {
            Some(s) => cx.split("split", s)?,
            None => SplitMethod::Equal,
        };
        let cap = raw
            .cap
            .as_ref()
            .map(|v| cx.amount("cap", v, decimals))
            .transpose()?;
        if cap.is_some_and(|c| c.is_zero()) {
            return Err(cx.err("cap", "a cap of 0 would pay nobody"));
        }
        let min_payout = raw
            .min_payout
            .as_ref()
            .map(|v| cx.amount("min_payout", v, decimals))
            .transpose()?;
        if let (Some(c), Some(m)) = (cap, min_payout)
            && m > c
        {
            return Err(cx.err("min_payout", "the minimum payout is above the cap"));
        }

        let one = U256::from(10u8).pow(U256::from(18u8));
        let mut pools = BTreeMap::new();
        let mut pool_sum = U256::ZERO;
        for (key, p) in &raw.pools {
            let field = format!("pools.{key}");
            let region = Region::parse(key).ok_or_else(|| cx.err(&field, region_problem(key)))?;
            let amount = match (&p.share, &p.amount) {
                (Some(_), Some(_)) => {
                    return Err(cx.err(&field, "give either share or amount, not both"));
                }
                (None, None) => {
                    return Err(cx.err(&field, "needs share (a fraction of the budget) or amount"));
                }
                (Some(share), None) => {
                    let f = format!("{field}.share");
                    let text = match share {
                        toml::Value::Float(x) => x.to_string(),
                        toml::Value::Integer(i) => i.to_string(),
                        toml::Value::String(s) => s.clone(),
                        other => {
                            return Err(cx.err(
                                f,
                                format!(
                                    "expected a fraction such as \"0.25\", found {}",
                                    other.type_str()
                                ),
                            ));
                        }
                    };
                    let parts = TokenAmount::parse(&text, 18)
                        .map_err(|e| cx.amount_err(&f, e))?
                        .units;
                    if parts > one {
                        return Err(
                            cx.err(f, format!("share {text} is more than 1 (the whole budget)"))
                        );
                    }
                    budget
                        .checked_mul(parts)
                        .map(|x| x / one)
                        .ok_or_else(|| cx.err(&f, "budget × share overflows 256 bits"))?
                }
                (None, Some(a)) => cx.amount(&format!("{field}.amount"), a, decimals)?,
            };
            let threshold = match &p.threshold {
                Some(v) => cx.threshold(&format!("{field}.threshold"), v)?,
                None => threshold,
            };
            let split = match &p.split {
                Some(s) => cx.split(&format!("{field}.split"), s)?,
                None => split.clone(),
            };
            if pools
                .insert(
                    region.clone(),
                    Pool {
                        amount,
                        threshold,
                        split,
                    },
                )
                .is_some()
            {
                return Err(cx.err(
                    &field,
                    format!("region {region} has two pools (codes are case-insensitive)"),
                ));
            }
            pool_sum = pool_sum
                .checked_add(amount)
                .ok_or_else(|| cx.err(&field, "the pools overflow 256 bits"))?;
        }
        if pools.is_empty() {
            return Err(cx.err("pools", "no pools: add at least one [pools.REGION] table"));
        }
        if pool_sum > budget {
            return Err(cx.err(
                "pools",
                format!(
                    "the pools add up to {} but the budget is {}",
                    TokenAmount::from_units(pool_sum, decimals),
                    TokenAmount::from_units(budget, decimals)
                ),
            ));
        }

        let mut exclusions = BTreeMap::new();
        for (i, x) in raw.exclude.iter().enumerate() {
            let field = format!("exclude[{i}].address");
            let account = parse_address(&x.address)
                .ok_or_else(|| cx.err(&field, address_problem(&x.address)))?;
            if x.reason.trim().is_empty() {
                return Err(cx.err(
                    format!("exclude[{i}].reason"),
                    "say why the account is excluded",
                ));
            }
            if exclusions
                .insert(account, x.reason.trim().to_owned())
                .is_some()
            {
                return Err(cx.err(
                    field,
                    format!("{} is excluded twice", account.to_checksum(None)),
                ));
            }
        }

        Ok(Self {
            round,
            budget,
            decimals,
            pools,
            exclusions,
            cap,
            min_payout,
            digest: keccak256(bytes),
        })
    }

    /// The exclusions that name no account in `scores`, with their reasons: most likely a typo in the
    /// address (the account meant to be excluded is then paid), so `podium build` warns about each.
    pub fn unmatched_exclusions<'a>(&'a self, scores: &ScoreSet) -> Vec<(Address, &'a str)> {
        self.exclusions
            .iter()
            .filter(|(account, _)| {
                !scores
                    .regions()
                    .values()
                    .any(|accounts| accounts.contains_key(*account))
            })
            .map(|(account, reason)| (*account, reason.as_str()))
            .collect()
    }

    /// Prints an amount in whole tokens for people.
    pub fn show(&self, units: U256) -> TokenAmount {
        TokenAmount::from_units(units, self.decimals)
    }
}

#[cfg(test)]
mod tests;
