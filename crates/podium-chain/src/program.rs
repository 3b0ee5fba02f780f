//! The program's configuration file, the deployment record `podium deploy` writes next to it, and
//! the option group that tells a command which deployed distributor to use.
//!
//! `program.toml`:
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

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256, U256};
use clap::Args;
use podium_core::TokenAmount;
use serde::{Deserialize, Serialize};

use crate::{
    Error, Result,
    time::{parse_duration, parse_utc},
};

/// The `format` of deployment records this version writes.
pub const DEPLOYMENT_FORMAT: &str = "podium-deployment-v1";

/// A parsed, checked `program.toml` (amounts still in whole tokens: decimals come from the chain).
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
    /// Start of round 1 (unix seconds).
    pub start: u64,
    /// Seconds per round.
    pub round_duration: u64,
    /// Number of rounds.
    pub round_count: u64,
    /// Most a round pays, as written (whole tokens, decimal).
    pub round_budget: String,
    /// Seconds between posting a root and its becoming claimable.
    pub root_delay: u64,
    /// Seconds claims stay open after the program ends.
    pub claim_window: u64,
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
        let text = std::fs::read_to_string(path).map_err(|e| Error::File {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(podium_core::text::without_bom(&text)).map_err(|message| Error::File {
            path: path.to_owned(),
            message,
        })
    }

    /// Parses the TOML text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        let address = |field: &str, v: &str| -> Result<Address, String> {
            let a = podium_core::parse_address_arg(v).map_err(|why| format!("{field}: {why}"))?;
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
        let budget = podium_core::amount::toml_amount_text(&raw.round_budget)
            .map_err(|e| format!("round_budget: {e}"))?;
        // Parse once with generous decimals (36), to report a malformed budget early.
        TokenAmount::parse(&budget, 36).map_err(|e| format!("round_budget: {e}"))?;
        let config = Self {
            chain_id: raw.chain_id,
            token: address("token", &raw.token)?,
            funder: address("funder", &raw.funder)?,
            committee: address("committee", &raw.committee)?,
            start: moment("start", &raw.start)?,
            round_duration: span("round_duration", &raw.round_duration)?,
            round_count: raw.round_count,
            round_budget: budget,
            root_delay: span("root_delay", &raw.root_delay)?,
            claim_window: span("claim_window", &raw.claim_window)?,
        };
        if config.round_duration == 0 {
            return Err("round_duration: must be more than zero".into());
        }
        if config.round_count == 0 {
            return Err("round_count: must be at least 1".into());
        }
        if config.claim_window <= config.root_delay {
            return Err("claim_window: must be longer than root_delay".into());
        }
        Ok(config)
    }

    /// The round budget in the token's base units.
    pub fn budget_units(&self, decimals: u8) -> Result<U256> {
        TokenAmount::parse(&self.round_budget, decimals)
            .map(|a| a.units)
            .map_err(|e| Error::Other(format!("round_budget: {e}")))
    }
}

/// What `podium deploy` records about a deployment (JSON, next to the program file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// [`DEPLOYMENT_FORMAT`].
    pub format: String,
    /// The chain.
    pub chain_id: u64,
    /// The distributor's address.
    pub distributor: Address,
    /// The block that included the deployment (logs start there).
    pub block: u64,
    /// The deployment transaction.
    pub transaction: B256,
    /// Who deployed it.
    pub deployer: Address,
    /// The token paid out.
    pub token: Address,
    /// The token's decimals at deployment.
    pub decimals: u8,
    /// Receives leftovers.
    pub funder: Address,
    /// The first committee.
    pub committee: Address,
    /// Start of round 1 (unix seconds).
    pub start: u64,
    /// Seconds per round.
    pub round_duration: u64,
    /// Number of rounds.
    pub round_count: u64,
    /// Most a round pays, base units (decimal string).
    pub round_budget: String,
    /// Seconds between posting and claimability.
    pub root_delay: u64,
    /// Seconds claims stay open after the program ends.
    pub claim_window: u64,
}

impl Deployment {
    /// The record's path for a program file: `program.toml` → `program.deployment.json`.
    pub fn path_for(config: &Path) -> PathBuf {
        let stem = config
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("program");
        config.with_file_name(format!("{stem}.deployment.json"))
    }

    /// Reads a record.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::File {
            path: path.to_owned(),
            message: format!("cannot read: {e}"),
        })?;
        let record: Self =
            serde_json::from_str(podium_core::text::without_bom(&text)).map_err(|e| {
                Error::File {
                    path: path.to_owned(),
                    message: format!("not a deployment record: {e}"),
                }
            })?;
        if record.format != DEPLOYMENT_FORMAT {
            return Err(Error::File {
                path: path.to_owned(),
                message: format!(
                    "format is {:?}; expected {DEPLOYMENT_FORMAT:?}",
                    record.format
                ),
            });
        }
        Ok(record)
    }

    /// Writes the record atomically: a temporary file in the same directory, then a rename, so a
    /// reader never sees half a record.
    pub fn write_atomic(&self, path: &Path) -> Result<()> {
        write_atomic(
            path,
            &(serde_json::to_string_pretty(self).expect("serialisable") + "\n"),
        )
    }
}

/// Writes `text` to `path` atomically, through the workspace's one writer,
/// [`podium_core::write_atomic`].
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    podium_core::write_atomic(path, text.as_bytes()).map_err(|e| Error::File {
        path: path.to_owned(),
        message: match e {
            podium_core::Error::Io { reason, .. } => format!("cannot write: {reason}"),
            other => other.to_string(),
        },
    })
}

/// Which deployed distributor a command works on.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Distributor")]
pub struct DistributorOpts {
    /// The deployment record written by `podium deploy` (pins the chain and the address).
    #[arg(long, env = "PODIUM_DEPLOYMENT", value_name = "FILE")]
    pub deployment: Option<PathBuf>,

    /// The distributor's address, instead of a deployment record (pin the chain with --chain).
    #[arg(
        long,
        env = "PODIUM_DISTRIBUTOR",
        value_name = "ADDRESS",
        value_parser = podium_core::parse_address_arg,
        conflicts_with = "deployment"
    )]
    pub distributor: Option<Address>,
}

/// A resolved target: the address, the chain it must be on (if known) and the record (if any).
#[derive(Debug, Clone)]
pub struct Target {
    /// The distributor.
    pub address: Address,
    /// The chain id it lives on, when a record says so.
    pub chain_id: Option<u64>,
    /// The record, when one was given.
    pub record: Option<Deployment>,
}

impl DistributorOpts {
    /// Whether either option was given.
    pub fn is_given(&self) -> bool {
        self.deployment.is_some() || self.distributor.is_some()
    }

    /// Resolves the target and connects to the node, checking its chain id against the record (or
    /// `--chain`). With `sending`, a chain id must be pinned one way or the other.
    pub async fn connect(
        &self,
        rpc: &crate::RpcOpts,
        sending: bool,
    ) -> Result<(crate::Chain, Target)> {
        let target = self.resolve()?;
        let chain = rpc.connect().await?;
        match target.chain_id {
            Some(id) => chain.expect_chain_id(id, "from the deployment record")?,
            None if sending && rpc.chain.is_none() => {
                return Err(Error::Other(format!(
                    "pin the chain before sending: pass --chain {} (or CHAIN) if {} is the chain you mean, or use \
                     --deployment",
                    chain.chain_id, chain.chain_id
                )));
            }
            None => {}
        }
        crate::distributor::expect_code(&chain, target.address).await?;
        Ok((chain, target))
    }

    /// Resolves the options (reads the record).
    pub fn resolve(&self) -> Result<Target> {
        match (&self.deployment, self.distributor) {
            (Some(path), _) => {
                let record = Deployment::read(path)?;
                Ok(Target { address: record.distributor, chain_id: Some(record.chain_id), record: Some(record) })
            }
            (None, Some(address)) => Ok(Target { address, chain_id: None, record: None }),
            (None, None) => Err(Error::Other(
                "which distributor? pass --deployment FILE (written by podium deploy) or --distributor ADDRESS \
                 (or set PODIUM_DEPLOYMENT / PODIUM_DISTRIBUTOR)"
                    .into(),
            )),
        }
    }
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
        assert_eq!(c.start, parse_utc("2026-12-07").unwrap());
        assert_eq!(c.round_duration, 604_800);
        assert_eq!(
            c.budget_units(18).unwrap(),
            U256::from(7000u64) * U256::from(10u64).pow(U256::from(18))
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

    #[test]
    fn record_path_sits_next_to_the_config() {
        assert_eq!(
            Deployment::path_for(Path::new("/x/program.toml")),
            Path::new("/x/program.deployment.json")
        );
    }
}
