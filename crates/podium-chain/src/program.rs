//! The deployment record `podium deploy` writes next to the program file, and the option group that
//! tells a command which deployed distributor to use. The program file itself
//! ([`ProgramConfig`], `program.toml`) is pure TOML and lives in the core crate.

use std::path::{Path, PathBuf};

use alloy::primitives::{Address, B256};
use clap::Args;
pub use podium_core::program::ProgramConfig;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The `format` of deployment records this version writes.
pub const DEPLOYMENT_FORMAT: &str = "podium-deployment-v1";

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

    #[test]
    fn record_path_sits_next_to_the_config() {
        assert_eq!(
            Deployment::path_for(Path::new("/x/program.toml")),
            Path::new("/x/program.deployment.json")
        );
    }
}
