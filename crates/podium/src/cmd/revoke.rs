//! `podium revoke --round N`: revokes a round's root while it is still pending (committee or
//! funder), so a corrected root can be posted.

use clap::Args;
use eyre::WrapErr;
use podium_chain::{
    alloy::{primitives::U256, sol_types::SolCall},
    bindings::PodiumDistributor,
    distributor::token_info,
    send::Call,
};
use serde_json::json;

use super::{
    Outcome,
    tx::{Delivery, Told, TxOpts, fields},
};
use crate::output::Output;

/// Revoke a round's pending root (committee or funder), so a corrected one can be posted.
#[derive(Debug, Args)]
pub(crate) struct RevokeArgs {
    /// The round whose pending root to revoke.
    #[arg(long, value_name = "N")]
    round: u64,

    #[command(flatten)]
    tx: TxOpts,
}

impl RevokeArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let (chain, target) = self.tx.connect().await?;
        let d = PodiumDistributor::new(target.address, &chain.provider);
        let token = token_info(&chain, d.TOKEN().call().await?).await?;
        let round = U256::from(self.round);
        let before = d.roundState(round).call().await?;
        let wallet = self.tx.signer.load().await?;
        let sender = self
            .tx
            .signer
            .sender(&chain, &wallet, token.units(), output);
        let data = PodiumDistributor::revokeRootCall { round }.abi_encode();
        let what = format!("revokeRoot(round {})", self.round);
        let sent = sender
            .send(&Call::new(target.address, data, what))
            .await
            .wrap_err_with(|| format!("revoking round {}", self.round))?;
        let told = Told {
            fields: fields([
                ("round", json!(self.round)),
                ("revokedRoot", json!(before.root.to_string())),
            ]),
            text: format!(
                "revoked round {}'s root {} in tx {}; the round can be posted again",
                self.round, before.root, sent.hash
            ),
        };
        Delivery::sent(sent).print(&told, output)?;
        Ok(Outcome::Success)
    }
}
