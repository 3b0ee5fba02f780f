//! The fault tests of issue 6, each against a real anvil started here on a free port and driving
//! the real `podium-claim` binary.

mod common;

use std::time::{Duration, Instant};

use common::*;
use podium_chain::{
    alloy::{primitives::U256, providers::Provider, sol_types::SolCall},
    anvil::{self, Anvil},
};

/// 1. Nothing listens at the RPC URL: retries, then a clear error and exit code 4.
#[tokio::test]
async fn nothing_listening_at_the_rpc_url_is_retried_then_reported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("round-1.json");
    // Any well-formed file: the inputs are read before the node is asked.
    let leaves = vec![podium_core::Leaf {
        round: 1,
        index: 0,
        account: orchestrator(),
        amount: lpt(1),
    }];
    let meta = podium_core::Meta {
        chain_id: Some(31_337),
        distributor: Some(podium_chain::alloy::primitives::Address::repeat_byte(0xD1)),
        round: 1,
        total: lpt(1),
        budget: lpt(1),
        decimals: 18,
        rules_digest: Default::default(),
        inputs_digest: Default::default(),
    };
    podium_core::Built::from_leaves(leaves, meta)
        .unwrap()
        .write_atomic(&file)
        .unwrap();
    let url = format!("http://127.0.0.1:{}", anvil::free_port());
    let started = Instant::now();
    let (code, out, err) = run(std::process::Command::new(assert_cmd::cargo::cargo_bin!(
        "podium-claim"
    ))
    .env_clear()
    .args([
        "--rpc-url",
        &url,
        "--rpc-retries",
        "3",
        "--rpc-backoff",
        "200",
    ])
    .args([
        "--dry-run",
        "--json",
        "--account",
        &orchestrator().to_string(),
    ])
    .arg("--state-dir")
    .arg(dir.path())
    .arg(&file));
    let took = started.elapsed();
    assert_eq!(code, 4, "{err}");
    // 200 + 400 + 800 ms of backoff before giving up.
    assert!(
        took >= Duration::from_millis(1_400),
        "gave up after {took:?}"
    );
    assert!(
        err.contains(&format!("RPC request eth_chainId to {url} failed"))
            && err.contains("gave up after 4 attempts"),
        "{err}"
    );
    assert_eq!(json(&out)["outcome"], "rpc");
}

/// 2. anvil is stopped while the claimer waits for its receipt and restarted from its saved state:
/// the claimer finishes and the account is paid exactly once.
#[tokio::test]
async fn anvil_restarted_from_saved_state_while_waiting_for_the_receipt() {
    let state_dir = tempfile::tempdir().unwrap();
    let state = state_dir.path().join("anvil-state.json");
    let state_arg = state.display().to_string();
    // Short rounds: a restarted anvil takes its clock from the wall clock again, so the chain's
    // time must not run far ahead of it.
    let env = Env::timed(&["--state", &state_arg], 3, 2).await;
    env.post_round(1, lpt(10)).await;
    env.post_round(2, lpt(20)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;

    let mut claimer = Background::spawn(
        env.claim_cmd()
            .args(["--json", "--timeout", "60", "--rpc-retries", "1"])
            .arg(env.rounds_dir()),
    );
    claimer.wait_for("sent claimMany(rounds 1, 2)", 60).await;
    assert_eq!(pool_size(&env.chain).await, 1);

    // Stop the node as Ctrl-C would (it writes its state), with the claim still in its pool.
    let mut env = env;
    let port = env.node.port();
    let chain_now = env.chain.now().await.unwrap();
    env.node.terminate();
    claimer.wait_for("waiting up to", 30).await;
    // Down until the wall clock has passed the chain's last block.
    while wall_now() <= chain_now + 1 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let node = Anvil::builder()
        .port(port)
        .arg("--state")
        .arg(&state_arg)
        .spawn();
    env.node = node;

    let code = claimer.finish(90).await;
    let out = claimer.stdout();
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{}", claimer.stderr());
    let stderr = claimer.stderr();
    assert!(stderr.contains("answers again"), "{stderr}");
    // The pool did not survive the restart: the claim was checked again and sent again.
    assert_eq!(
        stderr.matches("sent claimMany(rounds 1, 2)").count(),
        2,
        "{stderr}"
    );
    let report = json(&out);
    assert_eq!(report["rounds"][0]["status"], "claimed");
    assert_eq!(report["rounds"][1]["status"], "claimed");
    // Paid exactly once: one event per round, the balance is the sum.
    let events = env.claimed_events(orchestrator()).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(env.balance(orchestrator()).await, lpt(30));
}

/// 3. The transaction is dropped from the pool: the claimer replaces it with higher fees and it is
/// mined.
#[tokio::test]
async fn a_dropped_transaction_is_replaced_with_higher_fees() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;

    let mut claimer = Background::spawn(
        env.claim_cmd()
            .args(["--json", "--timeout", "2", "--max-replacements", "3"])
            .arg(env.rounds_dir()),
    );
    claimer.wait_for("sent claim(round 1): tx 0x", 60).await;
    let first = tx_hash_after(&claimer.stderr(), "sent claim(round 1): tx ");
    let first_fee = env
        .chain
        .provider
        .get_transaction_by_hash(first)
        .await
        .unwrap()
        .unwrap();
    let _: serde_json::Value = env
        .chain
        .provider
        .raw_request("anvil_dropTransaction".into(), (first,))
        .await
        .unwrap();
    assert_eq!(pool_size(&env.chain).await, 0);

    claimer.wait_for("with higher fees", 30).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let code = claimer.finish(30).await;
    let out = claimer.stdout();
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{}", claimer.stderr());
    let report = json(&out);
    let mined: podium_chain::alloy::primitives::TxHash = report["transaction"]["hash"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_ne!(mined, first);
    assert_eq!(report["transaction"]["hashes"][0], first.to_string());
    let replacement = env
        .chain
        .provider
        .get_transaction_by_hash(mined)
        .await
        .unwrap()
        .unwrap();
    use podium_chain::alloy::consensus::Transaction as _;
    assert_eq!(replacement.nonce(), first_fee.nonce());
    assert!(
        replacement.max_fee_per_gas() * 1000 >= first_fee.max_fee_per_gas() * 1125,
        "fees were not raised by 12.5%: {} then {}",
        first_fee.max_fee_per_gas(),
        replacement.max_fee_per_gas()
    );
    assert_eq!(env.claimed_events(orchestrator()).await.len(), 1);
    assert_eq!(env.balance(orchestrator()).await, lpt(10));
}

fn wall_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn tx_hash_after(text: &str, marker: &str) -> podium_chain::alloy::primitives::TxHash {
    let start = text.find(marker).expect("marker") + marker.len();
    text[start..start + 66].parse().expect("a hash")
}

/// 4. A third party claims for the account first: reported, exit 0, no failed transaction sent.
#[tokio::test]
async fn a_third_party_claiming_first_is_reported_and_nothing_is_sent() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    // Someone's claim for the orchestrator waits in the pool when the claimer starts.
    let theirs = send_async(
        &env.chain,
        &third_party(),
        env.distributor,
        env.claim_of(1).abi_encode(),
    )
    .await;

    let mut claimer = Background::spawn(
        env.claim_cmd()
            .args(["--json", "--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    claimer.wait_for("by a pending transaction", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let code = claimer.finish(30).await;
    let out = claimer.stdout();
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{}", claimer.stderr());
    let report = json(&out);
    assert_eq!(report["outcome"], "claimed");
    assert_eq!(report["rounds"][0]["status"], "claimed-by-other");
    assert_eq!(report["rounds"][0]["tx"], theirs.to_string());
    assert!(
        report["rounds"][0]["reason"]
            .as_str()
            .unwrap()
            .contains(&third_party().address().to_string()),
        "{out}"
    );
    assert_eq!(report["transaction"], serde_json::Value::Null);
    // The claimer sent nothing at all; the account was paid once.
    assert_eq!(env.nonce(orchestrator()).await, 0);
    assert_eq!(env.balance(orchestrator()).await, lpt(10));

    // A later run finds it already claimed: nothing to claim.
    anvil::set_automine(&env.chain, true).await;
    let (code, out, _) = run(env.claim_cmd().arg(env.rounds_dir()));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("already claimed"), "{out}");
}

/// 5. A distribution file whose amount or proof was edited is refused before anything is sent.
#[tokio::test]
async fn an_edited_amount_or_proof_is_refused_before_anything_is_sent() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    let path = env.round_path(1);
    let original = std::fs::read_to_string(&path).unwrap();
    let who = orchestrator().to_checksum(None);
    let edit = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut doc: serde_json::Value = serde_json::from_str(&original).unwrap();
        change(&mut doc["claims"][&who]);
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    };

    // The orchestrator's amount, raised by one token.
    edit(&|claim| claim["amount"] = (lpt(10) + lpt(1)).to_string().into());
    let (code, out, err) = run(env.claim_cmd().arg(&path));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(
        out.contains("REFUSED") && out.contains("was altered"),
        "{out}"
    );

    // One proof node changed.
    edit(&|claim| {
        let node = claim["proof"][0].as_str().unwrap().to_owned();
        let flipped = if node.ends_with('a') { 'b' } else { 'a' };
        claim["proof"][0] = format!("{}{flipped}", &node[..node.len() - 1]).into();
    });
    let (code, out, err) = run(env.claim_cmd().arg("--json").arg(&path));
    assert_eq!(code, 3, "{out}\n{err}");
    let report = json(&out);
    assert_eq!(report["rounds"][0]["status"], "refused");
    assert_eq!(report["transaction"], serde_json::Value::Null);

    assert_eq!(env.nonce(orchestrator()).await, 0, "something was sent");
    assert_eq!(env.balance(orchestrator()).await, U256::ZERO);

    // The untouched file claims.
    std::fs::write(&path, &original).unwrap();
    let (code, out, _) = run(env.claim_cmd().arg(&path));
    assert_eq!(code, 0, "{out}");
}

/// 6. A file for another chain or another distributor is refused.
#[tokio::test]
async fn files_for_another_chain_or_distributor_are_refused() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    let payouts = Env::leaves(1, lpt(10));
    let other_chain = env.dir.path().join("arbitrum.json");
    env.build_file(1, &payouts, 42_161, env.distributor, &other_chain);
    let (code, out, err) = run(env.claim_cmd().arg(&other_chain));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(
        out.contains("the file is for chain 42161, but the node is on chain 31337"),
        "{out}"
    );

    let elsewhere = podium_chain::alloy::primitives::Address::repeat_byte(0xE1);
    let other_distributor = env.dir.path().join("elsewhere.json");
    env.build_file(
        1,
        &payouts,
        env.chain.chain_id,
        elsewhere,
        &other_distributor,
    );
    let (code, out, err) = run(env.claim_cmd().arg(&other_distributor));
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(
        out.contains(&format!("the file is for distributor {elsewhere}")),
        "{out}"
    );
    // The file never chooses the distributor: without one configured, nothing is done (issue 16
    // changed this: the file's own distributor used to be taken).
    let (code, _, err) = run(env.unconfigured_cmd().arg(&other_distributor));
    assert_eq!(code, 2);
    assert!(err.contains("no distributor configured"), "{err}");

    assert_eq!(env.nonce(orchestrator()).await, 0, "something was sent");
}

/// 7. A pending or revoked root is skipped with that reason.
#[tokio::test]
async fn pending_and_revoked_roots_are_skipped_with_the_reason() {
    let env = Env::new(&[]).await;
    anvil::warp(&env.chain, env.ends_at(3))
        .await
        .expect("anvil::warp");
    env.post_round(1, lpt(10)).await;
    env.post_round(2, lpt(20)).await;
    env.revoke(2).await;
    // Round 3 has ended and nothing is posted: its file was published early.
    let payouts = Env::leaves(3, lpt(30));
    env.build_file(
        3,
        &payouts,
        env.chain.chain_id,
        env.distributor,
        &env.round_path(3),
    );

    let (code, out, err) = run(env.claim_cmd().arg("--json").arg(env.rounds_dir()));
    assert_eq!(code, 1, "{out}\n{err}");
    let report = json(&out);
    let rounds = report["rounds"].as_array().unwrap();
    assert_eq!(rounds[0]["status"], "pending");
    assert!(
        rounds[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("claimable from"),
        "{out}"
    );
    assert_eq!(rounds[1]["status"], "revoked");
    assert_eq!(
        rounds[1]["reason"],
        "the root was revoked (1 time(s)) and no new root is posted"
    );
    assert_eq!(rounds[2]["status"], "not-posted");
    assert_eq!(env.nonce(orchestrator()).await, 0);

    // The table says the same to people.
    let (_, out, _) = run(env.claim_cmd().arg(env.rounds_dir()));
    for needle in ["pending", "revoked", "not posted", "Nothing to claim now."] {
        assert!(out.contains(needle), "{needle:?} missing:\n{out}");
    }
}

/// 8. Watch mode across two rounds posted apart (anvil time advanced): both claimed, each once,
/// and a clean stop on SIGTERM.
#[tokio::test]
async fn watch_mode_claims_two_rounds_posted_apart_each_once() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;

    let mut watcher = Background::spawn(
        env.claim_cmd()
            .args(["--watch", "--interval", "1"])
            .arg(env.rounds_dir()),
    );
    watcher.wait_for("round 1: pending", 60).await;
    env.make_valid().await;
    watcher.wait_for("round 1: claimed", 60).await;
    assert_eq!(env.balance(orchestrator()).await, lpt(10));

    // A week later, round 2: its file appears and its root is posted, then becomes valid.
    env.post_round(2, lpt(20)).await;
    watcher.wait_for("round 2: pending", 60).await;
    env.make_valid().await;
    watcher.wait_for("round 2: claimed", 60).await;

    // A few more polls change nothing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    watcher.terminate();
    let code = watcher.finish(30).await;
    assert_eq!(code, 0, "{}", watcher.stderr());
    assert!(watcher.stderr().contains("SIGTERM"), "{}", watcher.stderr());
    let events = env.claimed_events(orchestrator()).await;
    assert_eq!(
        events.iter().map(|e| e.0).collect::<Vec<_>>(),
        [1, 2],
        "{events:?}"
    );
    assert_eq!(env.balance(orchestrator()).await, lpt(30));
    assert_eq!(env.nonce(orchestrator()).await, 2);
    // Round 1, paid by this watcher's first claim, is never said to be claimed before the run:
    // neither in the log of the next look nor in the table printed with round 2's claim.
    let (out, err) = (watcher.stdout(), watcher.stderr());
    assert!(
        err.contains("round 1: already claimed (claimed by this watcher in cycle "),
        "{err}"
    );
    assert!(out.contains("claimed by this watcher in cycle"), "{out}");
    assert!(
        !format!("{out}{err}").contains("before this run"),
        "{out}\n{err}"
    );
}

/// Watch mode started before the committee published anything (an empty directory, no
/// --distributor): it waits for the first file instead of failing, then claims it.
#[tokio::test]
async fn watch_mode_started_on_an_empty_directory_waits_for_the_first_file() {
    let env = Env::new(&[]).await;
    std::fs::create_dir_all(env.rounds_dir()).unwrap();
    let mut watcher = Background::spawn(
        env.claim_cmd()
            .args(["--watch", "--interval", "1"])
            .arg(env.rounds_dir()),
    );
    watcher.wait_for("no distribution files yet", 60).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    watcher.wait_for("round 1: claimed", 60).await;
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0, "{}", watcher.stderr());
    assert_eq!(env.balance(orchestrator()).await, lpt(10));
}

/// Crash safety: a run killed while its claim is in the pool is finished by the next run, which
/// says the claim was its own, and nothing is paid twice.
#[tokio::test]
async fn a_killed_run_is_finished_by_the_next_without_paying_twice() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    anvil::set_automine(&env.chain, false).await;
    let mut first = Background::spawn(
        env.claim_cmd()
            .args(["--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    first.wait_for("sent claim(round 1)", 60).await;
    first.kill();
    let journal = std::fs::read_dir(env.dir.path().join("state"))
        .unwrap()
        .count();
    assert_eq!(journal, 1, "no in-flight record was left");

    // The restarted run sees the claim pending and waits for it instead of sending another.
    let mut second = Background::spawn(
        env.claim_cmd()
            .args(["--json", "--timeout", "60"])
            .arg(env.rounds_dir()),
    );
    second
        .wait_for("an earlier run was claiming round(s) 1", 60)
        .await;
    second.wait_for("by a pending transaction", 60).await;
    anvil::mine(&env.chain).await.expect("anvil::mine");
    let code = second.finish(30).await;
    let out = second.stdout();
    assert_eq!(code, 0, "{out}\n{}", second.stderr());
    let report = json(&out);
    assert_eq!(report["rounds"][0]["status"], "claimed");
    assert!(
        report["rounds"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("claimed by your transaction 0x"),
        "{out}"
    );
    assert_eq!(env.nonce(orchestrator()).await, 1);
    assert_eq!(env.balance(orchestrator()).await, lpt(10));
    assert_eq!(
        std::fs::read_dir(env.dir.path().join("state"))
            .unwrap()
            .count(),
        0,
        "the in-flight record was not cleared"
    );
}

/// Watch mode rides out an RPC outage: the node stops (saving its state) and comes back; the
/// watcher backs off, resumes, and claims the next round once.
#[tokio::test]
async fn watch_mode_backs_off_through_an_rpc_outage_and_resumes() {
    let state_dir = tempfile::tempdir().unwrap();
    let state_arg = state_dir
        .path()
        .join("anvil-state.json")
        .display()
        .to_string();
    let mut env = Env::new(&["--state", &state_arg]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    let mut watcher = Background::spawn(
        env.claim_cmd()
            .args(["--watch", "--interval", "1", "--rpc-retries", "0"])
            .arg(env.rounds_dir()),
    );
    watcher.wait_for("round 1: claimed", 60).await;

    let port = env.node.port();
    env.node.terminate();
    watcher
        .wait_for("the node seems down, trying again in 2s", 30)
        .await;
    env.node = Anvil::builder()
        .port(port)
        .arg("--state")
        .arg(&state_arg)
        .spawn();
    watcher.wait_for("answers again", 60).await;

    // The restarted node's clock starts from the wall clock again; posting warps it forward.
    env.post_round(2, lpt(20)).await;
    env.make_valid().await;
    watcher.wait_for("round 2: claimed", 60).await;
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0, "{}", watcher.stderr());
    let events = env.claimed_events(orchestrator()).await;
    assert_eq!(
        events.iter().map(|e| e.0).collect::<Vec<_>>(),
        [1, 2],
        "{events:?}"
    );
    assert_eq!(env.balance(orchestrator()).await, lpt(30));
}

/// `cmd` run inside a pseudo-terminal (util-linux `script`), so its stdout and stderr are a
/// terminal; everything it prints arrives on the returned command's stdout.
fn in_a_terminal(cmd: &std::process::Command) -> std::process::Command {
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
    let line = std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ");
    let mut script = std::process::Command::new("script");
    script.env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    script
        .env("TERM", "xterm")
        .args(["-qfec", &line, "/dev/null"]);
    script
}

/// What `cmd` printed on a terminal within its first look and `secs` seconds of waiting after it
/// (the countdown redraws one line without ending it, so it is read once the program is stopped).
async fn terminal_output(cmd: &std::process::Command, secs: u64) -> String {
    let mut watcher = Background::spawn(&mut in_a_terminal(cmd));
    let started = Instant::now();
    while !watcher.stdout().contains("round 1: pending") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no first look within 60 s:\n{}",
            watcher.stdout()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    watcher.kill();
    tokio::time::sleep(Duration::from_millis(500)).await;
    watcher.stdout()
}

/// Watch mode on a terminal shows what it waits for and when it looks next; with --json (or
/// when stdout is not a terminal, as in every other watch test) it shows nothing of the kind.
#[tokio::test]
async fn watch_mode_on_a_terminal_counts_down_to_the_next_look() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    let mut shown = env.claim_cmd();
    shown
        .args(["--watch", "--interval", "30"])
        .arg(env.rounds_dir());
    let out = terminal_output(&shown, 2).await;
    assert!(
        out.contains("waiting for round 1 to become claimable … next look in "),
        "{out}"
    );

    let mut quiet = env.claim_cmd();
    quiet
        .args(["--watch", "--interval", "30", "--json"])
        .arg(env.rounds_dir());
    let out = terminal_output(&quiet, 2).await;
    assert!(!out.contains("next look in"), "{out}");
}
