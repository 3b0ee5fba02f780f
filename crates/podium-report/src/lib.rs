//! The program report (`podium report`): the metrics the program promised, per weekly round, from
//! the very files the rounds were paid from, and (given a node) from the chain.
//!
//! Inputs, per round, in a rounds directory (see [`discover`]):
//!
//! ```text
//! DIR/round-1/rules.toml          the round's rules
//! DIR/round-1/scores/*.json|csv   the score files the round was built from (or scores.json / scores.csv)
//! DIR/round-1/distribution.json   the distribution file `podium build` wrote (or DIR/round-1.json)
//! DIR/round-2/…
//! ```
//!
//! Each round's payouts are recomputed from its rules and scores and must match its distribution
//! file (tree, total, root and the digests of the rules and score files), so the report cannot
//! describe a different round than the one that was paid. The demo and other commands call [`run`]
//! with explicit [`RoundInput`]s instead of a directory.
//!
//! The crate is one model and three views. `model` reads the inputs (and the chain, through
//! `chain`) and computes everything: `metrics` per round and region, `stake` for claims matched
//! to bonds. The views, `text`, `json` and `html` (with its charts, drawn as SVG by `html::svg`),
//! each read only the model; what they share in how a number or an address is written is in
//! `format`, and what the report says about its methods in `notes`.

mod chain;
mod format;
mod html;
mod input;
mod json;
mod metrics;
mod model;
mod notes;
mod stake;
mod text;
#[cfg(test)]
mod views_tests;

use std::path::PathBuf;

use alloy_primitives::Address;
use eyre::WrapErr;
use podium_chain::{DistributorOpts, RpcOpts};

pub use self::{
    input::{ProgramSource, RoundInput, discover},
    json::FORMAT,
    model::Report,
};

/// Where the chain facts come from.
#[derive(Debug, Clone)]
pub struct ChainSource {
    /// The node to read from.
    pub rpc: RpcOpts,
    /// The distributor; when neither option is set, the deployment record the program comes from,
    /// else the one next to the program file.
    pub distributor: DistributorOpts,
    /// The BondingManager whose `Bond` events count as staking (default on chain 42161: Livepeer's).
    pub bonding_manager: Option<Address>,
    /// First block to read the distributor's logs from (default: the deployment record's block, else 0).
    pub from_block: Option<u64>,
    /// First block to read the BondingManager's registrations from (default: Livepeer's deployment
    /// block for Livepeer's BondingManager on Arbitrum One, else 0).
    pub registrations_from_block: Option<u64>,
    /// Most blocks per `eth_getLogs` request.
    pub log_blocks: u64,
}

/// What to report on and where to write it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The program file (`program.toml`, as for `podium deploy`) or the deployment record.
    pub program: ProgramSource,
    /// Every round so far, from round 1, in order.
    pub rounds: Vec<RoundInput>,
    /// Read claims and stake from the chain.
    pub chain: Option<ChainSource>,
    /// Write the HTML page here.
    pub html: Option<PathBuf>,
}

/// Builds the report and writes the HTML page when asked. The one entry point for the CLI and the
/// demo.
pub fn run(request: &Request) -> eyre::Result<Report> {
    let report = model::build(request)?;
    if let Some(path) = &request.html {
        podium_core::write_atomic(path, report.html().as_bytes())
            .wrap_err_with(|| format!("writing the report page {}", path.display()))?;
    }
    Ok(report)
}
