//! Gas of claiming several rounds in one transaction (what `podium-claim` sends) against one
//! transaction per round, measured as whole transactions on a real anvil.
//!
//! Run: `tools/claim-gas-bench.sh` (or `cargo run -p podium-claim --example claim_gas_bench`).
//!
//! Setup: a distributor with 10 weekly rounds, each a 128-leaf tree (podium-core) paying the same
//! accounts. Every measured account already holds some of the token, and another account has
//! claimed in every round first, so each claim writes to a bitmap word that is already non-zero:
//! the usual case once a round is under way. Each scenario uses its own account.

use podium_chain::{
    SendOpts, Sender, Wallet,
    alloy::{
        primitives::{Address, U256},
        providers::Provider,
        signers::local::PrivateKeySigner,
        sol_types::SolCall,
    },
    anvil::{self, Anvil, DistributorParams},
    bindings::{PodiumDistributor, TestToken},
    send::Call,
};
use podium_claim::{
    claim::batch_call,
    plan::{AccountLeaf, RoundPlan, Status},
};
use podium_core::{Leaf, StandardTree};

const DAY: u64 = 86_400;
const ROUNDS: u64 = 10;
const LEAVES: usize = 128;

fn wallet(seed: u8) -> Wallet {
    let mut key = [0u8; 32];
    key[31] = seed;
    key[0] = 0x5e;
    Wallet::from_signer(
        PrivateKeySigner::from_slice(&key).expect("valid key"),
        format!("bench account {seed}"),
    )
}

async fn send(chain: &podium_chain::Chain, from: &Wallet, call: Call) -> u64 {
    let opts = SendOpts {
        timeout: 30,
        ..SendOpts::default()
    };
    let what = call.what.clone();
    Sender::new(chain, from, &opts, |_| {})
        .send(&call)
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .receipt
        .gas_used
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let node = Anvil::spawn();
    let chain = node.chain().await;
    let committee = anvil::dev_wallet(0);
    let token = anvil::deploy_test_token(&chain, &committee)
        .await
        .expect("anvil::deploy_test_token");
    let now = chain.now().await.expect("now");
    let budget = U256::from(10u64).pow(U256::from(22));
    let params = DistributorParams {
        token,
        funder: committee.address(),
        committee: committee.address(),
        timeline: anvil::Timeline {
            start: now + 100,
            round_duration: 7 * DAY,
            round_count: ROUNDS,
            root_delay: DAY,
            claim_window: 90 * DAY,
        },
        round_budget: budget,
    };
    let distributor = anvil::deploy_distributor(&chain, &committee, &params)
        .await
        .expect("anvil::deploy_distributor");
    let funding = budget * U256::from(ROUNDS);
    anvil::mint(&chain, &committee, token, committee.address(), funding)
        .await
        .expect("anvil::mint");
    let approve = TestToken::approveCall {
        spender: distributor,
        value: funding,
    };
    send(
        &chain,
        &committee,
        Call::new(token, approve.abi_encode(), "approve"),
    )
    .await;
    let fund = PodiumDistributor::fundCall { amount: funding };
    send(
        &chain,
        &committee,
        Call::new(distributor, fund.abi_encode(), "fund"),
    )
    .await;

    // Scenario accounts: 0..3 batch 1 / 3 / 10 rounds, 3..6 claim 1 / 3 / 10 rounds one
    // transaction each, and 6 claims first in every round. They need gas.
    let wallets: Vec<Wallet> = (1..=7).map(wallet).collect();
    for w in &wallets {
        let _: serde_json::Value = chain
            .provider
            .raw_request(
                "anvil_setBalance".into(),
                (w.address(), U256::from(10u64).pow(U256::from(20))),
            )
            .await
            .expect("anvil_setBalance");
        // Already holds the token, as most orchestrators do.
        anvil::mint(&chain, &committee, token, w.address(), U256::from(1))
            .await
            .expect("anvil::mint");
    }
    let mut accounts: Vec<Address> = wallets.iter().map(Wallet::address).collect();
    accounts.extend((0..LEAVES - wallets.len()).map(|i| {
        let mut a = [0x77u8; 20];
        a[18] = (i >> 8) as u8;
        a[19] = i as u8;
        Address::from(a)
    }));
    accounts.sort();

    // Post and validate every round.
    let mut trees = Vec::new();
    for round in 1..=ROUNDS {
        let leaves: Vec<Leaf> = accounts
            .iter()
            .enumerate()
            .map(|(i, &account)| Leaf {
                round,
                index: i as u64,
                account,
                amount: U256::from(10u64).pow(U256::from(18)) * U256::from(i as u64 + 1),
            })
            .collect();
        let total = leaves.iter().map(|l| l.amount).sum();
        let tree = StandardTree::of(leaves).expect("tree");
        anvil::warp(
            &chain,
            params.timeline.start + round * params.timeline.round_duration,
        )
        .await
        .expect("anvil::warp");
        let post = PodiumDistributor::postRootCall {
            round: U256::from(round),
            root: tree.root(),
            total,
            uri: String::new(),
        };
        send(
            &chain,
            &committee,
            Call::new(distributor, post.abi_encode(), "postRoot"),
        )
        .await;
        trees.push(tree);
    }
    let last = chain.now().await.expect("now");
    anvil::warp(&chain, last + DAY + 1)
        .await
        .expect("anvil::warp");

    let plan_of = |account: Address, round: u64| -> RoundPlan {
        let tree = &trees[round as usize - 1];
        let i = tree
            .values()
            .iter()
            .position(|v| v.account == account)
            .expect("paid");
        RoundPlan {
            round,
            source: String::new(),
            leaf: Some(AccountLeaf {
                index: i as u64,
                amount: tree.values()[i].amount,
                proof: tree.proof(i),
            }),
            status: Status::Claimable,
            reason: String::new(),
            tx: None,
            claimable_from: None,
        }
    };
    let batch = |w: &Wallet, rounds: u64| {
        let plans: Vec<RoundPlan> = (1..=rounds).map(|r| plan_of(w.address(), r)).collect();
        let refs: Vec<&RoundPlan> = plans.iter().collect();
        batch_call(distributor, w.address(), None, &refs)
    };
    let single = |w: &Wallet, round: u64| {
        let p = plan_of(w.address(), round);
        let leaf = p.leaf.expect("paid");
        let call = PodiumDistributor::claimCall {
            round: U256::from(round),
            index: U256::from(leaf.index),
            account: w.address(),
            amount: leaf.amount,
            proof: leaf.proof,
        };
        Call::new(
            distributor,
            call.abi_encode(),
            format!("claim(round {round})"),
        )
    };

    // Someone claims first in every round, so every measured claim finds its bitmap word in use.
    let first = &wallets[6];
    send(&chain, first, batch(first, ROUNDS)).await;

    println!(
        "Gas of claiming N rounds: one claimMany transaction (what podium-claim sends) vs one claim transaction per round."
    );
    println!(
        "{LEAVES}-leaf trees; the account already holds the token; each round's bitmap word already in use.\n"
    );
    println!(
        "| rounds | one claimMany tx | per round | one claim tx per round | per round | saved |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for (k, rounds) in [1u64, 3, 10].into_iter().enumerate() {
        let batched = send(&chain, &wallets[k], batch(&wallets[k], rounds)).await;
        let mut separate = 0;
        for r in 1..=rounds {
            separate += send(&chain, &wallets[3 + k], single(&wallets[3 + k], r)).await;
        }
        let saved = 100.0 * (separate as f64 - batched as f64) / separate as f64;
        println!(
            "| {rounds} | {batched} | {} | {separate} | {} | {saved:.0}% |",
            batched / rounds,
            separate / rounds
        );
    }
}
