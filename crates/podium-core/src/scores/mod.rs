//! Leaderboard scores in, one score per (region, orchestrator) out.
//!
//! Three formats are accepted, in the shapes the committee actually has, from files or from a
//! directory of them (a `podium snapshot` directory, checked against its `snapshot.json`; see
//! [`ScoreSet::add_dir`]):
//!
//! - the leaderboard API's aggregated stats, JSON
//!   `{"0xaddr": {"FRA": {"success_rate": 1, "round_trip_score": 0.98, "score": 0.98}}}`, for all
//!   regions in one file or one file per region;
//! - CSV with a header naming at least `address`, `region` and `score` (other columns are ignored);
//! - the leaderboard's raw test records, as CSV (header with `region`, `orchestrator`,
//!   `success_rate`, `seg_duration`, `round_trip_time`) or JSON (an array of records, or the raw-stats
//!   API's `{"FRA": [records]}`), aggregated here the way the leaderboard does it, so a verifier can
//!   recompute the scores from the test results themselves (see [`aggregate_raw`]). As on the
//!   leaderboard, a number a record omits counts as 0, a `null` region list is empty, and records with
//!   `"region": ""` (early data) are skipped with a warning ([`ScoreSet::warnings`]). AI-pipeline
//!   records (with `pipeline`/`model`) are refused: the leaderboard scores them with another formula.
//!
//! Scores are on the API's 0–1 scale (the explorer shows them ×10). Every score must be a finite
//! number in `[0, 1]`; the same orchestrator twice in one region, in one file or across files, is an
//! error rather than a silent overwrite.

mod csv_in;
mod json_in;
pub mod snapshot;

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
/// livepeer/leaderboard-serverless averages in SQL with `AVG(COALESCE(x, 0))`, so a number missing
/// from a record counts as 0 (readers fill it in before this), then computes the latency part in Go
/// as `1 - math.Pow(math.E, -seg/rtt)`, 0 when the round-trip time is 0, and the score as 0 when the
/// success rate is 0. [`exp_neg_like_go`] follows Go's `Pow` so the result matches the leaderboard's
/// to the last bit where glibc's and Go's `exp` agree (the tests pin the worked example).
///
/// The records are summed in a canonical order (sorted by value) so the result is bit-for-bit the
/// same whatever order the file lists them in (SQL's `AVG` has no defined order either).
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
    let round_trip_score = if rtt == 0.0 {
        0.0
    } else {
        1.0 - exp_neg_like_go(seg / rtt)
    };
    let score = if success_rate == 0.0 {
        0.0
    } else {
        // Both factors are in [0, 1]; clamp only guards the last ulp of floating-point rounding.
        (success_rate * round_trip_score).clamp(0.0, 1.0)
    };
    Score {
        score,
        success_rate: Some(success_rate),
        round_trip_score: Some(round_trip_score),
    }
}

/// `e^(−x)` for `x >= 0`, computed the way Go's `math.Pow(math.E, -x)` computes it (the leaderboard's
/// latency score), not with one `exp` call: Go splits the exponent into an integer part, raised by
/// repeated squaring of `e`'s mantissa with the powers of two kept apart, and a fraction of at most ½
/// in magnitude, raised with `exp`; the reciprocal comes last. The two ways differ in the last bit for
/// some inputs, and a payout threshold can sit exactly there.
pub fn exp_neg_like_go(x: f64) -> f64 {
    use std::f64::consts::E;
    let y = -x;
    if y == 0.0 {
        return 1.0;
    }
    if x.is_nan() {
        return f64::NAN;
    }
    if x.is_infinite() {
        return 0.0;
    }
    if y == -0.5 {
        return 1.0 / E.sqrt();
    }
    let mut whole = x.trunc();
    let mut frac = x - whole;
    if whole >= 2f64.powi(63) {
        // 2^63 or more: e^(−x) underflows to 0 (Go's own early return).
        return 0.0;
    }
    let mut mantissa = 1.0;
    let mut exponent: i64 = 0;
    if frac != 0.0 {
        if frac > 0.5 {
            frac -= 1.0;
            whole += 1.0;
        }
        mantissa = (frac * E.ln()).exp();
    }
    // e = (e / 4) · 2^2, with e / 4 in [0.5, 1) as Go's Frexp gives it.
    let (mut base, mut base_exp) = (E / 4.0, 2i64);
    let mut i = whole as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&base_exp) {
            exponent += base_exp;
            break;
        }
        if i & 1 == 1 {
            mantissa *= base;
            exponent += base_exp;
        }
        base *= base;
        base_exp <<= 1;
        if base < 0.5 {
            base += base;
            base_exp -= 1;
        }
        i >>= 1;
    }
    ldexp(1.0 / mantissa, -exponent)
}

/// `m · 2^e`, in two steps when `2^e` alone would overflow or underflow.
fn ldexp(m: f64, e: i64) -> f64 {
    let e = e.clamp(-2200, 2200) as i32;
    if e < -1000 {
        m * 2f64.powi(-1000) * 2f64.powi(e + 1000)
    } else if e > 1000 {
        m * 2f64.powi(1000) * 2f64.powi(e - 1000)
    } else {
        m * 2f64.powi(e)
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
    /// Raw records skipped because their region is `""`.
    pub(crate) without_region: usize,
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
    warnings: Vec<String>,
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

    /// Reads one score file, or every score file of a directory ([`Self::add_dir`]), and merges it
    /// in.
    pub fn add_file(&mut self, path: &Path) -> Result<()> {
        if path.is_dir() {
            return self.add_dir(path);
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        self.add_bytes(path, &bytes)
    }

    /// Reads a directory of score files: with a `snapshot.json` (written by `podium snapshot`), the
    /// score files it lists, each checked against the keccak256 recorded when it was fetched, and no
    /// other; without one, every `*.json` and `*.csv` file directly inside (hidden files skipped).
    /// Subdirectories are not read: a snapshot keeps raw test records in `raw/`, to be passed on
    /// their own, since they score the same orchestrators again.
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        for file in snapshot::score_files(dir)? {
            let bytes = std::fs::read(&file.path).map_err(|e| Error::io(&file.path, e))?;
            if let Some(expected) = file.keccak256 {
                let actual = keccak256(&bytes);
                if actual != expected {
                    return Err(Error::Snapshot {
                        path: file.path,
                        message: format!(
                            "the file changed after the snapshot: keccak256 is {actual}, the \
                             snapshot recorded {expected} (fetch it again with podium snapshot)"
                        ),
                    });
                }
            }
            self.add_bytes(&file.path, &bytes)?;
        }
        Ok(())
    }

    /// Parses `bytes` as the contents of the file `path` (used for the format and in messages) and
    /// merges the scores in. Nothing is merged if the file has an error.
    pub fn add_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        let parsed = parse_file(path, bytes)?;
        if parsed.is_empty() {
            return Err(if parsed.without_region > 0 {
                Error::UnknownFormat {
                    path: path.to_owned(),
                    message: format!(
                        "the file has no scores: its {} test records all have \"region\": \"\"",
                        parsed.without_region
                    ),
                }
            } else {
                Error::EmptyScores {
                    path: path.to_owned(),
                }
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
        if parsed.without_region > 0 {
            self.warnings.push(format!(
                "{}: skipped {} test record{} with \"region\": \"\" (early leaderboard data names no \
                 region; the leaderboard's own aggregate may still count them in the region that tested \
                 them)",
                path.display(),
                parsed.without_region,
                if parsed.without_region == 1 { "" } else { "s" }
            ));
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

    /// What a reader should know about the inputs (records skipped), one sentence each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
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
    // A byte-order mark (what some editors save) is not part of the data.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
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
