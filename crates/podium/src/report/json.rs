//! The report as JSON, for scripts: amounts exact in base units (decimal strings), scores as
//! numbers on the 0–1 scale.

use serde_json::{Value, json};

use super::{FORMAT, Report, metrics::RegionMetrics, stake::WEEK};
use crate::output::addr;

/// What the report says about how it counts, in its JSON and on its page.
pub(crate) const NOTES: [&str; 4] = [
    "Newly registered (on chain): orchestrators whose first TranscoderUpdate or TranscoderActivated \
     event on the BondingManager, read from its deployment block (or --registrations-from-block), \
     falls in the round's window (by block time); an orchestrator that registered before the \
     program, or that updates its terms again, is not counted again. Unavailable without --rpc-url \
     or a BondingManager. First seen in the scores (the second figure): in the round's scores (any \
     region) and in no earlier round's; in round 1 everyone scored is.",
    "Met the threshold: scored at least the region's threshold and not excluded by the rules; an \
     orchestrator counts once overall however many regions it met it in.",
    "Top 5: the five best scores in the region among everyone on the leaderboard, excluded accounts \
     included and flagged.",
    "Paid per region: what the region's split gave, less the part of the per-account cap (or minimum \
     payout) attributed to the region in proportion to what the account earned there; the regions add \
     up to the round's total to the wei. Unallocated per region: the pool less what it paid.",
];

/// How staking within a week of a claim is measured, and its limits.
pub(crate) const STAKE_METHOD: &str = "Staked within 7 days: for each claim (a Claimed event), the \
    BondingManager's Bond events whose delegator is the address that received the tokens, made after \
    the claim and at most 7 days later, count up to the claimed amount; each bond counts once, for \
    the earliest claims first. Limits: tokens are fungible, so bonding other tokens held counts too; \
    stake bonded by another address is not seen; unbonding within the week is not subtracted; a claim \
    whose week has not ended may still gain stake.";

fn region_json(r: &RegionMetrics) -> Value {
    json!({
        "region": r.region.as_str(),
        "threshold": r.threshold,
        "pool": r.pool.to_string(),
        "scored": r.scored,
        "metThreshold": r.met,
        "excluded": r.excluded,
        "firstSeenInScores": r.new,
        "top5": r.top.iter().map(|t| json!({
            "account": addr(&t.account),
            "score": t.score,
            "metThreshold": t.met,
            "excluded": t.excluded,
        })).collect::<Vec<_>>(),
        "split": r.split.to_string(),
        "cutByCap": r.cut_by_cap.to_string(),
        "droppedBelowMinimum": r.below_minimum.to_string(),
        "paid": r.paid.to_string(),
        "unallocated": r.unallocated.to_string(),
    })
}

impl Report {
    /// The report as one JSON document.
    pub(crate) fn to_json(&self) -> Value {
        let p = &self.program;
        let rounds: Vec<Value> = self
            .rounds
            .iter()
            .map(|r| {
                let m = &r.metrics;
                let chain = r.chain.as_ref().map(|c| {
                    json!({
                        "posted": c.posted.as_ref().map(|p| json!({
                            "root": p.root,
                            "total": p.total.to_string(),
                            "validAt": p.valid_at,
                            "uri": p.uri,
                            "transaction": p.tx,
                            "block": p.block,
                        })),
                        "revoked": c.revoked,
                        "claimed": c.claims.claimed.to_string(),
                        "unclaimed": c.unclaimed.to_string(),
                        "claims": c.claims.claims,
                        "claimingAccounts": c.claims.accounts,
                        "stakedWithin7Days": self.chain.as_ref().and_then(|f| f.bonds.as_ref())
                            .map(|_| c.claims.staked.to_string()),
                        "claimsWithWeekStillOpen": c.claims.open_windows,
                    })
                });
                json!({
                    "round": m.round,
                    "start": r.window.0,
                    "end": r.window.1,
                    "rules": r.input.rules,
                    "scores": r.input.scores,
                    "distribution": r.input.distribution,
                    "rulesSummary": r.rules_summary,
                    "rulesDigest": r.rules_digest,
                    "inputsDigest": r.inputs_digest,
                    "root": r.root,
                    "budget": m.budget.to_string(),
                    "paid": m.paid.to_string(),
                    "unallocated": m.unallocated.to_string(),
                    "outsidePools": m.outside_pools.to_string(),
                    "recipients": m.recipients,
                    "scored": m.scored,
                    "metThreshold": m.met,
                    "newlyRegistered": r.registered.as_ref().map(Vec::len),
                    "newlyRegisteredAccounts": r.registered.as_ref()
                        .map(|a| a.iter().map(addr).collect::<Vec<_>>()),
                    "firstSeenInScores": m.new.len(),
                    "firstSeenInScoresAccounts": m.new.iter().map(addr).collect::<Vec<_>>(),
                    "regions": m.regions.iter().map(region_json).collect::<Vec<_>>(),
                    "chain": chain,
                })
            })
            .collect();
        let chain = self.chain.as_ref().map(|f| {
            json!({
                "chainId": f.chain_id,
                "rpc": f.url,
                "distributor": addr(&f.distributor),
                "token": addr(&f.token),
                "symbol": f.symbol,
                "bondingManager": f.bonding_manager.as_ref().map(addr),
                "fromBlock": f.from_block,
                "latestBlock": f.latest_block,
                "time": f.now,
                "logQueries": f.log_queries,
                "registrations": f.registrations.as_ref().map(|g| json!({
                    "fromBlock": g.from_block,
                    "events": g.events,
                    "orchestrators": g.first.len(),
                    "refusedRanges": g.refusals,
                })),
                "stakeWindowSeconds": WEEK,
                "stakeMethod": STAKE_METHOD,
            })
        });
        json!({
            "format": FORMAT,
            "program": {
                "file": self.program_path,
                "chainId": p.chain_id,
                "token": addr(&p.token),
                "symbol": self.symbol,
                "decimals": self.decimals,
                "funder": addr(&p.funder),
                "committee": addr(&p.committee),
                "start": p.timeline.start,
                "roundDuration": p.timeline.round_duration,
                "roundCount": p.timeline.round_count,
                "roundBudget": p.round_budget,
                "rootDelay": p.timeline.root_delay,
                "claimWindow": p.timeline.claim_window,
            },
            "notes": NOTES,
            "newlyRegisteredUnavailable": self.registrations_unavailable(),
            "rounds": rounds,
            "chain": chain,
            "warnings": self.warnings,
        })
    }
}
