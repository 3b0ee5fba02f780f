//! Leaderboard scores in, one score per (region, orchestrator) out.
//!
//! Three formats are accepted, in the shapes the committee actually has:
//!
//! - the leaderboard API's aggregated stats, JSON
//!   `{"0xaddr": {"FRA": {"success_rate": 1, "round_trip_score": 0.98, "score": 0.98}}}`, for all
//!   regions in one file or one file per region;
//! - CSV with a header naming at least `address`, `region` and `score` (other columns are ignored);
//! - the leaderboard's raw test records, as CSV (header with `region`, `orchestrator`,
//!   `success_rate`, `seg_duration`, `round_trip_time`) or JSON (an array of records, or the raw-stats
//!   API's `{"FRA": [records]}`), aggregated here the way the leaderboard does it, so a verifier can
//!   recompute the scores from the test results themselves (see [`aggregate_raw`]).
//!
//! Scores are on the API's 0–1 scale (the explorer shows them ×10). Every score must be a finite
//! number in `[0, 1]`; the same orchestrator twice in one region, in one file or across files, is an
//! error rather than a silent overwrite.

mod csv_in;
mod json_in;

use std::{
    collections::{BTreeMap, btree_map::Entry},
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256, keccak256};

pub use crate::account::Region;
use crate::{Error, Result};

/// One orchestrator's score in one region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// The score used for eligibility and proportional splits, 0–1.
    pub score: f64,
    /// The share of test segments transcoded successfully, 0–1, when the input has it.
    pub success_rate: Option<f64>,
    /// `1 - exp(-segment duration / round-trip time)`, 0–1, when the input has it.
    pub round_trip_score: Option<f64>,
}

/// One raw leaderboard test result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawRecord {
    /// Share of the test's segments transcoded successfully, 0–1.
    pub success_rate: f64,
    /// Duration of the test segments, seconds, `>= 0`.
    pub seg_duration: f64,
    /// Round-trip time of the test, seconds, `>= 0`.
    pub round_trip_time: f64,
}

/// Aggregates one orchestrator's raw test records in one region as the leaderboard does:
/// `score = avg(success_rate) × (1 − e^(−avg(seg_duration) / avg(round_trip_time)))`.
///
/// The records are summed in a canonical order (sorted by value) so the result is bit-for-bit the
/// same whatever order the file lists them in. When the average round-trip time is zero no segment
/// came back, and the round-trip score is taken as 0 rather than `1 - e^(-x/0)`.
pub fn aggregate_raw(records: &[RawRecord]) -> Score {
    let mut sorted = records.to_vec();
    sorted.sort_by(|a, b| {
        a.success_rate
            .total_cmp(&b.success_rate)
            .then(a.seg_duration.total_cmp(&b.seg_duration))
            .then(a.round_trip_time.total_cmp(&b.round_trip_time))
    });
    let n = sorted.len().max(1) as f64;
    let avg = |f: fn(&RawRecord) -> f64| sorted.iter().map(f).sum::<f64>() / n;
    let success_rate = avg(|r| r.success_rate);
    let seg = avg(|r| r.seg_duration);
    let rtt = avg(|r| r.round_trip_time);
    let round_trip_score = if rtt > 0.0 {
        1.0 - (-seg / rtt).exp()
    } else {
        0.0
    };
    // Both factors are in [0, 1]; clamp only guards the last ulp of floating-point rounding.
    let score = (success_rate * round_trip_score).clamp(0.0, 1.0);
    Score {
        score,
        success_rate: Some(success_rate),
        round_trip_score: Some(round_trip_score),
    }
}

/// Checks that a value is a finite number in `[0, 1]`.
pub(crate) fn unit_problem(name: &str, v: f64) -> Option<String> {
    if v.is_nan() {
        Some(format!("{name} is NaN"))
    } else if !v.is_finite() {
        Some(format!("{name} is infinite"))
    } else if v < 0.0 {
        Some(format!("{name} {v} is negative"))
    } else if v > 1.0 {
        Some(format!(
            "{name} {v} is out of range: scores are on the 0–1 scale"
        ))
    } else {
        None
    }
}

/// Checks that a value is finite and not negative.
pub(crate) fn non_negative_problem(name: &str, v: f64) -> Option<String> {
    if !v.is_finite() {
        Some(format!("{name} is not a finite number"))
    } else if v < 0.0 {
        Some(format!("{name} {v} is negative"))
    } else {
        None
    }
}

/// What one file contributed, before it is merged into a [`ScoreSet`]: per region, per account, the
/// score and the line it was read from (0 when the format has no useful line, as in JSON).
#[derive(Debug, Default)]
pub(crate) struct FileScores {
    pub(crate) regions: BTreeMap<Region, BTreeMap<Address, (Score, u64)>>,
}

impl FileScores {
    /// Adds one entry; a second one for the same region and account returns the first one's line.
    pub(crate) fn insert(
        &mut self,
        region: Region,
        account: Address,
        score: Score,
        line: u64,
    ) -> Result<(), u64> {
        match self.regions.entry(region).or_default().entry(account) {
            Entry::Occupied(e) => Err(e.get().1),
            Entry::Vacant(e) => {
                e.insert((score, line));
                Ok(())
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.regions.values().all(BTreeMap::is_empty)
    }
}

/// Names a place in an input for messages: `file`, or `file:line` when the line is known.
pub(crate) fn place(path: &Path, line: u64) -> String {
    if line == 0 {
        path.display().to_string()
    } else {
        format!("{}:{line}", path.display())
    }
}

/// The scores of a round: for each region, each orchestrator's score.
#[derive(Debug, Clone, Default)]
pub struct ScoreSet {
    regions: BTreeMap<Region, BTreeMap<Address, Score>>,
    /// Where each score came from (index into `files`, line), for duplicate messages.
    origins: BTreeMap<Region, BTreeMap<Address, (u32, u64)>>,
    files: Vec<PathBuf>,
    file_digests: Vec<B256>,
}

impl ScoreSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads several score files into one set.
    pub fn from_files<P: AsRef<Path>>(paths: &[P]) -> Result<Self> {
        let mut set = Self::new();
        for p in paths {
            set.add_file(p.as_ref())?;
        }
        Ok(set)
    }

    /// Reads one score file and merges it in.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.add_bytes(path, &bytes)
    }

    /// Parses `bytes` as the contents of the file `path` (used for the format and in messages) and
    /// merges the scores in. Nothing is merged if the file has an error.
    pub fn add_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let parsed = parse_file(path, bytes)?;
        if parsed.is_empty() {
            return Err(Error::EmptyScores {
                path: path.to_owned(),
            });
        }
        for (region, accounts) in &parsed.regions {
            let Some(seen) = self.origins.get(region) else {
                continue;
            };
            for (account, (_, line)) in accounts {
                if let Some(&(file, first_line)) = seen.get(account) {
                    return Err(Error::DuplicateScore {
                        where_: place(path, *line),
                        first: place(&self.files[file as usize], first_line),
                        account: account.to_checksum(None),
                        region: region.to_string(),
                    });
                }
            }
        }
        let file = u32::try_from(self.files.len()).expect("fewer than 4 billion score files");
        self.files.push(path.to_owned());
        self.file_digests.push(keccak256(bytes));
        for (region, accounts) in parsed.regions {
            let scores = self.regions.entry(region.clone()).or_default();
            let origins = self.origins.entry(region).or_default();
            for (account, (score, line)) in accounts {
                scores.insert(account, score);
                origins.insert(account, (file, line));
            }
        }
        Ok(())
    }

    /// Adds one score directly (tests, synthetic inputs): a score outside [0, 1] or a second score
    /// for the same region and account is an error.
    pub fn insert(&mut self, region: Region, account: Address, score: Score) -> Result<()> {
        if let Some(problem) = unit_problem("score", score.score) {
            return Err(Error::Allocation(problem));
        }
        let scores = self.regions.entry(region.clone()).or_default();
        if scores.contains_key(&account) {
            return Err(Error::DuplicateScore {
                where_: "inserted".into(),
                first: "inserted".into(),
                account: account.to_checksum(None),
                region: region.to_string(),
            });
        }
        scores.insert(account, score);
        Ok(())
    }

    /// Regions and their scores, regions in code order, accounts in address order.
    pub fn regions(&self) -> &BTreeMap<Region, BTreeMap<Address, Score>> {
        &self.regions
    }

    /// Number of (region, orchestrator) scores.
    pub fn len(&self) -> usize {
        self.regions.values().map(BTreeMap::len).sum()
    }

    /// Whether there are no scores.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The digest of the score inputs: keccak256 over the sorted keccak256 digests of each file's
    /// bytes, so it names the exact files used whatever order they were given in.
    pub fn inputs_digest(&self) -> B256 {
        let mut digests = self.file_digests.clone();
        digests.sort();
        let mut buf = Vec::with_capacity(digests.len() * 32);
        for d in &digests {
            buf.extend_from_slice(d.as_slice());
        }
        keccak256(&buf)
    }
}

/// Which format a file is in, from its extension, else from its first non-blank byte.
fn parse_file(path: &Path, bytes: &[u8]) -> Result<FileScores> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    let Some(&first) = first else {
        return Err(Error::EmptyScores {
            path: path.to_owned(),
        });
    };
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => json_in::parse(path, bytes),
        Some("csv") => csv_in::parse(path, bytes),
        _ if first == b'{' || first == b'[' => json_in::parse(path, bytes),
        _ => csv_in::parse(path, bytes),
    }
}

#[cfg(test)]
mod tests;
