//! The program report (`podium report`): the metrics the program promised, per weekly round, from
//! the very files the rounds were paid from, and (given a node) from the chain.
//!
//! Inputs, per round, in a rounds directory (see [`discover`]):
//!
//! ```text
//! DIR/round-1/rules.toml          the round's rules
//! DIR/round-1/scores/*.json|csv   the score files the round was built from (or scores.json / scores.csv)
//! DIR/round-1/distribution.json   the distribution file `podium build` wrote (or DIR/round-1.json)
//! DIR/round-2/…
//! ```
//!
//! Each round's payouts are recomputed from its rules and scores and must match its distribution
//! file (tree, total, root and the digests of the rules and score files), so the report cannot
//! describe a different round than the one that was paid. The demo and other commands call [`run`]
//! with explicit [`RoundInput`]s instead of a directory.

pub(crate) mod chain;
mod charts;
pub(crate) mod html;
mod json;
pub(crate) mod metrics;
pub(crate) mod stake;
pub(crate) mod svg;
pub(crate) mod text;

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256, U256};
use eyre::{WrapErr, bail, ensure, eyre};
use podium_chain::{
    DistributorOpts, ProgramConfig, RpcOpts,
    livepeer::{ARBITRUM_ONE, LPT},
};
use podium_core::{
    Allocation, DistributionFile, Rules, ScoreSet, TokenAmount, allocate, rules::SplitMethod,
};

use self::{
    chain::{Facts, Posted},
    metrics::RoundMetrics,
    stake::{RoundClaims, WEEK},
};

/// The `format` of the JSON report.
/// v2: `new` became `firstSeenInScores`, beside the on-chain `newlyRegistered`.
pub(crate) const FORMAT: &str = "podium-report-v2";

/// One round's input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoundInput {
    pub(crate) round: u64,
    pub(crate) rules: PathBuf,
    pub(crate) scores: Vec<PathBuf>,
    /// The distribution file, when the round has been built.
    pub(crate) distribution: Option<PathBuf>,
}

/// Where the chain facts come from.
#[derive(Debug, Clone)]
pub(crate) struct ChainSource {
    pub(crate) rpc: RpcOpts,
    /// The distributor; when neither option is set, the deployment record next to the program file.
    pub(crate) distributor: DistributorOpts,
    /// The BondingManager whose `Bond` events count as staking (default on chain 42161: Livepeer's).
    pub(crate) bonding_manager: Option<Address>,
    /// First block to read the distributor's logs from (default: the deployment record's block, else 0).
    pub(crate) from_block: Option<u64>,
    /// First block to read the BondingManager's registrations from (default: Livepeer's deployment
    /// block for Livepeer's BondingManager on Arbitrum One, else 0).
    pub(crate) registrations_from_block: Option<u64>,
    /// Most blocks per `eth_getLogs` request.
    pub(crate) log_blocks: u64,
}

/// What to report on and where to write it.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// The program file (`program.toml`, as for `podium deploy`).
    pub(crate) program: PathBuf,
    /// Every round so far, from round 1, in order.
    pub(crate) rounds: Vec<RoundInput>,
    /// Read claims and stake from the chain.
    pub(crate) chain: Option<ChainSource>,
    /// Write the HTML page here.
    pub(crate) html: Option<PathBuf>,
}

/// One round, everything known about it.
#[derive(Debug, Clone)]
pub(crate) struct RoundReport {
    pub(crate) input: RoundInput,
    pub(crate) metrics: RoundMetrics,
    /// Window of the round on the program's timeline: `[start, end)`.
    pub(crate) window: (u64, u64),
    pub(crate) rules_digest: B256,
    pub(crate) inputs_digest: B256,
    /// From the distribution file.
    pub(crate) root: Option<B256>,
    /// Threshold(s), split(s) and cap in words.
    pub(crate) rules_summary: String,
    /// The single threshold all pools use, if they agree.
    pub(crate) threshold: Option<f64>,
    /// From the chain.
    pub(crate) chain: Option<RoundChain>,
    /// Orchestrators whose first `TranscoderUpdate` or `TranscoderActivated` falls in the round's
    /// window, in address order; `None` when registrations were not read (see
    /// [`Report::registrations_unavailable`]).
    pub(crate) registered: Option<Vec<Address>>,
}

/// One round's chain facts.
#[derive(Debug, Clone)]
pub(crate) struct RoundChain {
    pub(crate) posted: Option<Posted>,
    pub(crate) revoked: usize,
    pub(crate) claims: RoundClaims,
    /// The posted total (else the file's) less what was claimed.
    pub(crate) unclaimed: U256,
}

/// The whole report.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) program_path: PathBuf,
    pub(crate) program: ProgramConfig,
    pub(crate) symbol: String,
    pub(crate) decimals: u8,
    pub(crate) rounds: Vec<RoundReport>,
    pub(crate) chain: Option<Facts>,
    /// Things a reader should know (a rules budget above the program's, a root on chain that differs
    /// from the file's, …).
    pub(crate) warnings: Vec<String>,
}

/// Finds the rounds in `dir` (layout in the module docs). Rounds must run from 1 without gaps: the
/// first-seen count of a round needs every earlier round's scores.
pub(crate) fn discover(dir: &Path) -> eyre::Result<Vec<RoundInput>> {
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

/// Builds the report and writes the HTML page when asked. The one entry point for the CLI and the
/// demo.
pub(crate) fn run(request: &Request) -> eyre::Result<Report> {
    let report = build(request)?;
    if let Some(path) = &request.html {
        podium_core::write_atomic(path, report.html().as_bytes())
            .wrap_err_with(|| format!("writing the report page {}", path.display()))?;
    }
    Ok(report)
}

/// Reads everything and computes the metrics.
pub(crate) fn build(request: &Request) -> eyre::Result<Report> {
    let program = ProgramConfig::read(&request.program).wrap_err("reading the program file")?;
    ensure!(!request.rounds.is_empty(), "no rounds to report on");
    ensure!(
        request.rounds.len() as u64 <= program.timeline.round_count,
        "{} rounds given, but the program has {}",
        request.rounds.len(),
        program.timeline.round_count
    );
    let mut warnings = Vec::new();
    let mut loaded = Vec::with_capacity(request.rounds.len());
    for (i, input) in request.rounds.iter().enumerate() {
        ensure!(
            input.round == i as u64 + 1,
            "rounds must be given from round 1 in order; got round {} in place {}",
            input.round,
            i + 1
        );
        loaded.push(load_round(input, &program, &mut warnings)?);
    }
    let decimals = loaded[0].rules.decimals;
    if let Some(l) = loaded.iter().find(|l| l.rules.decimals != decimals) {
        bail!(
            "round {} uses {} decimals but round 1 uses {decimals}: one program pays one token",
            l.rules.round,
            l.rules.decimals
        );
    }
    let pairs: Vec<(&Rules, &Allocation)> =
        loaded.iter().map(|l| (&l.rules, &l.allocation)).collect();
    let all_metrics = metrics::program(&pairs)?;

    let facts = match &request.chain {
        Some(source) => Some(read_chain(source, &request.program, &program)?),
        None => None,
    };
    let claims = facts.as_ref().map(|f| {
        let bonds = f.bonds.as_deref().unwrap_or(&[]);
        stake::by_round(&f.claims, bonds, WEEK, f.now)
    });
    if let Some(f) = &facts {
        if f.decimals != decimals {
            warnings.push(format!(
                "the token on chain has {} decimals but the rules use {decimals}",
                f.decimals
            ));
        }
        if f.token != program.token {
            warnings.push(format!(
                "the distributor pays {} but the program file names {}",
                f.token, program.token
            ));
        }
    }

    let mut rounds = Vec::with_capacity(loaded.len());
    for (
        Loaded {
            rules,
            root,
            inputs_digest,
            ..
        },
        m,
    ) in loaded.iter().zip(all_metrics)
    {
        let r = rules.round;
        let start = program.timeline.start + (r - 1) * program.timeline.round_duration;
        let chain = match (&facts, &claims) {
            (Some(f), Some(c)) => {
                let posted = f.posted.get(&r).cloned();
                if let (Some(p), Some(root)) = (&posted, root)
                    && p.root != *root
                {
                    warnings.push(format!(
                        "round {r}: the root on chain {} is not the distribution file's {root}",
                        p.root
                    ));
                }
                let claims = c.get(&r).cloned().unwrap_or_default();
                let owed = posted.as_ref().map_or(m.paid, |p| p.total);
                Some(RoundChain {
                    unclaimed: owed.saturating_sub(claims.claimed),
                    revoked: f.revoked.get(&r).copied().unwrap_or(0),
                    posted,
                    claims,
                })
            }
            _ => None,
        };
        let thresholds: Vec<f64> = rules.pools.values().map(|p| p.threshold).collect();
        let threshold = thresholds
            .first()
            .copied()
            .filter(|t| thresholds.iter().all(|x| x == t));
        let window = (start, start + program.timeline.round_duration);
        let registered = facts
            .as_ref()
            .and_then(|f| f.registrations.as_ref())
            .map(|reg| {
                reg.first
                    .iter()
                    .filter(|(_, first)| window.0 <= first.time && first.time < window.1)
                    .map(|(a, _)| *a)
                    .collect()
            });
        rounds.push(RoundReport {
            input: request.rounds[(r - 1) as usize].clone(),
            window,
            registered,
            rules_digest: rules.digest,
            inputs_digest: *inputs_digest,
            root: *root,
            rules_summary: rules_summary(rules),
            threshold,
            metrics: m,
            chain,
        });
    }
    let symbol = match &facts {
        Some(f) => f.symbol.clone(),
        // The report names the token LPT when the program pays LPT on its chain.
        None if LPT.contains(&(program.chain_id, program.token)) => "LPT".into(),
        None => "tokens".into(),
    };
    Ok(Report {
        program_path: request.program.clone(),
        program,
        symbol,
        decimals,
        rounds,
        chain: facts,
        warnings,
    })
}

/// One round's inputs, read and checked.
struct Loaded {
    rules: Rules,
    allocation: Allocation,
    /// From the distribution file, when there is one.
    root: Option<B256>,
    inputs_digest: B256,
}

/// Reads one round, recomputes its payouts and checks them against its distribution file.
fn load_round(
    input: &RoundInput,
    program: &ProgramConfig,
    warnings: &mut Vec<String>,
) -> eyre::Result<Loaded> {
    let n = input.round;
    let rules =
        Rules::from_file(&input.rules).wrap_err_with(|| format!("reading round {n}'s rules"))?;
    ensure!(
        rules.round == n,
        "{}: field `round` is {} but the file is round {n}'s rules",
        input.rules.display(),
        rules.round
    );
    let scores = ScoreSet::from_files(&input.scores)
        .wrap_err_with(|| format!("reading round {n}'s scores"))?;
    warnings.extend(scores.warnings().iter().map(|w| format!("round {n}: {w}")));
    let allocation =
        allocate(&rules, &scores).wrap_err_with(|| format!("computing round {n}'s payouts"))?;
    if let Ok(budget) = program.round_budget.to_units(rules.decimals)
        && rules.budget > budget
    {
        warnings.push(format!(
            "round {n}: the rules' budget {} is above the program's round budget {}: the contract \
             refuses a root whose total is above it",
            TokenAmount::from_units(rules.budget, rules.decimals),
            program.round_budget
        ));
    }
    let Some(path) = &input.distribution else {
        warnings.push(format!(
            "round {n} has no distribution file: its root is unknown and its payouts are recomputed \
             from the rules and scores only"
        ));
        let inputs_digest = scores.inputs_digest();
        return Ok(Loaded {
            rules,
            allocation,
            root: None,
            inputs_digest,
        });
    };
    let file = DistributionFile::read(path)
        .wrap_err_with(|| format!("reading round {n}'s distribution file"))?;
    let mismatch = |d: podium_core::distribution::Difference| {
        eyre!(
            "{} does not match round {n}'s rules and scores: {d}; the report would describe another \
             round than the one paid (rebuild it with podium build, or fix the inputs)",
            path.display()
        )
    };
    if let Some(d) = file
        .check()
        .wrap_err("rebuilding the distribution file's tree")?
    {
        return Err(mismatch(d));
    }
    if let Some(d) = file
        .compare_with_inputs(&rules, &scores, &allocation)
        .wrap_err("building the Merkle tree")?
    {
        return Err(mismatch(d));
    }
    if let Some(id) = file.chain_id
        && id != program.chain_id
    {
        warnings.push(format!(
            "round {n}: {} is for chain {id}, the program file for chain {}",
            path.display(),
            program.chain_id
        ));
    }
    let inputs_digest = scores.inputs_digest();
    Ok(Loaded {
        rules,
        allocation,
        root: Some(file.root),
        inputs_digest,
    })
}

fn rules_summary(rules: &Rules) -> String {
    let mut parts = Vec::new();
    let thresholds: std::collections::BTreeSet<String> = rules
        .pools
        .values()
        .map(|p| p.threshold.to_string())
        .collect();
    parts.push(format!(
        "threshold {}",
        thresholds.into_iter().collect::<Vec<_>>().join(" / ")
    ));
    let splits: std::collections::BTreeSet<String> = rules
        .pools
        .values()
        .map(|p| match &p.split {
            SplitMethod::Equal => "equal split".to_owned(),
            SplitMethod::Proportional => "split in proportion to score".to_owned(),
            other => format!("{other} split"),
        })
        .collect();
    parts.extend(splits);
    if let Some(cap) = rules.cap {
        parts.push(format!(
            "cap {} per account",
            TokenAmount::from_units(cap, rules.decimals)
        ));
    }
    if let Some(min) = rules.min_payout {
        parts.push(format!(
            "minimum payout {}",
            TokenAmount::from_units(min, rules.decimals)
        ));
    }
    if !rules.exclusions.is_empty() {
        parts.push(format!("{} excluded", rules.exclusions.len()));
    }
    parts.join(", ")
}

fn read_chain(
    source: &ChainSource,
    program_path: &Path,
    program: &ProgramConfig,
) -> eyre::Result<Facts> {
    let mut opts = source.distributor.clone();
    if !opts.is_given() {
        let record = podium_chain::Deployment::path_for(program_path);
        ensure!(
            record.is_file(),
            "which distributor? pass --deployment FILE or --distributor ADDRESS (no deployment record \
             at {})",
            record.display()
        );
        opts.deployment = Some(record);
    }
    let target = opts.resolve()?;
    let bonding_manager = source
        .bonding_manager
        .or((program.chain_id == ARBITRUM_ONE).then_some(chain::ARBITRUM_BONDING_MANAGER));
    let from_block = source
        .from_block
        .or(target.record.as_ref().map(|r| r.block))
        .unwrap_or(0);
    let registrations_from_block = source.registrations_from_block.unwrap_or(
        if program.chain_id == ARBITRUM_ONE
            && bonding_manager == Some(chain::ARBITRUM_BONDING_MANAGER)
        {
            chain::ARBITRUM_BONDING_MANAGER_BLOCK
        } else {
            0
        },
    );
    podium_chain::block_on(async {
        let chain = source.rpc.connect().await?;
        chain.expect_chain_id(program.chain_id, "from the program file")?;
        if let Some(id) = target.chain_id {
            chain.expect_chain_id(id, "from the deployment record")?;
        }
        chain::read(
            &chain,
            &chain::Read {
                distributor: target.address,
                bonding_manager,
                from_block,
                registrations_from_block,
                log_blocks: source.log_blocks,
            },
        )
        .await
    })
    .wrap_err("reading claims, stake and registrations from the chain")
}

impl Report {
    /// Why the on-chain "newly registered" figure is missing, or `None` when it was read.
    pub(crate) fn registrations_unavailable(&self) -> Option<&'static str> {
        match &self.chain {
            None => Some("unavailable: the chain was not read (no --rpc-url)"),
            Some(f) if f.registrations.is_none() => {
                Some("unavailable: no BondingManager (--bonding-manager)")
            }
            Some(_) => None,
        }
    }

    /// The on-chain "newly registered" figure of a round for a table cell: the count, or
    /// "unavailable" (the reason is printed once, under the table).
    pub(crate) fn registered_text(r: &RoundReport) -> String {
        r.registered
            .as_ref()
            .map_or_else(|| "unavailable".into(), |a| a.len().to_string())
    }

    /// An amount for people: whole tokens, rounded to 2 decimals, thousands separated.
    pub(crate) fn tokens(&self, units: U256) -> String {
        tokens_rounded(units, self.decimals)
    }

    /// An amount as a float, for bar heights only.
    pub(crate) fn tokens_f64(&self, units: U256) -> f64 {
        let s = TokenAmount::from_units(units, self.decimals).to_string();
        s.parse().unwrap_or(0.0)
    }
}

/// `units` in whole tokens rounded half up to 2 decimals, with thousands separators.
pub(crate) fn tokens_rounded(units: U256, decimals: u8) -> String {
    let scaled = if decimals >= 2 {
        let div = U256::from(10u8).pow(U256::from(decimals - 2));
        (units + div / U256::from(2u8)) / div
    } else {
        units * U256::from(10u8).pow(U256::from(2 - decimals))
    };
    let cents = scaled.to_string();
    let cents = format!("{cents:0>3}");
    let (int, frac) = cents.split_at(cents.len() - 2);
    format!("{}.{frac}", svg::thousands(int))
}

/// `units` in whole tokens rounded half up, with thousands separators (labels on bars).
pub(crate) fn tokens_whole(units: U256, decimals: u8) -> String {
    let one = U256::from(10u8).pow(U256::from(decimals));
    svg::thousands(&((units + one / U256::from(2u8)) / one).to_string())
}

/// A share as a percentage with one decimal, or "–" for 0/0.
pub(crate) fn percent(part: U256, whole: U256) -> String {
    if whole.is_zero() {
        return "–".into();
    }
    let per_mille = (part * U256::from(1000u16) + whole / U256::from(2u8)) / whole;
    let p = u64::try_from(per_mille).unwrap_or(u64::MAX);
    format!("{}.{}%", p / 10, p % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_amounts_for_people() {
        let e18 = U256::from(10u64).pow(U256::from(18));
        assert_eq!(tokens_rounded(U256::from(2331u64) * e18, 18), "2,331.00");
        assert_eq!(
            tokens_rounded(U256::from(2331u64) * e18 / U256::from(10u8), 18),
            "233.10"
        );
        assert_eq!(
            tokens_rounded(U256::from(5u64) * e18 / U256::from(1000u16), 18),
            "0.01"
        );
        assert_eq!(
            tokens_rounded(U256::from(4u64) * e18 / U256::from(1000u16), 18),
            "0.00"
        );
        assert_eq!(tokens_rounded(U256::from(7u8), 0), "7.00");
        assert_eq!(
            tokens_whole(U256::from(42470u64) * e18 / U256::from(100u8), 18),
            "425"
        );
        assert_eq!(tokens_whole(U256::from(6575u64) * e18, 18), "6,575");
        assert_eq!(percent(U256::from(1u8), U256::from(3u8)), "33.3%");
        assert_eq!(percent(U256::from(2u8), U256::from(3u8)), "66.7%");
        assert_eq!(percent(U256::ZERO, U256::ZERO), "–");
    }
}
