//! `podium publish`: turns the rounds directory into a folder for any static host or IPFS: every
//! built round's distribution file, rules, score files and snapshot provenance, the deployment
//! record, the report page if given, and an `index.json` listing the program and every published
//! file with its keccak256 and size.
//!
//! ```text
//! SITE/index.json               the index (format podium-site-v1)
//! SITE/deployment.json          the deployment record, as given
//! SITE/report.html              the report page, when --report is given
//! SITE/round-N.json             round N's distribution file
//! SITE/round-N/rules.toml       its rules
//! SITE/round-N/scores/…         its score files, snapshot.json and raw/ records (or scores.json|csv)
//! ```
//!
//! The layout is the rounds directory's, so `podium report --rounds SITE` and `podium verify` work on
//! a downloaded copy. Every distribution file is verified first (its tree; the payouts recomputed
//! from its rules and scores; the chain, distributor and decimals of the deployment): one that does
//! not verify stops the run before anything is written. The site is built in a hidden directory
//! beside `--out` and renamed into place; an existing site that `podium publish` wrote is replaced
//! as a whole, any other existing path is refused. The same inputs give the same bytes: files are
//! copied byte for byte, and the index has no time in it, its rounds and files in a fixed order.

use std::{
    fs,
    path::{Path, PathBuf},
};

use alloy_primitives::{B256, U256, keccak256};
use clap::Args;
use eyre::{WrapErr, bail, ensure, eyre};
use podium_chain::Deployment;
use podium_core::{
    DistributionFile,
    distribution::Target,
    scores::snapshot::{SNAPSHOT_FILE, Snapshot, score_files},
};
use podium_report::RoundInput;
use serde::Serialize;
use serde_json::json;

use super::{Outcome, verify};
use crate::output::{Output, addr, print_json, tokens};

/// The `format` of the index this version writes.
pub(crate) const SITE_FORMAT: &str = "podium-site-v1";

/// The index's file name in the site.
pub(crate) const INDEX_FILE: &str = "index.json";

/// Write a folder ready for any static host or IPFS: every built round's distribution file, rules,
/// scores and snapshot provenance, the deployment record, the report page (--report) and an
/// index.json with the keccak256 and size of every file. Each distribution file is verified against
/// its rules, scores and the deployment first; nothing is written when one does not verify.
///
/// --out is replaced as a whole when it holds a site podium publish wrote (or is empty); any other
/// existing path is refused. Exit codes: 0 published, 2 an error (nothing written).
#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// The deployment record written by `podium deploy` (chain id, distributor, program).
    #[arg(long, env = "PODIUM_DEPLOYMENT", value_name = "FILE")]
    deployment: PathBuf,
    /// The rounds directory: ROUNDS/round-N/{rules.toml,scores/} and ROUNDS/round-N.json (or
    /// ROUNDS/round-N/distribution.json), as `podium report` reads it.
    #[arg(long, value_name = "DIR", default_value = "rounds")]
    rounds: PathBuf,
    /// The folder to write (replaced as a whole).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The report page `podium report --html` wrote, copied as report.html (publish does not build
    /// it: the report reads a live chain, so it is made when wanted and copied as it is).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

/// One published file, as the index lists it.
#[derive(Debug, Clone, Serialize)]
struct Entry {
    /// Relative to the site, with `/`.
    path: String,
    keccak256: B256,
    bytes: u64,
}

/// What the index says about the program: the deployment record's terms.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Program {
    token: String,
    decimals: u8,
    funder: String,
    committee: String,
    start: u64,
    round_duration: u64,
    round_count: u64,
    round_budget: String,
    root_delay: u64,
    claim_window: u64,
    deployment_block: u64,
    deployment_transaction: B256,
}

/// One round in the index.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Round {
    round: u64,
    root: B256,
    /// Base units, decimal.
    total: String,
    /// The same, for the summary.
    #[serde(skip)]
    total_units: U256,
    recipients: usize,
    /// The distribution file (also listed in `files`).
    distribution: String,
    files: Vec<Entry>,
}

/// `index.json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Index {
    format: &'static str,
    chain_id: u64,
    distributor: String,
    program: Program,
    /// The deployment record and the report page.
    files: Vec<Entry>,
    rounds: Vec<Round>,
}

/// Files to write: path in the site and bytes, collected (and verified) before anything is written.
#[derive(Default)]
struct Site {
    files: Vec<(String, Vec<u8>)>,
}

impl Site {
    /// Adds a file and returns its index entry.
    fn add(&mut self, path: String, bytes: Vec<u8>) -> Entry {
        let entry = Entry {
            path: path.clone(),
            keccak256: keccak256(&bytes),
            bytes: bytes.len() as u64,
        };
        self.files.push((path, bytes));
        entry
    }

    /// Reads `from` and adds it as `path`.
    fn copy(&mut self, from: &Path, path: String) -> eyre::Result<Entry> {
        let bytes = fs::read(from).wrap_err_with(|| format!("reading {}", from.display()))?;
        Ok(self.add(path, bytes))
    }
}

impl PublishArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        let record =
            Deployment::read(&self.deployment).wrap_err("reading the deployment record")?;
        let rounds = podium_report::discover(&self.rounds)?;
        let mut site = Site::default();
        let mut files = vec![site.copy(&self.deployment, "deployment.json".into())?];
        if let Some(page) = &self.report {
            files.push(
                site.copy(page, "report.html".into())
                    .wrap_err("copying the report page (write it with podium report --html)")?,
            );
        }
        let target = Target {
            chain_id: Some((record.chain_id, "the deployment record".into())),
            distributor: Some((record.distributor, "the deployment record".into())),
            token_decimals: Some((record.token, record.decimals)),
            round_budget: Some((record.round_budget, "the deployment record".into())),
        };
        let mut published = Vec::new();
        let mut unbuilt = Vec::new();
        for input in &rounds {
            let Some(path) = &input.distribution else {
                unbuilt.push(input.round);
                continue;
            };
            published.push(round(&mut site, input, path, &target)?);
        }
        ensure!(
            !published.is_empty(),
            "{} has no built round (no round-N.json or round-N/distribution.json): nothing to publish",
            self.rounds.display()
        );
        let index = Index {
            format: SITE_FORMAT,
            chain_id: record.chain_id,
            distributor: addr(&record.distributor),
            program: Program {
                token: addr(&record.token),
                decimals: record.decimals,
                funder: addr(&record.funder),
                committee: addr(&record.committee),
                start: record.timeline.start,
                round_duration: record.timeline.round_duration,
                round_count: record.timeline.round_count,
                round_budget: record.round_budget.to_string(),
                root_delay: record.timeline.root_delay,
                claim_window: record.timeline.claim_window,
                deployment_block: record.block,
                deployment_transaction: record.transaction,
            },
            files,
            rounds: published,
        };
        let text = serde_json::to_string_pretty(&index)? + "\n";
        let index_entry = site.add(INDEX_FILE.into(), text.into_bytes());
        let count = site.files.len();
        let bytes: u64 = site.files.iter().map(|(_, b)| b.len() as u64).sum();
        let replaced = write_site(&self.out, &site)?;

        if output.json() {
            print_json(&json!({
                "out": self.out.display().to_string(),
                "replaced": replaced,
                "files": count,
                "bytes": bytes,
                "indexKeccak256": index_entry.keccak256,
                "notBuilt": unbuilt,
                "index": serde_json::to_value(&index)?,
            }))?;
        } else {
            println!(
                "published {} round{} to {} ({count} files, {bytes} bytes){}",
                index.rounds.len(),
                if index.rounds.len() == 1 { "" } else { "s" },
                self.out.display(),
                if replaced {
                    ", replacing the site that was there"
                } else {
                    ""
                }
            );
            for r in &index.rounds {
                println!(
                    "  round {}: {}, {} accounts, total {}, root {}, {} files",
                    r.round,
                    r.distribution,
                    r.recipients,
                    tokens(r.total_units, record.decimals),
                    r.root,
                    r.files.len()
                );
            }
            for n in &unbuilt {
                println!("  round {n}: not built yet (no distribution file), not published");
            }
            println!("index.json keccak256 {}", index_entry.keccak256);
        }
        Ok(Outcome::Success)
    }
}

/// Verifies one round's distribution file and adds it, its rules and its score files to the site.
fn round(site: &mut Site, input: &RoundInput, path: &Path, target: &Target) -> eyre::Result<Round> {
    let n = input.round;
    let shown = path.display();
    let file = DistributionFile::read(path).wrap_err_with(|| format!("reading {shown}"))?;
    ensure!(
        file.round == n,
        "{shown} is the distribution file of round {}, but it stands for round {n}; refusing to publish it",
        file.round
    );
    let differences = verify::differences(&file, Some((&input.rules, &input.scores)), target)
        .wrap_err_with(|| format!("verifying {shown}"))?;
    if !differences.is_empty() {
        let listed: Vec<String> = differences.iter().map(ToString::to_string).collect();
        let scores: Vec<String> = input
            .scores
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        bail!(
            "{shown} does not verify, so nothing was published: {} (see podium verify \
             --distribution {shown} --rules {} --scores {} --deployment …)",
            listed.join("; "),
            input.rules.display(),
            scores.join(" ")
        );
    }
    let name = format!("round-{n}.json");
    let mut files = vec![site.copy(path, name.clone())?];
    files.push(site.copy(&input.rules, format!("round-{n}/rules.toml"))?);
    for scores in &input.scores {
        if scores.is_dir() {
            for (from, rel) in score_dir_files(scores)? {
                files.push(site.copy(&from, format!("round-{n}/scores/{rel}"))?);
            }
        } else {
            let leaf = scores
                .file_name()
                .and_then(|f| f.to_str())
                .ok_or_else(|| eyre!("{} has no file name", scores.display()))?;
            files.push(site.copy(scores, format!("round-{n}/{leaf}"))?);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Round {
        round: n,
        root: file.root,
        total: file.total.0.to_string(),
        total_units: file.total.0,
        recipients: file.claims.0.len(),
        distribution: name,
        files,
    })
}

/// A scores directory's files to publish, as (path, path relative to the directory with `/`): with a
/// `snapshot.json`, the record and every file it lists (score inputs and raw records), each checked
/// against the keccak256 it recorded; without one, the score files the loader reads.
fn score_dir_files(dir: &Path) -> eyre::Result<Vec<(PathBuf, String)>> {
    let record = dir.join(SNAPSHOT_FILE);
    if !record.is_file() {
        return score_files(dir)?
            .into_iter()
            .map(|f| {
                let rel = f
                    .path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| eyre!("{} has no file name", f.path.display()))?
                    .to_owned();
                Ok((f.path, rel))
            })
            .collect();
    }
    let snapshot = Snapshot::read(&record)?;
    let mut out = vec![(record.clone(), SNAPSHOT_FILE.to_owned())];
    for request in &snapshot.requests {
        let Some(rel) = &request.file else { continue };
        let path = dir.join(rel);
        let bytes = fs::read(&path).wrap_err_with(|| {
            format!(
                "reading {}, which {} lists",
                path.display(),
                record.display()
            )
        })?;
        ensure!(
            keccak256(&bytes) == request.keccak256,
            "{} is not the file {} recorded (keccak256 {}, recorded {}); refusing to publish a changed \
             snapshot",
            path.display(),
            record.display(),
            keccak256(&bytes),
            request.keccak256
        );
        out.push((path, rel.replace('\\', "/")));
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup_by(|a, b| a.1 == b.1);
    Ok(out)
}

/// Removes a directory when dropped, unless disarmed: the half-built site of a failed run.
struct Scratch(Option<PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_dir_all(p);
        }
    }
}

/// Writes the site into a hidden directory beside `out` and renames it into place. An existing `out`
/// must be empty or a site podium publish wrote (its `index.json` says so); it is moved aside, the
/// new site renamed in, and the old one removed (moved back if the rename fails). Returns whether a
/// site was replaced.
fn write_site(out: &Path, site: &Site) -> eyre::Result<bool> {
    let shown = out.display();
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| eyre!("--out {shown}: give a directory name"))?;
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let existing = if out.is_dir() {
        ensure_replaceable(out)?;
        true
    } else if out.exists() {
        bail!("--out {shown} exists and is not a directory; choose another --out");
    } else {
        false
    };
    fs::create_dir_all(&parent).wrap_err_with(|| format!("creating {}", parent.display()))?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.publish-{pid}.tmp"));
    if tmp.exists() {
        fs::remove_dir_all(&tmp).wrap_err_with(|| format!("removing {}", tmp.display()))?;
    }
    let mut scratch = Scratch(Some(tmp.clone()));
    for (rel, bytes) in &site.files {
        let path = tmp.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
        }
        fs::write(&path, bytes).wrap_err_with(|| format!("writing {}", path.display()))?;
    }
    if !existing {
        fs::rename(&tmp, out).wrap_err_with(|| format!("moving the new site to {shown}"))?;
        scratch.0 = None;
        return Ok(false);
    }
    let old = parent.join(format!(".{name}.replaced-{pid}.tmp"));
    fs::rename(out, &old).wrap_err_with(|| format!("moving the old site {shown} aside"))?;
    if let Err(e) = fs::rename(&tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(eyre!(e).wrap_err(format!("moving the new site to {shown}")));
    }
    scratch.0 = Some(old);
    Ok(true)
}

/// An existing `--out` may be replaced when it is empty or holds an index this command wrote.
fn ensure_replaceable(out: &Path) -> eyre::Result<()> {
    let shown = out.display();
    let mut entries = fs::read_dir(out).wrap_err_with(|| format!("reading {shown}"))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let index = out.join(INDEX_FILE);
    let format = fs::read(&index)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["format"].as_str().map(str::to_owned));
    if format.as_deref() != Some(SITE_FORMAT) {
        bail!(
            "--out {shown} exists and is not a site podium publish wrote (no {INDEX_FILE} with format \
             {SITE_FORMAT:?}); refusing to replace it: choose another --out, or remove it yourself"
        );
    }
    Ok(())
}
