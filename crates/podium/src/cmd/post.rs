//! `podium post`: puts a round's root on-chain, from the committee's wallet, as a Safe Transaction
//! Builder batch, or as raw calldata for any other multisig. Every way runs the same checks first:
//! the file holds together, names this chain and distributor, and the contract would accept the
//! call now (round ended, no pending or valid root, within budget and funding).

use std::{
    path::PathBuf,
    time::{SystemTime, UNIX_EPOCH},
};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use podium_chain::{
    DistributorOpts, RpcOpts, SendOpts, Sender, WalletOpts,
    alloy::{
        primitives::{Address, U256},
        sol_types::SolCall,
    },
    bindings::PodiumDistributor,
    distributor::{expect_code, token_info},
    program::write_atomic,
    safe::{self, SafeTx},
    send::{Call, simulate_from},
    time::utc,
};
use podium_core::DistributionFile;

use super::{Outcome, build::parse_addr};
use crate::output::{addr, print_json, tokens};

/// Post a round's Merkle root: directly, as a Safe batch (--safe), or as raw calldata (--calldata).
#[derive(Debug, Args)]
pub(crate) struct PostArgs {
    /// The round's distribution file, as written by `podium build`.
    #[arg(long, value_name = "FILE")]
    distribution: PathBuf,

    /// Where the distribution file is published (stored on-chain with the root), e.g. ipfs://… or https://….
    #[arg(long, value_name = "URI", default_value = "")]
    uri: String,

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
    distributor: DistributorOpts,

    #[command(flatten)]
    rpc: RpcOpts,

    #[command(flatten)]
    wallet: WalletOpts,

    #[command(flatten)]
    send: SendOpts,
}

impl PostArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async())
    }

    async fn run_async(self) -> eyre::Result<Outcome> {
        let path = self.distribution.display().to_string();
        let file = DistributionFile::read(&self.distribution)?;
        if let Some(problem) = file.check()? {
            bail!("{path} does not hold together: {problem}; rebuild it with podium build");
        }
        let chain_id = file.chain_id.ok_or_else(|| {
            eyre!("{path} names no chain id; rebuild it with the chain id so it cannot be posted to the wrong chain")
        })?;
        let distributor = file.distributor.ok_or_else(|| {
            eyre!("{path} names no distributor; rebuild it with the distributor's address")
        })?;
        if self.distributor.is_given() {
            let target = self.distributor.resolve()?;
            if target.address != distributor {
                bail!(
                    "{path} is for distributor {}, but {} names distributor {}; refusing to post another \
                     program's root",
                    addr(&distributor),
                    if self.distributor.deployment.is_some() {
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
        let chain = self.rpc.connect().await?;
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
        let show = |v: U256| format!("{} {}", tokens(v, token.decimals), token.symbol);

        let round = U256::from(file.round);
        let total = file.total.0;
        let data = PodiumDistributor::postRootCall {
            round,
            root: file.root,
            total,
            uri: self.uri.clone(),
        }
        .abi_encode();
        let what = format!("postRoot(round {})", file.round);
        let call = Call::new(distributor, data.clone(), what.clone());

        // Who will execute it: the Safe, the committee (for --calldata), or our wallet.
        let wallet = if self.safe.is_none() && !self.calldata {
            Some(self.wallet.load().await?)
        } else {
            None
        };
        let from = match (&wallet, self.safe) {
            (Some(w), _) => w.address(),
            (None, Some(safe)) => safe,
            (None, None) => match self.wallet.from {
                Some(from) => from,
                None => d.committee().call().await?,
            },
        };
        simulate_from(&chain, from, &call, &token.units()).await?;

        if let (Some(safe), Some(out), Some(signers)) = (self.safe, &self.out, &signers) {
            let tx = SafeTx::new(
                distributor,
                safe::distributor_function("postRoot"),
                vec![
                    file.round.to_string(),
                    file.root.to_string(),
                    total.to_string(),
                    self.uri.clone(),
                ],
                data.into(),
            )?;
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            let batch = safe::batch(
                chain.chain_id,
                safe,
                &format!("podium: post round {}", file.round),
                &format!(
                    "Post the Merkle root of round {} ({} to {} accounts)",
                    file.round,
                    show(total),
                    file.claims.0.len()
                ),
                now_ms,
                &[tx],
            );
            write_atomic(out, &(serde_json::to_string_pretty(&batch)? + "\n"))?;
            if self.json {
                print_json(&serde_json::json!({
                    "mode": "safe",
                    "round": file.round,
                    "root": file.root.to_string(),
                    "total": total.to_string(),
                    "safe": addr(&safe),
                    "threshold": signers.threshold,
                    "owners": signers.owners.iter().map(addr).collect::<Vec<_>>(),
                    "batch": out.display().to_string(),
                }))?;
            } else {
                println!(
                    "wrote {}: a Safe batch for {} that posts round {}'s root {} ({}); import it in the \
                     Safe app's Transaction Builder, where {}",
                    out.display(),
                    addr(&safe),
                    file.round,
                    file.root,
                    show(total),
                    signers.who_must_sign()
                );
            }
            return Ok(Outcome::Success);
        }
        if self.calldata {
            if self.json {
                print_json(&serde_json::json!({
                    "mode": "calldata",
                    "chainId": chain.chain_id,
                    "to": addr(&distributor),
                    "value": "0",
                    "data": podium_chain::alloy::primitives::Bytes::from(data).to_string(),
                    "function": "postRoot(uint256,bytes32,uint256,string)",
                    "round": file.round,
                    "root": file.root.to_string(),
                    "total": total.to_string(),
                    "uri": self.uri,
                }))?;
            } else {
                eprintln!(
                    "call {} on chain {} with value 0 and this calldata (postRoot(round {}, {}, {}, {:?})):",
                    addr(&distributor),
                    chain.chain_id,
                    file.round,
                    file.root,
                    total,
                    self.uri
                );
                println!("{}", podium_chain::alloy::primitives::Bytes::from(data));
            }
            return Ok(Outcome::Success);
        }

        let wallet = wallet.expect("loaded above");
        let sender = Sender::new(&chain, &wallet, &self.send, |m| eprintln!("{m}"))
            .with_units(token.units());
        let sent = sender
            .send(&call)
            .await
            .wrap_err_with(|| format!("posting round {}", file.round))?;
        let state = d.roundState(round).call().await?;
        let valid_at = u64::try_from(state.validAt).unwrap_or(u64::MAX);
        if self.json {
            print_json(&serde_json::json!({
                "mode": "sent",
                "round": file.round,
                "root": file.root.to_string(),
                "total": total.to_string(),
                "tx": sent.hash.to_string(),
                "block": sent.receipt.block_number,
                "validAt": valid_at,
            }))?;
        } else {
            println!(
                "posted round {}'s root {} ({} to {} accounts) in tx {}; claimable from {}",
                file.round,
                file.root,
                show(total),
                file.claims.0.len(),
                sent.hash,
                utc(valid_at)
            );
        }
        Ok(Outcome::Success)
    }
}
