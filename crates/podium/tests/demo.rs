//! The end-to-end test: `podium demo` runs the whole program on a real anvil through the real
//! binaries, and its final accounting must balance to the wei. The test re-reads the accounting the
//! demo wrote and checks it independently of the demo's own verdict.

use std::{path::PathBuf, process::Command};

use alloy_primitives::U256;

fn claimer() -> PathBuf {
    let podium = PathBuf::from(env!("CARGO_BIN_EXE_podium"));
    let claimer = podium.with_file_name("podium-claim");
    assert!(
        claimer.is_file(),
        "{} is not built; run the workspace's tests (`cargo test --workspace`) or `cargo build -p podium-claim`",
        claimer.display()
    );
    claimer
}

fn wei(json: &serde_json::Value, key: &str) -> U256 {
    json[key]
        .as_str()
        .unwrap_or_else(|| panic!("accounting.json has no {key}"))
        .parse()
        .unwrap_or_else(|e| panic!("accounting.json {key}: {e}"))
}

#[test]
fn demo_runs_the_whole_program_and_the_accounting_balances() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    let out = Command::new(env!("CARGO_BIN_EXE_podium"))
        .args(["demo", "--dir"])
        .arg(&dir)
        .arg("--claimer")
        .arg(claimer())
        .output()
        .expect("run podium demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "podium demo failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );

    let accounting: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("accounting.json")).unwrap()).unwrap();
    let funded = wei(&accounting, "fundedWei");
    let claimed = wei(&accounting, "claimedWei");
    let returned = wei(&accounting, "returnedWei");
    let left = wei(&accounting, "balanceLeftWei");
    let lpt = U256::from(10u64).pow(U256::from(18u8));
    assert_eq!(
        funded,
        U256::from(21_000u64) * lpt,
        "the demo funds 3 x 7000 LPT"
    );
    assert_eq!(
        claimed + returned,
        funded,
        "funded = claimed + returned, to the wei"
    );
    assert_eq!(left, U256::ZERO, "nothing is left in the distributor");
    assert!(
        claimed > U256::ZERO && returned > U256::ZERO,
        "both claims and returns happen"
    );
    assert_eq!(accounting["balances"], true);

    // Each round's claims are within its total, and the story covered every role.
    for round in ["1", "2", "3"] {
        let r = &accounting["rounds"][round];
        assert!(r.is_object(), "round {round} missing from the accounting");
    }
    for needle in [
        "watch mode",
        "cold wallet",
        "stakes",
        "never claims",
        "Final accounting",
    ] {
        assert!(
            stdout.contains(needle),
            "the demo's story does not mention {needle:?}"
        );
    }
    for round in 1..=3 {
        assert!(dir.join(format!("rounds/round-{round}.json")).is_file());
        // Each week's scores came from `podium snapshot` against the demo's local leaderboard, for
        // exactly the round's window (issue 13).
        let record: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("rounds/round-{round}/scores/snapshot.json")))
                .expect("podium snapshot wrote the round's provenance record"),
        )
        .unwrap();
        assert_eq!(record["round"], round);
        assert!(
            record["baseUrl"]
                .as_str()
                .is_some_and(|u| u.starts_with("http://127.0.0.1:")),
            "round {round} was fetched from the local leaderboard: {}",
            record["baseUrl"]
        );
        let (since, until) = (
            record["since"].as_u64().unwrap(),
            record["until"].as_u64().unwrap(),
        );
        assert_eq!(until - since, 7 * 24 * 3600, "the round's week");
        assert!(
            dir.join(format!("rounds/round-{round}/scores/aggregated.json"))
                .is_file()
        );
    }
    // Each week the committee published the rounds (issue 17) and posted the published file's
    // location: the final site lists the three rounds, holds their files and the report page.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("site/index.json")).unwrap()).unwrap();
    let published: Vec<u64> = index["rounds"]
        .as_array()
        .expect("index.json lists the rounds")
        .iter()
        .map(|r| r["round"].as_u64().unwrap())
        .collect();
    assert_eq!(published, [1, 2, 3]);
    for round in 1..=3 {
        assert_eq!(
            std::fs::read(dir.join(format!("site/round-{round}.json"))).unwrap(),
            std::fs::read(dir.join(format!("rounds/round-{round}.json"))).unwrap(),
            "the site serves the round's distribution file as built"
        );
        assert!(
            stderr.contains(&format!("/round-{round}.json serves")),
            "post checked the published round {round} before sending"
        );
    }
    assert!(dir.join("site/report.html").is_file());
    // The watching orchestrator ran with no file arguments: it found each round on chain and
    // fetched its file from the posted uri (issue 17).
    let watcher = std::fs::read_to_string(dir.join("watcher.log")).expect("the watcher's log");
    assert!(
        watcher.contains("watching the distributor's posted rounds"),
        "the watcher discovers rounds:\n{watcher}"
    );
    for round in 1..=3 {
        let fetched = watcher.lines().any(|l| {
            l.contains(&format!(
                "round {round}: fetched and verified http://127.0.0.1:"
            )) && l.contains(&format!("/round-{round}.json"))
        });
        assert!(
            fetched,
            "the watcher fetched round {round} from the site:\n{watcher}"
        );
        assert!(
            watcher.contains(&format!("round {round}: claimed (claimed in 0x")),
            "the watcher claimed round {round}:\n{watcher}"
        );
    }
    // The demo ends with the program report (issue 8): a page with its charts.
    let html =
        std::fs::read_to_string(dir.join("report.html")).expect("the demo writes report.html");
    assert!(
        html.matches("<svg").count() >= 3,
        "the report page has charts"
    );
}
