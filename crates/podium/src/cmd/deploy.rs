//! `podium deploy`: deploys the distributor described by a program file and writes the deployment
//! record next to it.

use std::path::PathBuf;

use clap::Args;
use eyre::{WrapErr, bail};
use podium_chain::{
    RpcOpts,
    distributor::token_info,
    program::{DEPLOYMENT_FORMAT, Deployment, DistributorParams, ProgramConfig},
    send::Call,
    time::{duration, utc},
};

use super::{Outcome, tx::SignerOpts};
use crate::output::{Output, addr, print_json, tokens};

/// Deploy a distributor from a program file and record it next to the file.
#[derive(Debug, Args)]
#[command(
    after_help = "The record (PROGRAM.deployment.json) pins the chain and the address for the other \
                        chain commands: pass it to them with --deployment."
)]
pub(crate) struct DeployArgs {
    /// The program file (TOML): chain_id, token, funder, committee, start, round_duration,
    /// round_count, round_budget, root_delay, claim_window.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,

    /// Deploy even if a deployment record already exists next to the program file (it is replaced).
    #[arg(long)]
    force: bool,

    #[command(flatten)]
    rpc: RpcOpts,

    #[command(flatten)]
    signer: SignerOpts,
}

impl DeployArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let config = ProgramConfig::read(&self.config)?;
        let record_path = Deployment::path_for(&self.config);
        if record_path.exists() && !self.force {
            bail!(
                "{} already exists: this program was deployed before. Pass --force to deploy another \
                 distributor and replace the record",
                record_path.display()
            );
        }
        let chain = self.rpc.connect().await?;
        chain.expect_chain_id(
            config.chain_id,
            &format!("chain_id in {}", self.config.display()),
        )?;
        let token = token_info(&chain, config.token).await?;
        let budget = config
            .round_budget
            .to_units(token.decimals)
            .map_err(|e| eyre::eyre!("round_budget: {e}"))?;
        // Deploying is the one sending command on the wallet path only: a Safe Transaction Builder
        // batch and raw calldata are calls *to* an address, and a creation has none (a Safe would
        // need a CreateCall delegatecall, another contract), and the record needs the deployer and
        // the new address from the receipt, which only a send from here has. So no --safe or
        // --calldata, and the record (not a `Delivery`) is what deploy prints.
        let wallet = self.signer.load().await?;

        let t = config.timeline;
        let init_code = DistributorParams {
            token: config.token,
            funder: config.funder,
            committee: config.committee,
            timeline: t,
            round_budget: budget,
        }
        .init_code();
        let sender = self.signer.sender(&chain, &wallet, token.units(), output);
        let sent = sender
            .send(&Call::deploy(init_code, "deploy PodiumDistributor"))
            .await
            .wrap_err("deploying the distributor")?;
        let Some(address) = sent.receipt.contract_address else {
            bail!(
                "transaction {} was mined but created no contract",
                sent.hash
            );
        };
        let record = Deployment {
            format: DEPLOYMENT_FORMAT.into(),
            chain_id: chain.chain_id,
            distributor: address,
            block: sent.receipt.block_number.unwrap_or_default(),
            transaction: sent.hash,
            deployer: wallet.address(),
            token: config.token,
            decimals: token.decimals,
            funder: config.funder,
            committee: config.committee,
            timeline: t,
            round_budget: budget,
        };
        record.write_atomic(&record_path)?;

        if output.json() {
            let mut v = serde_json::to_value(&record)?;
            v["recordPath"] = record_path.display().to_string().into();
            print_json(&v)?;
        } else {
            println!(
                "deployed PodiumDistributor at {} on chain {}",
                addr(&address),
                chain.chain_id
            );
            println!("  transaction    {} (block {})", sent.hash, record.block);
            println!(
                "  token          {} ({})",
                addr(&config.token),
                token.symbol
            );
            println!("  funder         {}", addr(&config.funder));
            println!("  committee      {}", addr(&config.committee));
            println!(
                "  rounds         {} × {} from {} (ends {})",
                t.round_count,
                duration(t.round_duration),
                utc(t.start),
                utc(t.program_end())
            );
            println!(
                "  round budget   {} {}",
                tokens(budget, token.decimals),
                token.symbol
            );
            println!("  root delay     {}", duration(t.root_delay));
            println!(
                "  claim window   {} (claims close {})",
                duration(t.claim_window),
                utc(t.claim_deadline())
            );
            println!("  record         {}", record_path.display());
        }
        Ok(Outcome::Success)
    }
}
