//! Sending a transaction carefully: simulate it and refuse on a revert (decoded into words), sign,
//! send, report the hash at once, wait for a receipt and confirmations, and replace it with raised
//! fees (same nonce) when it is not mined in time.

use std::time::{Duration, Instant};

use alloy::{
    eips::Encodable2718,
    network::{Ethereum, NetworkTransactionBuilder, TransactionBuilder},
    primitives::{Address, Bytes, TxHash, TxKind},
    providers::Provider,
    rpc::types::{TransactionReceipt, TransactionRequest},
    transports::{RpcError, TransportError},
};
use clap::Args;

use crate::{
    Chain, Error, Result, Wallet,
    revert::{Units, describe},
};

/// Nodes accept a replacement only when both fees rise by at least 10% (geth's default price bump);
/// we insist on 12.5%, like alloy and ethers, to clear stricter pools.
pub const MIN_FEE_BUMP_PERCENT: f64 = 12.5;

/// How transactions are confirmed and, when stuck, replaced (Foundry's names where it has them).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Transaction options")]
pub struct SendOpts {
    /// Blocks that must include the transaction or build on it before it counts as done.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub confirmations: u64,

    /// Seconds to wait for a receipt before replacing the transaction with higher fees.
    #[arg(
        long = "timeout",
        env = "ETH_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 120
    )]
    pub timeout: u64,

    /// How many times a stuck transaction is replaced (same nonce, higher fees) before giving up.
    #[arg(long = "max-replacements", value_name = "N", default_value_t = 3)]
    pub max_replacements: u32,

    /// Percent by which each replacement raises both fees (at least 12.5).
    #[arg(long = "fee-bump", value_name = "PERCENT", default_value_t = MIN_FEE_BUMP_PERCENT,
          value_parser = parse_bump)]
    pub fee_bump: f64,

    /// Never offer more than this max fee per gas, in gwei; replacements stop there.
    #[arg(long = "max-fee-gwei", value_name = "GWEI")]
    pub max_fee_gwei: Option<f64>,
}

impl Default for SendOpts {
    fn default() -> Self {
        Self {
            confirmations: 1,
            timeout: 120,
            max_replacements: 3,
            fee_bump: MIN_FEE_BUMP_PERCENT,
            max_fee_gwei: None,
        }
    }
}

fn parse_bump(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !(MIN_FEE_BUMP_PERCENT..=1000.0).contains(&value) {
        return Err(format!(
            "the fee bump must be between {MIN_FEE_BUMP_PERCENT} and 1000 percent (nodes refuse smaller bumps)"
        ));
    }
    Ok(value)
}

/// One contract call (or a deployment, with `to` = `None`) and how to name it in messages.
#[derive(Debug, Clone)]
pub struct Call {
    /// The contract, or `None` to deploy `data` as init code.
    pub to: Option<Address>,
    /// Calldata or init code.
    pub data: Bytes,
    /// How people see it, e.g. `postRoot(round 2)`.
    pub what: String,
}

impl Call {
    /// A call of `to` with `data`.
    pub fn new(to: Address, data: impl Into<Bytes>, what: impl Into<String>) -> Self {
        Self {
            to: Some(to),
            data: data.into(),
            what: what.into(),
        }
    }

    /// A deployment of `init_code`.
    pub fn deploy(init_code: impl Into<Bytes>, what: impl Into<String>) -> Self {
        Self {
            to: None,
            data: init_code.into(),
            what: what.into(),
        }
    }

    fn request(&self, from: Address) -> TransactionRequest {
        let mut tx = TransactionRequest::default()
            .from(from)
            .input(self.data.clone().into());
        tx.to = Some(self.to.map_or(TxKind::Create, TxKind::Call));
        tx
    }
}

/// A mined, confirmed transaction.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The transaction that was mined.
    pub hash: TxHash,
    /// Every hash sent for the nonce (the first, then each replacement).
    pub hashes: Vec<TxHash>,
    /// Its receipt.
    pub receipt: TransactionReceipt,
}

/// The fees of a transaction: what a replacement must outbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// Max fee per gas, in wei.
    pub max_fee: u128,
    /// Max priority fee per gas, in wei.
    pub tip: u128,
}

/// An account's nonces: how many of its transactions are mined, and how many the node knows of
/// including its pool. `pending > mined` means transactions of the account wait in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nonces {
    /// Transactions mined (the next nonce a new transaction can be mined with).
    pub mined: u64,
    /// Transactions known, the pool included.
    pub pending: u64,
}

/// Reads `account`'s [`Nonces`].
pub async fn nonces(chain: &Chain, account: Address) -> Result<Nonces> {
    let p = &chain.provider;
    let mined = p
        .get_transaction_count(account)
        .await
        .map_err(|e| chain.rpc_err("eth_getTransactionCount", e))?;
    let pending = p
        .get_transaction_count(account)
        .pending()
        .await
        .map_err(|e| chain.rpc_err("eth_getTransactionCount", e))?;
    Ok(Nonces {
        mined,
        pending: pending.max(mined),
    })
}

/// Whether a node's refusal of `eth_sendRawTransaction` (lower-cased) says that this very
/// transaction is already in its pool: geth and its forks answer "already known" (older ones "known
/// transaction"), anvil "transaction already imported".
fn already_in_pool(text: &str) -> bool {
    [
        "already known",
        "known transaction",
        "transaction already imported",
    ]
    .iter()
    .any(|m| text.contains(m))
}

/// Runs `call` with `eth_call` as `from` (a wallet, or a Safe that will execute a batch); a revert
/// becomes [`Error::WouldRevert`] with the reason in words.
pub async fn simulate_from(
    chain: &Chain,
    from: Address,
    call: &Call,
    units: &Units,
) -> Result<Bytes> {
    match chain.provider.call(call.request(from)).await {
        Ok(out) => Ok(out),
        Err(err) => Err(match revert_of(&err) {
            Some(Ok(data)) => Error::WouldRevert {
                what: call.what.clone(),
                reason: describe(&data, units),
            },
            Some(Err(message)) => Error::WouldRevert {
                what: call.what.clone(),
                reason: message,
            },
            None => chain.rpc_err("eth_call", err),
        }),
    }
}

/// Sends calls from one wallet to one chain; `notify` hears progress (hashes as they are sent).
pub struct Sender<'a> {
    chain: &'a Chain,
    wallet: &'a Wallet,
    opts: &'a SendOpts,
    units: Units,
    notify: Box<dyn Fn(&str) + Send + Sync + 'a>,
    on_sent: Option<Box<dyn Fn(TxHash, u64) + Send + Sync + 'a>>,
    poll: Duration,
}

impl std::fmt::Debug for Sender<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("from", &self.wallet.address())
            .field("chain", &self.chain.chain_id)
            .finish()
    }
}

/// Revert data from an RPC error, or the node's own words when it sent none.
fn revert_of(err: &TransportError) -> Option<Result<Bytes, String>> {
    match err {
        RpcError::ErrorResp(payload) => match payload.as_revert_data() {
            Some(data) => Some(Ok(data)),
            None if payload.message.contains("revert") => Some(Err(payload.message.to_string())),
            None => None,
        },
        _ => None,
    }
}

impl<'a> Sender<'a> {
    /// A sender that reports progress to `notify` (the CLIs print it on stderr).
    pub fn new(
        chain: &'a Chain,
        wallet: &'a Wallet,
        opts: &'a SendOpts,
        notify: impl Fn(&str) + Send + Sync + 'a,
    ) -> Self {
        Self {
            chain,
            wallet,
            opts,
            units: Units::default(),
            notify: Box::new(notify),
            on_sent: None,
            poll: Duration::from_millis(250),
        }
    }

    /// Calls `hook` with each hash and its nonce right after the node accepted it (the first
    /// transaction and every replacement), e.g. to record it durably before waiting.
    pub fn on_sent(mut self, hook: impl Fn(TxHash, u64) + Send + Sync + 'a) -> Self {
        self.on_sent = Some(Box::new(hook));
        self
    }

    /// Shows amounts in revert messages in the token's units.
    pub fn with_units(mut self, units: Units) -> Self {
        self.units = units;
        self
    }

    /// The sending account.
    pub fn from(&self) -> Address {
        self.wallet.address()
    }

    /// Runs the call with `eth_call` from the wallet's account; a revert becomes
    /// [`Error::WouldRevert`] with the reason in words.
    pub async fn simulate(&self, call: &Call) -> Result<Bytes> {
        simulate_from(self.chain, self.from(), call, &self.units).await
    }

    /// Simulates, then sends and waits; see the module documentation.
    pub async fn send(&self, call: &Call) -> Result<Sent> {
        self.send_at(call, None, None).await
    }

    /// Like [`Sender::send`], at `nonce` (`None`: the next one, counting pending transactions), and
    /// when `outbid` is given, with fees high enough to replace the pending transaction of ours
    /// that holds that nonce (both fees raised by at least the bump).
    pub async fn send_at(
        &self,
        call: &Call,
        nonce: Option<u64>,
        outbid: Option<Fees>,
    ) -> Result<Sent> {
        self.simulate(call).await?;
        let from = self.from();
        let p = &self.chain.provider;
        let tx = call.request(from);
        let gas = p
            .estimate_gas(tx.clone())
            .await
            .map_err(|err| match revert_of(&err) {
                Some(Ok(data)) => Error::WouldRevert {
                    what: call.what.clone(),
                    reason: describe(&data, &self.units),
                },
                _ => self.chain.rpc_err("eth_estimateGas", err),
            })?;
        // A margin for state that changes between the estimate and inclusion.
        let gas = gas + gas / 5;
        let nonce = match nonce {
            Some(n) => n,
            None => p
                .get_transaction_count(from)
                .pending()
                .await
                .map_err(|e| self.chain.rpc_err("eth_getTransactionCount", e))?,
        };
        let fees = p
            .estimate_eip1559_fees()
            .await
            .map_err(|e| self.chain.rpc_err("eth_feeHistory", e))?;
        let cap = self.opts.max_fee_gwei.map(|g| (g * 1e9) as u128);
        let mut max_fee = fees.max_fee_per_gas;
        let mut tip = fees.max_priority_fee_per_gas;
        if let Some(old) = outbid {
            tip = tip.max(self.bump(old.tip));
            max_fee = max_fee.max(self.bump(old.max_fee)).max(tip);
            if let Some(cap) = cap
                && max_fee > cap
            {
                return Err(Error::FeeAboveCap {
                    what: call.what.clone(),
                    why: format!("to replace the pending transaction at nonce {nonce}"),
                    needed_gwei: max_fee as f64 / 1e9,
                    cap_gwei: cap as f64 / 1e9,
                });
            }
        }
        if let Some(cap) = cap {
            // A cap below the base fee can never be mined: say so instead of sending.
            let base = p
                .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
                .await
                .map_err(|e| self.chain.rpc_err("eth_getBlockByNumber", e))?
                .and_then(|b| b.header.base_fee_per_gas)
                .map_or(0, u128::from);
            if base > cap {
                return Err(Error::FeeAboveCap {
                    what: call.what.clone(),
                    why: "the chain's base fee".into(),
                    needed_gwei: base as f64 / 1e9,
                    cap_gwei: cap as f64 / 1e9,
                });
            }
            if max_fee > cap {
                max_fee = cap;
                tip = tip.min(cap);
            }
        }
        let wallet = self.wallet.ethereum_wallet();
        let mut hashes: Vec<TxHash> = Vec::new();
        let mut replacements = 0u32;
        loop {
            let request = tx
                .clone()
                .with_nonce(nonce)
                .with_gas_limit(gas)
                .with_max_fee_per_gas(max_fee)
                .with_max_priority_fee_per_gas(tip)
                .with_chain_id(self.chain.chain_id);
            let envelope = <TransactionRequest as NetworkTransactionBuilder<Ethereum>>::build(
                request, &wallet,
            )
            .await
            .map_err(|e| Error::Other(format!("cannot sign {}: {e}", call.what)))?;
            let hash = *envelope.tx_hash();
            match p.send_raw_transaction(&envelope.encoded_2718()).await {
                Ok(_) => {}
                Err(err) => {
                    let text = err.to_string().to_lowercase();
                    if already_in_pool(&text) {
                        // A retried request that had reached the node, or a second claimer on the
                        // same key that signed the very same transaction: it is in the pool.
                    } else if text.contains("nonce too low") && !hashes.is_empty() {
                        // An earlier version was mined meanwhile; the wait below finds it.
                    } else {
                        return Err(self.chain.rpc_err("eth_sendRawTransaction", err));
                    }
                }
            }
            hashes.push(hash);
            if let Some(hook) = &self.on_sent {
                hook(hash, nonce);
            }
            let gwei = |wei: u128| format!("{:.3}", wei as f64 / 1e9);
            if replacements == 0 {
                (self.notify)(&format!(
                    "sent {}: tx {hash} (nonce {nonce}, max fee {} gwei); waiting for {} confirmation(s)",
                    call.what,
                    gwei(max_fee),
                    self.opts.confirmations
                ));
            } else {
                (self.notify)(&format!(
                    "replaced {} (nonce {nonce}) with higher fees (max fee {} gwei, tip {} gwei): tx {hash}",
                    call.what,
                    gwei(max_fee),
                    gwei(tip)
                ));
            }
            if let Some(sent) = self.wait(call, &hashes, nonce).await? {
                return Ok(sent);
            }
            // Not mined in time: raise both fees by the bump (and to at least today's estimate).
            let bump = |v: u128| self.bump(v);
            let fresh = p
                .estimate_eip1559_fees()
                .await
                .map_err(|e| self.chain.rpc_err("eth_feeHistory", e))?;
            let next_tip = bump(tip).max(fresh.max_priority_fee_per_gas);
            let next_max = bump(max_fee).max(fresh.max_fee_per_gas).max(next_tip);
            let over_cap = cap.is_some_and(|c| next_max > c);
            if replacements >= self.opts.max_replacements || over_cap {
                if over_cap {
                    (self.notify)(&format!(
                        "not replacing {}: the next max fee ({} gwei) would pass --max-fee-gwei",
                        call.what,
                        gwei(next_max)
                    ));
                }
                return Err(Error::NotMined {
                    what: call.what.clone(),
                    hashes,
                    replacements,
                });
            }
            (self.notify)(&format!(
                "{} not mined after {}s: replacing it (+{}% fees)",
                hash, self.opts.timeout, self.opts.fee_bump
            ));
            tip = next_tip;
            max_fee = next_max;
            replacements += 1;
        }
    }

    /// `v` raised by the fee bump (at least by one wei).
    fn bump(&self, v: u128) -> u128 {
        v.saturating_add((v as f64 * self.opts.fee_bump / 100.0).ceil() as u128)
            .max(v + 1)
    }

    /// Waits up to the timeout for any of `hashes` to be mined, then for the confirmations.
    /// `Ok(None)`: nothing mined in time.
    async fn wait(&self, call: &Call, hashes: &[TxHash], nonce: u64) -> Result<Option<Sent>> {
        let p = &self.chain.provider;
        let timeout = Duration::from_secs(self.opts.timeout);
        let started = Instant::now();
        loop {
            for hash in hashes.iter().rev() {
                let receipt = p
                    .get_transaction_receipt(*hash)
                    .await
                    .map_err(|e| self.chain.rpc_err("eth_getTransactionReceipt", e))?;
                if let Some(receipt) = receipt {
                    return self.confirm(call, hashes, receipt).await.map(Some);
                }
            }
            // Someone else's transaction may have taken the nonce.
            let mined_nonce = p
                .get_transaction_count(self.from())
                .await
                .map_err(|e| self.chain.rpc_err("eth_getTransactionCount", e))?;
            if mined_nonce > nonce {
                // Look again before concluding: ours may have been mined between the two requests,
                // and a node can report the new nonce a moment before it serves the receipt (seen
                // with anvil under load), so give the receipt a few seconds to appear.
                for attempt in 0..10 {
                    for hash in hashes {
                        if let Some(receipt) = p
                            .get_transaction_receipt(*hash)
                            .await
                            .map_err(|e| self.chain.rpc_err("eth_getTransactionReceipt", e))?
                        {
                            return self.confirm(call, hashes, receipt).await.map(Some);
                        }
                    }
                    if attempt < 9 {
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                }
                return Err(Error::NonceTaken {
                    what: call.what.clone(),
                    from: self.from(),
                    nonce,
                });
            }
            if started.elapsed() >= timeout {
                return Ok(None);
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    async fn confirm(
        &self,
        call: &Call,
        hashes: &[TxHash],
        receipt: TransactionReceipt,
    ) -> Result<Sent> {
        let p = &self.chain.provider;
        let hash = receipt.transaction_hash;
        if !receipt.status() {
            return Err(Error::Reverted {
                what: call.what.clone(),
                hash,
            });
        }
        let block = receipt.block_number.unwrap_or_default();
        let needed = self.opts.confirmations.max(1);
        let started = Instant::now();
        let mut announced = false;
        loop {
            let head = p
                .get_block_number()
                .await
                .map_err(|e| self.chain.rpc_err("eth_blockNumber", e))?;
            let have = (head + 1).saturating_sub(block);
            if have >= needed {
                // Make sure a reorg did not drop it while we waited.
                let again = p
                    .get_transaction_receipt(hash)
                    .await
                    .map_err(|e| self.chain.rpc_err("eth_getTransactionReceipt", e))?;
                return match again {
                    Some(receipt) => Ok(Sent {
                        hash,
                        hashes: hashes.to_vec(),
                        receipt,
                    }),
                    None => Err(Error::Other(format!(
                        "{} was mined in block {block} and then dropped by a reorganisation; run the command again",
                        call.what
                    ))),
                };
            }
            if !announced {
                (self.notify)(&format!(
                    "mined in block {block}; waiting for {needed} confirmations"
                ));
                announced = true;
            }
            if started.elapsed() >= Duration::from_secs(self.opts.timeout) {
                return Err(Error::Other(format!(
                    "{} was mined in block {block} (tx {hash}) but had only {have} of {needed} confirmations after {}s",
                    call.what, self.opts.timeout
                )));
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::already_in_pool;

    #[test]
    fn the_nodes_words_for_a_transaction_already_in_the_pool() {
        // As anvil and geth word them (seen from anvil 1.x; geth core/txpool ErrAlreadyKnown).
        for seen in [
            "server returned an error response: error code -32003: transaction already imported",
            "server returned an error response: error code -32000: already known",
        ] {
            assert!(already_in_pool(&seen.to_lowercase()), "{seen}");
        }
        for other in [
            "server returned an error response: error code -32003: nonce too low",
            "replacement transaction underpriced",
            "insufficient funds for gas * price + value",
        ] {
            assert!(!already_in_pool(other), "{other}");
        }
    }
}
