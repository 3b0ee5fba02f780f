//! What the report says about how it counts: the same words in every view (the JSON's `notes` and
//! `stakeMethod`, the notes under the tables, the page's method section).

/// What the report says about how it counts, in its JSON and on its page.
pub(crate) const NOTES: [&str; 4] = [
    "Newly registered (on chain): orchestrators whose first TranscoderUpdate or TranscoderActivated \
     event on the BondingManager, read from its deployment block (or --registrations-from-block), \
     falls in the round's window (by block time); an orchestrator that registered before the \
     program, or that updates its terms again, is not counted again. Unavailable without --rpc-url \
     or a BondingManager. First seen in the scores (the second figure): in the round's scores (any \
     region) and in no earlier round's; in round 1 everyone scored is.",
    "Met the threshold: scored at least the region's threshold and not excluded by the rules; an \
     orchestrator counts once overall however many regions it met it in.",
    "Top 5: the five best scores in the region among everyone on the leaderboard, excluded accounts \
     included and flagged.",
    "Paid per region: what the region's split gave, less the part of the per-account cap (or minimum \
     payout) attributed to the region in proportion to what the account earned there; the regions add \
     up to the round's total to the wei. Unallocated per region: the pool less what it paid.",
];

/// How staking within a week of a claim is measured, and its limits.
pub(crate) const STAKE_METHOD: &str = "Staked within 7 days: for each claim (a Claimed event), the \
    BondingManager's Bond events whose delegator is the address that received the tokens, made after \
    the claim and at most 7 days later, count up to the claimed amount; each bond counts once, for \
    the earliest claims first. Limits: tokens are fungible, so bonding other tokens held counts too; \
    stake bonded by another address is not seen; unbonding within the week is not subtracted; a claim \
    whose week has not ended may still gain stake.";
