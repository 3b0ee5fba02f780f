//! Scores and rules in, payouts in integer base units out.
//!
//! Only integers touch money: pools are whole base units, every division floors, and whatever the
//! floors leave (the dust), a pool nobody is eligible for, prizes for places nobody reached, amounts
//! cut by the cap and payouts below the minimum all stay unallocated and go back to the funder at the
//! end of the program. So the round's total can never exceed its budget. Everything is computed over
//! sorted maps, so the result does not depend on the order of the inputs. Scores are floats only until
//! they decide eligibility and, for proportional splits, become integer weights.

use std::{collections::BTreeMap, fmt};

use alloy_primitives::{Address, U256};

use crate::{
    Error, Region, Result,
    rules::{Rules, SplitMethod},
    scores::ScoreSet,
};

/// Proportional splits weigh each score as an integer number of these parts per 1 (score × 10¹²,
/// rounded to nearest), so the arithmetic on money stays exact.
pub const SCORE_PARTS: u64 = 1_000_000_000_000;

/// Why an orchestrator does or does not get part of a region's pool.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// Meets the threshold: shares the pool.
    Eligible,
    /// Listed in the rules' exclusions.
    Excluded {
        /// The reason the rules give.
        reason: String,
    },
    /// Scored below the region's threshold.
    BelowThreshold {
        /// The region's threshold (0–1).
        threshold: f64,
    },
    /// The rules have no pool for this region.
    NoPool,
    /// Eligible, but placed after the last prize of a `top_n` split.
    OutsideTop {
        /// How many places have prizes.
        places: usize,
    },
}

impl Status {
    /// Whether the orchestrator shares the pool.
    pub fn is_eligible(&self) -> bool {
        matches!(self, Self::Eligible)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Eligible => f.write_str("eligible"),
            Self::Excluded { reason } => write!(f, "excluded: {reason}"),
            Self::BelowThreshold { threshold } => write!(f, "below threshold {threshold}"),
            Self::NoPool => f.write_str("no pool for this region"),
            Self::OutsideTop { places } => write!(f, "not in the top {places}"),
        }
    }
}

/// One orchestrator in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The orchestrator.
    pub account: Address,
    /// Its score in the region (0–1).
    pub score: f64,
    /// Whether and why it shares the pool.
    pub status: Status,
    /// Its share of this region's pool, before the cap and minimum (which apply per account).
    pub payout: U256,
}

/// One region's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionOutcome {
    /// The region.
    pub region: Region,
    /// The region's pool, if the rules have one.
    pub pool: Option<U256>,
    /// The region's split, if it has a pool.
    pub split: Option<SplitMethod>,
    /// Orchestrators by address.
    pub rows: Vec<Row>,
    /// Sum of the rows' payouts.
    pub allocated: U256,
}

impl RegionOutcome {
    /// How many orchestrators share the pool.
    pub fn eligible(&self) -> usize {
        self.rows.iter().filter(|r| r.status.is_eligible()).count()
    }
}

/// A change to an account's summed payout made after the regions were split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Adjustment {
    /// The sum was above the cap and was cut to it.
    Capped {
        /// The sum before the cut.
        before: U256,
    },
    /// The sum was below the minimum payout and was dropped.
    BelowMinimum {
        /// The dropped sum.
        amount: U256,
    },
}

/// The payouts of a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// The round.
    pub round: u64,
    /// The round's budget.
    pub budget: U256,
    /// Per region, in region order; regions with a pool or with scores appear.
    pub regions: Vec<RegionOutcome>,
    /// The final payout per account (summed over regions, capped, minimum applied); only non-zero
    /// payouts appear. One Merkle leaf each.
    pub payouts: BTreeMap<Address, U256>,
    /// Accounts whose sum was capped or dropped.
    pub adjustments: BTreeMap<Address, Adjustment>,
    /// Sum of `payouts`.
    pub total: U256,
    /// `budget - total`: returns to the funder.
    pub unallocated: U256,
}

/// Scales a 0–1 score to integer parts (see [`SCORE_PARTS`]).
fn weight(score: f64) -> u64 {
    // `score` is validated to be in [0, 1], so the product is in [0, 1e12] and the cast is exact.
    (score * SCORE_PARTS as f64).round() as u64
}

fn mul_div(a: U256, b: U256, d: U256) -> Result<U256> {
    // Callers pass d > 0; the product of a pool (< 2^128 in practice) and a weight fits easily, but a
    // 256-bit budget is allowed, so overflow is an error rather than a wrap.
    a.checked_mul(b)
        .map(|p| p / d)
        .ok_or_else(|| Error::Allocation("a pool times a weight overflows 256 bits".into()))
}

/// Splits one region's pool among the eligible rows (in place), returning the sum paid.
fn split_pool(pool: U256, split: &SplitMethod, rows: &mut [Row]) -> Result<U256> {
    let eligible: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].status.is_eligible())
        .collect();
    if eligible.is_empty() {
        return Ok(U256::ZERO);
    }
    match split {
        SplitMethod::Equal => {
            let each = pool / U256::from(eligible.len());
            for &i in &eligible {
                rows[i].payout = each;
            }
        }
        SplitMethod::Proportional => {
            let weights: Vec<u64> = eligible.iter().map(|&i| weight(rows[i].score)).collect();
            let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
            // All eligible scores are 0 (only possible with threshold 0): nothing to be proportional
            // to, so the pool stays unallocated.
            if sum > 0 {
                for (&i, &w) in eligible.iter().zip(&weights) {
                    rows[i].payout = mul_div(pool, U256::from(w), U256::from(sum))?;
                }
            }
        }
        SplitMethod::TopN { weights } => {
            let total_weight: u128 = weights.iter().map(|&w| u128::from(w)).sum();
            let mut ranked = eligible;
            // Best first; address order (the rows' order) breaks nothing, ties are shared below.
            ranked.sort_by(|&a, &b| rows[b].score.total_cmp(&rows[a].score).then(a.cmp(&b)));
            let mut place = 0;
            let mut start = 0;
            while start < ranked.len() {
                let score = rows[ranked[start]].score;
                let end = ranked[start..]
                    .iter()
                    .position(|&i| rows[i].score != score)
                    .map_or(ranked.len(), |k| start + k);
                let tied = end - start;
                let prize: u128 = weights
                    .iter()
                    .skip(place)
                    .take(tied)
                    .map(|&w| u128::from(w))
                    .sum();
                for &i in &ranked[start..end] {
                    if place >= weights.len() {
                        rows[i].status = Status::OutsideTop {
                            places: weights.len(),
                        };
                    } else {
                        rows[i].payout = mul_div(
                            pool,
                            U256::from(prize),
                            U256::from(total_weight) * U256::from(tied),
                        )?;
                    }
                }
                place += tied;
                start = end;
            }
        }
    }
    Ok(rows.iter().map(|r| r.payout).fold(U256::ZERO, |a, b| a + b))
}

/// Computes a round's payouts from its rules and scores.
pub fn allocate(rules: &Rules, scores: &ScoreSet) -> Result<Allocation> {
    let mut regions: BTreeMap<&Region, RegionOutcome> = BTreeMap::new();
    for (region, pool) in &rules.pools {
        regions.insert(
            region,
            RegionOutcome {
                region: region.clone(),
                pool: Some(pool.amount),
                split: Some(pool.split.clone()),
                rows: Vec::new(),
                allocated: U256::ZERO,
            },
        );
    }
    for (region, by_account) in scores.regions() {
        let pool = rules.pools.get(region);
        let outcome = regions.entry(region).or_insert_with(|| RegionOutcome {
            region: region.clone(),
            pool: None,
            split: None,
            rows: Vec::new(),
            allocated: U256::ZERO,
        });
        for (&account, s) in by_account {
            let status = if let Some(reason) = rules.exclusions.get(&account) {
                Status::Excluded {
                    reason: reason.clone(),
                }
            } else if let Some(pool) = pool {
                if s.score >= pool.threshold {
                    Status::Eligible
                } else {
                    Status::BelowThreshold {
                        threshold: pool.threshold,
                    }
                }
            } else {
                Status::NoPool
            };
            outcome.rows.push(Row {
                account,
                score: s.score,
                status,
                payout: U256::ZERO,
            });
        }
        if let Some(pool) = pool {
            outcome.allocated = split_pool(pool.amount, &pool.split, &mut outcome.rows)?;
        }
    }

    let mut sums: BTreeMap<Address, U256> = BTreeMap::new();
    for outcome in regions.values() {
        for row in outcome.rows.iter().filter(|r| !r.payout.is_zero()) {
            *sums.entry(row.account).or_default() += row.payout;
        }
    }
    let mut payouts = BTreeMap::new();
    let mut adjustments = BTreeMap::new();
    for (account, mut amount) in sums {
        if let Some(cap) = rules.cap
            && amount > cap
        {
            adjustments.insert(account, Adjustment::Capped { before: amount });
            amount = cap;
        }
        if let Some(min) = rules.min_payout
            && amount < min
        {
            adjustments.insert(account, Adjustment::BelowMinimum { amount });
            continue;
        }
        payouts.insert(account, amount);
    }
    let total = payouts.values().fold(U256::ZERO, |a, b| a + b);
    if total > rules.budget {
        // Unreachable by construction (pools <= budget, each split <= its pool, cap only cuts), kept
        // as a hard stop because the contract cannot check it.
        return Err(Error::Allocation(format!(
            "payouts add up to {total}, above the budget {}",
            rules.budget
        )));
    }
    Ok(Allocation {
        round: rules.round,
        budget: rules.budget,
        regions: regions.into_values().collect(),
        payouts,
        adjustments,
        total,
        unallocated: rules.budget - total,
    })
}

#[cfg(test)]
mod tests;
