//! One claimer session: the settings a claim pass needs (taken from the command line once), the
//! node, the wallet and the checked target, and the pass itself (discover, claim, stake). Both the
//! one-shot run ([`once`]) and `--watch` ([`crate::watch`]) drive the same [`Session::cycle`].

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use podium_chain::{Chain, SendOpts, Wallet, revert::Units};

use crate::{
    claim::{Claimer, Outcome},
    cli::Cli,
    discover::{self, Discovery},
    exit::{Error, Exit, Result},
    input::{self, Loaded},
    journal::{Journal, SavedConfig, default_state_dir},
    onchain,
    output::{Report, exit_of},
    plan::{Address, Target},
    stake::{self, Staked, Staker},
};

/// What a claim pass needs from the command line, as plain values.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Files, directories and URLs given on the command line (empty: discover the rounds).
    pub inputs: Vec<String>,
    /// How long one fetch of a file may take.
    pub fetch_timeout: Duration,
    /// The gateway for `ipfs://` uris.
    pub ipfs_gateway: String,
    /// The first block discovery reads events from.
    pub from_block: u64,
    /// Where the tokens go (`--to`), if given.
    pub to: Option<Address>,
    /// Look, but send nothing.
    pub dry_run: bool,
    /// Who to bond to with `--stake` (default: the account).
    pub delegate: Option<Address>,
    /// Confirmations, timeouts and fee bumps.
    pub send: SendOpts,
    /// How long the node may stay unreachable.
    pub max_outage: Duration,
    /// Replace a stuck transaction of the wallet.
    pub replace_stuck: bool,
}

impl Settings {
    /// The settings of `cli`.
    pub fn from_cli(cli: &Cli) -> Self {
        Self {
            inputs: cli.inputs.clone(),
            fetch_timeout: Duration::from_secs(cli.fetch_timeout.max(1)),
            ipfs_gateway: cli.ipfs_gateway.clone(),
            from_block: cli.from_block,
            to: cli.to,
            dry_run: cli.dry_run,
            delegate: cli.delegate,
            send: cli.send.clone(),
            max_outage: cli.max_outage,
            replace_stuck: cli.replace_stuck,
        }
    }

    /// Reads the inputs named on the command line.
    pub async fn load_inputs(&self) -> Result<Vec<Loaded>> {
        input::load(&self.inputs, self.fetch_timeout).await
    }
}

/// Everything fixed for the whole run: the node, the wallet, what we claim for, and how.
#[derive(Debug)]
pub struct Session {
    /// What each pass needs from the command line.
    pub settings: Settings,
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
    pub state_dir: Option<PathBuf>,
}

/// One run without `--watch`: read the inputs, connect, check, claim once; prints the report (or
/// the error) and returns the exit code.
pub async fn once(cli: &Cli) -> Exit {
    let json = cli.json;
    let pass = async {
        let settings = Settings::from_cli(cli);
        let files = settings.load_inputs().await?;
        let chain = cli.rpc.connect().await.map_err(Error::from_chain)?;
        let session = Session::open(cli, chain).await?;
        let discovery = session.discovery()?;
        let (outcome, staked) = session.cycle(discovery.as_ref(), files).await?;
        Ok::<_, Error>((session, outcome, staked))
    };
    match pass.await {
        Ok((session, outcome, staked)) => {
            let exit = exit_of(&outcome, session.settings.dry_run);
            session.print_report(&outcome, staked.as_ref(), exit, json);
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

/// The configured deployment: `--distributor` (or `PODIUM_DISTRIBUTOR`), else the one saved with
/// `--save-config`, with the chain id it was saved for. The files never choose it.
pub fn pick_distributor(
    given: Option<Address>,
    state_dir: Option<&Path>,
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
    pub async fn open(cli: &Cli, chain: Chain) -> Result<Self> {
        let settings = Settings::from_cli(cli);
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
        } else if settings.dry_run {
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
        if let Some(to) = settings.to {
            if to.is_zero() {
                return Err(Error::Usage("--to cannot be the zero address".into()));
            }
            if signer.is_some_and(|s| s != account) || (signer.is_none() && !settings.dry_run) {
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
            if settings.to.is_some_and(|to| to != account) {
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
            settings,
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
    pub fn discovery(&self) -> Result<Option<Discovery>> {
        if !self.settings.inputs.is_empty() {
            return Ok(None);
        }
        if self.state_dir.is_none() {
            tracing::warn!(
                "no state directory (--state-dir): discovered files are not cached between runs"
            );
        }
        Discovery::new(&self.settings).map(Some)
    }

    /// One look: the given `files`, plus with `discovery` the rounds found on chain (a round given
    /// on the command line is taken from there); claims (and stakes), and reports the rounds whose
    /// file could not be used alongside the others.
    pub async fn cycle(
        &self,
        discovery: Option<&Discovery>,
        mut files: Vec<Loaded>,
    ) -> Result<(Outcome, Option<Staked>)> {
        let mut failed = Vec::new();
        if let Some(d) = discovery {
            let given = files.iter().map(|l| l.file.round).collect();
            let found = d
                .look(
                    &discover::Where {
                        chain: &self.chain,
                        target: &self.target,
                        state_dir: self.state_dir.as_deref(),
                    },
                    &given,
                )
                .await?;
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
        let s = &self.settings;
        let claimer = Claimer {
            chain: &self.chain,
            target: self.target,
            wallet: self.wallet.as_ref(),
            to: s.to.filter(|to| *to != self.target.account),
            send: &s.send,
            units: self.units.clone(),
            journal: &self.journal,
            dry_run: s.dry_run,
            outage_patience: s.max_outage,
            replace_stuck: s.replace_stuck,
        };
        let outcome = claimer.run(files).await?;
        let mut staked = None;
        if let (Some(bm), Some(wallet), false) = (self.bonding_manager, &self.wallet, s.dry_run) {
            let staker = Staker {
                chain: &self.chain,
                wallet,
                send: &s.send,
                units: &self.units,
                token: self.token,
                bonding_manager: bm,
                delegate: s.delegate.unwrap_or(self.target.account),
                state_dir: self.state_dir.as_deref(),
                outage_patience: s.max_outage,
                replace_stuck: s.replace_stuck,
                use_hints: true,
            };
            // Owed bonds are recorded durably first thing, so the in-flight record can go after.
            staked = staker.run(&outcome.payments).await?;
        }
        if !s.dry_run {
            self.journal.clear();
        }
        Ok((outcome, staked))
    }

    /// Prints the report of a finished claim: the table, or (`json`) one JSON document.
    pub fn print_report(&self, outcome: &Outcome, staked: Option<&Staked>, exit: Exit, json: bool) {
        let report = Report {
            chain_id: self.target.chain_id,
            distributor: self.target.distributor,
            account: self.target.account,
            to: self.settings.to,
            units: &self.units,
            outcome,
            staked,
            dry_run: self.settings.dry_run,
            exit,
        };
        if json {
            println!("{}", report.json());
        } else {
            print!("{}", report.text());
        }
    }
}
