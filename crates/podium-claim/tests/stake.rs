//! The fault tests of issue 16, each on a real anvil started here and driving the real binary:
//! the stake is made exactly once whatever is interrupted; refusals end in bounded time with their
//! exit code; a stuck nonce is reported, then replaced on request; the file never picks the
//! distributor; a state directory that cannot be written stops the run before sending; `--watch`
//! sleeps on the chain's clock. Each test prints the final claimed and bonded amounts and the
//! transactions the orchestrator sent ("figures: …"), for the closing note.

mod common;

use std::time::{Duration, Instant};

use common::*;
use podium_chain::{
    alloy::{primitives::U256, providers::Provider, sol_types::SolCall},
    anvil,
    bindings::BondingManagerDouble,
};

const CLAIM: u64 = 900;
const SPARE: u64 = 1_000;

async fn figures(env: &Env, bm: podium_chain::alloy::primitives::Address, case: &str) {
    let claimed: U256 = env
        .claimed_events(orchestrator())
        .await
        .iter()
        .map(|e| e.1)
        .sum();
    eprintln!(
        "figures [{case}]: claimed {} LPT, bonded {} LPT, {} bond event(s), {} transaction(s) sent by the orchestrator",
        claimed / lpt(1),
        env.bonded(bm).await / lpt(1),
        env.bonds(bm).await,
        env.nonce(orchestrator()).await
    );
}

/// 1a. Killed while its bond waits in the pool; the rerun waits for that bond instead of bonding
/// again: 900 claimed, 900 bonded (not 1,800).
#[tokio::test]
async fn killed_with_the_bond_pending_the_rerun_bonds_nothing_more() {
    let env = Env::new(&[]).await;
    let bm = env.staking(lpt(SPARE)).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let mut first = Background::spawn(
        env.stake_cmd(bm)
            .args(["--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    env.mine_until(&mut first, "sent bondWithHint(900 PTT", 60)
        .await;
    first.kill();
    assert_eq!(pool_size(&env.chain).await, 1, "the bond is pending");

    let mut second = Background::spawn(
        env.stake_cmd(bm)
            .args(["--json", "--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    second.wait_for("wait in the pool", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let code = second.finish(60).await;
    let out = second.stdout();
    assert_eq!(code, 0, "{out}\n{}", second.stderr());
    let report = json(&out);
    assert_eq!(report["stake"]["amount"], lpt(CLAIM).to_string());
    assert_eq!(report["stake"]["sentByThisRun"], false);
    assert_eq!(report["stake"]["hinted"], false);
    assert!(second.stderr().contains("already staked by bond"));
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    assert_eq!(env.bonds(bm).await, 1);
    // claim, approve, bond: nothing more.
    assert_eq!(env.nonce(orchestrator()).await, 3);
    assert_eq!(env.balance(orchestrator()).await, lpt(SPARE));
    figures(&env, bm, "killed with bond pending").await;
}

/// 1b. Killed after its bond was mined but before it cleared its records (it was waiting for a
/// second confirmation): the rerun finds the bond and sends nothing.
#[tokio::test]
async fn killed_after_the_bond_was_mined_the_rerun_sends_nothing() {
    let env = Env::new(&[]).await;
    let bm = env.staking(lpt(SPARE)).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let mut first = Background::spawn(
        env.stake_cmd(bm)
            .args(["--timeout", "60", "--confirmations", "2"])
            .arg(env.rounds_dir()),
    );
    env.mine_until(&mut first, "sent bondWithHint(", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    // The bond is mined and the run waits for its second confirmation.
    let started = Instant::now();
    let bond_mined = |text: &str| {
        text.split("sent bondWithHint(")
            .nth(1)
            .is_some_and(|after| after.contains("waiting for 2 confirmations"))
    };
    while !bond_mined(&first.stderr()) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            first.stderr()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    first.kill();
    assert_eq!(env.bonded(bm).await, lpt(CLAIM), "the bond is mined");
    let records = std::fs::read_dir(env.dir.path().join("state"))
        .unwrap()
        .count();
    assert!(records >= 1, "the killed run left its records");

    anvil::set_automine(&env.chain, true).await;
    let (code, out, err) = run(env.stake_cmd(bm).arg("--json").arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(json(&out)["stake"]["sentByThisRun"], false);
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    assert_eq!(env.bonds(bm).await, 1);
    assert_eq!(env.nonce(orchestrator()).await, 3);
    // And the records are gone: a third run has nothing to do.
    let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
    assert_eq!(code, 1, "{err}");
    assert_eq!(env.nonce(orchestrator()).await, 3);
    figures(&env, bm, "killed after bond mined").await;
}

/// 1c and 3. The node goes away for 1.5 s while the bond's receipt is polled (no retries): the
/// run waits for it, finds its bond, and stops; a rerun stakes nothing more.
#[tokio::test]
async fn an_outage_during_the_bond_receipt_does_not_bond_twice() {
    let env = Env::new(&[]).await;
    let bm = env.staking(lpt(SPARE)).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let proxy = Proxy::start(&env.url());
    anvil::set_automine(&env.chain, false).await;
    let state = env.dir.path().join("state");
    let mut first = Background::spawn(
        env.stake_cmd_via(bm, &proxy.url, &state)
            .args(["--json", "--timeout", "60", "--rpc-retries", "0"])
            .arg(env.rounds_dir()),
    );
    env.mine_until(&mut first, "sent bondWithHint(", 60).await;
    proxy.set_down(true);
    anvil::mine(&env.chain).await.expect("anvil::mine");
    first.wait_for("lost the node", 30).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    proxy.set_down(false);
    anvil::set_automine(&env.chain, true).await;
    let code = first.finish(60).await;
    let out = first.stdout();
    assert_eq!(code, 0, "{out}\n{}", first.stderr());
    assert_eq!(json(&out)["stake"]["sentByThisRun"], true);
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));

    let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
    assert_eq!(code, 1, "{err}");
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    assert_eq!(env.bonds(bm).await, 1);
    assert_eq!(env.nonce(orchestrator()).await, 3);
    figures(&env, bm, "RPC outage during bond receipt").await;
}

/// 1d. `--watch --stake` across the same outage, then a second round: each claim bonded once.
#[tokio::test]
async fn watch_stake_across_an_outage_bonds_each_claim_once() {
    let env = Env::new(&[]).await;
    let bm = env.staking(lpt(SPARE)).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let proxy = Proxy::start(&env.url());
    anvil::set_automine(&env.chain, false).await;
    let state = env.dir.path().join("state");
    let mut watcher = Background::spawn(
        env.stake_cmd_via(bm, &proxy.url, &state)
            .args([
                "--watch",
                "--interval",
                "1",
                "--timeout",
                "60",
                "--rpc-retries",
                "0",
            ])
            .arg(env.rounds_dir()),
    );
    env.mine_until(&mut watcher, "sent bondWithHint(", 60).await;
    proxy.set_down(true);
    anvil::mine(&env.chain).await.expect("anvil::mine");
    watcher.wait_for("lost the node", 30).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    proxy.set_down(false);
    anvil::set_automine(&env.chain, true).await;
    watcher.wait_for("staked 900 PTT", 60).await;
    // Several more cycles: nothing more is bonded.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));

    env.post_round(2, lpt(50)).await;
    env.make_valid().await;
    watcher.wait_for("staked 50 PTT", 60).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0, "{}", watcher.stderr());
    assert_eq!(env.bonded(bm).await, lpt(CLAIM + 50));
    assert_eq!(env.bonds(bm).await, 2);
    figures(&env, bm, "--watch --stake across an outage").await;
}

/// 1e. Two claimers on one key at once (blocks every second): one claim, one bond between them.
#[tokio::test]
async fn two_claimers_on_one_key_stake_once_between_them() {
    let env = Env::new(&["--block-time", "1"]).await;
    let bm = env.staking(lpt(SPARE)).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let url = env.url();
    let (a, b) = (
        env.dir.path().join("state-a"),
        env.dir.path().join("state-b"),
    );
    let mut first = Background::spawn(
        env.stake_cmd_via(bm, &url, &a)
            .args(["--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    let mut second = Background::spawn(
        env.stake_cmd_via(bm, &url, &b)
            .args(["--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    let (ca, cb) = (first.finish(120).await, second.finish(120).await);
    assert!(
        [ca, cb].iter().all(|c| *c == 0 || *c == 1),
        "{ca} {cb}\nA:\n{}\nB:\n{}",
        first.stderr(),
        second.stderr()
    );
    assert_eq!(env.claimed_events(orchestrator()).await.len(), 1);
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    assert_eq!(env.bonds(bm).await, 1);
    figures(&env, bm, "two claimers on one key").await;
}

/// 2. Without spare tokens the old claimer was stuck for good (a wasted approve and exit 6 on every
/// rerun); now a rerun after the bond was mined finds it, and a wallet that no longer holds the
/// claimed tokens is told so without sending anything.
#[tokio::test]
async fn without_spare_tokens_a_rerun_is_not_stuck() {
    let env = Env::new(&[]).await;
    let bm = env.staking(U256::ZERO).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let mut first = Background::spawn(
        env.stake_cmd(bm)
            .args(["--timeout", "60", "--confirmations", "2"])
            .arg(env.rounds_dir()),
    );
    env.mine_until(&mut first, "sent bondWithHint(", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    tokio::time::sleep(Duration::from_millis(500)).await;
    first.kill();
    anvil::set_automine(&env.chain, true).await;
    for _ in 0..2 {
        let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
        assert!(code == 0 || code == 1, "{err}");
    }
    assert_eq!(env.nonce(orchestrator()).await, 3, "no wasted approve");
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));

    // Round 2: claimed while the BondingManager's round is not initialized (stake not possible,
    // the debt is recorded); the tokens then leave the wallet; the rerun says so and sends nothing.
    env.post_round(2, lpt(40)).await;
    env.make_valid().await;
    let set_round = BondingManagerDouble::setRoundCall {
        round: U256::from(5),
    };
    send(
        &env.chain,
        &committee(),
        bm,
        set_round.abi_encode(),
        "setRound",
    )
    .await;
    let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
    assert_eq!(code, 9, "{err}");
    let init = BondingManagerDouble::initializeRoundCall {};
    send(
        &env.chain,
        &committee(),
        bm,
        init.abi_encode(),
        "initializeRound",
    )
    .await;
    let transfer = podium_chain::bindings::IERC20::transferCall {
        to: third_party().address(),
        amount: lpt(40),
    };
    send(
        &env.chain,
        &anvil::dev_wallet(1),
        env.token,
        transfer.abi_encode(),
        "transfer",
    )
    .await;
    let sent = env.nonce(orchestrator()).await;
    let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("the tokens were moved"), "{err}");
    assert_eq!(env.nonce(orchestrator()).await, sent, "nothing was sent");
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    figures(&env, bm, "no spare tokens").await;
}

/// The BondingManager's guards: a round that is not initialized, and a registered orchestrator
/// delegating elsewhere, end the stake as "not possible" (exit 9) before any approval or bond.
#[tokio::test]
async fn the_bonding_manager_guards_give_clear_messages() {
    let env = Env::new(&[]).await;
    let bm = env.staking(U256::ZERO).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let set_round = BondingManagerDouble::setRoundCall {
        round: U256::from(5),
    };
    send(
        &env.chain,
        &committee(),
        bm,
        set_round.abi_encode(),
        "setRound",
    )
    .await;
    let (code, _, err) = run(env.stake_cmd(bm).arg(env.rounds_dir()));
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("current round is not initialized"), "{err}");
    assert_eq!(
        env.nonce(orchestrator()).await,
        1,
        "only the claim was sent"
    );
    let init = BondingManagerDouble::initializeRoundCall {};
    send(
        &env.chain,
        &committee(),
        bm,
        init.abi_encode(),
        "initializeRound",
    )
    .await;
    let (code, out, err) = run(env.stake_cmd(bm).arg("--json").arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(json(&out)["stake"]["hinted"], true);
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
    figures(&env, bm, "round not initialized, then initialized").await;

    // Now registered (self-bonded): bonding round 2 to someone else is refused by the contract.
    env.post_round(2, lpt(40)).await;
    env.make_valid().await;
    let (code, _, err) = run(env
        .stake_cmd(bm)
        .args(["--delegate", &third_party().address().to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 9, "{err}");
    assert!(
        err.contains("registered transcoders can't delegate towards other addresses"),
        "{err}"
    );
    assert_eq!(env.bonded(bm).await, lpt(CLAIM));
}

/// 3. A refusal that will not change ends the run at once with exit 10: no ETH for gas, and a base
/// fee above --max-fee-gwei. Requests stay few (the old claimer sent 8,287 in 25 s).
#[tokio::test]
async fn refusals_end_the_run_in_bounded_time() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let proxy = Proxy::start(&env.url());
    let state = env.dir.path().join("state");

    let _: serde_json::Value = env
        .chain
        .provider
        .raw_request("anvil_setBalance".into(), (orchestrator(), U256::ZERO))
        .await
        .unwrap();
    let started = Instant::now();
    let (code, _, err) = run(env.cmd(&proxy.url, &state, true).arg(env.rounds_dir()));
    let took = started.elapsed();
    assert_eq!(code, 10, "{err}");
    assert!(err.to_lowercase().contains("insufficient funds"), "{err}");
    assert!(err.contains("add some and run again"), "{err}");
    eprintln!(
        "figures [no ETH for gas]: exit 10 after {took:?} and {} requests",
        proxy.total()
    );
    assert!(proxy.total() < 60, "{} requests", proxy.total());
    assert!(took < Duration::from_secs(20), "{took:?}");

    let _: serde_json::Value = env
        .chain
        .provider
        .raw_request("anvil_setBalance".into(), (orchestrator(), lpt(10)))
        .await
        .unwrap();
    let _: serde_json::Value = env
        .chain
        .provider
        .raw_request(
            "anvil_setNextBlockBaseFeePerGas".into(),
            (U256::from(50_000_000_000u64),),
        )
        .await
        .unwrap();
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let before = proxy.total();
    let (code, _, err) = run(env
        .cmd(&proxy.url, &state, true)
        .args(["--max-fee-gwei", "1"])
        .arg(env.rounds_dir()));
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("above --max-fee-gwei 1.000"), "{err}");
    eprintln!(
        "figures [base fee above the cap]: exit 10 after {} requests",
        proxy.total() - before
    );
    assert_eq!(env.nonce(orchestrator()).await, 0, "nothing was sent");
    assert_eq!(env.balance(orchestrator()).await, U256::ZERO);
}

/// 3. A provider that refuses wide log ranges: the claimed-by scan splits the range and finishes
/// (the old claimer sent 1,275 eth_getLogs and never exited).
#[tokio::test]
async fn a_limited_log_range_is_split() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let mut first = Background::spawn(
        env.claim_cmd()
            .args(["--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    first.wait_for("sent claim(round 1)", 60).await;
    first.kill();
    let _: serde_json::Value = env
        .chain
        .provider
        .raw_request("anvil_mine".into(), (U256::from(40),))
        .await
        .unwrap();
    anvil::set_automine(&env.chain, true).await;
    let proxy = Proxy::start(&env.url());
    proxy.limit_log_range(5);
    let state = env.dir.path().join("state");
    let (code, out, err) = run(env
        .cmd(&proxy.url, &state, true)
        .arg("--json")
        .arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        json(&out)["rounds"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("claimed by your transaction"),
        "{out}"
    );
    let logs = proxy.count("eth_getLogs");
    eprintln!("figures [log range limited to 5 blocks]: {logs} eth_getLogs requests");
    assert!(logs > 1 && logs < 40, "{logs} eth_getLogs");
    assert_eq!(env.nonce(orchestrator()).await, 1);
}

/// 4. A transaction of the wallet stuck at a lower nonce: reported with the nonce and the command
/// (exit 11), then replaced with --replace-stuck, after which the claim is mined.
#[tokio::test]
async fn a_stuck_nonce_is_reported_then_replaced_on_request() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let orch = anvil::dev_wallet(1);
    let stuck = send_async(&env.chain, &orch, orch.address(), Vec::new()).await;

    let started = Instant::now();
    let (code, _, err) = run(env
        .claim_cmd()
        .args(["--timeout", "2"])
        .arg(env.rounds_dir()));
    assert_eq!(code, 11, "{err}");
    assert!(err.contains("transaction nonce 0 of"), "{err}");
    assert!(err.contains(&stuck.to_string()), "{err}");
    assert!(err.contains("--replace-stuck"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(pool_size(&env.chain).await, 1, "nothing else was sent");

    let mut fix = Background::spawn(
        env.claim_cmd()
            .args(["--json", "--timeout", "2", "--replace-stuck"])
            .arg(env.rounds_dir()),
    );
    fix.wait_for("replacing", 60).await;
    env.mine_until(&mut fix, "sent claim(round 1)", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let code = fix.finish(60).await;
    assert_eq!(code, 0, "{}\n{}", fix.stdout(), fix.stderr());
    assert_eq!(env.balance(orchestrator()).await, lpt(CLAIM));
    // The replacement took nonce 0, the claim nonce 1; the stuck transaction was never mined.
    assert_eq!(env.nonce(orchestrator()).await, 2);
    assert!(
        env.chain
            .provider
            .get_transaction_receipt(stuck)
            .await
            .unwrap()
            .is_none()
    );
    eprintln!("figures [stuck nonce]: claimed {CLAIM} LPT, 2 transactions (replacement, claim)");
}

/// 5. A tampered file naming a second, real distributor is refused before any request that sends;
/// so is a file that names none; the deployment comes from the flag or the saved config only.
#[tokio::test]
async fn a_tampered_distributor_file_is_refused_before_sending() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let c = committee();
    let mut params = env.params.clone();
    params.timeline.start = env.chain.now().await.unwrap() + 10;
    let second = anvil::deploy_distributor(&env.chain, &c, &params)
        .await
        .expect("anvil::deploy_distributor");
    let payouts = Env::leaves(1, lpt(CLAIM));
    let tampered = env.dir.path().join("tampered.json");
    env.build_file(1, &payouts, env.chain.chain_id, second, &tampered);

    // Pin the deployment once, then run without the flag.
    let (code, _, err) = run(env
        .claim_cmd()
        .args(["--save-config", "--dry-run"])
        .arg(env.round_path(1)));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(env.unconfigured_cmd().arg(&tampered));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(
        out.contains(&format!(
            "the file is for distributor {second}, not the configured"
        )),
        "{out}"
    );
    assert_eq!(env.nonce(orchestrator()).await, 0, "something was sent");

    // A file that names no distributor at all.
    let file = podium_core::DistributionFile::read(&env.round_path(1)).unwrap();
    let mut meta = file.meta();
    meta.distributor = None;
    let leaves: Vec<podium_core::Leaf> = payouts
        .iter()
        .copied()
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .enumerate()
        .map(|(i, (account, amount))| podium_core::Leaf {
            round: 1,
            index: i as u64,
            account,
            amount,
        })
        .collect();
    let unnamed = env.dir.path().join("unnamed.json");
    podium_core::Built::from_leaves(leaves, meta)
        .unwrap()
        .write_atomic(&unnamed)
        .unwrap();
    let (code, out, _) = run(env.unconfigured_cmd().arg(&unnamed));
    assert_eq!(code, 3, "{out}");
    assert!(out.contains("does not name its distributor"), "{out}");
    assert_eq!(env.nonce(orchestrator()).await, 0);

    // The real file, with the saved configuration: claimed.
    let (code, _, err) = run(env.unconfigured_cmd().arg(env.round_path(1)));
    assert_eq!(code, 0, "{err}");
    assert_eq!(env.balance(orchestrator()).await, lpt(CLAIM));
}

/// 6. A state directory that cannot be written stops the run before anything is sent (exit 12).
#[tokio::test]
async fn an_unwritable_state_directory_stops_the_run_before_sending() {
    let env = Env::new(&[]).await;
    let bm = env.staking(U256::ZERO).await;
    env.post_round(1, lpt(CLAIM)).await;
    env.make_valid().await;
    let blocker = env.dir.path().join("a-file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let (code, _, err) = run(env
        .stake_cmd_via(bm, &env.url(), &blocker.join("state"))
        .arg(env.rounds_dir()));
    assert_eq!(code, 12, "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(env.nonce(orchestrator()).await, 0);
    figures(&env, bm, "unwritable state directory").await;
}

/// 7. The chain's clock lags the wall clock by a day: `--watch` sleeps its interval (on chain
/// time the next root is far away), instead of polling every ~2 s.
#[tokio::test]
async fn watch_sleeps_on_chain_time_when_the_chain_lags() {
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let behind = (wall - DAY).to_string();
    let env = Env::timed(&["--timestamp", &behind], 3, 600).await;
    env.post_round(1, lpt(10)).await;
    let mut watcher = Background::spawn(
        env.claim_cmd()
            .env("PODIUM_LOG", "info,podium_claim=debug")
            .args(["--watch", "--interval", "20"])
            .arg(env.rounds_dir()),
    );
    watcher.wait_for("round 1: pending", 60).await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let looks = watcher.stderr().matches("next look in").count();
    let said = watcher.stderr();
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0);
    assert_eq!(looks, 1, "{said}");
    assert!(said.contains("next look in 20s"), "{said}");
    eprintln!("figures [chain lags a day]: 1 look in 8 s, next in 20 s (the interval)");
}
