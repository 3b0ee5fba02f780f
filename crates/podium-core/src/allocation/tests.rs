use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::{TokenAmount, scores::Score};

fn lpt(s: &str) -> U256 {
    TokenAmount::parse(s, 18).unwrap().units
}

fn rules(text: &str) -> Rules {
    Rules::from_bytes(Path::new("rules.toml"), text.as_bytes()).unwrap()
}

fn addr(n: u8) -> Address {
    Address::repeat_byte(n)
}

fn scores(entries: &[(&str, u8, f64)]) -> ScoreSet {
    let mut set = ScoreSet::new();
    for &(region, a, s) in entries {
        let score = Score {
            score: s,
            success_rate: None,
            round_trip_score: None,
        };
        set.insert(Region::parse(region).unwrap(), addr(a), score)
            .unwrap();
    }
    set
}

#[test]
fn equal_split_floors_and_leaves_dust() {
    let r = rules(
        "round = 1\nbudget = \"10\"\ndecimals = 0\nthreshold = 0.3\n[pools.FRA]\namount = \"10\"",
    );
    let a = allocate(
        &r,
        &scores(&[
            ("FRA", 1, 0.9),
            ("FRA", 2, 0.3),
            ("FRA", 3, 0.5),
            ("FRA", 4, 0.29),
        ]),
    )
    .unwrap();
    assert_eq!(
        a.payouts.values().copied().collect::<Vec<_>>(),
        vec![U256::from(3u8); 3]
    );
    assert_eq!(a.total, U256::from(9u8));
    assert_eq!(a.unallocated, U256::from(1u8));
    assert_eq!(
        a.regions[0].rows[3].status,
        Status::BelowThreshold { threshold: 0.3 }
    );
}

#[test]
fn proportional_split_follows_scores() {
    let r = rules(
        "round = 1\nbudget = \"1000\"\n[split]\nmethod = \"proportional\"\n[pools.FRA]\nshare = 1",
    );
    let a = allocate(&r, &scores(&[("FRA", 1, 0.75), ("FRA", 2, 0.25)])).unwrap();
    assert_eq!(a.payouts[&addr(1)], lpt("750"));
    assert_eq!(a.payouts[&addr(2)], lpt("250"));
    assert_eq!(a.unallocated, U256::ZERO);
}

#[test]
fn top_n_pays_places_and_shares_ties() {
    let r = rules(
        "round = 1\nbudget = \"100\"\ndecimals = 0\n[pools.FRA]\namount = \"100\"\nsplit = { method = \"top_n\", weights = [5, 3, 2] }",
    );
    // 1 first; 2 and 3 tie for second and third: each gets (3 + 2) / 2 of the 10 weights; 4 is out.
    let a = allocate(
        &r,
        &scores(&[
            ("FRA", 1, 0.9),
            ("FRA", 2, 0.8),
            ("FRA", 3, 0.8),
            ("FRA", 4, 0.7),
        ]),
    )
    .unwrap();
    assert_eq!(a.payouts[&addr(1)], U256::from(50u8));
    assert_eq!(a.payouts[&addr(2)], U256::from(25u8));
    assert_eq!(a.payouts[&addr(3)], U256::from(25u8));
    assert!(!a.payouts.contains_key(&addr(4)));
    assert_eq!(
        a.regions[0].rows[3].status,
        Status::OutsideTop { places: 3 }
    );
    // Fewer eligible than places: the unreached prizes stay unallocated.
    let a = allocate(&r, &scores(&[("FRA", 1, 0.9)])).unwrap();
    assert_eq!(a.total, U256::from(50u8));
}

#[test]
fn merges_regions_excludes_caps_and_drops_small_payouts() {
    let r = rules(
        "round = 4\nbudget = \"100\"\ndecimals = 0\ncap = \"40\"\nmin_payout = \"10\"\n\
         [pools.FRA]\namount = \"50\"\n[pools.MDW]\namount = \"30\"\n[pools.SIN]\namount = \"8\"\n\
         [[exclude]]\naddress = \"0x0303030303030303030303030303030303030303\"\nreason = \"team node\"",
    );
    let set = scores(&[
        ("FRA", 1, 0.9),
        ("FRA", 2, 0.9),
        ("FRA", 3, 1.0),
        ("MDW", 1, 0.9),
        ("SIN", 5, 0.9),
        ("LAX", 6, 1.0),
    ]);
    let a = allocate(&r, &set).unwrap();
    // FRA: 25 each to 1 and 2 (3 excluded); MDW: 30 to 1 -> 55, capped at 40. SIN: 8 < min -> dropped.
    assert_eq!(a.payouts[&addr(1)], U256::from(40u8));
    assert_eq!(a.payouts[&addr(2)], U256::from(25u8));
    assert_eq!(a.payouts.len(), 2);
    assert_eq!(
        a.adjustments[&addr(1)],
        Adjustment::Capped {
            before: U256::from(55u8)
        }
    );
    assert_eq!(
        a.adjustments[&addr(5)],
        Adjustment::BelowMinimum {
            amount: U256::from(8u8)
        }
    );
    assert_eq!(a.total, U256::from(65u8));
    assert_eq!(a.unallocated, U256::from(35u8));
    let lax = a
        .regions
        .iter()
        .find(|r| r.region.as_str() == "LAX")
        .unwrap();
    assert_eq!(lax.rows[0].status, Status::NoPool);
    let fra = a
        .regions
        .iter()
        .find(|r| r.region.as_str() == "FRA")
        .unwrap();
    assert_eq!(
        fra.rows[2].status,
        Status::Excluded {
            reason: "team node".into()
        }
    );
}

#[test]
fn a_pool_nobody_is_eligible_for_stays_unallocated() {
    let r = rules(
        "round = 1\nbudget = \"10\"\nthreshold = 0.5\n[pools.FRA]\nshare = 0.5\n[pools.SIN]\nshare = 0.5",
    );
    let a = allocate(&r, &scores(&[("FRA", 1, 0.4), ("FRA", 2, 0.6)])).unwrap();
    assert_eq!(a.total, lpt("5"));
    let sin = a
        .regions
        .iter()
        .find(|r| r.region.as_str() == "SIN")
        .unwrap();
    assert!(sin.rows.is_empty());
    assert_eq!(sin.allocated, U256::ZERO);
}

/// Random rounds: up to 4 regions, up to 12 accounts, any split, optional cap and minimum.
fn arb_case() -> impl Strategy<Value = (String, Vec<(u8, u8, f64)>)> {
    let split = prop_oneof![
        Just("method = \"equal\"".to_owned()),
        Just("method = \"proportional\"".to_owned()),
        prop::collection::vec(1u64..20, 1..5).prop_map(|w| {
            let w: Vec<_> = w.iter().map(u64::to_string).collect();
            format!("method = \"top_n\"\nweights = [{}]", w.join(", "))
        }),
    ];
    let pools = prop::collection::vec((0u64..=400, any::<bool>()), 1..=4);
    let cap = prop::option::of(1u64..2_000);
    let min = prop::option::of(0u64..50);
    let budget = 1u64..u64::MAX / 4;
    let scores = prop::collection::vec((0u8..5, 0u8..12, 0.0f64..=1.0), 0..40);
    (split, pools, cap, min, budget, 0.0f64..=1.0, scores).prop_map(
        |(split, pools, cap, min, budget, threshold, scores)| {
            let mut t = format!("round = 7\nbudget = \"{budget}\"\ndecimals = 0\nthreshold = {threshold}\n");
            if let Some(c) = cap {
                t += &format!("cap = \"{}\"\n", c.max(min.unwrap_or(0)));
            }
            if let Some(m) = min {
                t += &format!("min_payout = \"{m}\"\n");
            }
            t += &format!("[split]\n{split}\n");
            let mut left = budget;
            for (i, (permille, fixed)) in pools.iter().enumerate() {
                if *fixed {
                    let amount = left / 1000 * permille.min(&250);
                    left -= amount;
                    t += &format!("[pools.R{i}]\namount = \"{amount}\"\n");
                } else {
                    t += &format!("[pools.R{i}]\nshare = \"0.{:03}\"\n", permille.min(&250));
                }
            }
            t += "[[exclude]]\naddress = \"0x0505050505050505050505050505050505050505\"\nreason = \"test\"\n";
            (t, scores)
        },
    )
}

fn set_from(entries: &[(u8, u8, f64)]) -> ScoreSet {
    let mut set = ScoreSet::new();
    for &(region, a, s) in entries {
        let score = Score {
            score: s,
            success_rate: None,
            round_trip_score: None,
        };
        // Later duplicates are skipped: the set rejects them, which is tested elsewhere.
        let _ = set.insert(
            Region::parse(&format!("R{region}")).unwrap(),
            addr(a),
            score,
        );
    }
    set
}

proptest! {
    #[test]
    fn never_exceeds_budget_and_accounts_for_every_wei((text, entries) in arb_case()) {
        let r = rules(&text);
        let a = allocate(&r, &set_from(&entries)).unwrap();
        let sum = a.payouts.values().fold(U256::ZERO, |x, y| x + y);
        prop_assert_eq!(sum, a.total);
        prop_assert!(a.total <= r.budget);
        prop_assert_eq!(a.total + a.unallocated, r.budget);
        for region in &a.regions {
            let paid = region.rows.iter().fold(U256::ZERO, |x, row| x + row.payout);
            prop_assert_eq!(paid, region.allocated);
            prop_assert!(region.allocated <= region.pool.unwrap_or_default());
            if region.eligible() == 0 {
                prop_assert_eq!(region.allocated, U256::ZERO);
            }
            // Floor rounding: the dust of a split is less than one wei per eligible orchestrator,
            // except where prizes or weights are left unpaid on purpose.
            if matches!(region.split, Some(SplitMethod::Equal)) && region.eligible() > 0 {
                prop_assert!(region.pool.unwrap() - region.allocated < U256::from(region.eligible()));
            }
            for row in &region.rows {
                prop_assert!(row.status.is_eligible() || row.payout.is_zero());
                if let Status::Eligible = row.status {
                    prop_assert!(row.score >= r.pools[&region.region].threshold);
                }
            }
        }
        for (account, amount) in &a.payouts {
            prop_assert!(!amount.is_zero());
            prop_assert!(r.cap.is_none_or(|c| *amount <= c));
            prop_assert!(r.min_payout.is_none_or(|m| *amount >= m));
            prop_assert!(!r.exclusions.contains_key(account));
            // One leaf per account: the regional payouts summed, then capped.
            let summed = a.regions.iter().flat_map(|g| &g.rows).filter(|row| row.account == *account)
                .fold(U256::ZERO, |x, row| x + row.payout);
            prop_assert_eq!(*amount, r.cap.map_or(summed, |c| summed.min(c)));
        }
    }

    #[test]
    fn does_not_depend_on_input_order((text, entries) in arb_case(), seed in any::<u64>()) {
        let r = rules(&text);
        let mut dedup: Vec<(u8, u8, f64)> = Vec::new();
        for e in &entries {
            if !dedup.iter().any(|d| d.0 == e.0 && d.1 == e.1) {
                dedup.push(*e);
            }
        }
        let mut shuffled = dedup.clone();
        let mut s = seed;
        for i in (1..shuffled.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (s >> 33) as usize % (i + 1));
        }
        // Through the CSV parser too: rows in another order must give the same payouts.
        let csv = |rows: &[(u8, u8, f64)]| {
            let mut t = String::from("address,region,score\n");
            for (region, a, sc) in rows {
                t += &format!("{},r{region},{sc}\n", addr(*a));
            }
            t
        };
        let load = |t: String| {
            let mut set = ScoreSet::new();
            if !dedup.is_empty() {
                set.add_bytes(Path::new("s.csv"), t.as_bytes()).unwrap();
            }
            set
        };
        let a = allocate(&r, &load(csv(&dedup))).unwrap();
        let b = allocate(&r, &load(csv(&shuffled))).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn proportional_payouts_follow_score_order(scores in prop::collection::vec(0.0f64..=1.0, 1..20)) {
        let r = rules("round = 1\nbudget = \"1000\"\n[split]\nmethod = \"proportional\"\n[pools.FRA]\nshare = 1");
        let entries: Vec<_> = scores.iter().enumerate().map(|(i, s)| ("FRA", i as u8 + 1, *s)).collect();
        let a = allocate(&r, &self::scores(&entries)).unwrap();
        let rows = &a.regions[0].rows;
        for x in rows {
            for y in rows {
                if x.score > y.score {
                    prop_assert!(x.payout >= y.payout);
                }
            }
        }
    }
}
