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

mod accounting;
mod chain;
mod http;
mod story;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy_primitives::U256;
use eyre::{WrapErr, bail, ensure, eyre};
use podium_chain::{
    alloy::signers::local::{MnemonicBuilder, PrivateKeySigner, coins_bip39::English},
    anvil::{Anvil, spawn_tied},
};
use podium_core::DistributionFile;

use self::{
    accounting::Accounting,
    chain::DemoChain,
    http::{Reply, Server},
    story::{Story, rel},
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
pub(crate) fn run(settings: &Settings) -> eyre::Result<()> {
    let started = Instant::now();
    let mut story = Story::new();
    let dir = prepare_dir(&settings.dir)?;
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
    let keys = derive_keys()?;
    let addr = |i: u32| keys[i as usize].address();

    story.heading("Setting up: a local chain, a test LPT, the grant");
    let anvil = Anvil::builder()
        .arg("--accounts")
        .arg(ACCOUNTS.to_string())
        .arg("--mnemonic")
        .arg(MNEMONIC)
        .spawn();
    let url = anvil.url();
    story.say(&format!(
        "anvil is running at {url} (chain id {}), with 40 funded test accounts",
        anvil.chain_id()
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let chain = rt.block_on(DemoChain::connect(&url, keys[FUNDER as usize].clone()))?;
    let token = rt.block_on(chain.deploy_test_token())?;
    let budget_total = lpt(7000) * U256::from(ROUNDS);
    rt.block_on(chain.mint(token, addr(FUNDER), budget_total))?;
    let bonding = rt.block_on(chain.deploy_bonding_double(token))?;
    story.say(&format!(
        "a test token, PTT (a plain 18-decimal ERC20 like LPT), deployed at {token}; the funder {} holds 21000 PTT",
        addr(FUNDER)
    ));
    story.say(&format!(
        "BondingManager test double deployed at {bonding} (stands in for Livepeer's)"
    ));

    // Inputs, laid out as the committee keeps a program (and as `podium report` and `podium
    // publish` read it): each week, rounds/round-N/rules.toml (the committee's rules, embedded
    // sample data), rounds/round-N/scores/ (from `podium snapshot`), and the distribution file beside
    // the directory as rounds/round-N.json.
    let rounds_dir = dir.join("rounds");
    fs::create_dir_all(&rounds_dir)?;

    let now = rt.block_on(chain.now())?;
    let start = now + 3600;
    let leaderboard = leaderboard(start)?;
    story.say(&format!(
        "a local stand-in for the public leaderboard API answers at {} with the sample weeks",
        leaderboard.url()
    ));
    // The committee's static host: whatever `podium publish` last wrote to site/ is online here.
    let site_dir = dir.join("site");
    let site = Server::files(&site_dir)?;
    story.say(&format!(
        "a local static host serves {} at {} (the committee's web space or IPFS)",
        rel(&site_dir),
        site.url()
    ));
    let program = dir.join("program.toml");
    fs::write(
        &program,
        format!(
            "# The demo program: the real program's shape (3 weekly rounds of 7,000 LPT) on a local chain.\n\
             chain_id = {chain_id}\ntoken = \"{token}\"\nfunder = \"{funder}\"\ncommittee = \"{committee}\"\n\
             start = {start}\nround_duration = \"7d\"\nround_count = {ROUNDS}\nround_budget = \"7000\"\n\
             root_delay = \"2d\"\nclaim_window = \"28d\"\n",
            chain_id = anvil.chain_id(),
            funder = addr(FUNDER),
            committee = addr(COMMITTEE),
        ),
    )?;
    let deployment = dir.join("program.deployment.json");
    let env_funder = [("PODIUM_DEMO_KEY", key_hex(&keys[FUNDER as usize]))];
    let env_committee = [("PODIUM_DEMO_KEY", key_hex(&keys[COMMITTEE as usize]))];
    let common = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        v.extend([
            "--rpc-url".into(),
            url.clone(),
            "--private-key-env".into(),
            "PODIUM_DEMO_KEY".into(),
        ]);
        v
    };

    story.heading("Deploying the distributor (the funder's account)");
    story.run(
        &podium,
        &common(&["deploy", "--config", &rel(&program)]),
        &env_funder,
    )?;
    let distributor = podium_chain::Deployment::read(&deployment)
        .wrap_err("reading the deployment record `podium deploy` wrote")?
        .distributor;
    let dep = rel(&deployment);

    story.heading("Funding it with the whole grant: 3 rounds x 7000 (PTT standing in for LPT)");
    story.run(
        &podium,
        &common(&["fund", "--deployment", &dep]),
        &env_funder,
    )?;

    // One orchestrator leaves a claimer running in watch mode from the start (go-livepeer style:
    // keystore + password file) and claims each week as soon as the root becomes valid.
    let (watcher_idx, roles) = pick_roles();
    let watcher = addr(watcher_idx);
    let keystore_dir = dir.join("watcher-keystore");
    fs::create_dir_all(&keystore_dir)?;
    let keystore = podium_chain::anvil::write_keystore(
        &keystore_dir,
        &keys[watcher_idx as usize],
        "demo password",
    );
    let password = dir.join("watcher-password.txt");
    fs::write(&password, "demo password\n")?;
    let watch_log = dir.join("watcher.log");
    let watch_args: Vec<String> = vec![
        "--watch".into(),
        "--interval".into(),
        "1".into(),
        "--rpc-url".into(),
        url.clone(),
        "--keystore".into(),
        rel(&keystore),
        "--password-file".into(),
        rel(&password),
        "--state-dir".into(),
        rel(&dir.join("claim-state")),
        "--distributor".into(),
        distributor.to_string(),
        // No files: the claimer finds each round from the distributor's RootPosted events and
        // fetches its file from the uri the committee posted, verified against the chain.
    ];
    story.heading(&format!(
        "Orchestrator {watcher} starts a claimer in watch mode, with no files: it finds the rounds on chain"
    ));
    story.show_command(&claimer, &watch_args);
    story.say(&format!(
        "(running in the background; its log is {})",
        rel(&watch_log)
    ));
    let mut watch_child = spawn_logged(&claimer, &watch_args, &watch_log)?;

    let result = (|| -> eyre::Result<Accounting> {
        let mut distributions = Vec::new();
        for round in 1..=ROUNDS {
            let ends = start + round * WEEK;
            story.heading(&format!(
                "Week {round}: the round ends, the committee builds and posts its root"
            ));
            rt.block_on(chain.warp(ends))?;
            story.say(&format!(
                "chain time moved to the end of round {round}: {}",
                podium_chain::time::utc(ends)
            ));
            let out = rounds_dir.join(format!("round-{round}.json"));
            let round_dir = rounds_dir.join(format!("round-{round}"));
            let rules = round_dir.join("rules.toml");
            fs::create_dir_all(&round_dir)?;
            fs::write(&rules, RULES[(round - 1) as usize].1)?;
            story.say(&format!(
                "the committee's rules for round {round} are in {}",
                rel(&rules)
            ));
            let scores = round_dir.join("scores");
            story.say("the committee saves the leaderboard's scores for exactly the round's week:");
            story.run(
                &podium,
                &[
                    "snapshot".into(),
                    "--round".into(),
                    round.to_string(),
                    "--deployment".into(),
                    dep.clone(),
                    "--rounds".into(),
                    rel(&rounds_dir),
                    "--leaderboard-url".into(),
                    leaderboard.url(),
                    "--rpc-url".into(),
                    url.clone(),
                ],
                &[],
            )?;
            story.run(
                &podium,
                &[
                    "build".into(),
                    "--round".into(),
                    round.to_string(),
                    "--rules".into(),
                    rel(&rules),
                    "--scores".into(),
                    rel(&scores),
                    "--chain-id".into(),
                    anvil.chain_id().to_string(),
                    "--distributor".into(),
                    distributor.to_string(),
                    "--out".into(),
                    rel(&out),
                ],
                &[],
            )?;
            story.say("anyone can recompute the file from the published rules and scores:");
            story.run(
                &podium,
                &[
                    "verify",
                    "--distribution",
                    &rel(&out),
                    "--rules",
                    &rel(&rules),
                    "--scores",
                    &rel(&scores),
                    "--deployment",
                    &dep,
                ],
                &[],
            )?;
            story.say("the committee publishes the rounds so far (files, rules, scores, provenance, index):");
            publish(&story, &podium, &dep, &rounds_dir, &site_dir, None)?;
            let uri = format!("{}/round-{round}.json", site.url());
            story.run(
                &podium,
                &common(&[
                    "post",
                    "--distribution",
                    &rel(&out),
                    "--deployment",
                    &dep,
                    "--uri",
                    &uri,
                ]),
                &env_committee,
            )?;
            let file = DistributionFile::read(&out)?;
            rt.block_on(chain.warp(ends + ROOT_DELAY + 60))?;
            story.say(&format!(
                "two days later (the root delay, while the funder could still revoke it) the root is valid: {}",
                file.root
            ));
            if file.claim(&watcher).is_some() {
                let claimed = rt.block_on(chain.wait_claimed(
                    distributor,
                    &file,
                    watcher,
                    Duration::from_secs(60),
                ))?;
                ensure!(
                    claimed,
                    "the watching claimer did not claim round {round} within 60 s; see {}",
                    watch_log.display()
                );
                story.say(&format!(
                    "the watching claimer of {watcher} claimed round {round}"
                ));
            }
            distributions.push(file);
        }
        stop_child(&mut watch_child);

        story.heading("Orchestrators claim");
        for (who, role) in &roles {
            let account = addr(*who);
            if !distributions.iter().any(|d| d.claim(&account).is_some()) {
                continue;
            }
            let env = [("PODIUM_DEMO_KEY", key_hex(&keys[*who as usize]))];
            let mut args: Vec<String> = vec![
                "--rpc-url".into(),
                url.clone(),
                "--private-key-env".into(),
                "PODIUM_DEMO_KEY".into(),
                "--state-dir".into(),
                rel(&dir.join("claim-state")),
                // The claimer takes the distributor only from its operator, never from the files.
                "--distributor".into(),
                distributor.to_string(),
            ];
            match role {
                Role::ClaimAll => {}
                Role::ToColdWallet => {
                    story.say(&format!(
                        "{account} sends its rewards to a cold wallet, {}",
                        addr(COLD_WALLET)
                    ));
                    args.extend(["--to".into(), addr(COLD_WALLET).to_string()]);
                }
                Role::Stake => {
                    story.say(&format!("{account} stakes what it claims (bond to itself)"));
                    args.extend([
                        "--stake".into(),
                        "--bonding-manager".into(),
                        bonding.to_string(),
                    ]);
                }
                Role::Never => {
                    story.say(&format!("{account} never claims: its rewards go back to the funder after the claim window"));
                    continue;
                }
            }
            args.push(rel(&rounds_dir));
            story.run(&claimer, &args, &env)?;
        }

        story.heading("The program has ended: the unallocated part goes back to the funder");
        story.run(
            &podium,
            &["status", "--deployment", &dep, "--rpc-url", &url],
            &[],
        )?;
        // `podium sweep`, measured by how much the funder's balance rises.
        let sweep = |story: &Story| {
            rt.block_on(chain.funder_balance_delta(token, addr(FUNDER), || {
                story.run(
                    &podium,
                    &common(&["sweep", "--deployment", &dep]),
                    &env_funder,
                )
            }))
        };
        let swept_unallocated = sweep(&story)?;

        let deadline = start + ROUNDS * WEEK + CLAIM_WINDOW;
        story.heading("The claim window has closed: the unclaimed rest goes back too");
        rt.block_on(chain.warp(deadline + 60))?;
        story.say(&format!(
            "chain time moved past the claim deadline, {}",
            podium_chain::time::utc(deadline)
        ));
        let swept_unclaimed = sweep(&story)?;

        rt.block_on(Accounting::from_chain(
            &chain,
            distributor,
            token,
            &distributions,
            swept_unallocated,
            swept_unclaimed,
        ))
    })();
    stop_child(&mut watch_child);
    let accounting = result?;

    story.heading("Final accounting");
    println!("{}", accounting.table());
    accounting.write(&dir.join("accounting.json"))?;
    if let Err(problem) = accounting.check() {
        bail!("the accounting does not balance: {problem}");
    }
    story.say("funded = claimed + returned, to the wei; the contract holds 0.");

    story.heading("The program report: the metrics the program promised, per week");
    let report = dir.join("report.html");
    let bonding_s = bonding.to_string();
    story.run(
        &podium,
        &[
            "report",
            "--program",
            &rel(&program),
            "--rounds",
            &rel(&rounds_dir),
            "--deployment",
            &dep,
            "--rpc-url",
            &url,
            "--bonding-manager",
            &bonding_s,
            "--html",
            &rel(&report),
        ],
        &[],
    )?;
    story.say(&format!(
        "report written to {} (open it in a browser)",
        rel(&report)
    ));
    story.say("and published beside the rounds:");
    publish(&story, &podium, &dep, &rounds_dir, &site_dir, Some(&report))?;
    drop(site);
    drop(leaderboard);
    story.say(&format!(
        "Done in {:.0} s; the run's files are in {}",
        started.elapsed().as_secs_f64(),
        rel(&dir)
    ));
    story.by_hand(&rel(&dir));
    drop(anvil);
    Ok(())
}

/// `podium publish` of every round built so far (and the report page, once written) into `site`.
fn publish(
    story: &Story,
    podium: &Path,
    deployment: &str,
    rounds: &Path,
    site: &Path,
    report: Option<&Path>,
) -> eyre::Result<()> {
    let mut args = vec![
        "publish".to_owned(),
        "--deployment".into(),
        deployment.to_owned(),
        "--rounds".into(),
        rel(rounds),
        "--out".into(),
        rel(site),
    ];
    if let Some(report) = report {
        args.extend(["--report".into(), rel(report)]);
    }
    story.run(podium, &args, &[])
}

/// The leaderboard stand-in: `/api/aggregated_stats?since=…&until=…` answers the sample week of the
/// round that ends at `until` (the program starts at `start`), `{}` (the real API's answer for a
/// window without tests) for any other window, and 404 for any other path.
fn leaderboard(start: u64) -> eyre::Result<Server> {
    Server::start(move |path, query| {
        if path != "/api/aggregated_stats" {
            return Reply::not_found(path);
        }
        let until = query
            .iter()
            .find(|(k, _)| k == "until")
            .and_then(|(_, v)| v.parse::<u64>().ok());
        let week = until
            .filter(|u| *u > start && (u - start).is_multiple_of(WEEK))
            .map(|u| (u - start) / WEEK)
            .filter(|w| (1..=ROUNDS).contains(w));
        match week {
            Some(w) => Reply::json(SCORES[(w - 1) as usize]),
            None => Reply::json("{}"),
        }
    })
}

/// What an orchestrator does in the demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    ClaimAll,
    ToColdWallet,
    Stake,
    Never,
}

/// The watcher, and everyone else's role. Fixed choices (documented in the README) so runs compare.
fn pick_roles() -> (u32, BTreeMap<u32, Role>) {
    let mut roles: BTreeMap<u32, Role> = (10..ACCOUNTS).map(|i| (i, Role::ClaimAll)).collect();
    let watcher = 10; // strong in MDW and FRA: earns every week
    roles.remove(&watcher);
    roles.insert(13, Role::ToColdWallet);
    roles.insert(16, Role::Stake);
    roles.insert(19, Role::Never);
    (watcher, roles)
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

fn spawn_logged(bin: &Path, args: &[String], log: &Path) -> eyre::Result<Child> {
    let file = fs::File::create(log)?;
    let err = file.try_clone()?;
    let mut cmd = Command::new(bin);
    cmd.args(args).stdin(Stdio::null()).stdout(file).stderr(err);
    // Tied to the demo's life: a demo killed midway leaves no claimer behind.
    spawn_tied(cmd).wrap_err_with(|| format!("starting {}", bin.display()))
}

/// Stops a background claimer the way a person would (SIGTERM), then makes sure it is gone.
fn stop_child(child: &mut Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
