//! `podium proof`: one account's claim from a distribution file.

use std::path::PathBuf;

use alloy_primitives::Address;
use clap::Args;
use eyre::{WrapErr, ensure};
use podium_core::{DistributionFile, Leaf, StandardTree};
use serde_json::json;

use super::{Outcome, args::parse_addr};
use crate::output::{Output, addr, print_json, tokens};

/// Print an account's amount and Merkle proof in a round (exit 1 when it has no claim).
#[derive(Debug, Args)]
pub(crate) struct ProofArgs {
    /// The distribution file.
    #[arg(long, value_name = "FILE")]
    distribution: PathBuf,
    /// The account (any case).
    #[arg(long, value_name = "ADDR", value_parser = parse_addr)]
    account: Address,
}

impl ProofArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        let file =
            DistributionFile::read(&self.distribution).wrap_err("reading the distribution file")?;
        let Some(claim) = file.claim(&self.account) else {
            if output.json() {
                print_json(
                    &json!({ "round": file.round, "account": addr(&self.account), "claim": null }),
                )?;
            } else {
                println!(
                    "{} has no claim in round {}",
                    addr(&self.account),
                    file.round
                );
            }
            return Ok(Outcome::No);
        };
        let leaf = Leaf {
            round: file.round,
            index: claim.index,
            account: self.account,
            amount: claim.amount.0,
        };
        // A proof that does not lead to the file's root would only fail on-chain: say so here.
        ensure!(
            StandardTree::verify(file.root, &leaf, &claim.proof),
            "{}: the proof of {} does not lead to the root {}; run podium verify",
            self.distribution.display(),
            addr(&self.account),
            file.root
        );
        if output.json() {
            print_json(&json!({
                "chainId": file.chain_id,
                "distributor": file.distributor.map(|a| addr(&a)),
                "round": file.round,
                "index": claim.index,
                "account": addr(&self.account),
                "amount": claim.amount.0.to_string(),
                "proof": claim.proof,
                "root": file.root,
            }))?;
        } else {
            println!("round    {}", file.round);
            println!("index    {}", claim.index);
            println!("account  {}", addr(&self.account));
            println!(
                "amount   {} ({} base units)",
                tokens(claim.amount.0, file.decimals),
                claim.amount.0
            );
            println!("root     {}", file.root);
            println!("proof");
            for node in &claim.proof {
                println!("  {node}");
            }
        }
        Ok(Outcome::Success)
    }
}
