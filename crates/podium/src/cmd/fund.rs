//! `podium fund`: funds the distributor with the program's budget the way the contract counts
//! funding (approve, then `fund(amount)`; a plain transfer would not count), from a wallet or as a
//! Safe batch.

use std::{
    path::PathBuf,
    time::{SystemTime, UNIX_EPOCH},
};

use clap::Args;
use eyre::{WrapErr, bail};
use podium_chain::{
    DistributorOpts, RpcOpts, SendOpts, Sender, WalletOpts,
    alloy::{
        primitives::{Address, U256},
        sol_types::SolCall,
    },
    bindings::{IERC20, PodiumDistributor},
    distributor::{TokenInfo, token_info},
    program::write_atomic,
    safe::{self, SafeTx},
    send::{Call, simulate_from},
};
use podium_core::TokenAmount;

use super::{Outcome, build::parse_addr};
use crate::output::{addr, print_json, tokens};

/// Fund the distributor: approve and fund(amount), from a wallet or as a Safe batch.
#[derive(Debug, Args)]
pub(crate) struct FundArgs {
    /// How much to fund, in whole tokens (e.g. 21000). Default: what the program still lacks,
    /// round count × round budget minus what was already funded.
    #[arg(long, value_name = "TOKENS")]
    amount: Option<String>,

    /// Write a Safe Transaction Builder batch (approve + fund) for this Safe instead of sending.
    #[arg(long, value_name = "SAFE_ADDRESS", value_parser = parse_addr, requires = "out")]
    safe: Option<Address>,

    /// Where to write the Safe batch (JSON).
    #[arg(long, value_name = "FILE", requires = "safe")]
    out: Option<PathBuf>,

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

impl FundArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async())
    }

    async fn run_async(self) -> eyre::Result<Outcome> {
        let (chain, target) = self.distributor.connect(&self.rpc, true).await?;
        let d = PodiumDistributor::new(target.address, &chain.provider);
        let token_address = d.TOKEN().call().await?;
        let token = token_info(&chain, token_address).await?;
        let budget = d.ROUND_BUDGET().call().await?;
        let count = d.ROUND_COUNT().call().await?;
        let funded = d.totalFunded().call().await?;
        let program = budget * count;
        let amount = match &self.amount {
            Some(text) => {
                TokenAmount::parse(text, token.decimals)
                    .wrap_err("--amount")?
                    .units
            }
            None => {
                if funded >= program {
                    bail!(
                        "the program is fully funded already ({} of {} {}); pass --amount to add more",
                        tokens(funded, token.decimals),
                        tokens(program, token.decimals),
                        token.symbol
                    );
                }
                program - funded
            }
        };
        if amount.is_zero() {
            bail!("--amount is zero");
        }
        let approve = IERC20::approveCall {
            spender: target.address,
            amount,
        }
        .abi_encode();
        let fund = PodiumDistributor::fundCall { amount }.abi_encode();
        let show = |v: U256| format!("{} {}", tokens(v, token.decimals), token.symbol);

        if let (Some(safe), Some(out)) = (self.safe, &self.out) {
            let signers = safe::signers(&chain, safe).await?;
            let balance = IERC20::new(token_address, &chain.provider)
                .balanceOf(safe)
                .call()
                .await?;
            if balance < amount {
                eprintln!(
                    "warning: the Safe {} holds {} but the batch funds {}; it will fail until the Safe holds enough",
                    addr(&safe),
                    show(balance),
                    show(amount)
                );
            }
            let approve_call = Call::new(token_address, approve.clone(), "approve");
            simulate_from(&chain, safe, &approve_call, &token.units()).await?;
            let txs = [
                SafeTx::new(
                    token_address,
                    safe::erc20_function("approve"),
                    vec![addr(&target.address), amount.to_string()],
                    approve.into(),
                )?,
                SafeTx::new(
                    target.address,
                    safe::distributor_function("fund"),
                    vec![amount.to_string()],
                    fund.into(),
                )?,
            ];
            let now_ms = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            let batch = safe::batch(
                chain.chain_id,
                safe,
                "podium: fund the distributor",
                &format!(
                    "Approve and fund {} to distributor {}",
                    show(amount),
                    addr(&target.address)
                ),
                now_ms,
                &txs,
            );
            write_atomic(out, &(serde_json::to_string_pretty(&batch)? + "\n"))?;
            if self.json {
                print_json(&serde_json::json!({
                    "mode": "safe",
                    "safe": addr(&safe),
                    "threshold": signers.threshold,
                    "owners": signers.owners.iter().map(addr).collect::<Vec<_>>(),
                    "batch": out.display().to_string(),
                    "distributor": addr(&target.address),
                    "amount": amount.to_string(),
                }))?;
            } else {
                println!(
                    "wrote {}: a Safe batch for {} that approves and funds {}; import it in the Safe app's \
                     Transaction Builder, where {}",
                    out.display(),
                    addr(&safe),
                    show(amount),
                    signers.who_must_sign()
                );
            }
            return Ok(Outcome::Success);
        }

        let wallet = self.wallet.load().await?;
        let from = wallet.address();
        let erc20 = IERC20::new(token_address, &chain.provider);
        let balance = erc20.balanceOf(from).call().await?;
        if balance < amount {
            bail!(
                "{} holds {} but funding needs {}",
                addr(&from),
                show(balance),
                show(amount)
            );
        }
        let sender = Sender::new(&chain, &wallet, &self.send, |m| eprintln!("{m}"))
            .with_units(token.units());
        let allowance = erc20.allowance(from, target.address).call().await?;
        let mut approve_tx = None;
        if allowance < amount {
            let what = format!("approve({} for the distributor)", show(amount));
            approve_tx = Some(
                sender
                    .send(&Call::new(token_address, approve, what))
                    .await?
                    .hash,
            );
        }
        let sent = sender
            .send(&Call::new(
                target.address,
                fund,
                format!("fund({})", show(amount)),
            ))
            .await
            .wrap_err("funding the distributor")?;
        let total = d.totalFunded().call().await?;
        report(
            self.json,
            &token,
            &target.address,
            amount,
            total,
            program,
            approve_tx,
            sent.hash,
        )?;
        Ok(Outcome::Success)
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    json: bool,
    token: &TokenInfo,
    distributor: &Address,
    amount: U256,
    total: U256,
    program: U256,
    approve_tx: Option<podium_chain::alloy::primitives::TxHash>,
    fund_tx: podium_chain::alloy::primitives::TxHash,
) -> eyre::Result<()> {
    if json {
        print_json(&serde_json::json!({
            "mode": "sent",
            "distributor": addr(distributor),
            "amount": amount.to_string(),
            "totalFunded": total.to_string(),
            "programBudget": program.to_string(),
            "approveTx": approve_tx.map(|h| h.to_string()),
            "fundTx": fund_tx.to_string(),
        }))
    } else {
        println!(
            "funded {} {}: the distributor has now received {} of the program's {} {}",
            tokens(amount, token.decimals),
            token.symbol,
            tokens(total, token.decimals),
            tokens(program, token.decimals),
            token.symbol
        );
        Ok(())
    }
}
