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
            "field `exclude[0].address`: invalid address",
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
