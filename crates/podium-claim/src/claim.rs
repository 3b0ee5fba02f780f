//! Claiming: plan from the chain, check the batch against the pending block, send it once through
//! podium-chain's [`Sender`] (simulate, send, confirm, replace with higher fees), and recover from
//! whatever happens meanwhile by planning again from the chain.
//!
//! Why this never pays twice and never leaves a claim behind:
//! - every attempt starts from the contract's claimed bitmap, which is the only truth about what
//!   is paid (the contract refuses a second claim of a leaf);
//! - before sending, the batch is run against the *pending* block: if someone's transaction in the
//!   pool already claims one of the rounds, we wait for it instead of sending one that would fail;
//! - if the node goes away while our transaction is in flight, we wait for it to come back and plan
//!   again: rounds our transaction paid show up as claimed (and are reported with its hash, found
//!   from the `Claimed` events), the others are sent again;
//! - a killed run leaves an in-flight record ([`crate::journal`]) so the next run can say who
//!   claimed what (and stake what its own transaction was paid);
//! - the node going away (a transport failure) is waited for with capped backoff up to a deadline;
//!   an error *reply* (no ETH for gas, a used nonce, an underpriced replacement, a fee above the
//!   cap) is not an outage and ends the run at once with its own exit code; every loop is bounded;
//! - a stuck transaction of the wallet at a lower nonce is reported, or replaced with
//!   `--replace-stuck` ([`crate::nonce`]).

use std::{
    collections::BTreeSet,
    time::{Duration, Instant},
};

use podium_chain::{
    Chain, Error as ChainError, Refusal, SendOpts, Sender, Wallet,
    alloy::{
        eips::BlockId,
        primitives::Bytes,
        providers::Provider,
        rpc::types::TransactionRequest,
        sol_types::{SolCall, SolInterface},
        transports::RpcError,
    },
    bindings::{
        IPodiumDistributor,
        PodiumDistributor::{self, PodiumDistributorErrors},
    },
    revert::{Units, describe},
    send::Call,
};

use crate::{
    exit::{Error, Result},
    input::Loaded,
    journal::{InFlight, Journal},
    nonce::{self, Settled},
    onchain::{paid_in, read_view, who_claimed},
    plan::{Address, RoundPlan, Status, Target, TxHash, U256, claimable, plan, wanted},
};

/// The most planning passes one claim makes (each pass either finishes or acts: waits for a
/// pending claim, replaces a stuck transaction, or retries once after a lost race).
const MAX_PASSES: u32 = 8;

/// The calldata of one transaction claiming `rounds` (all of `account`): `claimMany(account, …)`,
/// or `claimTo(recipient, …)` when the tokens go elsewhere (then the sender must be the account).
pub fn batch_call(
    distributor: Address,
    account: Address,
    to: Option<Address>,
    rounds: &[&RoundPlan],
) -> Call {
    let claims: Vec<IPodiumDistributor::Claim> = rounds
        .iter()
        .filter_map(|p| {
            p.leaf.as_ref().map(|l| IPodiumDistributor::Claim {
                round: U256::from(p.round),
                index: U256::from(l.index),
                amount: l.amount,
                proof: l.proof.clone(),
            })
        })
        .collect();
    let list = rounds
        .iter()
        .map(|p| p.round.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let noun = if rounds.len() == 1 { "round" } else { "rounds" };
    match to {
        Some(recipient) => Call::new(
            distributor,
            PodiumDistributor::claimToCall { recipient, claims }.abi_encode(),
            format!("claimTo({recipient}, {noun} {list})"),
        ),
        // One round (the usual case in --watch): the single-leaf `claim` skips the array
        // encoding and costs about 850 gas less than a one-element claimMany.
        None if claims.len() == 1 => {
            let c = claims.into_iter().next().expect("one claim");
            Call::new(
                distributor,
                PodiumDistributor::claimCall {
                    round: c.round,
                    index: c.index,
                    account,
                    amount: c.amount,
                    proof: c.proof,
                }
                .abi_encode(),
                format!("claim({noun} {list})"),
            )
        }
        None => Call::new(
            distributor,
            PodiumDistributor::claimManyCall { account, claims }.abi_encode(),
            format!("claimMany({noun} {list})"),
        ),
    }
}

/// The mined claim transaction.
#[derive(Debug, Clone)]
pub struct Mined {
    /// The transaction that was mined.
    pub hash: TxHash,
    /// Every hash sent for its nonce (the first, then each replacement).
    pub hashes: Vec<TxHash>,
    /// Its block.
    pub block: u64,
    /// Gas it used.
    pub gas_used: u64,
}

/// A claim transaction of our wallet and what its `Claimed` events paid the account: what
/// `--stake` owes a bond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payment {
    /// The claim transaction.
    pub tx: TxHash,
    /// Its block.
    pub block: u64,
    /// What it paid the account, from its `Claimed` events.
    pub amount: U256,
}

/// What a claim attempt ended with.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every round, with its final status.
    pub plans: Vec<RoundPlan>,
    /// This run's mined claim, if it sent one.
    pub mined: Option<Mined>,
    /// The rounds this run (or the interrupted run it resumed) got paid by the wallet's own
    /// transactions.
    pub paid_by_us: U256,
    /// The same, per transaction, as the chain's `Claimed` events say: what `--stake` stakes.
    pub payments: Vec<Payment>,
    /// The chain's time (the latest block's timestamp) when the rounds were last planned.
    pub chain_now: u64,
}

/// Everything a claim needs.
#[derive(Debug)]
pub struct Claimer<'a> {
    /// The node.
    pub chain: &'a Chain,
    /// Chain, distributor and account.
    pub target: Target,
    /// The signing wallet; `None` only for a dry run.
    pub wallet: Option<&'a Wallet>,
    /// Send the tokens elsewhere (`claimTo`).
    pub to: Option<Address>,
    /// Confirmation, timeout and fee-bump settings.
    pub send: &'a SendOpts,
    /// How to show amounts.
    pub units: Units,
    /// The in-flight record.
    pub journal: &'a Journal,
    /// Check only; send nothing.
    pub dry_run: bool,
    /// How long to wait for the node to come back while a claim is in flight.
    pub outage_patience: Duration,
    /// Replace a stuck transaction of the wallet (`--replace-stuck`).
    pub replace_stuck: bool,
}

/// What one run has learnt so far.
struct State {
    /// Rounds a claim was sent for (by this run or the interrupted one it resumes).
    in_flight: Option<InFlight>,
    /// A send failed once in a way a race explains; a second time is an error.
    reverted_once: bool,
    /// Payments by our claims found so far (the mined claim, and attributed rounds).
    payments: Vec<Payment>,
    /// The chain's time at the last plan.
    chain_now: u64,
}

impl State {
    fn remember(&mut self, record: InFlight) {
        match &mut self.in_flight {
            Some(f) => f.merge(record),
            None => self.in_flight = Some(record),
        }
    }
}

enum Preflight {
    Ok,
    /// Someone's pending transaction already claims one of the leaves.
    ClaimedInPool,
    Reverts(String),
}

impl Claimer<'_> {
    fn caller(&self) -> Address {
        self.wallet.map_or(self.target.account, |w| w.address())
    }

    /// Runs the batch against the pending block (the pool included, where the node supports it).
    async fn preflight(&self, call: &Call) -> Result<Preflight> {
        let tx = TransactionRequest::default()
            .from(self.caller())
            .to(call.to.expect("a call, not a deployment"))
            .input(call.data.clone().into());
        match self.chain.provider.call(tx).block(BlockId::pending()).await {
            Ok(_) => Ok(Preflight::Ok),
            Err(RpcError::ErrorResp(payload)) => match payload.as_revert_data() {
                Some(data) => {
                    if let Ok(PodiumDistributorErrors::AlreadyClaimed(_)) =
                        PodiumDistributorErrors::abi_decode(&data)
                    {
                        Ok(Preflight::ClaimedInPool)
                    } else {
                        Ok(Preflight::Reverts(describe(&data, &self.units)))
                    }
                }
                // A node without a usable pending block: the sender's own simulation (at the
                // latest block) still guards the send.
                None if payload.message.contains("revert") => {
                    Ok(Preflight::Reverts(payload.message.to_string()))
                }
                None => Ok(Preflight::Ok),
            },
            Err(e) => Err(Error::from_chain(self.chain.rpc_err("eth_call", e))),
        }
    }

    /// Waits until the node answers again, up to the patience; `Err` when it does not.
    async fn wait_for_node(&self, why: &str) -> Result<()> {
        tracing::warn!(
            "lost the node {} ({why}); waiting up to {}s for it to come back",
            self.chain.url,
            self.outage_patience.as_secs()
        );
        if self.chain.await_node(self.outage_patience).await {
            return Ok(());
        }
        Err(Error::Rpc(format!(
            "the node {} did not come back within {}s while a claim was in flight; run \
             podium-claim again once it is up: it checks the chain first and never pays twice",
            self.chain.url,
            self.outage_patience.as_secs()
        )))
    }

    async fn latest_block(&self) -> Result<u64> {
        self.chain
            .provider
            .get_block_number()
            .await
            .map_err(|e| Error::from_chain(self.chain.rpc_err("eth_blockNumber", e)))
    }

    /// Rounds of `in_flight` that are now claimed: says who claimed each (us or someone else).
    async fn attribute(
        &self,
        plans: &mut [RoundPlan],
        in_flight: &InFlight,
        payments: &mut Vec<Payment>,
    ) -> Result<()> {
        for p in plans.iter_mut() {
            if p.status != Status::AlreadyClaimed || !in_flight.rounds.contains(&p.round) {
                continue;
            }
            let by = who_claimed(
                self.chain,
                self.target.distributor,
                p.round,
                self.target.account,
                in_flight.from_block,
            )
            .await?;
            let ours = |from: Address| self.wallet.is_some_and(|w| w.address() == from);
            match by {
                Some(by) if ours(by.from) => {
                    p.status = Status::Claimed;
                    p.reason = format!("claimed by your transaction {}", by.tx);
                    p.tx = Some(by.tx);
                    add_payment(payments, by.tx, by.block, by.amount);
                }
                Some(by) => {
                    p.status = Status::ClaimedByOther;
                    p.reason = format!("claimed for the account by {} in {}", by.from, by.tx);
                    p.tx = Some(by.tx);
                }
                None => {
                    p.status = Status::ClaimedByOther;
                    p.reason = "claimed while this run was waiting".into();
                }
            }
        }
        Ok(())
    }

    async fn plan_now(&self, files: &[Loaded], block: BlockId) -> Result<(Vec<RoundPlan>, u64)> {
        let (rounds, leaves) = wanted(files, self.target.account);
        let view = read_view(self.chain, self.target.distributor, &rounds, &leaves, block).await?;
        Ok((plan(files, &self.target, &view), view.now))
    }

    /// Waits until the leaves of `rounds` are claimed in a mined block (someone's pending claim).
    /// When the pending claim is our own (an orphaned claim of an earlier run, recorded with its
    /// nonce) and is not mined in time, it is re-priced with `--replace-stuck`, else reported.
    async fn wait_for_pool(
        &self,
        files: &[Loaded],
        rounds: &BTreeSet<u64>,
        state: &State,
        call: &Call,
    ) -> Result<()> {
        let patience = Duration::from_secs(self.send.timeout.max(1));
        let started = Instant::now();
        loop {
            let (plans, _) = self.plan_now(files, BlockId::latest()).await?;
            let still = plans
                .iter()
                .any(|p| rounds.contains(&p.round) && p.status == Status::Claimable);
            if !still {
                return Ok(());
            }
            if started.elapsed() >= patience {
                break;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        // Ours? Our wallet has a transaction waiting at the nonce our earlier claim was sent with.
        let orphan = match (self.wallet, state.in_flight.as_ref().and_then(|f| f.nonce)) {
            (Some(w), Some(n)) => {
                let nonces = podium_chain::send::nonces(self.chain, w.address())
                    .await
                    .map_err(Error::from_chain)?;
                (nonces.mined..nonces.pending)
                    .contains(&n)
                    .then_some((w, n))
            }
            _ => None,
        };
        match orphan {
            Some((wallet, n)) if self.replace_stuck => {
                let known = state
                    .in_flight
                    .as_ref()
                    .map(|f| f.hashes.clone())
                    .unwrap_or_default();
                nonce::replace(
                    self.chain,
                    wallet,
                    self.send,
                    &self.units,
                    n,
                    Some(call),
                    &known,
                )
                .await?;
                Ok(())
            }
            Some((wallet, n)) => Err(nonce::blocked(
                wallet.address(),
                Settled::Stuck { nonce: n, count: 1 },
                state
                    .in_flight
                    .as_ref()
                    .and_then(|f| f.hashes.last().copied()),
                patience,
            )),
            None => Err(Error::Transaction(format!(
                "a pending transaction claims round(s) {} for the account but was not mined within \
                 {}s; nothing was sent. Run again later: if it is dropped, podium-claim claims them",
                join(rounds),
                patience.as_secs()
            ))),
        }
    }

    /// Plans, checks and claims; see the module documentation.
    pub async fn run(&self, files: &[Loaded]) -> Result<Outcome> {
        let mut state = State {
            in_flight: self.journal.load(),
            reverted_once: false,
            payments: Vec::new(),
            chain_now: 0,
        };
        if let Some(f) = &state.in_flight {
            tracing::info!(
                "an earlier run was claiming round(s) {} (from block {}); checking the chain before \
                 anything else",
                join(&f.rounds),
                f.from_block
            );
        }
        for _ in 0..MAX_PASSES {
            match self.attempt(files, &mut state).await {
                Ok(Some(outcome)) => return Ok(outcome),
                Ok(None) => {}
                // With a claim in flight, an unreachable node is waited for (with a deadline):
                // giving up now would leave the run's outcome unknown. An error *reply* is not an
                // outage and is never retried here.
                Err(e) if e.is_rpc() && state.in_flight.is_some() && !self.dry_run => {
                    self.wait_for_node(&e.to_string()).await?;
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Transaction(format!(
            "the claim did not settle after {MAX_PASSES} checks of the chain; run podium-claim again: \
             it checks the chain first and never pays twice"
        )))
    }

    /// One pass: plan from the chain, then finish (`Some`), or act and ask for another pass (`None`).
    async fn attempt(&self, files: &[Loaded], state: &mut State) -> Result<Option<Outcome>> {
        let (mut plans, now) = self.plan_now(files, BlockId::latest()).await?;
        state.chain_now = now;
        // Attribution is redone from the chain on every pass.
        state.payments.clear();
        if let Some(f) = state.in_flight.clone() {
            self.attribute(&mut plans, &f, &mut state.payments).await?;
        }
        let todo = claimable(&plans);
        if todo.is_empty() {
            return Ok(Some(self.finish(plans, None, state)));
        }
        let call = batch_call(self.target.distributor, self.target.account, self.to, &todo);
        let rounds: BTreeSet<u64> = todo.iter().map(|p| p.round).collect();
        match self.preflight(&call).await? {
            Preflight::Ok => {}
            Preflight::ClaimedInPool => {
                let (pending, _) = self.plan_now(files, BlockId::pending()).await?;
                let taken: BTreeSet<u64> = pending
                    .iter()
                    .filter(|p| rounds.contains(&p.round) && p.status == Status::AlreadyClaimed)
                    .map(|p| p.round)
                    .collect();
                let taken = if taken.is_empty() { rounds } else { taken };
                tracing::info!(
                    "round(s) {} are being claimed for the account by a pending transaction; \
                     waiting for it to be mined instead of sending one that would fail",
                    join(&taken)
                );
                state.remember(InFlight::new(taken.clone(), self.latest_block().await?));
                self.wait_for_pool(files, &taken, state, &call).await?;
                return Ok(None);
            }
            Preflight::Reverts(reason) => {
                return Err(Error::Transaction(format!(
                    "{} would revert, so nothing was sent: {reason}",
                    call.what
                )));
            }
        }
        if self.dry_run {
            return Ok(Some(self.finish(plans, None, state)));
        }
        let wallet = self
            .wallet
            .ok_or_else(|| Error::Usage("sending needs a wallet".into()))?;
        // Nothing of ours may wait at a lower nonce, or the claim would wait behind it.
        let patience = Duration::from_secs(self.send.timeout.max(1));
        let now = podium_chain::send::nonces(self.chain, wallet.address())
            .await
            .map_err(Error::from_chain)?;
        let settled = if now.pending > now.mined {
            nonce::settle(self.chain, wallet.address(), patience).await?
        } else {
            Settled::Clear(now.mined)
        };
        let nonce = match settled {
            // They were mined: plan again, the chain may have changed.
            Settled::Clear(_) if now.pending > now.mined => return Ok(None),
            Settled::Clear(n) => n,
            stuck @ Settled::Stuck { nonce: n, .. } => {
                let hash = nonce::pending_fees(self.chain, wallet.address(), n, &[])
                    .await
                    .map(|f| f.0);
                if !self.replace_stuck {
                    return Err(nonce::blocked(wallet.address(), stuck, hash, patience));
                }
                nonce::replace(self.chain, wallet, self.send, &self.units, n, None, &[]).await?;
                return Ok(None);
            }
        };
        // Recorded durably before sending: a run that cannot record stops here, sending nothing.
        state.remember(InFlight {
            nonce: Some(nonce),
            ..InFlight::new(rounds.clone(), self.latest_block().await?)
        });
        self.journal
            .save(state.in_flight.as_ref().expect("remembered above"))?;
        let recorded = std::sync::Mutex::new(state.in_flight.clone().expect("remembered above"));
        let sender = Sender::new(self.chain, wallet, self.send, |msg| {
            tracing::info!("{msg}");
        })
        .with_units(self.units.clone())
        .on_sent(|hash, _| {
            // Best effort: the record already names the nonce, which is what a restart needs.
            let mut r = recorded.lock().expect("not poisoned");
            r.hashes.push(hash);
            if let Err(e) = self.journal.save(&r) {
                tracing::warn!("{e}");
            }
        });
        let result = sender.send_at(&call, Some(nonce), None).await;
        drop(sender);
        state.in_flight = Some(recorded.into_inner().expect("not poisoned"));
        match result {
            Ok(sent) => {
                let hash = sent.hash;
                for p in plans.iter_mut().filter(|p| rounds.contains(&p.round)) {
                    p.status = Status::Claimed;
                    p.reason = format!("claimed in {hash}");
                    p.tx = Some(hash);
                }
                let block = sent.receipt.block_number.unwrap_or_default();
                let paid = paid_in(
                    sent.receipt.inner.logs(),
                    self.target.distributor,
                    self.target.account,
                );
                add_payment(&mut state.payments, hash, block, paid);
                let mined = Mined {
                    hash,
                    hashes: sent.hashes,
                    block,
                    gas_used: sent.receipt.gas_used,
                };
                Ok(Some(self.finish(plans, Some(mined), state)))
            }
            Err(
                e @ (ChainError::WouldRevert { .. }
                | ChainError::Reverted { .. }
                | ChainError::NonceTaken { .. }
                | ChainError::Refused {
                    kind: Refusal::NonceTooLow | Refusal::ReplacementUnderpriced,
                    ..
                }),
            ) if !state.reverted_once => {
                // Most likely a race with another claim of the same leaves: plan again from the
                // chain, which says who claimed what.
                tracing::warn!("{e}; checking the chain again");
                state.reverted_once = true;
                Ok(None)
            }
            Err(e) => Err(Error::from_chain(e)),
        }
    }

    fn finish(&self, plans: Vec<RoundPlan>, mined: Option<Mined>, state: &State) -> Outcome {
        let paid_by_us = plans
            .iter()
            .filter(|p| p.status == Status::Claimed)
            .fold(U256::ZERO, |sum, p| sum + p.amount());
        Outcome {
            plans,
            mined,
            paid_by_us,
            payments: state.payments.clone(),
            chain_now: state.chain_now,
        }
    }
}

/// Adds what `tx` paid to the account: several rounds attributed to one claim add up, and the
/// mined claim (whose receipt gives its whole payment at once) is counted once.
fn add_payment(payments: &mut Vec<Payment>, tx: TxHash, block: u64, amount: U256) {
    match payments.iter_mut().find(|p| p.tx == tx) {
        Some(p) => p.amount += amount,
        None => payments.push(Payment { tx, block, amount }),
    }
}

fn join(rounds: &BTreeSet<u64>) -> String {
    rounds
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The raw calldata of a call, for tests and the gas benchmark.
pub fn calldata(call: &Call) -> &Bytes {
    &call.data
}

#[cfg(test)]
mod tests {
    use podium_chain::alloy::primitives::B256;

    use super::*;
    use crate::plan::AccountLeaf;

    fn round(r: u64) -> RoundPlan {
        RoundPlan {
            round: r,
            source: format!("round-{r}.json"),
            leaf: Some(AccountLeaf {
                index: r + 10,
                amount: U256::from(r * 100),
                proof: vec![B256::repeat_byte(r as u8)],
            }),
            status: Status::Claimable,
            reason: String::new(),
            tx: None,
            claimable_from: None,
        }
    }

    #[test]
    fn batches_every_round_in_one_claim_many() {
        let (r1, r3) = (round(1), round(3));
        let account = Address::repeat_byte(0xAA);
        let call = batch_call(Address::repeat_byte(0xD1), account, None, &[&r1, &r3]);
        assert_eq!(call.what, "claimMany(rounds 1, 3)");
        let decoded = PodiumDistributor::claimManyCall::abi_decode(calldata(&call)).unwrap();
        assert_eq!(decoded.account, account);
        assert_eq!(decoded.claims.len(), 2);
        assert_eq!(decoded.claims[1].round, U256::from(3));
        assert_eq!(decoded.claims[1].index, U256::from(13));
        assert_eq!(decoded.claims[1].amount, U256::from(300));
        assert_eq!(decoded.claims[1].proof, vec![B256::repeat_byte(3)]);
    }

    #[test]
    fn a_single_round_uses_the_cheaper_single_claim() {
        let r2 = round(2);
        let account = Address::repeat_byte(0xAA);
        let call = batch_call(Address::repeat_byte(0xD1), account, None, &[&r2]);
        assert_eq!(call.what, "claim(round 2)");
        let decoded = PodiumDistributor::claimCall::abi_decode(calldata(&call)).unwrap();
        assert_eq!(decoded.account, account);
        assert_eq!(decoded.round, U256::from(2));
        assert_eq!(decoded.index, U256::from(12));
        assert_eq!(decoded.amount, U256::from(200));
        assert_eq!(decoded.proof, vec![B256::repeat_byte(2)]);
    }

    #[test]
    fn claims_to_a_recipient_with_claim_to() {
        let r2 = round(2);
        let to = Address::repeat_byte(0xCC);
        let call = batch_call(
            Address::repeat_byte(0xD1),
            Address::repeat_byte(0xAA),
            Some(to),
            &[&r2],
        );
        assert_eq!(call.what, format!("claimTo({to}, round 2)"));
        let decoded = PodiumDistributor::claimToCall::abi_decode(calldata(&call)).unwrap();
        assert_eq!(decoded.recipient, to);
        assert_eq!(decoded.claims.len(), 1);
    }
}
