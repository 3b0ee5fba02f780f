//! `podium post`: puts a round's root on-chain, from the committee's wallet, as a Safe Transaction
//! Builder batch, or as raw calldata for any other multisig. Every way runs the same checks first:
//! the file holds together, names this chain and distributor, and the contract would accept the
//! call now (round ended, no pending or valid root, within budget and funding).

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use podium_chain::{
    Sent,
    alloy::{
        primitives::{Address, Bytes, U256},
        sol_types::SolCall,
    },
    bindings::PodiumDistributor,
    distributor::{expect_code, token_info},
    safe::{self, SafeSigners, SafeTx},
    send::{Call, simulate_from},
    time::utc,
};
use podium_core::DistributionFile;

use super::{
    Outcome,
    args::parse_addr,
    post_uri,
    tx::{Execution, TxOpts, write_safe_batch},
};
use crate::output::{addr, print_json, tokens};

/// Post a round's Merkle root: directly, as a Safe batch (--safe), or as raw calldata (--calldata).
#[derive(Debug, Args)]
pub(crate) struct PostArgs {
    /// The round's distribution file, as written by `podium build`.
    #[arg(long, value_name = "FILE")]
    distribution: PathBuf,

    /// Where the distribution file is published, stored on-chain with the root for claimers to
    /// fetch: https://…/round-N.json, http://… (local use) or ipfs://CID/…. An http(s) location is
    /// fetched first and must serve exactly this file (see --skip-uri-check).
    #[arg(long, value_name = "URI", default_value = "")]
    uri: String,

    /// Post an http(s) --uri without fetching it first, for a location that is not online yet.
    #[arg(long)]
    skip_uri_check: bool,

    /// Write a Safe Transaction Builder batch for this Safe (the committee) instead of sending.
    #[arg(
        long,
        value_name = "SAFE_ADDRESS",
        value_parser = parse_addr,
        requires = "out",
        conflicts_with = "calldata"
    )]
    safe: Option<Address>,

    /// Where to write the Safe batch (JSON).
    #[arg(long, value_name = "FILE", requires = "safe")]
    out: Option<PathBuf>,

    /// Print the raw call (target and calldata) for another multisig instead of sending; the checks
    /// run as the committee (or --from).
    #[arg(long)]
    calldata: bool,

    /// Print the result as JSON on stdout.
    #[arg(long)]
    json: bool,

    #[command(flatten)]
    tx: TxOpts,
}

impl PostArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async())
    }

    /// The chain and distributor `file` is for, once it holds together and agrees with
    /// --deployment / --distributor (if given).
    fn target_of(&self, file: &DistributionFile, path: &str) -> eyre::Result<(u64, Address)> {
        if let Some(problem) = file.check()? {
            bail!("{path} does not hold together: {problem}; rebuild it with podium build");
        }
        let chain_id = file.chain_id.ok_or_else(|| {
            eyre!("{path} names no chain id; rebuild it with the chain id so it cannot be posted to the wrong chain")
        })?;
        let distributor = file.distributor.ok_or_else(|| {
            eyre!("{path} names no distributor; rebuild it with the distributor's address")
        })?;
        let opts = &self.tx.chain.distributor;
        if opts.is_given() {
            let target = opts.resolve()?;
            if target.address != distributor {
                bail!(
                    "{path} is for distributor {}, but {} names distributor {}; refusing to post another \
                     program's root",
                    addr(&distributor),
                    if opts.deployment.is_some() {
                        "--deployment"
                    } else {
                        "--distributor"
                    },
                    addr(&target.address)
                );
            }
            if let Some(id) = target.chain_id.filter(|id| *id != chain_id) {
                bail!(
                    "{path} is for chain {chain_id}, but the deployment record is for chain {id}"
                );
            }
        }
        Ok((chain_id, distributor))
    }

    async fn run_async(self) -> eyre::Result<Outcome> {
        let path = self.distribution.display().to_string();
        let location = post_uri::parse(&self.uri)?;
        let file = DistributionFile::read(&self.distribution)?;
        post_uri::check_served(
            location.as_ref(),
            &self.uri,
            self.skip_uri_check,
            &self.distribution,
        )
        .await?;
        let (chain_id, distributor) = self.target_of(&file, &path)?;
        let chain = self.tx.chain.rpc.connect().await?;
        chain.expect_chain_id(chain_id, &format!("from {path}"))?;
        expect_code(&chain, distributor).await?;
        let signers = match self.safe {
            Some(safe) => Some(safe::signers(&chain, safe).await?),
            None => None,
        };
        let d = PodiumDistributor::new(distributor, &chain.provider);
        let token = token_info(&chain, d.TOKEN().call().await?).await?;
        if token.decimals != file.decimals {
            bail!(
                "{path} counts in {} decimals but the token has {}",
                file.decimals,
                token.decimals
            );
        }

        let round = U256::from(file.round);
        let total = file.total.0;
        let data = PodiumDistributor::postRootCall {
            round,
            root: file.root,
            total,
            uri: self.uri.clone(),
        }
        .abi_encode();
        let call = Call::new(
            distributor,
            data.clone(),
            format!("postRoot(round {})", file.round),
        );

        // Who will execute it: the Safe, our wallet, or (for --calldata) the committee or --from.
        let execution = Execution::choose(
            self.safe,
            self.out.as_deref(),
            self.calldata,
            &self.tx.signer,
        )
        .await?;
        let from = match execution.executor() {
            Some(from) => from,
            None => match self.tx.signer.wallet.from {
                Some(from) => from,
                None => d.committee().call().await?,
            },
        };
        simulate_from(&chain, from, &call, &token.units()).await?;

        let report = Report {
            file: &file,
            uri: &self.uri,
            symbol: &token.symbol,
            decimals: token.decimals,
        };
        let posted = match (execution, signers) {
            (Execution::Safe { safe, out }, Some(signers)) => {
                write_batch(
                    chain.chain_id,
                    distributor,
                    &report,
                    safe,
                    &out,
                    data.into(),
                )?;
                Posted::Safe { safe, out, signers }
            }
            (Execution::Safe { .. }, None) => unreachable!("the Safe's signers are read above"),
            (Execution::Calldata, _) => Posted::Calldata {
                chain_id: chain.chain_id,
                to: distributor,
                data: data.into(),
            },
            (Execution::Wallet(wallet), _) => {
                let sent = self
                    .tx
                    .signer
                    .sender(&chain, &wallet, token.units())
                    .send(&call)
                    .await
                    .wrap_err_with(|| format!("posting round {}", file.round))?;
                let state = d.roundState(round).call().await?;
                Posted::Sent {
                    sent: Box::new(sent),
                    valid_at: u64::try_from(state.validAt).unwrap_or(u64::MAX),
                }
            }
        };
        report.print(&posted, self.json)?;
        Ok(Outcome::Success)
    }
}

/// Writes the Safe batch that posts the root of `report`'s file with its uri (`data`, the calldata
/// to `distributor`) for `safe`.
fn write_batch(
    chain_id: u64,
    distributor: Address,
    report: &Report<'_>,
    safe: Address,
    out: &Path,
    data: Bytes,
) -> eyre::Result<()> {
    let file = report.file;
    let total = file.total.0;
    let tx = SafeTx::new(
        distributor,
        safe::distributor_function("postRoot"),
        vec![
            file.round.to_string(),
            file.root.to_string(),
            total.to_string(),
            report.uri.to_owned(),
        ],
        data,
    )?;
    write_safe_batch(
        chain_id,
        safe,
        out,
        &format!("podium: post round {}", file.round),
        &format!(
            "Post the Merkle root of round {} ({} to {} accounts)",
            file.round,
            report.show(total),
            file.claims.0.len()
        ),
        &[tx],
    )
}

/// What `post` did.
enum Posted {
    /// Wrote a Safe batch.
    Safe {
        safe: Address,
        out: PathBuf,
        signers: SafeSigners,
    },
    /// Has the calldata to print.
    Calldata {
        chain_id: u64,
        to: Address,
        data: Bytes,
    },
    /// Sent the call; the root is claimable from `valid_at`.
    Sent { sent: Box<Sent>, valid_at: u64 },
}

/// What the result of `post` is told with.
struct Report<'a> {
    file: &'a DistributionFile,
    uri: &'a str,
    symbol: &'a str,
    decimals: u8,
}

impl Report<'_> {
    fn show(&self, v: U256) -> String {
        format!("{} {}", tokens(v, self.decimals), self.symbol)
    }

    /// Prints `posted` as text or (`json`) one JSON document.
    fn print(&self, posted: &Posted, json: bool) -> eyre::Result<()> {
        let file = self.file;
        let total = file.total.0;
        match posted {
            Posted::Safe { safe, out, signers } if json => print_json(&serde_json::json!({
                "mode": "safe",
                "round": file.round,
                "root": file.root.to_string(),
                "total": total.to_string(),
                "safe": addr(safe),
                "threshold": signers.threshold,
                "owners": signers.owners.iter().map(addr).collect::<Vec<_>>(),
                "batch": out.display().to_string(),
            })),
            Posted::Safe { safe, out, signers } => {
                println!(
                    "wrote {}: a Safe batch for {} that posts round {}'s root {} ({}); import it in the \
                     Safe app's Transaction Builder, where {}",
                    out.display(),
                    addr(safe),
                    file.round,
                    file.root,
                    self.show(total),
                    signers.who_must_sign()
                );
                Ok(())
            }
            Posted::Calldata { chain_id, to, data } if json => print_json(&serde_json::json!({
                "mode": "calldata",
                "chainId": chain_id,
                "to": addr(to),
                "value": "0",
                "data": data.to_string(),
                "function": "postRoot(uint256,bytes32,uint256,string)",
                "round": file.round,
                "root": file.root.to_string(),
                "total": total.to_string(),
                "uri": self.uri,
            })),
            Posted::Calldata { chain_id, to, data } => {
                eprintln!(
                    "call {} on chain {} with value 0 and this calldata (postRoot(round {}, {}, {}, {:?})):",
                    addr(to),
                    chain_id,
                    file.round,
                    file.root,
                    total,
                    self.uri
                );
                println!("{data}");
                Ok(())
            }
            Posted::Sent { sent, valid_at } if json => print_json(&serde_json::json!({
                "mode": "sent",
                "round": file.round,
                "root": file.root.to_string(),
                "total": total.to_string(),
                "tx": sent.hash.to_string(),
                "block": sent.receipt.block_number,
                "validAt": valid_at,
            })),
            Posted::Sent { sent, valid_at } => {
                println!(
                    "posted round {}'s root {} ({} to {} accounts) in tx {}; claimable from {}",
                    file.round,
                    file.root,
                    self.show(total),
                    file.claims.0.len(),
                    sent.hash,
                    utc(*valid_at)
                );
                Ok(())
            }
        }
    }
}
