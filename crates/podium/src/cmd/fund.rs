//! `podium fund`: funds the distributor with the program's budget the way the contract counts
//! funding (approve, then `fund(amount)`; a plain transfer would not count), from a wallet or as a
//! Safe batch.

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::{WrapErr, bail};
use podium_chain::{
    Chain,
    alloy::{
        primitives::{Address, U256},
        sol_types::SolCall,
    },
    bindings::{IERC20, PodiumDistributor},
    distributor::{TokenInfo, token_info},
    safe::{self, SafeSigners, SafeTx},
    send::{Call, simulate_from},
};
use podium_core::TokenAmount;
use serde_json::{Map, Value, json};

use super::{
    Outcome,
    args::parse_addr,
    tx::{Delivery, Execution, Sending, Tell, TxOpts, fields, write_safe_batch},
};
use crate::output::{Output, addr, tokens};

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

    #[command(flatten)]
    tx: TxOpts,
}

impl FundArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let (chain, target) = self.tx.connect().await?;
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
        let calls = Calls {
            token: token_address,
            distributor: target.address,
            amount,
        };
        let mut report = Report {
            token: &token,
            distributor: target.address,
            amount,
            total: funded,
            program,
        };
        let execution =
            Execution::choose(self.safe, self.out.as_deref(), false, &self.tx.signer).await?;
        let delivery = self
            .deliver(&chain, execution, &calls, &mut report, output)
            .await?;
        delivery.print(&report, output)?;
        Ok(Outcome::Success)
    }
}

impl FundArgs {
    /// Delivers the two calls the way `execution` says: writes the Safe batch, or sends them from
    /// the wallet (and reads into `report` what the distributor has now received).
    async fn deliver(
        &self,
        chain: &Chain,
        execution: Execution,
        calls: &Calls,
        report: &mut Report<'_>,
        output: Output,
    ) -> eyre::Result<Delivery> {
        Ok(match execution {
            Execution::Safe { safe, out } => {
                let signers = write_batch(chain, calls, report, safe, &out).await?;
                Delivery::Safe { out, signers }
            }
            Execution::Wallet(wallet) => {
                let sender = self
                    .tx
                    .signer
                    .sender(chain, &wallet, report.token.units(), output);
                let sent = send(chain, &sender, calls, report).await?;
                report.total = PodiumDistributor::new(calls.distributor, &chain.provider)
                    .totalFunded()
                    .call()
                    .await?;
                sent
            }
            Execution::Calldata => unreachable!("fund has no --calldata"),
        })
    }
}

/// The two calls that fund: approve the distributor for `amount`, then `fund(amount)`.
struct Calls {
    token: Address,
    distributor: Address,
    amount: U256,
}

impl Calls {
    fn approve(&self) -> Vec<u8> {
        IERC20::approveCall {
            spender: self.distributor,
            amount: self.amount,
        }
        .abi_encode()
    }

    fn fund(&self) -> Vec<u8> {
        PodiumDistributor::fundCall {
            amount: self.amount,
        }
        .abi_encode()
    }
}

/// Writes the approve + fund batch for `safe` (warning if the Safe holds too little; the approve is
/// simulated from the Safe), and returns who must sign it.
async fn write_batch(
    chain: &Chain,
    calls: &Calls,
    report: &Report<'_>,
    safe: Address,
    out: &Path,
) -> eyre::Result<SafeSigners> {
    let signers = safe::signers(chain, safe).await?;
    let amount = calls.amount;
    let balance = IERC20::new(calls.token, &chain.provider)
        .balanceOf(safe)
        .call()
        .await?;
    if balance < amount {
        eprintln!(
            "warning: the Safe {} holds {} but the batch funds {}; it will fail until the Safe holds enough",
            addr(&safe),
            report.show(balance),
            report.show(amount)
        );
    }
    let approve_call = Call::new(calls.token, calls.approve(), "approve");
    simulate_from(chain, safe, &approve_call, &report.token.units()).await?;
    let txs = [
        SafeTx::new(
            calls.token,
            safe::erc20_function("approve"),
            vec![addr(&calls.distributor), amount.to_string()],
            calls.approve().into(),
        )?,
        SafeTx::new(
            calls.distributor,
            safe::distributor_function("fund"),
            vec![amount.to_string()],
            calls.fund().into(),
        )?,
    ];
    write_safe_batch(
        chain.chain_id,
        safe,
        out,
        "podium: fund the distributor",
        &format!(
            "Approve and fund {} to distributor {}",
            report.show(amount),
            addr(&calls.distributor)
        ),
        &txs,
    )?;
    Ok(signers)
}

/// Sends approve (only if the allowance is short) and fund from the sender's wallet, after checking
/// it holds the amount; returns the two transactions (`approveTx` none if the allowance was enough).
async fn send(
    chain: &Chain,
    sender: &Sending<'_>,
    calls: &Calls,
    report: &Report<'_>,
) -> eyre::Result<Delivery> {
    let amount = calls.amount;
    let from = sender.from();
    let erc20 = IERC20::new(calls.token, &chain.provider);
    let balance = erc20.balanceOf(from).call().await?;
    if balance < amount {
        bail!(
            "{} holds {} but funding needs {}",
            addr(&from),
            report.show(balance),
            report.show(amount)
        );
    }
    let allowance = erc20.allowance(from, calls.distributor).call().await?;
    let mut approve_tx = None;
    if allowance < amount {
        let what = format!("approve({} for the distributor)", report.show(amount));
        approve_tx = Some(Box::new(
            sender
                .send(&Call::new(calls.token, calls.approve(), what))
                .await?,
        ));
    }
    let sent = sender
        .send(&Call::new(
            calls.distributor,
            calls.fund(),
            format!("fund({})", report.show(amount)),
        ))
        .await
        .wrap_err("funding the distributor")?;
    Ok(Delivery::Sent(vec![
        ("approveTx", approve_tx),
        ("fundTx", Some(Box::new(sent))),
    ]))
}

/// What the result of `fund` is told with.
struct Report<'a> {
    token: &'a TokenInfo,
    distributor: Address,
    amount: U256,
    /// What the distributor has received of the `program` budget (after sending, with this amount).
    total: U256,
    program: U256,
}

impl Report<'_> {
    fn show(&self, v: U256) -> String {
        format!("{} {}", tokens(v, self.token.decimals), self.token.symbol)
    }
}

impl Tell for Report<'_> {
    fn fields(&self, delivery: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        let what = fields([
            ("distributor", json!(addr(&self.distributor))),
            ("amount", json!(self.amount.to_string())),
        ]);
        match delivery {
            Delivery::Sent(_) => {
                let mut lead = what;
                lead.insert("totalFunded".into(), json!(self.total.to_string()));
                lead.insert("programBudget".into(), json!(self.program.to_string()));
                (lead, Map::new())
            }
            _ => (Map::new(), what),
        }
    }

    fn text(&self, delivery: &Delivery) -> String {
        let token = self.token;
        match delivery {
            Delivery::Sent(_) => format!(
                "funded {} {}: the distributor has now received {} of the program's {} {}",
                tokens(self.amount, token.decimals),
                token.symbol,
                tokens(self.total, token.decimals),
                tokens(self.program, token.decimals),
                token.symbol
            ),
            _ => format!("approves and funds {}", self.show(self.amount)),
        }
    }
}
