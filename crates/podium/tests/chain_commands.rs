//! The committee's chain commands driven through the real `podium` binary against a real anvil
//! that each test starts on a free port (and stops): deploy, fund, post (direct, Safe batch,
//! calldata), status, revoke, sweep, and the ways they must refuse. Every command's output is also
//! checked for secrets: no private key, password or keystore content may ever be printed.

mod support;

use std::{
    path::Path,
    time::{Duration, Instant},
};

use alloy_primitives::{Address, U256};
use podium_chain::{
    SendOpts, Sender,
    alloy::sol_types::SolCall,
    anvil::{self, Anvil},
    bindings::{IERC20, PodiumDistributor},
    block_on,
    send::Call,
    time::utc,
};
use serde_json::Value;
use support::world::{DAY, FUNDER_KEY_VAR, PASSWORD, WRONG_PASSWORD, World, s, tokens};

#[test]
fn runs_a_whole_program_through_the_cli() {
    let w = World::new();
    let url = w.node.url();
    let (record, distributor) = w.deploy();
    let rec = s(&record);
    let d = w.distributor(distributor);

    // deploy: the record and the chain agree with the program file.
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(saved["chainId"], 31_337);
    assert_eq!(saved["roundBudget"], tokens(7000).to_string());
    assert_eq!(block_on(d.ROUND_BUDGET().call()).unwrap(), tokens(7000));
    assert_eq!(block_on(d.committee().call()).unwrap(), w.committee);
    assert_eq!(block_on(d.FUNDER().call()).unwrap(), w.funder);
    assert_eq!(
        block_on(d.PROGRAM_START().call()).unwrap(),
        U256::from(w.start)
    );
    // A second deploy of the same program is refused (the record exists).
    let config = w.path("program.toml");
    let err = w.fails(&[
        "deploy",
        "--config",
        s(&config),
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
    ]);
    assert!(err.contains("already exists"), "{err}");

    // fund: the default is the whole program, counted as funding.
    let v = w.ok_json(&[
        "fund",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
        "--json",
    ]);
    assert_eq!(v["amount"], tokens(21_000).to_string());
    assert_eq!(block_on(d.totalFunded().call()).unwrap(), tokens(21_000));
    let balance = block_on(
        IERC20::new(w.token, &w.chain.provider)
            .balanceOf(distributor)
            .call(),
    )
    .unwrap();
    assert_eq!(balance, tokens(21_000));
    let err = w.fails(&[
        "fund",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
    ]);
    assert!(err.contains("fully funded already"), "{err}");

    let status = w.ok_json(&["status", "--deployment", rec, "--rpc-url", &url, "--json"]);
    assert_eq!(status["rounds"].as_array().unwrap().len(), 3);
    assert!(
        status["rounds"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "open")
    );
    assert_eq!(status["totalFunded"], tokens(21_000).to_string());

    let (a, b) = (
        anvil::dev_signer(2).address(),
        anvil::dev_signer(3).address(),
    );
    let round1 = w.distribution("round1.json", distributor, 1, &[(a, 4000), (b, 2500)]);
    let mut post1 = vec![
        "post",
        "--distribution",
        s(&round1),
        "--rpc-url",
        &url,
        "--uri",
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
        "--json",
    ];
    let ks = w.keystore_args();
    post1.extend(ks.iter().map(String::as_str));

    // Too early: refused with the contract's reason in words, and nothing is sent.
    let before = w.nonce(w.committee);
    let err = w.fails(&post1);
    let ends = utc(w.start + DAY);
    assert!(
        err.contains(&format!("round 1 has not ended: it ends at {ends}")),
        "{err}"
    );
    assert_eq!(w.nonce(w.committee), before, "a transaction was sent");

    w.warp(w.start + DAY + 1);
    let v = w.ok_json(&post1);
    assert!(v["tx"].as_str().unwrap().starts_with("0x"));
    let file = podium_core::DistributionFile::read(&round1).unwrap();
    let state = block_on(d.roundState(U256::from(1)).call()).unwrap();
    assert_eq!(state.root, file.root);
    assert_eq!(state.total, tokens(6500));
    assert_eq!(
        state.uri,
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json"
    );
    assert_eq!(state.status, 2, "pending");

    // Posting again is refused while a root is there; revoking frees the round.
    let err = w.fails(&post1);
    assert!(err.contains("round 1 already has root"), "{err}");
    let mut revoke = vec![
        "revoke",
        "--round",
        "1",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--json",
    ];
    revoke.extend(ks.iter().map(String::as_str));
    let v = w.ok_json(&revoke);
    // The shared delivery result: the command's fields, then the transaction and its block.
    assert_eq!(v["mode"], "sent");
    assert_eq!(v["round"], 1);
    assert_eq!(v["revokedRoot"], file.root.to_string());
    assert!(v["tx"].as_str().unwrap().starts_with("0x"), "{v}");
    assert!(v["block"].as_u64().is_some_and(|b| b > 0), "{v}");
    let state = block_on(d.roundState(U256::from(1)).call()).unwrap();
    assert_eq!(
        (state.status, state.revocations),
        (1, U256::from(1)),
        "ended, revoked once"
    );
    w.ok_json(&post1);

    // Claim one leaf on-chain so status has something to count.
    w.warp(w.start + DAY + 2 + 3600);
    let claim = file.claim(&a).unwrap();
    let call = PodiumDistributor::claimCall {
        round: U256::from(1),
        index: U256::from(claim.index),
        account: a,
        amount: claim.amount.0,
        proof: claim.proof.clone(),
    };
    let opts = SendOpts::default();
    let claimer = anvil::dev_wallet(3);
    block_on(
        Sender::new(&w.chain, &claimer, &opts, |_| {}).send(&Call::new(
            distributor,
            call.abi_encode(),
            "claim",
        )),
    )
    .unwrap();

    // Round 2 pays nobody (closed with a zero root); round 3 pays one account.
    w.warp(w.start + 2 * DAY + 1);
    let round2 = w.distribution("round2.json", distributor, 2, &[]);
    let mut post2 = vec!["post", "--distribution", s(&round2), "--rpc-url", &url];
    post2.extend(ks.iter().map(String::as_str));
    w.ok(&post2);
    w.warp(w.start + 3 * DAY + 1);
    let round3 = w.distribution("round3.json", distributor, 3, &[(b, 1000)]);
    let mut post3 = vec!["post", "--distribution", s(&round3), "--rpc-url", &url];
    post3.extend(ks.iter().map(String::as_str));
    w.ok(&post3);

    // Too early to sweep: every root must be valid first.
    let err = w.fails(&[
        "sweep",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
    ]);
    assert!(err.contains("round 3 has no valid root yet"), "{err}");

    w.warp(w.start + 3 * DAY + 2 + 3600);
    let status = w.ok_json(&["status", "--deployment", rec, "--rpc-url", &url, "--json"]);
    let r = status["rounds"].as_array().unwrap();
    assert_eq!(r[0]["state"], "valid");
    assert_eq!(r[0]["revocations"], 1);
    assert_eq!(r[0]["claimed"], tokens(4000).to_string());
    assert_eq!(r[1]["state"], "valid");
    assert_eq!(r[1]["total"], "0");
    assert_eq!(r[2]["claimed"], "0");
    assert_eq!(status["totalAllocated"], tokens(7500).to_string());
    assert_eq!(status["owed"], tokens(3500).to_string());
    assert_eq!(status["sweepable"], tokens(13_500).to_string());
    // The table for people shows the same.
    let table = w.ok(&["status", "--deployment", rec, "--rpc-url", &url]);
    assert!(table.contains("valid (revoked ×1)"), "{table}");
    assert!(table.contains("sweepable    13500 PTT"), "{table}");

    let funder_before = block_on(
        IERC20::new(w.token, &w.chain.provider)
            .balanceOf(w.funder)
            .call(),
    )
    .unwrap();
    let v = w.ok_json(&[
        "sweep",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--private-key-env",
        FUNDER_KEY_VAR,
        "--json",
    ]);
    assert_eq!(v["amount"], tokens(13_500).to_string());
    assert_eq!(
        (&v["mode"], &v["funder"]),
        (&"sent".into(), &w.funder.to_checksum(None).into())
    );
    assert!(v["block"].as_u64().is_some_and(|b| b > 0), "{v}");
    let funder_after = block_on(
        IERC20::new(w.token, &w.chain.provider)
            .balanceOf(w.funder)
            .call(),
    )
    .unwrap();
    assert_eq!(funder_after - funder_before, tokens(13_500));
    assert_eq!(block_on(d.sweepable().call()).unwrap(), U256::ZERO);
}

#[test]
fn writes_safe_batches_whose_calldata_decodes_back_to_the_file() {
    let w = World::new();
    let url = w.node.url();
    let (record, distributor) = w.deploy();
    let rec = s(&record);
    // The funder's Safe: a stand-in (contracts/test/SafeStandIn.sol) owned by the funder's account,
    // holding the grant. `--safe` refuses anything that is not a Safe: an ordinary account, another
    // contract.
    let safe = w.safe_stand_in(&[w.funder, anvil::dev_signer(3).address()], 1);
    block_on(anvil::mint(
        &w.chain,
        &anvil::dev_wallet(0),
        w.token,
        safe,
        tokens(21_000),
    ))
    .unwrap();
    let fund_out = w.path("fund-batch.json");
    for (not_a_safe, why) in [
        (
            w.funder,
            "is not a Safe: it has no contract code on chain 31337",
        ),
        (
            w.token,
            "is a contract on chain 31337 but not a Safe: it does not answer getThreshold()",
        ),
    ] {
        let err = w.fails(&[
            "fund",
            "--deployment",
            rec,
            "--rpc-url",
            &url,
            "--safe",
            &not_a_safe.to_string(),
            "--out",
            s(&fund_out),
        ]);
        assert!(
            err.contains(&format!("{} is ", not_a_safe.to_checksum(None))) && err.contains(why),
            "{err}"
        );
        assert!(!fund_out.exists());
    }
    let said = w.ok(&[
        "fund",
        "--deployment",
        rec,
        "--rpc-url",
        &url,
        "--safe",
        &safe.to_string(),
        "--out",
        s(&fund_out),
    ]);
    assert!(
        said.contains(&format!(
            "1 of its 2 owners must sign: {}, {}",
            w.funder.to_checksum(None),
            anvil::dev_signer(3).address().to_checksum(None)
        )),
        "{said}"
    );
    let batch: Value = serde_json::from_str(&std::fs::read_to_string(&fund_out).unwrap()).unwrap();
    assert_eq!(batch["version"], "1.0");
    assert_eq!(batch["chainId"], "31337");
    assert_eq!(
        batch["meta"]["createdFromSafeAddress"],
        safe.to_checksum(None)
    );
    assert_eq!(
        batch["meta"]["checksum"],
        podium_chain::safe::checksum(&batch)
    );
    let txs = batch["transactions"].as_array().unwrap();
    assert_eq!(txs.len(), 2);
    assert_eq!(txs[0]["to"], w.token.to_checksum(None));
    assert_eq!(txs[0]["contractMethod"]["name"], "approve");
    assert_eq!(txs[1]["to"], distributor.to_checksum(None));
    assert_eq!(txs[1]["contractMethod"]["name"], "fund");
    assert_eq!(
        txs[1]["contractInputsValues"]["amount"],
        tokens(21_000).to_string()
    );
    let fund_data =
        podium_chain::alloy::hex::decode(txs[1]["data"].as_str().unwrap().trim_start_matches("0x"))
            .unwrap();
    assert_eq!(
        PodiumDistributor::fundCall::abi_decode(&fund_data)
            .unwrap()
            .amount,
        tokens(21_000)
    );
    // Nothing was sent.
    assert_eq!(
        block_on(w.distributor(distributor).totalFunded().call()).unwrap(),
        U256::ZERO
    );
    // Execute the batch as the Safe would, through the stand-in, by its owner.
    w.execute_batch(safe, &anvil::dev_wallet(1), txs);
    assert_eq!(
        block_on(w.distributor(distributor).totalFunded().call()).unwrap(),
        tokens(21_000)
    );

    // The committee hands over to its Safe (a 2-of-3 stand-in): proposed by account 0, accepted by
    // the Safe. A post batch for any other Safe then fails the checks.
    let owners = [
        w.committee,
        Address::repeat_byte(0x44),
        Address::repeat_byte(0x55),
    ];
    let committee_safe = w.safe_stand_in(&owners, 2);
    let committee_wallet = anvil::dev_wallet(0);
    let opts = SendOpts::default();
    let sender = Sender::new(&w.chain, &committee_wallet, &opts, |_| {});
    let propose = PodiumDistributor::proposeCommitteeCall {
        proposed: committee_safe,
    }
    .abi_encode();
    block_on(sender.send(&Call::new(distributor, propose, "proposeCommittee"))).unwrap();
    let accept = PodiumDistributor::acceptCommitteeCall {}.abi_encode();
    w.execute_batch(
        committee_safe,
        &committee_wallet,
        &[serde_json::json!({
            "to": distributor.to_checksum(None),
            "data": podium_chain::alloy::primitives::Bytes::from(accept).to_string(),
        })],
    );
    assert_eq!(
        block_on(w.distributor(distributor).committee().call()).unwrap(),
        committee_safe
    );
    w.warp(w.start + DAY + 1);
    let a = anvil::dev_signer(2).address();
    let round1 = w.distribution("round1.json", distributor, 1, &[(a, 3000)]);
    let out = w.path("post-batch.json");
    let err = w.fails(&[
        "post",
        "--distribution",
        s(&round1),
        "--rpc-url",
        &url,
        "--safe",
        &safe.to_string(),
        "--out",
        s(&out),
    ]);
    assert!(
        err.contains(&format!("{} is not the committee", safe.to_checksum(None))),
        "{err}"
    );
    assert!(!out.exists());

    let committee = committee_safe.to_string();
    let said = w.ok(&[
        "post",
        "--distribution",
        s(&round1),
        "--rpc-url",
        &url,
        "--uri",
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
        "--safe",
        &committee,
        "--out",
        s(&out),
    ]);
    let who: Vec<String> = owners.iter().map(|o| o.to_checksum(None)).collect();
    assert!(
        said.contains(&format!("2 of its 3 owners must sign: {}", who.join(", "))),
        "{said}"
    );
    let batch: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let file = podium_core::DistributionFile::read(&round1).unwrap();
    assert_eq!(batch["version"], "1.0");
    assert_eq!(batch["chainId"], "31337");
    assert!(
        batch["createdAt"].as_u64().unwrap() > 1_600_000_000_000,
        "milliseconds"
    );
    assert_eq!(
        batch["meta"]["createdFromSafeAddress"],
        committee_safe.to_checksum(None)
    );
    assert_eq!(
        batch["meta"]["txBuilderVersion"],
        podium_chain::safe::TX_BUILDER_VERSION
    );
    assert_eq!(
        batch["meta"]["checksum"],
        podium_chain::safe::checksum(&batch)
    );
    let tx = &batch["transactions"][0];
    assert_eq!(batch["transactions"].as_array().unwrap().len(), 1);
    assert_eq!(tx["to"], distributor.to_checksum(None));
    assert_eq!(tx["value"], "0");
    assert_eq!(tx["contractMethod"]["name"], "postRoot");
    assert_eq!(tx["contractMethod"]["payable"], false);
    let inputs: Vec<(&str, &str)> = tx["contractMethod"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].as_str().unwrap(), i["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("round", "uint256"),
            ("root", "bytes32"),
            ("total", "uint256"),
            ("uri", "string")
        ]
    );
    let values = &tx["contractInputsValues"];
    assert_eq!(values["round"], "1");
    assert_eq!(values["root"], file.root.to_string());
    assert_eq!(values["total"], tokens(3000).to_string());
    assert_eq!(
        values["uri"],
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json"
    );
    let data =
        podium_chain::alloy::hex::decode(tx["data"].as_str().unwrap().trim_start_matches("0x"))
            .unwrap();
    let decoded = PodiumDistributor::postRootCall::abi_decode(&data).unwrap();
    assert_eq!(
        (decoded.round, decoded.root, decoded.total),
        (U256::from(1), file.root, file.total.0)
    );
    assert_eq!(
        decoded.uri,
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json"
    );

    // --calldata prints the same call for any other multisig.
    let v = w.ok_json(&[
        "post",
        "--distribution",
        s(&round1),
        "--rpc-url",
        &url,
        "--uri",
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
        "--calldata",
        "--json",
    ]);
    assert_eq!(v["to"], distributor.to_checksum(None));
    assert_eq!(v["data"], tx["data"]);
    let raw = w.ok(&[
        "post",
        "--distribution",
        s(&round1),
        "--rpc-url",
        &url,
        "--uri",
        "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
        "--calldata",
    ]);
    assert_eq!(raw.trim(), tx["data"].as_str().unwrap());
    // Neither wrote anything on-chain.
    assert_eq!(
        block_on(w.distributor(distributor).roundState(U256::from(1)).call())
            .unwrap()
            .status,
        1
    );
}

#[test]
fn refuses_wrong_chains_wrong_files_and_wrong_passwords() {
    let w = World::new();
    let url = w.node.url();
    let (record, distributor) = w.deploy();
    let rec = s(&record);

    // A node on another chain than the record (or --chain) says.
    let other = Anvil::builder().chain_id(42_161).spawn();
    let err = w.fails(&["status", "--deployment", rec, "--rpc-url", &other.url()]);
    assert!(
        err.contains("is on chain 42161, but chain 31337 was expected"),
        "{err}"
    );
    let err = w.fails(&[
        "status",
        "--distributor",
        &distributor.to_string(),
        "--rpc-url",
        &url,
        "--chain",
        "1",
    ]);
    assert!(
        err.contains("is on chain 31337, but chain 1 was expected"),
        "{err}"
    );
    // A program file for another chain is refused before anything is sent.
    std::fs::remove_file(&record).unwrap();
    let config = w.write_program(42_161);
    let before = w.nonce(w.committee);
    let mut deploy = vec!["deploy", "--config", s(&config), "--rpc-url", &url];
    let ks = w.keystore_args();
    deploy.extend(ks.iter().map(String::as_str));
    let err = w.fails(&deploy);
    assert!(
        err.contains("chain 42161 was expected (chain_id in"),
        "{err}"
    );

    // A wrong keystore password: a clear error, nothing sent, the password not echoed.
    let config = w.write_program(31_337);
    std::fs::write(&w.password_file, format!("{WRONG_PASSWORD}\n")).unwrap();
    let mut deploy = vec!["deploy", "--config", s(&config), "--rpc-url", &url];
    deploy.extend(ks.iter().map(String::as_str));
    let err = w.fails(&deploy);
    assert!(err.contains("wrong password for keystore"), "{err}");
    assert_eq!(w.nonce(w.committee), before, "a transaction was sent");
    std::fs::write(&w.password_file, format!("{PASSWORD}\n")).unwrap();
    // A key variable that holds garbage is named, its content is not.
    let err = w
        .podium()
        .env("PODIUM_BAD_KEY", "0xnot-a-key-at-all")
        .args([
            "deploy",
            "--config",
            s(&config),
            "--rpc-url",
            &url,
            "--private-key-env",
            "PODIUM_BAD_KEY",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&err.stderr);
    assert!(
        text.contains("PODIUM_BAD_KEY does not hold a private key")
            && !text.contains("not-a-key-at-all"),
        "{text}"
    );

    // A distribution file for another distributor.
    let (record, distributor) = w.deploy();
    let elsewhere = Address::repeat_byte(0x42);
    let foreign = w.distribution("foreign.json", elsewhere, 1, &[(w.funder, 10)]);
    let mut post = vec![
        "post",
        "--distribution",
        s(&foreign),
        "--deployment",
        s(&record),
        "--rpc-url",
        &url,
    ];
    post.extend(ks.iter().map(String::as_str));
    let err = w.fails(&post);
    assert!(
        err.contains(&format!(
            "is for distributor {}",
            elsewhere.to_checksum(None)
        )) && err.contains(&format!(
            "names distributor {}",
            distributor.to_checksum(None)
        )),
        "{err}"
    );
    // Without --deployment, the file's own address is checked on the chain.
    let mut post = vec!["post", "--distribution", s(&foreign), "--rpc-url", &url];
    post.extend(ks.iter().map(String::as_str));
    let err = w.fails(&post);
    assert!(err.contains("there is no contract at"), "{err}");
}

#[test]
fn gives_up_quickly_and_clearly_when_nothing_listens() {
    let w = World::new();
    let port = anvil::free_port();
    let url = format!("http://127.0.0.1:{port}/v2/SECRET_API_KEY");
    let started = Instant::now();
    let err = w.fails(&[
        "status",
        "--distributor",
        &Address::repeat_byte(1).to_string(),
        "--rpc-url",
        &url,
    ]);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        err.contains("eth_chainId") && err.contains("gave up after 4 attempts"),
        "{err}"
    );
    assert!(err.contains(&format!("http://127.0.0.1:{port}/…")), "{err}");
    assert!(!err.contains("SECRET_API_KEY"), "{err}");
}

/// `podium status | head` crashed with "Broken pipe" and a backtrace; `verify` with a node and the
/// deployment checks the chain id, the distributor and the token's decimals.
#[test]
fn status_into_a_closed_pipe_and_verify_against_the_chain() {
    let w = World::new();
    let url = w.node.url();
    let (record, distributor) = w.deploy();
    let rec = s(&record);

    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("podium"))
        .env_remove("ETH_RPC_URL")
        .args(["status", "--deployment", rec, "--rpc-url", &url])
        .stdout(std::process::Stdio::from(writer))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(141));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "quietly");

    let a = anvil::dev_signer(2).address();
    let file = w.distribution("round1.json", distributor, 1, &[(a, 3000)]);
    let verify = |file: &Path| {
        let out = w
            .run(&[
                "verify",
                "--distribution",
                s(file),
                "--deployment",
                rec,
                "--rpc-url",
                &url,
            ])
            .stdout;
        String::from_utf8(out).unwrap()
    };
    let said = verify(&file);
    assert!(said.starts_with("match: round 1"), "{said}");
    assert!(
        said.contains("checked: the chain id and the distributor"),
        "{said}"
    );
    assert!(
        said.contains("checked: the decimals against the token's decimals()"),
        "{said}"
    );

    let text = std::fs::read_to_string(&file).unwrap();
    let edited = w.path("edited.json");
    let verify_edit = |from: &str, to: &str| {
        std::fs::write(&edited, text.replacen(from, to, 1)).unwrap();
        verify(&edited).trim().to_owned()
    };
    assert_eq!(
        verify_edit("\"decimals\": 18", "\"decimals\": 19"),
        format!(
            "difference: decimals is 19 but the token {} has 18, so every amount in it reads 10 \
             times too small",
            w.token.to_checksum(None)
        )
    );
    assert_eq!(
        verify_edit("\"chainId\": 31337", "\"chainId\": 42161"),
        "difference: chainId is 42161 but the deployment record says chain 31337"
    );
}
