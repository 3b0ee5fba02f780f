//! An anvil world for the CLI tests that talk to a chain: one anvil on a free port (stopped on drop),
//! a test token, the committee's geth keystore and password file, the funder's key in the
//! environment, and helpers to run the real `podium` binary against it and to check that no secret
//! is ever printed.

use std::{
    path::{Path, PathBuf},
    process::Output,
    time::Duration,
};

use alloy_primitives::{Address, U256};
use assert_cmd::Command;
use podium_chain::{
    SendOpts, Sender,
    alloy::{
        providers::Provider,
        sol_types::{SolCall, SolConstructor},
    },
    anvil::{self, DEV_KEYS},
    bindings::{PodiumDistributor, SafeStandIn},
    block_on,
    fixture::Program,
    send::Call,
};
use serde_json::Value;

pub const PASSWORD: &str = "orchestrator pass phrase";
pub const WRONG_PASSWORD: &str = "not the pass phrase";
pub const FUNDER_KEY_VAR: &str = "PODIUM_TEST_FUNDER_KEY";
pub const DAY: u64 = 86_400;

pub use podium_chain::fixture::tokens;

/// The fixture (anvil, a token, 30 000 tokens for the funder, the committee's keystore and password
/// file; the distributor is the tests' to deploy through `podium deploy`), and the strings that must
/// never appear in any output.
pub struct World {
    /// Account 0 is the committee, through a geth keystore + password file; account 1 the funder,
    /// through a private key in an environment variable.
    pub fx: Program,
    /// Strings that must never appear in any output.
    pub secrets: Vec<String>,
}

impl std::ops::Deref for World {
    type Target = Program;
    fn deref(&self) -> &Program {
        &self.fx
    }
}

impl World {
    pub fn new() -> Self {
        let fx = block_on(
            Program::builder()
                .funder(1)
                .deploy(false)
                .mint(1, 30_000)
                .keystore(0, PASSWORD)
                .spawn(),
        );
        let mut secrets = vec![PASSWORD.to_owned(), WRONG_PASSWORD.to_owned()];
        for key in DEV_KEYS {
            secrets.push(key.to_owned());
            secrets.push(key.trim_start_matches("0x").to_owned());
        }
        let key_path = std::fs::read_dir(&fx.keystore_dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let ks: Value = serde_json::from_str(&std::fs::read_to_string(&key_path).unwrap()).unwrap();
        let crypto = &ks["crypto"];
        for field in [
            &crypto["ciphertext"],
            &crypto["mac"],
            &crypto["cipherparams"]["iv"],
            &crypto["kdfparams"]["salt"],
        ] {
            secrets.push(field.as_str().unwrap().to_owned());
        }
        Self { fx, secrets }
    }

    /// The podium binary with a clean environment (no ETH_* from the developer's shell).
    pub fn podium(&self) -> Command {
        let mut cmd = Command::cargo_bin("podium").unwrap();
        for var in [
            "ETH_RPC_URL",
            "ETH_KEYSTORE",
            "ETH_PASSWORD",
            "ETH_FROM",
            "CHAIN",
            "ETH_TIMEOUT",
            "ETH_RPC_TIMEOUT",
        ] {
            cmd.env_remove(var);
        }
        cmd.env_remove("PODIUM_DEPLOYMENT")
            .env_remove("PODIUM_DISTRIBUTOR");
        cmd.env(FUNDER_KEY_VAR, DEV_KEYS[1]);
        cmd.timeout(Duration::from_secs(120));
        cmd
    }

    /// Runs podium with `args`, checks that no secret leaked, and returns the output.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.podium().args(args).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for secret in &self.secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret leaked in the output of {args:?}:\n{text}"
            );
        }
        out
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "podium {args:?} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn ok_json(&self, args: &[&str]) -> Value {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}):\n{stdout}"))
    }

    /// Runs a command that must fail with exit code 2; returns its stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "podium {args:?} should have failed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).unwrap()
    }

    /// The fixture's program (3 daily rounds of 7000, 1 h root delay, 30-day claim window) as
    /// `program.toml`, for `chain_id`.
    pub fn write_program(&self, chain_id: u64) -> PathBuf {
        let path = self.path("program.toml");
        std::fs::write(&path, self.program_toml(chain_id)).unwrap();
        path
    }

    pub fn keystore_args(&self) -> Vec<String> {
        vec![
            "--keystore".into(),
            self.keystore_dir.display().to_string(),
            "--password-file".into(),
            self.password_file.display().to_string(),
        ]
    }

    /// `podium deploy` through the CLI; returns the record's path and the distributor.
    pub fn deploy(&self) -> (PathBuf, Address) {
        let config = self.write_program(self.node.chain_id());
        let url = self.node.url();
        let mut args = vec![
            "deploy",
            "--config",
            config.to_str().unwrap(),
            "--rpc-url",
            &url,
            "--json",
        ];
        let ks = self.keystore_args();
        args.extend(ks.iter().map(String::as_str));
        let v = self.ok_json(&args);
        let record = PathBuf::from(v["recordPath"].as_str().unwrap());
        let address: Address = v["distributor"].as_str().unwrap().parse().unwrap();
        (record, address)
    }

    /// Deploys a Safe stand-in (`contracts/test/SafeStandIn.sol`) with these owners and threshold.
    pub fn safe_stand_in(&self, owners: &[Address], threshold: u64) -> Address {
        let args = SafeStandIn::constructorCall {
            owners: owners.to_vec(),
            threshold: U256::from(threshold),
        };
        let init = [SafeStandIn::BYTECODE.to_vec(), args.abi_encode()].concat();
        block_on(anvil::deploy(
            &self.chain,
            &anvil::dev_wallet(0),
            init,
            "deploy SafeStandIn",
        ))
        .unwrap()
    }

    /// Executes a batch's transactions (`to`, `data`) as `safe`, by one of its owners.
    pub fn execute_batch(&self, safe: Address, owner: &podium_chain::Wallet, txs: &[Value]) {
        let opts = SendOpts::default();
        let sender = Sender::new(&self.chain, owner, &opts, |_| {});
        for tx in txs {
            let to: Address = tx["to"].as_str().unwrap().parse().unwrap();
            let data = podium_chain::alloy::hex::decode(
                tx["data"].as_str().unwrap().trim_start_matches("0x"),
            )
            .unwrap();
            let call = SafeStandIn::executeCall {
                to,
                data: data.into(),
            }
            .abi_encode();
            block_on(sender.send(&Call::new(safe, call, "execute as the Safe"))).unwrap();
        }
    }

    pub fn distributor(
        &self,
        address: Address,
    ) -> PodiumDistributor::PodiumDistributorInstance<&podium_chain::rpc::ChainProvider> {
        PodiumDistributor::new(address, &self.chain.provider)
    }

    pub fn nonce(&self, who: Address) -> u64 {
        block_on(self.chain.provider.get_transaction_count(who)).unwrap()
    }

    pub fn warp(&self, ts: u64) {
        block_on(anvil::warp(&self.chain, ts)).expect("anvil::warp");
    }

    /// Writes a distribution file for `round` paying `payouts` (whole tokens).
    pub fn distribution(
        &self,
        name: &str,
        distributor: Address,
        round: u64,
        payouts: &[(Address, u64)],
    ) -> PathBuf {
        let payouts: Vec<(Address, U256)> = payouts.iter().map(|&(a, n)| (a, tokens(n))).collect();
        let path = self.path(name);
        self.write_distribution(&path, self.node.chain_id(), distributor, round, &payouts);
        path
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
