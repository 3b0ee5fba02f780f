//! `podium post`: puts a round's root on-chain, from the committee's wallet, as a Safe Transaction
//! Builder batch, or as raw calldata for any other multisig. Every way runs the same checks first:
//! the file holds together, names this chain and distributor, and the contract would accept the
//! call now (round ended, no pending or valid root, within budget and funding).

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use podium_chain::{
    Chain,
    alloy::{
        primitives::{Address, Bytes, U256},
        sol_types::SolCall,
    },
    bindings::PodiumDistributor,
    distributor::{TokenInfo, expect_code, token_info},
    safe::{self, SafeSigners, SafeTx},
    send::{Call, simulate_from},
    time::utc,
};
use podium_core::DistributionFile;
use serde_json::{Map, Value, json};

use super::{
    Outcome,
    args::parse_addr,
    post_uri,
    tx::{Delivery, Execution, Tell, TxOpts, fields, write_safe_batch},
};
use crate::output::{Output, addr, tokens};

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

    #[command(flatten)]
    tx: TxOpts,
}

impl PostArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
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

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
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

        let data = PodiumDistributor::postRootCall {
            round: U256::from(file.round),
            root: file.root,
            total: file.total.0,
            uri: self.uri.clone(),
        }
        .abi_encode();
        let call = Call::new(distributor, data, format!("postRoot(round {})", file.round));

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

        let mut report = Report {
            file: &file,
            uri: &self.uri,
            token: &token,
            valid_at: 0,
        };
        let delivery = self
            .deliver(&chain, execution, signers, &call, &mut report, output)
            .await?;
        delivery.print(&report, output)?;
        Ok(Outcome::Success)
    }

    /// Delivers the checked `call` (postRoot on the distributor) the way `execution` says: sends it
    /// (and reads when the root becomes claimable into `report`), writes the Safe batch for the
    /// Safe of `signers`, or hands back the calldata.
    async fn deliver(
        &self,
        chain: &Chain,
        execution: Execution,
        signers: Option<SafeSigners>,
        call: &Call,
        report: &mut Report<'_>,
        output: Output,
    ) -> eyre::Result<Delivery> {
        let distributor = call.to.expect("postRoot is a call of the distributor");
        let round = report.file.round;
        Ok(match execution {
            Execution::Safe { safe, out } => {
                let Some(signers) = signers else {
                    unreachable!("the Safe's signers are read before the checks")
                };
                write_batch(
                    chain.chain_id,
                    distributor,
                    report,
                    safe,
                    &out,
                    call.data.clone(),
                )?;
                Delivery::Safe { out, signers }
            }
            Execution::Calldata => Delivery::Calldata {
                chain_id: chain.chain_id,
                to: distributor,
                data: call.data.clone(),
                function: "postRoot(uint256,bytes32,uint256,string)",
            },
            Execution::Wallet(wallet) => {
                let sent = self
                    .tx
                    .signer
                    .sender(chain, &wallet, report.token.units(), output)
                    .send(call)
                    .await
                    .wrap_err_with(|| format!("posting round {round}"))?;
                let state = PodiumDistributor::new(distributor, &chain.provider)
                    .roundState(U256::from(round))
                    .call()
                    .await?;
                report.valid_at = u64::try_from(state.validAt).unwrap_or(u64::MAX);
                Delivery::sent(sent)
            }
        })
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

/// What the result of `post` is told with.
struct Report<'a> {
    file: &'a DistributionFile,
    uri: &'a str,
    token: &'a TokenInfo,
    /// When a root sent from the wallet becomes claimable.
    valid_at: u64,
}

impl Report<'_> {
    fn show(&self, v: U256) -> String {
        format!("{} {}", tokens(v, self.token.decimals), self.token.symbol)
    }
}

impl Tell for Report<'_> {
    fn fields(&self, delivery: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        let file = self.file;
        let root = fields([
            ("round", json!(file.round)),
            ("root", json!(file.root.to_string())),
            ("total", json!(file.total.0.to_string())),
        ]);
        match delivery {
            Delivery::Safe { .. } => (root, Map::new()),
            Delivery::Calldata { .. } => {
                let mut trail = root;
                trail.insert("uri".into(), json!(self.uri));
                (Map::new(), trail)
            }
            Delivery::Sent(_) => (root, fields([("validAt", json!(self.valid_at))])),
        }
    }

    fn text(&self, delivery: &Delivery) -> String {
        let file = self.file;
        let total = file.total.0;
        match delivery {
            Delivery::Safe { .. } => format!(
                "posts round {}'s root {} ({})",
                file.round,
                file.root,
                self.show(total)
            ),
            Delivery::Calldata { .. } => format!(
                "postRoot(round {}, {}, {}, {:?})",
                file.round, file.root, total, self.uri
            ),
            Delivery::Sent(_) => format!(
                "posted round {}'s root {} ({} to {} accounts) in tx {}; claimable from {}",
                file.round,
                file.root,
                self.show(total),
                file.claims.0.len(),
                delivery.tx_hash(),
                utc(self.valid_at)
            ),
        }
    }
}
