//! `podium report` through the real binary, without a chain: the JSON's numbers on the demo weeks
//! (worked out by hand from the score files and rules), the tables, a self-contained HTML page, the
//! layouts it accepts and the inputs it refuses.

mod report_support;

use std::fs;

use predicates::str::contains;
use report_support::{attr, demo_layout, elements, expected_numbers, podium, report_json};

/// 10^17 base units: a tenth of a token.
fn tenths(n: u64) -> String {
    format!("{n}00000000000000000")
}

#[test]
fn json_has_the_hand_worked_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 3);
    let json = report_json(&program, &rounds, &[]);
    assert_eq!(json["format"], "podium-report-v2");
    assert_eq!(
        json["program"]["symbol"], "LPT",
        "LPT on chain 42161 is named"
    );
    let r = json["rounds"].as_array().unwrap();
    assert_eq!(r.len(), 3);
    let overall: Vec<(u64, u64, u64)> = r
        .iter()
        .map(|r| {
            (
                r["scored"].as_u64().unwrap(),
                r["metThreshold"].as_u64().unwrap(),
                r["firstSeenInScores"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(overall, [(30, 23, 30), (31, 19, 1), (31, 25, 0)]);
    assert_eq!(
        r[1]["firstSeenInScoresAccounts"],
        serde_json::json!(["0x7D86687F980A56b832e9378952B738b614A99dc6"])
    );
    let met = |round: usize| -> Vec<u64> {
        r[round]["regions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["metThreshold"].as_u64().unwrap())
            .collect()
    };
    // Regions in code order: FRA, MDW, SIN.
    assert_eq!(met(0), [10, 9, 10]);
    assert_eq!(met(1), [10, 12, 0]);
    assert_eq!(met(2), [11, 10, 11]);
    // Round 1: 3 × 2331 − 417.7 cut by the 450 cap = 6575.3 paid; 7 LPT in no pool.
    assert_eq!(r[0]["paid"], tenths(65753));
    assert_eq!(r[0]["unallocated"], tenths(4247));
    assert_eq!(r[0]["outsidePools"], tenths(70));
    // Round 2: nobody but the excluded account reached 0.3 in SIN: its whole pool is unallocated.
    let sin = &r[1]["regions"][2];
    assert_eq!(sin["region"], "SIN");
    assert_eq!(sin["paid"], "0");
    assert_eq!(sin["unallocated"], tenths(23310));
    assert_eq!(sin["top5"][0]["excluded"], true);
    assert_eq!(sin["top5"][0]["score"], 0.9383);
    // The file's root is the distribution file's.
    let file: serde_json::Value =
        serde_json::from_slice(&fs::read(rounds.join("round-3/distribution.json")).unwrap())
            .unwrap();
    assert_eq!(r[2]["root"], file["root"]);
    assert!(json["chain"].is_null() && r[0]["chain"].is_null());
    // Without a node the on-chain figure is unavailable, not 0.
    for round in r {
        assert!(round["newlyRegistered"].is_null(), "{round}");
        assert!(round["newlyRegisteredAccounts"].is_null());
    }
    assert_eq!(
        json["newlyRegisteredUnavailable"],
        "unavailable: the chain was not read (no --rpc-url)"
    );
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .contains("Newly registered")
    );
}

#[test]
fn tables_name_the_metrics_and_how_new_is_measured() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 2);
    podium()
        .arg("report")
        .arg("--program")
        .arg(&program)
        .arg("--rounds")
        .arg(&rounds)
        .env_remove("ETH_RPC_URL")
        .assert()
        .success()
        .stdout(contains("met threshold"))
        .stdout(contains("top 5 scores"))
        .stdout(contains("0.9667 0xBcd4…4096"))
        .stdout(contains("6,575.30"))
        .stdout(contains("newly registered (chain)"))
        .stdout(contains("first seen in scores"))
        .stdout(contains(
            "Newly registered (chain): unavailable: the chain was not read (no --rpc-url).",
        ))
        .stdout(contains(
            "Newly registered (on chain): orchestrators whose first",
        ));
}

#[test]
fn html_page_is_self_contained_with_a_chart_per_metric_per_round() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 3);
    let page = dir.path().join("out/report.html");
    fs::create_dir_all(page.parent().unwrap()).unwrap();
    let json = report_json(&program, &rounds, &["--html", page.to_str().unwrap()]);
    let html = fs::read_to_string(&page).unwrap();
    // Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
    for banned in [
        "<script", "<link", "<img", "<iframe", "@import", "url(", " src=",
    ] {
        assert!(!html.contains(banned), "the page contains {banned}");
    }
    let without_ns = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!without_ns.contains("http://") && !without_ns.contains("https://"));
    // No temporary file left next to it.
    let names: Vec<_> = fs::read_dir(page.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["report.html"]);

    let charts = elements(&html, "svg");
    for n in 1..=3 {
        for metric in ["threshold", "top5", "new", "lpt"] {
            let count = charts
                .iter()
                .filter(|c| {
                    attr(c, "data-metric") == Some(metric)
                        && attr(c, "data-round") == Some(&n.to_string())
                })
                .count();
            assert_eq!(count, 1, "round {n}: one {metric} chart");
        }
        // No chain data, no chain charts.
        assert!(
            !charts
                .iter()
                .any(|c| attr(c, "data-metric") == Some("claims"))
        );
    }
    // Every number the JSON has is on the page, the same in its table cell and on its bar.
    let cells = elements(&html, "td");
    let bars = elements(&html, "rect");
    for (key, value) in expected_numbers(&json) {
        let shown: Vec<&str> = cells
            .iter()
            .chain(&bars)
            .filter(|e| attr(e, "data-k") == Some(key.as_str()))
            .map(|e| attr(e, "data-value").unwrap())
            .collect();
        assert!(!shown.is_empty(), "{key} is not on the page");
        for v in shown {
            assert!(
                report_support::same_number(v, &value),
                "{key}: page {v}, JSON {value}"
            );
        }
    }
    assert!(html.contains("Newly registered (on chain): orchestrators whose first"));
    // Both figures are in the overview table: the chain's as unavailable (not 0), the scores' as
    // numbers.
    assert!(html.contains("<th>newly registered (chain)</th><th>first seen in scores</th>"));
    assert!(
        !cells
            .iter()
            .any(|c| attr(c, "data-k").is_some_and(|k| k.ends_with(".registered"))),
        "no on-chain registration number without a node"
    );
    assert_eq!(
        html.matches("<td>unavailable</td>").count(),
        3,
        "one unavailable cell per round"
    );
    assert!(html.contains(json["rounds"][0]["root"].as_str().unwrap()));
}

#[test]
fn distribution_files_may_sit_beside_the_round_directories() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 1);
    fs::rename(
        rounds.join("round-1/distribution.json"),
        rounds.join("round-1.json"),
    )
    .unwrap();
    let json = report_json(&program, &rounds, &[]);
    assert_eq!(
        json["rounds"][0]["distribution"],
        rounds.join("round-1.json").to_str().unwrap()
    );
    assert!(json["warnings"].as_array().unwrap().is_empty());
}

#[test]
fn a_round_without_a_distribution_file_is_reported_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 2);
    fs::remove_file(rounds.join("round-2/distribution.json")).unwrap();
    let json = report_json(&program, &rounds, &[]);
    assert!(json["rounds"][1]["root"].is_null());
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .contains("round 2 has no distribution file")
    );
}

fn report_fails(program: &std::path::Path, rounds: &std::path::Path, needle: &str) {
    podium()
        .arg("report")
        .arg("--program")
        .arg(program)
        .arg("--rounds")
        .arg(rounds)
        .env_remove("ETH_RPC_URL")
        .assert()
        .code(2)
        .stderr(contains(needle));
}

#[test]
fn refuses_a_distribution_file_that_does_not_match_its_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 2);
    // The committee changed round 2's rules after paying it: the report must not describe them.
    let rules = rounds.join("round-2/rules.toml");
    let text = fs::read_to_string(&rules)
        .unwrap()
        .replace("cap = \"450\"", "cap = \"400\"");
    fs::write(&rules, text).unwrap();
    report_fails(
        &program,
        &rounds,
        "round-2/distribution.json does not match round 2's rules and scores",
    );
}

#[test]
fn refuses_gaps_and_misnumbered_rounds() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 3);
    fs::rename(rounds.join("round-2"), dir.path().join("elsewhere")).unwrap();
    report_fails(&program, &rounds, "round-3 is there but round-2 is not");
    fs::rename(dir.path().join("elsewhere"), rounds.join("round-2")).unwrap();
    fs::copy(
        rounds.join("round-1/rules.toml"),
        rounds.join("round-2/rules.toml"),
    )
    .unwrap();
    report_fails(
        &program,
        &rounds,
        "field `round` is 1 but the file is round 2's rules",
    );
}

#[test]
fn names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 1);
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    report_fails(&program, &empty, "has no round-N directories; expected");
    report_fails(
        &dir.path().join("nope.toml"),
        &rounds,
        "reading the program file",
    );
    fs::remove_dir_all(rounds.join("round-1/scores")).unwrap();
    report_fails(
        &program,
        &rounds,
        "has no scores: put the round's score files in",
    );
    // More rounds than the program has.
    let (program, rounds) = demo_layout(&dir.path().join("b"), 3);
    fs::write(
        &program,
        report_support::PROGRAM.replace("round_count = 3", "round_count = 2"),
    )
    .unwrap();
    report_fails(&program, &rounds, "3 rounds given, but the program has 2");
}

/// The deployment record (podium-deployment-v1, 18 decimals) for the program
/// `report_support::PROGRAM` describes, with `round_count` rounds and a round budget of `budget`
/// whole tokens.
fn write_record(dir: &std::path::Path, round_count: u64, budget: u64) -> std::path::PathBuf {
    podium_chain::fixture::write_sample_record(dir, 18, round_count, budget)
}

/// `podium report --deployment RECORD --rounds ROUNDS --json` (no program file, no node).
fn report_from_record(
    record: &std::path::Path,
    rounds: &std::path::Path,
) -> assert_cmd::assert::Assert {
    podium()
        .arg("report")
        .arg("--deployment")
        .arg(record)
        .arg("--rounds")
        .arg(rounds)
        .arg("--json")
        .env_remove("ETH_RPC_URL")
        .env_remove("PODIUM_PROGRAM")
        .assert()
}

#[test]
fn the_deployment_record_can_stand_for_the_program_file() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 3);
    let from_file = report_json(&program, &rounds, &[]);
    let record = write_record(dir.path(), 3, 7_000);
    let out = report_from_record(&record, &rounds).success();
    let mut from_record: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).unwrap();
    // The record describes the same program: everything but the file named is the same.
    assert_eq!(from_record["program"]["file"], record.to_str().unwrap());
    from_record["program"]["file"] = from_file["program"]["file"].clone();
    assert_eq!(from_record, from_file);

    // The timeline and budget are the record's, not a program file's: two rounds, 6000 per round.
    let record = write_record(dir.path(), 2, 6_000);
    report_from_record(&record, &rounds)
        .code(2)
        .stderr(contains("3 rounds given, but the program has 2"));
    let (_, two) = demo_layout(&dir.path().join("b"), 2);
    let out = report_from_record(&record, &two).success();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["program"]["roundCount"], 2, "{}", json["program"]);
    let warnings = json["warnings"].to_string();
    for n in 1..=2 {
        assert!(
            warnings.contains(&format!(
                "round {n}: the rules' budget 7000 is above the program's round budget 6000"
            )),
            "{warnings}"
        );
    }
}

#[test]
fn with_the_program_file_the_record_still_only_names_the_distributor() {
    let dir = tempfile::tempdir().unwrap();
    let (program, rounds) = demo_layout(dir.path(), 1);
    // A record for two rounds of 6000: with --program given, the program file's figures are used.
    let record = write_record(dir.path(), 2, 6_000);
    let mut both = podium();
    both.arg("report")
        .arg("--program")
        .arg(&program)
        .arg("--deployment")
        .arg(&record)
        .arg("--rounds")
        .arg(&rounds)
        .env_remove("ETH_RPC_URL");
    // As before: a distributor to read needs a node.
    both.assert().code(2).stderr(contains(
        "--deployment/--distributor need --rpc-url (or ETH_RPC_URL) to read the chain",
    ));
    podium()
        .arg("report")
        .arg("--rounds")
        .arg(&rounds)
        .env_remove("ETH_RPC_URL")
        .env_remove("PODIUM_PROGRAM")
        .env_remove("PODIUM_DEPLOYMENT")
        .assert()
        .code(2)
        .stderr(contains("--program"));
    // A record that is not one is named.
    fs::write(&record, "{\"format\": \"podium-deployment-v1\"}").unwrap();
    report_from_record(&record, &rounds)
        .code(2)
        .stderr(contains("reading the deployment record"))
        .stderr(contains("program.deployment.json"));
}
