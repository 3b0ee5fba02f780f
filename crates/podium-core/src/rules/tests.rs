use std::path::Path;

use super::*;

const EXAMPLE: &str = r#"
round = 2
budget = "7000"
threshold = 0.3
cap = "1500"
min_payout = "0.5"

[split]
method = "proportional"

[pools.fra]
share = "0.4"
[pools.MDW]
amount = "2000.25"
[pools.SIN]
share = 0.2
threshold = 0.5
split = { method = "top_n", weights = [5, 3, 2] }

[[exclude]]
address = "0x3e2b450c0c499d8301146367680e067cd009db93"
reason = "Livepeer Inc. orchestrator"
"#;

fn lpt(s: &str) -> U256 {
    TokenAmount::parse(s, 18).unwrap().units
}

fn parse(text: &str) -> Result<Rules> {
    Rules::from_bytes(Path::new("rules.toml"), text.as_bytes())
}

fn err(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn parses_the_documented_example() {
    let r = parse(EXAMPLE).unwrap();
    assert_eq!(r.round, 2);
    assert_eq!(r.budget, lpt("7000"));
    assert_eq!(r.cap, Some(lpt("1500")));
    assert_eq!(r.min_payout, Some(lpt("0.5")));
    let fra = &r.pools[&Region::parse("FRA").unwrap()];
    assert_eq!(fra.amount, lpt("2800"));
    assert_eq!(fra.threshold, 0.3);
    assert_eq!(fra.split, SplitMethod::Proportional);
    assert_eq!(
        r.pools[&Region::parse("MDW").unwrap()].amount,
        lpt("2000.25")
    );
    let sin = &r.pools[&Region::parse("SIN").unwrap()];
    assert_eq!(sin.amount, lpt("1400"));
    assert_eq!(sin.threshold, 0.5);
    assert_eq!(
        sin.split,
        SplitMethod::TopN {
            weights: vec![5, 3, 2]
        }
    );
    assert_eq!(r.exclusions.len(), 1);
    assert_eq!(r.digest, keccak256(EXAMPLE.as_bytes()));
}

#[test]
fn errors_name_the_field() {
    let base = "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = \"1\"\n";
    let cases: &[(&str, &str)] = &[
        (
            "round = 0\nbudget = \"1\"\n[pools.FRA]\nshare = 1",
            "field `round`",
        ),
        (
            "round = 1\nbudget = \"7,000\"\n[pools.FRA]\nshare = 1",
            "field `budget`: invalid character ','",
        ),
        (
            "round = 1\nbudget = \"-5\"\n[pools.FRA]\nshare = 1",
            "field `budget`",
        ),
        (
            "round = 1\nbudget = 7000.5\n[pools.FRA]\nshare = 1",
            "field `budget`: write amounts as decimal strings",
        ),
        (
            "round = 1\nbudget = \"1.0000000000000000001\"\n[pools.FRA]\nshare = 1",
            "19 decimal places",
        ),
        (
            "round = 1\nbudget = \"0\"\n[pools.FRA]\nshare = 1",
            "the budget is 0",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\namount = \"60\"\n[pools.MDW]\namount = \"50\"",
            "field `pools`: the pools add up to 110 but the budget is 100",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = \"1.5\"",
            "field `pools.FRA.share`",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\namount = \"1\"",
            "either share or amount",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\n",
            "field `pools.FRA`: needs share",
        ),
        (
            "round = 1\nbudget = \"100\"\nthreshold = 3\n[pools.FRA]\nshare = 1",
            "field `threshold`: 3 is above 1: thresholds use the API's 0–1 scale; the explorer's 3 is 0.3",
        ),
        (
            "round = 1\nbudget = \"100\"\nthreshold = -0.1\n[pools.FRA]\nshare = 1",
            "field `threshold`",
        ),
        (
            "round = 1\nbudget = \"100\"\n[split]\nmethod = \"random\"\n[pools.FRA]\nshare = 1",
            "field `split.method`: unknown split method",
        ),
        (
            "round = 1\nbudget = \"100\"\n[split]\nmethod = \"top_n\"\n[pools.FRA]\nshare = 1",
            "field `split.weights`",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\nsplit = { method = \"top_n\", weights = [3, 0] }",
            "field `pools.FRA.split.weights[1]`",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\n[[exclude]]\naddress = \"orchestrator-1\"\nreason = \"x\"",
            "field `exclude[0].address`: \"orchestrator-1\" is not an address",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\n[[exclude]]\naddress = \"0x3e2b450c0c499d8301146367680e067cd009db93\"\nreason = \" \"",
            "field `exclude[0].reason`",
        ),
        (
            "round = 1\nbudget = \"100\"\ncap = \"1\"\nmin_payout = \"2\"\n[pools.FRA]\nshare = 1",
            "field `min_payout`",
        ),
        (
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\n[pools.fra]\nshare = 0",
            "two pools",
        ),
        ("round = 1\nbudget = \"100\"", "field `pools`: no pools"),
        (
            "round = 1\nbudget = \"100\"\nbugdet = 1\n[pools.FRA]\nshare = 1",
            "unknown field `bugdet`",
        ),
        ("round = 1\nbudget = \"100\n", "line 2"),
        (
            "budget = \"100\"\n[pools.FRA]\nshare = 1",
            "missing field `round`",
        ),
    ];
    assert!(parse(base).is_ok());
    for (text, expected) in cases {
        let e = err(text);
        assert!(e.starts_with("rules.toml: "), "{e}");
        assert!(
            e.contains(expected),
            "{text:?}\n  gave {e}\n  expected {expected}"
        );
    }
}

#[test]
fn an_exclusion_with_a_wrong_checksum_is_refused() {
    // Livepeer Inc.'s orchestrator, checksummed, then with one letter's case flipped.
    let good = "0x3E2B450c0c499D8301146367680E067CD009DB93";
    let typo = "0x3E2B450c0c499d8301146367680E067CD009DB93";
    let rules = |a: &str| {
        format!(
            "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = 1\n[[exclude]]\naddress = \"{a}\"\nreason = \"Livepeer Inc.\"\n"
        )
    };
    assert!(parse(&rules(good)).is_ok());
    assert!(parse(&rules(&good.to_lowercase())).is_ok());
    let e = err(&rules(typo));
    assert!(
        e.contains("field `exclude[0].address`") && e.contains("wrong EIP-55 checksum"),
        "{e}"
    );
}

#[test]
fn names_exclusions_that_match_no_scored_account() {
    let r = parse(EXAMPLE).unwrap();
    let mut scores = ScoreSet::new();
    scores
        .add_bytes(
            Path::new("s.csv"),
            b"address,region,score\n0x10b4b4c7a2a34f0c4d2b2b9a7e3f7f6f1f0e5a11,FRA,0.5\n",
        )
        .unwrap();
    let unmatched = r.unmatched_exclusions(&scores);
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].1, "Livepeer Inc. orchestrator");
    scores
        .add_bytes(
            Path::new("t.csv"),
            b"address,region,score\n0x3e2b450c0c499d8301146367680e067cd009db93,MDW,0.5\n",
        )
        .unwrap();
    assert!(r.unmatched_exclusions(&scores).is_empty());
}

#[test]
fn a_bom_is_skipped_and_a_binary_file_named() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), EXAMPLE.as_bytes()].concat();
    let r = Rules::from_bytes(Path::new("rules.toml"), &with_bom).unwrap();
    assert_eq!(r.round, 2);
    let e = Rules::from_bytes(Path::new("rules.toml"), b"PK\x03\x04\x14\x00")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("rules.toml: the file is a ZIP archive"),
        "{e}"
    );
}
