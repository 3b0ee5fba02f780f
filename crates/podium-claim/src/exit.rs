//! Exit codes and the error type that maps every failure to one of them.
//!
//! Scripts (cron, systemd) read the exit code: it tells "claimed" from "nothing to claim" from each
//! kind of failure, so a wrapper can alert on a failure and stay quiet when there was nothing to do.

use podium_chain::Error as ChainError;

/// What a run ended with, as a process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exit {
    /// 0: the rounds this run found claimable are paid: its transaction was mined (and the stake,
    /// with `--stake`), or someone else claimed them for the account first (the table says who).
    /// Also a clean stop of `--watch` on SIGINT/SIGTERM.
    Claimed,
    /// 1: nothing was claimable: every round is already claimed, still pending, not posted, or does
    /// not pay the account. Nothing was sent. (`--dry-run` exits 0 when something is claimable.)
    NothingToClaim,
    /// 2: bad usage or input: an argument, an unreadable or malformed distribution file, a URL that
    /// could not be fetched, no wallet where one is needed.
    Usage,
    /// 3: at least one round was refused: its file is for another chain or distributor, its root
    /// differs from the chain's, or its amount or proof was altered. Refused rounds are never sent;
    /// the other rounds were still claimed.
    Refused,
    /// 4: the node could not be reached (after retries) or answered with errors.
    Rpc,
    /// 5: the claim transaction failed: it would revert, it reverted, or it was not mined even after
    /// the fee bumps.
    Transaction,
    /// 6: the claim was mined, but staking it (approve + bond) failed.
    Stake,
    /// 7: the wallet could not be loaded (missing keystore, wrong password, wrong --from).
    Wallet,
}

impl Exit {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Self::Claimed => 0,
            Self::NothingToClaim => 1,
            Self::Usage => 2,
            Self::Refused => 3,
            Self::Rpc => 4,
            Self::Transaction => 5,
            Self::Stake => 6,
            Self::Wallet => 7,
        }
    }
}

/// The exit codes as `--help` and the README show them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  claimed: every round found claimable is now paid (by this run's transaction, or by someone
     else who claimed for the account first, which is reported); also --dry-run with something
     to claim, and a clean stop of --watch (Ctrl-C or SIGTERM)
  1  nothing to claim: every round is already claimed, pending, not posted or not paying the
     account; nothing was sent
  2  bad usage or input (arguments, a malformed or unreadable file, a URL that failed)
  3  a round was refused (file for another chain or distributor, root differs from the chain's,
     altered amount or proof); refused rounds are never sent, the others are still claimed
  4  the RPC node could not be reached or kept failing
  5  the claim transaction would revert, reverted, or was not mined after the fee bumps
  6  the claim was mined but staking it (approve + bond) failed
  7  the wallet could not be loaded (keystore, password file, --from)";

/// Everything that ends a run early, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or inputs.
    #[error("{0}")]
    Usage(String),
    /// The node could not be reached or failed.
    #[error("{0}")]
    Rpc(String),
    /// The claim transaction failed.
    #[error("{0}")]
    Transaction(String),
    /// The stake after the claim failed.
    #[error("{0}")]
    Stake(String),
    /// The wallet could not be loaded.
    #[error("{0}")]
    Wallet(String),
}

impl Error {
    /// The exit code this error ends the run with.
    pub fn exit(&self) -> Exit {
        match self {
            Self::Usage(_) => Exit::Usage,
            Self::Rpc(_) => Exit::Rpc,
            Self::Transaction(_) => Exit::Transaction,
            Self::Stake(_) => Exit::Stake,
            Self::Wallet(_) => Exit::Wallet,
        }
    }

    /// Classifies a chain-layer error met while reading or sending a claim.
    pub fn from_chain(err: ChainError) -> Self {
        let text = err.to_string();
        match err {
            ChainError::Rpc { .. } | ChainError::BadRpcUrl { .. } => Self::Rpc(text),
            ChainError::ChainIdMismatch { .. } => Self::Usage(text),
            ChainError::Wallet(_)
            | ChainError::WrongPassword { .. }
            | ChainError::WrongSender { .. }
            | ChainError::File { .. } => Self::Wallet(text),
            _ => Self::Transaction(text),
        }
    }

    /// Whether the node was unreachable: worth waiting and retrying in watch mode or while a
    /// transaction is in flight.
    pub fn is_rpc(&self) -> bool {
        matches!(self, Self::Rpc(_))
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_documented() {
        let all = [
            Exit::Claimed,
            Exit::NothingToClaim,
            Exit::Usage,
            Exit::Refused,
            Exit::Rpc,
            Exit::Transaction,
            Exit::Stake,
            Exit::Wallet,
        ];
        let mut codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        codes.dedup();
        assert_eq!(codes, (0..8).collect::<Vec<u8>>());
        for code in codes {
            assert!(
                EXIT_CODES_HELP.contains(&format!("\n  {code}  ")),
                "exit code {code} is not in the help"
            );
        }
    }

    #[test]
    fn chain_errors_map_to_their_kind() {
        let rpc = ChainError::Rpc {
            url: "http://127.0.0.1:1".into(),
            method: "eth_chainId".into(),
            message: "connection refused".into(),
        };
        assert_eq!(Error::from_chain(rpc).exit(), Exit::Rpc);
        let wallet = ChainError::Wallet("no wallet".into());
        assert_eq!(Error::from_chain(wallet).exit(), Exit::Wallet);
        let revert = ChainError::WouldRevert {
            what: "claimMany".into(),
            reason: "no".into(),
        };
        assert_eq!(Error::from_chain(revert).exit(), Exit::Transaction);
    }
}
