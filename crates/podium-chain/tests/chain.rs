//! The chain layer against a real anvil: connecting, retries, wallets, simulation with decoded
//! reverts, sending, and fee-bumped replacement of a stuck transaction.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, B256, U256},
    providers::Provider,
    sol_types::SolCall,
};
use podium_chain::{
    Error, RpcOpts, SendOpts, Sender, WalletOpts,
    anvil::{self, Anvil, DistributorParams},
    bindings::{PodiumDistributor, TestToken},
    send::Call,
};

const DAY: u64 = 86_400;

#[tokio::test]
async fn connects_and_checks_the_chain_id() {
    let node = Anvil::builder().chain_id(4242).spawn();
    let chain = node.chain().await;
    assert_eq!(chain.chain_id, 4242);

    let mut opts = RpcOpts::for_url(node.url());
    opts.chain = Some(42161);
    let err = opts.connect().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChainIdMismatch {
                expected: 42161,
                actual: 4242,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("is on chain 4242, but chain 42161 was expected"),
        "{err}"
    );
}

#[tokio::test]
async fn gives_up_quickly_when_nothing_listens() {
    let port = anvil::free_port();
    let mut opts = RpcOpts::for_url(format!("http://127.0.0.1:{port}/v2/SECRET_API_KEY"));
    opts.rpc_retries = 3;
    opts.rpc_backoff = 100;
    let started = Instant::now();
    let err = opts.connect().await.unwrap_err().to_string();
    let took = started.elapsed();
    // 100 + 200 + 400 ms of backoff, then the error.
    assert!(
        took >= Duration::from_millis(700),
        "gave up too early: {took:?}"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(err.contains("gave up after 4 attempts"), "{err}");
    assert!(err.contains("eth_chainId"), "{err}");
    assert!(
        !err.contains("SECRET_API_KEY"),
        "the URL's key leaked: {err}"
    );
}

#[tokio::test]
async fn loads_keystores_and_refuses_a_wrong_password() {
    let dir = tempfile::tempdir().unwrap();
    let signer = anvil::dev_signer(1);
    let password = "correct horse battery staple";
    anvil::write_keystore(dir.path(), &signer, password);
    // A second key in the same directory, as go-livepeer's keystore/ may hold.
    anvil::write_keystore(dir.path(), &anvil::dev_signer(2), "other");
    let pw_file = dir.path().join(".password");
    std::fs::write(&pw_file, format!("{password}\n")).unwrap();

    let mut opts = WalletOpts {
        keystore: Some(dir.path().to_owned()),
        password_file: Some(pw_file.clone()),
        private_key_env: None,
        from: None,
    };
    let err = opts.load().await.unwrap_err().to_string();
    assert!(err.contains("pick one with --from"), "{err}");

    opts.from = Some(signer.address());
    let wallet = opts.load().await.unwrap();
    assert_eq!(wallet.address(), signer.address());
    assert!(!format!("{wallet:?}").contains(&hex::encode(signer.to_bytes())));

    std::fs::write(&pw_file, "wrong password\n").unwrap();
    let err = opts.load().await.unwrap_err();
    assert!(matches!(err, Error::WrongPassword { .. }), "{err}");
    assert!(!err.to_string().contains("wrong password\n"));
}

#[tokio::test]
async fn reads_a_private_key_from_the_environment_only() {
    // SAFETY: this test is the only one touching this variable.
    unsafe { std::env::set_var("PODIUM_TEST_KEY_A", anvil::DEV_KEYS[3]) };
    let opts = WalletOpts {
        private_key_env: Some("PODIUM_TEST_KEY_A".into()),
        ..Default::default()
    };
    assert_eq!(
        opts.load().await.unwrap().address(),
        anvil::dev_signer(3).address()
    );

    unsafe { std::env::set_var("PODIUM_TEST_KEY_B", "0x1234") };
    let opts = WalletOpts {
        private_key_env: Some("PODIUM_TEST_KEY_B".into()),
        ..Default::default()
    };
    let err = opts.load().await.unwrap_err().to_string();
    assert!(
        err.contains("PODIUM_TEST_KEY_B does not hold a private key"),
        "{err}"
    );
    assert!(!err.contains("1234"), "{err}");
}

#[tokio::test]
async fn refuses_a_reverting_call_with_the_reason_in_words_and_sends_nothing() {
    let node = Anvil::spawn();
    let chain = node.chain().await;
    let committee = anvil::dev_wallet(0);
    let token = anvil::deploy_test_token(&chain, &committee)
        .await
        .expect("anvil::deploy_test_token");
    let now = chain.now().await.unwrap();
    let start = now - now % DAY + DAY; // next midnight
    let params = DistributorParams {
        token,
        funder: committee.address(),
        committee: committee.address(),
        timeline: anvil::Timeline {
            start,
            round_duration: 7 * DAY,
            round_count: 3,
            root_delay: DAY,
            claim_window: 30 * DAY,
        },
        round_budget: U256::from(10u64).pow(U256::from(21)),
    };
    let distributor = anvil::deploy_distributor(&chain, &committee, &params)
        .await
        .expect("anvil::deploy_distributor");
    let nonce_before = chain
        .provider
        .get_transaction_count(committee.address())
        .await
        .unwrap();

    let opts = SendOpts::default();
    let sender = Sender::new(&chain, &committee, &opts, |_| {});
    let call = PodiumDistributor::postRootCall {
        round: U256::from(1),
        root: B256::repeat_byte(1),
        total: U256::from(1),
        uri: String::new(),
    };
    let err = sender
        .send(&Call::new(
            distributor,
            call.abi_encode(),
            "postRoot(round 1)",
        ))
        .await
        .unwrap_err();
    let ends = podium_chain::time::utc(start + 7 * DAY);
    assert_eq!(
        err.to_string(),
        format!(
            "postRoot(round 1) would revert, so nothing was sent: round 1 has not ended: it ends at {ends}"
        )
    );
    let nonce_after = chain
        .provider
        .get_transaction_count(committee.address())
        .await
        .unwrap();
    assert_eq!(nonce_before, nonce_after, "a transaction was sent");
}

#[tokio::test]
async fn replaces_a_stuck_transaction_with_higher_fees() {
    let node = Anvil::spawn();
    let chain = node.chain().await;
    let wallet = anvil::dev_wallet(0);
    let token = anvil::deploy_test_token(&chain, &wallet)
        .await
        .expect("anvil::deploy_test_token");
    anvil::set_automine(&chain, false).await;

    let messages = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = messages.clone();
    let opts = SendOpts {
        timeout: 1,
        max_replacements: 3,
        ..SendOpts::default()
    };
    let recipient = Address::repeat_byte(7);
    let data = TestToken::mintCall {
        to: recipient,
        amount: U256::from(5),
    }
    .abi_encode();
    let task = {
        let chain = chain.clone();
        let wallet = wallet.clone();
        tokio::spawn(async move {
            let sender = Sender::new(&chain, &wallet, &opts, move |m| {
                log.lock().unwrap().push(m.to_owned())
            });
            sender.send(&Call::new(token, data, "mint")).await
        })
    };
    // Let the first transaction time out and be replaced once, then mine.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !messages
        .lock()
        .unwrap()
        .iter()
        .any(|m| m.starts_with("replaced mint"))
    {
        assert!(
            Instant::now() < deadline,
            "no replacement was sent: {:?}",
            messages.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anvil::mine(&chain).await.expect("anvil::mine");
    let sent = task.await.unwrap().unwrap();
    assert!(sent.hashes.len() >= 2, "{:?}", sent.hashes);
    assert_eq!(
        sent.hash,
        *sent.hashes.last().unwrap(),
        "the replacement is what got mined"
    );
    let first = chain
        .provider
        .get_transaction_by_hash(sent.hashes[0])
        .await
        .unwrap();
    assert!(
        first.is_none(),
        "the replaced transaction should be gone from the pool"
    );
    let mined = chain
        .provider
        .get_transaction_by_hash(sent.hash)
        .await
        .unwrap()
        .unwrap();
    let m = messages.lock().unwrap().clone();
    assert!(m[0].starts_with("sent mint: tx "), "{m:?}");
    // Each replacement raises the max fee by at least 12.5 %.
    let max_fee = alloy::consensus::Transaction::max_fee_per_gas(&mined);
    let base = chain
        .provider
        .estimate_eip1559_fees()
        .await
        .unwrap()
        .max_fee_per_gas;
    assert!(
        max_fee as f64 >= base as f64 * 1.125 * 0.99,
        "max fee {max_fee} vs estimate {base}"
    );
    let balance = TestToken::new(token, &chain.provider)
        .balanceOf(recipient)
        .call()
        .await
        .unwrap();
    assert_eq!(balance, U256::from(5), "minted exactly once");
}
