//! The rounds directory: where each round's rules, scores and distribution file are (layout in the
//! crate docs).

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use eyre::{WrapErr, bail, ensure};
use podium_chain::{Deployment, ProgramConfig};
use podium_core::WholeTokens;

/// Where the program (chain id, token, timeline, round budget) is read from: the program file
/// `podium deploy --config` took, or the deployment record it wrote (which is what is on chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramSource {
    /// `program.toml`.
    File(PathBuf),
    /// The deployment record `podium deploy` wrote (`podium-deployment-v1`).
    Deployment(PathBuf),
}

impl ProgramSource {
    /// The file read.
    pub fn path(&self) -> &Path {
        match self {
            Self::File(p) | Self::Deployment(p) => p,
        }
    }

    /// What the file is, for messages: "the program file" or "the deployment record".
    pub fn what(&self) -> &'static str {
        match self {
            Self::File(_) => "the program file",
            Self::Deployment(_) => "the deployment record",
        }
    }

    /// The program as the file says it, and with a deployment record the record itself.
    pub(crate) fn read(&self) -> eyre::Result<(ProgramConfig, Option<Deployment>)> {
        match self {
            Self::File(path) => Ok((
                ProgramConfig::read(path).wrap_err("reading the program file")?,
                None,
            )),
            Self::Deployment(path) => {
                let record = Deployment::read(path).wrap_err("reading the deployment record")?;
                // Base units back to whole tokens, exactly (the record's decimals are the token's).
                let round_budget = WholeTokens::parse(&record.budget().to_string())
                    .wrap_err_with(|| format!("{}: field `roundBudget`", path.display()))?;
                let program = ProgramConfig {
                    chain_id: record.chain_id,
                    token: record.token,
                    funder: record.funder,
                    committee: record.committee,
                    timeline: record.timeline,
                    round_budget,
                };
                Ok((program, Some(record)))
            }
        }
    }
}

/// One round's input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundInput {
    /// The round's number, from 1.
    pub round: u64,
    /// The round's rules (`rules.toml`).
    pub rules: PathBuf,
    /// The round's score inputs: a `scores/` directory, or single score files.
    pub scores: Vec<PathBuf>,
    /// The distribution file, when the round has been built.
    pub distribution: Option<PathBuf>,
}

/// Finds the rounds in `dir` (layout in the crate docs). Rounds must run from 1 without gaps: the
/// first-seen count of a round needs every earlier round's scores.
pub fn discover(dir: &Path) -> eyre::Result<Vec<RoundInput>> {
    let entries = fs::read_dir(dir)
        .wrap_err_with(|| format!("reading the rounds directory {}", dir.display()))?;
    let mut rounds = BTreeMap::new();
    for entry in entries {
        let entry = entry.wrap_err_with(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name();
        let Some(n) = name
            .to_str()
            .and_then(|n| n.strip_prefix("round-"))
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        if entry.path().is_dir() {
            rounds.insert(n, entry.path());
        }
    }
    ensure!(
        !rounds.is_empty(),
        "{} has no round-N directories; expected {0}/round-1/rules.toml, {0}/round-1/scores/*.json \
         (or .csv) and {0}/round-1/distribution.json, then round-2, …",
        dir.display()
    );
    let mut out = Vec::with_capacity(rounds.len());
    for (i, (n, path)) in rounds.into_iter().enumerate() {
        let expected = i as u64 + 1;
        ensure!(
            n == expected,
            "{}: round-{n} is there but round-{expected} is not; the report needs every round from 1 \
             (first-seen counts look at all earlier rounds)",
            dir.display()
        );
        let rules = path.join("rules.toml");
        ensure!(
            rules.is_file(),
            "{} is missing (the round's rules)",
            rules.display()
        );
        let scores = score_files(&path)?;
        let inside = path.join("distribution.json");
        let beside = dir.join(format!("round-{n}.json"));
        let distribution = match (inside.is_file(), beside.is_file()) {
            (true, true) => bail!(
                "round {n} has two distribution files, {} and {}: keep one",
                inside.display(),
                beside.display()
            ),
            (true, false) => Some(inside),
            (false, true) => Some(beside),
            (false, false) => None,
        };
        out.push(RoundInput {
            round: n,
            rules,
            scores,
            distribution,
        });
    }
    Ok(out)
}

/// The round's score inputs: its `scores/` directory, read by podium-core's loader (a `podium
/// snapshot` directory through its `snapshot.json`, otherwise every `.json`/`.csv` inside), else a
/// single `scores.json` or `scores.csv`.
fn score_files(round_dir: &Path) -> eyre::Result<Vec<PathBuf>> {
    let dir = round_dir.join("scores");
    if dir.is_dir() {
        return Ok(vec![dir]);
    }
    let single: Vec<PathBuf> = ["scores.json", "scores.csv"]
        .iter()
        .map(|n| round_dir.join(n))
        .filter(|p| p.is_file())
        .collect();
    ensure!(
        !single.is_empty(),
        "{} has no scores: put the round's score files in {}",
        round_dir.display(),
        dir.display()
    );
    Ok(single)
}
