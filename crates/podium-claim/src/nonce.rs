//! Transactions of our own wallet that wait in the pool at a lower nonce.
//!
//! Everything the wallet sends is mined in nonce order, so one stuck transaction (sent with a fee
//! the chain no longer accepts, by this tool or by the orchestrator's node using the same key) blocks
//! every claim and bond after it. Before sending, the claimer looks at the wallet's nonces: when
//! transactions of ours wait in the pool it gives them the send timeout to be mined, then reports
//! the lowest one. With `--replace-stuck` it replaces that one at the same nonce with higher fees:
//! our own orphaned claim is re-priced (same calldata), anything else becomes a zero-value transfer
//! to ourselves. Without the flag it stops (exit code 11) with the nonce and the command to run.

use std::time::{Duration, Instant};

use podium_chain::{
    Chain, Fees, Nonces, SendOpts, Sender, Wallet,
    alloy::{consensus::Transaction as _, providers::Provider},
    revert::Units,
    send::{Call, nonces},
};

use crate::{
    exit::{Error, Result},
    plan::{Address, TxHash},
};

/// How the wallet's pool stands once waiting is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Nothing of ours waits: the next transaction gets nonce `.0` and is mined in turn.
    Clear(u64),
    /// Transactions of ours still wait after the patience; the lowest holds `nonce`.
    Stuck {
        /// The lowest waiting nonce (the one that blocks the others).
        nonce: u64,
        /// How many of ours wait.
        count: u64,
    },
}

/// Waits up to `patience` for the wallet's pooled transactions to be mined.
pub async fn settle(chain: &Chain, account: Address, patience: Duration) -> Result<Settled> {
    let started = Instant::now();
    let mut announced = false;
    loop {
        let Nonces { mined, pending } = nonces(chain, account).await.map_err(Error::from_chain)?;
        if pending <= mined {
            return Ok(Settled::Clear(mined));
        }
        if started.elapsed() >= patience {
            return Ok(Settled::Stuck {
                nonce: mined,
                count: pending - mined,
            });
        }
        if !announced {
            tracing::info!(
                "{} transaction(s) of {account} wait in the pool (nonces {mined} to {}); waiting up to \
                 {}s for them to be mined before sending",
                pending - mined,
                pending - 1,
                patience.as_secs()
            );
            announced = true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The fees of our pending transaction at `nonce`: from one of `known` hashes when the node still
/// has it, else from the node's pool (`txpool_content`, served by geth and anvil); `None` when
/// neither says.
pub async fn pending_fees(
    chain: &Chain,
    account: Address,
    nonce: u64,
    known: &[TxHash],
) -> Option<(TxHash, Fees)> {
    for hash in known.iter().rev() {
        if let Ok(Some(tx)) = chain.provider.get_transaction_by_hash(*hash).await
            && tx.block_number.is_none()
            && tx.inner.nonce() == nonce
        {
            return Some((
                *hash,
                Fees {
                    max_fee: tx.inner.max_fee_per_gas(),
                    tip: tx.inner.max_priority_fee_per_gas().unwrap_or(0),
                },
            ));
        }
    }
    let pool: serde_json::Value = chain
        .provider
        .raw_request("txpool_content".into(), ())
        .await
        .ok()?;
    let by_sender = pool.get("pending")?.as_object()?;
    let ours = by_sender
        .iter()
        .find(|(a, _)| a.parse::<Address>().ok() == Some(account))?
        .1;
    let tx = ours.get(nonce.to_string())?;
    let number = |key: &str| {
        tx.get(key)
            .and_then(|v| v.as_str())
            .and_then(|h| u128::from_str_radix(h.trim_start_matches("0x"), 16).ok())
    };
    let hash = tx.get("hash")?.as_str()?.parse().ok()?;
    let max_fee = number("maxFeePerGas").or_else(|| number("gasPrice"))?;
    let tip = number("maxPriorityFeePerGas").unwrap_or(max_fee);
    Some((hash, Fees { max_fee, tip }))
}

/// The command line of this run with `--replace-stuck` added, for the message.
pub fn replace_command() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--replace-stuck") {
        args.push("--replace-stuck".into());
    }
    args.iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The error for a stuck transaction when `--replace-stuck` was not given.
pub fn blocked(account: Address, stuck: Settled, hash: Option<TxHash>, waited: Duration) -> Error {
    let Settled::Stuck { nonce, count } = stuck else {
        unreachable!("only a stuck pool blocks");
    };
    Error::NonceBlocked(format!(
        "transaction nonce {nonce} of {account}{} has waited in the pool for more than {}s without \
         being mined ({count} transaction(s) of the wallet wait); it blocks everything this wallet \
         sends, so nothing was sent. Replace it (same nonce, higher fees: a zero-value transfer to \
         yourself, or your own claim re-priced) by running:\n  {}",
        hash.map(|h| format!(" ({h})")).unwrap_or_default(),
        waited.as_secs(),
        replace_command()
    ))
}

/// Replaces our pending transaction at `nonce` with `call` (our own claim, re-priced) or, when
/// `call` is `None`, with a zero-value transfer to ourselves; both outbid the pending one's fees.
#[allow(clippy::too_many_arguments)]
pub async fn replace(
    chain: &Chain,
    wallet: &Wallet,
    send: &SendOpts,
    units: &Units,
    nonce: u64,
    call: Option<&Call>,
    known: &[TxHash],
) -> Result<TxHash> {
    let account = wallet.address();
    let found = pending_fees(chain, account, nonce, known).await;
    let outbid = match found {
        Some((hash, fees)) => {
            tracing::info!(
                "replacing {hash} at nonce {nonce} (max fee {:.3} gwei)",
                fees.max_fee as f64 / 1e9
            );
            fees
        }
        None => {
            // The node does not show it: outbid twice today's estimate.
            let fresh = chain
                .provider
                .estimate_eip1559_fees()
                .await
                .map_err(|e| Error::from_chain(chain.rpc_err("eth_feeHistory", e)))?;
            tracing::info!(
                "the node does not show the transaction at nonce {nonce}; replacing it at twice \
                 today's fees"
            );
            Fees {
                max_fee: fresh.max_fee_per_gas * 2,
                tip: fresh.max_priority_fee_per_gas * 2,
            }
        }
    };
    let cancel = Call::new(
        account,
        Vec::new(),
        format!("zero-value transfer to self replacing nonce {nonce}"),
    );
    let call = call.unwrap_or(&cancel);
    let sender =
        Sender::new(chain, wallet, send, |m| tracing::info!("{m}")).with_units(units.clone());
    let sent = sender
        .send_at(call, Some(nonce), Some(outbid))
        .await
        .map_err(Error::from_chain)?;
    tracing::info!(
        "nonce {nonce} is now taken by {} ({}), mined in block {}",
        sent.hash,
        call.what,
        sent.receipt.block_number.unwrap_or_default()
    );
    Ok(sent.hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_blocked_message_names_the_nonce_and_the_command() {
        let account = Address::repeat_byte(0xAA);
        let err = blocked(
            account,
            Settled::Stuck { nonce: 7, count: 2 },
            Some(TxHash::repeat_byte(1)),
            Duration::from_secs(120),
        );
        assert_eq!(err.exit(), crate::exit::Exit::NonceBlocked);
        let text = err.to_string();
        assert!(text.contains("transaction nonce 7 of"), "{text}");
        assert!(text.contains("--replace-stuck"), "{text}");
        assert!(text.contains("more than 120s"), "{text}");
    }
}
