//! The report's model: everything known about the program and each round, read from the inputs
//! (and the chain) and computed once. The views read this and nothing else.

use std::path::PathBuf;

use alloy_primitives::{Address, B256, U256};
use eyre::{WrapErr, bail, ensure, eyre};
use podium_chain::{
    ProgramConfig,
    livepeer::{ARBITRUM_ONE, LPT},
};
use podium_core::{
    Allocation, DistributionFile, Rules, ScoreSet, TokenAmount, allocate, rules::SplitMethod,
};

use crate::{
    ChainSource, Request,
    chain::{self, Facts, Posted},
    input::{ProgramSource, RoundInput},
    metrics::{self, RoundMetrics},
    stake::{self, RoundClaims, WEEK},
};

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
pub struct Report {
    pub(crate) program_path: PathBuf,
    /// What `program_path` is: "the program file" or "the deployment record".
    pub(crate) program_what: &'static str,
    pub(crate) program: ProgramConfig,
    pub(crate) symbol: String,
    pub(crate) decimals: u8,
    pub(crate) rounds: Vec<RoundReport>,
    pub(crate) chain: Option<Facts>,
    /// Things a reader should know (a rules budget above the program's, a root on chain that differs
    /// from the file's, …).
    pub(crate) warnings: Vec<String>,
}

/// Reads everything and computes the metrics.
pub(crate) fn build(request: &Request) -> eyre::Result<Report> {
    build_with(request, |program| {
        request
            .chain
            .as_ref()
            .map(|source| read_chain(source, &request.program, program))
            .transpose()
    })
}

/// Reads the rounds and computes the metrics, with the chain facts `chain` returns (read once every
/// round has been read and checked, so a bad round is reported before the network is asked).
pub(crate) fn build_with(
    request: &Request,
    chain: impl FnOnce(&ProgramConfig) -> eyre::Result<Option<Facts>>,
) -> eyre::Result<Report> {
    let (program, _) = request.program.read()?;
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
        loaded.push(load_round(
            input,
            &program,
            &request.program,
            &mut warnings,
        )?);
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

    let facts = chain(&program)?;
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
                "the distributor pays {} but {} names {}",
                f.token,
                request.program.what(),
                program.token
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
        program_path: request.program.path().to_path_buf(),
        program_what: request.program.what(),
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
    source: &ProgramSource,
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
            "round {n}: {} is for chain {id}, {} for chain {}",
            path.display(),
            source.what(),
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
    program_source: &ProgramSource,
    program: &ProgramConfig,
) -> eyre::Result<Facts> {
    let mut opts = source.distributor.clone();
    if let ProgramSource::Deployment(record) = program_source
        && !opts.is_given()
    {
        opts.deployment = Some(record.clone());
    }
    if !opts.is_given() {
        let record = podium_chain::Deployment::path_for(program_source.path());
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
        chain.expect_chain_id(program.chain_id, &format!("from {}", program_source.what()))?;
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

    /// Whether staking was measured: the chain was read and a BondingManager was known.
    pub(crate) fn stake_measured(&self) -> bool {
        self.chain.as_ref().is_some_and(|f| f.bonds.is_some())
    }
}
