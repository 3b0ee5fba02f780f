//! The views over a model with chain facts, without a node: what each view shows when staking was
//! measured, and what it says instead when no BondingManager was known (a chain other than Arbitrum
//! One without `--bonding-manager`), a case the anvil tests in `crates/podium/tests/` do not reach.
//! The facts are made by hand; reading them from a real chain is `report_chain.rs`'s part.

use std::{collections::BTreeMap, path::PathBuf};

use alloy_primitives::{Address, B256, U256};
use serde_json::Value;

use crate::{
    Request,
    chain::{Facts, FirstRegistration, Posted, Registrations},
    input::{ProgramSource, RoundInput},
    model::{Report, build_with},
    stake::{BondEvent, ClaimEvent},
};

/// 2026-12-07T00:00:00Z, the program's start: round 1 is the week after it.
const START: u64 = 1_796_601_600;
const ROUND_1_END: u64 = START + 7 * 86_400;

fn lpt(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(18))
}

fn a(n: u8) -> Address {
    Address::repeat_byte(n)
}

fn demo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(path)
}

/// The demo's first two weeks (no distribution files: the report recomputes them and warns).
fn report(facts: Facts) -> Report {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("program.toml");
    std::fs::write(
        &program,
        "chain_id = 42161\ntoken = \"0x289ba1701C2F088cf0faf8B3705246331cB8A839\"\n\
         funder = \"0x1111111111111111111111111111111111111111\"\n\
         committee = \"0x2222222222222222222222222222222222222222\"\n\
         start = 2026-12-07T00:00:00Z\nround_duration = \"7d\"\nround_count = 3\n\
         round_budget = \"7000\"\nroot_delay = \"2d\"\nclaim_window = \"90d\"\n",
    )
    .unwrap();
    let rounds = (1..=2)
        .map(|n| RoundInput {
            round: n,
            rules: demo(&format!("rules/round{n}.toml")),
            scores: vec![demo(&format!("scores/week{n}.json"))],
            distribution: None,
        })
        .collect();
    let request = Request {
        program: ProgramSource::File(program),
        rounds,
        chain: None,
        html: None,
    };
    build_with(&request, |_| Ok(Some(facts))).unwrap()
}

/// Account 1 claims 75 LPT of round 1 and bonds 50 an hour later; account 2 claims 33 LPT of round
/// 2 to a cold wallet that never bonds. Round 1's root is posted with a total of 6000 LPT. Account 5
/// first registers during round 1. With `bonding_manager` false, neither bonds nor registrations
/// were read.
fn facts(bonding_manager: bool) -> Facts {
    let claimed_at = ROUND_1_END + 3 * 86_400;
    let claims = vec![
        ClaimEvent {
            round: 1,
            account: a(1),
            recipient: a(1),
            amount: lpt(75),
            at: (10, 0),
            time: claimed_at,
            tx: B256::repeat_byte(9),
        },
        ClaimEvent {
            round: 2,
            account: a(2),
            recipient: a(7),
            amount: lpt(33),
            at: (12, 1),
            time: claimed_at + 60,
            tx: B256::repeat_byte(8),
        },
    ];
    let bonds = vec![BondEvent {
        delegator: a(1),
        additional: lpt(50),
        at: (11, 0),
        time: claimed_at + 3_600,
    }];
    let posted = BTreeMap::from([(
        1,
        Posted {
            root: B256::repeat_byte(3),
            total: lpt(6000),
            valid_at: ROUND_1_END + 2 * 86_400,
            uri: "ipfs://round-1".into(),
            tx: B256::repeat_byte(4),
            block: 7,
        },
    )]);
    let first = BTreeMap::from([(
        a(5),
        FirstRegistration {
            time: START + 100,
            at: (3, 0),
            event: "TranscoderActivated",
            tx: B256::repeat_byte(6),
        },
    )]);
    Facts {
        chain_id: 42161,
        url: "http://127.0.0.1:8545".into(),
        distributor: a(0x11),
        token: "0x289ba1701C2F088cf0faf8B3705246331cB8A839"
            .parse()
            .unwrap(),
        symbol: "LPT".into(),
        decimals: 18,
        bonding_manager: bonding_manager.then(|| a(0x13)),
        from_block: 1,
        latest_block: 99,
        now: claimed_at + 30 * 86_400,
        posted,
        revoked: BTreeMap::new(),
        claims,
        bonds: bonding_manager.then_some(bonds),
        registrations: bonding_manager.then_some(Registrations {
            from_block: 2,
            events: 1,
            first,
            refusals: 0,
        }),
        log_queries: 4,
    }
}

/// The `<svg>` of the chart with this `data-metric` and `data-round`, if the page has one.
fn chart<'a>(html: &'a str, metric: &str, round: &str) -> Option<&'a str> {
    let at = html.find(&format!(r#"data-metric="{metric}" data-round="{round}""#))?;
    let start = html[..at].rfind("<svg")?;
    let end = at + html[at..].find("</svg>")?;
    Some(&html[start..end])
}

#[test]
fn every_view_shows_the_stake_matched_to_the_claims() {
    let r = report(facts(true));
    let json = r.to_json();
    let round = |i: usize| &json["rounds"][i];
    assert_eq!(round(0)["chain"]["claimed"], lpt(75).to_string());
    assert_eq!(round(0)["chain"]["unclaimed"], lpt(6000 - 75).to_string());
    assert_eq!(round(0)["chain"]["stakedWithin7Days"], lpt(50).to_string());
    // The cold wallet never bonded: nothing of round 2 counts as staked.
    assert_eq!(round(1)["chain"]["stakedWithin7Days"], "0");
    assert_eq!(round(0)["newlyRegistered"], 1);
    assert_eq!(round(1)["newlyRegistered"], 0);
    assert_eq!(json["newlyRegisteredUnavailable"], Value::Null);

    let html = r.html();
    let staked = chart(&html, "staked", "1").expect("round 1 has a staked chart");
    assert!(staked.contains(&format!(r#"data-k="r1.staked" data-value="{}""#, lpt(50))));
    assert!(staked.contains(">50 (66.7%)</text>"), "{staked}");
    let trend = chart(&html, "trend-claims", "all").unwrap();
    assert!(trend.contains(">staked within 7 days</text>"));
    assert!(html.contains(&format!(
        r#"<td class="n" data-k="r1.staked" data-value="{}">50.00 (66.7%)</td>"#,
        lpt(50)
    )));

    let text = r.text();
    assert!(text.contains("66.7%"), "{text}");
    assert!(
        text.contains("Newly registered in round 1: 0x0505"),
        "{text}"
    );
}

#[test]
fn without_a_bonding_manager_every_view_says_stake_was_not_measured() {
    let r = report(facts(false));
    let json = r.to_json();
    for i in 0..2 {
        assert_eq!(json["rounds"][i]["chain"]["stakedWithin7Days"], Value::Null);
        assert_eq!(json["rounds"][i]["newlyRegistered"], Value::Null);
    }
    assert_eq!(json["rounds"][0]["chain"]["claimed"], lpt(75).to_string());
    assert_eq!(
        json["newlyRegisteredUnavailable"],
        "unavailable: no BondingManager (--bonding-manager)"
    );

    let html = r.html();
    assert!(chart(&html, "claims", "1").is_some());
    assert!(chart(&html, "staked", "1").is_none());
    assert!(chart(&html, "staked", "2").is_none());
    let trend = chart(&html, "trend-claims", "all").unwrap();
    assert!(trend.contains(">unclaimed</text>"));
    assert!(
        !trend.contains("staked within 7 days"),
        "a legend entry without bars: {trend}"
    );
    assert!(!html.contains(r#"data-k="r1.staked""#));
    assert!(html.contains("<td>not measured (no BondingManager)</td>"));

    let text = r.text();
    assert!(text.contains("no BondingManager"), "{text}");
    assert!(
        text.contains("Newly registered (chain): unavailable: no BondingManager"),
        "{text}"
    );
}
