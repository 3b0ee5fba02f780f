//! `podium sweep`: sends the funder what the contract lets go of now: after the program, the
//! funding no round was given; after the claim deadline, everything. Anyone may call it.

use clap::Args;
use eyre::WrapErr;
use podium_chain::{
    alloy::{
        primitives::{Address, U256},
        sol_types::SolCall,
    },
    bindings::{IERC20, PodiumDistributor},
    distributor::{TokenInfo, token_info},
    send::Call,
};
use serde_json::{Map, Value, json};

use super::{
    Outcome,
    tx::{Delivery, Tell, TxOpts, fields},
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
        let sender = self.tx.signer.sender(&chain, &wallet, token.units());
        let sent = sender
            .send(&Call::new(
                target.address,
                PodiumDistributor::sweepCall {}.abi_encode(),
                "sweep()",
            ))
            .await
            .wrap_err("sweeping")?;
        let after = erc20.balanceOf(funder).call().await?;
        let told = Swept {
            funder,
            amount: after.saturating_sub(before),
            token: &token,
        };
        Delivery::sent(sent).print(&told, output)?;
        Ok(Outcome::Success)
    }
}

/// What the result of `sweep` is told with.
struct Swept<'a> {
    funder: Address,
    /// What the funder received.
    amount: U256,
    token: &'a TokenInfo,
}

impl Tell for Swept<'_> {
    fn fields(&self, _: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        let lead = fields([
            ("funder", json!(addr(&self.funder))),
            ("amount", json!(self.amount.to_string())),
        ]);
        (lead, Map::new())
    }

    fn text(&self, delivery: &Delivery) -> String {
        format!(
            "swept {} {} to the funder {} in tx {}",
            tokens(self.amount, self.token.decimals),
            self.token.symbol,
            addr(&self.funder),
            delivery.tx_hash()
        )
    }
}
