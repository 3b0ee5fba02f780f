//! The chain layer's error type. Messages are written for the person at the terminal: they say what
//! failed, with which file, address or round, and never contain a key, a password or keystore content.

use std::path::PathBuf;

use alloy::primitives::{Address, TxHash};

/// Everything that can go wrong talking to a chain, loading a wallet or sending a transaction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The RPC URL does not parse or uses a scheme we do not speak.
    #[error("invalid RPC URL {url:?}: {reason}")]
    BadRpcUrl {
        /// The URL as given, with any credentials or path removed.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// A JSON-RPC request failed (after the retries, when the failure was transient).
    #[error("RPC request {method} to {url} failed: {message}")]
    Rpc {
        /// The endpoint, with any API key in its path or credentials removed.
        url: String,
        /// The JSON-RPC method, or what we were doing.
        method: String,
        /// What went wrong.
        message: String,
    },
    /// The node answered a request with an error that asking again will not change (no ETH for
    /// gas, a fee below the base fee, a used nonce, an underpriced replacement, a log range wider
    /// than the provider serves, a refused API key): unlike [`Error::Rpc`], the node is up.
    #[error("the node {url} refused {method}: {message} ({})", kind.hint())]
    Refused {
        /// The endpoint, with any API key in its path or credentials removed.
        url: String,
        /// The JSON-RPC method, or what we were doing.
        method: String,
        /// What kind of refusal it is.
        kind: Refusal,
        /// The node's words.
        message: String,
    },
    /// Sending would need a max fee above the `--max-fee-gwei` cap (the chain's base fee, or what
    /// replacing a pending transaction takes): nothing was sent.
    #[error(
        "{what} was not sent: it needs a max fee of {needed_gwei:.3} gwei ({why}), above \
         --max-fee-gwei {cap_gwei:.3}; raise the cap or wait for fees to fall"
    )]
    FeeAboveCap {
        /// The call.
        what: String,
        /// Why that much: "the chain's base fee" or "to replace the pending transaction".
        why: String,
        /// The fee needed, in gwei.
        needed_gwei: f64,
        /// The cap, in gwei.
        cap_gwei: f64,
    },
    /// The node is on another chain than the one expected.
    #[error(
        "the node at {url} is on chain {actual}, but chain {expected} was expected ({context})"
    )]
    ChainIdMismatch {
        /// The endpoint.
        url: String,
        /// The chain id we were told to expect.
        expected: u64,
        /// The node's chain id.
        actual: u64,
        /// Where the expectation came from.
        context: String,
    },
    /// A wallet could not be loaded. The message never contains a key or password.
    #[error("{0}")]
    Wallet(String),
    /// The keystore password does not decrypt the keystore.
    #[error(
        "wrong password for keystore {path} (the password does not decrypt it; check --password-file)"
    )]
    WrongPassword {
        /// The keystore file.
        path: PathBuf,
    },
    /// The loaded key is not the account that was asked for.
    #[error("the wallet's address is {actual}, but --from asked for {expected}")]
    WrongSender {
        /// The account asked for.
        expected: Address,
        /// The account the key controls.
        actual: Address,
    },
    /// A call or transaction would revert; nothing was sent.
    #[error("{what} would revert, so nothing was sent: {reason}")]
    WouldRevert {
        /// The call, e.g. `postRoot(round 2)`.
        what: String,
        /// The decoded reason.
        reason: String,
    },
    /// A transaction was mined but reverted.
    #[error("{what} was mined in transaction {hash} but reverted")]
    Reverted {
        /// The call.
        what: String,
        /// The transaction.
        hash: TxHash,
    },
    /// No transaction of the nonce was mined in time, even after the replacements allowed.
    #[error(
        "{what} was not mined within the receipt timeout after {replacements} fee bump(s); sent as {}. \
         It may still be mined: check the hashes before sending again",
        hashes.iter().map(|h| h.to_string()).collect::<Vec<_>>().join(", ")
    )]
    NotMined {
        /// The call.
        what: String,
        /// Every hash sent for this nonce, first to last.
        hashes: Vec<TxHash>,
        /// How many replacements were sent.
        replacements: u32,
    },
    /// Another transaction took the nonce (e.g. sent from another tool with the same key).
    #[error(
        "nonce {nonce} of {from} was used by another transaction while {what} was waiting; check the account's history"
    )]
    NonceTaken {
        /// The call.
        what: String,
        /// The sender.
        from: Address,
        /// The nonce.
        nonce: u64,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// Anything else, already phrased for the user.
    #[error("{0}")]
    Other(String),
}

/// What kind of refusal a node's error reply is (see [`Error::Refused`]); read from the reply's
/// words, which geth, anvil, Arbitrum's nitro and the big providers share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The wallet cannot pay for gas (and value).
    InsufficientFunds,
    /// The offered fee is below what the chain asks now.
    FeeTooLow,
    /// The nonce was used already.
    NonceTooLow,
    /// A pending transaction holds the nonce and the new one does not pay enough more to replace it.
    ReplacementUnderpriced,
    /// The provider serves narrower log ranges (or fewer results) than asked for.
    RangeLimited,
    /// Any other error reply.
    Other,
}

impl Refusal {
    /// Reads the kind from a node's error message.
    pub fn of_message(message: &str) -> Self {
        let m = message.to_ascii_lowercase();
        let any = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
        if any(&["insufficient funds"]) {
            Self::InsufficientFunds
        } else if any(&[
            "replacement transaction underpriced",
            "replacement underpriced",
        ]) {
            Self::ReplacementUnderpriced
        } else if any(&["nonce too low", "nonce has already been used"]) {
            Self::NonceTooLow
        } else if any(&[
            "max fee per gas less than block base fee",
            "fee cap less than block base fee",
            "feecap",
            "fee cap",
            "transaction underpriced",
            "gas price too low",
        ]) {
            Self::FeeTooLow
        } else if any(&[
            "block range",
            "range too large",
            "range is too large",
            "more than 10000 results",
            "query returned more than",
            "response size exceeded",
            "too many blocks",
            "exceed maximum block range",
            "logs matched by query exceeds",
        ]) {
            Self::RangeLimited
        } else {
            Self::Other
        }
    }

    /// What the person at the terminal should know about it.
    pub fn hint(self) -> &'static str {
        match self {
            Self::InsufficientFunds => {
                "the wallet has too little ETH to pay for gas; add some and run again"
            }
            Self::FeeTooLow => "the fee offered is below what the chain asks now",
            Self::NonceTooLow => "another transaction of this wallet used the nonce",
            Self::ReplacementUnderpriced => {
                "a pending transaction of this wallet holds the nonce and the new fees are not enough \
                 higher to replace it"
            }
            Self::RangeLimited => {
                "the provider limits how many blocks or logs one request may cover"
            }
            Self::Other => "asking again will not change the answer",
        }
    }
}

/// The chain layer's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
