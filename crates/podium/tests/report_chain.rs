//! `podium report --rpc-url` against a real anvil that the test starts on a free port (and stops):
//! a two-round program is deployed, funded and posted; orchestrators claim in the ways the claimer
//! allows (one round at a time, several rounds in one claimMany, to a cold wallet) and bond (within
//! the week, after it, from the wrong address); one never claims. The report's claimed, unclaimed
//! and staked-within-7-days figures are checked to the wei against amounts worked out by hand, and
//! its roots and transaction hashes against the posting receipts.

mod report_support;

use std::{fs, path::Path};

use alloy_primitives::{Address, B256, U256, address};
use podium_chain::{
    Chain, Wallet,
    alloy::sol_types::SolCall,
    anvil::{self, Anvil},
    bindings::{BondingManagerDouble, IERC20, IPodiumDistributor, PodiumDistributor},
    block_on,
    fixture::Program,
    send::Call,
};
use podium_core::DistributionFile;
use report_support::{Deployed, attr, deploy_two_rounds, elements, podium};
use serde_json::Value;

const DAY: u64 = 86_400;
const WEEK: u64 = 7 * DAY;

fn tokens(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

/// No key: never claims. E is below the threshold; F appears in round 2.
const D: Address = address!("4444444444444444444444444444444444444444");
const E: Address = address!("5555555555555555555555555555555555555555");
const F: Address = address!("6666666666666666666666666666666666666666");
const COLD: Address = address!("7777777777777777777777777777777777777777");

/// Sends `data` to `to` from `wallet` (quietly, waiting for the receipt); returns the hash.
async fn send(chain: &Chain, wallet: &Wallet, to: Address, data: Vec<u8>, what: &str) -> B256 {
    anvil::send(chain, wallet, Call::new(to, data, what))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .hash
}

fn claim_of(file: &DistributionFile, account: Address) -> IPodiumDistributor::Claim {
    let c = file.claim(&account).unwrap();
    IPodiumDistributor::Claim {
        round: U256::from(file.round),
        index: U256::from(c.index),
        amount: c.amount.0,
        proof: c.proof.clone(),
    }
}

fn scores(dir: &Path, round: u64, accounts: &[(Address, f64)]) {
    let body: Vec<String> = accounts
        .iter()
        .map(|(a, s)| format!("\"{a}\": {{\"FRA\": {{\"success_rate\": 1, \"round_trip_score\": {s}, \"score\": {s}}}}}"))
        .collect();
    let path = dir.join(format!("round-{round}/scores/leaderboard.json"));
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, format!("{{{}}}", body.join(",\n"))).unwrap();
    fs::write(
        dir.join(format!("round-{round}/rules.toml")),
        format!(
            "round = {round}\nbudget = \"100\"\nthreshold = 0.3\n[split]\nmethod = \"equal\"\n[pools.FRA]\nshare = \"1\"\n"
        ),
    )
    .unwrap();
}

/// `podium build` of rounds 1 and 2 from `rounds/round-N/{rules.toml,scores/leaderboard.json}` into
/// `rounds/round-N/distribution.json`, for `distributor` on `node`; returns the two files.
fn build_rounds(rounds: &Path, node: &Anvil, distributor: Address) -> Vec<DistributionFile> {
    (1..=2u64)
        .map(|n| {
            let r = rounds.join(format!("round-{n}"));
            podium()
                .args(["build", "--round", &n.to_string(), "--rules"])
                .arg(r.join("rules.toml"))
                .arg("--scores")
                .arg(r.join("scores/leaderboard.json"))
                .arg("--out")
                .arg(r.join("distribution.json"))
                .args([
                    "--chain-id",
                    &node.chain_id().to_string(),
                    "--distributor",
                    &distributor.to_string(),
                ])
                .assert()
                .success();
            DistributionFile::read(&r.join("distribution.json")).unwrap()
        })
        .collect()
}

#[test]
fn claims_and_stake_from_the_chain() {
    // 200 minted to the committee (also the funder), who funds the distributor with them; 50 to C.
    let Deployed { fx, bm, program } = deploy_two_rounds(100, |b| b.fund(200).mint(3, 50));
    let Program {
        node,
        chain,
        dir,
        token,
        distributor,
        start,
        ..
    } = fx;
    let rounds = dir.path().join("rounds");
    let committee = anvil::dev_wallet(0);
    let (a, b, c) = (
        anvil::dev_wallet(1),
        anvil::dev_wallet(2),
        anvil::dev_wallet(3),
    );
    let [addr_a, addr_b, addr_c] = [1, 2, 3].map(|i| anvil::dev_signer(i).address());

    // Round 1: A, B, C, D eligible (25 each), E below. Round 2: F joins (20 each).
    scores(
        &rounds,
        1,
        &[
            (addr_a, 0.9),
            (addr_b, 0.8),
            (addr_c, 0.7),
            (D, 0.6),
            (E, 0.1),
        ],
    );
    scores(
        &rounds,
        2,
        &[
            (addr_a, 0.9),
            (addr_b, 0.8),
            (addr_c, 0.7),
            (D, 0.6),
            (E, 0.1),
            (F, 0.5),
        ],
    );
    let files = build_rounds(&rounds, &node, distributor);

    let mut post_txs = Vec::new();
    block_on(async {
        for (i, file) in files.iter().enumerate() {
            anvil::warp(&chain, start + (i as u64 + 1) * WEEK + 10)
                .await
                .expect("anvil::warp");
            let post = PodiumDistributor::postRootCall {
                round: U256::from(file.round),
                root: file.root,
                total: file.total.0,
                uri: format!("round-{}.json", file.round),
            }
            .abi_encode();
            post_txs.push(send(&chain, &committee, distributor, post, "postRoot").await);
        }
        let t0 = start + 2 * WEEK + DAY + 100;
        anvil::warp(&chain, t0).await.expect("anvil::warp");
        let bond = |amount: u64, to: Address| {
            BondingManagerDouble::bondCall {
                amount: tokens(amount),
                to,
            }
            .abi_encode()
        };
        let approve_bm = IERC20::approveCall {
            spender: bm,
            amount: tokens(1_000),
        }
        .abi_encode();

        // A claims round 1 alone, sent by itself.
        let ca = claim_of(&files[0], addr_a);
        let claim = PodiumDistributor::claimCall {
            round: ca.round,
            index: ca.index,
            account: addr_a,
            amount: ca.amount,
            proof: ca.proof,
        }
        .abi_encode();
        send(&chain, &a, distributor, claim, "A claims round 1").await;
        // B claims both rounds in one claimMany; C sends both to a cold wallet.
        let many = PodiumDistributor::claimManyCall {
            account: addr_b,
            claims: vec![claim_of(&files[0], addr_b), claim_of(&files[1], addr_b)],
        }
        .abi_encode();
        send(&chain, &b, distributor, many, "B claims rounds 1 and 2").await;
        let cold = PodiumDistributor::claimToCall {
            recipient: COLD,
            claims: vec![claim_of(&files[0], addr_c), claim_of(&files[1], addr_c)],
        }
        .abi_encode();
        send(&chain, &c, distributor, cold, "C claims to a cold wallet").await;

        // A day later: A bonds its 25 (counts for round 1), then claims round 2.
        anvil::warp(&chain, t0 + DAY).await.expect("anvil::warp");
        for w in [&a, &b, &c] {
            send(
                &chain,
                w,
                token,
                approve_bm.clone(),
                "approve BondingManager",
            )
            .await;
        }
        send(&chain, &a, bm, bond(25, addr_a), "A bonds 25").await;
        let ca2 = claim_of(&files[1], addr_a);
        let claim2 = PodiumDistributor::claimCall {
            round: ca2.round,
            index: ca2.index,
            account: addr_a,
            amount: ca2.amount,
            proof: ca2.proof,
        }
        .abi_encode();
        send(&chain, &a, distributor, claim2, "A claims round 2").await;
        // C bonds tokens it held anyway: its claims went to the cold wallet, so this is not counted.
        send(&chain, &c, bm, bond(50, addr_c), "C bonds 50").await;
        // Two days after its claim B bonds 30: 25 for round 1, then 5 for round 2.
        anvil::warp(&chain, t0 + 2 * DAY)
            .await
            .expect("anvil::warp");
        send(&chain, &b, bm, bond(30, addr_b), "B bonds 30").await;
        // A bonds its round-2 tokens 8 days after claiming them: outside the week.
        anvil::warp(&chain, t0 + 9 * DAY + 10)
            .await
            .expect("anvil::warp");
        send(&chain, &a, bm, bond(20, addr_a), "A bonds 20 too late").await;
    });

    let page = dir.path().join("report.html");
    let out = podium()
        .arg("report")
        .arg("--program")
        .arg(&program)
        .arg("--rounds")
        .arg(&rounds)
        .args([
            "--rpc-url",
            &node.url(),
            "--distributor",
            &distributor.to_string(),
        ])
        .args([
            "--bonding-manager",
            &bm.to_string(),
            "--log-blocks",
            "3",
            "--json",
            "--html",
        ])
        .arg(&page)
        .env_remove("ETH_RPC_URL")
        .env_remove("PODIUM_DEPLOYMENT")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let chain_part = &json["chain"];
    assert_eq!(chain_part["chainId"], node.chain_id());
    assert!(
        chain_part["logQueries"].as_u64().unwrap() > 4,
        "logs are read in ranges of 3 blocks"
    );
    // A, B and C bonded to themselves after the program: registrations, but in no round.
    assert_eq!(chain_part["registrations"]["orchestrators"], 3);
    assert_eq!(json["rounds"][0]["newlyRegistered"], 0);
    assert_eq!(json["rounds"][1]["newlyRegistered"], 0);
    assert!(
        json["warnings"].as_array().unwrap().is_empty(),
        "{}",
        json["warnings"]
    );

    let round = |n: usize| &json["rounds"][n]["chain"];
    // Round 1: A, B and C claimed 25 each, D never did; A and B bonded 25 each within the week.
    assert_eq!(round(0)["claimed"], tokens(75).to_string());
    assert_eq!(round(0)["unclaimed"], tokens(25).to_string());
    assert_eq!(round(0)["stakedWithin7Days"], tokens(50).to_string());
    assert_eq!(
        (
            round(0)["claims"].as_u64(),
            round(0)["claimingAccounts"].as_u64()
        ),
        (Some(3), Some(3))
    );
    // Round 2: A, B and C claimed 20 each; D and F did not; only B's last 5 were bonded in time.
    assert_eq!(round(1)["claimed"], tokens(60).to_string());
    assert_eq!(round(1)["unclaimed"], tokens(40).to_string());
    assert_eq!(round(1)["stakedWithin7Days"], tokens(5).to_string());
    assert_eq!(round(1)["claimsWithWeekStillOpen"], 0);
    for (i, file) in files.iter().enumerate() {
        let posted = &round(i)["posted"];
        assert_eq!(posted["root"], file.root.to_string());
        assert_eq!(posted["total"], tokens(100).to_string());
        assert_eq!(posted["transaction"], post_txs[i].to_string());
    }
    assert_eq!(
        json["rounds"][1]["firstSeenInScores"], 1,
        "F is first seen in round 2's scores"
    );

    // The page has the two chain charts per round, and the hashes.
    let html = fs::read_to_string(&page).unwrap();
    let charts = elements(&html, "svg");
    for n in ["1", "2"] {
        for metric in ["claims", "staked"] {
            let count = charts
                .iter()
                .filter(|c| {
                    attr(c, "data-metric") == Some(metric) && attr(c, "data-round") == Some(n)
                })
                .count();
            assert_eq!(count, 1, "round {n}: one {metric} chart");
        }
    }
    for tx in &post_txs {
        assert!(
            html.contains(&tx.to_string()),
            "the page names the posting transaction {tx}"
        );
    }
    assert!(html.contains("66.7%"), "round 1: 50 of 75 staked");
    // Kept for a person to look at.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-chain");
    fs::create_dir_all(&keep).unwrap();
    fs::copy(&page, keep.join("report.html")).unwrap();
    eprintln!(
        "report with chain data: {}",
        keep.join("report.html").display()
    );
    node.stop();
}

/// Runs `podium report` on `node` with `extra` arguments; returns stdout.
fn report(program: &Path, rounds: &Path, node: &Anvil, extra: &[&str]) -> String {
    let out = podium()
        .arg("report")
        .arg("--program")
        .arg(program)
        .arg("--rounds")
        .arg(rounds)
        .args(["--rpc-url", &node.url()])
        .args(extra)
        .env_remove("ETH_RPC_URL")
        .env_remove("PODIUM_DEPLOYMENT")
        .env_remove("PODIUM_BONDING_MANAGER")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// "Newly registered" from the BondingManager double's `TranscoderActivated` / `TranscoderUpdate`
/// events: the committee's key registers before the program (not counted, not even when it updates
/// its terms in round 1), A registers in round 1 and updates its terms in round 2 (counted once, in
/// round 1), B registers in round 2 and sets its terms twice, C registers in round 2. The scores
/// tell another story (D and A first seen in round 1, B and F in round 2), shown beside it.
#[test]
fn newly_registered_from_the_bonding_manager() {
    // 100 minted to each of X (the committee), A, B and C.
    let Deployed { fx, bm, program } =
        deploy_two_rounds(1_000, |b| (0..4).fold(b, |b, i| b.mint(i, 100)));
    let Program {
        node,
        chain,
        dir,
        token,
        distributor,
        start,
        ..
    } = fx;
    let rounds = dir.path().join("rounds");
    let committee = anvil::dev_wallet(0);
    let (a, b, c) = (
        anvil::dev_wallet(1),
        anvil::dev_wallet(2),
        anvil::dev_wallet(3),
    );
    let [addr_x, addr_a, addr_b, addr_c] = [0, 1, 2, 3].map(|i| anvil::dev_signer(i).address());

    scores(&rounds, 1, &[(addr_a, 0.9), (D, 0.6)]);
    scores(
        &rounds,
        2,
        &[(addr_a, 0.9), (D, 0.6), (addr_b, 0.8), (F, 0.5)],
    );
    build_rounds(&rounds, &node, distributor);

    let after_x = block_on(async {
        let approve = IERC20::approveCall {
            spender: bm,
            amount: tokens(100),
        }
        .abi_encode();
        let bond_self = |who: Address| {
            BondingManagerDouble::bondCall {
                amount: tokens(10),
                to: who,
            }
            .abi_encode()
        };
        let terms = |cut: u64| {
            BondingManagerDouble::transcoderCall {
                rewardCut: U256::from(cut),
                feeShare: U256::from(500_000u64),
            }
            .abi_encode()
        };
        for w in [&committee, &a, &b, &c] {
            send(&chain, w, token, approve.clone(), "approve").await;
        }
        // Before the program: the committee's key registers (self-bond: TranscoderActivated; terms:
        // TranscoderUpdate).
        send(&chain, &committee, bm, bond_self(addr_x), "X bonds").await;
        send(&chain, &committee, bm, terms(100_000), "X sets terms").await;
        let after_x = {
            use podium_chain::alloy::providers::Provider;
            chain.provider.get_block_number().await.unwrap()
        };

        // Round 1: A registers; X updates its terms (already registered).
        anvil::warp(&chain, start + DAY).await.expect("anvil::warp");
        send(&chain, &a, bm, bond_self(addr_a), "A bonds").await;
        send(&chain, &a, bm, terms(100_000), "A sets terms").await;
        send(&chain, &committee, bm, terms(200_000), "X updates").await;

        // Round 2: B registers and sets its terms twice; C registers; A updates its terms.
        anvil::warp(&chain, start + WEEK + DAY)
            .await
            .expect("anvil::warp");
        send(&chain, &b, bm, bond_self(addr_b), "B bonds").await;
        send(&chain, &b, bm, terms(100_000), "B sets terms").await;
        send(&chain, &b, bm, terms(150_000), "B sets terms again").await;
        send(&chain, &c, bm, bond_self(addr_c), "C bonds").await;
        send(&chain, &c, bm, terms(100_000), "C sets terms").await;
        send(&chain, &a, bm, terms(300_000), "A updates").await;
        anvil::warp(&chain, start + 2 * WEEK + DAY)
            .await
            .expect("anvil::warp");
        after_x
    });

    let base = [
        "--distributor".to_owned(),
        distributor.to_string(),
        "--bonding-manager".to_owned(),
        bm.to_string(),
        "--log-blocks".to_owned(),
        "1".to_owned(),
    ];
    let base: Vec<&str> = base.iter().map(String::as_str).collect();
    let page = dir.path().join("report.html");
    let mut args = base.clone();
    args.extend(["--json", "--html", page.to_str().unwrap()]);
    let json: Value = serde_json::from_str(&report(&program, &rounds, &node, &args)).unwrap();
    let json_first = json.clone();
    let registered: Vec<Value> = json["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["newlyRegistered"].clone())
        .collect();
    assert_eq!(registered, [1, 2], "A in round 1; B and C in round 2");
    let accounts = |n: usize| json["rounds"][n]["newlyRegisteredAccounts"].clone();
    assert_eq!(accounts(0), serde_json::json!([addr_a.to_string()]));
    let mut bc = [addr_b, addr_c];
    bc.sort();
    assert_eq!(
        accounts(1),
        serde_json::json!([bc[0].to_string(), bc[1].to_string()])
    );
    let seen: Vec<Value> = json["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["firstSeenInScores"].clone())
        .collect();
    assert_eq!(seen, [2, 2], "A and D, then B and F, in the scores");
    assert!(json["newlyRegisteredUnavailable"].is_null());
    let reg = &json["chain"]["registrations"];
    assert_eq!(reg["fromBlock"], 0, "not Livepeer's BondingManager: from 0");
    assert_eq!(reg["orchestrators"], 4, "X, A, B and C");
    // X: 2 + 1; A: 2 + 1; B: 1 + 2; C: 2.
    assert_eq!(reg["events"], 11);
    // With --log-blocks 1: the distributor's logs in one request per block (no claims, so no Bond
    // reads), the registrations in ranges of 1, 2, 4, … blocks: a handful of requests, not one per
    // block.
    let blocks = json["chain"]["latestBlock"].as_u64().unwrap() + 1;
    let queries = json["chain"]["logQueries"].as_u64().unwrap();
    assert!(
        queries > blocks && queries <= blocks + 7,
        "{queries} requests for {blocks} blocks"
    );

    // The page has both figures, the chain's with its key.
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("<th>newly registered (chain)</th><th>first seen in scores</th>"));
    let cells = elements(&html, "td");
    for (n, want) in [("1", "1"), ("2", "2")] {
        let key = format!("r{n}.registered");
        let shown: Vec<&str> = cells
            .iter()
            .filter(|c| attr(c, "data-k") == Some(key.as_str()))
            .filter_map(|c| attr(c, "data-value"))
            .collect();
        assert_eq!(shown, [want], "{key}");
    }
    assert!(html.contains(&addr_a.to_string()), "round 1 names A");

    // The tables too.
    let text = report(&program, &rounds, &node, &base);
    eprintln!("{text}");
    assert!(text.contains("newly registered (chain)"), "{text}");
    assert!(text.contains("first seen in scores"), "{text}");
    assert!(
        text.contains(&format!("Newly registered in round 1: {addr_a}")),
        "{text}"
    );
    assert!(
        text.contains("Registrations read from block 0: 11 TranscoderUpdate/TranscoderActivated events of 4 orchestrators."),
        "{text}"
    );

    // Reading from after X's registration forgets it: its update in round 1 then counts as new.
    let mut args = base.clone();
    let from = (after_x + 1).to_string();
    args.extend(["--registrations-from-block", &from, "--json"]);
    let json: Value = serde_json::from_str(&report(&program, &rounds, &node, &args)).unwrap();
    assert_eq!(json["rounds"][0]["newlyRegistered"], 2, "A and X");
    assert_eq!(json["chain"]["registrations"]["fromBlock"], after_x + 1);
    assert_eq!(json["chain"]["registrations"]["orchestrators"], 4);

    // A node that refuses ranges over 4 blocks: the scans start at 1000 blocks (clipped to the
    // chain's ~30), halve on each refusal, and give the same figures.
    let proxy = anvil::RpcProxy::start(&node.url());
    proxy.limit_log_range(4);
    let out = podium()
        .arg("report")
        .arg("--program")
        .arg(&program)
        .arg("--rounds")
        .arg(&rounds)
        .args(["--rpc-url", &proxy.url, "--rpc-retries", "0"])
        .args(["--distributor", &distributor.to_string()])
        .args(["--bonding-manager", &bm.to_string()])
        .args(["--log-blocks", "1000", "--json"])
        .env_remove("ETH_RPC_URL")
        .env_remove("PODIUM_DEPLOYMENT")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let limited: Value = serde_json::from_slice(&out.stdout).unwrap();
    for n in 0..2 {
        assert_eq!(
            limited["rounds"][n]["newlyRegisteredAccounts"],
            json_first["rounds"][n]["newlyRegisteredAccounts"],
            "round {}",
            n + 1
        );
    }
    let reg = &limited["chain"]["registrations"];
    assert_eq!(reg["events"], 11);
    // The first range is the whole chain (under 1000 blocks), refused until halved to 4 or fewer.
    assert!(
        reg["refusedRanges"].as_u64().unwrap() >= 2,
        "the node refused the wide ranges: {reg}"
    );
    let requests = proxy.count("eth_getLogs");
    assert_eq!(
        limited["chain"]["logQueries"].as_u64(),
        Some(requests),
        "every request counted, refused ones too"
    );
    node.stop();
}
