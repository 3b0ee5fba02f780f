//! The edges a committee member hits (issue 18), through the real binary: `verify` checks every
//! field, checksummed addresses everywhere, broken pipes, and the exact sentences people read,
//! kept as `insta` snapshots (`tests/snapshots/`) so they stay as written. Commands run inside a
//! scratch directory with relative paths, so the messages hold no temporary path.

use std::{
    path::{Path, PathBuf},
    process::{Command as StdCommand, Stdio},
};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

const A: &str = "0x10b4b4c7a2a34f0c4d2b2b9a7e3f7f6f1f0e5a11";
/// Livepeer Inc.'s orchestrator, checksummed, and the same with one letter's case flipped.
const INC: &str = "0x3E2B450c0c499D8301146367680E067CD009DB93";
const INC_TYPO: &str = "0x3E2B450c0c499d8301146367680E067CD009DB93";
const RULES: &str = "round = 1\nbudget = \"100\"\nthreshold = 0.3\n[pools.FRA]\nshare = \"0.5\"\n";
const DISTRIBUTOR: &str = "0x00000000000000000000000000000000000000D1";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A scratch directory that commands run in.
struct Dir(TempDir);

impl Dir {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Self {
        std::fs::write(self.0.path().join(name), bytes).unwrap();
        self
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }

    fn podium(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("podium").unwrap();
        cmd.current_dir(self.0.path())
            .env_remove("ETH_RPC_URL")
            .env_remove("CHAIN")
            .env_remove("PODIUM_DEPLOYMENT")
            .env_remove("PODIUM_DISTRIBUTOR")
            .args(args);
        cmd
    }

    /// Runs podium and returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.podium(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The error a failing command prints (exit 2), as one snapshot line.
    fn error(&self, args: &[&str]) -> String {
        let (code, _, stderr) = self.run(args);
        assert_eq!(code, 2, "{args:?} should fail with exit 2:\n{stderr}");
        stderr.trim_end().to_owned()
    }

    /// Builds the CLI fixtures' round 1 into `round-1.json`, on chain 42161 with distributor 0x…D1.
    fn build_fixture(&self) {
        for name in [
            "rules.toml",
            "scores-fra.json",
            "scores-mdw.csv",
            "raw-sin.csv",
        ] {
            std::fs::copy(fixture(name), self.path(name)).unwrap();
        }
        let (code, _, stderr) = self.run(&build_fixture_args("round-1.json"));
        assert_eq!(code, 0, "{stderr}");
    }

    /// `podium verify` of `file` with the fixtures' rules and scores and any extra arguments.
    fn verify(&self, file: &str, extra: &[&str]) -> (i32, String, String) {
        let mut args = vec![
            "verify",
            "--distribution",
            file,
            "--rules",
            "rules.toml",
            "--scores",
            "scores-fra.json",
            "scores-mdw.csv",
            "raw-sin.csv",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Writes `round-1.json` with `edit` applied to its text as `name`.
    fn edited(&self, name: &str, edit: impl Fn(&str) -> String) {
        let text = std::fs::read_to_string(self.path("round-1.json")).unwrap();
        let changed = edit(&text);
        assert_ne!(changed, text, "the edit changed nothing");
        self.write(name, changed);
    }
}

/// `podium build` of the CLI fixtures' round 1 into `out`, on chain 42161 with distributor 0x…D1.
fn build_fixture_args(out: &str) -> Vec<&str> {
    vec![
        "build",
        "--round",
        "1",
        "--rules",
        "rules.toml",
        "--scores",
        "scores-fra.json",
        "scores-mdw.csv",
        "raw-sin.csv",
        "--chain-id",
        "42161",
        "--distributor",
        DISTRIBUTOR,
        "--out",
        out,
    ]
}

/// Why, first bullet: `verify` said "match" for an edited `decimals`, `chainId`, `distributor` or an
/// address key's letter case.
#[test]
fn verify_reports_edits_of_every_field() {
    let d = Dir::new();
    d.build_fixture();
    let (code, stdout, _) = d.verify("round-1.json", &[]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("verify_match_says_what_was_not_checked", stdout);
    let (code, stdout, _) = d.verify(
        "round-1.json",
        &["--distributor", DISTRIBUTOR, "--chain", "42161"],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("checked: the chain id and the distributor"),
        "{stdout}"
    );

    d.edited("decimals.json", |t| {
        t.replacen("\"decimals\": 18", "\"decimals\": 19", 1)
    });
    d.edited("chain.json", |t| {
        t.replacen("\"chainId\": 42161", "\"chainId\": 42162", 1)
    });
    d.edited("distributor.json", |t| {
        t.replacen(DISTRIBUTOR, "0x00000000000000000000000000000000000000D2", 1)
    });
    let key = "0x10b4b4C7a2a34F0c4d2b2B9a7e3f7F6F1F0e5A11";
    d.edited("lower.json", |t| {
        t.replacen(
            &format!("\"{key}\": {{"),
            &format!("\"{}\": {{", key.to_lowercase()),
            1,
        )
    });
    d.edited("flipped.json", |t| {
        t.replacen(
            &format!("\"{key}\": {{"),
            "\"0x10b4b4c7a2a34F0c4d2b2B9a7e3f7F6F1F0e5A11\": {",
            1,
        )
    });
    let target = ["--distributor", DISTRIBUTOR, "--chain", "42161"];
    let mut report = String::new();
    for file in [
        "decimals.json",
        "chain.json",
        "distributor.json",
        "lower.json",
        "flipped.json",
    ] {
        let (code, stdout, stderr) = d.verify(file, &target);
        report +=
            &format!("$ podium verify --distribution {file} … (exit {code})\n{stdout}{stderr}\n");
    }
    insta::assert_snapshot!("verify_edits", report);

    // Without the deployment, the chain id edit is not caught, and verify says it did not check.
    let (code, stdout, _) = d.verify("chain.json", &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("not checked: the chain id and the distributor"),
        "{stdout}"
    );

    // --json: typed differences, each with its message.
    let (code, stdout, _) = d.verify("decimals.json", &["--json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["match"], false);
    assert_eq!(v["checked"]["chainId"], false);
    assert_eq!(v["checked"]["inputs"], true);
    let first = &v["differences"][0];
    assert_eq!(first["kind"], "decimals");
    assert_eq!(first["file"], 19);
    assert_eq!(first["rules"], 18);
    assert!(
        first["message"]
            .as_str()
            .unwrap()
            .starts_with("decimals is 19")
    );
}

/// Why, second bullet: checksums in scores, `[[exclude]]` and options; an exclusion matching nobody.
#[test]
fn wrong_checksums_are_refused_and_unmatched_exclusions_warned() {
    let d = Dir::new();
    d.write("rules.toml", RULES)
        .write("s.csv", format!("address,region,score\n{A},FRA,0.5\n"))
        .write(
            "typo.csv",
            format!("address,region,score\n{INC_TYPO},FRA,0.5\n"),
        )
        .write(
            "typo.json",
            format!("{{\"{INC_TYPO}\": {{\"FRA\": {{\"score\": 0.5}}}}}}"),
        )
        .write(
            "typo.toml",
            format!("{RULES}[[exclude]]\naddress = \"{INC_TYPO}\"\nreason = \"Livepeer Inc.\"\n"),
        )
        .write(
            "excl.toml",
            format!("{RULES}[[exclude]]\naddress = \"{INC}\"\nreason = \"Livepeer Inc.\"\n"),
        );
    let build = |rules: &str, scores: &str, out: &str| {
        vec![
            "build", "--round", "1", "--rules", rules, "--scores", scores, "--out", out,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| d.error(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let mut report = String::new();
    report += &run(build("rules.toml", "typo.csv", "a.json"));
    report += "\n";
    report += &run(build("rules.toml", "typo.json", "b.json"));
    report += "\n";
    report += &run(build("typo.toml", "s.csv", "c.json"));
    report += "\n";
    let mut args = build("rules.toml", "s.csv", "d.json");
    args.extend(["--distributor".into(), INC_TYPO.into()]);
    report += &run(args);
    insta::assert_snapshot!("checksum_errors", report);
    assert!(!d.path("a.json").exists() && !d.path("d.json").exists());

    // All lower case and all upper case carry no checksum and stay accepted.
    let lower = format!("address,region,score\n{},FRA,0.5\n", INC.to_lowercase());
    d.write("lower.csv", lower);
    let (code, _, stderr) = d.run(
        &build("excl.toml", "lower.csv", "e.json")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.is_empty(),
        "the exclusion matches: no warning\n{stderr}"
    );

    // The exclusion names an account nobody scored: a warning, on stderr and in --json.
    let (code, _, stderr) = d.run(
        &build("excl.toml", "s.csv", "f.json")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("unmatched_exclusion_warning", stderr);
    let mut args = build("excl.toml", "s.csv", "g.json");
    args.push("--json".into());
    let out = d
        .podium(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["warnings"].as_array().unwrap().len(), 1);
}

/// Runs podium with stdout connected to a pipe whose reading end is already closed.
fn run_into_closed_pipe(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = StdCommand::new(assert_cmd::cargo::cargo_bin("podium"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Why, third bullet: `podium build … | head` crashed with "Broken pipe" and exit 101.
#[test]
fn a_closed_pipe_ends_quietly_with_141_and_build_still_writes_its_file() {
    let d = Dir::new();
    d.build_fixture();
    for json in [false, true] {
        let out = if json {
            "piped-json.json"
        } else {
            "piped.json"
        };
        let mut args = build_fixture_args(out);
        if json {
            args.push("--json");
        }
        let (code, stderr) = run_into_closed_pipe(d.0.path(), &args);
        assert_eq!(code, Some(141), "{stderr}");
        assert_eq!(stderr, "", "nothing on stderr");
        // The file is complete: byte for byte what a build to a terminal writes.
        assert_eq!(
            std::fs::read(d.path(out)).unwrap(),
            std::fs::read(d.path("round-1.json")).unwrap()
        );
    }
    for args in [
        &["verify", "--distribution", "round-1.json"][..],
        &["verify", "--json", "--distribution", "round-1.json"],
        &["proof", "--distribution", "round-1.json", "--account", A],
    ] {
        let (code, stderr) = run_into_closed_pipe(d.0.path(), args);
        assert_eq!(code, Some(141), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
    }
}

/// Why, fourth bullet: each message says what and where in one sentence.
#[test]
fn messages_read_as_one_sentence() {
    let d = Dir::new();
    let scores = format!("address,region,score\n{A},FRA,0.5\n");
    d.write("s.csv", &scores);
    let mut report = String::new();
    let mut add = |title: &str, message: String| {
        report += &format!("## {title}\n{message}\n\n");
    };
    let build = |rules: &str, scores: &str| {
        d.error(&[
            "build", "--round", "1", "--rules", rules, "--scores", scores, "--out", "out.json",
        ])
    };
    for (name, budget) in [
        ("too-large", format!("\"{}\"", "9".repeat(80))),
        ("negative", "-5".to_owned()),
        ("too-precise", "\"1.0000000000000000001\"".to_owned()),
    ] {
        let file = format!("{name}.toml");
        d.write(&file, RULES.replace("\"100\"", &budget));
        add(&format!("budget {name}"), build(&file, "s.csv"));
    }
    d.write("rules.toml", RULES);
    d.write("records.json", "[5]");
    add(
        "a raw record that is not an object",
        build("rules.toml", "records.json"),
    );
    d.write(
        "nan.json",
        format!("{{\"{A}\": {{\"FRA\": {{\"score\": NaN}}}}}}"),
    );
    add("NaN in JSON", build("rules.toml", "nan.json"));
    d.write(
        "sheet.csv",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
    );
    add(
        "a spreadsheet instead of CSV",
        build("rules.toml", "sheet.csv"),
    );
    d.write("binary.json", b"\x00\x01\x02\x03garbage");
    add("a binary file", build("rules.toml", "binary.json"));
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("{{\"{A}\": {{\"FRA\": {{\"score\": 0.5}}}}}}")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    d.write("utf16.json", utf16);
    add("UTF-16 JSON", build("rules.toml", "utf16.json"));
    d.write(
        "short.csv",
        format!("address,region,score\n{A},FRA,0.5\n{A}\n"),
    );
    add("a short CSV row", build("rules.toml", "short.csv"));
    add(
        "--out in a missing directory",
        d.error(&[
            "build",
            "--round",
            "1",
            "--rules",
            "rules.toml",
            "--scores",
            "s.csv",
            "--out",
            "missing/out.json",
        ]),
    );
    add(
        "--safe placeholder",
        d.error(&[
            "post",
            "--distribution",
            "x.json",
            "--safe",
            "0xYOUR_GRANT_SAFE",
            "--out",
            "batch.json",
        ]),
    );
    add(
        "--safe placeholder (fund)",
        d.error(&["fund", "--safe", "0xYOUR_GRANT_SAFE", "--out", "batch.json"]),
    );
    insta::assert_snapshot!("messages", report);
    assert!(!d.path("out.json").exists());
}

/// The dump's values are compared as text; the difference names values, not a Rust type.
#[test]
fn an_edited_tree_value_is_named_by_its_values() {
    let d = Dir::new();
    d.build_fixture();
    d.edited("value.json", |t| {
        let v: Value = serde_json::from_str(t).unwrap();
        let amount = v["tree"]["values"][0]["value"][3]
            .as_str()
            .unwrap()
            .to_owned();
        t.replacen(&format!("\"{amount}\"]"), &format!("\"0{amount}\"]"), 1)
    });
    let (code, stdout, _) = d.run(&["verify", "--distribution", "value.json"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("tree_value_difference", stdout);
}

/// A UTF-8 byte order mark is skipped in every text input.
#[test]
fn a_utf8_bom_is_skipped_everywhere() {
    let d = Dir::new();
    d.build_fixture();
    let bom = |name: &str| {
        let bytes = std::fs::read(d.path(name)).unwrap();
        d.write(
            &format!("bom-{name}"),
            [b"\xEF\xBB\xBF".as_slice(), &bytes].concat(),
        );
    };
    for name in [
        "rules.toml",
        "scores-fra.json",
        "scores-mdw.csv",
        "raw-sin.csv",
        "round-1.json",
    ] {
        bom(name);
    }
    let (code, stdout, stderr) = d.run(&[
        "verify",
        "--distribution",
        "bom-round-1.json",
        "--rules",
        "bom-rules.toml",
        "--scores",
        "bom-scores-fra.json",
        "bom-scores-mdw.csv",
        "bom-raw-sin.csv",
    ]);
    // The payouts match; only the digests differ, since the files' bytes do.
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].starts_with("difference: rulesDigest is"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("difference: inputsDigest is"),
        "{stdout}"
    );
}

/// Why, last bullet: the demo's last line points to a README section that exists.
#[test]
fn the_demo_points_to_a_readme_section_that_exists() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let story = std::fs::read_to_string(root.join("src/demo/story.rs")).unwrap();
    let readme = std::fs::read_to_string(root.join("../../README.md")).unwrap();
    let marker = "see README: \\\"";
    let start = story.find(marker).expect("the demo names a README section") + marker.len();
    let section = &story[start..start + story[start..].find("\\\"").unwrap()];
    assert!(
        readme
            .lines()
            .any(|l| l.trim_start_matches('#').trim() == section && l.starts_with('#')),
        "README has no section {section:?}"
    );
    // The walkthrough starts with the RPC endpoint, before podium deploy.
    let walkthrough = &readme[readme
        .find("## For the committee: running a program")
        .unwrap()..];
    let rpc = walkthrough.find("ETH_RPC_URL").unwrap();
    assert!(rpc < walkthrough.find("podium deploy").unwrap());
    assert!(walkthrough.contains("### Rehearse on a local chain"));
}
