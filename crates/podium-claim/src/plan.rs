//! Claim planning: a pure function of the distribution files and what the chain says, deciding for
//! each round whether the account can claim it now and, if not, why.
//!
//! The checks, in order, for each file:
//! 1. the file names its chain id and distributor, and they are the node's chain and the configured
//!    distributor (never one the file chooses);
//! 2. the file pays the account (otherwise there is nothing to do, which is not an error);
//! 3. the account's proof leads from its leaf to the file's root (an altered amount, index or
//!    proof fails here, before anything touches the chain);
//! 4. the round has a root on chain, not pending, not revoked, claims still open, and that root is
//!    the file's root;
//! 5. the account's leaf is not claimed yet.
//!
//! Rounds that fail 1, 3 or the root comparison of 4 are *refused*: the file is wrong, and the run
//! says so loudly (exit code 3). The other reasons are ordinary states of a round.

use std::collections::{BTreeMap, BTreeSet};

use podium_chain::time::{duration, utc};
use podium_core::{Leaf, StandardTree};
use serde::Serialize;

use crate::input::Loaded;

pub use podium_chain::alloy::primitives::{Address, B256, TxHash, U256};

/// What we claim for: the node's chain, the distributor and the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// The node's chain id.
    pub chain_id: u64,
    /// The distributor contract.
    pub distributor: Address,
    /// The account whose leaves are claimed.
    pub account: Address,
}

/// A round's status as the contract reports it: podium-chain's reader decodes it (an unknown
/// status is an error of [`crate::onchain::read_view`], never a guess). Named apart from this
/// module's [`Status`], which is what the claimer makes of a round.
pub use podium_chain::distributor::Status as ChainStatus;

/// One round as the chain sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRound {
    /// The posted root (zero when none).
    pub root: B256,
    /// The contract's status.
    pub status: ChainStatus,
    /// When the root becomes claimable (0 when nothing is posted).
    pub valid_at: u64,
    /// When the round ends.
    pub ends_at: u64,
    /// How many roots of the round were revoked.
    pub revocations: u64,
    /// Where the committee says the round's file lives.
    pub uri: String,
}

/// What the chain says, read at one block.
#[derive(Debug, Clone, Default)]
pub struct ChainView {
    /// The block's timestamp.
    pub now: u64,
    /// When claims close.
    pub claim_deadline: u64,
    /// The program's rounds are 1..=round_count.
    pub round_count: u64,
    /// The rounds that were asked about.
    pub rounds: BTreeMap<u64, ChainRound>,
    /// `(round, index)` leaves that are claimed.
    pub claimed: BTreeSet<(u64, u64)>,
}

/// Where a round stands for the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Claimable now; this run will claim it (or would, with --dry-run).
    Claimable,
    /// Claimed by this run (or by the interrupted run it resumed).
    Claimed,
    /// Someone else claimed it for the account while this run was at work.
    ClaimedByOther,
    /// Claimed before this run.
    AlreadyClaimed,
    /// The file does not pay the account.
    NotPaid,
    /// The root is posted but not claimable yet.
    Pending,
    /// The round has ended and no root is posted.
    NotPosted,
    /// The round's root was revoked and no new one is posted.
    Revoked,
    /// The round has not ended.
    NotEnded,
    /// Claims are closed.
    Closed,
    /// The file is wrong for this chain, distributor or root, or was altered.
    Refused,
    /// The round's posted file could not be fetched (discovery); tried again next time.
    Unavailable,
}

impl Status {
    /// How the table shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Claimable => "claimable",
            Self::Claimed => "claimed",
            Self::ClaimedByOther => "claimed by someone else",
            Self::AlreadyClaimed => "already claimed",
            Self::NotPaid => "not paid",
            Self::Pending => "pending",
            Self::NotPosted => "not posted",
            Self::Revoked => "revoked",
            Self::NotEnded => "not ended",
            Self::Closed => "closed",
            Self::Refused => "REFUSED",
            Self::Unavailable => "unavailable",
        }
    }
}

/// The account's leaf in a round's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountLeaf {
    /// The leaf index (the bit in the claimed bitmap).
    pub index: u64,
    /// The amount in base units.
    pub amount: U256,
    /// The proof from the file.
    pub proof: Vec<B256>,
}

/// One round's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundPlan {
    /// The round.
    pub round: u64,
    /// The file or URL it came from.
    pub source: String,
    /// The account's leaf, when the file pays it.
    pub leaf: Option<AccountLeaf>,
    /// Where it stands.
    pub status: Status,
    /// Why, in words.
    pub reason: String,
    /// The transaction that claimed it, when known.
    pub tx: Option<TxHash>,
    /// When a pending root becomes claimable (unix seconds).
    pub claimable_from: Option<u64>,
}

impl RoundPlan {
    /// The amount the account gets in this round (zero when not paid).
    pub fn amount(&self) -> U256 {
        self.leaf.as_ref().map_or(U256::ZERO, |l| l.amount)
    }
}

/// The rounds of the files to ask the chain about, and the `(round, index)` leaves of `account`
/// whose claimed bit matters: what [`plan`] will look at.
pub fn wanted(files: &[Loaded], account: Address) -> (BTreeSet<u64>, BTreeSet<(u64, u64)>) {
    let mut rounds = BTreeSet::new();
    let mut leaves = BTreeSet::new();
    for loaded in files {
        rounds.insert(loaded.file.round);
        if let Some(claim) = loaded.file.claim(&account) {
            leaves.insert((loaded.file.round, claim.index));
        }
    }
    (rounds, leaves)
}

fn when(ts: u64, now: u64) -> String {
    if ts > now {
        format!("{} (in {})", utc(ts), duration(ts - now))
    } else {
        utc(ts)
    }
}

/// Decides every round of `files` for `target` from the chain's `view`. Files for the same round
/// with the same root count once; the result is in round order.
pub fn plan(files: &[Loaded], target: &Target, view: &ChainView) -> Vec<RoundPlan> {
    let mut seen: BTreeSet<(u64, B256)> = BTreeSet::new();
    let mut out = Vec::new();
    for loaded in files {
        let file = &loaded.file;
        if !seen.insert((file.round, file.root)) {
            continue;
        }
        let leaf = file.claim(&target.account).map(|c| AccountLeaf {
            index: c.index,
            amount: c.amount.0,
            proof: c.proof.clone(),
        });
        let (status, reason) = judge(loaded, leaf.as_ref(), target, view);
        let claimable_from = match view.rounds.get(&file.round) {
            Some(r) if status == Status::Pending => Some(r.valid_at),
            _ => None,
        };
        out.push(RoundPlan {
            round: file.round,
            source: loaded.source.clone(),
            leaf,
            status,
            reason,
            tx: None,
            claimable_from,
        });
    }
    out.sort_by_key(|p| p.round);
    // Two different files may claim the same round only if both match the chain's root, which
    // cannot be; keep the claimable one first and refuse any second claim of a round anyway.
    let mut claiming = BTreeSet::new();
    for p in &mut out {
        if p.status == Status::Claimable && !claiming.insert(p.round) {
            p.status = Status::Refused;
            p.reason = "a second file for this round; only one can be claimed".into();
        }
    }
    out
}

fn judge(
    loaded: &Loaded,
    leaf: Option<&AccountLeaf>,
    target: &Target,
    view: &ChainView,
) -> (Status, String) {
    let file = &loaded.file;
    let round = file.round;
    // The file must say which deployment it is for, and that must be the configured one: a file
    // that does not say could be replayed against any distributor.
    let Some(chain_id) = file.chain_id else {
        return (
            Status::Refused,
            "the file does not name its chain (chainId is null); podium-claim acts only on files \
             that name their chain and distributor"
                .into(),
        );
    };
    if chain_id != target.chain_id {
        return (
            Status::Refused,
            format!(
                "the file is for chain {chain_id}, but the node is on chain {}",
                target.chain_id
            ),
        );
    }
    let Some(distributor) = file.distributor else {
        return (
            Status::Refused,
            "the file does not name its distributor (distributor is null); podium-claim acts only \
             on files that name their chain and distributor"
                .into(),
        );
    };
    if distributor != target.distributor {
        return (
            Status::Refused,
            format!(
                "the file is for distributor {distributor}, not the configured {}",
                target.distributor
            ),
        );
    }
    if round == 0 || (view.round_count > 0 && round > view.round_count) {
        return (
            Status::Refused,
            format!(
                "the distributor has rounds 1 to {}, not round {round}",
                view.round_count
            ),
        );
    }
    let Some(leaf) = leaf else {
        let why = if file.claims.0.is_empty() {
            "nobody is paid in this round".to_owned()
        } else {
            format!("the file does not pay {}", target.account)
        };
        return (Status::NotPaid, why);
    };
    let hashed = Leaf {
        round,
        index: leaf.index,
        account: target.account,
        amount: leaf.amount,
    };
    if !StandardTree::verify(file.root, &hashed, &leaf.proof) {
        return (
            Status::Refused,
            format!(
                "the proof in the file does not lead to the file's root {}: the amount, index or proof \
                 was altered",
                file.root
            ),
        );
    }
    let Some(chain) = view.rounds.get(&round) else {
        return (
            Status::Refused,
            "the chain was not asked about this round".into(),
        );
    };
    let posted = matches!(chain.status, ChainStatus::Pending | ChainStatus::Valid);
    if posted && chain.root != file.root {
        let hint = if chain.uri.is_empty() {
            String::new()
        } else {
            format!("; the committee published it at {}", chain.uri)
        };
        return (
            Status::Refused,
            format!(
                "the file's root {} is not the root on chain {}: the file is stale or altered{hint}",
                file.root, chain.root
            ),
        );
    }
    match chain.status {
        ChainStatus::Open => (
            Status::NotEnded,
            format!("the round ends at {}", when(chain.ends_at, view.now)),
        ),
        ChainStatus::Ended if chain.revocations > 0 => (
            Status::Revoked,
            format!(
                "the root was revoked ({} time(s)) and no new root is posted",
                chain.revocations
            ),
        ),
        ChainStatus::Ended => (Status::NotPosted, "no root is posted yet".into()),
        ChainStatus::Closed => (
            Status::Closed,
            "posting closed without a root for this round".into(),
        ),
        ChainStatus::Pending => (
            Status::Pending,
            format!("claimable from {}", when(chain.valid_at, view.now)),
        ),
        ChainStatus::Valid if view.claim_deadline > 0 && view.now >= view.claim_deadline => (
            Status::Closed,
            format!("claims closed at {}", utc(view.claim_deadline)),
        ),
        ChainStatus::Valid if view.claimed.contains(&(round, leaf.index)) => {
            (Status::AlreadyClaimed, "claimed before this run".into())
        }
        ChainStatus::Valid => (
            Status::Claimable,
            "checked: root, proof, not claimed".into(),
        ),
    }
}

/// The claimable rounds, in round order.
pub fn claimable(plans: &[RoundPlan]) -> Vec<&RoundPlan> {
    plans
        .iter()
        .filter(|p| p.status == Status::Claimable)
        .collect()
}

#[cfg(test)]
mod tests;
