//! The demo's final accounting, from the chain: where every wei of the grant went.

use std::{collections::BTreeMap, path::Path};

use alloy_primitives::{Address, U256};
use comfy_table::Table;
use podium_chain::bindings::PodiumDistributor;
use podium_core::{DistributionFile, TokenAmount};
use serde::Serialize;

use super::chain::DemoChain;

/// Where the grant went.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Accounting {
    /// `totalFunded()` on the distributor.
    funded: String,
    /// Per round: its total and the sum of its `Claimed` events.
    rounds: BTreeMap<u64, RoundAccount>,
    /// Sum of all claims.
    claimed: String,
    /// First sweep: funding no round was given (budget left over, rounding dust).
    unallocated_returned: String,
    /// Second sweep: allocations nobody claimed before the deadline.
    unclaimed_returned: String,
    /// The distributor's token balance at the end.
    balance_left: String,
    #[serde(skip)]
    raw: Raw,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RoundAccount {
    total: String,
    claimed: String,
}

#[derive(Debug, Default)]
struct Raw {
    funded: U256,
    claimed: U256,
    unallocated: U256,
    unclaimed: U256,
    balance: U256,
    per_round: BTreeMap<u64, (U256, U256)>,
}

fn lpt(units: U256) -> String {
    TokenAmount::from_units(units, 18).to_string()
}

impl Accounting {
    pub(super) async fn from_chain(
        chain: &DemoChain,
        distributor: Address,
        token: Address,
        distributions: &[DistributionFile],
        unallocated: U256,
        unclaimed: U256,
    ) -> eyre::Result<Self> {
        let d = PodiumDistributor::new(distributor, &chain.chain.provider);
        let funded = d.totalFunded().call().await?;
        let claimed_by_round =
            podium_chain::distributor::claimed_by_round(&chain.chain, distributor, 0).await?;
        let balance = chain.balance(token, distributor).await?;
        let mut raw = Raw {
            funded,
            unallocated,
            unclaimed,
            balance,
            ..Raw::default()
        };
        for file in distributions {
            let claimed = claimed_by_round
                .get(&file.round)
                .copied()
                .unwrap_or_default();
            raw.claimed += claimed;
            raw.per_round.insert(file.round, (file.total.0, claimed));
        }
        Ok(Self {
            funded: lpt(raw.funded),
            rounds: raw
                .per_round
                .iter()
                .map(|(r, (t, c))| {
                    (
                        *r,
                        RoundAccount {
                            total: lpt(*t),
                            claimed: lpt(*c),
                        },
                    )
                })
                .collect(),
            claimed: lpt(raw.claimed),
            unallocated_returned: lpt(raw.unallocated),
            unclaimed_returned: lpt(raw.unclaimed),
            balance_left: lpt(raw.balance),
            raw,
        })
    }

    /// Funded = claimed + returned to the wei, nothing left, and no round paid more than its total.
    pub(super) fn check(&self) -> Result<(), String> {
        let r = &self.raw;
        for (round, (total, claimed)) in &r.per_round {
            if claimed > total {
                return Err(format!(
                    "round {round} paid {} LPT, more than its total {}",
                    lpt(*claimed),
                    lpt(*total)
                ));
            }
        }
        let out = r.claimed + r.unallocated + r.unclaimed;
        if out != r.funded {
            return Err(format!(
                "funded {} LPT but claimed + returned = {} LPT (difference {} wei)",
                lpt(r.funded),
                lpt(out),
                if out > r.funded {
                    out - r.funded
                } else {
                    r.funded - out
                }
            ));
        }
        if !r.balance.is_zero() {
            return Err(format!(
                "{} LPT is still in the distributor",
                lpt(r.balance)
            ));
        }
        Ok(())
    }

    pub(super) fn table(&self) -> Table {
        let mut t = crate::output::table(&["", "tokens", "base units (wei)"]);
        let r = &self.raw;
        t.add_row(["funded".to_owned(), lpt(r.funded), r.funded.to_string()]);
        for (round, (total, claimed)) in &r.per_round {
            t.add_row([
                format!("round {round}: claimed (of {} allocated)", lpt(*total)),
                lpt(*claimed),
                claimed.to_string(),
            ]);
        }
        t.add_row([
            "unallocated, returned to the funder".to_owned(),
            lpt(r.unallocated),
            r.unallocated.to_string(),
        ]);
        t.add_row([
            "unclaimed, returned to the funder".to_owned(),
            lpt(r.unclaimed),
            r.unclaimed.to_string(),
        ]);
        t.add_row([
            "left in the distributor".to_owned(),
            lpt(r.balance),
            r.balance.to_string(),
        ]);
        let out = r.claimed + r.unallocated + r.unclaimed;
        let verdict = if out == r.funded && r.balance.is_zero() {
            "balances"
        } else {
            "DOES NOT BALANCE"
        };
        t.add_row([
            format!("claimed + returned ({verdict})"),
            lpt(out),
            out.to_string(),
        ]);
        t
    }

    pub(super) fn write(&self, path: &Path) -> eyre::Result<()> {
        let mut json = serde_json::to_value(self)?;
        json["balances"] = (self.check().is_ok()).into();
        json["fundedWei"] = self.raw.funded.to_string().into();
        json["claimedWei"] = self.raw.claimed.to_string().into();
        json["returnedWei"] = (self.raw.unallocated + self.raw.unclaimed)
            .to_string()
            .into();
        json["balanceLeftWei"] = self.raw.balance.to_string().into();
        podium_chain::program::write_atomic(path, &(serde_json::to_string_pretty(&json)? + "\n"))?;
        Ok(())
    }
}
