//! The real `podium-claim` binary against a real anvil: claiming, dry runs, `--to`, `--stake`, URL
//! inputs, and bad input. The fault tests of issue 6 are in `tests/faults.rs`.

mod common;

use std::{io::Write, net::TcpListener};

use common::*;
use podium_chain::{
    alloy::primitives::{Address, U256},
    bindings::BondingManagerDouble,
};

#[tokio::test]
async fn claims_every_claimable_round_in_one_transaction_then_has_nothing_to_claim() {
    let env = Env::new(&[]).await;
    let amounts = [lpt(10), lpt(20), lpt(30)];
    for (i, a) in amounts.iter().enumerate() {
        env.post_round(i as u64 + 1, *a).await;
    }
    env.make_valid().await;
    // Round 4 is posted but pending: it is listed and skipped.
    env.post_round(4, lpt(40)).await;

    let (code, out, err) = run(env.claim_cmd().arg(env.rounds_dir()));
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("Claimed 60 PTT to"), "{out}");
    assert!(out.contains("pending"), "{out}");
    let events = env.claimed_events(orchestrator()).await;
    assert_eq!(
        events.iter().map(|e| e.0).collect::<Vec<_>>(),
        [1, 2, 3],
        "{events:?}"
    );
    assert!(
        events.iter().all(|e| e.2 == events[0].2),
        "more than one transaction: {events:?}"
    );
    assert_eq!(env.balance(orchestrator()).await, lpt(60));
    assert_eq!(env.nonce(orchestrator()).await, 1);
    // Timestamped logs on stderr.
    assert!(err.contains("Z  INFO"), "{err}");

    // Again: nothing to claim, nothing sent.
    let (code, out, _) = run(env.claim_cmd().arg("--json").arg(env.rounds_dir()));
    assert_eq!(code, 1, "{out}");
    let report = json(&out);
    assert_eq!(report["outcome"], "nothing-to-claim");
    let statuses: Vec<&str> = report["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "already-claimed",
            "already-claimed",
            "already-claimed",
            "pending"
        ]
    );
    assert_eq!(env.nonce(orchestrator()).await, 1);
}

#[tokio::test]
async fn a_dry_run_without_a_wallet_shows_what_any_account_can_claim() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.post_round(2, lpt(20)).await;
    env.make_valid().await;
    let third = third_party().address();
    let (code, out, err) = run(env
        .dry_cmd()
        .args(["--dry-run", "--json", "--account", &third.to_string()])
        .arg(env.round_path(1))
        .arg(env.round_path(2)));
    assert_eq!(code, 0, "{out}\n{err}");
    let report = json(&out);
    assert_eq!(report["dryRun"], true);
    assert_eq!(report["account"], third.to_string());
    assert_eq!(report["claimable"], lpt(6).to_string());
    assert_eq!(report["transaction"], serde_json::Value::Null);
    assert_eq!(report["rounds"][0]["status"], "claimable");
    assert_eq!(env.nonce(third).await, 0);
    assert_eq!(env.balance(third).await, U256::ZERO);

    // Without --account and without a wallet there is nobody to look at.
    let (code, _, err) = run(env.dry_cmd().arg("--dry-run").arg(env.rounds_dir()));
    assert_eq!(code, 2);
    assert!(err.contains("needs --account"), "{err}");
    // Without --dry-run a wallet is needed.
    let (code, _, err) = run(env.dry_cmd().arg(env.rounds_dir()));
    assert_eq!(code, 2);
    assert!(err.contains("claiming needs a wallet"), "{err}");
}

#[tokio::test]
async fn claims_to_another_address_with_claim_to() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    let cold = Address::repeat_byte(0xC0);
    let (code, out, err) = run(env
        .claim_cmd()
        .args(["--to", &cold.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(env.balance(cold).await, lpt(10));
    assert_eq!(env.balance(orchestrator()).await, U256::ZERO);

    // Someone else's wallet cannot send the account's tokens elsewhere.
    env.post_round(2, lpt(20)).await;
    env.make_valid().await;
    let (code, _, err) = run(env
        .claim_cmd()
        .args(["--account", &third_party().address().to_string()])
        .args(["--to", &cold.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 2);
    assert!(err.contains("--to needs the account's own wallet"), "{err}");
}

#[tokio::test]
async fn stakes_the_claimed_tokens_on_the_bonding_manager() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.post_round(2, lpt(15)).await;
    env.make_valid().await;
    let bm = env.deploy_bonding_manager().await;

    // Off Arbitrum One, the BondingManager must be named.
    let (code, _, err) = run(env.claim_cmd().arg("--stake").arg(env.rounds_dir()));
    assert_eq!(code, 2);
    assert!(err.contains("needs --bonding-manager"), "{err}");

    let (code, out, err) = run(env
        .claim_cmd()
        .args(["--stake", "--json", "--bonding-manager", &bm.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    let report = json(&out);
    assert_eq!(report["stake"]["amount"], lpt(25).to_string());
    assert_eq!(report["stake"]["delegate"], orchestrator().to_string());
    let double = BondingManagerDouble::new(bm, &env.chain.provider);
    assert_eq!(
        double.bondedAmount(orchestrator()).call().await.unwrap(),
        lpt(25)
    );
    assert_eq!(
        double.delegateOf(orchestrator()).call().await.unwrap(),
        orchestrator()
    );
    assert_eq!(env.balance(orchestrator()).await, U256::ZERO);
    assert_eq!(env.balance(bm).await, lpt(25));
    // claim, approve, bond
    assert_eq!(env.nonce(orchestrator()).await, 3);
}

/// Serves `body` once per connection on a local port, as a plain HTTP server.
fn serve(body: Vec<u8>, status: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/round.json", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    url
}

#[tokio::test]
async fn fetches_distribution_files_over_http() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    let url = serve(std::fs::read(env.round_path(1)).unwrap(), "200 OK");
    let (code, out, err) = run(env.claim_cmd().arg("--json").arg(&url));
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(json(&out)["rounds"][0]["source"], url);
    assert_eq!(env.balance(orchestrator()).await, lpt(10));

    let missing = serve(b"not here".to_vec(), "404 Not Found");
    let (code, _, err) = run(env.claim_cmd().arg(&missing));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!(
            "{missing}: the server answered HTTP 404 Not Found"
        )),
        "{err}"
    );
}

#[test]
fn a_malformed_file_is_named_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad-amount.json");
    let (code, out, err) = run(std::process::Command::new(assert_cmd::cargo::cargo_bin!(
        "podium-claim"
    ))
    .env_clear()
    .args(["--rpc-url", "http://127.0.0.1:9", "--dry-run", "--json"])
    .arg("--state-dir")
    .arg(dir.path())
    .arg(&fixture));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "{}: line 13, column 80: \"12.5\" is not a decimal amount",
            fixture.display()
        )),
        "{err}"
    );
    assert_eq!(json(&out)["exitCode"], 2);
}

#[test]
fn help_explains_the_exit_codes_and_the_keystore() {
    let (code, out, _) = run(std::process::Command::new(assert_cmd::cargo::cargo_bin!(
        "podium-claim"
    ))
    .arg("--help"));
    assert_eq!(code, 0);
    for needle in [
        "--keystore",
        "--password-file",
        "--dry-run",
        "--stake",
        "--watch",
        "Exit codes:",
        "1  nothing to claim",
        "3  a round was refused",
    ] {
        assert!(out.contains(needle), "--help lacks {needle:?}:\n{out}");
    }
}

#[tokio::test]
async fn a_failed_stake_exits_6_and_the_next_run_stakes_what_was_claimed() {
    let env = Env::new(&[]).await;
    env.post_round(1, lpt(10)).await;
    env.make_valid().await;
    // A contract without bond(): the claim goes through, the stake cannot.
    let (code, out, err) = run(env
        .claim_cmd()
        .args(["--stake", "--bonding-manager", &env.token.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 6, "{out}\n{err}");
    assert!(
        err.contains("the claim is done, but bonding 10 PTT would revert, so no bond was sent"),
        "{err}"
    );
    assert_eq!(env.balance(orchestrator()).await, lpt(10));

    let bm = env.deploy_bonding_manager().await;
    let (code, out, err) = run(env
        .claim_cmd()
        .args(["--stake", "--json", "--bonding-manager", &bm.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 0, "{out}\n{err}");
    let report = json(&out);
    assert_eq!(report["rounds"][0]["status"], "claimed");
    assert!(
        report["rounds"][0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("claimed by your transaction"),
        "{out}"
    );
    assert_eq!(report["stake"]["amount"], lpt(10).to_string());
    let double = BondingManagerDouble::new(bm, &env.chain.provider);
    assert_eq!(
        double.bondedAmount(orchestrator()).call().await.unwrap(),
        lpt(10)
    );
    assert_eq!(env.claimed_events(orchestrator()).await.len(), 1);

    // Once staked, a third run has nothing to do and stakes nothing more.
    let (code, _, _) = run(env
        .claim_cmd()
        .args(["--stake", "--bonding-manager", &bm.to_string()])
        .arg(env.rounds_dir()));
    assert_eq!(code, 1);
    assert_eq!(
        double.bondedAmount(orchestrator()).call().await.unwrap(),
        lpt(10)
    );
}
