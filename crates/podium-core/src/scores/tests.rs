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
