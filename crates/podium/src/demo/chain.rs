//! The few things the demo does to its local chain directly, because no person does them on a real
//! one: deploy the test LPT and the BondingManager test double, mint, and move time.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, U256};
use eyre::{WrapErr, eyre};
use podium_chain::{
    Chain, RpcOpts, SendOpts, Sender, Wallet,
    alloy::{
        providers::Provider,
        signers::local::PrivateKeySigner,
        sol_types::{SolCall, SolConstructor},
    },
    bindings::{BondingManagerDouble, IERC20, PodiumDistributor, TestToken},
    send::Call,
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

    async fn send(&self, call: Call) -> eyre::Result<podium_chain::Sent> {
        let opts = SendOpts {
            timeout: 30,
            ..SendOpts::default()
        };
        let sender = Sender::new(&self.chain, &self.deployer, &opts, |_| {});
        Ok(sender.send(&call).await?)
    }

    pub(super) async fn deploy_test_token(&self) -> eyre::Result<Address> {
        let sent = self
            .send(Call::deploy(
                TestToken::BYTECODE.clone(),
                "deploy the test LPT",
            ))
            .await?;
        sent.receipt
            .contract_address
            .ok_or_else(|| eyre!("the test LPT deployment has no address"))
    }

    pub(super) async fn deploy_bonding_double(&self, token: Address) -> eyre::Result<Address> {
        let args = BondingManagerDouble::constructorCall { token };
        let code = [BondingManagerDouble::BYTECODE.to_vec(), args.abi_encode()].concat();
        let sent = self
            .send(Call::deploy(code, "deploy the BondingManager test double"))
            .await?;
        sent.receipt
            .contract_address
            .ok_or_else(|| eyre!("the BondingManager double has no address"))
    }

    pub(super) async fn mint(&self, token: Address, to: Address, amount: U256) -> eyre::Result<()> {
        let data = TestToken::mintCall { to, amount }.abi_encode();
        self.send(Call::new(token, data, "mint test LPT")).await?;
        Ok(())
    }

    pub(super) async fn now(&self) -> eyre::Result<u64> {
        Ok(self.chain.now().await?)
    }

    /// Mines a block at `ts` (anvil's evm_setNextBlockTimestamp + evm_mine).
    pub(super) async fn warp(&self, ts: u64) -> eyre::Result<()> {
        let p = &self.chain.provider;
        let _: serde_json::Value = p
            .raw_request("evm_setNextBlockTimestamp".into(), (ts,))
            .await
            .wrap_err("moving chain time")?;
        let _: serde_json::Value = p
            .raw_request("evm_mine".into(), ())
            .await
            .wrap_err("mining")?;
        Ok(())
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
