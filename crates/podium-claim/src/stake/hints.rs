//! Pool position hints for `bondWithHint`, computed off-chain the way go-livepeer computes them
//! (`eth/client.go`: `Bond`, `simulateTranscoderPoolUpdate`, `findTranscoderHints`): read the pool
//! in order, move the delegate to its new stake in a copy of the list (a stable sort, largest stake
//! first, the moved member after the members with equal stake), drop the last member when the pool
//! was full and grew, and take the neighbours of the delegate as `(prev, next)`. Zero addresses where
//! it has no neighbour (or is not in the pool after the change). When the caller moves its stake
//! away from an old delegate, the old delegate's new position is simulated the same way.
//!
//! Two deliberate differences from go-livepeer, both about robustness, neither about the result on
//! an ordinary bond: each simulation works on its own copy of the pool (go-livepeer's in-place
//! `append` lets the first simulation disturb the second), and a full pool only drops its last
//! member when the delegate was not already in it (go-livepeer drops one even when the list did not
//! grow, which makes a tail hint wrong; the contract then walks, so only gas differs). A delegator's
//! stake is read as its `bondedAmount` (go-livepeer reads `pendingStake`, which adds unclaimed
//! rewards; the BondingManager double has none).

use podium_chain::{Chain, alloy::primitives::Address};

use super::ILivepeerBondingManager;
use crate::plan::U256;

/// The most pool members read (Livepeer's pool holds 100).
const MAX_POOL: usize = 1_000;

/// A pool member and its total stake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    /// The transcoder.
    pub address: Address,
    /// Its total stake.
    pub stake: U256,
}

/// A position in the pool: the members before (more stake) and after (less stake).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// The member before, or zero.
    pub prev: Address,
    /// The member after, or zero.
    pub next: Address,
}

/// The hints of one bond.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hints {
    /// The old delegate's new position (when the stake moves away from it).
    pub old: Position,
    /// The delegate's new position.
    pub new: Position,
}

/// Where `who` lands when its stake becomes `stake`; see the module documentation.
pub fn simulate(who: Address, stake: U256, pool: &[Member], full: bool) -> Position {
    let mut list: Vec<Member> = pool.iter().copied().filter(|m| m.address != who).collect();
    let was_member = list.len() < pool.len();
    list.push(Member {
        address: who,
        stake,
    });
    // Stable: among equal stakes the moved member stays last, as in go-livepeer.
    list.sort_by_key(|m| std::cmp::Reverse(m.stake));
    if full && !was_member {
        list.pop();
    }
    neighbours(who, &list)
}

/// The members around `who` in `list` (go-livepeer's `findTranscoderHints`).
pub fn neighbours(who: Address, list: &[Member]) -> Position {
    let mut p = Position::default();
    if list.len() < 2 {
        return p;
    }
    if let Some(i) = list.iter().position(|m| m.address == who) {
        if i > 0 {
            p.prev = list[i - 1].address;
        }
        if i + 1 < list.len() {
            p.next = list[i + 1].address;
        }
    }
    p
}

/// Reads the pool and the delegator, and computes the hints for `account` bonding `amount` more
/// to `delegate`.
pub async fn compute(
    chain: &Chain,
    bonding_manager: Address,
    account: Address,
    delegate: Address,
    amount: U256,
) -> Result<Hints, String> {
    let bm = ILivepeerBondingManager::new(bonding_manager, &chain.provider);
    let err = |what: &str, e: podium_chain::alloy::contract::Error| format!("{what}: {e}");
    let max = bm
        .getTranscoderPoolMaxSize()
        .call()
        .await
        .map_err(|e| err("getTranscoderPoolMaxSize()", e))?;
    let mut pool = Vec::new();
    let mut at = bm
        .getFirstTranscoderInPool()
        .call()
        .await
        .map_err(|e| err("getFirstTranscoderInPool()", e))?;
    while !at.is_zero() {
        if pool.len() >= MAX_POOL {
            return Err(format!("the pool has more than {MAX_POOL} members"));
        }
        let stake = bm
            .transcoderTotalStake(at)
            .call()
            .await
            .map_err(|e| err("transcoderTotalStake()", e))?;
        pool.push(Member { address: at, stake });
        at = bm
            .getNextTranscoderInPool(at)
            .call()
            .await
            .map_err(|e| err("getNextTranscoderInPool()", e))?;
    }
    let full = U256::from(pool.len()) == max;
    let me = bm
        .getDelegator(account)
        .call()
        .await
        .map_err(|e| err("getDelegator()", e))?;
    let mut added = amount;
    let mut hints = Hints::default();
    if me.delegateAddress != delegate && !me.delegateAddress.is_zero() {
        // Moving: the whole bond goes to the new delegate, the old one loses it.
        added += me.bondedAmount;
        let old_total = bm
            .transcoderTotalStake(me.delegateAddress)
            .call()
            .await
            .map_err(|e| err("transcoderTotalStake()", e))?;
        hints.old = simulate(
            me.delegateAddress,
            old_total.saturating_sub(me.bondedAmount),
            &pool,
            full,
        );
    }
    let total = bm
        .transcoderTotalStake(delegate)
        .call()
        .await
        .map_err(|e| err("transcoderTotalStake()", e))?;
    hints.new = simulate(delegate, total + added, &pool, full);
    Ok(hints)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> Address {
        Address::repeat_byte(n)
    }

    fn pool(stakes: &[(u8, u64)]) -> Vec<Member> {
        stakes
            .iter()
            .map(|&(n, s)| Member {
                address: a(n),
                stake: U256::from(s),
            })
            .collect()
    }

    #[test]
    fn a_member_moving_up_lands_between_its_new_neighbours() {
        let p = pool(&[(1, 500), (2, 400), (3, 300), (4, 200), (5, 100)]);
        // 5 grows from 100 to 350: between 2 (400) and 3 (300).
        assert_eq!(
            simulate(a(5), U256::from(350), &p, false),
            Position {
                prev: a(2),
                next: a(3)
            }
        );
        // To the top: no prev.
        assert_eq!(
            simulate(a(5), U256::from(900), &p, true),
            Position {
                prev: Address::ZERO,
                next: a(1)
            }
        );
        // Staying last: no next.
        assert_eq!(
            simulate(a(5), U256::from(150), &p, true),
            Position {
                prev: a(4),
                next: Address::ZERO
            }
        );
    }

    #[test]
    fn ties_put_the_moved_member_after_the_equal_ones() {
        let p = pool(&[(1, 500), (2, 300), (3, 100)]);
        assert_eq!(
            simulate(a(3), U256::from(300), &p, false),
            Position {
                prev: a(2),
                next: Address::ZERO
            }
        );
    }

    #[test]
    fn a_newcomer_to_a_full_pool_evicts_the_last_or_stays_out() {
        let p = pool(&[(1, 500), (2, 300), (3, 100)]);
        // More than the last: joins, the last is dropped.
        assert_eq!(
            simulate(a(9), U256::from(200), &p, true),
            Position {
                prev: a(2),
                next: Address::ZERO
            }
        );
        // Not more than the last: stays out, no hints (the contract does not insert it).
        assert_eq!(
            simulate(a(9), U256::from(100), &p, true),
            Position::default()
        );
        // Not full: joins at the end.
        assert_eq!(
            simulate(a(9), U256::from(50), &p, false),
            Position {
                prev: a(3),
                next: Address::ZERO
            }
        );
    }

    #[test]
    fn a_pool_of_one_gives_no_hints() {
        let p = pool(&[(1, 500)]);
        assert_eq!(
            simulate(a(1), U256::from(900), &p, false),
            Position::default()
        );
    }
}
