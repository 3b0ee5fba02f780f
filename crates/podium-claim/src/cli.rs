//! The command line: what an orchestrator types.

use std::{path::PathBuf, time::Duration};

use clap::Parser;
use podium_chain::{RpcOpts, SendOpts, WalletOpts};

use crate::{exit::EXIT_CODES_HELP, plan::Address};

const ABOUT: &str = "Claim your podium rewards: every round you earned, checked against the chain, in one transaction.";

const LONG_ABOUT: &str = "\
Claim your podium rewards: every round you earned, checked against the chain, in one transaction.

Give it nothing but the distributor and it finds the rounds itself: the distributor's events say
which root counts for each round and where the committee published its file (https://, http://
or ipfs:// through --ipfs-gateway); each file is fetched, verified against the chain and cached in
the state directory. Or give it the round distribution files yourself (files, a directory of them,
or http(s) URLs). For each round it checks that the file is for this chain and distributor, that your proof
leads to the file's root, that this root is the one on chain and is claimable (not pending, not
revoked), and that you have not claimed it yet. Then it claims every claimable round in a single
transaction, waits for it to be mined, and replaces it with higher fees if it gets stuck. Rounds it
skips are listed with the reason.

It signs with the same files go-livepeer uses: your keystore and the password file.

Examples:
  # What can this account claim? (no wallet needed)
  podium-claim --rpc-url $ARB_RPC --dry-run --account 0xYourOrchestrator ./rounds/

  # Once: pin the deployment the committee announced (saved in the state directory)
  podium-claim --rpc-url $ARB_RPC --distributor 0xTheDistributor --save-config --dry-run \\
      --account 0xYourOrchestrator ./rounds/

  # Claim with go-livepeer's keystore and the node's -ethPassword file
  podium-claim --rpc-url $ARB_RPC --keystore ~/.lpData/arbitrum-one-mainnet/keystore \\
      --password-file ~/.lpData/password.txt ./rounds/

  # Claim and bond the tokens to yourself right away
  podium-claim --rpc-url $ARB_RPC --keystore ... --password-file ... --stake ./rounds/

  # Keep running: find and claim each new round as soon as its root becomes valid
  podium-claim --rpc-url $ARB_RPC --distributor 0xTheDistributor --keystore ... --password-file ... --watch";

/// `podium-claim`'s arguments.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "podium-claim",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = "Run with --help for examples and the exit codes.",
    after_long_help = EXIT_CODES_HELP
)]
pub struct Cli {
    /// Distribution files, directories holding them (every *.json inside), or http(s) URLs.
    /// Without any, the rounds are discovered from the distributor's RootPosted events and each
    /// file is fetched from the uri the committee posted, verified and cached.
    #[arg(value_name = "FILE|DIR|URL")]
    pub inputs: Vec<String>,

    /// The IPFS gateway for ipfs:// uris when discovering: ipfs://CID/path is fetched from
    /// GATEWAY/ipfs/CID/path.
    #[arg(long, env = "PODIUM_IPFS_GATEWAY", value_name = "URL",
          default_value = crate::discover::DEFAULT_GATEWAY)]
    pub ipfs_gateway: String,

    /// The block discovery starts reading the distributor's events from (its deployment block
    /// saves requests on long chains).
    #[arg(
        long,
        env = "PODIUM_FROM_BLOCK",
        value_name = "BLOCK",
        default_value_t = 0
    )]
    pub from_block: u64,

    /// The account whose rewards to claim. Defaults to the wallet's address; required with
    /// --dry-run when no wallet is given.
    #[arg(long, env = "PODIUM_ACCOUNT", value_name = "ADDRESS")]
    pub account: Option<Address>,

    /// The distributor contract to claim from: here, in PODIUM_DISTRIBUTOR, or saved once with
    /// --save-config. Never taken from the files: a file naming another one is refused.
    #[arg(long, env = "PODIUM_DISTRIBUTOR", value_name = "ADDRESS")]
    pub distributor: Option<Address>,

    /// Save --distributor and the node's chain id in the state directory, so later runs claim
    /// from that deployment without the flag.
    #[arg(long, requires = "distributor")]
    pub save_config: bool,

    /// Replace a transaction of this wallet stuck in the pool at a lower nonce (same nonce, higher
    /// fees): your own earlier claim is re-priced, anything else becomes a zero-value transfer to
    /// yourself. Without it, a stuck transaction stops the run (exit code 11).
    #[arg(long)]
    pub replace_stuck: bool,

    /// The longest the node may stay unreachable (transport failures, waited for with capped
    /// backoff) while a claim or a bond is in flight, and in --watch: then the run stops (exit 4).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_interval)]
    pub max_outage: Duration,

    /// Send the tokens to ADDRESS instead of the account (e.g. a cold wallet). Only the account's
    /// own wallet can do this.
    #[arg(long, value_name = "ADDRESS")]
    pub to: Option<Address>,

    /// Check everything and show what would be claimed, but send nothing. Works without a wallet
    /// (give --account).
    #[arg(long)]
    pub dry_run: bool,

    /// After the claim is mined, bond the claimed tokens on Livepeer's BondingManager (approve,
    /// then bondWithHint with go-livepeer's pool position hints, or bond when they cannot be
    /// computed). Exactly once per claim, whatever is interrupted: see the README.
    #[arg(long, help_heading = "Staking")]
    pub stake: bool,

    /// Who to bond to with --stake. Defaults to the account itself (an orchestrator bonding its
    /// own reward).
    #[arg(long, value_name = "ADDRESS", help_heading = "Staking")]
    pub delegate: Option<Address>,

    /// The BondingManager for --stake. Defaults to Livepeer's on Arbitrum One (chain 42161):
    /// 0x35Bcf3c30594191d53231E4FF333E8A770453e40.
    #[arg(
        long,
        env = "PODIUM_BONDING_MANAGER",
        value_name = "ADDRESS",
        help_heading = "Staking"
    )]
    pub bonding_manager: Option<Address>,

    /// Keep running: re-read the inputs every --interval, claim each round as soon as its root is
    /// valid, ride out RPC outages, stop cleanly on Ctrl-C or SIGTERM.
    #[arg(long, help_heading = "Watch mode")]
    pub watch: bool,

    /// How often --watch looks for new rounds: seconds, or with a unit (90s, 15m, 1h). It wakes
    /// sooner when a pending root becomes claimable (on the chain's clock), but never polls more
    /// often than every 5 seconds (or the interval, if shorter).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_interval,
          help_heading = "Watch mode")]
    pub interval: Duration,

    /// Print one JSON document on stdout instead of the table.
    #[arg(long)]
    pub json: bool,

    /// Seconds to wait for a distribution file URL (each attempt; a 5xx answer or a timeout is
    /// tried 3 times).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub fetch_timeout: u64,

    /// Where to keep the in-flight and stake records that let a restarted run finish what an
    /// interrupted one began, the saved configuration, and the verified files discovery fetched. Written durably; a write that fails
    /// stops the run before anything is sent. Default: $XDG_STATE_HOME/podium-claim or
    /// ~/.local/state/podium-claim.
    #[arg(long, env = "PODIUM_CLAIM_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// The node's RPC and how patiently to talk to it.
    #[command(flatten)]
    pub rpc: RpcOpts,

    /// The wallet that signs.
    #[command(flatten)]
    pub wallet: WalletOpts,

    /// Confirmations, timeouts and fee bumps.
    #[command(flatten)]
    pub send: SendOpts,
}

/// Parses `300`, `30s`, `5m`, `1h` into a duration of at least one second.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return Err(format!("{text:?}: use seconds or a unit: 90s, 15m, 1h")),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?}: use seconds or a unit: 90s, 15m, 1h"))?;
    if n == 0 {
        return Err("the interval must be at least one second".into());
    }
    Ok(Duration::from_secs(n * scale))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn parses_intervals() {
        assert_eq!(parse_interval("300"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_interval("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_interval("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_interval("0").is_err());
        assert!(parse_interval("1d").is_err());
        assert!(parse_interval("soon").is_err());
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
