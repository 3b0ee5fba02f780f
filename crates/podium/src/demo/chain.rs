//! The few things the demo does to its local chain directly, because no person does them on a real
//! one: deploy the test token and the BondingManager test double, mint, and move time.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use eyre::WrapErr;
use podium_chain::{
    Chain, RpcOpts, Wallet,
    alloy::{signers::local::PrivateKeySigner, sol_types::SolConstructor},
    anvil,
    bindings::{BondingManagerDouble, IERC20, PodiumDistributor},
};
use podium_core::DistributionFile;

pub(super) struct DemoChain {
    pub(super) chain: Chain,
    deployer: Wallet,
}

impl DemoChain {
    pub(super) async fn connect(url: &str, deployer: PrivateKeySigner) -> eyre::Result<Self> {
        let mut opts = RpcOpts::for_url(url);
        opts.rpc_backoff = 50;
        let chain = opts
            .connect()
            .await
            .wrap_err("connecting to the demo's anvil")?;
        Ok(Self {
            chain,
            deployer: Wallet::from_signer(deployer, "anvil test account 0"),
        })
    }

    pub(super) async fn deploy_test_token(&self) -> eyre::Result<Address> {
        Ok(anvil::deploy_test_token(&self.chain, &self.deployer).await?)
    }

    pub(super) async fn deploy_bonding_double(&self, token: Address) -> eyre::Result<Address> {
        let args = BondingManagerDouble::constructorCall { token };
        let code = [BondingManagerDouble::BYTECODE.to_vec(), args.abi_encode()].concat();
        let what = "deploy the BondingManager test double";
        Ok(anvil::deploy(&self.chain, &self.deployer, code, what).await?)
    }

    pub(super) async fn mint(&self, token: Address, to: Address, amount: U256) -> eyre::Result<()> {
        Ok(anvil::mint(&self.chain, &self.deployer, token, to, amount).await?)
    }

    pub(super) async fn now(&self) -> eyre::Result<u64> {
        Ok(self.chain.now().await?)
    }

    /// Mines a block at `ts` (anvil's evm_setNextBlockTimestamp + evm_mine).
    pub(super) async fn warp(&self, ts: u64) -> eyre::Result<()> {
        Ok(anvil::warp(&self.chain, ts).await?)
    }

    /// Waits until `account`'s leaf in `file` is claimed on-chain (a background claimer's work).
    pub(super) async fn wait_claimed(
        &self,
        distributor: Address,
        file: &DistributionFile,
        account: Address,
        limit: Duration,
    ) -> eyre::Result<bool> {
        let Some(claim) = file.claim(&account) else {
            return Ok(false);
        };
        let d = PodiumDistributor::new(distributor, &self.chain.provider);
        let started = Instant::now();
        while started.elapsed() < limit {
            if d.isClaimed(U256::from(file.round), U256::from(claim.index))
                .call()
                .await?
            {
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Ok(false)
    }

    pub(super) async fn balance(&self, token: Address, who: Address) -> eyre::Result<U256> {
        Ok(IERC20::new(token, &self.chain.provider)
            .balanceOf(who)
            .call()
            .await?)
    }

    /// Runs `f` (a sweep) and returns how much the funder's balance rose.
    pub(super) async fn funder_balance_delta(
        &self,
        token: Address,
        funder: Address,
        f: impl FnOnce() -> eyre::Result<()>,
    ) -> eyre::Result<U256> {
        let before = self.balance(token, funder).await?;
        f()?;
        let after = self.balance(token, funder).await?;
        Ok(after.saturating_sub(before))
    }
}
