//! `podium demo`: the whole program, three weekly rounds, on a local anvil chain.
//!
//! The demo drives the real binaries (`podium` and `podium-claim`) as a person would, printing each
//! command before its output, so the story it tells is also the manual: every step can be re-run by
//! hand against any chain. Only what a person cannot do on a real chain is done directly through
//! RPC: starting anvil, minting the test LPT, deploying the BondingManager test double, and moving
//! chain time forward week by week.
//!
//! The final accounting (funded = claimed + returned, to the wei, and nothing left in the contract)
//! is computed from the chain, written to `accounting.json`, and the run fails if it does not hold.
// Only with the podium crate's `demo` feature: see `cmd/demo.rs`.
#![cfg(feature = "demo")]

mod accounting;
mod chain;
mod story;
mod watcher;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    time::Instant,
};

use alloy_primitives::{Address, U256};
use eyre::{WrapErr, bail, ensure, eyre};
use podium_chain::{
    alloy::signers::local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English},
    anvil::Anvil,
    local_http::{Reply, Server},
};
use podium_core::DistributionFile;

use self::{
    accounting::Accounting,
    chain::DemoChain,
    story::{Story, rel},
    watcher::Watcher,
};

/// anvil's public development mnemonic: the demo's accounts are its well-known test keys.
const MNEMONIC: &str = "test test test test test test test test test test test junk";
/// Accounts anvil creates; orchestrators are 10..39 (see demo/generate_scores.py).
const ACCOUNTS: u32 = 40;
const FUNDER: u32 = 0;
const COMMITTEE: u32 = 1;
const COLD_WALLET: u32 = 2;
const ROUNDS: u64 = 3;
const WEEK: u64 = 7 * 24 * 3600;
const DAY: u64 = 24 * 3600;
const ROOT_DELAY: u64 = 2 * DAY;
const CLAIM_WINDOW: u64 = 28 * DAY;

/// The sample data, embedded so `podium demo` runs from anywhere. Synthetic: see demo/README.md.
const SCORES: [&str; 3] = [
    include_str!("../../../../demo/scores/week1.json"),
    include_str!("../../../../demo/scores/week2.json"),
    include_str!("../../../../demo/scores/week3.json"),
];
const RULES: [(&str, &str); 3] = [
    (
        "round1.toml",
        include_str!("../../../../demo/rules/round1.toml"),
    ),
    (
        "round2.toml",
        include_str!("../../../../demo/rules/round2.toml"),
    ),
    (
        "round3.toml",
        include_str!("../../../../demo/rules/round3.toml"),
    ),
];

/// Marker that lets a later run clear the demo directory without risking anyone's files.
const MARKER: &str = ".podium-demo";

/// The demo's settings.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Where every file of the run goes (recreated).
    pub(crate) dir: PathBuf,
    /// The `podium-claim` binary; by default next to this executable.
    pub(crate) claimer: Option<PathBuf>,
}

/// Runs the demo to the end; an error (or an accounting mismatch) makes the command fail.
///
/// Each step below is one part of the story; they run in the order a program runs.
pub(crate) fn run(settings: &Settings) -> eyre::Result<()> {
    let started = Instant::now();
    let mut demo = Demo::set_up(settings)?;
    let distributor = demo.deploy_and_fund()?;
    let watcher = demo.start_watcher(distributor)?;
    let mut distributions = Vec::new();
    for round in 1..=ROUNDS {
        distributions.push(demo.week(round, distributor, &watcher)?);
    }
    watcher.stop();
    demo.claims(distributor, &distributions)?;
    let swept = demo.sweeps()?;
    demo.final_accounting(distributor, &distributions, swept)?;
    demo.report()?;
    demo.finish(started);
    Ok(())
}

/// Everything the demo's steps share: the story being printed, the binaries, the local chain with its
/// wallets and contracts, the two local servers and where the run's files go.
struct Demo {
    story: Story,
    /// The run's directory, and inside it the layout the committee keeps a program in (as `podium
    /// report` and `podium publish` read it): each week rounds/round-N/rules.toml (the committee's
    /// rules, embedded sample data), rounds/round-N/scores/ (from `podium snapshot`), and the
    /// distribution file beside the directory as rounds/round-N.json.
    dir: PathBuf,
    rounds_dir: PathBuf,
    site_dir: PathBuf,
    program: PathBuf,
    deployment: PathBuf,
    podium: PathBuf,
    claimer: PathBuf,
    /// anvil's test accounts, in the mnemonic's order.
    keys: Vec<PrivateKeySigner>,
    rt: tokio::runtime::Runtime,
    chain: DemoChain,
    token: Address,
    bonding: Address,
    /// The program's start (chain time).
    start: u64,
    /// The leaderboard stand-in and the committee's static host; stopped when dropped.
    leaderboard: Server,
    site: Server,
    /// Declared last so that it stops after everything that talks to it.
    anvil: Anvil,
}

impl Demo {
    /// The binaries, the run's directory, the local chain with its test token and BondingManager
    /// double, the two local servers, and the program file.
    fn set_up(settings: &Settings) -> eyre::Result<Self> {
        let mut story = Story::new();
        let dir = prepare_dir(&settings.dir)?;
        let (podium, claimer) = binaries(settings)?;
        let keys = derive_keys()?;

        story.heading("Setting up: a local chain, a test LPT, the grant");
        let anvil = Anvil::builder()
            .arg("--accounts")
            .arg(ACCOUNTS.to_string())
            .arg("--mnemonic")
            .arg(MNEMONIC)
            .spawn();
        story.say(&format!(
            "anvil is running at {} (chain id {}), with 40 funded test accounts",
            anvil.url(),
            anvil.chain_id()
        ));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let funder = keys[FUNDER as usize].clone();
        let chain = rt.block_on(DemoChain::connect(&anvil.url(), funder))?;
        let (token, bonding) =
            rt.block_on(test_contracts(&chain, keys[FUNDER as usize].address()))?;
        story.say(&format!(
            "a test token, PTT (a plain 18-decimal ERC20 like LPT), deployed at {token}; the funder {} holds 21000 PTT",
            keys[FUNDER as usize].address()
        ));
        story.say(&format!(
            "BondingManager test double deployed at {bonding} (stands in for Livepeer's)"
        ));

        let rounds_dir = dir.join("rounds");
        fs::create_dir_all(&rounds_dir)?;
        let start = rt.block_on(chain.now())? + 3600;
        let leaderboard = leaderboard(start)?;
        story.say(&format!(
            "a local stand-in for the public leaderboard API answers at {} with the sample weeks",
            leaderboard.url()
        ));
        // The committee's static host: whatever `podium publish` last wrote to site/ is online here.
        let site_dir = dir.join("site");
        let site = Server::files(&site_dir)
            .wrap_err("starting the demo's static host on a localhost port")?;
        story.say(&format!(
            "a local static host serves {} at {} (the committee's web space or IPFS)",
            rel(&site_dir),
            site.url()
        ));
        let program = dir.join("program.toml");
        write_program(&program, anvil.chain_id(), token, &keys, start)?;
        Ok(Self {
            story,
            deployment: dir.join("program.deployment.json"),
            dir,
            rounds_dir,
            site_dir,
            program,
            podium,
            claimer,
            keys,
            rt,
            chain,
            token,
            bonding,
            start,
            leaderboard,
            site,
            anvil,
        })
    }

    fn addr(&self, i: u32) -> Address {
        self.keys[i as usize].address()
    }

    /// The environment that hands account `i`'s key to a command (`--private-key-env`).
    fn key_env(&self, i: u32) -> [(&'static str, String); 1] {
        [("PODIUM_DEMO_KEY", key_hex(&self.keys[i as usize]))]
    }

    /// `extra`, then the RPC and the wallet options of a command that sends.
    fn sending(&self, extra: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        v.extend([
            "--rpc-url".into(),
            self.anvil.url(),
            "--private-key-env".into(),
            "PODIUM_DEMO_KEY".into(),
        ]);
        v
    }

    /// The deployment record as the commands are given it.
    fn dep(&self) -> String {
        rel(&self.deployment)
    }

    /// `podium deploy` from the program file, then `podium fund`, both from the funder's account;
    /// returns the distributor's address from the deployment record.
    fn deploy_and_fund(&mut self) -> eyre::Result<Address> {
        self.story
            .heading("Deploying the distributor (the funder's account)");
        let args = self.sending(&["deploy", "--config", &rel(&self.program)]);
        self.story.run(&self.podium, &args, &self.key_env(FUNDER))?;
        let distributor = podium_chain::Deployment::read(&self.deployment)
            .wrap_err("reading the deployment record `podium deploy` wrote")?
            .distributor;

        self.story
            .heading("Funding it with the whole grant: 3 rounds x 7000 (PTT standing in for LPT)");
        let args = self.sending(&["fund", "--deployment", &self.dep()]);
        self.story.run(&self.podium, &args, &self.key_env(FUNDER))?;
        Ok(distributor)
    }

    /// One week: the round ends, the committee snapshots, builds, verifies, publishes and posts, the
    /// root becomes valid after the delay, and the watching claimer claims it.
    fn week(
        &mut self,
        round: u64,
        distributor: Address,
        watcher: &Watcher,
    ) -> eyre::Result<DistributionFile> {
        let ends = self.start + round * WEEK;
        self.story.heading(&format!(
            "Week {round}: the round ends, the committee builds and posts its root"
        ));
        self.rt.block_on(self.chain.warp(ends))?;
        self.story.say(&format!(
            "chain time moved to the end of round {round}: {}",
            podium_chain::time::utc(ends)
        ));
        let out = self.build_round(round, distributor)?;
        self.publish_and_post(round, &out)?;
        let file = DistributionFile::read(&out)?;
        self.rt.block_on(self.chain.warp(ends + ROOT_DELAY + 60))?;
        self.story.say(&format!(
            "two days later (the root delay, while the funder could still revoke it) the root is valid: {}",
            file.root
        ));
        self.await_watcher(&file, distributor, watcher)?;
        Ok(file)
    }

    /// The week's rules and `podium snapshot`, `podium build` and `podium verify`; returns the
    /// distribution file built.
    fn build_round(&self, round: u64, distributor: Address) -> eyre::Result<PathBuf> {
        let out = self.rounds_dir.join(format!("round-{round}.json"));
        let round_dir = self.rounds_dir.join(format!("round-{round}"));
        let rules = round_dir.join("rules.toml");
        fs::create_dir_all(&round_dir)?;
        fs::write(&rules, RULES[(round - 1) as usize].1)?;
        self.story.say(&format!(
            "the committee's rules for round {round} are in {}",
            rel(&rules)
        ));
        let scores = round_dir.join("scores");
        let (round_s, dep) = (round.to_string(), self.dep());
        let (url, leaderboard) = (self.anvil.url(), self.leaderboard.url());
        let (rules, scores, rounds) = (rel(&rules), rel(&scores), rel(&self.rounds_dir));
        let (chain_id, distributor) = (self.anvil.chain_id().to_string(), distributor.to_string());
        self.story
            .say("the committee saves the leaderboard's scores for exactly the round's week:");
        self.story.run(
            &self.podium,
            &[
                "snapshot",
                "--round",
                &round_s,
                "--deployment",
                &dep,
                "--rounds",
                &rounds,
                "--leaderboard-url",
                &leaderboard,
                "--rpc-url",
                &url,
            ],
            &[],
        )?;
        self.story.run(
            &self.podium,
            &[
                "build",
                "--round",
                &round_s,
                "--rules",
                &rules,
                "--scores",
                &scores,
                "--chain-id",
                &chain_id,
                "--distributor",
                &distributor,
                "--out",
                &rel(&out),
            ],
            &[],
        )?;
        self.story
            .say("anyone can recompute the file from the published rules and scores:");
        self.story.run(
            &self.podium,
            &[
                "verify",
                "--distribution",
                &rel(&out),
                "--rules",
                &rules,
                "--scores",
                &scores,
                "--deployment",
                &dep,
            ],
            &[],
        )?;
        Ok(out)
    }

    /// `podium publish` of the rounds so far, then `podium post` (the committee's account) with the
    /// published file's location as the root's uri.
    fn publish_and_post(&self, round: u64, out: &Path) -> eyre::Result<()> {
        self.story.say(
            "the committee publishes the rounds so far (files, rules, scores, provenance, index):",
        );
        self.publish(None)?;
        let uri = format!("{}/round-{round}.json", self.site.url());
        let args = self.sending(&[
            "post",
            "--distribution",
            &rel(out),
            "--deployment",
            &self.dep(),
            "--uri",
            &uri,
        ]);
        self.story
            .run(&self.podium, &args, &self.key_env(COMMITTEE))
    }

    /// Every other orchestrator that earned claims all its rounds at once, each as its role says.
    fn claims(
        &mut self,
        distributor: Address,
        distributions: &[DistributionFile],
    ) -> eyre::Result<()> {
        self.story.heading("Orchestrators claim");
        for (who, role) in roles() {
            let account = self.addr(who);
            if !distributions.iter().any(|d| d.claim(&account).is_some()) {
                continue;
            }
            let mut args: Vec<String> = vec![
                "--rpc-url".into(),
                self.anvil.url(),
                "--private-key-env".into(),
                "PODIUM_DEMO_KEY".into(),
                "--state-dir".into(),
                rel(&self.dir.join("claim-state")),
                // The claimer takes the distributor only from its operator, never from the files.
                "--distributor".into(),
                distributor.to_string(),
            ];
            match role {
                Role::ClaimAll => {}
                Role::ToColdWallet => {
                    let cold = self.addr(COLD_WALLET);
                    self.story.say(&format!(
                        "{account} sends its rewards to a cold wallet, {cold}"
                    ));
                    args.extend(["--to".into(), cold.to_string()]);
                }
                Role::Stake => {
                    self.story
                        .say(&format!("{account} stakes what it claims (bond to itself)"));
                    args.extend([
                        "--stake".into(),
                        "--bonding-manager".into(),
                        self.bonding.to_string(),
                    ]);
                }
                Role::Never => {
                    self.story.say(&format!("{account} never claims: its rewards go back to the funder after the claim window"));
                    continue;
                }
            }
            args.push(rel(&self.rounds_dir));
            self.story.run(&self.claimer, &args, &self.key_env(who))?;
        }
        Ok(())
    }

    /// `podium status`, then the two sweeps: the unallocated part once the program has ended, the
    /// unclaimed rest once the claim window has closed. Returns what each sent the funder.
    fn sweeps(&mut self) -> eyre::Result<(U256, U256)> {
        self.story
            .heading("The program has ended: the unallocated part goes back to the funder");
        let (dep, url) = (self.dep(), self.anvil.url());
        self.story.run(
            &self.podium,
            &["status", "--deployment", &dep, "--rpc-url", &url],
            &[],
        )?;
        let unallocated = self.sweep()?;

        let deadline = self.start + ROUNDS * WEEK + CLAIM_WINDOW;
        self.story
            .heading("The claim window has closed: the unclaimed rest goes back too");
        self.rt.block_on(self.chain.warp(deadline + 60))?;
        self.story.say(&format!(
            "chain time moved past the claim deadline, {}",
            podium_chain::time::utc(deadline)
        ));
        let unclaimed = self.sweep()?;
        Ok((unallocated, unclaimed))
    }

    /// `podium sweep`, measured by how much the funder's balance rises.
    fn sweep(&self) -> eyre::Result<U256> {
        let args = self.sending(&["sweep", "--deployment", &self.dep()]);
        let env = self.key_env(FUNDER);
        self.rt.block_on(
            self.chain
                .funder_balance_delta(self.token, self.addr(FUNDER), || {
                    self.story.run(&self.podium, &args, &env)
                }),
        )
    }

    /// Where every wei went, from the chain and what the two sweeps sent (`swept`): printed, written
    /// to `accounting.json`, and an error when it does not balance.
    fn final_accounting(
        &mut self,
        distributor: Address,
        distributions: &[DistributionFile],
        (swept_unallocated, swept_unclaimed): (U256, U256),
    ) -> eyre::Result<()> {
        let accounting = self.rt.block_on(Accounting::from_chain(
            &self.chain,
            distributor,
            self.token,
            distributions,
            swept_unallocated,
            swept_unclaimed,
        ))?;
        self.story.heading("Final accounting");
        println!("{}", accounting.table());
        accounting.write(&self.dir.join("accounting.json"))?;
        if let Err(problem) = accounting.check() {
            bail!("the accounting does not balance: {problem}");
        }
        self.story
            .say("funded = claimed + returned, to the wei; the contract holds 0.");
        Ok(())
    }

    /// `podium report` of the whole program as an HTML page, published beside the rounds.
    fn report(&mut self) -> eyre::Result<()> {
        self.story
            .heading("The program report: the metrics the program promised, per week");
        let report = self.dir.join("report.html");
        let (dep, url, bonding) = (self.dep(), self.anvil.url(), self.bonding.to_string());
        self.story.run(
            &self.podium,
            &[
                "report",
                "--program",
                &rel(&self.program),
                "--rounds",
                &rel(&self.rounds_dir),
                "--deployment",
                &dep,
                "--rpc-url",
                &url,
                "--bonding-manager",
                &bonding,
                "--html",
                &rel(&report),
            ],
            &[],
        )?;
        self.story.say(&format!(
            "report written to {} (open it in a browser)",
            rel(&report)
        ));
        self.story.say("and published beside the rounds:");
        self.publish(Some(&report))
    }

    /// Stops the servers, then says where the run's files are and how to do the same by hand.
    fn finish(self, started: Instant) {
        let Self {
            story,
            dir,
            leaderboard,
            site,
            anvil,
            ..
        } = self;
        drop(site);
        drop(leaderboard);
        story.say(&format!(
            "Done in {:.0} s; the run's files are in {}",
            started.elapsed().as_secs_f64(),
            rel(&dir)
        ));
        story.by_hand(&rel(&dir));
        drop(anvil);
    }

    /// `podium publish` of every round built so far (and the report page, once written) into the site.
    fn publish(&self, report: Option<&Path>) -> eyre::Result<()> {
        let mut args = vec![
            "publish".to_owned(),
            "--deployment".into(),
            self.dep(),
            "--rounds".into(),
            rel(&self.rounds_dir),
            "--out".into(),
            rel(&self.site_dir),
        ];
        if let Some(report) = report {
            args.extend(["--report".into(), rel(report)]);
        }
        self.story.run(&self.podium, &args, &[])
    }
}

/// The `podium` binary (this one) and the `podium-claim` binary the demo drives.
fn binaries(settings: &Settings) -> eyre::Result<(PathBuf, PathBuf)> {
    let podium = std::env::current_exe().wrap_err("locating the podium executable")?;
    let claimer = match &settings.claimer {
        Some(p) => p.clone(),
        None => podium.with_file_name("podium-claim"),
    };
    ensure!(
        claimer.is_file(),
        "the claimer binary {} is missing; build it with `cargo build -p podium-claim` (or pass --claimer)",
        claimer.display()
    );
    Ok((podium, claimer))
}

/// The test token with the whole grant minted to the funder, and the BondingManager test double.
async fn test_contracts(chain: &DemoChain, funder: Address) -> eyre::Result<(Address, Address)> {
    let token = chain.deploy_test_token().await?;
    chain
        .mint(token, funder, lpt(7000) * U256::from(ROUNDS))
        .await?;
    let bonding = chain.deploy_bonding_double(token).await?;
    Ok((token, bonding))
}

/// The program file `podium deploy` reads.
fn write_program(
    path: &Path,
    chain_id: u64,
    token: Address,
    keys: &[PrivateKeySigner],
    start: u64,
) -> eyre::Result<()> {
    fs::write(
        path,
        format!(
            "# The demo program: the real program's shape (3 weekly rounds of 7,000 LPT) on a local chain.\n\
             chain_id = {chain_id}\ntoken = \"{token}\"\nfunder = \"{funder}\"\ncommittee = \"{committee}\"\n\
             start = {start}\nround_duration = \"7d\"\nround_count = {ROUNDS}\nround_budget = \"7000\"\n\
             root_delay = \"2d\"\nclaim_window = \"28d\"\n",
            funder = keys[FUNDER as usize].address(),
            committee = keys[COMMITTEE as usize].address(),
        ),
    )?;
    Ok(())
}

/// The leaderboard stand-in: `/api/aggregated_stats?since=…&until=…` answers the sample week of the
/// round that ends at `until` (the program starts at `start`), `{}` (the real API's answer for a
/// window without tests) for any other window, and 404 for any other path.
fn leaderboard(start: u64) -> eyre::Result<Server> {
    Server::start(move |request| {
        if request.path != "/api/aggregated_stats" {
            return Reply::not_found(&request.path);
        }
        let until = request.query("until").and_then(|v| v.parse::<u64>().ok());
        let week = until
            .filter(|u| *u > start && (u - start).is_multiple_of(WEEK))
            .map(|u| (u - start) / WEEK)
            .filter(|w| (1..=ROUNDS).contains(w));
        match week {
            Some(w) => Reply::json(SCORES[(w - 1) as usize]),
            None => Reply::json("{}"),
        }
    })
    .wrap_err("starting the demo's leaderboard stand-in on a localhost port")
}

/// What an orchestrator does in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    ClaimAll,
    ToColdWallet,
    Stake,
    Never,
}

/// The orchestrator whose claimer watches from the start: strong in MDW and FRA, it earns every week.
const WATCHER: u32 = 10;

/// Everyone else's role. Fixed choices (documented in the README) so runs compare.
fn roles() -> BTreeMap<u32, Role> {
    let mut roles: BTreeMap<u32, Role> = (10..ACCOUNTS)
        .filter(|i| *i != WATCHER)
        .map(|i| (i, Role::ClaimAll))
        .collect();
    roles.insert(13, Role::ToColdWallet);
    roles.insert(16, Role::Stake);
    roles.insert(19, Role::Never);
    roles
}

fn derive_keys() -> eyre::Result<Vec<PrivateKeySigner>> {
    (0..ACCOUNTS)
        .map(|i| {
            MnemonicBuilder::<English>::default()
                .phrase(MNEMONIC)
                .index(i)
                .and_then(|b| b.build())
                .map_err(|e| eyre!("deriving test account {i}: {e}"))
        })
        .collect()
}

fn key_hex(signer: &PrivateKeySigner) -> String {
    format!("0x{}", alloy_primitives::hex::encode(signer.to_bytes()))
}

fn lpt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18u8))
}

/// Creates (or recreates) the demo directory; refuses to clear a directory the demo did not make.
fn prepare_dir(dir: &Path) -> eyre::Result<PathBuf> {
    if dir.exists() {
        let ours = dir.join(MARKER).is_file();
        let empty = fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !ours && !empty {
            bail!(
                "{} exists and was not made by `podium demo`; choose another --dir or remove it",
                dir.display()
            );
        }
        fs::remove_dir_all(dir).wrap_err_with(|| format!("clearing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    fs::write(
        dir.join(MARKER),
        "made by `podium demo`; the next run clears this directory\n",
    )?;
    Ok(dir.to_path_buf())
}
