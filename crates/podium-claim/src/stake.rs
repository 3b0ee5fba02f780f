//! Claim-and-stake as an idempotent step: what is owed a bond, and whether it was bonded, is read
//! from the chain, never from counters a crash can lose or double.
//!
//! - **What is owed.** Each claim transaction of our wallet is owed a bond of what its `Claimed`
//!   events paid the account ([`crate::claim::Payment`]). The debts are kept in a small durable
//!   record (the stake record, beside the in-flight record) until the chain shows them bonded, so a
//!   crash between the claim and the bond loses nothing; the record is written before anything is
//!   sent for it, and a failed write stops the run.
//! - **Whether it was bonded.** Every bond we send carries, after its ABI arguments, the hashes of
//!   the claim transactions it stakes and an 8-byte marker (Solidity ignores calldata past the
//!   arguments, so the BondingManager — behind its proxy too — runs the call unchanged). A claim is
//!   staked when a mined `Bond` event of the account comes from a transaction whose input names it.
//!   A bond pending or mined by a killed run, by a run that lost the node during the receipt wait,
//!   or by a second claimer on the same key is recognised and waited for, never repeated.
//! - **Two claimers on one key.** A bond is only sent when no transaction of the wallet waits in the
//!   pool, at the nonce the chain says is next: two claimers racing send at the same nonce, and only
//!   one transaction per nonce can be mined; the loser then finds the winner's bond.
//! - **The bond.** `bondWithHint(amount, delegate, hints…)` with the pool position hints computed as
//!   go-livepeer computes them ([`hints`]); `bond(amount, delegate)` when they cannot be computed.
//!   Before the approval and the bond, the bond is simulated: the BondingManager's guards (round not
//!   initialized; a registered orchestrator delegating elsewhere) and a wallet that no longer holds
//!   the tokens end the step as "not possible" without sending anything.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
    time::Duration,
};

use podium_chain::{
    Chain, Error as ChainError, Refusal, SendOpts, Sender, Wallet,
    alloy::{
        consensus::Transaction as _,
        primitives::{Bytes, TxHash},
        providers::Provider,
        rpc::types::Filter,
        sol,
        sol_types::{SolCall, SolEvent},
    },
    bindings::IERC20,
    revert::Units,
    send::Call,
};
use serde::{Deserialize, Serialize};

use crate::{
    claim::Payment,
    exit::{Error, Result},
    journal::{load_json, remove, save_json},
    nonce::{self, Settled},
    plan::{Address, U256},
};

pub mod hints;

sol! {
    /// The part of Livepeer's BondingManager that staking uses (livepeer/protocol
    /// `contracts/bonding/BondingManager.sol`).
    #[sol(rpc)]
    interface ILivepeerBondingManager {
        /// Bonds `amount` of the caller's tokens (pulled with transferFrom) and delegates the
        /// caller's whole stake to `to`.
        function bond(uint256 amount, address to) external;
        /// `bond` with the pool positions of the old and the new delegate after the change.
        function bondWithHint(
            uint256 amount,
            address to,
            address oldDelegateNewPosPrev,
            address oldDelegateNewPosNext,
            address currDelegateNewPosPrev,
            address currDelegateNewPosNext
        ) external;
        /// A delegator's state.
        function getDelegator(address delegator) external view returns (
            uint256 bondedAmount,
            uint256 fees,
            address delegateAddress,
            uint256 delegatedAmount,
            uint256 startRound,
            uint256 lastClaimRound,
            uint256 nextUnbondingLockId
        );
        /// The pool member with the most stake.
        function getFirstTranscoderInPool() external view returns (address);
        /// The member after `transcoder`.
        function getNextTranscoderInPool(address transcoder) external view returns (address);
        /// The pool's maximum size.
        function getTranscoderPoolMaxSize() external view returns (uint256);
        /// A transcoder's total stake.
        function transcoderTotalStake(address transcoder) external view returns (uint256);
        /// Emitted by every bond.
        event Bond(
            address indexed newDelegate,
            address indexed oldDelegate,
            address indexed delegator,
            uint256 additionalAmount,
            uint256 bondedAmount
        );
    }
}

/// Arbitrum One's chain id and Livepeer's BondingManager proxy there.
pub use podium_chain::livepeer::{ARBITRUM_BONDING_MANAGER, ARBITRUM_ONE};

/// The marker that ends a podium bond's calldata, after the claim hashes and their count.
pub const TAG_MARKER: [u8; 8] = *b"PDMSTK01";

/// The most passes of the stake step (each either finishes or waits for something bounded).
const MAX_PASSES: u32 = 6;

/// The BondingManager to use on `chain_id`: the one given, else the known one on Arbitrum One.
pub fn bonding_manager(chain_id: u64, configured: Option<Address>) -> Result<Address> {
    match (configured, chain_id) {
        (Some(address), _) => Ok(address),
        (None, ARBITRUM_ONE) => Ok(ARBITRUM_BONDING_MANAGER),
        (None, other) => Err(Error::Usage(format!(
            "--stake on chain {other} needs --bonding-manager ADDRESS (podium-claim knows Livepeer's \
             BondingManager only on Arbitrum One, chain {ARBITRUM_ONE})"
        ))),
    }
}

/// `data` followed by the tag naming `claims`: the claim hashes, their count (one byte) and
/// [`TAG_MARKER`].
pub fn tagged(data: &[u8], claims: &[TxHash]) -> Bytes {
    assert!(claims.len() <= 255, "at most 255 claims per bond");
    let mut out = data.to_vec();
    for c in claims {
        out.extend_from_slice(c.as_slice());
    }
    out.push(claims.len() as u8);
    out.extend_from_slice(&TAG_MARKER);
    out.into()
}

/// The claim hashes a bond's input names, if it carries our tag.
pub fn tag_of(input: &[u8]) -> Option<Vec<TxHash>> {
    let body = input.strip_suffix(&TAG_MARKER)?;
    let (&count, body) = body.split_last()?;
    let len = usize::from(count) * 32;
    if body.len() < len {
        return None;
    }
    Some(
        body[body.len() - len..]
            .chunks(32)
            .map(TxHash::from_slice)
            .collect(),
    )
}

/// The stake this step made or found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Staked {
    /// Tokens bonded for the claims, in base units.
    #[serde(serialize_with = "crate::output::decimal")]
    pub amount: U256,
    /// The delegate.
    #[serde(serialize_with = "crate::output::checksum")]
    pub delegate: Address,
    /// The BondingManager.
    #[serde(serialize_with = "crate::output::checksum")]
    pub bonding_manager: Address,
    /// The approval this run sent, when one was needed.
    pub approve_tx: Option<TxHash>,
    /// The (last) bond that staked the claims.
    pub bond_tx: TxHash,
    /// Whether this run sent that bond (false: an earlier run or another claimer did).
    pub sent_by_this_run: bool,
    /// Whether the bond used pool position hints (`bondWithHint`) rather than `bond`.
    pub hinted: bool,
    /// The claim transactions this stake is for.
    pub claims: Vec<TxHash>,
}

const FORMAT: &str = "podium-claim-stake-v1";

/// A bond we are about to send or sent: its nonce tells a pending bond from someone else's stuck
/// transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BondIntent {
    nonce: u64,
    claims: Vec<TxHash>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Record {
    format: String,
    chain_id: u64,
    bonding_manager: Address,
    account: Address,
    owed: Vec<Payment>,
    bond: Option<BondIntent>,
}

/// Everything a stake needs.
#[derive(Debug)]
pub struct Staker<'a> {
    /// The node.
    pub chain: &'a Chain,
    /// The wallet (the account).
    pub wallet: &'a Wallet,
    /// Confirmation, timeout and fee-bump settings.
    pub send: &'a SendOpts,
    /// How to show amounts.
    pub units: &'a Units,
    /// The token claimed and bonded.
    pub token: Address,
    /// The BondingManager.
    pub bonding_manager: Address,
    /// Who to bond to.
    pub delegate: Address,
    /// Where the stake record lives (`None`: kept in memory only).
    pub state_dir: Option<&'a Path>,
    /// How long to wait for the node to come back.
    pub outage_patience: Duration,
    /// Replace a stuck transaction of the wallet.
    pub replace_stuck: bool,
    /// Use hints (`bondWithHint`); `false` always calls `bond` (for the gas benchmark).
    pub use_hints: bool,
}

/// A `Bond` of the account that carries our tag.
#[derive(Debug, Clone)]
struct Found {
    tx: TxHash,
    claims: Vec<TxHash>,
}

impl Staker<'_> {
    fn account(&self) -> Address {
        self.wallet.address()
    }

    fn record_path(&self) -> Option<PathBuf> {
        self.state_dir.map(|d| {
            d.join(format!(
                "stake-{}-{:#x}-{:#x}.json",
                self.chain.chain_id,
                self.bonding_manager,
                self.account()
            ))
        })
    }

    fn load(&self) -> Record {
        let fresh = Record {
            format: FORMAT.into(),
            chain_id: self.chain.chain_id,
            bonding_manager: self.bonding_manager,
            account: self.account(),
            owed: Vec::new(),
            bond: None,
        };
        let Some(path) = self.record_path() else {
            return fresh;
        };
        match load_json::<Record>(&path, "stake record") {
            Some(r)
                if r.format == FORMAT
                    && r.chain_id == fresh.chain_id
                    && r.bonding_manager == fresh.bonding_manager
                    && r.account == fresh.account =>
            {
                r
            }
            _ => fresh,
        }
    }

    fn save(&self, record: &Record) -> Result<()> {
        match self.record_path() {
            Some(path) => save_json(&path, record, "stake record"),
            None => Ok(()),
        }
    }

    fn done(&self) {
        if let Some(path) = self.record_path() {
            remove(&path);
        }
    }

    /// The account's tagged bonds from `from_block` on.
    async fn found(&self, from_block: u64) -> Result<Vec<Found>> {
        let filter = Filter::new()
            .address(self.bonding_manager)
            .event_signature(ILivepeerBondingManager::Bond::SIGNATURE_HASH)
            .topic3(self.account().into_word());
        let latest = self
            .chain
            .provider
            .get_block_number()
            .await
            .map_err(|e| Error::from_chain(self.chain.rpc_err("eth_blockNumber", e)))?;
        let logs = self
            .chain
            .logs(&filter, from_block, latest)
            .await
            .map_err(Error::from_chain)?;
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for log in logs {
            let Some(tx) = log.transaction_hash else {
                continue;
            };
            if !seen.insert(tx) {
                continue;
            }
            let sent = self
                .chain
                .provider
                .get_transaction_by_hash(tx)
                .await
                .map_err(|e| {
                    Error::from_chain(self.chain.rpc_err("eth_getTransactionByHash", e))
                })?;
            if let Some(claims) = sent.and_then(|t| tag_of(t.inner.input())) {
                out.push(Found { tx, claims });
            }
        }
        Ok(out)
    }

    /// Stakes what `payments` (this run's claims) and the stake record owe; see the module docs.
    /// `Ok(None)` when nothing is owed.
    pub async fn run(&self, payments: &[Payment]) -> Result<Option<Staked>> {
        let mut record = self.load();
        for p in payments {
            if !p.amount.is_zero() && !record.owed.iter().any(|o| o.tx == p.tx) {
                record.owed.push(*p);
            }
        }
        if record.owed.is_empty() {
            return Ok(None);
        }
        // Durable before anything is sent for it.
        self.save(&record)?;
        let all: Vec<TxHash> = record.owed.iter().map(|o| o.tx).collect();
        let total: U256 = record.owed.iter().map(|o| o.amount).sum();
        let from_block = record.owed.iter().map(|o| o.block).min().unwrap_or(0);
        let mut approve_tx = None;
        // Every bond transaction this run signed (a fee bump adds one), and whether it was hinted.
        let mut sent: Option<(Vec<TxHash>, bool)> = None;
        for _ in 0..MAX_PASSES {
            match self
                .pass(&mut record, from_block, &mut approve_tx, &mut sent)
                .await
            {
                Ok(Some(bond_tx)) => {
                    self.done();
                    // Told from the hashes this run signed, not asked of the node: the answer must
                    // not depend on the node being up at this moment.
                    let (by_us, hinted) = match &sent {
                        Some((hashes, hinted)) => (hashes.contains(&bond_tx), *hinted),
                        None => (false, false),
                    };
                    tracing::info!(
                        "staked {} to {}: bond {bond_tx}{}",
                        self.units.fmt(total),
                        self.delegate,
                        if by_us { "" } else { " (made earlier)" }
                    );
                    return Ok(Some(Staked {
                        amount: total,
                        delegate: self.delegate,
                        bonding_manager: self.bonding_manager,
                        approve_tx,
                        bond_tx,
                        sent_by_this_run: by_us,
                        hinted,
                        claims: all,
                    }));
                }
                Ok(None) => {}
                Err(e) if e.is_rpc() => self.wait_for_node(&e).await?,
                Err(e) => return Err(e),
            }
        }
        Err(Error::StakePending(format!(
            "the claim is done, but the stake of {} did not settle after {MAX_PASSES} checks of the \
             chain; run again: the next run finds any bond already made and never bonds twice",
            self.units.fmt(total)
        )))
    }

    async fn wait_for_node(&self, why: &Error) -> Result<()> {
        tracing::warn!(
            "lost the node {} while staking ({why}); waiting up to {}s for it to come back",
            self.chain.url,
            self.outage_patience.as_secs()
        );
        if self.chain.await_node(self.outage_patience).await {
            return Ok(());
        }
        Err(Error::StakePending(format!(
            "the claim is done, but the node {} did not come back within {}s while staking; \
                     a bond may have been sent. Run again once it is up: the next run finds any bond \
                     already made and never bonds twice",
            self.chain.url,
            self.outage_patience.as_secs()
        )))
    }

    /// One pass: `Some(bond)` when every owed claim is staked (by `bond`, the last covering one).
    async fn pass(
        &self,
        record: &mut Record,
        from_block: u64,
        approve_tx: &mut Option<TxHash>,
        sent: &mut Option<(Vec<TxHash>, bool)>,
    ) -> Result<Option<TxHash>> {
        // 1. What the chain says is staked already.
        let found = self.found(from_block).await?;
        let covered: BTreeSet<TxHash> = found.iter().flat_map(|f| f.claims.clone()).collect();
        let left: Vec<Payment> = record
            .owed
            .iter()
            .filter(|o| !covered.contains(&o.tx))
            .copied()
            .collect();
        if left.is_empty() {
            let last = found
                .iter()
                .rev()
                .find(|f| {
                    f.claims
                        .iter()
                        .any(|c| record.owed.iter().any(|o| o.tx == *c))
                })
                .map(|f| f.tx)
                .expect("covered by some bond");
            if sent
                .as_ref()
                .is_none_or(|(hashes, _)| !hashes.contains(&last))
            {
                tracing::info!("the claim(s) are already staked by bond {last}");
            }
            return Ok(Some(last));
        }
        // 2. Nothing of ours may wait in the pool: it may be our bond (then wait for it), or a
        //    stuck transaction that would hold the bond back.
        let patience = Duration::from_secs(self.send.timeout.max(1));
        let now = podium_chain::send::nonces(self.chain, self.account())
            .await
            .map_err(Error::from_chain)?;
        let nonce = match now.pending > now.mined {
            false => now.mined,
            // Once they are mined, look at the chain again: one may be the bond.
            true => match nonce::settle(self.chain, self.account(), patience).await? {
                Settled::Clear(_) => return Ok(None),
                stuck @ Settled::Stuck { nonce: n, count } => {
                    if record
                        .bond
                        .as_ref()
                        .is_some_and(|b| (n..n + count).contains(&b.nonce))
                    {
                        return Err(Error::StakePending(format!(
                            "the claim is done and the bond (nonce {n}) was sent but is not mined after \
                         {}s; run again later: the next run recognises it and never bonds twice",
                            patience.as_secs()
                        )));
                    }
                    if !self.replace_stuck {
                        let hash = nonce::pending_fees(self.chain, self.account(), n, &[])
                            .await
                            .map(|f| f.0);
                        return Err(nonce::blocked(self.account(), stuck, hash, patience));
                    }
                    nonce::replace(self.chain, self.wallet, self.send, self.units, n, None, &[])
                        .await?;
                    return Ok(None);
                }
            },
        };
        // 3. Can it be staked at all?
        let claims: Vec<TxHash> = left.iter().map(|o| o.tx).collect();
        let amount: U256 = left.iter().map(|o| o.amount).sum();
        let token = IERC20::new(self.token, &self.chain.provider);
        let balance = token
            .balanceOf(self.account())
            .call()
            .await
            .map_err(|e| self.read_err("balanceOf", e))?;
        if balance < amount {
            return Err(Error::StakeNotPossible(format!(
                "the claim is done, but the wallet holds {} and the claims to stake paid {}: the \
                 tokens were moved. Nothing was sent. Bond by hand, or delete {} to stop staking them",
                self.units.fmt(balance),
                self.units.fmt(amount),
                self.record_path()
                    .map_or("the stake record".into(), |p| p.display().to_string())
            )));
        }
        let (call, hinted) = self.bond_call(amount, &claims).await;
        let allowance = token
            .allowance(self.account(), self.bonding_manager)
            .call()
            .await
            .map_err(|e| self.read_err("allowance", e))?;
        let sender = Sender::new(self.chain, self.wallet, self.send, |m| {
            tracing::info!("{m}")
        })
        .with_units(self.units.clone());
        if let Err(e) = sender.simulate(&call).await {
            if self.others_sent_since(nonce, &e).await {
                return Ok(None);
            }
            self.judge_simulation(e, allowance >= amount, amount)?;
        }
        let mut nonce = nonce;
        if allowance < amount {
            let approve = Call::new(
                self.token,
                IERC20::approveCall {
                    spender: self.bonding_manager,
                    amount,
                }
                .abi_encode(),
                format!(
                    "approve({}, {})",
                    self.bonding_manager,
                    self.units.fmt(amount)
                ),
            );
            match sender.send_at(&approve, Some(nonce), None).await {
                Ok(s) => *approve_tx = Some(s.hash),
                Err(e) if self.others_sent_since(nonce, &e).await => return Ok(None),
                Err(e) => return Err(self.send_err(e, amount, false)),
            }
            nonce += 1;
            if let Err(e) = sender.simulate(&call).await {
                self.judge_simulation(e, true, amount)?;
            }
        }
        // 4. Recorded before sending: a pending bond is then told from a stranger's transaction.
        record.bond = Some(BondIntent {
            nonce,
            claims: claims.clone(),
        });
        self.save(record)?;
        let signed = std::sync::Mutex::new(Vec::new());
        let bonder = Sender::new(self.chain, self.wallet, self.send, |m| {
            tracing::info!("{m}")
        })
        .with_units(self.units.clone())
        .on_sent(|hash, _| signed.lock().expect("not poisoned").push(hash));
        let result = bonder.send_at(&call, Some(nonce), None).await;
        drop(bonder);
        let signed = signed.into_inner().expect("not poisoned");
        if !signed.is_empty() {
            // Ours, whatever the outcome of the wait: a later pass finds it mined by its tag.
            let entry = sent.get_or_insert_default();
            entry.0.extend(signed);
            entry.1 = hinted;
        }
        match result {
            // The next pass finds it by its tag, like any other bond.
            Ok(_) => Ok(None),
            Err(e) => match e {
                // Another transaction took the nonce (a second claimer's bond, most likely): look
                // at the chain again.
                ChainError::NonceTaken { .. }
                | ChainError::Refused {
                    kind: Refusal::NonceTooLow | Refusal::ReplacementUnderpriced,
                    ..
                } => {
                    tracing::info!("{e}; checking the chain for a bond made meanwhile");
                    Ok(None)
                }
                // Simulated against a pool where another claimer's bond already spent the
                // allowance: look at the chain again once it is mined.
                ChainError::WouldRevert { .. } if self.others_sent_since(nonce, &e).await => {
                    Ok(None)
                }
                ChainError::NotMined { .. } => Err(Error::StakePending(format!(
                    "the claim is done, but {e}. Run again later: the next run recognises the bond \
                     and never bonds twice"
                ))),
                other => Err(self.send_err(other, amount, true)),
            },
        }
    }

    /// Whether `e` (a simulation or send that failed) may only say that another transaction of
    /// the wallet took `nonce` after this pass looked at the pool — a second claimer on the same key
    /// sending its approval or bond: the node refuses ours for the nonce (underpriced replacement,
    /// nonce too low), or the simulation ran on a state that is about to change (the gas estimate
    /// sees the pool). The pass then looks at the chain again instead of failing; [`MAX_PASSES`]
    /// bounds how often.
    async fn others_sent_since(&self, nonce: u64, e: &ChainError) -> bool {
        let nonce_taken = matches!(
            e,
            ChainError::NonceTaken { .. }
                | ChainError::Refused {
                    kind: Refusal::NonceTooLow | Refusal::ReplacementUnderpriced,
                    ..
                }
        );
        if !nonce_taken && !matches!(e, ChainError::WouldRevert { .. }) {
            return false;
        }
        match podium_chain::send::nonces(self.chain, self.account()).await {
            Ok(now) if now.pending > nonce => {
                tracing::info!(
                    "{e}; another transaction of {} took nonce {nonce} meanwhile (a second claimer \
                     on this key?): checking the chain again",
                    self.account()
                );
                true
            }
            _ => false,
        }
    }

    fn read_err(&self, what: &str, e: podium_chain::alloy::contract::Error) -> Error {
        match e {
            podium_chain::alloy::contract::Error::TransportError(t) => {
                Error::from_chain(self.chain.rpc_err(what, t))
            }
            other => Error::Stake(format!(
                "the claim is done, but reading {what} of token {} failed: {other}",
                self.token
            )),
        }
    }

    /// A simulated bond reverted: a guard of the BondingManager (not possible now), the missing
    /// approval (expected before it is sent), or anything else (failed, nothing sent).
    fn judge_simulation(&self, e: ChainError, approved: bool, amount: U256) -> Result<()> {
        let ChainError::WouldRevert { reason, .. } = &e else {
            return Err(match e {
                ChainError::Rpc { .. } => Error::from_chain(e),
                other => Error::Stake(format!(
                    "the claim is done, but staking {} failed before anything was sent: {other}",
                    self.units.fmt(amount)
                )),
            });
        };
        let guard = |needle: &str| reason.contains(needle);
        if guard("current round is not initialized") {
            return Err(Error::StakeNotPossible(
                "the claim is done, but the BondingManager refuses bonds now: its current round is \
                 not initialized (reverted: current round is not initialized). Nothing was sent. Run \
                 again once the round is initialized (any orchestrator's node does it early in each \
                 round); the tokens stay in the wallet meanwhile"
                    .into(),
            ));
        }
        if guard("registered transcoders can't delegate towards other addresses") {
            return Err(Error::StakeNotPossible(format!(
                "the claim is done, but {} is a registered orchestrator and the BondingManager only \
                 lets it bond to itself (reverted: registered transcoders can't delegate towards \
                 other addresses). Nothing was sent. Drop --delegate {} (or pass your own address)",
                self.account(),
                self.delegate
            )));
        }
        if !approved {
            // Expected: the token refuses the transferFrom until the approval is mined.
            return Ok(());
        }
        Err(Error::Stake(format!(
            "the claim is done, but bonding {} would revert, so no bond was sent: {reason}",
            self.units.fmt(amount)
        )))
    }

    fn send_err(&self, e: ChainError, amount: U256, bond: bool) -> Error {
        let what = if bond { "the bond" } else { "the approval" };
        match e {
            ChainError::Rpc { .. }
            | ChainError::Refused { .. }
            | ChainError::FeeAboveCap { .. } => Error::from_chain(e),
            ChainError::Reverted { hash, .. } => Error::Stake(format!(
                "the claim is done, but {what} for {} reverted in {hash}; nothing was bonded. Run \
                 again",
                self.units.fmt(amount)
            )),
            other => Error::Stake(format!(
                "the claim is done, but staking {} failed ({what}): {other}",
                self.units.fmt(amount)
            )),
        }
    }

    /// The bond call, tagged with `claims`: `bondWithHint` when the hints can be computed, else
    /// `bond`. The flag says which.
    async fn bond_call(&self, amount: U256, claims: &[TxHash]) -> (Call, bool) {
        let hints = if self.use_hints {
            match hints::compute(
                self.chain,
                self.bonding_manager,
                self.account(),
                self.delegate,
                amount,
            )
            .await
            {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!(
                        "cannot compute the pool position hints ({e}); bonding without them"
                    );
                    None
                }
            }
        } else {
            None
        };
        let what = |name: &str| format!("{name}({}, {})", self.units.fmt(amount), self.delegate);
        match hints {
            Some(h) => (
                Call::new(
                    self.bonding_manager,
                    tagged(
                        &ILivepeerBondingManager::bondWithHintCall {
                            amount,
                            to: self.delegate,
                            oldDelegateNewPosPrev: h.old.prev,
                            oldDelegateNewPosNext: h.old.next,
                            currDelegateNewPosPrev: h.new.prev,
                            currDelegateNewPosNext: h.new.next,
                        }
                        .abi_encode(),
                        claims,
                    ),
                    what("bondWithHint"),
                ),
                true,
            ),
            None => (
                Call::new(
                    self.bonding_manager,
                    tagged(
                        &ILivepeerBondingManager::bondCall {
                            amount,
                            to: self.delegate,
                        }
                        .abi_encode(),
                        claims,
                    ),
                    what("bond"),
                ),
                false,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_arbitrum_one_and_asks_elsewhere() {
        assert_eq!(
            bonding_manager(42_161, None).unwrap(),
            ARBITRUM_BONDING_MANAGER
        );
        let mine = Address::repeat_byte(7);
        assert_eq!(bonding_manager(1, Some(mine)).unwrap(), mine);
        let err = bonding_manager(31_337, None).unwrap_err().to_string();
        assert!(err.contains("--bonding-manager"), "{err}");
    }

    #[test]
    fn bond_has_livepeer_s_selectors() {
        // As on Livepeer's BondingManager (go-livepeer's generated binding has the same ABI).
        assert_eq!(
            ILivepeerBondingManager::bondCall::SELECTOR,
            [0xb7, 0x8d, 0x27, 0xdc]
        );
        assert_eq!(
            ILivepeerBondingManager::bondWithHintCall::SIGNATURE,
            "bondWithHint(uint256,address,address,address,address,address)"
        );
    }

    #[test]
    fn the_tag_round_trips_and_keeps_the_call_decodable() {
        let call = ILivepeerBondingManager::bondCall {
            amount: U256::from(900),
            to: Address::repeat_byte(0xAA),
        };
        let claims = [TxHash::repeat_byte(1), TxHash::repeat_byte(2)];
        let input = tagged(&call.abi_encode(), &claims);
        assert_eq!(tag_of(&input).unwrap(), claims);
        // The arguments decode as before: the contract sees the same call.
        let decoded = ILivepeerBondingManager::bondCall::abi_decode(&input[..68]).unwrap();
        assert_eq!(decoded.amount, U256::from(900));
        // An untagged call (a bond made by hand) carries no tag.
        assert_eq!(tag_of(&call.abi_encode()), None);
        assert_eq!(tag_of(b"PDMSTK01"), None);
    }
}
