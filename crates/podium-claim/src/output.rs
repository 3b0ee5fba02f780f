//! What a run prints: a table of rounds for people (stdout), or one JSON document with `--json`.
//! Progress and logs go to stderr, so stdout stays clean for scripts.

use comfy_table::{Cell, CellAlignment};
use podium_chain::revert::Units;
use serde::{Serialize, Serializer};

use crate::{
    claim::Outcome,
    exit::Exit,
    plan::{Address, RoundPlan, Status, TxHash, U256},
    stake::Staked,
};

/// Serialises an address checksummed (EIP-55), as people copy it from explorers.
pub fn checksum<S: Serializer>(a: &Address, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.to_checksum(None))
}

/// Serialises an amount as a decimal string of base units.
pub fn decimal<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

/// The report of one run.
#[derive(Debug, Clone)]
pub struct Report<'a> {
    /// The node's chain.
    pub chain_id: u64,
    /// The distributor.
    pub distributor: Address,
    /// The account.
    pub account: Address,
    /// Where the tokens went (`--to`), if not to the account.
    pub to: Option<Address>,
    /// Token units for people.
    pub units: &'a Units,
    /// The claim's outcome.
    pub outcome: &'a Outcome,
    /// The stake, with `--stake`.
    pub staked: Option<&'a Staked>,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// The exit code.
    pub exit: Exit,
}

/// The exit code of an outcome: refusals first, then whether anything got paid.
pub fn exit_of(outcome: &Outcome, dry_run: bool) -> Exit {
    let plans = &outcome.plans;
    if plans.iter().any(|p| p.status == Status::Refused) {
        Exit::Refused
    } else if plans.iter().any(|p| p.status == Status::Unavailable) {
        Exit::Unavailable
    } else if plans
        .iter()
        .any(|p| matches!(p.status, Status::Claimed | Status::ClaimedByOther))
        || (dry_run && plans.iter().any(|p| p.status == Status::Claimable))
    {
        Exit::Claimed
    } else {
        Exit::NothingToClaim
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRound<'a> {
    round: u64,
    source: &'a str,
    index: Option<u64>,
    #[serde(serialize_with = "decimal")]
    amount: U256,
    status: Status,
    reason: &'a str,
    tx: Option<TxHash>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonTx<'a> {
    hash: TxHash,
    hashes: &'a [TxHash],
    block: u64,
    gas_used: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    outcome: Exit,
    exit_code: u8,
    dry_run: bool,
    chain_id: u64,
    #[serde(serialize_with = "checksum")]
    distributor: Address,
    #[serde(serialize_with = "checksum")]
    account: Address,
    #[serde(serialize_with = "checksum")]
    recipient: Address,
    token_symbol: &'a str,
    token_decimals: u8,
    #[serde(serialize_with = "decimal")]
    claimed: U256,
    #[serde(serialize_with = "decimal")]
    claimable: U256,
    rounds: Vec<JsonRound<'a>>,
    transaction: Option<JsonTx<'a>>,
    stake: Option<&'a Staked>,
}

fn sum(plans: &[RoundPlan], status: Status) -> U256 {
    plans
        .iter()
        .filter(|p| p.status == status)
        .fold(U256::ZERO, |a, p| a + p.amount())
}

impl Report<'_> {
    /// The JSON document.
    pub fn json(&self) -> String {
        let plans = &self.outcome.plans;
        let doc = JsonReport {
            outcome: self.exit,
            exit_code: self.exit.code(),
            dry_run: self.dry_run,
            chain_id: self.chain_id,
            distributor: self.distributor,
            account: self.account,
            recipient: self.to.unwrap_or(self.account),
            token_symbol: &self.units.symbol,
            token_decimals: self.units.decimals,
            claimed: sum(plans, Status::Claimed),
            claimable: sum(plans, Status::Claimable),
            rounds: plans
                .iter()
                .map(|p| JsonRound {
                    round: p.round,
                    source: &p.source,
                    index: p.leaf.as_ref().map(|l| l.index),
                    amount: p.amount(),
                    status: p.status,
                    reason: &p.reason,
                    tx: p.tx,
                })
                .collect(),
            transaction: self.outcome.mined.as_ref().map(|m| JsonTx {
                hash: m.hash,
                hashes: &m.hashes,
                block: m.block,
                gas_used: m.gas_used,
            }),
            stake: self.staked,
        };
        serde_json::to_string_pretty(&doc).expect("serialisable")
    }

    /// The table and a summary, for people.
    pub fn text(&self) -> String {
        let plans = &self.outcome.plans;
        let mut table = podium_core::table::table(&["Round", "Amount", "Status", "Reason", "File"]);
        for p in plans {
            let amount = match &p.leaf {
                Some(l) => self.units.fmt(l.amount),
                None => "-".into(),
            };
            table.add_row([
                Cell::new(p.round).set_alignment(CellAlignment::Right),
                Cell::new(amount).set_alignment(CellAlignment::Right),
                Cell::new(p.status.label()),
                Cell::new(&p.reason),
                Cell::new(&p.source),
            ]);
        }
        let mut out = format!(
            "Account {} on distributor {} (chain {})\n",
            self.account, self.distributor, self.chain_id
        );
        if plans.is_empty() {
            out.push_str("No distribution files were given or found.\n");
        } else {
            out.push_str(&table.to_string());
            out.push('\n');
        }
        let claimed = sum(plans, Status::Claimed);
        let claimable = sum(plans, Status::Claimable);
        if let Some(m) = &self.outcome.mined {
            let to = self.to.unwrap_or(self.account);
            out.push_str(&format!(
                "Claimed {} to {to} in transaction {} (block {}, gas {}).\n",
                self.units.fmt(claimed),
                m.hash,
                m.block,
                m.gas_used
            ));
            if m.hashes.len() > 1 {
                out.push_str(&format!(
                    "It replaced {} earlier transaction(s) with lower fees: {}.\n",
                    m.hashes.len() - 1,
                    m.hashes[..m.hashes.len() - 1]
                        .iter()
                        .map(|h| h.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        } else if !claimed.is_zero() {
            out.push_str(&format!(
                "Claimed {} by an earlier run's transaction.\n",
                self.units.fmt(claimed)
            ));
        }
        let by_other = sum(plans, Status::ClaimedByOther);
        if !by_other.is_zero() {
            out.push_str(&format!(
                "Someone else claimed {} for the account first; it is paid, nothing was sent for it.\n",
                self.units.fmt(by_other)
            ));
        }
        if self.dry_run && !claimable.is_zero() {
            out.push_str(&format!(
                "Dry run: {} can be claimed in one transaction; nothing was sent.\n",
                self.units.fmt(claimable)
            ));
        }
        if let Some(s) = self.staked {
            out.push_str(&format!(
                "Staked {}: bonded to {} in transaction {}{}.\n",
                self.units.fmt(s.amount),
                s.delegate,
                s.bond_tx,
                s.approve_tx
                    .map(|a| format!(" (approved in {a})"))
                    .unwrap_or_default()
            ));
        }
        match self.exit {
            Exit::NothingToClaim => out.push_str("Nothing to claim now.\n"),
            Exit::Refused => out.push_str(
                "Some rounds were REFUSED (see the reasons above): their files do not match the chain. \
                 Nothing was sent for them.\n",
            ),
            Exit::Unavailable => out.push_str(
                "The files of some rounds could not be fetched (see the reasons above); they were not \
                 claimed. Run again later.\n",
            ),
            _ => {}
        }
        out
    }
}
