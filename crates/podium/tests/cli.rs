//! Drives the real `podium` binary: the happy path of build, verify and proof, and every bad input
//! the issue lists, each checked for its message, exit code 2 and that no output file (nor a
//! temporary one) was written.

mod cli_support;

use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

use cli_support::*;

#[test]
fn malformed_json_names_file_line_and_column() {
    let c = Case::new(
        RULES,
        "s.json",
        &format!("{{\n  \"{A}\": {{\"FRA\": {{\"score\": 0.5,}}}}\n}}"),
    );
    c.fails(
        &["s.json"],
        &["s.json: line 2, column", "reading the scores"],
    );
}

#[test]
fn malformed_csv_names_file_and_line() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n{B},FRA\n"),
    );
    c.fails(
        &["s.csv"],
        &[
            "s.csv: line 3",
            "the row has 2 cells but the header has 3 columns",
        ],
    );
}

#[test]
fn unknown_or_missing_columns() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("wallet,zone,points\n{A},FRA,0.5\n"),
    );
    c.fails(
        &["s.csv"],
        &[
            "s.csv: line 1",
            "missing column \"address\", \"region\", \"score\"",
        ],
    );
    let c = Case::new(RULES, "s.csv", &format!("address,region\n{A},FRA\n"));
    c.fails(&["s.csv"], &["missing column \"score\""]);
    let c = Case::new(
        RULES,
        "s.csv",
        "region,orchestrator,success_rate\nFRA,0x00,1\n",
    );
    c.fails(
        &["s.csv"],
        &[
            "missing column \"seg_duration\", \"round_trip_time\"",
            "raw test records need",
        ],
    );
}

#[test]
fn invalid_address() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n0x12345,FRA,0.5\n"),
    );
    c.fails(
        &["s.csv"],
        &["s.csv: line 3, column address: \"0x12345\" is not an address"],
    );
    let c = Case::new(
        RULES,
        "s.json",
        "{\"0xnothex0000000000000000000000000000000000\": {\"FRA\": {\"score\": 1}}}",
    );
    c.fails(
        &["s.json"],
        &["s.json: line 1, column", "is not an address"],
    );
}

#[test]
fn same_orchestrator_twice_in_a_region() {
    let upper = A.to_uppercase().replacen("0X", "0x", 1);
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n{upper},fra,0.6\n"),
    );
    c.fails(
        &["s.csv"],
        &[
            "s.csv:3",
            "appears twice in region FRA",
            "first in",
            "s.csv:2",
        ],
    );
    // Across files too.
    let c = Case::new(
        RULES,
        "a.csv",
        &format!("address,region,score\n{A},FRA,0.5\n"),
    );
    std::fs::write(
        c.path("b.json"),
        format!("{{\"{A}\": {{\"FRA\": {{\"score\": 0.7}}}}}}"),
    )
    .unwrap();
    c.fails(
        &["a.csv", "b.json"],
        &[
            "b.json",
            "appears twice in region FRA",
            "first in",
            "a.csv:2",
        ],
    );
}

#[test]
fn nan_negative_and_out_of_range_scores() {
    for (value, expected) in [
        ("NaN", "score is NaN"),
        ("-0.2", "score -0.2 is negative"),
        ("3.5", "score 3.5 is out of range"),
    ] {
        let c = Case::new(
            RULES,
            "s.csv",
            &format!("address,region,score\n{A},FRA,{value}\n"),
        );
        c.fails(&["s.csv"], &["s.csv: line 2, column score", expected]);
    }
    let c = Case::new(
        RULES,
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"score\": 7}}}}}}"),
    );
    c.fails(&["s.json"], &["s.json: line 1, column", "out of range"]);
}

#[test]
fn budget_that_is_not_an_amount() {
    for (budget, expected) in [
        ("\"7,000\"", "invalid character ','"),
        ("\"seven\"", "invalid character 's'"),
        ("\"1.0000000000000000001\"", "19 decimal places"),
        ("-1", "amount \"-1\" is negative"),
        ("7000.5", "write amounts as decimal strings"),
    ] {
        let rules = RULES.replace("\"100\"", budget);
        let c = Case::new(
            &rules,
            "s.csv",
            &format!("address,region,score\n{A},FRA,0.5\n"),
        );
        c.fails(
            &["s.csv"],
            &["rules.toml: field `budget`", expected, "reading the rules"],
        );
    }
}

#[test]
fn pools_above_the_budget() {
    let rules = "round = 1\nbudget = \"100\"\n[pools.FRA]\nshare = \"0.6\"\n[pools.MDW]\namount = \"40.5\"\n";
    let c = Case::new(
        rules,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n"),
    );
    c.fails(
        &["s.csv"],
        &["rules.toml: field `pools`: the pools add up to 100.5 but the budget is 100"],
    );
}

#[test]
fn exclusion_that_is_not_an_address() {
    let rules = format!(
        "{RULES}[[exclude]]\naddress = \"{A}\"\nreason = \"team\"\n[[exclude]]\naddress = \"livepeer-inc\"\nreason = \"team\"\n"
    );
    let c = Case::new(
        &rules,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n"),
    );
    c.fails(
        &["s.csv"],
        &["rules.toml: field `exclude[1].address`: \"livepeer-inc\" is not an address"],
    );
}

#[test]
fn empty_scores_file() {
    for (name, text) in [
        ("s.csv", ""),
        ("s.json", "  \n"),
        ("h.csv", "address,region,score\n"),
        ("o.json", "{}"),
    ] {
        let c = Case::new(RULES, name, text);
        c.fails(&[name], &[name, "the file has no scores"]);
    }
}

#[test]
fn round_must_match_the_rules() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n"),
    );
    let mut cmd = podium();
    cmd.args(["build", "--round", "2", "--rules"])
        .arg(c.path("rules.toml"));
    cmd.arg("--scores")
        .arg(c.path("s.csv"))
        .arg("--out")
        .arg(c.path("out.json"));
    cmd.assert().code(2).stderr(predicate::str::contains(
        "field `round` is 1 but --round is 2",
    ));
    assert!(!c.path("out.json").exists());
}

#[test]
fn an_existing_output_is_kept_without_force() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n"),
    );
    std::fs::write(c.path("out.json"), "keep me").unwrap();
    c.build(&["s.csv"])
        .code(2)
        .stderr(predicate::str::contains("pass --force"));
    assert_eq!(
        std::fs::read_to_string(c.path("out.json")).unwrap(),
        "keep me"
    );
}

/// The committed fixtures: three formats, three split methods, an exclusion, a minimum payout.
#[test]
fn build_prints_regions_totals_and_root_then_verify_and_proof_agree() {
    let dir = tempfile::tempdir().unwrap();
    let (out, assert) = build_fixture(dir.path(), false);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    for part in [
        "FRA: pool 2800, split equal, 3 eligible",
        "MDW: pool 2000, split proportional",
        "SIN: pool 1750, split top_3 [5, 3, 2]",
        "excluded: Livepeer Inc. orchestrator",
        "below threshold 0.3",
        "not in the top 3",
        "0x10b4b4C7a2a34F0c4d2b2B9a7e3f7F6F1F0e5A11",
        "unallocated",
    ] {
        assert!(stdout.contains(part), "missing {part:?} in\n{stdout}");
    }
    let file: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let root = file["root"].as_str().unwrap().to_owned();
    assert!(stdout.contains(&root));
    assert_eq!(file["chainId"], 42161);
    assert_eq!(
        file["distributor"], "0x00000000000000000000000000000000000000D1",
        "checksummed"
    );
    assert_eq!(file["tree"]["format"], "standard-v1");

    podium()
        .args(["verify", "--distribution"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with("match: round 1, 5 recipients"));
    let mut cmd = podium();
    cmd.args(["verify", "--distribution"]).arg(&out);
    fixture_inputs(&mut cmd);
    cmd.assert().success().stdout(predicate::str::contains(
        "the payouts, decimals and digests recomputed from the rules and scores",
    ));

    let proof = podium()
        .args([
            "proof",
            "--json",
            "--account",
            &A.to_uppercase().replacen("0X", "0x", 1),
            "--distribution",
        ])
        .arg(&out)
        .assert()
        .success();
    let proof: Value = serde_json::from_slice(&proof.get_output().stdout).unwrap();
    let claim = &file["claims"]["0x10b4b4C7a2a34F0c4d2b2B9a7e3f7F6F1F0e5A11"];
    assert_eq!(proof["amount"], claim["amount"]);
    assert_eq!(proof["proof"], claim["proof"]);
    assert_eq!(proof["index"], claim["index"]);
    assert_eq!(proof["root"], root);
    podium()
        .args([
            "proof",
            "--account",
            "0x3e2b450c0c499d8301146367680e067cd009db93",
            "--distribution",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("has no claim in round 1"));
}

/// The progress spinners of `build` and `verify` are for a person at a terminal: the tests' stderr is
/// a pipe, so nothing of them (no step names, no carriage returns or escape sequences) is written.
#[test]
fn progress_is_not_drawn_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (out, build) = build_fixture(dir.path(), false);
    let mut verify = podium();
    verify.args(["verify", "--distribution"]).arg(&out);
    fixture_inputs(&mut verify);
    let verify = verify.assert().success();
    for (command, run) in [("build", &build), ("verify", &verify)] {
        let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
        assert!(
            !stderr.contains(['\r', '\u{1b}']),
            "{command} drew on a stderr that is not a terminal: {stderr:?}"
        );
        for step in [
            "reading the scores",
            "Merkle tree",
            "recomputing the payouts",
            "(0s)",
        ] {
            assert!(!stderr.contains(step), "{command}: {step:?} in {stderr:?}");
        }
        assert!(
            stderr.lines().all(|l| l.starts_with("warning: ")),
            "{command}: only warnings on stderr, got {stderr:?}"
        );
    }
}

#[test]
fn build_json_reports_exact_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let (out, assert) = build_fixture(dir.path(), true);
    let report: Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let file: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    assert_eq!(report["root"], file["root"]);
    assert_eq!(report["total"], file["total"]);
    let total: u128 = report["total"].as_str().unwrap().parse().unwrap();
    let unallocated: u128 = report["unallocated"].as_str().unwrap().parse().unwrap();
    assert_eq!(total + unallocated, 7000 * 10u128.pow(18));
    let regions = report["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 3);
    let paid: u128 = file["claims"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c["amount"].as_str().unwrap().parse::<u128>().unwrap())
        .sum();
    assert_eq!(paid, total);
}

#[test]
fn verify_names_the_first_difference() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = build_fixture(dir.path(), false);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut file: Value = serde_json::from_str(&text).unwrap();
    let key = "0x6666a1B2C3D4e5f60718293A4b5c6D7e8F901266";
    let amount: u128 = file["claims"][key]["amount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    file["claims"][key]["amount"] = Value::String((amount + 1).to_string());
    let tampered = dir.path().join("tampered.json");
    std::fs::write(&tampered, serde_json::to_string(&file).unwrap()).unwrap();
    podium()
        .args(["verify", "--distribution"])
        .arg(&tampered)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("difference: total is"));

    // A self-consistent file that pays another amount than the rules say: only the inputs tell.
    let scores = dir.path().join("mdw.csv");
    std::fs::write(
        &scores,
        std::fs::read_to_string(fixture("scores-mdw.csv"))
            .unwrap()
            .replace("0.95", "0.96"),
    )
    .unwrap();
    let mut cmd = podium();
    cmd.args(["verify", "--distribution"])
        .arg(&out)
        .arg("--rules")
        .arg(fixture("rules.toml"))
        .arg("--scores");
    cmd.args([fixture("raw-sin.csv"), fixture("scores-fra.json"), scores]);
    cmd.assert().code(1).stdout(
        predicate::str::contains("in the file but")
            .and(predicate::str::contains("by the rules and scores")),
    );

    let mut cmd = podium();
    cmd.args(["verify", "--json", "--distribution"])
        .arg(&tampered);
    let v: Value = serde_json::from_slice(&cmd.assert().code(1).get_output().stdout).unwrap();
    assert_eq!(v["match"], false);

    std::fs::write(&tampered, "{\"format\": \"podium-distribution-v1\",").unwrap();
    podium()
        .args(["verify", "--distribution"])
        .arg(&tampered)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("tampered.json: line 1"));
}

#[test]
fn a_round_where_nobody_is_eligible_has_total_zero() {
    let c = Case::new(
        RULES,
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.1\n{B},FRA,0.2\n"),
    );
    let out = c.build(&["s.csv"]).success().get_output().stdout.clone();
    let stdout = String::from_utf8(out).unwrap();
    assert!(stdout.contains("nobody is eligible in round 1"), "{stdout}");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(c.path("out.json")).unwrap()).unwrap();
    assert_eq!(file["total"], "0");
    assert_eq!(file["root"], format!("0x{}", "0".repeat(64)));
    assert_eq!(file["tree"], Value::Null);
    podium()
        .args(["verify", "--distribution"])
        .arg(c.path("out.json"))
        .assert()
        .success();
}

/// `--json` is one global flag: before the subcommand it gives exactly the JSON it gives after.
#[test]
fn json_before_the_subcommand_is_the_same_as_after() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = build_fixture(dir.path(), false);
    // `before` ++ args ++ the file ++ `after`.
    let run = |before: &[&str], args: &[&str], after: &[&str]| {
        let assert = podium()
            .args(before)
            .args(args)
            .arg(&out)
            .args(after)
            .assert()
            .success();
        String::from_utf8(assert.get_output().stdout.clone()).unwrap()
    };
    for (name, args) in [
        ("proof", vec!["proof", "--account", A, "--distribution"]),
        ("verify", vec!["verify", "--distribution"]),
    ] {
        let after = run(&[], &args, &["--json"]);
        let before = run(&["--json"], &args, &[]);
        let v: Value = serde_json::from_str(&after)
            .unwrap_or_else(|e| panic!("{name} --json printed no JSON ({e}):\n{after}"));
        assert!(
            v.as_object().is_some_and(|o| !o.is_empty()),
            "{name}: {after}"
        );
        assert_eq!(
            before, after,
            "podium --json {name} differs from podium {name} --json"
        );
        let text = run(&[], &args, &[]);
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{name} without --json: {text}"
        );
    }
    podium()
        .args(["--json", "demo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("demo").and(predicate::str::contains("no --json")));
}

#[test]
fn usage_errors_exit_2() {
    podium()
        .args(["verify", "--distribution", "x.json", "--rules", "r.toml"])
        .assert()
        .code(2);
    podium()
        .args(["proof", "--distribution", "x.json", "--account", "0x12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not an address"));
    podium()
        .args(["verify", "--distribution", "/nonexistent/x.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/x.json"));
}

/// test/fixtures/distribution.json (claimed on-chain by test/DistributionFixture.t.sol) must be what
/// the documented command writes today:
/// `cargo run -p podium -- build --round 1 --rules crates/podium/tests/fixtures/rules.toml --scores
/// crates/podium/tests/fixtures/scores-fra.json crates/podium/tests/fixtures/scores-mdw.csv
/// crates/podium/tests/fixtures/raw-sin.csv --chain-id 31337 --out test/fixtures/distribution.json --force`
#[test]
fn the_committed_forge_fixture_is_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("distribution.json");
    let mut cmd = podium();
    cmd.current_dir(&root).args([
        "build",
        "--round",
        "1",
        "--rules",
        "crates/podium/tests/fixtures/rules.toml",
    ]);
    cmd.args(["--scores", "crates/podium/tests/fixtures/scores-fra.json"]);
    cmd.args([
        "crates/podium/tests/fixtures/scores-mdw.csv",
        "crates/podium/tests/fixtures/raw-sin.csv",
    ]);
    cmd.args(["--chain-id", "31337", "--out"])
        .arg(&out)
        .assert()
        .success();
    let committed = std::fs::read_to_string(root.join("test/fixtures/distribution.json")).unwrap();
    assert!(
        std::fs::read_to_string(&out).unwrap() == committed,
        "test/fixtures/distribution.json is stale: regenerate it with the command in the README"
    );
}
