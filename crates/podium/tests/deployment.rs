//! `podium build` and `podium verify` with the deployment record (`--deployment`): the record is the
//! program's one source, and rules that contradict it are refused with nothing written.

mod cli_support;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

use cli_support::*;

/// A deployment record (podium-deployment-v1) for chain 42161 and distributor 0x…d1, the flags
/// `build_fixture` types by hand, with a round budget of 7,000 tokens.
fn write_record(dir: &Path, decimals: u8) -> PathBuf {
    podium_chain::fixture::write_sample_record(dir, decimals, 3, 7_000)
}

/// `podium build --deployment` of the fixture round, with `rules` instead of the fixture's.
fn build_with_record(rules: &Path, record: &Path, out: &Path) -> Command {
    let mut cmd = podium();
    cmd.args(["build", "--round", "1", "--deployment"])
        .arg(record)
        .arg("--rules")
        .arg(rules)
        .arg("--scores")
        .args([
            fixture("scores-fra.json"),
            fixture("scores-mdw.csv"),
            fixture("raw-sin.csv"),
        ])
        .arg("--out")
        .arg(out);
    cmd
}

#[test]
fn build_with_the_deployment_record_writes_what_the_typed_flags_write() {
    let dir = tempfile::tempdir().unwrap();
    let (by_hand, _) = build_fixture(dir.path(), false);
    let record = write_record(dir.path(), 18);
    let out = dir.path().join("from-record.json");
    build_with_record(&fixture("rules.toml"), &record, &out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(&by_hand).unwrap(),
        "the same distribution, byte for byte"
    );
    let file: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(file["chainId"], 42161);

    // The record and the hand-typed flags are two ways, not one mixed with the other.
    let mut cmd = build_with_record(&fixture("rules.toml"), &record, &out);
    cmd.args(["--force", "--chain-id", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));

    // verify takes the same record: the chain, the distributor and the decimals are checked.
    let mut cmd = podium();
    cmd.args(["verify", "--distribution"])
        .arg(&out)
        .arg("--deployment")
        .arg(&record);
    fixture_inputs(&mut cmd);
    cmd.env_remove("ETH_RPC_URL")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "checked: the chain id and the distributor",
        ))
        .stdout(predicate::str::contains(
            "checked: the decimals against the deployment record's",
        ));
    // A record whose token has other decimals than the file's: a difference (exit 1).
    let six = dir.path().join("six");
    std::fs::create_dir(&six).unwrap();
    let record6 = write_record(&six, 6);
    podium()
        .args(["verify", "--distribution"])
        .arg(&out)
        .arg("--deployment")
        .arg(&record6)
        .env_remove("ETH_RPC_URL")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "decimals is 18 but the token 0x289ba1701C2F088cf0faf8B3705246331cB8A839 has 6",
        ));
}

#[test]
fn rules_that_contradict_the_deployment_record_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let record = write_record(dir.path(), 18);
    let fixture_rules = std::fs::read_to_string(fixture("rules.toml")).unwrap();
    let cases = [
        (
            "above.toml",
            fixture_rules.replace("budget = \"7000\"", "budget = \"7000.5\""),
            "field `budget`: 7000.5 is above the round budget 7000 in the deployment record",
        ),
        (
            "decimals.toml",
            fixture_rules.replace("budget = \"7000\"", "budget = \"7000\"\ndecimals = 6"),
            "field `decimals`: 6 contradicts the deployment record",
        ),
    ];
    for (name, rules, message) in cases {
        let rules_path = dir.path().join(name);
        std::fs::write(&rules_path, rules).unwrap();
        let before = names(dir.path());
        let out = dir.path().join("out.json");
        let assert = build_with_record(&rules_path, &record, &out)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&rules_path.display().to_string()),
            "{stderr}"
        );
        assert!(stderr.contains(message), "{stderr}");
        assert!(stderr.contains(&record.display().to_string()), "{stderr}");
        if name == "decimals.toml" {
            assert!(stderr.contains("whose token has 18 decimals"), "{stderr}");
        }
        assert_eq!(names(dir.path()), before, "nothing written");

        // verify refuses the same rules against the same record (exit 2, not a difference).
        let (by_hand, _) = build_fixture(dir.path(), false);
        let mut cmd = podium();
        cmd.args(["verify", "--distribution"])
            .arg(&by_hand)
            .arg("--deployment")
            .arg(&record)
            .arg("--rules")
            .arg(&rules_path)
            .arg("--scores")
            .arg(fixture("scores-fra.json"));
        cmd.env_remove("ETH_RPC_URL")
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        std::fs::remove_file(by_hand).unwrap();
    }
    // A file built by hand (no record) with a budget above the record's: verify --deployment finds it.
    let above = dir.path().join("above.toml");
    let built = dir.path().join("above.json");
    let mut cmd = podium();
    cmd.args(["build", "--round", "1", "--chain-id", "42161"])
        .args([
            "--distributor",
            "0x00000000000000000000000000000000000000d1",
        ])
        .arg("--rules")
        .arg(&above)
        .arg("--scores")
        .args([
            fixture("scores-fra.json"),
            fixture("scores-mdw.csv"),
            fixture("raw-sin.csv"),
        ])
        .arg("--out")
        .arg(&built)
        .assert()
        .success();
    let out = podium()
        .args(["verify", "--json", "--distribution"])
        .arg(&built)
        .arg("--deployment")
        .arg(&record)
        .env_remove("ETH_RPC_URL")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let kinds: Vec<&str> = v["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["roundBudget"], "{v}");
    assert_eq!(v["differences"][0]["file"], "7000500000000000000000");
    assert_eq!(v["differences"][0]["roundBudget"], "7000000000000000000000");
    assert_eq!(
        v["differences"][0]["message"],
        "budget is 7000500000000000000000 but the deployment record lets a round pay at most \
         7000000000000000000000 (base units)"
    );

    // Narrowing is fine: a smaller budget builds.
    let narrow = dir.path().join("narrow.toml");
    std::fs::write(
        &narrow,
        fixture_rules.replace("budget = \"7000\"", "budget = \"6000\""),
    )
    .unwrap();
    build_with_record(&narrow, &record, &dir.path().join("narrow.json"))
        .assert()
        .success();
}
