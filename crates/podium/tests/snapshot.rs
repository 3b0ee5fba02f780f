//! `podium snapshot` against a real HTTP server on a free local port, started by each test: real-shaped
//! leaderboard answers (Go's encoding of livepeer/leaderboard-serverless's maps and structs), the
//! faults a public API has (5xx, a stall, a cut-off body, an HTML page, an empty answer), and the
//! acceptance check: `podium build` from the snapshot directory gives the same root as from the same
//! bodies saved by hand.

mod support;

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use assert_cmd::Command;
use serde_json::Value;
use support::http::{Reply, Server, ok};

/// Program round 1 ends 2020-01-13 00:00 UTC (1578873600); its default window starts 7 days before.
const PROGRAM: &str = r#"chain_id = 42161
token = "0x289ba1701C2F088cf0faf8B3705246331cB8A839"
funder = "0x1111111111111111111111111111111111111111"
committee = "0x2222222222222222222222222222222222222222"
start = "2020-01-06"
round_duration = "7d"
round_count = 3
round_budget = "7000"
root_delay = "2d"
claim_window = "90d"
"#;
const END_1: u64 = 1_578_873_600;
const WEEK: u64 = 604_800;

const RULES: &str = "round = 1\nbudget = \"7000\"\nthreshold = 0.3\n[pools.FRA]\nshare = \"0.5\"\n[pools.MDW]\nshare = \"0.5\"\n";

const O1: &str = "0x10b4b4c7a2a34f0c4d2b2b9a7e3f7f6f1f0e5a11";
const O2: &str = "0x2222bd0ad6a0e3c5e6f1f5d8c4a4b3a2a1a0a922";

/// `/api/aggregated_stats` as the server encodes it: `json.Marshal` of a map (keys sorted) of
/// `models.AggregatedStats` (success_rate, round_trip_score, score).
fn aggregated() -> String {
    format!(
        r#"{{"{O1}":{{"FRA":{{"success_rate":1,"round_trip_score":0.6436163135288563,"score":0.6436163135288563}},"MDW":{{"success_rate":0.5,"round_trip_score":0.6436163135288563,"score":0.32180815676442814}}}},"{O2}":{{"FRA":{{"success_rate":0.9,"round_trip_score":0.8646647167633873,"score":0.7781982450870486}}}}}}"#
    )
}

/// `/api/raw_stats?orchestrator=O1`: `models.Stats` grouped by region, zero fields omitted, an early
/// record with `"region": ""` under the key "", and the failed test of the issue in MDW.
fn raw_o1() -> String {
    format!(
        r#"{{"":[{{"region":"","orchestrator":"{O1}","success_rate":1,"round_trip_time":2,"errors":null,"timestamp":1578300000,"seg_duration":2}}],"FRA":[{{"region":"FRA","orchestrator":"{O1}","success_rate":1,"round_trip_time":1.9470436519285717,"errors":[],"timestamp":1578800000,"seg_duration":2.0088571428571425,"segments_sent":35,"segments_received":35,"upload_time":0.6381952857142857,"download_time":0.41520382857142857,"transcode_time":0.8936445376428572}}],"MDW":[{{"region":"MDW","orchestrator":"{O1}","success_rate":0,"round_trip_time":0,"errors":[{{"error_code":"OrchestratorBusy","count":15}}],"timestamp":1578800100,"segments_sent":15}},{{"region":"MDW","orchestrator":"{O1}","success_rate":1,"round_trip_time":1.9470436519285717,"errors":[],"timestamp":1578800000,"seg_duration":2.0088571428571425,"segments_sent":35,"segments_received":35}}]}}"#
    )
}

fn raw_o2() -> String {
    format!(
        r#"{{"FRA":[{{"region":"FRA","orchestrator":"{O2}","success_rate":1,"round_trip_time":1,"errors":[],"timestamp":1578800000,"seg_duration":2,"segments_sent":10,"segments_received":10}},{{"region":"FRA","orchestrator":"{O2}","success_rate":0.8,"round_trip_time":1,"errors":[{{"error_code":"SegmentTranscodeError","message":"timeout","count":2}}],"timestamp":1578800100,"seg_duration":2,"segments_sent":10,"segments_received":8}}],"MDW":null}}"#
    )
}

/// A scratch program: program.toml, rounds/round-1/rules.toml.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(program: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("program.toml"), program).unwrap();
        let r1 = dir.path().join("rounds/round-1");
        std::fs::create_dir_all(&r1).unwrap();
        std::fs::write(r1.join("rules.toml"), RULES).unwrap();
        Self { dir }
    }

    fn path(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    fn scores(&self) -> PathBuf {
        self.path("rounds/round-1/scores")
    }

    fn snapshot(&self, server: &Server, extra: &[&str]) -> (i32, String, String) {
        let out = Command::cargo_bin("podium")
            .unwrap()
            .current_dir(self.dir.path())
            .env_remove("ETH_RPC_URL")
            .env_remove("PODIUM_LEADERBOARD_URL")
            .args([
                "snapshot",
                "--round",
                "1",
                "--program",
                "program.toml",
                "--leaderboard-url",
                &server.url,
                "--timeout",
                "1",
                "--retries",
                "2",
                "--backoff",
                "10",
            ])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn build(&self, scores: &Path, out: &str) -> Value {
        let out = Command::cargo_bin("podium")
            .unwrap()
            .current_dir(self.dir.path())
            .args([
                "build",
                "--round",
                "1",
                "--rules",
                "rounds/round-1/rules.toml",
                "--scores",
            ])
            .arg(scores)
            .args(["--out", out, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn keccak_hex(bytes: &[u8]) -> String {
    alloy_primitives::keccak256(bytes).to_string()
}

#[test]
fn writes_the_answers_and_provenance_and_builds_the_same_root_as_the_bodies_saved_by_hand() {
    let case = Case::new(PROGRAM);
    let server = Server::start(vec![
        (Some("aggregated_stats"), ok(aggregated())),
        (Some(O1), ok(raw_o1())),
        (Some(O2), ok(raw_o2())),
    ]);
    let (code, out, err) = case.snapshot(&server, &["--raw", "--json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["status"], "written");
    assert_eq!(report["since"], END_1 - WEEK);
    assert_eq!(report["until"], END_1);
    assert!(
        report["warnings"][0]
            .as_str()
            .unwrap()
            .contains("skipped 1 test record with \"region\": \"\""),
        "{}",
        report["warnings"]
    );

    // The requests: the aggregated stats for the window, then one raw request per orchestrator.
    let seen = server.seen();
    let window = format!("since={}&until={END_1}", END_1 - WEEK);
    assert_eq!(seen[0], format!("/api/aggregated_stats?{window}"));
    let mut raw: Vec<&String> = seen[1..].iter().collect();
    raw.sort();
    assert_eq!(
        raw,
        vec![
            &format!("/api/raw_stats?orchestrator={O1}&{window}"),
            &format!("/api/raw_stats?orchestrator={O2}&{window}"),
        ]
    );

    // The bodies are stored byte for byte, and the record says where each came from.
    let dir = case.scores();
    let stored = std::fs::read(dir.join("aggregated.json")).unwrap();
    assert_eq!(stored, aggregated().as_bytes());
    assert_eq!(
        std::fs::read(dir.join(format!("raw/{O1}.json"))).unwrap(),
        raw_o1().as_bytes()
    );
    let record: Value =
        serde_json::from_slice(&std::fs::read(dir.join("snapshot.json")).unwrap()).unwrap();
    assert_eq!(record["format"], "podium-snapshot-v1");
    assert_eq!(record["baseUrl"], server.url);
    assert_eq!(record["since"], END_1 - WEEK);
    assert_eq!(record["until"], END_1);
    let requests = record["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3);
    let agg = &requests[0];
    assert_eq!(agg["endpoint"], "aggregated_stats");
    assert_eq!(
        agg["query"],
        serde_json::json!([
            ["since", (END_1 - WEEK).to_string()],
            ["until", END_1.to_string()]
        ])
    );
    assert_eq!(
        agg["url"],
        format!("{}/api/aggregated_stats?{window}", server.url)
    );
    assert_eq!(agg["status"], 200);
    assert_eq!(agg["attempts"], 1);
    assert_eq!(agg["keccak256"], keccak_hex(&stored));
    assert_eq!(agg["file"], "aggregated.json");
    assert_eq!(agg["scoreInput"], true);
    assert!(agg["fetchedAt"].as_u64().unwrap() > END_1);
    for r in &requests[1..] {
        assert_eq!(r["endpoint"], "raw_stats");
        assert_eq!(r["scoreInput"], false);
        let file = r["file"].as_str().unwrap();
        assert_eq!(
            r["keccak256"],
            keccak_hex(&std::fs::read(dir.join(file)).unwrap())
        );
    }

    // Acceptance: the same root from the snapshot directory as from the same body saved by hand.
    let by_hand = case.path("by-hand.json");
    std::fs::write(&by_hand, aggregated()).unwrap();
    let from_snapshot = case.build(&dir, "a.json");
    let from_hand = case.build(&by_hand, "b.json");
    assert_eq!(from_snapshot["root"], from_hand["root"]);
    assert_eq!(from_snapshot["total"], from_hand["total"]);
    let digest = |f: &str| -> Value {
        serde_json::from_slice::<Value>(&std::fs::read(case.path(f)).unwrap()).unwrap()
            ["inputsDigest"]
            .clone()
    };
    assert_eq!(digest("a.json"), digest("b.json"));
    // The raw records recompute the scores the aggregate states, to the last bit, in every region
    // (MDW holds the issue's failed test, its zero fields omitted).
    let from_raw = case.build(&dir.join("raw"), "c.json");
    let scores = |v: &Value| -> Vec<(String, String, f64)> {
        let mut out: Vec<_> = v["regions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| {
                r["orchestrators"].as_array().unwrap().iter().map(|o| {
                    (
                        r["region"].as_str().unwrap().to_owned(),
                        o["account"].as_str().unwrap().to_lowercase(),
                        o["score"].as_f64().unwrap(),
                    )
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        out
    };
    assert_eq!(scores(&from_snapshot).len(), 3);
    assert_eq!(scores(&from_snapshot), scores(&from_raw));

    // The report reads the snapshot directory as the round's scores (snapshot.json is no score).
    let out = Command::cargo_bin("podium")
        .unwrap()
        .current_dir(case.dir.path())
        .env_remove("ETH_RPC_URL")
        .args([
            "report",
            "--program",
            "program.toml",
            "--rounds",
            "rounds",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn running_again_says_unchanged_or_what_changed_and_replaces_only_with_force() {
    let case = Case::new(PROGRAM);
    let server = Server::start(vec![(None, ok(aggregated()))]);
    let (code, out, err) = case.snapshot(&server, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("wrote"), "{out}");
    let record = std::fs::read(case.scores().join("snapshot.json")).unwrap();

    let (code, out, _) = case.snapshot(&server, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("unchanged"), "{out}");
    assert_eq!(
        std::fs::read(case.scores().join("snapshot.json")).unwrap(),
        record,
        "an unchanged snapshot is not rewritten"
    );

    // The leaderboard now answers differently for the same window: O2 gone, O1's FRA score moved.
    let changed =
        format!(r#"{{"{O1}":{{"FRA":{{"success_rate":1,"round_trip_score":0.7,"score":0.7}}}}}}"#);
    server.set(vec![(None, ok(changed.clone()))]);
    let (code, out, _) = case.snapshot(&server, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("aggregated.json: FRA 0 orchestrators added, 1 removed, 1 scores changed; MDW 0 orchestrators added, 1 removed, 0 scores changed")
            && out.contains("nothing written: pass --force"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(case.scores().join("aggregated.json")).unwrap(),
        aggregated().as_bytes()
    );
    let (code, out, _) = case.snapshot(&server, &["--force"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        std::fs::read(case.scores().join("aggregated.json")).unwrap(),
        changed.as_bytes()
    );
}

#[test]
fn a_500_then_success_is_retried_and_recorded() {
    let case = Case::new(PROGRAM);
    let server = Server::start(vec![
        (
            None,
            Reply::Json(
                "500 Internal Server Error",
                "{\"error\":\"context deadline exceeded\"}\n".into(),
            ),
        ),
        (None, ok(aggregated())),
    ]);
    let (code, out, err) = case.snapshot(&server, &["--json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let record: Value =
        serde_json::from_slice(&std::fs::read(case.scores().join("snapshot.json")).unwrap())
            .unwrap();
    assert_eq!(record["requests"][0]["attempts"], 2);
    assert_eq!(record["requests"][0]["status"], 200);
    assert_eq!(server.seen().len(), 2);
}

/// Runs a snapshot that must fail: exit 2, the URL and every part in the message, nothing written.
fn fails(replies: Vec<(Option<&'static str>, Reply)>, extra: &[&str], parts: &[&str]) {
    let case = Case::new(PROGRAM);
    let server = Server::start(replies);
    let (code, out, err) = case.snapshot(&server, extra);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(
        err.contains(&format!("{}/api/", server.url)),
        "no URL in: {err}"
    );
    for p in parts {
        assert!(err.contains(p), "{p:?} not in: {err}");
    }
    assert!(!case.scores().exists(), "something was written");
    let left: Vec<_> = std::fs::read_dir(case.path("rounds/round-1"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("rules.toml")]);
}

#[test]
fn a_server_error_that_lasts_is_an_error_after_the_retries() {
    fails(
        vec![(
            None,
            Reply::Json(
                "500 Internal Server Error",
                "{\"error\":\"database is down\"}\n".into(),
            ),
        )],
        &[],
        &[
            "HTTP 500 Internal Server Error: database is down",
            "gave up after 3 attempts",
        ],
    );
}

#[test]
fn a_client_error_is_not_retried_and_shows_the_servers_message() {
    fails(
        vec![(
            None,
            Reply::Json(
                "400 Bad Request",
                "{\"error\":\"strconv.ParseFloat: parsing \\\"x\\\": invalid syntax\"}\n".into(),
            ),
        )],
        &[],
        &["HTTP 400 Bad Request: strconv.ParseFloat"],
    );
}

#[test]
fn a_stalled_answer_times_out() {
    fails(
        vec![(None, Reply::Stall(Duration::from_secs(5)))],
        &[],
        &["no answer within 1 s", "gave up after 3 attempts"],
    );
}

#[test]
fn a_truncated_body_is_refused() {
    let body = aggregated();
    fails(
        vec![(
            None,
            Reply::CutOff(body.len(), body[..body.len() / 2].to_owned()),
        )],
        &[],
        &["cut off"],
    );
}

#[test]
fn an_html_page_instead_of_json_is_refused() {
    fails(
        vec![(
            None,
            Reply::Html(
                "<!DOCTYPE html><html><body>Vercel: deployment not found</body></html>".into(),
            ),
        )],
        &[],
        &["HTML page", "base URL"],
    );
}

#[test]
fn an_empty_answer_is_refused() {
    fails(
        vec![(None, ok("{}".into()))],
        &[],
        &["has no scores for round 1's window", "nothing written"],
    );
}

#[test]
fn an_answer_with_a_bad_score_names_the_url_and_the_place() {
    fails(
        vec![(
            None,
            ok(format!(
                r#"{{"{O1}":{{"FRA":{{"success_rate":1,"round_trip_score":1,"score":1.5}}}}}}"#
            )),
        )],
        &[],
        &["line 1, column", "out of range"],
    );
}

#[test]
fn ai_pipeline_records_are_refused() {
    let ai = format!(
        r#"{{"FRA":[{{"region":"FRA","orchestrator":"{O1}","success_rate":1,"round_trip_time":3.1,"errors":[],"timestamp":1578800000,"model":"ByteDance/SDXL-Lightning","pipeline":"text-to-image"}}]}}"#
    );
    fails(
        vec![
            (Some("aggregated_stats"), ok(aggregated())),
            (Some("raw_stats"), ok(ai)),
        ],
        &["--raw"],
        &["AI-pipeline", "transcoding scores only"],
    );
}

#[test]
fn per_region_requests_and_a_shorter_window() {
    let case = Case::new(PROGRAM);
    let fra = format!(
        r#"{{"{O1}":{{"FRA":{{"success_rate":1,"round_trip_score":0.6436163135288563,"score":0.6436163135288563}}}}}}"#
    );
    let server = Server::start(vec![
        (Some("region=FRA"), ok(fra)),
        (Some("region=MDW"), ok("{}".into())),
    ]);
    let (code, out, err) = case.snapshot(
        &server,
        &["--region", "fra", "--region", "MDW", "--window", "3d"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let mut seen = server.seen();
    seen.sort();
    let window = format!("since={}&until={END_1}", END_1 - 3 * 86_400);
    assert_eq!(
        seen,
        vec![
            format!("/api/aggregated_stats?region=FRA&{window}"),
            format!("/api/aggregated_stats?region=MDW&{window}"),
        ]
    );
    assert!(case.scores().join("aggregated-FRA.json").is_file());
    assert!(
        !case.scores().join("aggregated-MDW.json").exists(),
        "an empty answer is not stored"
    );
    assert!(out.contains("empty, not stored"), "{out}");
}

#[test]
fn refuses_a_round_that_has_not_ended() {
    let case = Case::new(&PROGRAM.replace("2020-01-06", "2999-01-06"));
    let server = Server::start(vec![(None, ok(aggregated()))]);
    let (code, _, err) = case.snapshot(&server, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("round 1 ends at 2999-01-13 00:00 UTC") && err.contains("not complete yet"),
        "{err}"
    );
    assert!(server.seen().is_empty(), "nothing was asked");
    assert!(!case.scores().exists());
}
