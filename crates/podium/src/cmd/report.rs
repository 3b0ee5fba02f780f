//! `podium report`: the program's metrics per round, as tables, JSON and an HTML page with charts.

use std::path::PathBuf;

use alloy_primitives::Address;
use clap::Args;
use podium_report::{ChainSource, ProgramSource, Request};

use super::{Outcome, args::parse_addr, tx::ChainOpts};
use crate::output::{Output, print_json};

/// Report on the program: per round, orchestrators meeting the threshold (per region and overall),
/// the top 5 scores per region, orchestrators seen for the first time in the scores, and tokens
/// allocated and unallocated per region; with --rpc-url also orchestrators newly registered on the
/// BondingManager, claimed and unclaimed per round and the share of claimed tokens staked within 7
/// days of the claim.
///
/// Rounds directory layout: DIR/round-N/rules.toml, DIR/round-N/scores/ (the round's .json/.csv
/// score files; or DIR/round-N/scores.json), and DIR/round-N/distribution.json (or DIR/round-N.json),
/// for every round from 1. Each round's payouts are recomputed and must match its distribution file.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The program file (the one `podium deploy --config` takes). Without it, --deployment (the
    /// record `podium deploy` wrote) gives the chain id, token, timeline and round budget.
    #[arg(
        long,
        env = "PODIUM_PROGRAM",
        value_name = "FILE",
        required_unless_present = "deployment"
    )]
    program: Option<PathBuf>,
    /// The rounds directory (layout above).
    #[arg(long, value_name = "DIR")]
    rounds: PathBuf,
    /// Also write the report as one self-contained HTML page with charts (written atomically).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// The BondingManager whose Bond events count as staking (default on chain 42161: Livepeer's,
    /// 0x35Bcf3c30594191d53231E4FF333E8A770453e40; elsewhere staking is not measured without it).
    #[arg(long, env = "PODIUM_BONDING_MANAGER", value_name = "ADDRESS", value_parser = parse_addr)]
    bonding_manager: Option<Address>,
    /// First block of the distributor's logs (default: the deployment record's block, else 0).
    #[arg(long, value_name = "BLOCK")]
    from_block: Option<u64>,
    /// First block of the BondingManager's registrations (TranscoderUpdate, TranscoderActivated):
    /// an orchestrator whose first one is older is not new (default: 5856381, the deployment block,
    /// for Livepeer's BondingManager on chain 42161; else 0).
    #[arg(long, value_name = "BLOCK")]
    registrations_from_block: Option<u64>,
    /// Most blocks per eth_getLogs request (public endpoints refuse wide ranges; a refused range is
    /// halved). The registration scan starts with this many and doubles until the node refuses.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    log_blocks: u64,
    #[command(flatten)]
    chain: ChainOpts,
}

impl ReportArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        let rounds = podium_report::discover(&self.rounds)?;
        let ChainOpts { distributor, rpc } = self.chain;
        // With --program the record (like --distributor) only names the distributor on the chain
        // read; alone, the record is the program too (what was deployed, not what was planned).
        let program = match (self.program, &distributor.deployment) {
            (Some(file), _) => ProgramSource::File(file),
            (None, Some(record)) => ProgramSource::Deployment(record.clone()),
            (None, None) => unreachable!("clap requires --program or --deployment"),
        };
        let chain = rpc.rpc_url.is_some().then(|| ChainSource {
            rpc,
            distributor: distributor.clone(),
            bonding_manager: self.bonding_manager,
            from_block: self.from_block,
            registrations_from_block: self.registrations_from_block,
            log_blocks: self.log_blocks,
        });
        let names_a_distributor = match program {
            ProgramSource::File(_) => distributor.is_given(),
            ProgramSource::Deployment(_) => distributor.distributor.is_some(),
        };
        if chain.is_none() && names_a_distributor {
            eyre::bail!(
                "--deployment/--distributor need --rpc-url (or ETH_RPC_URL) to read the chain"
            );
        }
        let request = Request {
            program,
            rounds,
            chain,
            html: self.html.clone(),
        };
        let report = podium_report::run(&request)?;
        if output.json() {
            print_json(&report.to_json())?;
            if let Some(path) = &self.html {
                eprintln!("wrote {}", path.display());
            }
        } else {
            print!("{}", report.text());
            if let Some(path) = &self.html {
                println!("wrote {}", path.display());
            }
        }
        Ok(Outcome::Success)
    }
}
