//! `podium sweep`: sends the funder what the contract lets go of now: after the program, the
//! funding no round was given; after the claim deadline, everything. Anyone may call it.

use clap::Args;
use eyre::WrapErr;
use podium_chain::{
    alloy::sol_types::SolCall,
    bindings::{IERC20, PodiumDistributor},
    distributor::token_info,
    send::Call,
};
use serde_json::json;

use super::{
    Outcome,
    tx::{Delivery, Told, TxOpts, fields},
};
use crate::output::{Output, addr, tokens};

/// Send the funder what can be swept now (unallocated funding after the program; everything after
/// the claim deadline).
#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    #[command(flatten)]
    tx: TxOpts,
}

impl SweepArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let (chain, target) = self.tx.connect().await?;
        let d = PodiumDistributor::new(target.address, &chain.provider);
        let token = token_info(&chain, d.TOKEN().call().await?).await?;
        let funder = d.FUNDER().call().await?;
        let erc20 = IERC20::new(token.address, &chain.provider);
        let before = erc20.balanceOf(funder).call().await?;
        let wallet = self.tx.signer.load().await?;
        // The simulation inside send() explains a refusal (program not ended, a round not final, …).
        let sender = self
            .tx
            .signer
            .sender(&chain, &wallet, token.units(), output);
        let sent = sender
            .send(&Call::new(
                target.address,
                PodiumDistributor::sweepCall {}.abi_encode(),
                "sweep()",
            ))
            .await
            .wrap_err("sweeping")?;
        let after = erc20.balanceOf(funder).call().await?;
        let amount = after.saturating_sub(before);
        let told = Told {
            fields: fields([
                ("funder", json!(addr(&funder))),
                ("amount", json!(amount.to_string())),
            ]),
            text: format!(
                "swept {} {} to the funder {} in tx {}",
                tokens(amount, token.decimals),
                token.symbol,
                addr(&funder),
                sent.hash
            ),
        };
        Delivery::sent(sent).print(&told, output)?;
        Ok(Outcome::Success)
    }
}
