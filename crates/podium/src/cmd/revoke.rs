//! `podium revoke --round N`: revokes a round's root while it is still pending (committee or
//! funder), so a corrected root can be posted.

use clap::Args;
use eyre::WrapErr;
use podium_chain::{
    alloy::{
        primitives::{B256, U256},
        sol_types::SolCall,
    },
    bindings::PodiumDistributor,
    distributor::token_info,
    send::Call,
};
use serde_json::{Map, Value, json};

use super::{
    Outcome,
    tx::{Delivery, Tell, TxOpts, fields},
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
        let sender = self.tx.signer.sender(&chain, &wallet, token.units());
        let data = PodiumDistributor::revokeRootCall { round }.abi_encode();
        let what = format!("revokeRoot(round {})", self.round);
        let sent = sender
            .send(&Call::new(target.address, data, what))
            .await
            .wrap_err_with(|| format!("revoking round {}", self.round))?;
        let told = Revoked {
            round: self.round,
            root: before.root,
        };
        Delivery::sent(sent).print(&told, output)?;
        Ok(Outcome::Success)
    }
}

/// What the result of `revoke` is told with.
struct Revoked {
    round: u64,
    root: B256,
}

impl Tell for Revoked {
    fn fields(&self, _: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        let lead = fields([
            ("round", json!(self.round)),
            ("revokedRoot", json!(self.root.to_string())),
        ]);
        (lead, Map::new())
    }

    fn text(&self, delivery: &Delivery) -> String {
        format!(
            "revoked round {}'s root {} in tx {}; the round can be posted again",
            self.round,
            self.root,
            delivery.tx_hash()
        )
    }
}
