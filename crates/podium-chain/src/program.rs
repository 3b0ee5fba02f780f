//! The deployment record `podium deploy` writes next to the program file, and the option group that
//! tells a command which deployed distributor to use. The program file itself
//! ([`ProgramConfig`], `program.toml`) is pure TOML and lives in the core crate.

use std::path::{Path, PathBuf};

use alloy::{
    primitives::{Address, B256, U256},
    sol_types::SolConstructor,
};
use clap::Args;
use podium_core::TokenAmount;
pub use podium_core::program::{ProgramConfig, Timeline};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, bindings::PodiumDistributor};

/// The `format` of deployment records this version writes.
pub const DEPLOYMENT_FORMAT: &str = "podium-deployment-v1";

/// What `podium deploy` records about a deployment (JSON, next to the program file): the program's
/// one source for the commands that follow (chain, distributor, token, decimals, budget, timeline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RecordJson", into = "RecordJson")]
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
    /// Rounds and windows.
    pub timeline: Timeline,
    /// Most a round pays, in the token's base units (not whole tokens).
    pub round_budget: U256,
}

/// The record's JSON (`podium-deployment-v1`) field by field, in the order it has always been
/// written, so records written before [`Deployment`] grouped its timeline still read, and new ones
/// are byte for byte what they were.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RecordJson {
    format: String,
    chain_id: u64,
    distributor: Address,
    block: u64,
    transaction: B256,
    deployer: Address,
    token: Address,
    decimals: u8,
    funder: Address,
    committee: Address,
    start: u64,
    round_duration: u64,
    round_count: u64,
    /// Base units, a decimal string.
    round_budget: String,
    root_delay: u64,
    claim_window: u64,
}

impl TryFrom<RecordJson> for Deployment {
    type Error = String;

    fn try_from(r: RecordJson) -> Result<Self, String> {
        let round_budget = U256::from_str_radix(&r.round_budget, 10).map_err(|_| {
            format!(
                "roundBudget {:?} is not a whole number of base units",
                r.round_budget
            )
        })?;
        Ok(Self {
            format: r.format,
            chain_id: r.chain_id,
            distributor: r.distributor,
            block: r.block,
            transaction: r.transaction,
            deployer: r.deployer,
            token: r.token,
            decimals: r.decimals,
            funder: r.funder,
            committee: r.committee,
            timeline: Timeline {
                start: r.start,
                round_duration: r.round_duration,
                round_count: r.round_count,
                root_delay: r.root_delay,
                claim_window: r.claim_window,
            },
            round_budget,
        })
    }
}

impl From<Deployment> for RecordJson {
    fn from(d: Deployment) -> Self {
        let t = d.timeline;
        Self {
            format: d.format,
            chain_id: d.chain_id,
            distributor: d.distributor,
            block: d.block,
            transaction: d.transaction,
            deployer: d.deployer,
            token: d.token,
            decimals: d.decimals,
            funder: d.funder,
            committee: d.committee,
            start: t.start,
            round_duration: t.round_duration,
            round_count: t.round_count,
            round_budget: d.round_budget.to_string(),
            root_delay: t.root_delay,
            claim_window: t.claim_window,
        }
    }
}

impl Deployment {
    /// The round budget with the token's decimals, for printing and comparing.
    pub fn budget(&self) -> TokenAmount {
        TokenAmount::from_units(self.round_budget, self.decimals)
    }

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

/// A distributor's constructor arguments: what `podium deploy` (and the test chains) deploy.
#[derive(Debug, Clone)]
pub struct DistributorParams {
    /// Token paid out.
    pub token: Address,
    /// Receives leftovers.
    pub funder: Address,
    /// Posts roots.
    pub committee: Address,
    /// Rounds and windows.
    pub timeline: Timeline,
    /// Most a round pays, in the token's base units (not whole tokens).
    pub round_budget: U256,
}

impl DistributorParams {
    /// The constructor's init code (bytecode and encoded arguments).
    pub fn init_code(&self) -> Vec<u8> {
        let t = &self.timeline;
        let args = PodiumDistributor::constructorCall {
            token: self.token,
            funder: self.funder,
            initialCommittee: self.committee,
            programStart: U256::from(t.start),
            roundDuration: U256::from(t.round_duration),
            roundCount: U256::from(t.round_count),
            roundBudget: self.round_budget,
            rootDelay: U256::from(t.root_delay),
            claimWindow: U256::from(t.claim_window),
        };
        [PodiumDistributor::BYTECODE.to_vec(), args.abi_encode()].concat()
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

    /// A record as `podium deploy` wrote it before the timeline was grouped: it still reads, and
    /// writing it back gives the same bytes.
    #[test]
    fn records_keep_their_format_byte_for_byte() {
        let written = r#"{
  "format": "podium-deployment-v1",
  "chainId": 42161,
  "distributor": "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  "block": 1,
  "transaction": "0x1111111111111111111111111111111111111111111111111111111111111111",
  "deployer": "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
  "token": "0x289ba1701c2f088cf0faf8b3705246331cb8a839",
  "decimals": 18,
  "funder": "0x1111111111111111111111111111111111111111",
  "committee": "0x2222222222222222222222222222222222222222",
  "start": 1796601600,
  "roundDuration": 604800,
  "roundCount": 3,
  "roundBudget": "7000000000000000000000",
  "rootDelay": 172800,
  "claimWindow": 7776000
}
"#;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("program.deployment.json");
        std::fs::write(&path, written).unwrap();
        let record = Deployment::read(&path).unwrap();
        assert_eq!(record.timeline.round_count, 3);
        assert_eq!(record.timeline.claim_window, 7_776_000);
        assert_eq!(record.budget().to_string(), "7000");
        record.write_atomic(&path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), written);

        std::fs::write(
            &path,
            written.replace("\"7000000000000000000000\"", "\"7000.5\""),
        )
        .unwrap();
        let err = Deployment::read(&path).unwrap_err().to_string();
        assert!(
            err.contains("roundBudget \"7000.5\" is not a whole number of base units"),
            "{err}"
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
