//! The report as JSON, for scripts: amounts exact in base units (decimal strings), scores as
//! numbers on the 0–1 scale.

use serde_json::{Value, json};

use crate::{
    format::addr,
    metrics::RegionMetrics,
    model::Report,
    notes::{NOTES, STAKE_METHOD},
    stake::WEEK,
};

/// The `format` of the JSON report.
/// v2: `new` became `firstSeenInScores`, beside the on-chain `newlyRegistered`.
pub const FORMAT: &str = "podium-report-v2";

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
    pub fn to_json(&self) -> Value {
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
