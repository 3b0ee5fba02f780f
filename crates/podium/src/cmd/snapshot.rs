//! `podium snapshot`: fetch a round's leaderboard scores for exactly the round's window and keep them,
//! byte for byte, with a provenance record, in `ROUNDS/round-N/scores/`.
//!
//! The leaderboard answers the last 24 hours when asked without `since`, so the window is always
//! passed: `until` = the round's end, `since` = the end less `--window` (7 days, the 2020 program's
//! "7-day view at each round's end") or the round's own start (`--window round`); both ends inclusive.
//!
//! Every answer is fetched and checked (HTTP status, JSON, and podium-core's score parser) before
//! anything is written; then each file is written atomically and `snapshot.json` last. A directory
//! caught half-way (a crash between two renames) is refused by the score loader, which checks every
//! file against the record's keccak256. Running again for the same window writes nothing when the
//! leaderboard answers the same, and otherwise lists what changed and replaces the snapshot only with
//! `--force` (exit 1 without it).

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::{Path, PathBuf},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use alloy_primitives::{Address, keccak256};
use clap::Args;
use eyre::{WrapErr, bail, ensure};
use indicatif::ProgressBar;
use podium_chain::{
    Deployment, ProgramConfig, RpcOpts,
    program::Timeline,
    time::{duration, parse_duration, utc},
};
use podium_core::{
    Region, ScoreSet,
    scores::snapshot::{SNAPSHOT_FILE, SNAPSHOT_FORMAT, Snapshot, SnapshotRequest},
};
use serde_json::json;

use self::leaderboard::{Answer, Client, DEFAULT_URL, Patience};
use super::Outcome;
use crate::output::{Output, align_right, print_json, table};

mod leaderboard;

// An error and its causes on one line, for `post`'s check of a `--uri` too.
pub(crate) use self::leaderboard::chain_text;

/// Fetch a round's leaderboard scores for exactly the round's window into ROUNDS/round-N/scores/,
/// with a provenance record (snapshot.json). `podium build --scores ROUNDS/round-N/scores` reads it.
///
/// Exit codes: 0 written, or unchanged since the last snapshot; 1 the leaderboard now answers
/// differently for the same window (the differences are listed; nothing is written without --force);
/// 2 an error (nothing is written).
#[derive(Debug, Args)]
pub(crate) struct SnapshotArgs {
    /// The program round (1 = the first week).
    #[arg(long)]
    round: u64,
    /// The deployment record written by `podium deploy` (the program's timeline).
    #[arg(long, env = "PODIUM_DEPLOYMENT", value_name = "FILE")]
    deployment: Option<PathBuf>,
    /// The program file, instead of a deployment record.
    #[arg(
        long,
        env = "PODIUM_PROGRAM",
        value_name = "FILE",
        conflicts_with = "deployment"
    )]
    program: Option<PathBuf>,
    /// How far back from the round's end the window starts: a duration (`7d`, the leaderboard's
    /// 7-day view) or `round` for the round's own start.
    #[arg(long, value_name = "DURATION|round", default_value = "7d")]
    window: String,
    /// Fetch one region per request (repeat the option); default: all regions in one request.
    #[arg(long = "region", value_name = "CODE")]
    regions: Vec<String>,
    /// Also fetch the raw test records of every orchestrator the aggregated stats name (one request
    /// each, the API's limit) into scores/raw/, so anyone can recompute the scores.
    #[arg(long)]
    raw: bool,
    /// The rounds directory: the snapshot goes to ROUNDS/round-N/scores/.
    #[arg(long, value_name = "DIR", default_value = "rounds")]
    rounds: PathBuf,
    /// The leaderboard API's base URL (requests go to URL/api/aggregated_stats and URL/api/raw_stats).
    #[arg(long, env = "PODIUM_LEADERBOARD_URL", value_name = "URL", default_value = DEFAULT_URL)]
    leaderboard_url: String,
    /// Seconds before one leaderboard request times out.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// Retries of a request after a timeout, a cut-off answer, HTTP 429 or 5xx.
    #[arg(long, value_name = "N", default_value_t = 3)]
    retries: u32,
    /// First wait before a retry, in milliseconds; it doubles with each retry (at most 30 s).
    #[arg(long, value_name = "MILLIS", default_value_t = 1000)]
    backoff: u64,
    /// Replace an earlier snapshot of the round whose answers differ.
    #[arg(long)]
    force: bool,
    /// With --rpc-url (or ETH_RPC_URL), whether the round has ended is judged by the chain's latest
    /// block time, as the distributor judges it; without, by this machine's clock.
    #[command(flatten)]
    rpc: RpcOpts,
}

/// One planned request and where its answer goes.
struct Planned {
    endpoint: &'static str,
    query: Vec<(String, String)>,
    /// Relative path in the scores directory.
    file: String,
    score_input: bool,
}

/// An answer, checked, with where it will be stored.
struct Fetched {
    planned: Planned,
    answer: Answer,
    /// `false` for an empty answer (`{}`), recorded but not stored.
    stored: bool,
    regions: usize,
    orchestrators: usize,
}

impl SnapshotArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        let (chain_id, timeline) = self.timeline()?;
        let n = self.round;
        let Some((round_start, end)) = timeline.round_window(n) else {
            bail!(
                "round {n} is not in the program: it has rounds 1 to {}",
                timeline.round_count
            );
        };
        let (now, clock) = self.now(chain_id)?;
        if now < end {
            bail!(
                "round {n} ends at {} ({} from now by {clock}): its leaderboard window is not complete \
                 yet; run podium snapshot after it ends",
                utc(end),
                duration(end - now)
            );
        }
        let (since, window) = if self.window.trim() == "round" {
            (round_start, "the round's own start to its end".to_owned())
        } else {
            let back = parse_duration(&self.window).map_err(|e| eyre::eyre!("--window: {e}"))?;
            ensure!(back > 0, "--window: must be longer than 0");
            (
                end.saturating_sub(back),
                format!("{} before the round's end", duration(back)),
            )
        };
        let regions = self
            .regions
            .iter()
            .map(|r| {
                Region::parse(r).ok_or_else(|| {
                    eyre::eyre!("--region {r:?}: a region code is letters and digits, e.g. FRA")
                })
            })
            .collect::<eyre::Result<BTreeSet<_>>>()?;
        let client = Client::new(
            &self.leaderboard_url,
            Patience {
                timeout: Duration::from_secs(self.timeout),
                retries: self.retries,
                backoff: Duration::from_millis(self.backoff),
            },
        )?;
        let dir = self.rounds.join(format!("round-{n}")).join("scores");

        let bar = output.progress("{spinner} {pos}/{len} requests {wide_msg}");
        let window_query = vec![
            ("since".to_owned(), since.to_string()),
            ("until".to_owned(), end.to_string()),
        ];
        let fetched =
            podium_chain::block_on(fetch_all(&client, &regions, &window_query, self.raw, &bar));
        bar.finish_and_clear();
        let (fetched, warnings) = fetched?;
        ensure!(
            fetched.iter().any(|f| f.stored && f.planned.score_input),
            "{}: the leaderboard has no scores for round {n}'s window, {} to {} (since={since}, \
             until={end}); nothing written",
            client.url("aggregated_stats", &window_query),
            utc(since),
            utc(end)
        );

        let record = Snapshot {
            format: SNAPSHOT_FORMAT.into(),
            round: n,
            base_url: client.base(),
            since,
            until: end,
            window: window.clone(),
            tool: concat!("podium ", env!("CARGO_PKG_VERSION")).into(),
            requests: fetched
                .iter()
                .map(|f| SnapshotRequest {
                    endpoint: f.planned.endpoint.into(),
                    query: f.planned.query.clone(),
                    url: f.answer.url.clone(),
                    status: f.answer.status,
                    attempts: f.answer.attempts,
                    fetched_at: f.answer.fetched_at,
                    fetched_at_utc: utc(f.answer.fetched_at),
                    bytes: f.answer.body.len() as u64,
                    keccak256: keccak256(&f.answer.body),
                    file: f.stored.then(|| f.planned.file.clone()),
                    score_input: f.planned.score_input,
                })
                .collect(),
        };
        let changes = compare_with_existing(&dir, &record, &fetched)?;
        let status = match &changes {
            Some(c) if c.is_empty() => "unchanged",
            Some(_) if !self.force => "changed",
            _ => "written",
        };
        if status == "written" {
            write_snapshot(&dir, &record, &fetched)?;
        }

        if output.json() {
            print_json(&json!({
                "round": n,
                "since": since,
                "until": end,
                "window": window,
                "baseUrl": record.base_url,
                "directory": dir,
                "status": status,
                "changes": changes.clone().unwrap_or_default(),
                "warnings": warnings,
                "requests": record.requests,
            }))?;
        } else {
            println!(
                "Round {n}: {} to {} ({window}), from {}",
                utc(since),
                utc(end),
                record.base_url
            );
            let mut t = table(&["file", "regions", "orchestrators", "bytes", "keccak256"]);
            for f in &fetched {
                let name = if f.stored {
                    f.planned.file.clone()
                } else {
                    format!("{} (empty, not stored)", f.planned.file)
                };
                t.add_row(vec![
                    name,
                    f.regions.to_string(),
                    f.orchestrators.to_string(),
                    f.answer.body.len().to_string(),
                    keccak256(&f.answer.body).to_string(),
                ]);
            }
            align_right(&mut t, &[1, 2, 3]);
            println!("{t}");
            for w in &warnings {
                println!("warning: {w}");
            }
            match (status, &changes) {
                ("unchanged", _) => println!(
                    "unchanged: the leaderboard gives the same answers as the snapshot in {}; nothing \
                     written",
                    dir.display()
                ),
                (_, Some(c)) if !c.is_empty() => {
                    println!("the leaderboard now answers differently for the same window:");
                    for line in c {
                        println!("  {line}");
                    }
                    if status == "changed" {
                        println!(
                            "nothing written: pass --force to replace the snapshot in {}",
                            dir.display()
                        );
                    } else {
                        println!("replaced the snapshot in {}", dir.display());
                    }
                }
                _ => println!(
                    "wrote {} ({} files and {SNAPSHOT_FILE}); build with: podium build --round {n} \
                     --scores {0} …",
                    dir.display(),
                    fetched.iter().filter(|f| f.stored).count()
                ),
            }
        }
        Ok(if status == "changed" {
            Outcome::No
        } else {
            Outcome::Success
        })
    }

    /// The program's chain and timeline, from a deployment record or a program file.
    fn timeline(&self) -> eyre::Result<(u64, Timeline)> {
        if let Some(path) = &self.deployment {
            let d = Deployment::read(path)?;
            return Ok((d.chain_id, d.timeline));
        }
        if let Some(path) = &self.program {
            let p = ProgramConfig::read(path)?;
            return Ok((p.chain_id, p.timeline));
        }
        bail!(
            "which program? pass --deployment FILE (written by podium deploy) or --program FILE (or set \
             PODIUM_DEPLOYMENT / PODIUM_PROGRAM): the round's window comes from its timeline"
        )
    }

    /// Now, and by which clock.
    fn now(&self, chain_id: u64) -> eyre::Result<(u64, String)> {
        if self.rpc.rpc_url.is_none() {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            return Ok((now, "this machine's clock".into()));
        }
        podium_chain::block_on(async {
            let chain = self.rpc.connect().await?;
            chain.expect_chain_id(chain_id, "from the program")?;
            let now = chain.now().await?;
            Ok((now, format!("the latest block's time on {}", chain.url)))
        })
    }
}

/// Fetches the aggregated stats (all regions, or one request per region), then, with `raw`, each
/// named orchestrator's raw records. Every answer is parsed as scores before the next request.
async fn fetch_all(
    client: &Client,
    regions: &BTreeSet<Region>,
    window: &[(String, String)],
    raw: bool,
    bar: &ProgressBar,
) -> eyre::Result<(Vec<Fetched>, Vec<String>)> {
    let mut plan: Vec<Planned> = if regions.is_empty() {
        vec![Planned {
            endpoint: "aggregated_stats",
            query: window.to_vec(),
            file: "aggregated.json".into(),
            score_input: true,
        }]
    } else {
        regions
            .iter()
            .map(|r| {
                let mut query = vec![("region".to_owned(), r.to_string())];
                query.extend_from_slice(window);
                Planned {
                    endpoint: "aggregated_stats",
                    query,
                    file: format!("aggregated-{r}.json"),
                    score_input: true,
                }
            })
            .collect()
    };
    bar.set_length(plan.len() as u64);
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut aggregated = ScoreSet::new();
    let mut raw_set = ScoreSet::new();
    let mut next = 0;
    while next < plan.len() {
        let planned = std::mem::replace(
            &mut plan[next],
            Planned {
                endpoint: "",
                query: Vec::new(),
                file: String::new(),
                score_input: false,
            },
        );
        next += 1;
        bar.set_message(planned.file.clone());
        let answer = client.get(planned.endpoint, &planned.query).await?;
        bar.inc(1);
        let empty =
            serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&answer.body)
                .is_ok_and(|m| m.is_empty());
        let (regions_n, orchestrators) = if empty {
            warnings.push(format!(
                "{}: an empty answer ({{}}), not stored",
                answer.url
            ));
            (0, 0)
        } else {
            let set = if planned.score_input {
                &mut aggregated
            } else {
                &mut raw_set
            };
            let before = set.warnings().len();
            let mut one = ScoreSet::new();
            one.add_bytes(Path::new(&answer.url), &answer.body)
                .wrap_err_with(|| format!("the leaderboard's answer to {}", answer.url))?;
            set.add_bytes(Path::new(&planned.file), &answer.body)
                .wrap_err_with(|| format!("the leaderboard's answer to {}", answer.url))?;
            warnings.extend(set.warnings()[before..].iter().cloned());
            let accounts: BTreeSet<Address> = one
                .regions()
                .values()
                .flat_map(|m| m.keys().copied())
                .collect();
            (one.regions().len(), accounts.len())
        };
        let is_aggregated = planned.score_input;
        out.push(Fetched {
            planned,
            answer,
            stored: !empty,
            regions: regions_n,
            orchestrators,
        });
        // Once the last aggregated answer is in, plan the raw requests: one per orchestrator (per
        // region when fetching per region), as the raw endpoint requires.
        if raw && is_aggregated && next == plan.len() {
            for (region, accounts) in aggregated.regions() {
                for account in accounts.keys() {
                    let lower = format!("{account:#x}");
                    let (query, file) = if regions.is_empty() {
                        (
                            vec![("orchestrator".to_owned(), lower.clone())],
                            format!("raw/{lower}.json"),
                        )
                    } else {
                        (
                            vec![
                                ("orchestrator".to_owned(), lower.clone()),
                                ("region".to_owned(), region.to_string()),
                            ],
                            format!("raw/{lower}-{region}.json"),
                        )
                    };
                    if plan.iter().any(|p| p.file == file) {
                        continue;
                    }
                    let mut query = query;
                    query.extend_from_slice(window);
                    plan.push(Planned {
                        endpoint: "raw_stats",
                        query,
                        file,
                        score_input: false,
                    });
                }
            }
            bar.set_length(plan.len() as u64);
        }
    }
    Ok((out, warnings))
}

/// What differs from the snapshot already in `dir`: `None` when there is none, an empty list when
/// the answers are the same. A directory with score files but no record is refused: they are not
/// ours to replace.
fn compare_with_existing(
    dir: &Path,
    record: &Snapshot,
    fetched: &[Fetched],
) -> eyre::Result<Option<Vec<String>>> {
    let record_path = dir.join(SNAPSHOT_FILE);
    if !record_path.is_file() {
        if dir.is_dir() {
            let foreign: Vec<String> = fs::read_dir(dir)
                .wrap_err_with(|| format!("reading {}", dir.display()))?
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect();
            ensure!(
                foreign.is_empty(),
                "{} already holds files not written by podium snapshot ({}): move them away first",
                dir.display(),
                foreign.join(", ")
            );
        }
        return Ok(None);
    }
    let old = Snapshot::read(&record_path)?;
    let mut changes = Vec::new();
    if (old.since, old.until) != (record.since, record.until) {
        changes.push(format!(
            "the window was {} to {}; now {} to {}",
            utc(old.since),
            utc(old.until),
            utc(record.since),
            utc(record.until)
        ));
    }
    if old.base_url != record.base_url {
        changes.push(format!(
            "the leaderboard was {}; now {}",
            old.base_url, record.base_url
        ));
    }
    let old_files: BTreeMap<&str, &SnapshotRequest> = old
        .requests
        .iter()
        .filter_map(|r| r.file.as_deref().map(|f| (f, r)))
        .collect();
    let new_files: BTreeMap<&str, &Fetched> = fetched
        .iter()
        .filter(|f| f.stored)
        .map(|f| (f.planned.file.as_str(), f))
        .collect();
    for (file, f) in &new_files {
        match old_files.get(file) {
            None => changes.push(format!("{file}: new")),
            Some(r) if r.keccak256 == keccak256(&f.answer.body) => {}
            Some(_) => {
                let before = fs::read(dir.join(file)).unwrap_or_default();
                changes.push(format!(
                    "{file}: {}",
                    score_differences(&before, &f.answer.body)
                ));
            }
        }
    }
    for file in old_files.keys() {
        if !new_files.contains_key(file) {
            changes.push(format!("{file}: no longer in the answers"));
        }
    }
    Ok(Some(changes))
}

/// How two answers' scores differ, in words.
fn score_differences(before: &[u8], after: &[u8]) -> String {
    let parse = |b: &[u8]| {
        let mut s = ScoreSet::new();
        s.add_bytes(Path::new("answer.json"), b).ok().map(|_| s)
    };
    let (Some(a), Some(b)) = (parse(before), parse(after)) else {
        return "different bytes".into();
    };
    let mut parts = Vec::new();
    let regions: BTreeSet<&Region> = a.regions().keys().chain(b.regions().keys()).collect();
    for region in regions {
        let empty = BTreeMap::new();
        let old = a.regions().get(region).unwrap_or(&empty);
        let new = b.regions().get(region).unwrap_or(&empty);
        let added = new.keys().filter(|k| !old.contains_key(*k)).count();
        let removed = old.keys().filter(|k| !new.contains_key(*k)).count();
        let changed = new
            .iter()
            .filter(|(k, s)| old.get(*k).is_some_and(|o| o.score != s.score))
            .count();
        if added + removed + changed > 0 {
            parts.push(format!(
                "{region} {added} orchestrators added, {removed} removed, {changed} scores changed"
            ));
        }
    }
    if parts.is_empty() {
        "the same scores, different bytes".into()
    } else {
        parts.join("; ")
    }
}

/// Writes every stored answer, then the record last; removes files of an earlier snapshot that the
/// new one does not have.
fn write_snapshot(dir: &Path, record: &Snapshot, fetched: &[Fetched]) -> eyre::Result<()> {
    let old = Snapshot::read(&dir.join(SNAPSHOT_FILE)).ok();
    for f in fetched.iter().filter(|f| f.stored) {
        let path = dir.join(&f.planned.file);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .wrap_err_with(|| format!("creating {}", parent.display()))?;
        }
        podium_core::write_atomic(&path, &f.answer.body)
            .wrap_err_with(|| format!("writing {}", path.display()))?;
    }
    let path = dir.join(SNAPSHOT_FILE);
    podium_core::write_atomic(&path, record.to_json().as_bytes())
        .wrap_err_with(|| format!("writing {}", path.display()))?;
    if let Some(old) = old {
        let keep: BTreeSet<&str> = record
            .requests
            .iter()
            .filter_map(|r| r.file.as_deref())
            .collect();
        for file in old.requests.iter().filter_map(|r| r.file.as_deref()) {
            if !keep.contains(file) {
                let _ = fs::remove_file(dir.join(file));
            }
        }
    }
    Ok(())
}
