//! The program's metrics for one round, computed from the same inputs the round was paid from: the
//! rules, the scores and the allocation `podium build` computes from them. Pure functions, no I/O.
//!
//! Definitions (the report prints them next to the numbers):
//!
//! - *met the threshold*: scored at least the region's threshold and not in the rules' exclusions
//!   (with a `top_n` split, orchestrators past the last prize still count: they met the threshold);
//!   overall, an orchestrator counts once however many regions it met the threshold in;
//! - *top 5*: the five highest scores in the region among everyone scored, excluded accounts
//!   included and flagged (the leaderboard's view);
//! - *seen for the first time* (in the scores): in this round's scores (any region) and in no earlier
//!   round's scores. The report shows it beside "newly registered", which it reads from the
//!   BondingManager's registration events (see `chain.rs`) when it has a node;
//! - *paid* per region: what the region's split gave its orchestrators, less the part of the per-round
//!   cap (and of the minimum payout) attributed to the region. An account capped across several
//!   regions has its cut attributed to each region in proportion to what it earned there (floored;
//!   the remainder goes to its last region in code order), so the regions' paid amounts add up to
//!   the round's total to the wei. *unallocated* per region is the pool less what it paid.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, U256};
use eyre::{bail, ensure};
use podium_core::{
    Allocation, Region, Rules,
    allocation::{Adjustment, Status},
};

/// How many scores the top list keeps per region.
pub(crate) const TOP: usize = 5;

/// One of the best scores in a region.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TopScore {
    pub(crate) account: Address,
    pub(crate) score: f64,
    /// In the rules' exclusions (shown, but not paid).
    pub(crate) excluded: bool,
    /// Met the region's threshold and is not excluded.
    pub(crate) met: bool,
}

/// One region in one round.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RegionMetrics {
    pub(crate) region: Region,
    /// The region's threshold, when the rules have a pool for it.
    pub(crate) threshold: Option<f64>,
    /// The region's pool (zero when the rules have none).
    pub(crate) pool: U256,
    /// Orchestrators with a score in the region.
    pub(crate) scored: usize,
    /// Orchestrators that met the threshold (see the module docs).
    pub(crate) met: usize,
    /// Orchestrators scored here that the rules exclude.
    pub(crate) excluded: usize,
    /// Orchestrators scored here that no earlier round had scores for (in any region).
    pub(crate) new: usize,
    /// The best scores, best first (ties in address order).
    pub(crate) top: Vec<TopScore>,
    /// What the region's split gave, before the cap and the minimum payout.
    pub(crate) split: U256,
    /// The part of capped accounts' cuts attributed to this region.
    pub(crate) cut_by_cap: U256,
    /// The part of payouts dropped for being under the minimum, attributed to this region.
    pub(crate) below_minimum: U256,
    /// `split - cut_by_cap - below_minimum`.
    pub(crate) paid: U256,
    /// `pool - paid`.
    pub(crate) unallocated: U256,
}

/// One round.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RoundMetrics {
    pub(crate) round: u64,
    /// Per region, in code order.
    pub(crate) regions: Vec<RegionMetrics>,
    /// Distinct orchestrators scored in any region.
    pub(crate) scored: usize,
    /// Distinct orchestrators that met the threshold in at least one region.
    pub(crate) met: usize,
    /// Orchestrators seen for the first time, in address order.
    pub(crate) new: Vec<Address>,
    pub(crate) budget: U256,
    /// The round's total: what the distribution file pays.
    pub(crate) paid: U256,
    /// `budget - paid`.
    pub(crate) unallocated: U256,
    /// The budget no pool was given (`budget - sum of pools`).
    pub(crate) outside_pools: U256,
    /// Accounts paid (Merkle leaves).
    pub(crate) recipients: usize,
}

/// Computes every round's metrics, in round order; `rounds` must hold every round from the first,
/// since "seen for the first time" looks at all earlier rounds.
pub(crate) fn program(rounds: &[(&Rules, &Allocation)]) -> eyre::Result<Vec<RoundMetrics>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(rounds.len());
    for (i, (rules, allocation)) in rounds.iter().enumerate() {
        ensure!(
            rules.round == i as u64 + 1 && allocation.round == rules.round,
            "rounds must be given in order from round 1 (got round {} in place {})",
            rules.round,
            i + 1
        );
        let metrics = round(rules, allocation, &seen)?;
        for outcome in &allocation.regions {
            seen.extend(outcome.rows.iter().map(|r| r.account));
        }
        out.push(metrics);
    }
    Ok(out)
}

/// One round's metrics; `seen_before` holds every account scored in an earlier round.
pub(crate) fn round(
    rules: &Rules,
    allocation: &Allocation,
    seen_before: &BTreeSet<Address>,
) -> eyre::Result<RoundMetrics> {
    let (cap_cuts, minimum_cuts) = attribute_adjustments(allocation)?;
    let mut scored = BTreeSet::new();
    let mut met = BTreeSet::new();
    let mut regions = Vec::with_capacity(allocation.regions.len());
    for outcome in &allocation.regions {
        let region = &outcome.region;
        let mut region_met = 0;
        let mut excluded = 0;
        let mut new = 0;
        for row in &outcome.rows {
            scored.insert(row.account);
            if meets(&row.status) {
                region_met += 1;
                met.insert(row.account);
            }
            if matches!(row.status, Status::Excluded { .. }) {
                excluded += 1;
            }
            if !seen_before.contains(&row.account) {
                new += 1;
            }
        }
        let mut ranked: Vec<_> = outcome.rows.iter().collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.account.cmp(&b.account)));
        let top = ranked
            .into_iter()
            .take(TOP)
            .map(|row| TopScore {
                account: row.account,
                score: row.score,
                excluded: matches!(row.status, Status::Excluded { .. }),
                met: meets(&row.status),
            })
            .collect();
        let cut_by_cap = cap_cuts.get(region).copied().unwrap_or_default();
        let below_minimum = minimum_cuts.get(region).copied().unwrap_or_default();
        let pool = outcome.pool.unwrap_or_default();
        let Some(paid) = outcome
            .allocated
            .checked_sub(cut_by_cap)
            .and_then(|p| p.checked_sub(below_minimum))
        else {
            bail!("region {region}: the cuts attributed to it exceed what its split gave");
        };
        let Some(unallocated) = pool.checked_sub(paid) else {
            bail!("region {region}: paid {paid} is more than its pool {pool}");
        };
        regions.push(RegionMetrics {
            region: region.clone(),
            threshold: rules.pools.get(region).map(|p| p.threshold),
            pool,
            scored: outcome.rows.len(),
            met: region_met,
            excluded,
            new,
            top,
            split: outcome.allocated,
            cut_by_cap,
            below_minimum,
            paid,
            unallocated,
        });
    }
    let paid_in_regions: U256 = regions.iter().map(|r| r.paid).sum();
    ensure!(
        paid_in_regions == allocation.total,
        "round {}: the regions' paid amounts add up to {paid_in_regions}, not the total {}",
        allocation.round,
        allocation.total
    );
    let pools: U256 = regions.iter().map(|r| r.pool).sum();
    let new = scored
        .iter()
        .filter(|a| !seen_before.contains(*a))
        .copied()
        .collect();
    Ok(RoundMetrics {
        round: allocation.round,
        regions,
        scored: scored.len(),
        met: met.len(),
        new,
        budget: allocation.budget,
        paid: allocation.total,
        unallocated: allocation.unallocated,
        outside_pools: allocation.budget.saturating_sub(pools),
        recipients: allocation.payouts.len(),
    })
}

/// Met the threshold and not excluded (a `top_n` split's "outside the top" did meet it).
fn meets(status: &Status) -> bool {
    matches!(status, Status::Eligible | Status::OutsideTop { .. })
}

type PerRegion = BTreeMap<Region, U256>;

/// Attributes each capped account's cut, and each dropped payout, to the regions the account earned
/// in: in proportion to its split payout there, floored, the remainder to its last region.
fn attribute_adjustments(allocation: &Allocation) -> eyre::Result<(PerRegion, PerRegion)> {
    let mut earned: BTreeMap<Address, Vec<(&Region, U256)>> = BTreeMap::new();
    for outcome in &allocation.regions {
        for row in outcome.rows.iter().filter(|r| !r.payout.is_zero()) {
            earned
                .entry(row.account)
                .or_default()
                .push((&outcome.region, row.payout));
        }
    }
    let mut capped = PerRegion::new();
    let mut dropped = PerRegion::new();
    for (account, adjustment) in &allocation.adjustments {
        let Some(parts) = earned.get(account) else {
            bail!("{account} was adjusted but earned nothing in any region");
        };
        // What the splits gave the account, less what it is paid: the cap's cut, or everything
        // when the payout was dropped (a capped payout under the minimum counts as dropped).
        let before: U256 = parts.iter().map(|(_, p)| *p).sum();
        let paid = allocation.payouts.get(account).copied().unwrap_or_default();
        let cut = before - paid;
        let into = match adjustment {
            Adjustment::Capped { .. } => &mut capped,
            Adjustment::BelowMinimum { .. } => &mut dropped,
        };
        let mut left = cut;
        for (i, (region, payout)) in parts.iter().enumerate() {
            let share = if i + 1 == parts.len() {
                left
            } else {
                // cut <= before, and token amounts are far below 2^128, so this cannot overflow;
                // checked anyway, as elsewhere on money.
                cut.checked_mul(*payout)
                    .map(|p| p / before)
                    .ok_or_else(|| eyre::eyre!("attributing {account}'s cut overflows"))?
            };
            left -= share;
            *into.entry((*region).clone()).or_default() += share;
        }
    }
    Ok((capped, dropped))
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
