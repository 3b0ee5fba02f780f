//! Reading a distributor: its configuration, every round's state, the money, and how much each
//! round has paid out (from `Claimed` events), and which root counts for each round (from
//! `RootPosted`/`RootRevoked`). One place for what `podium status`, `podium post`
//! and the claimer need to know.

use std::collections::BTreeMap;

use alloy::{
    eips::BlockId,
    primitives::{Address, B256, U256},
    providers::Provider,
    rpc::types::{Filter, Log},
    sol_types::SolEvent,
};

use crate::{
    Chain, Error, LogScan, Result,
    bindings::{
        IERC20,
        IPodiumDistributor::RoundState,
        PodiumDistributor::{self, Claimed, RootPosted, RootRevoked},
    },
    revert::Units,
    rpc::LOG_STEP,
};

/// The token a distributor pays.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// Its address.
    pub address: Address,
    /// `symbol()`, or `tokens` when it has none.
    pub symbol: String,
    /// `decimals()`.
    pub decimals: u8,
}

impl TokenInfo {
    /// The units for messages.
    pub fn units(&self) -> Units {
        Units {
            decimals: self.decimals,
            symbol: self.symbol.clone(),
        }
    }
}

/// Reads a token's symbol and decimals; fails clearly when `token` is not an ERC20 on this chain.
pub async fn token_info(chain: &Chain, token: Address) -> Result<TokenInfo> {
    let code = chain
        .provider
        .get_code_at(token)
        .await
        .map_err(|e| chain.rpc_err("eth_getCode", e))?;
    if code.is_empty() {
        return Err(Error::Other(format!(
            "there is no contract at token address {token} on chain {}",
            chain.chain_id
        )));
    }
    let erc20 = IERC20::new(token, &chain.provider);
    let decimals = erc20.decimals().call().await.map_err(|_| {
        Error::Other(format!(
            "{token} on chain {} does not answer decimals(): is it an ERC20?",
            chain.chain_id
        ))
    })?;
    let symbol = erc20
        .symbol()
        .call()
        .await
        .unwrap_or_else(|_| "tokens".into());
    Ok(TokenInfo {
        address: token,
        symbol,
        decimals,
    })
}

/// The distributor's timeline (its end and deadlines are methods, computed as the contract does).
pub use crate::program::Timeline;

/// Everything about a distributor at one moment.
#[derive(Debug, Clone)]
pub struct Overview {
    /// The distributor.
    pub address: Address,
    /// Its token.
    pub token: TokenInfo,
    /// Who receives leftovers.
    pub funder: Address,
    /// Who posts roots.
    pub committee: Address,
    /// The proposed next committee (zero if none).
    pub pending_committee: Address,
    /// The timeline.
    pub timeline: Timeline,
    /// The per-round budget.
    pub round_budget: U256,
    /// Per round (index 0 = round 1): the contract's view.
    pub rounds: Vec<RoundState>,
    /// Per round: paid so far (from `Claimed` events).
    pub claimed: BTreeMap<u64, U256>,
    /// The distributor's token balance.
    pub balance: U256,
    /// Funding received through fund().
    pub total_funded: U256,
    /// Totals of posted, non-revoked roots.
    pub total_allocated: U256,
    /// Funding swept back without ever being allocated.
    pub unallocated_swept: U256,
    /// Funding neither allocated nor swept.
    pub unallocated: U256,
    /// What posted roots still owe: per round `total - paid`, 0 from the claim deadline.
    pub outstanding: U256,
    /// What sweep() would send now.
    pub sweepable: U256,
    /// The chain's time when read.
    pub now: u64,
}

impl Overview {
    /// Allocated but not yet claimed: what claimants can still take.
    pub fn owed(&self) -> U256 {
        let claimed: U256 = self.claimed.values().copied().sum();
        self.total_allocated.saturating_sub(claimed)
    }
}

/// A contract's `uint256` count or time as `u64`, saturating: no real round, block or timestamp
/// reaches `u64::MAX`, and a saturated value reads as "never" rather than wrapping.
pub fn u64_of(v: U256) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

/// Fails unless a contract is deployed at `address`.
pub async fn expect_code(chain: &Chain, address: Address) -> Result<()> {
    let code = chain
        .provider
        .get_code_at(address)
        .await
        .map_err(|e| chain.rpc_err("eth_getCode", e))?;
    if code.is_empty() {
        Err(Error::Other(format!(
            "there is no contract at {address} on chain {} (wrong address or chain?)",
            chain.chain_id
        )))
    } else {
        Ok(())
    }
}

/// Reads the timeline.
pub async fn timeline(chain: &Chain, address: Address) -> Result<Timeline> {
    timeline_at(chain, address, BlockId::latest()).await
}

/// Reads the timeline at `block`.
pub async fn timeline_at(chain: &Chain, address: Address, block: BlockId) -> Result<Timeline> {
    let d = PodiumDistributor::new(address, &chain.provider);
    let t = d
        .timeline()
        .block(block)
        .call()
        .await
        .map_err(|e| call_err(chain, "timeline()", e))?;
    Ok(Timeline {
        start: u64_of(t.start),
        round_duration: u64_of(t.roundDuration),
        round_count: u64_of(t.roundCount),
        root_delay: u64_of(t.rootDelay),
        claim_window: u64_of(t.claimWindow),
    })
}

fn call_err(chain: &Chain, what: &str, err: alloy::contract::Error) -> Error {
    match err {
        alloy::contract::Error::TransportError(e) => chain.rpc_err(what, e),
        other => Error::Other(format!(
            "{what} on {}: {other} (is this a podium distributor?)",
            chain.url
        )),
    }
}

/// The token `address` (a distributor) pays, read from its `TOKEN()`, with the token's symbol and
/// decimals (see [`token_info`]).
pub async fn token(chain: &Chain, address: Address) -> Result<TokenInfo> {
    let token = PodiumDistributor::new(address, &chain.provider)
        .TOKEN()
        .call()
        .await
        .map_err(|e| call_err(chain, "TOKEN()", e))?;
    token_info(chain, token).await
}

/// Reads everything; `from_block` bounds the `Claimed` log scan (the deployment block when known).
pub async fn overview(chain: &Chain, address: Address, from_block: u64) -> Result<Overview> {
    expect_code(chain, address).await?;
    let d = PodiumDistributor::new(address, &chain.provider);
    let timeline = timeline(chain, address).await?;
    let token = token(chain, address).await?;
    let token_address = token.address;
    let mut rounds = Vec::with_capacity(timeline.round_count as usize);
    for r in 1..=timeline.round_count {
        rounds.push(
            d.roundState(U256::from(r))
                .call()
                .await
                .map_err(|e| call_err(chain, "roundState()", e))?,
        );
    }
    let balance = IERC20::new(token_address, &chain.provider)
        .balanceOf(address)
        .call()
        .await
        .map_err(|e| call_err(chain, "balanceOf()", e))?;
    let claimed = claimed_by_round(chain, address, from_block).await?;
    Ok(Overview {
        address,
        funder: d
            .FUNDER()
            .call()
            .await
            .map_err(|e| call_err(chain, "FUNDER()", e))?,
        committee: d
            .committee()
            .call()
            .await
            .map_err(|e| call_err(chain, "committee()", e))?,
        pending_committee: d
            .pendingCommittee()
            .call()
            .await
            .map_err(|e| call_err(chain, "pendingCommittee()", e))?,
        round_budget: d
            .ROUND_BUDGET()
            .call()
            .await
            .map_err(|e| call_err(chain, "ROUND_BUDGET()", e))?,
        total_funded: d
            .totalFunded()
            .call()
            .await
            .map_err(|e| call_err(chain, "totalFunded()", e))?,
        total_allocated: d
            .totalAllocated()
            .call()
            .await
            .map_err(|e| call_err(chain, "totalAllocated()", e))?,
        unallocated_swept: d
            .unallocatedSwept()
            .call()
            .await
            .map_err(|e| call_err(chain, "unallocatedSwept()", e))?,
        unallocated: d
            .unallocated()
            .call()
            .await
            .map_err(|e| call_err(chain, "unallocated()", e))?,
        outstanding: d
            .outstanding()
            .call()
            .await
            .map_err(|e| call_err(chain, "outstanding()", e))?,
        sweepable: d
            .sweepable()
            .call()
            .await
            .map_err(|e| call_err(chain, "sweepable()", e))?,
        now: chain.now().await?,
        token,
        timeline,
        rounds,
        claimed,
        balance,
    })
}

/// Every log of `address` with one of `signatures` from `from_block` to the latest block, in chain
/// order, and the latest block. Every event scan of a distributor goes through here, and from here
/// through [`Chain::scan_logs`], the crate's one chunked log reader: the range grows while the node
/// answers (a distributor's events are sparse, and a scan from block 0 of Arbitrum would otherwise
/// take tens of thousands of requests) and halves when it refuses a wide one.
pub async fn scan_logs(
    chain: &Chain,
    address: Address,
    signatures: &[B256],
    from_block: u64,
) -> Result<(Vec<Log>, u64)> {
    let latest = chain
        .provider
        .get_block_number()
        .await
        .map_err(|e| chain.rpc_err("eth_blockNumber", e))?;
    let filter = Filter::new()
        .address(address)
        .event_signature(signatures.to_vec());
    Ok((
        scan_filter(chain, &filter, from_block, latest).await?,
        latest,
    ))
}

/// The logs `filter` matches from `from_block` to `latest`, in chain order, read as [`scan_logs`]
/// describes.
async fn scan_filter(
    chain: &Chain,
    filter: &Filter,
    from_block: u64,
    latest: u64,
) -> Result<Vec<Log>> {
    if from_block > latest {
        return Ok(Vec::new());
    }
    let mut scan = LogScan::growing(LOG_STEP);
    let mut logs = chain
        .scan_logs(filter, from_block, latest, &mut scan)
        .await?;
    logs.sort_by_key(|l| (l.block_number, l.log_index));
    Ok(logs)
}

/// The last `Claimed` event of `account`'s leaf of `round` from `from_block` to the latest block,
/// if any. The round and the account are indexed, so the query is narrow; it is read in ranges the
/// node accepts, as [`scan_logs`] reads.
pub async fn last_claim(
    chain: &Chain,
    address: Address,
    round: u64,
    account: Address,
    from_block: u64,
) -> Result<Option<Log>> {
    let latest = chain
        .provider
        .get_block_number()
        .await
        .map_err(|e| chain.rpc_err("eth_blockNumber", e))?;
    let filter = Filter::new()
        .address(address)
        .event_signature(Claimed::SIGNATURE_HASH)
        .topic1(B256::from(U256::from(round)))
        .topic2(account.into_word());
    Ok(scan_filter(chain, &filter, from_block, latest).await?.pop())
}

/// `round`'s state at `block` (its status decodes with [`Status::of`]).
pub async fn round_state(
    chain: &Chain,
    address: Address,
    round: u64,
    block: BlockId,
) -> Result<RoundState> {
    PodiumDistributor::new(address, &chain.provider)
        .roundState(U256::from(round))
        .block(block)
        .call()
        .await
        .map_err(|e| call_err(chain, "roundState()", e))
}

/// Word `word` of `round`'s claimed bitmap at `block`: leaf `i` is claimed when bit `i % 256` of
/// word `i / 256` is set.
pub async fn claimed_word(
    chain: &Chain,
    address: Address,
    round: u64,
    word: u64,
    block: BlockId,
) -> Result<U256> {
    PodiumDistributor::new(address, &chain.provider)
        .claimedWord(U256::from(round), U256::from(word))
        .block(block)
        .call()
        .await
        .map_err(|e| call_err(chain, "claimedWord()", e))
}

/// Sums `Claimed` amounts per round from `from_block` to the latest block.
pub async fn claimed_by_round(
    chain: &Chain,
    address: Address,
    from_block: u64,
) -> Result<BTreeMap<u64, U256>> {
    let mut sums = BTreeMap::new();
    for log in scan_logs(chain, address, &[Claimed::SIGNATURE_HASH], from_block)
        .await?
        .0
    {
        let event = Claimed::decode_log(&log.inner)
            .map_err(|e| Error::Other(format!("undecodable Claimed event from {address}: {e}")))?;
        *sums.entry(u64_of(event.data.round)).or_insert(U256::ZERO) += event.data.amount;
    }
    Ok(sums)
}

/// A root the committee posted for a round, as its `RootPosted` event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedRoot {
    /// The round.
    pub round: u64,
    /// The Merkle root.
    pub root: B256,
    /// What the root pays in all.
    pub total: U256,
    /// When it becomes claimable.
    pub valid_at: u64,
    /// Where the committee says the round's distribution file lives.
    pub uri: String,
    /// The block it was posted in.
    pub block: u64,
}

/// The root that counts for each round, from the `RootPosted` and `RootRevoked` events from
/// `from_block` on, applied to `current` (what an earlier scan found, for a watcher that reads only
/// the new blocks): the latest post of the round, unless a later `RootRevoked` of the same root
/// revoked it (then the round has none until it is posted again). Applying a block's events twice
/// gives the same result, so a rescan may overlap. Returns the latest block scanned. The caller
/// confirms each root against `roundState` before use: the logs can lag the state a node answers.
pub async fn posted_roots(
    chain: &Chain,
    address: Address,
    from_block: u64,
    current: &mut BTreeMap<u64, PostedRoot>,
) -> Result<u64> {
    let (logs, latest) = scan_logs(
        chain,
        address,
        &[RootPosted::SIGNATURE_HASH, RootRevoked::SIGNATURE_HASH],
        from_block,
    )
    .await?;
    for log in logs {
        let block = log.block_number.unwrap_or_default();
        match log.topic0() {
            Some(&RootPosted::SIGNATURE_HASH) => {
                let e = RootPosted::decode_log(&log.inner).map_err(|e| {
                    Error::Other(format!("undecodable RootPosted event from {address}: {e}"))
                })?;
                let round = u64_of(e.data.round);
                current.insert(
                    round,
                    PostedRoot {
                        round,
                        root: e.data.root,
                        total: e.data.total,
                        valid_at: u64_of(e.data.validAt),
                        uri: e.data.uri.clone(),
                        block,
                    },
                );
            }
            Some(&RootRevoked::SIGNATURE_HASH) => {
                let e = RootRevoked::decode_log(&log.inner).map_err(|e| {
                    Error::Other(format!("undecodable RootRevoked event from {address}: {e}"))
                })?;
                let round = u64_of(e.data.round);
                if current.get(&round).is_some_and(|p| p.root == e.data.root) {
                    current.remove(&round);
                }
            }
            _ => {}
        }
    }
    Ok(latest)
}

/// A round's status as the contract reports it (`IPodiumDistributor.RoundStatus`; the JSON ABI
/// carries enums as `uint8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Not ended yet.
    Open,
    /// Ended, nothing posted (or the last root was revoked).
    Ended,
    /// A root is posted and not yet claimable.
    Pending,
    /// Claimable.
    Valid,
    /// The claim deadline passed and no root was ever posted.
    Closed,
}

impl Status {
    /// The status of `state`; see [`Status::from_code`].
    pub fn of(state: &RoundState) -> Option<Self> {
        Self::from_code(state.status)
    }

    /// The status a contract's `RoundStatus` code stands for, or `None` for a code this version
    /// does not know. A newer contract may add statuses: a caller must report an unknown one
    /// (naming the round and the code) and must not guess one, least of all `Closed`, which would
    /// tell a claimant that a round that may pay will never pay.
    pub fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => Self::Open,
            1 => Self::Ended,
            2 => Self::Pending,
            3 => Self::Valid,
            4 => Self::Closed,
            _ => return None,
        })
    }

    /// A lowercase name for scripts.
    pub fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Ended => "ended",
            Self::Pending => "pending",
            Self::Valid => "valid",
            Self::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn every_known_status_code_decodes_and_an_unknown_one_does_not() {
        let known: Vec<_> = (0..=4).map(Status::from_code).collect();
        assert_eq!(
            known,
            [
                Some(Status::Open),
                Some(Status::Ended),
                Some(Status::Pending),
                Some(Status::Valid),
                Some(Status::Closed),
            ]
        );
        assert_eq!(Status::from_code(5), None);
        assert_eq!(Status::from_code(u8::MAX), None);
    }
}
