//! The program file, `program.toml`: pure TOML, read by `podium deploy`, `snapshot` and `report`.
//!
//! ```toml
//! chain_id = 42161                                   # pinned: LPT's address differs per chain
//! token = "0x289ba1701C2F088cf0faf8B3705246331cB8A839"
//! funder = "0x…"                                     # receives leftovers; may revoke pending roots
//! committee = "0x…"                                  # posts roots (often a Safe)
//! start = 2026-12-07T00:00:00Z                       # or "2026-12-07", or unix seconds
//! round_duration = "7d"                              # or seconds; units w d h m s
//! round_count = 3
//! round_budget = "7000"                              # whole tokens, exact decimal
//! root_delay = "2d"                                  # challenge window after each post
//! claim_window = "90d"                               # claims stay open this long after the end
//! ```

use std::path::Path;

use alloy_primitives::{Address, U256};
use serde::Deserialize;

use crate::{
    Error, Result, Rules, TokenAmount, WholeTokens,
    time::{parse_duration, parse_utc},
};

/// A program's timeline: when round 1 starts, how long and how many rounds, and the windows after
/// each post and after the end. The one description of time shared by the program file, the
/// deployment record, the contract's constructor and what is read back from the contract; what
/// follows from it (the end, the deadlines, each round's window) is computed here, as the contract
/// computes it, never stored twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeline {
    /// Start of round 1 (unix seconds).
    pub start: u64,
    /// Seconds per round.
    pub round_duration: u64,
    /// Number of rounds.
    pub round_count: u64,
    /// Seconds between posting a root and its becoming claimable.
    pub root_delay: u64,
    /// Seconds claims stay open after the program ends.
    pub claim_window: u64,
}

impl Timeline {
    /// The end of the last round (`start + round_duration × round_count`).
    pub fn program_end(&self) -> u64 {
        self.start
            .saturating_add(self.round_duration.saturating_mul(self.round_count))
    }

    /// Claims close here (`program_end + claim_window`).
    pub fn claim_deadline(&self) -> u64 {
        self.program_end().saturating_add(self.claim_window)
    }

    /// The last moment a root can be posted and still become claimable before the claim deadline.
    pub fn posting_deadline(&self) -> u64 {
        self.claim_deadline().saturating_sub(self.root_delay)
    }

    /// Round `round`'s window `[start, end)`, for rounds 1 to `round_count`.
    pub fn round_window(&self, round: u64) -> Option<(u64, u64)> {
        if !(1..=self.round_count).contains(&round) {
            return None;
        }
        let end = self
            .start
            .saturating_add(round.saturating_mul(self.round_duration));
        Some((end - self.round_duration, end))
    }

    /// What the contract's constructor also refuses, named by field.
    pub fn check(&self) -> Result<(), String> {
        if self.round_duration == 0 {
            return Err("round_duration: must be more than zero".into());
        }
        if self.round_count == 0 {
            return Err("round_count: must be at least 1".into());
        }
        if self.claim_window <= self.root_delay {
            return Err("claim_window: must be longer than root_delay".into());
        }
        Ok(())
    }
}

/// A parsed, checked `program.toml` (the budget still in whole tokens: decimals come from the chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramConfig {
    /// The chain the program runs on.
    pub chain_id: u64,
    /// The token paid out.
    pub token: Address,
    /// Receives leftovers.
    pub funder: Address,
    /// Posts roots.
    pub committee: Address,
    /// Rounds and windows.
    pub timeline: Timeline,
    /// Most a round pays, as written: whole tokens, not base units.
    pub round_budget: WholeTokens,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    chain_id: u64,
    token: String,
    funder: String,
    committee: String,
    start: toml::Value,
    round_duration: toml::Value,
    round_count: u64,
    round_budget: toml::Value,
    root_delay: toml::Value,
    claim_window: toml::Value,
}

impl ProgramConfig {
    /// Reads and checks `path`; errors name the file and the field.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Program {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(crate::text::without_bom(&text)).map_err(|message| Error::Program {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses the TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        let address = |field: &str, v: &str| -> Result<Address, String> {
            let a = crate::parse_address_arg(v).map_err(|why| format!("{field}: {why}"))?;
            if a.is_zero() {
                Err(format!("{field}: the zero address"))
            } else {
                Ok(a)
            }
        };
        let moment = |field: &str, v: &toml::Value| -> Result<u64, String> {
            match v {
                toml::Value::Integer(i) => {
                    u64::try_from(*i).map_err(|_| format!("{field}: negative"))
                }
                toml::Value::String(s) => parse_utc(s).map_err(|e| format!("{field}: {e}")),
                toml::Value::Datetime(d) => {
                    parse_utc(&d.to_string()).map_err(|e| format!("{field}: {e}"))
                }
                _ => Err(format!(
                    "{field}: expected a date, a time in UTC or unix seconds"
                )),
            }
        };
        let span = |field: &str, v: &toml::Value| -> Result<u64, String> {
            match v {
                toml::Value::Integer(i) => {
                    u64::try_from(*i).map_err(|_| format!("{field}: negative"))
                }
                toml::Value::String(s) => parse_duration(s).map_err(|e| format!("{field}: {e}")),
                _ => Err(format!(
                    "{field}: expected seconds or a duration such as \"7d\""
                )),
            }
        };
        let budget = crate::amount::toml_amount_text(&raw.round_budget)
            .and_then(|text| WholeTokens::parse(&text))
            .map_err(|e| format!("round_budget: {e}"))?;
        let config = Self {
            chain_id: raw.chain_id,
            token: address("token", &raw.token)?,
            funder: address("funder", &raw.funder)?,
            committee: address("committee", &raw.committee)?,
            timeline: Timeline {
                start: moment("start", &raw.start)?,
                round_duration: span("round_duration", &raw.round_duration)?,
                round_count: raw.round_count,
                root_delay: span("root_delay", &raw.root_delay)?,
                claim_window: span("claim_window", &raw.claim_window)?,
            },
            round_budget: budget,
        };
        config.timeline.check()?;
        Ok(config)
    }
}

/// Checks a round's rules against the program as deployed: the rules may narrow the round budget
/// (pay less) but never contradict the record. A rules budget above the round budget (the contract
/// refuses such a root) or other decimals than the token's is an error naming the rules file, the
/// field and both values. `record` names the deployment record in the message.
pub fn check_rules_against_deployment(
    rules: &Rules,
    rules_path: &Path,
    record: &Path,
    round_budget: U256,
    decimals: u8,
) -> Result<()> {
    let err = |field: &str, message: String| Error::Rules {
        path: rules_path.to_owned(),
        field: field.to_owned(),
        message,
    };
    if rules.decimals != decimals {
        return Err(err(
            "decimals",
            format!(
                "{} contradicts the deployment record {}, whose token has {decimals} decimals: \
                 write decimals = {decimals} (rules may narrow the program, never contradict it)",
                rules.decimals,
                record.display()
            ),
        ));
    }
    if rules.budget > round_budget {
        return Err(err(
            "budget",
            format!(
                "{} is above the round budget {} in the deployment record {}: the contract refuses a \
                 root whose total is above it (rules may pay less, never more)",
                TokenAmount::from_units(rules.budget, decimals),
                TokenAmount::from_units(round_budget, decimals),
                record.display()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
chain_id = 42161
token = "0x289ba1701C2F088cf0faf8B3705246331cB8A839"
funder = "0x1111111111111111111111111111111111111111"
committee = "0x2222222222222222222222222222222222222222"
start = 2026-12-07T00:00:00Z
round_duration = "7d"
round_count = 3
round_budget = "7000"
root_delay = "2d"
claim_window = "90d"
"#;

    #[test]
    fn parses_a_program() {
        let c = ProgramConfig::parse(GOOD).unwrap();
        assert_eq!(c.chain_id, 42161);
        assert_eq!(c.timeline.start, parse_utc("2026-12-07").unwrap());
        assert_eq!(c.timeline.round_duration, 604_800);
        assert_eq!(
            c.round_budget.to_units(18).unwrap(),
            U256::from(7000u64) * U256::from(10u64).pow(U256::from(18))
        );
    }

    #[test]
    fn derives_the_end_the_deadlines_and_each_round_window() {
        let t = ProgramConfig::parse(GOOD).unwrap().timeline;
        let (week, day) = (604_800, 86_400);
        assert_eq!(t.program_end(), t.start + 3 * week);
        assert_eq!(t.claim_deadline(), t.start + 3 * week + 90 * day);
        assert_eq!(t.posting_deadline(), t.start + 3 * week + 88 * day);
        assert_eq!(t.round_window(1), Some((t.start, t.start + week)));
        assert_eq!(
            t.round_window(3),
            Some((t.start + 2 * week, t.start + 3 * week))
        );
        assert_eq!(t.round_window(0), None);
        assert_eq!(t.round_window(4), None);
    }

    #[test]
    fn rules_may_narrow_the_deployment_but_not_contradict_it() {
        let dir = tempfile::tempdir().unwrap();
        let rules = |text: &str| {
            let path = dir.path().join("rules.toml");
            std::fs::write(
                &path,
                format!("round = 1\nthreshold = 0.3\n{text}\n[pools.FRA]\nshare = \"1\"\n"),
            )
            .unwrap();
            (Rules::from_file(&path).unwrap(), path)
        };
        let record = Path::new("program.deployment.json");
        let seven_thousand = U256::from(7000u64) * U256::from(10u64).pow(U256::from(18));
        let check = |text: &str| {
            let (r, path) = rules(text);
            check_rules_against_deployment(&r, &path, record, seven_thousand, 18).map_err(|e| {
                e.to_string()
                    .replace(&path.display().to_string(), "rules.toml")
            })
        };
        assert!(check("budget = \"7000\"").is_ok());
        assert!(check("budget = \"6999.5\"").is_ok());
        assert_eq!(
            check("budget = \"7000.000000000000000001\"").unwrap_err(),
            "rules.toml: field `budget`: 7000.000000000000000001 is above the round budget 7000 in the \
             deployment record program.deployment.json: the contract refuses a root whose total is \
             above it (rules may pay less, never more)"
        );
        assert_eq!(
            check("budget = \"7000\"\ndecimals = 6").unwrap_err(),
            "rules.toml: field `decimals`: 6 contradicts the deployment record program.deployment.json, \
             whose token has 18 decimals: write decimals = 18 (rules may narrow the program, never \
             contradict it)"
        );
    }

    #[test]
    fn names_the_bad_field() {
        let bad = GOOD.replace("\"7d\"", "\"7 days\"");
        assert!(
            ProgramConfig::parse(&bad)
                .unwrap_err()
                .starts_with("round_duration:")
        );
        let bad = GOOD.replace("\"7000\"", "\"7,000\"");
        assert!(
            ProgramConfig::parse(&bad)
                .unwrap_err()
                .starts_with("round_budget:")
        );
        let bad = GOOD.replace("0x1111111111111111111111111111111111111111", "0x11");
        assert!(
            ProgramConfig::parse(&bad)
                .unwrap_err()
                .starts_with("funder:")
        );
        let bad = GOOD.replace("\"90d\"", "\"1d\"");
        assert!(
            ProgramConfig::parse(&bad)
                .unwrap_err()
                .starts_with("claim_window:")
        );
        let bad = format!("{GOOD}\nextra = 1\n");
        assert!(
            ProgramConfig::parse(&bad)
                .unwrap_err()
                .contains("unknown field")
        );
    }
}
