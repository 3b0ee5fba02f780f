//! Shared by the report tests: a rounds directory in the documented layout, made from the demo's
//! three weeks with the real `podium build`, so the distribution files are never stale fixtures.
#![allow(dead_code, unreachable_pub)] // each test binary uses its own part

use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use assert_cmd::Command;
use podium_chain::{
    block_on,
    fixture::{Program, ProgramBuilder},
};
use serde_json::Value;

/// The `podium` binary.
pub fn podium() -> Command {
    Command::cargo_bin("podium").unwrap()
}

/// A file under the repository's `demo/`.
pub fn demo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../demo")
        .join(path)
}

/// A program file like the real program's (3 weekly rounds of 7000 LPT on Arbitrum One).
pub const PROGRAM: &str = r#"
chain_id = 42161
token = "0x289ba1701C2F088cf0faf8B3705246331cB8A839"
funder = "0x1111111111111111111111111111111111111111"
committee = "0x2222222222222222222222222222222222222222"
start = 2026-12-07T00:00:00Z
round_duration = "7d"
round_count = 3
round_budget = "7000"
root_delay = "2d"
claim_window = "90d"
"#;

/// Writes `dir/program.toml` and `dir/rounds/round-N/{rules.toml, scores/weekN.json,
/// distribution.json}` for the demo's `rounds` first weeks; returns (program, rounds dir).
pub fn demo_layout(dir: &Path, rounds: u64) -> (PathBuf, PathBuf) {
    std::fs::create_dir_all(dir).unwrap();
    let program = dir.join("program.toml");
    std::fs::write(&program, PROGRAM).unwrap();
    let rounds_dir = dir.join("rounds");
    for n in 1..=rounds {
        let round = rounds_dir.join(format!("round-{n}"));
        std::fs::create_dir_all(round.join("scores")).unwrap();
        std::fs::copy(
            demo(&format!("rules/round{n}.toml")),
            round.join("rules.toml"),
        )
        .unwrap();
        let scores = round.join(format!("scores/week{n}.json"));
        std::fs::copy(demo(&format!("scores/week{n}.json")), &scores).unwrap();
        podium()
            .args(["build", "--round", &n.to_string(), "--rules"])
            .arg(round.join("rules.toml"))
            .arg("--scores")
            .arg(&scores)
            .arg("--out")
            .arg(round.join("distribution.json"))
            .arg("--json")
            .assert()
            .success();
    }
    (program, rounds_dir)
}

/// What [`deploy_two_rounds`] put on the chain and in the fixture's directory.
pub struct Deployed {
    pub fx: Program,
    /// The BondingManager double.
    pub bm: Address,
    /// `program.toml` in the fixture's directory, describing the deployed program.
    pub program: PathBuf,
}

/// For the report's chain tests: the program fixture with a two-round distributor (100 a round,
/// weekly, 1-day root delay, 60-day claim window; funder and committee anvil's account 0) starting
/// `start_in` seconds from now, with the minting and funding `setup` adds; the BondingManager double;
/// and the matching program.toml.
pub fn deploy_two_rounds(
    start_in: u64,
    setup: impl FnOnce(ProgramBuilder) -> ProgramBuilder,
) -> Deployed {
    let builder = Program::builder()
        .start_in(start_in)
        .round_duration(7 * 86_400)
        .round_count(2)
        .round_budget(100)
        .root_delay(86_400)
        .claim_window(60 * 86_400);
    let fx = block_on(setup(builder).spawn());
    let bm = block_on(fx.deploy_bonding_manager());
    let program = fx.path("program.toml");
    fx.write_program(&program);
    Deployed { fx, bm, program }
}

/// Runs `podium report --json` with `extra` arguments and parses the output.
pub fn report_json(program: &Path, rounds: &Path, extra: &[&str]) -> Value {
    let out = podium()
        .arg("report")
        .arg("--program")
        .arg(program)
        .arg("--rounds")
        .arg(rounds)
        .arg("--json")
        .args(extra)
        .env_remove("ETH_RPC_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "podium report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The numbers the page must show, keyed as its `data-k` attributes, from the JSON report.
pub fn expected_numbers(json: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for r in json["rounds"].as_array().unwrap() {
        let n = r["round"].as_u64().unwrap();
        for (key, short) in [
            ("scored", "scored"),
            ("metThreshold", "met"),
            ("firstSeenInScores", "new"),
        ] {
            out.push((format!("r{n}.all.{short}"), r[key].to_string()));
        }
        if let Some(registered) = r["newlyRegistered"].as_u64() {
            out.push((format!("r{n}.registered"), registered.to_string()));
        }
        for key in ["paid", "unallocated"] {
            out.push((format!("r{n}.{key}"), r[key].as_str().unwrap().to_owned()));
        }
        for g in r["regions"].as_array().unwrap() {
            let region = g["region"].as_str().unwrap();
            for (key, short) in [
                ("scored", "scored"),
                ("metThreshold", "met"),
                ("firstSeenInScores", "new"),
                ("excluded", "excluded"),
            ] {
                out.push((format!("r{n}.{region}.{short}"), g[key].to_string()));
            }
            for key in ["pool", "split", "paid", "unallocated"] {
                out.push((
                    format!("r{n}.{region}.{key}"),
                    g[key].as_str().unwrap().to_owned(),
                ));
            }
            for (k, t) in g["top5"].as_array().unwrap().iter().enumerate() {
                out.push((
                    format!("r{n}.{region}.top{}", k + 1),
                    t["score"].to_string(),
                ));
            }
        }
        if let Some(c) = r["chain"].as_object() {
            out.push((
                format!("r{n}.claimed"),
                c["claimed"].as_str().unwrap().to_owned(),
            ));
            out.push((
                format!("r{n}.unclaimed"),
                c["unclaimed"].as_str().unwrap().to_owned(),
            ));
            if let Some(s) = c["stakedWithin7Days"].as_str() {
                out.push((format!("r{n}.staked"), s.to_owned()));
            }
        }
    }
    out
}

/// Every element named `tag` in `html`, as its attribute list (double-quoted attributes, as both
/// podium and Chromium's serialiser write them).
pub fn elements(html: &str, tag: &str) -> Vec<Vec<(String, String)>> {
    let open = format!("<{tag} ");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        rest = &rest[i + open.len()..];
        let end = rest.find('>').unwrap();
        let mut attrs = Vec::new();
        let mut s = rest[..end].trim_end_matches('/');
        while let Some(eq) = s.find("=\"") {
            let name = s[..eq].trim().to_owned();
            let after = &s[eq + 2..];
            let close = after.find('"').unwrap();
            attrs.push((name, after[..close].to_owned()));
            s = &after[close + 1..];
        }
        out.push(attrs);
        rest = &rest[end..];
    }
    out
}

/// An attribute's value.
pub fn attr<'a>(el: &'a [(String, String)], name: &str) -> Option<&'a str> {
    el.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Whole numbers (counts, base units) compare exactly as text; others (scores, which may print as
/// `1` or `1.0`) as numbers.
pub fn same_number(a: &str, b: &str) -> bool {
    let whole = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if whole(a) && whole(b) {
        return a == b;
    }
    matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if x == y)
}
