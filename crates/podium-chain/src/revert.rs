//! Revert data decoded into sentences a committee member can act on, e.g.
//! "round 2 has not ended: it ends at 2026-12-01 00:00 UTC".

use alloy::{
    primitives::{U256, utils::format_units},
    sol_types::{Panic, Revert, SolError, SolInterface},
};

use crate::{
    bindings::{PodiumDistributor::PodiumDistributorErrors as D, TestToken::TestTokenErrors as T},
    time::{duration, utc},
};

/// How token amounts are shown: the token's decimals and symbol.
#[derive(Debug, Clone)]
pub struct Units {
    /// The token's decimals (18 for LPT).
    pub decimals: u8,
    /// The token's symbol, e.g. `LPT`.
    pub symbol: String,
}

impl Default for Units {
    fn default() -> Self {
        Self {
            decimals: 18,
            symbol: "tokens".into(),
        }
    }
}

impl Units {
    /// `amount` in whole tokens with the symbol, e.g. `7000 LPT`, `0.5 LPT`.
    pub fn fmt(&self, amount: U256) -> String {
        format!("{} {}", self.plain(amount), self.symbol)
    }

    /// `amount` in whole tokens without the symbol and without trailing zeros.
    pub fn plain(&self, amount: U256) -> String {
        let text = format_units(amount, self.decimals).unwrap_or_else(|_| amount.to_string());
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        }
    }
}

fn ts(value: U256) -> String {
    u64::try_from(value)
        .map(utc)
        .unwrap_or_else(|_| format!("timestamp {value}"))
}

fn secs(value: U256) -> String {
    u64::try_from(value)
        .map(duration)
        .unwrap_or_else(|_| format!("{value} s"))
}

/// Explains revert data from any podium contract, the token, or a plain `require`.
pub fn describe(data: &[u8], units: &Units) -> String {
    if data.is_empty() {
        return "the call reverted without a reason".into();
    }
    if let Ok(err) = D::abi_decode(data) {
        return distributor(err, units);
    }
    if let Ok(err) = T::abi_decode(data) {
        return token(err, units);
    }
    if let Ok(revert) = Revert::abi_decode(data) {
        return format!("reverted: {}", revert.reason);
    }
    if let Ok(panic) = Panic::abi_decode(data) {
        return format!("the contract panicked ({panic})");
    }
    format!("reverted with an unknown error 0x{}", hex::encode(data))
}

fn distributor(err: D, u: &Units) -> String {
    match err {
        D::RoundNotEnded(e) => format!(
            "round {} has not ended: it ends at {}",
            e.round,
            ts(e.endsAt)
        ),
        D::RoundOutOfRange(e) => {
            format!(
                "round {} does not exist: the program has rounds 1 to {}",
                e.round, e.roundCount
            )
        }
        D::PostingClosed(e) => {
            format!(
                "posting closed at {} (the claim deadline)",
                ts(e.postingDeadline)
            )
        }
        D::RootAlreadyPosted(e) => format!(
            "round {} already has root {} (valid from {}); only a pending root can be revoked and replaced",
            e.round,
            e.root,
            ts(e.validAt)
        ),
        D::TotalExceedsBudget(e) => format!(
            "the total {} for round {} is above the round budget of {}",
            u.fmt(e.total),
            e.round,
            u.fmt(e.budget)
        ),
        D::RootTotalMismatch(e) => format!(
            "root {} with total {}: an empty round is posted with a zero root and a zero total, any other \
             round with both non-zero",
            e.root,
            u.fmt(e.total)
        ),
        D::InsufficientFunding(e) => format!(
            "the contract cannot pay round {}: its total is {} but only {} of the funding is not yet \
             allocated; fund the contract first (podium fund)",
            e.round,
            u.fmt(e.total),
            u.fmt(e.available)
        ),
        D::NoRoot(e) => format!("round {} has no root to revoke", e.round),
        D::RootNotPending(e) => format!(
            "round {}'s root became valid at {} and can no longer be revoked",
            e.round,
            ts(e.validAt)
        ),
        D::RootNotValid(e) if e.validAt.is_zero() => format!("round {} has no root yet", e.round),
        D::RootNotValid(e) => {
            format!(
                "round {}'s root can be claimed only from {}",
                e.round,
                ts(e.validAt)
            )
        }
        D::ClaimDeadlinePassed(e) => format!("claims closed at {}", ts(e.claimDeadline)),
        D::InvalidProof(e) => format!(
            "the proof does not prove leaf {} of round {} ({} gets {})",
            e.index,
            e.round,
            e.account,
            u.fmt(e.amount)
        ),
        D::AlreadyClaimed(e) => {
            format!(
                "leaf {} of round {} has already been claimed",
                e.index, e.round
            )
        }
        D::RoundTotalExceeded(e) => format!(
            "round {} cannot pay {}: only {} of its posted total is left (its tree pays more than its total; \
             the round pays claims first come, first served up to the total)",
            e.round,
            u.fmt(e.asked),
            u.fmt(e.left)
        ),
        D::EmptyClaims(_) => "the batch holds no claims".into(),
        D::ZeroAmount(_) => "the amount is zero (or the token transfer delivered nothing)".into(),
        D::FundingClosed(e) => format!(
            "funding closed at {}; tokens sent now could only be swept back",
            ts(e.postingDeadline)
        ),
        D::ProgramNotEnded(e) => {
            format!(
                "nothing can be swept before the program ends at {}",
                ts(e.programEnd)
            )
        }
        D::RoundNotFinal(e) => format!(
            "round {} has no valid root yet, so the unallocated funding is not final; sweep once every \
             round's root is valid, or after the claim deadline",
            e.round
        ),
        D::NothingToSweep(_) => "there is nothing to sweep".into(),
        D::NotCommittee(e) => format!("{} is not the committee", e.caller),
        D::NotCommitteeOrFunder(e) => {
            format!("{} is neither the committee nor the funder", e.caller)
        }
        D::NotPendingCommittee(e) => format!("{} is not the proposed committee", e.caller),
        D::ZeroAddressToken(_) => "the token address is zero".into(),
        D::ZeroAddressFunder(_) => "the funder address is zero".into(),
        D::ZeroAddressCommittee(_) => "the committee address is zero".into(),
        D::ZeroAddressRecipient(_) => "the recipient address is zero".into(),
        D::ZeroDuration(_) => "the round duration is zero".into(),
        D::ZeroRoundCount(_) => "the round count is zero".into(),
        D::ZeroBudget(_) => "the round budget is zero".into(),
        D::TooManyRounds(e) => format!(
            "{} rounds is more than the {} supported",
            e.roundCount, e.max
        ),
        D::BudgetTooLarge(e) => {
            format!(
                "the round budget {} is above the most a round can hold ({})",
                u.fmt(e.budget),
                u.fmt(e.max)
            )
        }
        D::StartInPast(e) => format!(
            "the program start {} is in the past (the chain's time is {})",
            ts(e.start),
            ts(e.nowTs)
        ),
        D::ClaimWindowTooShort(e) => format!(
            "the claim window ({}) must be longer than the root delay ({})",
            secs(e.claimWindow),
            secs(e.rootDelay)
        ),
        D::TimelineTooLong(e) => format!(
            "the program's claim deadline ({}) is beyond what the contract can store",
            ts(e.claimDeadline)
        ),
        D::SafeERC20FailedOperation(e) => format!("the token {} refused the transfer", e.token),
        D::ReentrancyGuardReentrantCall(_) => "a reentrant call was refused".into(),
    }
}

fn token(err: T, u: &Units) -> String {
    match err {
        T::ERC20InsufficientAllowance(e) => format!(
            "the token allowance for {} is {} but {} is needed: approve it first",
            e.spender,
            u.fmt(e.allowance),
            u.fmt(e.needed)
        ),
        T::ERC20InsufficientBalance(e) => format!(
            "{} holds {} of the token but {} is needed",
            e.sender,
            u.fmt(e.balance),
            u.fmt(e.needed)
        ),
        T::ERC20InvalidApprover(e) => format!("the token refuses approver {}", e.approver),
        T::ERC20InvalidReceiver(e) => format!("the token refuses receiver {}", e.receiver),
        T::ERC20InvalidSender(e) => format!("the token refuses sender {}", e.sender),
        T::ERC20InvalidSpender(e) => format!("the token refuses spender {}", e.spender),
    }
}

/// The selector of an error by name, for tests and messages.
pub fn selector_of<E: SolError>() -> [u8; 4] {
    E::SELECTOR
}

#[cfg(test)]
mod tests {
    use alloy::{primitives::U256, sol_types::SolError};

    use super::*;
    use crate::bindings::PodiumDistributor;

    #[test]
    fn explains_round_not_ended_in_words() {
        let data = PodiumDistributor::RoundNotEnded {
            round: U256::from(2),
            endsAt: U256::from(1_796_083_200u64),
        }
        .abi_encode();
        assert_eq!(
            describe(&data, &Units::default()),
            "round 2 has not ended: it ends at 2026-12-01 00:00 UTC"
        );
    }

    #[test]
    fn shows_amounts_in_tokens() {
        let units = Units {
            decimals: 18,
            symbol: "LPT".into(),
        };
        let data = PodiumDistributor::InsufficientFunding {
            round: U256::from(1),
            total: U256::from(7_000u64) * U256::from(10u64).pow(U256::from(18)),
            available: U256::from(5u64) * U256::from(10u64).pow(U256::from(17)),
        }
        .abi_encode();
        let text = describe(&data, &units);
        assert!(
            text.contains("its total is 7000 LPT but only 0.5 LPT"),
            "{text}"
        );
    }

    #[test]
    fn falls_back_to_strings_panics_and_raw_data() {
        let units = Units::default();
        assert_eq!(
            describe(&Revert::from("nope").abi_encode(), &units),
            "reverted: nope"
        );
        assert!(describe(&Panic::from(0x11).abi_encode(), &units).contains("panicked"));
        assert_eq!(
            describe(&[0xde, 0xad, 0xbe, 0xef], &units),
            "reverted with an unknown error 0xdeadbeef"
        );
        assert_eq!(describe(&[], &units), "the call reverted without a reason");
    }
}
