use std::path::Path;

use super::*;
use crate::parse_address;

const A: &str = "0x3e2b450c0c499d8301146367680e067cd009db93";
const B: &str = "0x00000000000000000000000000000000000000b0";

fn load(name: &str, text: &str) -> Result<ScoreSet> {
    let mut set = ScoreSet::new();
    set.add_bytes(Path::new(name), text.as_bytes())?;
    Ok(set)
}

fn score(set: &ScoreSet, region: &str, account: &str) -> f64 {
    set.regions()[&Region::parse(region).unwrap()][&parse_address(account).unwrap()].score
}

#[test]
fn reads_aggregated_json_for_all_regions() {
    let json = format!(
        r#"{{"{A}": {{"fra": {{"success_rate": 1, "round_trip_score": 0.98, "score": 0.98}},
                     "MDW": {{"score": 0.5, "extra": "ignored"}}}},
            "{}": {{"FRA": {{"score": 0}}}}}}"#,
        B.to_uppercase().replace("0X", "0x")
    );
    let set = load("stats.json", &json).unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(score(&set, "FRA", A), 0.98);
    assert_eq!(score(&set, "mdw", A), 0.5);
    assert_eq!(score(&set, "FRA", B), 0.0);
    let s = set.regions()[&Region::parse("FRA").unwrap()][&parse_address(A).unwrap()];
    assert_eq!(s.success_rate, Some(1.0));
    assert_eq!(s.round_trip_score, Some(0.98));
}

#[test]
fn merges_per_region_files_and_rejects_a_repeat_across_files() {
    let mut set = ScoreSet::new();
    set.add_bytes(
        Path::new("fra.json"),
        format!(r#"{{"{A}": {{"FRA": {{"score": 0.4}}}}}}"#).as_bytes(),
    )
    .unwrap();
    set.add_bytes(
        Path::new("mdw.json"),
        format!(r#"{{"{A}": {{"MDW": {{"score": 0.6}}}}}}"#).as_bytes(),
    )
    .unwrap();
    assert_eq!(set.len(), 2);
    let err = set
        .add_bytes(
            Path::new("mdw.csv"),
            format!("address,region,score\n{A},mdw,0.7\n").as_bytes(),
        )
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("mdw.csv:2") && msg.contains("mdw.json") && msg.contains("MDW"),
        "{msg}"
    );
    assert_eq!(set.len(), 2, "a failed file merges nothing");
}

#[test]
fn reads_csv_with_extra_columns_in_any_order() {
    let csv =
        format!("Region, success_rate ,score,address,note\nsin,1,0.25,{A},hello\nSIN,,1,{B},\n");
    let set = load("scores.csv", &csv).unwrap();
    assert_eq!(score(&set, "SIN", A), 0.25);
    assert_eq!(score(&set, "SIN", B), 1.0);
}

#[test]
fn aggregates_raw_records_like_the_leaderboard() {
    let csv = format!(
        "region,orchestrator,timestamp,segments_sent,segments_received,success_rate,seg_duration,round_trip_time\n\
         FRA,{A},1,10,10,1,2,1\nFRA,{A},2,10,5,0.5,2,3\nMDW,{A},3,10,10,1,2,0\n"
    );
    let set = load("raw.csv", &csv).unwrap();
    let expected = 0.75 * (1.0 - (-2.0f64 / 2.0).exp());
    assert_eq!(score(&set, "FRA", A), expected);
    assert_eq!(score(&set, "MDW", A), 0.0, "no round trip measured");

    let json = format!(
        r#"{{"FRA": [{{"orchestrator": "{A}", "success_rate": 0.5, "seg_duration": 2, "round_trip_time": 3, "timestamp": 2}},
                     {{"region": "fra", "orchestrator": "{A}", "success_rate": 1, "seg_duration": 2, "round_trip_time": 1}}]}}"#
    );
    assert_eq!(score(&load("raw.json", &json).unwrap(), "FRA", A), expected);
    let array = format!(
        r#"[{{"region": "FRA", "orchestrator": "{A}", "success_rate": 1, "seg_duration": 2, "round_trip_time": 1}},
            {{"region": "FRA", "orchestrator": "{A}", "success_rate": 0.5, "seg_duration": 2, "round_trip_time": 3}}]"#
    );
    assert_eq!(
        score(&load("raw.json", &array).unwrap(), "FRA", A),
        expected
    );
}

#[test]
fn raw_aggregation_does_not_depend_on_record_order() {
    let records: Vec<RawRecord> = (0..50)
        .map(|i| RawRecord {
            success_rate: (i % 7) as f64 / 7.0,
            seg_duration: 0.1 + i as f64 * 0.37,
            round_trip_time: 3.3 - i as f64 * 0.05,
        })
        .collect();
    let mut reversed = records.clone();
    reversed.reverse();
    assert_eq!(aggregate_raw(&records), aggregate_raw(&reversed));
}

fn err(name: &str, text: &str) -> String {
    load(name, text).unwrap_err().to_string()
}

#[test]
fn json_errors_carry_line_and_column() {
    let e = err("s.json", "{\n  \"0xab\": 1\n}");
    assert!(
        e.contains("s.json: line 2, column") && e.contains("is not an address"),
        "{e}"
    );
    let e = err(
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"score\": 1.5}}}}}}"),
    );
    assert!(e.contains("line 1") && e.contains("out of range"), "{e}");
    let e = err(
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"score\": -0.1}}}}}}"),
    );
    assert!(e.contains("negative"), "{e}");
    let e = err(
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"score\": NaN}}}}}}"),
    );
    assert!(e.contains("line 1, column"), "{e}");
    let e = err(
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"success_rate\": 1}}}}}}"),
    );
    assert!(e.contains("missing field `score`"), "{e}");
    let e = err(
        "s.json",
        &format!("{{\"{A}\": {{\"FRA\": {{\"score\": 1}}, \"fra\": {{\"score\": 1}}}}}}"),
    );
    assert!(e.contains("appears twice in region FRA"), "{e}");
    let e = err("s.json", "{\"0x12\": ");
    assert!(e.contains("s.json: line 1"), "{e}");
    let e = err("s.json", "{\"FRA\": [");
    assert!(e.contains("EOF"), "{e}");
}

#[test]
fn csv_errors_carry_line_and_column() {
    let e = err("s.csv", "address,region\n");
    assert!(
        e.contains("s.csv: line 1") && e.contains("missing column \"score\""),
        "{e}"
    );
    let e = err(
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5\n0x1234,FRA,0.5\n"),
    );
    assert!(
        e.contains("s.csv: line 3, column address: \"0x1234\" is not an address"),
        "{e}"
    );
    let e = err("s.csv", &format!("address,region,score\n{A},FRA,NaN\n"));
    assert!(e.contains("line 2, column score: score is NaN"), "{e}");
    let e = err("s.csv", &format!("address,region,score\n{A},FRA,abc\n"));
    assert!(
        e.contains("column score") && e.contains("not a number"),
        "{e}"
    );
    let e = err(
        "s.csv",
        &format!("address,region,score\n{A},FRA,0.5,extra\n"),
    );
    assert!(
        e.contains("line 2") && e.contains("4 cells but the header has 3 columns"),
        "{e}"
    );
    let e = err(
        "s.csv",
        &format!(
            "address,region,score\n{A},FRA,0.5\n{},fra,0.6\n",
            A.to_uppercase().replace("0X", "0x")
        ),
    );
    assert!(
        e.contains("s.csv:3") && e.contains("first in s.csv:2"),
        "{e}"
    );
    let e = err("s.csv", &format!("address,region,score\n{A},F R A,0.5\n"));
    assert!(e.contains("column region"), "{e}");
}

#[test]
fn empty_inputs_are_errors() {
    for (name, text) in [
        ("e.json", ""),
        ("e.csv", "  \n"),
        ("e.json", "{}"),
        ("e.json", "[]"),
        ("e.csv", "address,region,score\n"),
    ] {
        let e = err(name, text);
        assert!(e.contains("has no scores"), "{name} {text:?}: {e}");
    }
}

/// Real-shaped raw-stats answers (`tests/fixtures/raw-stats-*.json`): the leaderboard's `models.Stats`
/// as Go encodes it, every zero field after `round_trip_time` omitted.
fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_design_example_record_alone_scores_as_on_the_leaderboard() {
    let set = load("ex.json", &fixture("raw-stats-design-example.json")).unwrap();
    assert_eq!(score(&set, "FRA", A), 0.6436163135288563);
    assert!(set.warnings().is_empty());
}

#[test]
fn a_failed_test_that_omits_its_zero_fields_counts_as_zeros() {
    let set = load("pair.json", &fixture("raw-stats-with-failed-test.json")).unwrap();
    // The server: AVG(COALESCE(x, 0)) over both records, then
    // success_rate × (1 − math.Pow(math.E, −seg/rtt)).
    let (sr, seg, rtt) = (
        (0.0 + 1.0) / 2.0,
        (0.0 + 2.0088571428571425) / 2.0,
        (0.0 + 1.9470436519285717) / 2.0,
    );
    let expected = sr * (1.0 - exp_neg_like_go(seg / rtt));
    assert_eq!(score(&set, "FRA", A), expected);
    // The same figure from an independent port of Go's Pow (Python, on glibc's exp and log).
    assert_eq!(expected, 0.32180815676442814);

    // Writing the omitted fields out as zeros changes nothing.
    let explicit = fixture("raw-stats-with-failed-test.json").replace(
        r#""segments_sent":15}"#,
        r#""segments_sent":15,"seg_duration":0,"segments_received":0,"upload_time":0,"download_time":0,"transcode_time":0}"#,
    );
    assert_ne!(explicit, fixture("raw-stats-with-failed-test.json"));
    assert_eq!(
        score(&load("explicit.json", &explicit).unwrap(), "FRA", A),
        expected
    );
}

#[test]
fn the_issue_failed_test_example_parses_and_scores_zero() {
    // The issue's record; the orchestrator's middle digits were elided there and are filled in here.
    let set = load("mdw.json", &fixture("raw-stats-issue-example.json")).unwrap();
    let s = set.regions()[&Region::parse("MDW").unwrap()]
        [&parse_address("0x0fc80000000000000000000000000000000f8658").unwrap()];
    assert_eq!(s.score, 0.0);
    assert_eq!(s.success_rate, Some(0.0));
    assert_eq!(s.round_trip_score, Some(0.0));
}

#[test]
fn early_data_null_lists_are_empty_and_records_without_a_region_are_skipped_and_counted() {
    let set = load("early.json", &fixture("raw-stats-early-data.json")).unwrap();
    assert_eq!(set.len(), 1, "only SIN has records with a region");
    assert_eq!(score(&set, "SIN", A), 1.0 - exp_neg_like_go(1.0));
    assert_eq!(set.warnings().len(), 1);
    let w = &set.warnings()[0];
    assert!(
        w.contains("early.json") && w.contains("skipped 2 test records"),
        "{w}"
    );

    // Nothing but region-less records: no scores, and the message says why.
    let e = err(
        "only.json",
        &format!(r#"{{"": [{{"region": "", "orchestrator": "{A}", "success_rate": 1}}]}}"#),
    );
    assert!(e.contains("region") && e.contains("no scores"), "{e}");
    // A CSV of raw records skips an empty region cell too, and empty numbers count as 0.
    let csv = format!(
        "region,orchestrator,success_rate,seg_duration,round_trip_time\n,{A},1,2,1\nFRA,{A},1,,2\n"
    );
    let set = load("raw.csv", &csv).unwrap();
    assert_eq!(score(&set, "FRA", A), 0.0);
    assert_eq!(set.warnings().len(), 1);
}

#[test]
fn ai_pipeline_records_are_refused_with_the_reason() {
    let e = err(
        "ai.json",
        &format!(
            r#"{{"FRA": [{{"region": "FRA", "orchestrator": "{A}", "success_rate": 1, "round_trip_time": 3.2,
                 "pipeline": "text-to-image", "model": "ByteDance/SDXL-Lightning"}}]}}"#
        ),
    );
    assert!(
        e.contains("ai.json: line")
            && e.contains("AI-pipeline")
            && e.contains("text-to-image")
            && e.contains("transcoding scores only"),
        "{e}"
    );
}

#[test]
fn a_byte_order_mark_is_not_data() {
    let json = format!("\u{feff}{{\"{A}\": {{\"FRA\": {{\"score\": 0.5}}}}}}");
    assert_eq!(score(&load("bom.json", &json).unwrap(), "FRA", A), 0.5);
}

#[test]
fn exp_like_go_follows_gos_pow() {
    // Go's math.Pow(math.E, -x) and exp(-x) differ in the last bit for most x; these values come
    // from a port of Go's Pow algorithm (Python, on glibc's exp and log) and differ from exp here.
    let x = 2.0088571428571425 / 1.9470436519285717;
    assert_eq!(1.0 - exp_neg_like_go(x), 0.6436163135288563);
    assert_eq!(exp_neg_like_go(0.0), 1.0);
    assert_eq!(exp_neg_like_go(0.5), 1.0 / std::f64::consts::E.sqrt());
    assert_eq!(exp_neg_like_go(f64::INFINITY), 0.0);
    assert_eq!(exp_neg_like_go(1e300), 0.0);
    assert_eq!(exp_neg_like_go(30.5), 5.6756852326327297e-14);
    assert_eq!(exp_neg_like_go(557.5902614763401), 6.944264875980874e-243);
    assert_eq!(std::f64::consts::E.ln(), 1.0, "Go's Log(E) is 1 too");
}

mod props {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn go_pow_stays_close_to_exp(x in 0.0f64..700.0) {
            // Go's repeated squaring loses a few ulps per doubling of a large exponent (144 ulps
            // at x = 557); for the latency scores that matter (x below ~40) it is within an ulp or
            // two, and everywhere well within 1e-12 relative.
            let go = exp_neg_like_go(x);
            let std = (-x).exp();
            prop_assert!(((go - std) / std).abs() < 1e-12, "x {x}: {go} vs {std}");
        }

        #[test]
        fn raw_scores_are_in_range_and_order_free(
            records in proptest::collection::vec(
                (0.0f64..=1.0, 0.0f64..10.0, prop_oneof![Just(0.0), 0.0f64..20.0]),
                1..40,
            ),
            seed in any::<u64>(),
        ) {
            let records: Vec<RawRecord> = records
                .into_iter()
                .map(|(success_rate, seg_duration, round_trip_time)| RawRecord {
                    success_rate,
                    seg_duration,
                    round_trip_time,
                })
                .collect();
            let s = aggregate_raw(&records);
            prop_assert!((0.0..=1.0).contains(&s.score));
            let mut shuffled = records.clone();
            let len = shuffled.len();
            shuffled.rotate_left((seed as usize) % len);
            prop_assert_eq!(aggregate_raw(&shuffled), s);
            if records.iter().all(|r| r.round_trip_time == 0.0) {
                prop_assert_eq!(s.score, 0.0);
            }
        }
    }
}

#[test]
fn a_snapshot_directory_reads_its_listed_files_and_checks_their_digests() {
    use snapshot::{SNAPSHOT_FILE, SNAPSHOT_FORMAT, Snapshot, SnapshotRequest};
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        r#"{{"{A}": {{"FRA": {{"success_rate": 1, "round_trip_score": 0.5, "score": 0.5}}}}}}"#
    );
    std::fs::write(dir.path().join("aggregated.json"), &body).unwrap();
    std::fs::create_dir(dir.path().join("raw")).unwrap();
    std::fs::write(
        dir.path().join("raw").join("x.json"),
        fixture("raw-stats-design-example.json"),
    )
    .unwrap();
    // Without a record: every score file at the top, not the raw/ subdirectory.
    let mut set = ScoreSet::new();
    set.add_file(dir.path()).unwrap();
    assert_eq!(score(&set, "FRA", A), 0.5);

    let request = |file: &str, digest: B256| SnapshotRequest {
        endpoint: "aggregated_stats".into(),
        query: vec![("since".into(), "1".into()), ("until".into(), "2".into())],
        url: "http://127.0.0.1:1/api/aggregated_stats?since=1&until=2".into(),
        status: 200,
        attempts: 1,
        fetched_at: 3,
        fetched_at_utc: "1970-01-01 00:00:03 UTC".into(),
        bytes: body.len() as u64,
        keccak256: digest,
        file: Some(file.into()),
        score_input: true,
    };
    let mut record = Snapshot {
        format: SNAPSHOT_FORMAT.into(),
        round: 1,
        base_url: "http://127.0.0.1:1".into(),
        since: 1,
        until: 2,
        window: "test".into(),
        tool: "test".into(),
        requests: vec![request("aggregated.json", keccak256(body.as_bytes()))],
    };
    std::fs::write(dir.path().join(SNAPSHOT_FILE), record.to_json()).unwrap();
    let mut set = ScoreSet::new();
    set.add_file(dir.path()).unwrap();
    assert_eq!(set.len(), 1);
    let mut by_hand = ScoreSet::new();
    by_hand
        .add_bytes(Path::new("elsewhere.json"), body.as_bytes())
        .unwrap();
    assert_eq!(set.inputs_digest(), by_hand.inputs_digest());

    // A body edited after the snapshot is refused.
    record.requests[0].keccak256 = B256::repeat_byte(7);
    std::fs::write(dir.path().join(SNAPSHOT_FILE), record.to_json()).unwrap();
    let e = ScoreSet::from_files(&[dir.path()]).unwrap_err().to_string();
    assert!(
        e.contains("aggregated.json") && e.contains("changed after the snapshot"),
        "{e}"
    );

    // A score file the record does not list is refused, not silently left out.
    record.requests[0].keccak256 = keccak256(body.as_bytes());
    std::fs::write(dir.path().join(SNAPSHOT_FILE), record.to_json()).unwrap();
    std::fs::write(dir.path().join("extra.csv"), "address,region,score\n").unwrap();
    let e = ScoreSet::from_files(&[dir.path()]).unwrap_err().to_string();
    assert!(
        e.contains("extra.csv") && e.contains("not one of the snapshot's files"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("extra.csv")).unwrap();

    // A record that points outside its directory is refused.
    record.requests[0].file = Some("../aggregated.json".into());
    std::fs::write(dir.path().join(SNAPSHOT_FILE), record.to_json()).unwrap();
    let e = ScoreSet::from_files(&[dir.path()]).unwrap_err().to_string();
    assert!(e.contains("not a plain path"), "{e}");
}
