//! `podium fund`: funds the distributor with the program's budget the way the contract counts
//! funding (approve, then `fund(amount)`; a plain transfer would not count), from a wallet or as a
//! Safe batch.

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::{WrapErr, bail};
use podium_chain::{
    Chain, Sender,
    alloy::{
        primitives::{Address, TxHash, U256},
        sol_types::SolCall,
    },
    bindings::{IERC20, PodiumDistributor},
    distributor::{TokenInfo, token_info},
    safe::{self, SafeSigners, SafeTx},
    send::{Call, simulate_from},
};
use podium_core::TokenAmount;

use super::{
    Outcome,
    args::parse_addr,
    tx::{Execution, TxOpts, write_safe_batch},
};
use crate::output::{Output, addr, print_json, tokens};

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
        let report = Report {
            token: &token,
            distributor: target.address,
            amount,
        };
        let funded = match Execution::choose(self.safe, self.out.as_deref(), false, &self.tx.signer)
            .await?
        {
            Execution::Safe { safe, out } => {
                let signers = write_batch(&chain, &calls, &report, safe, &out).await?;
                Funded::Safe { safe, out, signers }
            }
            Execution::Wallet(wallet) => {
                let sender = self.tx.signer.sender(&chain, &wallet, token.units());
                let (approve_tx, fund_tx) = send(&chain, &sender, &calls, &report).await?;
                Funded::Sent {
                    total: d.totalFunded().call().await?,
                    program,
                    approve_tx,
                    fund_tx,
                }
            }
            Execution::Calldata => unreachable!("fund has no --calldata"),
        };
        report.print(&funded, output.json())?;
        Ok(Outcome::Success)
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
/// it holds the amount; returns the two hashes.
async fn send(
    chain: &Chain,
    sender: &Sender<'_>,
    calls: &Calls,
    report: &Report<'_>,
) -> eyre::Result<(Option<TxHash>, TxHash)> {
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
        approve_tx = Some(
            sender
                .send(&Call::new(calls.token, calls.approve(), what))
                .await?
                .hash,
        );
    }
    let sent = sender
        .send(&Call::new(
            calls.distributor,
            calls.fund(),
            format!("fund({})", report.show(amount)),
        ))
        .await
        .wrap_err("funding the distributor")?;
    Ok((approve_tx, sent.hash))
}

/// What `fund` did.
enum Funded {
    /// Wrote a Safe batch.
    Safe {
        safe: Address,
        out: PathBuf,
        signers: SafeSigners,
    },
    /// Sent the calls; the distributor has now received `total` of the `program` budget.
    Sent {
        total: U256,
        program: U256,
        approve_tx: Option<TxHash>,
        fund_tx: TxHash,
    },
}

/// What the result of `fund` is told with.
struct Report<'a> {
    token: &'a TokenInfo,
    distributor: Address,
    amount: U256,
}

impl Report<'_> {
    fn show(&self, v: U256) -> String {
        format!("{} {}", tokens(v, self.token.decimals), self.token.symbol)
    }

    /// Prints `funded` as text or (`json`) one JSON document.
    fn print(&self, funded: &Funded, json: bool) -> eyre::Result<()> {
        let (token, amount) = (self.token, self.amount);
        match funded {
            Funded::Safe { safe, out, signers } if json => print_json(&serde_json::json!({
                "mode": "safe",
                "safe": addr(safe),
                "threshold": signers.threshold,
                "owners": signers.owners.iter().map(addr).collect::<Vec<_>>(),
                "batch": out.display().to_string(),
                "distributor": addr(&self.distributor),
                "amount": amount.to_string(),
            })),
            Funded::Safe { safe, out, signers } => {
                println!(
                    "wrote {}: a Safe batch for {} that approves and funds {}; import it in the Safe app's \
                     Transaction Builder, where {}",
                    out.display(),
                    addr(safe),
                    self.show(amount),
                    signers.who_must_sign()
                );
                Ok(())
            }
            Funded::Sent {
                total,
                program,
                approve_tx,
                fund_tx,
            } if json => print_json(&serde_json::json!({
                "mode": "sent",
                "distributor": addr(&self.distributor),
                "amount": amount.to_string(),
                "totalFunded": total.to_string(),
                "programBudget": program.to_string(),
                "approveTx": approve_tx.map(|h| h.to_string()),
                "fundTx": fund_tx.to_string(),
            })),
            Funded::Sent { total, program, .. } => {
                println!(
                    "funded {} {}: the distributor has now received {} of the program's {} {}",
                    tokens(amount, token.decimals),
                    token.symbol,
                    tokens(*total, token.decimals),
                    tokens(*program, token.decimals),
                    token.symbol
                );
                Ok(())
            }
        }
    }
}
