//! `podium-claim`: the claimer orchestrators run to claim their own podium rewards.
//!
//! A thin `main` calls [`main_exit`]. The work is in library modules:
//! - [`cli`]: the arguments;
//! - [`input`]: distribution files from paths, directories and URLs (parsed by podium-core);
//! - [`discover`]: without file arguments, the rounds from the distributor's events and their
//!   files from the posted uris, verified and cached;
//! - [`plan`]: the per-round checks, a pure function of the files and the chain's state;
//! - [`onchain`]: reading that state from the distributor;
//! - [`claim`]: one batched, checked claim, and recovery from outages and races;
//! - [`journal`]: the in-flight record a restarted run reads, durable writes, the saved config;
//! - [`nonce`]: stuck transactions of the wallet, reported or replaced;
//! - [`stake`]: approve + bond on Livepeer's BondingManager after the claim, exactly once;
//! - [`watch`]: the long-running mode;
//! - [`output`]: the table, `--json`, and [`exit`]: the exit codes.

pub mod claim;
pub mod cli;
pub mod discover;
pub mod exit;
pub mod input;
pub mod journal;
pub mod nonce;
pub mod onchain;
pub mod output;
pub mod plan;
pub mod stake;
pub mod watch;

use std::time::Duration;

use clap::Parser;
use podium_chain::{Chain, Wallet, revert::Units};

use crate::{
    claim::{Claimer, Outcome},
    cli::Cli,
    exit::{Error, Exit, Result},
    input::Loaded,
    journal::{Journal, SavedConfig, default_state_dir},
    output::{Report, exit_of},
    plan::{Address, Target},
    stake::{Staked, Staker},
};

/// Parses the command line, runs, prints, and returns the process exit code.
pub fn main_exit() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(Exit::Usage.code());
        }
    };
    let exit = runtime.block_on(run(cli));
    std::process::ExitCode::from(exit.code())
}

/// Timestamped logs on stderr (`PODIUM_LOG` or `RUST_LOG` filter them; default `info`).
fn init_logging() {
    use std::io::IsTerminal;

    use tracing_subscriber::{EnvFilter, fmt};
    let filter = std::env::var("PODIUM_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let _ = fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Everything fixed for the whole run: the node, the wallet, what we claim for, and how.
#[derive(Debug)]
pub struct Session {
    /// The parsed arguments.
    pub cli: Cli,
    /// The node.
    pub chain: Chain,
    /// The wallet, unless this is a dry run without one.
    pub wallet: Option<Wallet>,
    /// Chain, distributor and account.
    pub target: Target,
    /// The distributor's token.
    pub token: Address,
    /// How amounts are shown.
    pub units: Units,
    /// The BondingManager, with `--stake`.
    pub bonding_manager: Option<Address>,
    /// The in-flight record.
    pub journal: Journal,
    /// The state directory, when there is one.
    pub state_dir: Option<std::path::PathBuf>,
}

/// Runs the command and prints its report; returns the exit code.
pub async fn run(cli: Cli) -> Exit {
    if cli.watch {
        return watch::run(cli).await;
    }
    let json = cli.json;
    match once(cli).await {
        Ok((session, outcome, staked, exit)) => {
            print_report(&session, &outcome, staked.as_ref(), exit, json);
            exit
        }
        Err(e) => {
            report_error(&e, json);
            e.exit()
        }
    }
}

/// Prints an error: a line on stderr, and with `--json` a JSON document on stdout too.
pub fn report_error(e: &Error, json: bool) {
    tracing::error!("{e}");
    if json {
        let doc = serde_json::json!({
            "outcome": e.exit(),
            "exitCode": e.exit().code(),
            "error": e.to_string(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("serialisable")
        );
    }
}

/// Prints the report of a finished claim.
pub fn print_report(
    session: &Session,
    outcome: &Outcome,
    staked: Option<&Staked>,
    exit: Exit,
    json: bool,
) {
    let report = Report {
        chain_id: session.target.chain_id,
        distributor: session.target.distributor,
        account: session.target.account,
        to: session.cli.to,
        units: &session.units,
        outcome,
        staked,
        dry_run: session.cli.dry_run,
        exit,
    };
    if json {
        println!("{}", report.json());
    } else {
        print!("{}", report.text());
    }
}

async fn once(cli: Cli) -> Result<(Session, Outcome, Option<Staked>, Exit)> {
    let files = load_inputs(&cli).await?;
    let chain = cli.rpc.connect().await.map_err(Error::from_chain)?;
    let session = Session::open(cli, chain, &files).await?;
    let discovery = session.discovery()?;
    let (outcome, staked) = session.cycle(discovery.as_ref(), files).await?;
    let exit = exit_of(&outcome, session.cli.dry_run);
    Ok((session, outcome, staked, exit))
}

/// Reads the inputs named on the command line.
pub async fn load_inputs(cli: &Cli) -> Result<Vec<Loaded>> {
    input::load(&cli.inputs, Duration::from_secs(cli.fetch_timeout.max(1))).await
}

/// The configured deployment: `--distributor` (or `PODIUM_DISTRIBUTOR`), else the one saved with
/// `--save-config`, with the chain id it was saved for. The files never choose it.
pub fn pick_distributor(
    given: Option<Address>,
    state_dir: Option<&std::path::Path>,
) -> Result<(Address, Option<u64>)> {
    if let Some(d) = given {
        return Ok((d, None));
    }
    if let Some(dir) = state_dir
        && let Some(saved) = SavedConfig::load(dir)?
    {
        return Ok((saved.distributor, Some(saved.chain_id)));
    }
    Err(Error::Usage(format!(
        "no distributor configured: pass --distributor ADDRESS (the one the committee announced), \
         set PODIUM_DISTRIBUTOR, or save it once with --distributor ADDRESS --save-config{}. \
         podium-claim never takes the distributor from the distribution files",
        state_dir
            .map(|d| format!(" (into {})", SavedConfig::path(d).display()))
            .unwrap_or_default()
    )))
}

impl Session {
    /// Checks the arguments against the node and the wallet, once per run.
    pub async fn open(cli: Cli, chain: Chain, _files: &[Loaded]) -> Result<Self> {
        let state_dir = cli.state_dir.clone().or_else(default_state_dir);
        let (distributor, saved_chain) = pick_distributor(cli.distributor, state_dir.as_deref())?;
        if let Some(expected) = saved_chain {
            chain
                .expect_chain_id(expected, "the chain saved with --save-config")
                .map_err(Error::from_chain)?;
        }
        onchain::expect_contract(&chain, distributor, "distributor").await?;
        if cli.save_config {
            let dir = state_dir.as_deref().ok_or_else(|| {
                Error::Usage("--save-config needs a state directory (--state-dir DIR)".into())
            })?;
            let path = SavedConfig::save(dir, chain.chain_id, distributor)?;
            tracing::info!(
                "saved distributor {distributor} on chain {} to {}",
                chain.chain_id,
                path.display()
            );
        }
        let wallet = if cli.wallet.is_configured() {
            Some(cli.wallet.load().await.map_err(Error::from_chain)?)
        } else if cli.dry_run {
            None
        } else {
            return Err(Error::Usage(
                "claiming needs a wallet: --keystore FILE_OR_DIR with --password-file FILE (go-livepeer's \
                 keystore and password file), or --private-key-env VAR; or look first with --dry-run \
                 --account ADDRESS"
                    .into(),
            ));
        };
        let account = match (cli.account, &wallet) {
            (Some(a), _) => a,
            (None, Some(w)) => w.address(),
            (None, None) => {
                return Err(Error::Usage(
                    "without a wallet, --dry-run needs --account ADDRESS".into(),
                ));
            }
        };
        let signer = wallet.as_ref().map(Wallet::address);
        if let Some(to) = cli.to {
            if to.is_zero() {
                return Err(Error::Usage("--to cannot be the zero address".into()));
            }
            if signer.is_some_and(|s| s != account) || (signer.is_none() && !cli.dry_run) {
                return Err(Error::Usage(format!(
                    "--to needs the account's own wallet: the contract pays a recipient only when the \
                     account itself claims (the wallet is {}, the account {account})",
                    signer.map_or("missing".into(), |s| s.to_string())
                )));
            }
        }
        let bonding_manager = if cli.stake {
            if signer.is_some_and(|s| s != account) {
                return Err(Error::Usage(format!(
                    "--stake bonds the claimed tokens from the wallet, so the wallet must be the account \
                     ({account}); it is {}",
                    signer.expect("checked")
                )));
            }
            if cli.to.is_some_and(|to| to != account) {
                return Err(Error::Usage(
                    "--stake and --to do not mix: the tokens must reach the account to be bonded"
                        .into(),
                ));
            }
            let bm = stake::bonding_manager(chain.chain_id, cli.bonding_manager)?;
            onchain::expect_contract(&chain, bm, "BondingManager").await?;
            Some(bm)
        } else {
            None
        };
        let (token, units) = onchain::token_units(&chain, distributor).await?;
        let target = Target {
            chain_id: chain.chain_id,
            distributor,
            account,
        };
        let journal = Journal::new(state_dir.as_deref(), target);
        Ok(Self {
            cli,
            chain,
            wallet,
            target,
            token,
            units,
            bonding_manager,
            journal,
            state_dir,
        })
    }

    /// Discovery, when no files were given on the command line.
    pub fn discovery(&self) -> Result<Option<discover::Discovery>> {
        if !self.cli.inputs.is_empty() {
            return Ok(None);
        }
        if self.state_dir.is_none() {
            tracing::warn!(
                "no state directory (--state-dir): discovered files are not cached between runs"
            );
        }
        discover::Discovery::new(self).map(Some)
    }

    /// One look: the given `files`, plus with `discovery` the rounds found on chain (a round given
    /// on the command line is taken from there); claims (and stakes), and reports the rounds whose
    /// file could not be used alongside the others.
    pub async fn cycle(
        &self,
        discovery: Option<&discover::Discovery>,
        mut files: Vec<Loaded>,
    ) -> Result<(Outcome, Option<Staked>)> {
        let mut failed = Vec::new();
        if let Some(d) = discovery {
            let given = files.iter().map(|l| l.file.round).collect();
            let found = d.look(self, &given).await?;
            files.extend(found.files);
            failed = found.failed;
        }
        let (mut outcome, staked) = self.claim(&files).await?;
        outcome.plans.extend(failed);
        outcome.plans.sort_by_key(|p| p.round);
        Ok((outcome, staked))
    }

    /// Claims (and stakes) once.
    pub async fn claim(&self, files: &[Loaded]) -> Result<(Outcome, Option<Staked>)> {
        let cli = &self.cli;
        let patience = cli.max_outage;
        let claimer = Claimer {
            chain: &self.chain,
            target: self.target,
            wallet: self.wallet.as_ref(),
            to: cli.to.filter(|to| *to != self.target.account),
            send: &cli.send,
            units: self.units.clone(),
            journal: &self.journal,
            dry_run: cli.dry_run,
            outage_patience: patience,
            replace_stuck: cli.replace_stuck,
        };
        let outcome = claimer.run(files).await?;
        let mut staked = None;
        if let (Some(bm), Some(wallet), false) = (self.bonding_manager, &self.wallet, cli.dry_run) {
            let staker = Staker {
                chain: &self.chain,
                wallet,
                send: &cli.send,
                units: &self.units,
                token: self.token,
                bonding_manager: bm,
                delegate: cli.delegate.unwrap_or(self.target.account),
                state_dir: self.state_dir.as_deref(),
                outage_patience: patience,
                replace_stuck: cli.replace_stuck,
                use_hints: true,
            };
            // Owed bonds are recorded durably first thing, so the in-flight record can go after.
            staked = staker.run(&outcome.payments).await?;
        }
        if !cli.dry_run {
            self.journal.clear();
        }
        Ok((outcome, staked))
    }
}
