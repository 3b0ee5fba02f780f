//! The option groups of the chain commands and how a command that changes the chain delivers its
//! calls, in one place (as cast's `EthereumOpts` and `TransactionOpts`): [`ChainOpts`] (which
//! distributor, which RPC) for every chain command, [`SignerOpts`] (wallet, sending) for those that
//! send, [`TxOpts`] both together, flattened once per command; and [`Execution`], the three ways a
//! call leaves podium (sent from our wallet, a Safe Transaction Builder batch, raw calldata).

use std::{
    path::{Path, PathBuf},
    time::{SystemTime, UNIX_EPOCH},
};

use clap::Args;
use podium_chain::{
    Chain, DistributorOpts, RpcOpts, SendOpts, Sender, Wallet, WalletOpts,
    alloy::primitives::Address,
    program::{Target, write_atomic},
    revert::Units,
    safe::{self, SafeTx},
};

/// Which distributor (address or deployment record) and how to reach its chain.
#[derive(Debug, Args)]
pub(crate) struct ChainOpts {
    #[command(flatten)]
    pub(crate) distributor: DistributorOpts,

    #[command(flatten)]
    pub(crate) rpc: RpcOpts,
}

impl ChainOpts {
    /// Connects and checks the chain against the deployment record; `sending` also asks for the
    /// chain to be pinned (a record or --chain) before anything is sent.
    pub(crate) async fn connect(&self, sending: bool) -> eyre::Result<(Chain, Target)> {
        Ok(self.distributor.connect(&self.rpc, sending).await?)
    }
}

/// Who signs (the wallet) and how a transaction is sent (fees, confirmations, retries).
#[derive(Debug, Args)]
pub(crate) struct SignerOpts {
    #[command(flatten)]
    pub(crate) wallet: WalletOpts,

    #[command(flatten)]
    pub(crate) send: SendOpts,
}

impl SignerOpts {
    /// Loads the wallet (key, keystore or account).
    pub(crate) async fn load(&self) -> eyre::Result<Wallet> {
        Ok(self.wallet.load().await?)
    }

    /// A sender for `wallet` that reports progress on stderr and explains reverts in `units`.
    pub(crate) fn sender<'a>(
        &'a self,
        chain: &'a Chain,
        wallet: &'a Wallet,
        units: Units,
    ) -> Sender<'a> {
        Sender::new(chain, wallet, &self.send, |m| eprintln!("{m}")).with_units(units)
    }
}

/// The options of a command that sends to the distributor: which one, where, who signs, how.
#[derive(Debug, Args)]
pub(crate) struct TxOpts {
    #[command(flatten)]
    pub(crate) chain: ChainOpts,

    #[command(flatten)]
    pub(crate) signer: SignerOpts,
}

impl TxOpts {
    /// Connects for sending (the chain must be pinned).
    pub(crate) async fn connect(&self) -> eyre::Result<(Chain, Target)> {
        self.chain.connect(true).await
    }
}

/// How a command's calls leave podium.
#[derive(Debug)]
pub(crate) enum Execution {
    /// Sent from this wallet.
    Wallet(Wallet),
    /// Written as a Safe Transaction Builder batch for `safe` to `out`.
    Safe { safe: Address, out: PathBuf },
    /// Printed as raw calldata for another multisig.
    Calldata,
}

impl Execution {
    /// The way the options ask for: `--safe` (with `--out`), `--calldata`, else the wallet (loaded
    /// now, so a wallet problem is reported before anything else is prepared).
    pub(crate) async fn choose(
        safe: Option<Address>,
        out: Option<&Path>,
        calldata: bool,
        signer: &SignerOpts,
    ) -> eyre::Result<Self> {
        Ok(match (safe, out) {
            (Some(safe), Some(out)) => Self::Safe {
                safe,
                out: out.to_path_buf(),
            },
            _ if calldata => Self::Calldata,
            _ => Self::Wallet(signer.load().await?),
        })
    }

    /// Who executes the calls: the wallet or the Safe; `None` for raw calldata (the caller knows who
    /// will send it).
    pub(crate) fn executor(&self) -> Option<Address> {
        match self {
            Self::Wallet(w) => Some(w.address()),
            Self::Safe { safe, .. } => Some(*safe),
            Self::Calldata => None,
        }
    }
}

/// Writes a Safe Transaction Builder batch of `txs` for `safe` on `chain_id` to `out`, atomically.
pub(crate) fn write_safe_batch(
    chain_id: u64,
    safe: Address,
    out: &Path,
    name: &str,
    description: &str,
    txs: &[SafeTx],
) -> eyre::Result<()> {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let batch = safe::batch(chain_id, safe, name, description, now_ms, txs);
    write_atomic(out, &(serde_json::to_string_pretty(&batch)? + "\n"))?;
    Ok(())
}
