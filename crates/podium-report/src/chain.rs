//! What the report reads from the chain: the distributor's `RootPosted`, `RootRevoked` and `Claimed`
//! events, the BondingManager's `Bond` events of the addresses that received claimed tokens, and its
//! `TranscoderUpdate` and `TranscoderActivated` events (registrations). Logs are read with the chain
//! library's [`Chain::scan_logs`]: ranges of at most `log_blocks` blocks (halved when the node
//! refuses a range), and for the registrations, which are sparse and read from the BondingManager's
//! deployment, ranges that double until the node refuses one.

use std::collections::{BTreeMap, BTreeSet};

use alloy_primitives::{Address, B256, U256};
use eyre::{WrapErr, eyre};
use podium_chain::{
    Chain, LogScan,
    alloy::{
        eips::BlockNumberOrTag,
        providers::Provider,
        rpc::types::{Filter, Log},
        sol_types::SolEvent,
    },
    bindings::{
        BondingManagerDouble::{Bond, TranscoderActivated, TranscoderUpdate},
        PodiumDistributor::{self, Claimed, RootPosted, RootRevoked},
    },
};

use super::stake::{BondEvent, ClaimEvent, Position};

/// Livepeer's BondingManager proxy on Arbitrum One (used when the program runs on chain 42161 and
/// no other address is given) and the block it was deployed at.
pub(crate) use podium_chain::livepeer::{ARBITRUM_BONDING_MANAGER, ARBITRUM_BONDING_MANAGER_BLOCK};

/// Addresses per `eth_getLogs` topic list, so requests stay small.
const ADDRESSES_PER_QUERY: usize = 100;

/// A root as posted (the last `RootPosted` of the round not followed by a `RootRevoked`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Posted {
    pub(crate) root: B256,
    pub(crate) total: U256,
    pub(crate) valid_at: u64,
    pub(crate) uri: String,
    pub(crate) tx: B256,
    pub(crate) block: u64,
}

/// Everything read from the chain.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub(crate) chain_id: u64,
    /// The endpoint, redacted.
    pub(crate) url: String,
    pub(crate) distributor: Address,
    /// The token the distributor pays, from `TOKEN()`.
    pub(crate) token: Address,
    pub(crate) symbol: String,
    pub(crate) decimals: u8,
    pub(crate) bonding_manager: Option<Address>,
    pub(crate) from_block: u64,
    pub(crate) latest_block: u64,
    /// The latest block's timestamp.
    pub(crate) now: u64,
    /// Per round, the root in force.
    pub(crate) posted: BTreeMap<u64, Posted>,
    /// Per round, how many roots were revoked.
    pub(crate) revoked: BTreeMap<u64, usize>,
    pub(crate) claims: Vec<ClaimEvent>,
    /// `None` when no BondingManager is known.
    pub(crate) bonds: Option<Vec<BondEvent>>,
    /// Each orchestrator's first registration event on the BondingManager; `None` when no
    /// BondingManager is known.
    pub(crate) registrations: Option<Registrations>,
    /// `eth_getLogs` requests made.
    pub(crate) log_queries: usize,
}

/// Registrations read from the BondingManager.
#[derive(Debug, Clone)]
pub(crate) struct Registrations {
    /// First block read.
    pub(crate) from_block: u64,
    /// `TranscoderUpdate` and `TranscoderActivated` events read.
    pub(crate) events: usize,
    /// Per orchestrator, its first such event: when (block time) and which.
    pub(crate) first: BTreeMap<Address, FirstRegistration>,
    /// Requests the node refused as too wide (each was asked again, halved).
    pub(crate) refusals: usize,
}

/// An orchestrator's first `TranscoderUpdate` or `TranscoderActivated`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FirstRegistration {
    pub(crate) time: u64,
    pub(crate) at: Position,
    /// `TranscoderUpdate` or `TranscoderActivated`.
    pub(crate) event: &'static str,
    pub(crate) tx: B256,
}

/// Block timestamps, fetched once per block when the node does not put them in its logs.
struct Times<'a> {
    chain: &'a Chain,
    cache: BTreeMap<u64, u64>,
}

impl Times<'_> {
    async fn of(&mut self, log: &Log) -> eyre::Result<u64> {
        if let Some(t) = log.block_timestamp {
            return Ok(t);
        }
        let n = log
            .block_number
            .ok_or_else(|| eyre!("the node returned a log without a block number"))?;
        if let Some(t) = self.cache.get(&n) {
            return Ok(*t);
        }
        let block = self
            .chain
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(n))
            .await
            .map_err(|e| self.chain.rpc_err("eth_getBlockByNumber", e))?
            .ok_or_else(|| eyre!("{} has no block {n}", self.chain.url))?;
        self.cache.insert(n, block.header.timestamp);
        Ok(block.header.timestamp)
    }
}

fn position(log: &Log) -> eyre::Result<Position> {
    match (log.block_number, log.log_index) {
        (Some(b), Some(i)) => Ok((b, i)),
        _ => Err(eyre!(
            "the node returned a pending log (no block number or index)"
        )),
    }
}

fn small(v: U256, what: &str) -> eyre::Result<u64> {
    u64::try_from(v).map_err(|_| eyre!("{what} {v} does not fit in 64 bits"))
}

/// Where and how to read.
pub(crate) struct Read {
    pub(crate) distributor: Address,
    pub(crate) bonding_manager: Option<Address>,
    /// Where the distributor's logs start (its deployment block when known); bonds are read from
    /// the first claim's block on.
    pub(crate) from_block: u64,
    /// Where the BondingManager's registrations start (its deployment block when known).
    pub(crate) registrations_from_block: u64,
    /// Most blocks per `eth_getLogs` request (the first request of the registration scan).
    pub(crate) log_blocks: u64,
}

/// Reads the facts.
pub(crate) async fn read(chain: &Chain, read: &Read) -> eyre::Result<Facts> {
    let Read {
        distributor,
        bonding_manager,
        from_block,
        registrations_from_block,
        log_blocks,
    } = *read;
    podium_chain::distributor::expect_code(chain, distributor).await?;
    let token = PodiumDistributor::new(distributor, &chain.provider)
        .TOKEN()
        .call()
        .await
        .map_err(|e| eyre!("TOKEN() on {distributor}: {e} (is this a podium distributor?)"))?;
    let info = podium_chain::distributor::token_info(chain, token).await?;
    let latest_block = chain
        .provider
        .get_block_number()
        .await
        .map_err(|e| chain.rpc_err("eth_blockNumber", e))?;
    let now = chain.now().await?;
    let mut times = Times {
        chain,
        cache: BTreeMap::new(),
    };
    let mut scan = LogScan::new(log_blocks);

    let filter = Filter::new().address(distributor).event_signature(vec![
        RootPosted::SIGNATURE_HASH,
        RootRevoked::SIGNATURE_HASH,
        Claimed::SIGNATURE_HASH,
    ]);
    let mut logs = chain
        .scan_logs(&filter, from_block, latest_block, &mut scan)
        .await
        .wrap_err_with(|| format!("reading the events of the distributor {distributor}"))?;
    logs.sort_by_key(|l| (l.block_number, l.log_index));
    let mut posted = BTreeMap::new();
    let mut revoked: BTreeMap<u64, usize> = BTreeMap::new();
    let mut claims = Vec::new();
    for log in &logs {
        let bad = |e| eyre!("an undecodable event from {distributor}: {e}");
        match log.topic0() {
            Some(&RootPosted::SIGNATURE_HASH) => {
                let e = RootPosted::decode_log(&log.inner).map_err(bad)?.data;
                posted.insert(
                    small(e.round, "round")?,
                    Posted {
                        root: e.root,
                        total: e.total,
                        valid_at: small(e.validAt, "validAt")?,
                        uri: e.uri,
                        tx: log.transaction_hash.unwrap_or_default(),
                        block: position(log)?.0,
                    },
                );
            }
            Some(&RootRevoked::SIGNATURE_HASH) => {
                let e = RootRevoked::decode_log(&log.inner).map_err(bad)?.data;
                let round = small(e.round, "round")?;
                posted.remove(&round);
                *revoked.entry(round).or_default() += 1;
            }
            Some(&Claimed::SIGNATURE_HASH) => {
                let e = Claimed::decode_log(&log.inner).map_err(bad)?.data;
                claims.push(ClaimEvent {
                    round: small(e.round, "round")?,
                    account: e.account,
                    recipient: e.recipient,
                    amount: e.amount,
                    at: position(log)?,
                    time: times.of(log).await?,
                    tx: log.transaction_hash.unwrap_or_default(),
                });
            }
            _ => {}
        }
    }

    let bonds = match bonding_manager {
        None => None,
        Some(bm) => {
            podium_chain::distributor::expect_code(chain, bm)
                .await
                .wrap_err("checking the BondingManager address")?;
            let recipients: Vec<B256> = claims
                .iter()
                .map(|c| c.recipient)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|a| a.into_word())
                .collect();
            let first = claims.iter().map(|c| c.at.0).min();
            let mut bonds = Vec::new();
            if let Some(first) = first {
                for chunk in recipients.chunks(ADDRESSES_PER_QUERY) {
                    let filter = Filter::new()
                        .address(bm)
                        .event_signature(Bond::SIGNATURE_HASH)
                        .topic3(chunk.to_vec());
                    let logs = chain
                        .scan_logs(&filter, first, latest_block, &mut scan)
                        .await
                        .wrap_err_with(|| format!("reading Bond events of {bm}"))?;
                    for log in &logs {
                        let e = Bond::decode_log(&log.inner)
                            .map_err(|e| eyre!("an undecodable Bond event from {bm}: {e}"))?
                            .data;
                        bonds.push(BondEvent {
                            delegator: e.delegator,
                            additional: e.additionalAmount,
                            at: position(log)?,
                            time: times.of(log).await?,
                        });
                    }
                }
            }
            Some(bonds)
        }
    };
    let registrations = match bonding_manager {
        None => None,
        Some(bm) => {
            let mut grow = LogScan::growing(log_blocks);
            let r = registrations(
                chain,
                bm,
                registrations_from_block,
                latest_block,
                &mut grow,
                &mut times,
            )
            .await
            .wrap_err_with(|| {
                format!(
                    "reading TranscoderUpdate and TranscoderActivated events of {bm} from block \
                     {registrations_from_block} (--registrations-from-block)"
                )
            })?;
            scan.requests += grow.requests;
            Some(r)
        }
    };
    Ok(Facts {
        chain_id: chain.chain_id,
        url: chain.url.clone(),
        distributor,
        token,
        symbol: info.symbol,
        decimals: info.decimals,
        bonding_manager,
        from_block,
        latest_block,
        now,
        posted,
        revoked,
        claims,
        bonds,
        registrations,
        log_queries: scan.requests,
    })
}

/// Each orchestrator's first `TranscoderUpdate` or `TranscoderActivated` on `bm` in
/// `from..=to`; block times are fetched only for the blocks holding a first event.
async fn registrations(
    chain: &Chain,
    bm: Address,
    from: u64,
    to: u64,
    scan: &mut LogScan,
    times: &mut Times<'_>,
) -> eyre::Result<Registrations> {
    let filter = Filter::new().address(bm).event_signature(vec![
        TranscoderUpdate::SIGNATURE_HASH,
        TranscoderActivated::SIGNATURE_HASH,
    ]);
    let mut logs = chain.scan_logs(&filter, from, to, scan).await?;
    logs.sort_by_key(|l| (l.block_number, l.log_index));
    let mut first: BTreeMap<Address, FirstRegistration> = BTreeMap::new();
    for log in &logs {
        let bad = |e| eyre!("an undecodable registration event from {bm}: {e}");
        let (who, event) = match log.topic0() {
            Some(&TranscoderUpdate::SIGNATURE_HASH) => (
                TranscoderUpdate::decode_log(&log.inner)
                    .map_err(bad)?
                    .data
                    .transcoder,
                "TranscoderUpdate",
            ),
            Some(&TranscoderActivated::SIGNATURE_HASH) => (
                TranscoderActivated::decode_log(&log.inner)
                    .map_err(bad)?
                    .data
                    .transcoder,
                "TranscoderActivated",
            ),
            _ => continue,
        };
        if first.contains_key(&who) {
            continue;
        }
        first.insert(
            who,
            FirstRegistration {
                time: times.of(log).await?,
                at: position(log)?,
                event,
                tx: log.transaction_hash.unwrap_or_default(),
            },
        );
    }
    Ok(Registrations {
        from_block: from,
        events: logs.len(),
        first,
        refusals: scan.refusals,
    })
}
