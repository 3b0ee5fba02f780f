//! Discovery: `podium-claim` with no file arguments finds the rounds from the distributor's events
//! and fetches each file from its posted `uri`, served here by a real static HTTP server on a free
//! localhost port, against a real anvil.

mod common;

use std::time::{Duration, Instant};

use common::{Background, Env, Site, lpt, orchestrator, run};
use podium_chain::alloy::primitives::U256;

/// Publishes at `name` on the site the round's file paying the orchestrator `amount`: the same file
/// `post_round_at` builds (podium-core's output is deterministic), so it can be there before the
/// root is posted.
fn publish(env: &Env, site: &Site, round: u64, amount: U256, name: &str) {
    let to = site.root.join(name.trim_start_matches('/'));
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let payouts = Env::leaves(round, amount);
    env.build_file(round, &payouts, env.chain.chain_id, env.distributor, &to);
}

fn site(env: &Env) -> Site {
    Site::start(&env.dir.path().join("site"))
}

/// 1. Three rounds posted a week apart, each found and claimed by one watcher started before any
/// was posted, each once.
#[tokio::test]
async fn a_watcher_with_no_files_claims_three_rounds_posted_over_time() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    let mut watcher = Background::spawn(env.claim_cmd().args(["--watch", "--interval", "1"]));
    watcher
        .wait_for("watching the distributor's posted rounds", 60)
        .await;
    for round in 1..=3u64 {
        let name = format!("/round-{round}.json");
        publish(&env, &site, round, lpt(10 * round), &name);
        env.post_round_at(round, lpt(10 * round), &format!("{}{name}", site.url))
            .await;
        watcher
            .wait_for(&format!("round {round}: pending"), 60)
            .await;
        env.make_valid().await;
        watcher
            .wait_for(&format!("round {round}: claimed"), 60)
            .await;
    }
    assert_eq!(env.balance(orchestrator()).await, lpt(60));
    let events = env.claimed_events(orchestrator()).await;
    let rounds: Vec<u64> = events.iter().map(|e| e.0).collect();
    assert_eq!(rounds, vec![1, 2, 3], "each round claimed once");
    // Each file was fetched once: later looks use the verified copy.
    for round in 1..=3 {
        assert_eq!(site.hits(&format!("/round-{round}.json")), 1);
    }
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0, "{}", watcher.stderr());
}

/// 2. A uri that answers 404 is reported with the round, the URL and the reason, and claimed on a
/// later look once the file is there.
#[tokio::test]
async fn a_uri_that_404s_is_claimed_once_the_file_appears() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    let url = format!("{}/round-1.json", site.url);
    env.post_round_at(1, lpt(10), &url).await;
    env.make_valid().await;
    let mut watcher = Background::spawn(env.claim_cmd().args(["--watch", "--interval", "1"]));
    watcher
        .wait_for(
            &format!("round 1: {url}: the server answered HTTP 404 Not Found; not used"),
            60,
        )
        .await;
    assert_eq!(env.balance(orchestrator()).await, lpt(0));
    publish(&env, &site, 1, lpt(10), "/round-1.json");
    watcher.wait_for("round 1: claimed", 60).await;
    assert_eq!(env.balance(orchestrator()).await, lpt(10));
    assert!(site.hits("/round-1.json") >= 2);
    watcher.terminate();
    assert_eq!(watcher.finish(30).await, 0, "{}", watcher.stderr());
}

/// 3. A published file whose root is not the chain's is refused with the round, the URL and the
/// reason; nothing is sent and nothing is cached.
#[tokio::test]
async fn a_file_whose_root_differs_from_the_chains_is_refused() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    let url = format!("{}/round-1.json", site.url);
    env.post_round_at(1, lpt(10), &url).await;
    env.make_valid().await;
    // The site serves a file for the same round paying more: another root.
    let payouts = Env::leaves(1, lpt(99));
    env.build_file(
        1,
        &payouts,
        env.chain.chain_id,
        env.distributor,
        &site.root.join("round-1.json"),
    );
    let nonce = env.nonce(orchestrator()).await;
    let (code, stdout, stderr) = run(&mut env.claim_cmd());
    assert_eq!(code, 3, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("round 1: {url}: the file's root 0x")),
        "{stderr}"
    );
    assert!(stderr.contains("is not the root on chain"), "{stderr}");
    assert!(stdout.contains("REFUSED"), "{stdout}");
    assert_eq!(env.nonce(orchestrator()).await, nonce, "nothing sent");
    assert_eq!(env.balance(orchestrator()).await, lpt(0));
    let cached = env.dir.path().join("state").join("rounds");
    assert!(
        !cached.exists() || walk(&cached).is_empty(),
        "nothing cached"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// 4. A server that never answers costs at most the timeout per attempt: the round is reported
/// unavailable (exit 13) and nothing is sent.
#[tokio::test]
async fn a_slow_server_is_bounded_by_the_fetch_timeout() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    let url = format!("{}/round-1.json", site.url);
    env.post_round_at(1, lpt(10), &url).await;
    publish(&env, &site, 1, lpt(10), "/round-1.json");
    site.stall("/round-1.json");
    env.make_valid().await;
    let nonce = env.nonce(orchestrator()).await;
    let started = Instant::now();
    let (code, stdout, stderr) = run(env.claim_cmd().args(["--fetch-timeout", "1"]));
    let took = started.elapsed();
    assert_eq!(code, 13, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains(&format!("round 1: {url}: timed out")),
        "{stderr}"
    );
    assert!(stderr.contains("(3 attempts)"), "{stderr}");
    // 3 attempts of 1 s and pauses of 1 s and 2 s, plus the chain work.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert_eq!(site.hits("/round-1.json"), 3);
    assert_eq!(env.nonce(orchestrator()).await, nonce, "nothing sent");
}

/// 5. An `ipfs://CID/path` uri is fetched through the gateway as `/ipfs/CID/path`; a second run
/// uses the verified copy in the state directory, without the gateway.
#[tokio::test]
async fn an_ipfs_uri_goes_through_the_gateway_and_is_cached() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    let cid = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    env.post_round_at(1, lpt(10), &format!("ipfs://{cid}/round-1.json"))
        .await;
    publish(
        &env,
        &site,
        1,
        lpt(10),
        &format!("/ipfs/{cid}/round-1.json"),
    );
    env.make_valid().await;
    let (code, stdout, stderr) = run(env.claim_cmd().args(["--ipfs-gateway", &site.url]));
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(env.balance(orchestrator()).await, lpt(10));
    assert_eq!(site.hits(&format!("/ipfs/{cid}/round-1.json")), 1);
    // Restarted with the gateway gone: the cached file is re-verified and used.
    let gateway = site.url.clone();
    drop(site);
    let (code, stdout, stderr) = run(env.claim_cmd().args(["--ipfs-gateway", &gateway]));
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stderr.contains("round 1: using the verified file cached at"),
        "{stderr}"
    );
    assert!(stdout.contains("already claimed"), "{stdout}");
    // A cached file changed on disk is verified again on load, dropped, and fetched again (here
    // the gateway is gone, so the round is unavailable: exit 13).
    let cached = walk(&env.dir.path().join("state").join("rounds"));
    assert_eq!(cached.len(), 1, "{cached:?}");
    let payouts = Env::leaves(1, lpt(99));
    env.build_file(1, &payouts, env.chain.chain_id, env.distributor, &cached[0]);
    let (code, stdout, stderr) = run(env.claim_cmd().args(["--ipfs-gateway", &gateway]));
    assert_eq!(code, 13, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stderr.contains("no longer verifies"), "{stderr}");
    assert!(!cached[0].exists(), "the altered copy is removed");
}

/// 6. A root revoked and posted again: the new root's file is claimed, the revoked one's is never
/// fetched.
#[tokio::test]
async fn a_revoked_and_reposted_round_uses_the_new_file() {
    let env = Env::new(&[]).await;
    let site = site(&env);
    env.post_round_at(1, lpt(10), &format!("{}/round-1-a.json", site.url))
        .await;
    publish(&env, &site, 1, lpt(10), "/round-1-a.json");
    env.revoke(1).await;
    env.post_round_at(1, lpt(25), &format!("{}/round-1-b.json", site.url))
        .await;
    publish(&env, &site, 1, lpt(25), "/round-1-b.json");
    env.make_valid().await;
    let (code, stdout, stderr) = run(&mut env.claim_cmd());
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(env.balance(orchestrator()).await, lpt(25));
    assert_eq!(site.hits("/round-1-a.json"), 0);
    assert_eq!(site.hits("/round-1-b.json"), 1);
}
