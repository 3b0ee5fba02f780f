//! Exit codes and the error type that maps every failure to one of them.
//!
//! Scripts (cron, systemd) read the exit code: it tells "claimed" from "nothing to claim" from each
//! kind of failure, so a wrapper can alert on a failure and stay quiet when there was nothing to do.

use podium_chain::Error as ChainError;

/// What a run ended with, as a process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Exit {
    /// 0: the rounds this run found claimable are paid: its transaction was mined (and, with
    /// `--stake`, the claimed tokens are bonded), or someone else claimed them for the account first
    /// (the table says who). Also a clean stop of `--watch` on SIGINT/SIGTERM.
    Claimed,
    /// 1: nothing was claimable: every round is already claimed, still pending, not posted, or does
    /// not pay the account. Nothing was sent. (`--dry-run` exits 0 when something is claimable.)
    NothingToClaim,
    /// 2: bad usage or input: an argument, an unreadable or malformed distribution file, a URL that
    /// could not be fetched, no wallet where one is needed, no configured distributor.
    Usage,
    /// 3: at least one round was refused: its file is for another chain or distributor than the
    /// configured one (or does not say), its root differs from the chain's, or its amount or proof
    /// was altered. Refused rounds are never sent; the other rounds were still claimed.
    Refused,
    /// 4: the node could not be reached: transport failures outlasted the backoff and its deadline.
    Rpc,
    /// 5: the claim transaction failed: it would revert, it reverted, or it was not mined even after
    /// the fee bumps.
    Transaction,
    /// 6: the claim is done, but staking failed and no bond was sent: safe to run again.
    Stake,
    /// 7: the wallet could not be loaded (missing keystore, wrong password, wrong --from).
    Wallet,
    /// 8: the claim is done and a bond was sent but is not mined yet (or its outcome is unknown):
    /// run again later; the next run recognises it and never bonds twice.
    StakePending,
    /// 9: the claim is done, but the BondingManager cannot take the stake now (its round is not
    /// initialized, a registered orchestrator cannot delegate elsewhere, the wallet no longer holds
    /// the tokens); nothing was sent for it.
    StakeNotPossible,
    /// 10: the node refused a request in a way that will not change by asking again (no ETH for
    /// gas, base fee above --max-fee-gwei, nonce too low, replacement underpriced, a refused API key).
    NodeRefused,
    /// 11: an earlier transaction of the wallet is stuck in the pool at a lower nonce and blocks
    /// everything this wallet sends; the message gives the nonce and the command that replaces it.
    NonceBlocked,
    /// 12: the state directory cannot be written; the run stopped before sending anything.
    State,
    /// 13: discovering the rounds, a round's posted file could not be fetched (HTTP error, timeout,
    /// unsupported uri); that round was not claimed, the others were. Run again later.
    Unavailable,
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
            Self::StakePending => 8,
            Self::StakeNotPossible => 9,
            Self::NodeRefused => 10,
            Self::NonceBlocked => 11,
            Self::State => 12,
            Self::Unavailable => 13,
        }
    }
}

/// The exit codes as `--help` and the README show them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  claimed: every round found claimable is now paid (by this run's transaction, or by someone
     else who claimed for the account first, which is reported), and with --stake bonded; also
     --dry-run with something to claim, and a clean stop of --watch (Ctrl-C or SIGTERM)
  1  nothing to claim: every round is already claimed, pending, not posted or not paying the
     account; nothing was sent
  2  bad usage or input (arguments, a malformed or unreadable file, a URL that failed, no
     distributor configured)
  3  a round was refused (file for another chain or distributor than the configured one, or not
     naming them; root differs from the chain's; altered amount or proof); refused rounds are never
     sent, the others are still claimed (also a discovered file that does not verify)
  4  the RPC node could not be reached within the backoff deadline; run again when it is up
  5  the claim transaction would revert, reverted, or was not mined after the fee bumps
  6  the claim is done but staking failed before any bond was sent; run again
  7  the wallet could not be loaded (keystore, password file, --from)
  8  the claim is done and the bond was sent but is not mined yet; run again later (it never
     bonds twice)
  9  the claim is done but the stake is not possible now (round not initialized, a registered
     orchestrator delegating elsewhere, tokens no longer in the wallet); nothing was sent for it
 10  the node refused for good: no ETH for gas, base fee above --max-fee-gwei, nonce too low,
     replacement underpriced; fix the cause, then run again
 11  an earlier transaction of the wallet is stuck at a lower nonce; run again with
     --replace-stuck to replace it (the message gives the nonce)
 12  the state directory cannot be written; nothing was sent
 13  (no file arguments) a round's posted file could not be fetched: HTTP error, timeout or an
     unsupported uri; that round was not claimed, the others were; run again later. A fetched file
     that does not verify is refused (3)";

/// Everything that ends a run early, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad arguments or inputs.
    #[error("{0}")]
    Usage(String),
    /// The node could not be reached.
    #[error("{0}")]
    Rpc(String),
    /// The claim transaction failed.
    #[error("{0}")]
    Transaction(String),
    /// The stake failed; no bond was sent.
    #[error("{0}")]
    Stake(String),
    /// A bond was sent and is not mined (or its outcome is unknown).
    #[error("{0}")]
    StakePending(String),
    /// The stake cannot be made now.
    #[error("{0}")]
    StakeNotPossible(String),
    /// The wallet could not be loaded.
    #[error("{0}")]
    Wallet(String),
    /// The node refused for good.
    #[error("{0}")]
    NodeRefused(String),
    /// A stuck transaction of the wallet blocks sending.
    #[error("{0}")]
    NonceBlocked(String),
    /// The state directory cannot be written.
    #[error("{0}")]
    State(String),
}

impl Error {
    /// The exit code this error ends the run with.
    pub fn exit(&self) -> Exit {
        match self {
            Self::Usage(_) => Exit::Usage,
            Self::Rpc(_) => Exit::Rpc,
            Self::Transaction(_) => Exit::Transaction,
            Self::Stake(_) => Exit::Stake,
            Self::StakePending(_) => Exit::StakePending,
            Self::StakeNotPossible(_) => Exit::StakeNotPossible,
            Self::Wallet(_) => Exit::Wallet,
            Self::NodeRefused(_) => Exit::NodeRefused,
            Self::NonceBlocked(_) => Exit::NonceBlocked,
            Self::State(_) => Exit::State,
        }
    }

    /// Classifies a chain-layer error met while reading a contract the user named (`what`: the
    /// distributor, the BondingManager). podium-chain's `Other` is an answer that says the address
    /// is not that contract (no code, not a distributor, a token without `decimals()`), so a usage
    /// error (2) naming it; the rest map as [`Error::from_chain`] maps them.
    pub fn from_contract_read(what: &str, err: ChainError) -> Self {
        match err {
            ChainError::Other(m) => Self::Usage(format!("{what}: {m}")),
            other => Self::from_chain(other),
        }
    }

    /// Classifies a chain-layer error met while reading or sending a claim.
    pub fn from_chain(err: ChainError) -> Self {
        let text = err.to_string();
        match err {
            ChainError::Rpc { .. } | ChainError::BadRpcUrl { .. } => Self::Rpc(text),
            ChainError::Refused { .. } | ChainError::FeeAboveCap { .. } => Self::NodeRefused(text),
            ChainError::ChainIdMismatch { .. } => Self::Usage(text),
            ChainError::Wallet(_)
            | ChainError::WrongPassword { .. }
            | ChainError::WrongSender { .. }
            | ChainError::File { .. } => Self::Wallet(text),
            _ => Self::Transaction(text),
        }
    }

    /// Whether the node was unreachable (a transport failure, not an answer): worth waiting for,
    /// within a deadline.
    pub fn is_rpc(&self) -> bool {
        matches!(self, Self::Rpc(_))
    }

    /// Whether a `--watch` loop must stop on it: a refusal or state that waiting will not change.
    pub fn is_fatal_in_watch(&self) -> bool {
        matches!(
            self,
            Self::NodeRefused(_)
                | Self::NonceBlocked(_)
                | Self::State(_)
                | Self::Wallet(_)
                | Self::Usage(_)
        )
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
            Exit::StakePending,
            Exit::StakeNotPossible,
            Exit::NodeRefused,
            Exit::NonceBlocked,
            Exit::State,
        ];
        let mut codes: Vec<u8> = all.iter().map(|e| e.code()).collect();
        codes.dedup();
        assert_eq!(codes, (0..13).collect::<Vec<u8>>());
        for code in codes {
            assert!(
                EXIT_CODES_HELP.contains(&format!("\n {code:>2}  ")),
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
        let refused = ChainError::Refused {
            url: "http://127.0.0.1:1".into(),
            method: "eth_sendRawTransaction".into(),
            kind: podium_chain::Refusal::InsufficientFunds,
            message: "insufficient funds for gas * price + value".into(),
        };
        let e = Error::from_chain(refused);
        assert_eq!(e.exit(), Exit::NodeRefused);
        assert!(!e.is_rpc(), "a refusal is not an outage");
    }
}
