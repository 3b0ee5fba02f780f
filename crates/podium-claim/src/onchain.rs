//! Reading what planning needs from the distributor: the timeline, each round's state, and the
//! claimed bits of the account's leaves (one `claimedWord` call per round and bitmap word).

use std::collections::{BTreeMap, BTreeSet};

use podium_chain::{
    Chain,
    alloy::{
        eips::BlockId,
        primitives::{Address, TxHash, U256},
        providers::Provider,
        rpc::types::Log,
        sol_types::SolEvent,
    },
    bindings::PodiumDistributor,
    distributor::{self, u64_of},
    revert::Units,
};

use crate::{
    exit::{Error, Result},
    plan::{ChainRound, ChainStatus, ChainView},
};

/// Fails unless a contract is deployed at `address` (`what` names it in the message).
pub async fn expect_contract(chain: &Chain, address: Address, what: &str) -> Result<()> {
    distributor::expect_code(chain, address)
        .await
        .map_err(|e| Error::from_contract_read(what, e))
}

/// Reads the view of `rounds` and of the claimed bits of `leaves` at `block`.
pub async fn read_view(
    chain: &Chain,
    distributor: Address,
    rounds: &BTreeSet<u64>,
    leaves: &BTreeSet<(u64, u64)>,
    block: BlockId,
) -> Result<ChainView> {
    let t = distributor::timeline_at(chain, distributor, block)
        .await
        .map_err(|e| Error::from_contract_read("distributor", e))?;
    let round_count = t.round_count;
    let mut view = ChainView {
        now: 0,
        claim_deadline: t.claim_deadline(),
        round_count,
        rounds: BTreeMap::new(),
        claimed: BTreeSet::new(),
    };
    for &round in rounds {
        if round == 0 || round > round_count {
            continue;
        }
        let s = distributor::round_state(chain, distributor, round, block)
            .await
            .map_err(|e| Error::from_contract_read("distributor", e))?;
        let status = ChainStatus::of(&s).ok_or_else(|| {
            Error::Usage(format!(
                "distributor {distributor} on chain {} reports status {} for round {round}, which \
                 this podium-claim does not know (a newer contract?): upgrade podium-claim",
                chain.chain_id, s.status
            ))
        })?;
        view.rounds.insert(
            round,
            ChainRound {
                root: s.root,
                status,
                valid_at: u64_of(s.validAt),
                ends_at: u64_of(s.endsAt),
                revocations: u64_of(s.revocations),
                uri: s.uri,
            },
        );
    }
    let mut words: BTreeMap<(u64, u64), U256> = BTreeMap::new();
    for &(round, index) in leaves {
        if round == 0 || round > round_count {
            continue;
        }
        let key = (round, index / 256);
        let word = match words.get(&key) {
            Some(w) => *w,
            None => {
                let w = distributor::claimed_word(chain, distributor, round, key.1, block)
                    .await
                    .map_err(|e| Error::from_contract_read("distributor", e))?;
                words.insert(key, w);
                w
            }
        };
        if word.bit((index % 256) as usize) {
            view.claimed.insert((round, index));
        }
    }
    let header = chain
        .provider
        .get_block(block)
        .await
        .map_err(|e| Error::from_chain(chain.rpc_err("eth_getBlockByNumber", e)))?
        .ok_or_else(|| Error::Rpc(format!("{} returned no block for {block}", chain.url)))?;
    view.now = header.header.timestamp;
    Ok(view)
}

/// The distributor's token and how to show its amounts (symbol and decimals; "tokens" when the
/// token has no symbol).
pub async fn token_units(chain: &Chain, address: Address) -> Result<(Address, Units)> {
    let token = distributor::token(chain, address)
        .await
        .map_err(|e| Error::from_contract_read("distributor", e))?;
    Ok((token.address, token.units()))
}

/// A `Claimed` event: which transaction claimed a leaf, who sent it, and what it paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedBy {
    /// The transaction.
    pub tx: TxHash,
    /// Its sender.
    pub from: Address,
    /// Its block.
    pub block: u64,
    /// The amount the event says was paid.
    pub amount: U256,
}

/// Who claimed `account`'s leaf of `round` from `from_block` on, from the `Claimed` events (the
/// round and account are indexed, so the query is narrow; read in ranges the provider accepts).
pub async fn who_claimed(
    chain: &Chain,
    distributor: Address,
    round: u64,
    account: Address,
    from_block: u64,
) -> Result<Option<ClaimedBy>> {
    let log = distributor::last_claim(chain, distributor, round, account, from_block)
        .await
        .map_err(Error::from_chain)?;
    let Some(log) = log else {
        return Ok(None);
    };
    let (Some(tx), Some(block)) = (log.transaction_hash, log.block_number) else {
        return Ok(None);
    };
    let amount = PodiumDistributor::Claimed::decode_log(&log.inner)
        .map(|e| e.data.amount)
        .unwrap_or_default();
    let sent = chain
        .provider
        .get_transaction_by_hash(tx)
        .await
        .map_err(|e| Error::from_chain(chain.rpc_err("eth_getTransactionByHash", e)))?;
    Ok(sent.map(|t| ClaimedBy {
        tx,
        from: t.inner.signer(),
        block,
        amount,
    }))
}

/// What the `Claimed` events of `logs` (a receipt's) paid to `account` from `distributor`.
pub fn paid_in(logs: &[Log], distributor: Address, account: Address) -> U256 {
    logs.iter()
        .filter(|l| l.address() == distributor)
        .filter_map(|l| PodiumDistributor::Claimed::decode_log(&l.inner).ok())
        .filter(|e| e.data.account == account)
        .fold(U256::ZERO, |sum, e| sum + e.data.amount)
}
