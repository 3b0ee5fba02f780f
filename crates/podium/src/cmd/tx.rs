//! The option groups of the chain commands and how a command that changes the chain delivers its
//! calls, in one place (as cast's `EthereumOpts` and `TransactionOpts`): [`ChainOpts`] (which
//! distributor, which RPC) for every chain command, [`SignerOpts`] (wallet, sending) for those that
//! send, [`TxOpts`] both together, flattened once per command; [`Execution`], the three ways a
//! call leaves podium (sent from our wallet, a Safe Transaction Builder batch, raw calldata); and
//! [`Delivery`], what left, printed as text or JSON by one emitter for every command that sends.

use std::{
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{SystemTime, UNIX_EPOCH},
};

use clap::Args;
use indicatif::ProgressBar;
use podium_chain::{
    Chain, DistributorOpts, RpcOpts, SendOpts, Sender, Sent, Wallet, WalletOpts,
    alloy::primitives::{Address, Bytes},
    program::{Target, write_atomic},
    revert::Units,
    safe::{self, SafeSigners, SafeTx},
    send::Call,
};
use serde_json::{Map, Value, json};

use crate::output::{Output, addr, print_json};

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

    /// A sender for `wallet` that reports progress on stderr (each line as today, and for a person
    /// at a terminal a spinner while the receipt is awaited) and explains reverts in `units`.
    pub(crate) fn sender<'a>(
        &'a self,
        chain: &'a Chain,
        wallet: &'a Wallet,
        units: Units,
        output: Output,
    ) -> Sending<'a> {
        let waiting = Arc::new(Mutex::new(ProgressBar::hidden()));
        let (told, sent) = (waiting.clone(), waiting.clone());
        let sender = Sender::new(chain, wallet, &self.send, move |m| {
            lock(&told).suspend(|| eprintln!("{m}"));
        })
        .on_sent(move |hash, nonce| {
            lock(&sent).set_message(format!("waiting for the receipt of {hash} (nonce {nonce})"));
        })
        .with_units(units);
        Sending {
            sender,
            waiting,
            output,
        }
    }
}

/// A [`Sender`] that shows a spinner while each call waits for its receipt.
pub(crate) struct Sending<'a> {
    sender: Sender<'a>,
    /// The spinner of the call under way (hidden between calls).
    waiting: Arc<Mutex<ProgressBar>>,
    output: Output,
}

impl<'a> Sending<'a> {
    /// [`Sender::send`], with the spinner drawn from the first hash to the receipt and erased after,
    /// whatever the outcome.
    pub(crate) async fn send(&self, call: &Call) -> podium_chain::Result<Sent> {
        let spinner = self.output.spinner(&format!("sending {}", call.what));
        *lock(&self.waiting) = spinner.clone();
        let sent = self.sender.send(call).await;
        spinner.finish_and_clear();
        *lock(&self.waiting) = ProgressBar::hidden();
        sent
    }
}

impl<'a> std::ops::Deref for Sending<'a> {
    type Target = Sender<'a>;

    fn deref(&self) -> &Sender<'a> {
        &self.sender
    }
}

/// The spinner slot (a panic elsewhere while it was held leaves a bar that is still usable).
fn lock(slot: &Mutex<ProgressBar>) -> std::sync::MutexGuard<'_, ProgressBar> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// What a command that changes the chain delivered, whichever way its calls left podium.
#[derive(Debug)]
pub(crate) enum Delivery {
    /// Sent from our wallet: each transaction under its JSON key (`tx` for a command's one
    /// transaction), `None` for a step that was not needed (an allowance already given).
    Sent(Vec<(&'static str, Option<Box<Sent>>)>),
    /// Wrote a Safe Transaction Builder batch to `out` for the Safe of `signers`.
    Safe { out: PathBuf, signers: SafeSigners },
    /// The call to print for another multisig: `to` with `data` on `chain_id`; `function` is its
    /// signature.
    Calldata {
        chain_id: u64,
        to: Address,
        data: Bytes,
        function: &'static str,
    },
}

/// What a sending command says about its delivery, besides what the [`Delivery`] itself says.
pub(crate) trait Tell {
    /// The command's JSON fields for `delivery`: those printed before the delivery's own fields and
    /// those after (the order scripts and people have seen so far).
    fn fields(&self, delivery: &Delivery) -> (Map<String, Value>, Map<String, Value>);

    /// The text for `delivery`: for a Safe batch, what it does ("posts round 1's root …"); for
    /// calldata, the call in words ("postRoot(round 1, …)"); sent from the wallet, the whole line.
    fn text(&self, delivery: &Delivery) -> String;
}

/// What a command that delivers one way only says: its JSON fields (all before the delivery's)
/// and its text.
pub(crate) struct Told {
    pub(crate) fields: Map<String, Value>,
    pub(crate) text: String,
}

impl Tell for Told {
    fn fields(&self, _: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        (self.fields.clone(), Map::new())
    }

    fn text(&self, _: &Delivery) -> String {
        self.text.clone()
    }
}

impl Delivery {
    /// A wallet delivery of one transaction.
    pub(crate) fn sent(sent: Sent) -> Self {
        Self::Sent(vec![("tx", Some(Box::new(sent)))])
    }

    /// The hash of a one-transaction wallet delivery, for its line of text.
    pub(crate) fn tx_hash(&self) -> String {
        match self {
            Self::Sent(txs) => match txs.as_slice() {
                [(_, Some(sent))] => sent.hash.to_string(),
                _ => unreachable!("a one-transaction command sent its transaction"),
            },
            _ => unreachable!("only a wallet delivery has a transaction"),
        }
    }

    /// The `mode` of the JSON result.
    fn mode(&self) -> &'static str {
        match self {
            Self::Sent(_) => "sent",
            Self::Safe { .. } => "safe",
            Self::Calldata { .. } => "calldata",
        }
    }

    /// The delivery's own JSON fields: the transactions (and, for one, its block), the Safe and
    /// its batch, or the call.
    fn fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        match self {
            Self::Sent(txs) => {
                for (key, sent) in txs {
                    m.insert(
                        (*key).into(),
                        json!(sent.as_ref().map(|s| s.hash.to_string())),
                    );
                }
                // A block belongs to one transaction; a delivery of several names each by its key.
                if let [(_, Some(sent))] = txs.as_slice() {
                    m.insert("block".into(), json!(sent.receipt.block_number));
                }
            }
            Self::Safe { out, signers } => {
                m.insert("safe".into(), json!(addr(&signers.safe)));
                m.insert("threshold".into(), json!(signers.threshold));
                m.insert(
                    "owners".into(),
                    json!(signers.owners.iter().map(addr).collect::<Vec<_>>()),
                );
                m.insert("batch".into(), json!(out.display().to_string()));
            }
            Self::Calldata {
                chain_id,
                to,
                data,
                function,
            } => {
                m.insert("chainId".into(), json!(chain_id));
                m.insert("to".into(), json!(addr(to)));
                m.insert("value".into(), json!("0"));
                m.insert("data".into(), json!(data.to_string()));
                m.insert("function".into(), json!(function));
            }
        }
        m
    }

    /// Prints the delivery with what `tell` says about it: one JSON document (`mode`, the
    /// command's leading fields, the delivery's, the command's trailing fields), or text.
    pub(crate) fn print(&self, tell: &impl Tell, output: Output) -> eyre::Result<()> {
        if output.json() {
            let (lead, trail) = tell.fields(self);
            let mut m = Map::new();
            m.insert("mode".into(), json!(self.mode()));
            m.extend(lead);
            m.extend(self.fields());
            m.extend(trail);
            return print_json(&Value::Object(m));
        }
        let text = tell.text(self);
        match self {
            Self::Sent(_) => println!("{text}"),
            Self::Safe { out, signers } => println!(
                "wrote {}: a Safe batch for {} that {text}; import it in the Safe app's Transaction \
                 Builder, where {}",
                out.display(),
                addr(&signers.safe),
                signers.who_must_sign()
            ),
            Self::Calldata {
                chain_id, to, data, ..
            } => {
                eprintln!(
                    "call {} on chain {chain_id} with value 0 and this calldata ({text}):",
                    addr(to)
                );
                println!("{data}");
            }
        }
        Ok(())
    }
}

/// A JSON object's fields, in order, for [`Tell::fields`].
pub(crate) fn fields<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
