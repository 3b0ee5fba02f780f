//! What the CLI tests (`cli.rs`, `deployment.rs`) share: the fixtures, the binary, and a built round.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub(crate) fn podium() -> Command {
    Command::cargo_bin("podium").unwrap()
}

pub(crate) const A: &str = "0x10b4b4c7a2a34f0c4d2b2b9a7e3f7f6f1f0e5a11";
pub(crate) const B: &str = "0x2222bd0ad6a0e3c5e6f1f5d8c4a4b3a2a1a0a922";

pub(crate) const RULES: &str =
    "round = 1\nbudget = \"100\"\nthreshold = 0.3\n[pools.FRA]\nshare = \"0.5\"\n";

/// A scratch directory with a rules file and one scores file.
pub(crate) struct Case {
    pub(crate) dir: TempDir,
}

impl Case {
    pub(crate) fn new(rules: &str, scores_name: &str, scores: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("rules.toml"), rules).unwrap();
        std::fs::write(dir.path().join(scores_name), scores).unwrap();
        Self { dir }
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn build(&self, scores: &[&str]) -> assert_cmd::assert::Assert {
        let mut cmd = podium();
        cmd.arg("build")
            .arg("--round")
            .arg("1")
            .arg("--rules")
            .arg(self.path("rules.toml"));
        cmd.arg("--scores");
        for s in scores {
            cmd.arg(self.path(s));
        }
        cmd.arg("--out").arg(self.path("out.json")).assert()
    }

    /// Asserts the build failed with exit 2 and a message containing every part, and wrote nothing.
    pub(crate) fn fails(&self, scores: &[&str], parts: &[&str]) {
        let before = names(self.dir.path());
        let out = self.build(scores).code(2).get_output().clone();
        let stderr = String::from_utf8_lossy(&out.stderr);
        for p in parts {
            assert!(stderr.contains(p), "stderr lacks {p:?}:\n{stderr}");
        }
        assert!(
            !self.path("out.json").exists(),
            "an output file was written"
        );
        assert_eq!(names(self.dir.path()), before, "files were left behind");
    }
}

pub(crate) fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

pub(crate) fn build_fixture(dir: &Path, json: bool) -> (PathBuf, assert_cmd::assert::Assert) {
    let out = dir.join("round-1.json");
    let mut cmd = podium();
    cmd.args(["build", "--round", "1", "--chain-id", "42161"]);
    cmd.args([
        "--distributor",
        "0x00000000000000000000000000000000000000d1",
    ]);
    cmd.arg("--rules")
        .arg(fixture("rules.toml"))
        .arg("--scores");
    cmd.args([
        fixture("scores-fra.json"),
        fixture("scores-mdw.csv"),
        fixture("raw-sin.csv"),
    ]);
    cmd.arg("--out").arg(&out);
    if json {
        cmd.arg("--json");
    }
    (out.clone(), cmd.assert().success())
}

pub(crate) fn fixture_inputs(cmd: &mut Command) {
    cmd.arg("--rules")
        .arg(fixture("rules.toml"))
        .arg("--scores");
    // Another order than the build: the digest and the payouts do not depend on it.
    cmd.args([
        fixture("raw-sin.csv"),
        fixture("scores-fra.json"),
        fixture("scores-mdw.csv"),
    ]);
}
