//! What share of each round's claimed tokens was staked within a week of the claim: pure matching of
//! the distributor's `Claimed` events against the BondingManager's `Bond` events.
//!
//! Method. For each address that received claimed tokens (the claiming account itself unless it
//! claimed to another address), its claims are taken in chain order and its bonds (`Bond` events
//! with that address as `delegator`) are a pool of `additionalAmount`s. Each claim takes, earliest
//! bond first, from bonds made at or after the claim (same block: later in the block) and at most
//! `window` seconds after it, up to the claimed amount. A bond is used up once it has been counted,
//! so one bond never counts for two claims, and a claim never counts as more staked than it paid.
//! Taking claims in order and bonds earliest first counts as much as any assignment can, since
//! every claim's window has the same length.
//!
//! Limits: tokens are fungible, so a bond within the window counts even if the account bonded other
//! tokens it already held; stake bonded by another address (after a transfer, or by an exchange) is
//! not seen; unbonding within the week is not subtracted; a claim whose week has not ended yet may
//! still gain stake (the report says how many such claims there are).

use std::collections::BTreeMap;

use alloy_primitives::{Address, B256, U256};

/// A week, the window the program's metric names.
pub(crate) const WEEK: u64 = 7 * 24 * 3600;

/// Where an event sits in the chain: block number and log index.
pub(crate) type Position = (u64, u64);

/// One `Claimed` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClaimEvent {
    pub(crate) round: u64,
    pub(crate) account: Address,
    /// Who received the tokens.
    pub(crate) recipient: Address,
    pub(crate) amount: U256,
    pub(crate) at: Position,
    /// The block's timestamp.
    pub(crate) time: u64,
    pub(crate) tx: B256,
}

/// One `Bond` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BondEvent {
    pub(crate) delegator: Address,
    pub(crate) additional: U256,
    pub(crate) at: Position,
    pub(crate) time: u64,
}

/// One round's claims and the stake matched to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RoundClaims {
    /// Sum of the round's `Claimed` amounts.
    pub(crate) claimed: U256,
    /// Number of `Claimed` events.
    pub(crate) claims: usize,
    /// Distinct accounts that claimed.
    pub(crate) accounts: usize,
    /// Of `claimed`, what was bonded within the window (see the module docs).
    pub(crate) staked: U256,
    /// Claims whose window had not ended at `now`.
    pub(crate) open_windows: usize,
}

/// Matches claims to bonds as described in the module docs; `now` is the chain's time when read.
/// Rounds without claims do not appear.
pub(crate) fn by_round(
    claims: &[ClaimEvent],
    bonds: &[BondEvent],
    window: u64,
    now: u64,
) -> BTreeMap<u64, RoundClaims> {
    let mut out: BTreeMap<u64, RoundClaims> = BTreeMap::new();
    let mut accounts: BTreeMap<u64, std::collections::BTreeSet<Address>> = BTreeMap::new();
    let mut claims_of: BTreeMap<Address, Vec<&ClaimEvent>> = BTreeMap::new();
    for c in claims {
        let r = out.entry(c.round).or_default();
        r.claimed += c.amount;
        r.claims += 1;
        if c.time.saturating_add(window) > now {
            r.open_windows += 1;
        }
        accounts.entry(c.round).or_default().insert(c.account);
        claims_of.entry(c.recipient).or_default().push(c);
    }
    for (round, set) in accounts {
        if let Some(r) = out.get_mut(&round) {
            r.accounts = set.len();
        }
    }
    let mut bonds_of: BTreeMap<Address, Vec<(Position, u64, U256)>> = BTreeMap::new();
    for b in bonds.iter().filter(|b| !b.additional.is_zero()) {
        bonds_of
            .entry(b.delegator)
            .or_default()
            .push((b.at, b.time, b.additional));
    }
    for (recipient, mut theirs) in claims_of {
        let Some(pool) = bonds_of.get_mut(&recipient) else {
            continue;
        };
        pool.sort_by_key(|(at, _, _)| *at);
        theirs.sort_by_key(|c| c.at);
        for claim in theirs {
            let deadline = claim.time.saturating_add(window);
            let mut need = claim.amount;
            for (at, time, left) in pool.iter_mut() {
                if need.is_zero() {
                    break;
                }
                if *at <= claim.at || *time > deadline || left.is_zero() {
                    continue;
                }
                let take = need.min(*left);
                *left -= take;
                need -= take;
            }
            if let Some(r) = out.get_mut(&claim.round) {
                r.staked += claim.amount - need;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    fn claim(round: u64, who: u8, amount: u64, block: u64, time: u64) -> ClaimEvent {
        ClaimEvent {
            round,
            account: a(who),
            recipient: a(who),
            amount: U256::from(amount),
            at: (block, 0),
            time,
            tx: B256::ZERO,
        }
    }

    fn bond(who: u8, amount: u64, block: u64, time: u64) -> BondEvent {
        BondEvent {
            delegator: a(who),
            additional: U256::from(amount),
            at: (block, 1),
            time,
        }
    }

    #[test]
    fn counts_at_most_the_claim_and_only_within_the_week() {
        let claims = [claim(1, 1, 100, 10, 1_000), claim(1, 2, 50, 11, 1_000)];
        let bonds = [
            // Account 1 bonds more than it claimed: counts 100.
            bond(1, 150, 12, 2_000),
            // Account 2 bonded before its claim (does not count) and 8 days after (does not count).
            bond(2, 50, 5, 500),
            bond(2, 50, 20, 1_000 + WEEK + 1),
        ];
        let r = &by_round(&claims, &bonds, WEEK, 10_000_000)[&1];
        assert_eq!(r.claimed, U256::from(150));
        assert_eq!(r.staked, U256::from(100));
        assert_eq!((r.claims, r.accounts, r.open_windows), (2, 2, 0));
    }

    #[test]
    fn a_bond_counts_once_across_rounds() {
        // Three rounds claimed in one transaction (claimMany), then one bond of 120: rounds 1 and 2
        // take 50 each, round 3 gets the last 20.
        let claims = [
            ClaimEvent {
                at: (10, 0),
                ..claim(1, 1, 50, 10, 1_000)
            },
            ClaimEvent {
                at: (10, 1),
                ..claim(2, 1, 50, 10, 1_000)
            },
            ClaimEvent {
                at: (10, 2),
                ..claim(3, 1, 50, 10, 1_000)
            },
        ];
        let bonds = [bond(1, 120, 11, 1_100)];
        let r = by_round(&claims, &bonds, WEEK, 1_000 + WEEK);
        let staked: Vec<u64> = (1..=3).map(|i| r[&i].staked.to::<u64>()).collect();
        assert_eq!(staked, [50, 50, 20]);
    }

    #[test]
    fn the_recipient_is_who_must_bond_and_open_windows_are_counted() {
        // Account 3 claims to cold wallet 4; the cold wallet bonds, the account does not.
        let claims = [ClaimEvent {
            recipient: a(4),
            ..claim(2, 3, 80, 10, 5_000)
        }];
        let bonds = [bond(3, 80, 11, 5_001), bond(4, 30, 12, 5_002)];
        let r = &by_round(&claims, &bonds, WEEK, 6_000)[&2];
        assert_eq!(r.staked, U256::from(30));
        assert_eq!(r.open_windows, 1);
    }

    #[test]
    fn a_bond_in_the_same_block_counts_only_after_the_claim() {
        let claims = [ClaimEvent {
            at: (10, 5),
            ..claim(1, 1, 10, 10, 1_000)
        }];
        let before = BondEvent {
            at: (10, 4),
            ..bond(1, 10, 10, 1_000)
        };
        assert_eq!(by_round(&claims, &[before], WEEK, 0)[&1].staked, U256::ZERO);
        let after = BondEvent {
            at: (10, 6),
            ..bond(1, 10, 10, 1_000)
        };
        assert_eq!(
            by_round(&claims, &[after], WEEK, 0)[&1].staked,
            U256::from(10)
        );
    }
}
