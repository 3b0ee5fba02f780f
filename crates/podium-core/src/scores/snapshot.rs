//! The provenance record of a leaderboard snapshot (`snapshot.json`), and which files of a scores
//! directory are score inputs.
//!
//! `podium snapshot` stores each leaderboard answer byte for byte and records, next to them, where
//! each came from: the base URL, every request's query, the HTTP status, when it was fetched, and the
//! keccak256 of the body as stored. The score loader reads only the files the record lists as score
//! inputs and refuses one whose bytes no longer match, so a build names exactly what the leaderboard
//! answered. The record itself is not a score input: the inputs digest covers the answers only, so
//! the same bodies saved by hand give the same distribution file.

use std::path::{Path, PathBuf};

use alloy_primitives::B256;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The file name of the record inside a scores directory.
pub const SNAPSHOT_FILE: &str = "snapshot.json";
/// The `format` this version writes.
pub const SNAPSHOT_FORMAT: &str = "podium-snapshot-v1";

/// A snapshot's provenance record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// The program round the scores are for.
    pub round: u64,
    /// The leaderboard's base URL (endpoints are `/api/...` below it).
    pub base_url: String,
    /// The window asked for: unix seconds, both ends inclusive (the leaderboard's `since`/`until`).
    pub since: u64,
    /// See `since`.
    pub until: u64,
    /// How the window was chosen, in words (`"7d before the round's end"`).
    pub window: String,
    /// The tool that wrote the record (`podium 0.1.0`).
    pub tool: String,
    /// Every request, in the order made.
    pub requests: Vec<SnapshotRequest>,
}

/// One request and what came back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SnapshotRequest {
    /// `aggregated_stats` or `raw_stats`.
    pub endpoint: String,
    /// The query parameters, in the order sent.
    pub query: Vec<(String, String)>,
    /// The full URL requested.
    pub url: String,
    /// The final HTTP status.
    pub status: u16,
    /// Attempts made (retries after timeouts and 5xx answers).
    pub attempts: u32,
    /// When the answer arrived, unix seconds.
    pub fetched_at: u64,
    /// The same moment, for people (`2026-12-07 00:00:03 UTC`).
    pub fetched_at_utc: String,
    /// Body length in bytes.
    pub bytes: u64,
    /// keccak256 of the body as stored.
    pub keccak256: B256,
    /// Where the body is stored, relative to the scores directory (`aggregated.json`,
    /// `raw/0x….json`); `None` when it was not stored (an empty raw answer).
    pub file: Option<String>,
    /// Whether the file is a score input of the directory (`false` for raw records under `raw/`).
    pub score_input: bool,
}

impl Snapshot {
    /// Reads and checks a record.
    pub fn read(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let record: Self = serde_json::from_slice(&bytes).map_err(|e| Error::json(path, &e))?;
        if record.format != SNAPSHOT_FORMAT {
            return Err(Error::Snapshot {
                path: path.to_owned(),
                message: format!(
                    "format is {:?}; expected {SNAPSHOT_FORMAT:?}",
                    record.format
                ),
            });
        }
        for r in &record.requests {
            if let Some(file) = &r.file
                && !is_plain_relative(file)
            {
                return Err(Error::Snapshot {
                    path: path.to_owned(),
                    message: format!("file {file:?} is not a plain path inside the directory"),
                });
            }
        }
        Ok(record)
    }

    /// The record as written: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("serialisable") + "\n"
    }
}

/// `a/b.json`, never absolute and never `..`: a record cannot point outside its directory.
fn is_plain_relative(file: &str) -> bool {
    let p = Path::new(file);
    !file.is_empty()
        && p.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// A score file of a directory and, from a snapshot, the digest it must have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreFile {
    /// The file.
    pub path: PathBuf,
    /// keccak256 recorded by the snapshot, when there is one.
    pub keccak256: Option<B256>,
}

/// The score files of a directory, in name order: those its `snapshot.json` lists as score inputs, or
/// without one every `*.json` and `*.csv` directly inside (hidden files skipped). A score file in a
/// snapshot directory that the record does not list is an error rather than silently left out.
pub fn score_files(dir: &Path) -> Result<Vec<ScoreFile>> {
    let mut present = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let lower = name.to_ascii_lowercase();
        if name.starts_with('.')
            || name == SNAPSHOT_FILE
            || !(lower.ends_with(".json") || lower.ends_with(".csv"))
            || !entry.path().is_file()
        {
            continue;
        }
        present.push(name);
    }
    present.sort();
    let record = dir.join(SNAPSHOT_FILE);
    if !record.is_file() {
        if present.is_empty() {
            return Err(Error::UnknownFormat {
                path: dir.to_owned(),
                message: "the directory holds no *.json or *.csv score files".into(),
            });
        }
        return Ok(present
            .into_iter()
            .map(|n| ScoreFile {
                path: dir.join(n),
                keccak256: None,
            })
            .collect());
    }
    let snapshot = Snapshot::read(&record)?;
    let mut files: Vec<ScoreFile> = Vec::new();
    for r in snapshot.requests.iter().filter(|r| r.score_input) {
        let Some(file) = &r.file else { continue };
        let path = dir.join(file);
        if !path.is_file() {
            return Err(Error::Snapshot {
                path: record.clone(),
                message: format!("lists {file}, which is missing from {}", dir.display()),
            });
        }
        files.push(ScoreFile {
            path,
            keccak256: Some(r.keccak256),
        });
    }
    for name in &present {
        if !files.iter().any(|f| f.path == dir.join(name)) {
            return Err(Error::Snapshot {
                path: dir.join(name),
                message: format!(
                    "is not one of the snapshot's files ({}): move it out of the directory, or pass \
                     it to --scores on its own",
                    record.display()
                ),
            });
        }
    }
    if files.is_empty() {
        return Err(Error::EmptyScores {
            path: dir.to_owned(),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}
