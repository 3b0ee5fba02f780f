//! The metrics on the demo's three weeks, against values worked out by hand from the score files
//! (`demo/scores/week*.json`) and rules (`demo/rules/round*.toml`): thresholds 0.3, pools of
//! 0.333 × 7000 = 2331 LPT per region, Livepeer Inc.'s 0x3e2b…db93 excluded, a cap of 450 LPT.

use std::path::PathBuf;

use alloy_primitives::{U256, address};
use podium_core::{ScoreSet, allocate, parse_address};

use super::*;

fn demo(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(path)
}

fn demo_metrics() -> Vec<RoundMetrics> {
    let mut loaded = Vec::new();
    for n in 1..=3 {
        let rules = Rules::from_file(&demo(&format!("rules/round{n}.toml"))).unwrap();
        let scores = ScoreSet::from_files(&[demo(&format!("scores/week{n}.json"))]).unwrap();
        let allocation = allocate(&rules, &scores).unwrap();
        loaded.push((rules, allocation));
    }
    let pairs: Vec<_> = loaded.iter().map(|(r, a)| (r, a)).collect();
    program(&pairs).unwrap()
}

fn lpt_tenths(n: u64) -> U256 {
    U256::from(n) * U256::from(10u64).pow(U256::from(17))
}

fn region<'a>(m: &'a RoundMetrics, code: &str) -> &'a RegionMetrics {
    m.regions
        .iter()
        .find(|r| r.region.as_str() == code)
        .unwrap()
}

#[test]
fn threshold_counts_and_first_seen_per_round() {
    let rounds = demo_metrics();
    // (scored, met overall, new, [met FRA, MDW, SIN], [new FRA, MDW, SIN])
    let expected = [
        (30, 23, 30, [10, 9, 10], [30, 30, 30]),
        // Week 2: SIN's broker had a bad week (nobody at 0.3 but the excluded account), and
        // 0x7d86…9dc6 (anvil account 39) appears for the first time, scored in all three regions.
        (31, 19, 1, [10, 12, 0], [1, 1, 1]),
        (31, 25, 0, [11, 10, 11], [0, 0, 0]),
    ];
    for (m, (scored, met, new, per_region, new_per_region)) in rounds.iter().zip(expected) {
        assert_eq!(
            (m.scored, m.met, m.new.len()),
            (scored, met, new),
            "round {}",
            m.round
        );
        let got: Vec<usize> = ["FRA", "MDW", "SIN"]
            .iter()
            .map(|r| region(m, r).met)
            .collect();
        assert_eq!(got, per_region, "round {} met per region", m.round);
        let got: Vec<usize> = ["FRA", "MDW", "SIN"]
            .iter()
            .map(|r| region(m, r).new)
            .collect();
        assert_eq!(got, new_per_region, "round {} new per region", m.round);
        for r in &m.regions {
            assert_eq!(
                r.excluded, 1,
                "Livepeer Inc. is scored and excluded everywhere"
            );
            assert_eq!(r.scored, scored);
        }
    }
    assert_eq!(
        rounds[1].new,
        vec![parse_address("0x7d86687f980a56b832e9378952b738b614a99dc6").unwrap()]
    );
}

#[test]
fn top_five_includes_and_flags_the_excluded_account() {
    let rounds = demo_metrics();
    let livepeer = address!("3e2b450c0c499d8301146367680e067cd009db93");
    let fra = region(&rounds[0], "FRA");
    let scores: Vec<f64> = fra.top.iter().map(|t| t.score).collect();
    assert_eq!(scores, [0.955, 0.837051, 0.779159, 0.672842, 0.652]);
    assert_eq!(fra.top[0].account, livepeer);
    assert!(fra.top[0].excluded && !fra.top[0].met);
    assert!(fra.top[1..].iter().all(|t| t.met && !t.excluded));

    let sin = region(&rounds[1], "SIN");
    let scores: Vec<f64> = sin.top.iter().map(|t| t.score).collect();
    assert_eq!(scores, [0.9383, 0.214588, 0.214117, 0.192244, 0.1374]);
    assert!(
        sin.top.iter().all(|t| !t.met),
        "nobody met 0.3 in SIN in week 2"
    );
}

#[test]
fn round_one_money_per_region_with_the_cap_attributed() {
    let m = &demo_metrics()[0];
    // Equal split: MDW 2331 / 9 = 259 LPT each, FRA and SIN 2331 / 10 = 233.1 LPT each. Five accounts
    // earn more than the 450 cap (in tenths of LPT, regions in code order FRA, MDW, SIN):
    //   0xBcd4…4096 and 0x86c5…ac18: FRA 2331 + MDW 2590 = 4921, cut 421;
    //   0x87bd…8b5e: MDW 2590 + SIN 2331 = 4921, cut 421;
    //   0x11e8…1a1C: FRA 2331 + MDW 2590 + SIN 2331 = 7252, cut 2752;
    //   0x1cbd…c9ec: FRA 2331 + SIN 2331 = 4662, cut 162 (81 each).
    // Each cut is split in proportion (floored in wei), the last region taking the remainder.
    let share =
        |cut: u64, part: u64, whole: u64| lpt_tenths(cut) * U256::from(part) / U256::from(whole);
    let fra_of_421 = share(421, 2331, 4921);
    let mdw_of_421 = share(421, 2590, 4921);
    let fra_of_2752 = share(2752, 2331, 7252);
    let mdw_of_2752 = share(2752, 2590, 7252);
    let cut_fra = fra_of_421 * U256::from(2) + fra_of_2752 + lpt_tenths(81);
    let cut_mdw = (lpt_tenths(421) - fra_of_421) * U256::from(2) + mdw_of_421 + mdw_of_2752;
    let cut_sin = (lpt_tenths(421) - mdw_of_421)
        + (lpt_tenths(2752) - fra_of_2752 - mdw_of_2752)
        + lpt_tenths(81);
    let pool = lpt_tenths(23310);
    for (code, cut) in [("FRA", cut_fra), ("MDW", cut_mdw), ("SIN", cut_sin)] {
        let r = region(m, code);
        assert_eq!(r.pool, pool, "{code}");
        assert_eq!(
            r.split, pool,
            "{code}: an equal split of 2331 among 9 or 10 leaves no dust"
        );
        assert_eq!(r.cut_by_cap, cut, "{code}");
        assert_eq!(r.below_minimum, U256::ZERO);
        assert_eq!(r.paid, pool - cut, "{code}");
        assert_eq!(r.unallocated, cut, "{code}");
    }
    // 3 × 2331 − (3 × 42.1 + 275.2 + 16.2) = 6575.3 LPT paid; 7000 − 6993 = 7 LPT in no pool.
    assert_eq!(m.paid, lpt_tenths(65753));
    assert_eq!(m.unallocated, lpt_tenths(4247));
    assert_eq!(m.outside_pools, lpt_tenths(70));
    assert_eq!(m.recipients, 23);
}

#[test]
fn a_region_nobody_qualifies_in_leaves_its_pool_unallocated() {
    let m = &demo_metrics()[1];
    let sin = region(m, "SIN");
    assert_eq!((sin.split, sin.paid), (U256::ZERO, U256::ZERO));
    assert_eq!(sin.unallocated, lpt_tenths(23310));
    let paid: U256 = m.regions.iter().map(|r| r.paid).sum();
    assert_eq!(paid, m.paid);
    assert_eq!(m.unallocated, m.budget - m.paid);
}

#[test]
fn top_n_places_and_the_minimum_payout() {
    // FRA: top 2 prizes among three who met 0.3 (the third still met the threshold); MDW: an equal
    // split whose 1-token shares fall under a 2-token minimum and are dropped.
    let rules = Rules::from_bytes(
        std::path::Path::new("rules.toml"),
        br#"
round = 1
budget = "100"
threshold = 0.3
min_payout = "2"
[split]
method = "equal"
[pools.FRA]
amount = "60"
split = { method = "top_n", weights = [2, 1] }
[pools.MDW]
amount = "3"
"#,
    )
    .unwrap();
    let mut scores = ScoreSet::new();
    let s = |score| podium_core::scores::Score {
        score,
        success_rate: None,
        round_trip_score: None,
    };
    let fra = podium_core::Region::parse("FRA").unwrap();
    let mdw = podium_core::Region::parse("MDW").unwrap();
    for (i, score) in [0.9, 0.8, 0.5, 0.1].into_iter().enumerate() {
        scores
            .insert(fra.clone(), Address::repeat_byte(i as u8 + 1), s(score))
            .unwrap();
    }
    for i in 0..3u8 {
        scores
            .insert(mdw.clone(), Address::repeat_byte(0x10 + i), s(0.7))
            .unwrap();
    }
    let allocation = allocate(&rules, &scores).unwrap();
    let m = round(&rules, &allocation, &BTreeSet::new()).unwrap();
    let one = U256::from(10u64).pow(U256::from(18));
    let fra = region(&m, "FRA");
    assert_eq!((fra.scored, fra.met), (4, 3));
    assert_eq!(fra.paid, U256::from(60u8) * one, "40 + 20");
    let mdw = region(&m, "MDW");
    assert_eq!(
        (mdw.met, mdw.split, mdw.below_minimum),
        (3, U256::from(3u8) * one, U256::from(3u8) * one)
    );
    assert_eq!(
        (mdw.paid, mdw.unallocated),
        (U256::ZERO, U256::from(3u8) * one)
    );
    assert_eq!(m.met, 6);
    assert_eq!(m.outside_pools, U256::from(37u8) * one);
    assert_eq!(m.paid, U256::from(60u8) * one);
}
