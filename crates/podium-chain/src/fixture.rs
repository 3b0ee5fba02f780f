//! Test support (feature `test-utils`): one integration-test fixture, a deployed and funded program
//! on a fresh anvil. The test token, the distributor with its timeline, tokens minted to whichever
//! development accounts the test names, the distributor funded by its funder, a geth keystore and
//! password file for one account, and a temporary directory for the test's files. Every knob has a
//! default; anvil is stopped when the fixture is dropped (also on panic), as [`Anvil`] is.
//!
//! ```text
//! let fx = Program::builder().round_count(2).fund(200).spawn().await;
//! ```

use std::path::{Path, PathBuf};

use alloy::{
    primitives::{Address, B256, U256},
    sol_types::{SolCall, SolValue},
};

use podium_core::{Built, Leaf, Meta};

use crate::{
    Chain, Wallet,
    anvil::{self, Anvil, AnvilBuilder, DistributorParams},
    bindings::{BondingManagerDouble, PodiumDistributor, TestToken},
    send::Call,
};

const DAY: u64 = 86_400;

/// `whole` tokens of the test token (18 decimals) in base units.
pub fn tokens(whole: u64) -> U256 {
    U256::from(whole) * U256::from(10u64).pow(U256::from(18))
}

/// A deployment record as `podium deploy` writes it, for tests that need a record without a chain:
/// chain 42161, distributor `0x…d1`, LPT with `decimals`, weekly rounds from 2026-12-07 (2-day root
/// delay, 90-day claim window), `round_count` rounds of `budget` whole tokens. Written to
/// `dir/program.deployment.json` by the one record writer; returns that path.
pub fn write_sample_record(dir: &Path, decimals: u8, round_count: u64, budget: u64) -> PathBuf {
    let record = crate::program::Deployment {
        format: crate::program::DEPLOYMENT_FORMAT.to_owned(),
        chain_id: crate::livepeer::ARBITRUM_ONE,
        distributor: Address::with_last_byte(0xd1),
        block: 7,
        transaction: B256::repeat_byte(0x11),
        deployer: anvil::dev_signer(0).address(),
        token: crate::livepeer::ARBITRUM_LPT,
        decimals,
        funder: Address::repeat_byte(0x11),
        committee: Address::repeat_byte(0x22),
        timeline: anvil::Timeline {
            start: 1_796_601_600,
            round_duration: 7 * DAY,
            round_count,
            root_delay: 2 * DAY,
            claim_window: 90 * DAY,
        },
        round_budget: U256::from(budget) * U256::from(10u64).pow(U256::from(decimals)),
    };
    let path = dir.join("program.deployment.json");
    record
        .write_atomic(&path)
        .expect("write the deployment record");
    path
}

/// How to set up a [`Program`]. Defaults: chain 31337; committee, funder and deployer anvil account
/// 0; round 1 starts 600 s after the chain's clock; 3 daily rounds of 7000 tokens; 1 h root delay;
/// 30-day claim window; the distributor deployed, nothing minted or funded, no keystore.
#[derive(Debug, Clone)]
pub struct ProgramBuilder {
    anvil: AnvilBuilder,
    committee: usize,
    funder: usize,
    start_in: u64,
    round_duration: u64,
    round_count: u64,
    round_budget: u64,
    root_delay: u64,
    claim_window: u64,
    deploy: bool,
    mint: Vec<(usize, u64)>,
    fund: u64,
    keystore: Option<(usize, String)>,
}

impl Default for ProgramBuilder {
    fn default() -> Self {
        Self {
            anvil: AnvilBuilder::default(),
            committee: 0,
            funder: 0,
            start_in: 600,
            round_duration: DAY,
            round_count: 3,
            round_budget: 7000,
            root_delay: 3600,
            claim_window: 30 * DAY,
            deploy: true,
            mint: Vec::new(),
            fund: 0,
            keystore: None,
        }
    }
}

impl ProgramBuilder {
    /// Adds a raw anvil argument (e.g. `--no-mining`, `--state FILE`).
    pub fn anvil_arg(mut self, arg: impl Into<String>) -> Self {
        self.anvil = self.anvil.arg(arg);
        self
    }

    /// The committee (and deployer of the token and the distributor): development account `i`.
    pub fn committee(mut self, i: usize) -> Self {
        self.committee = i;
        self
    }

    /// The funder: development account `i`.
    pub fn funder(mut self, i: usize) -> Self {
        self.funder = i;
        self
    }

    /// Round 1 starts `secs` after the chain's clock at set-up.
    pub fn start_in(mut self, secs: u64) -> Self {
        self.start_in = secs;
        self
    }

    /// Seconds per round.
    pub fn round_duration(mut self, secs: u64) -> Self {
        self.round_duration = secs;
        self
    }

    /// Number of rounds.
    pub fn round_count(mut self, n: u64) -> Self {
        self.round_count = n;
        self
    }

    /// Most a round pays, in whole tokens.
    pub fn round_budget(mut self, whole: u64) -> Self {
        self.round_budget = whole;
        self
    }

    /// Seconds between posting a root and its claims opening.
    pub fn root_delay(mut self, secs: u64) -> Self {
        self.root_delay = secs;
        self
    }

    /// Seconds claims stay open after the last round.
    pub fn claim_window(mut self, secs: u64) -> Self {
        self.claim_window = secs;
        self
    }

    /// Whether to deploy the distributor (default yes); without it the test deploys its own, e.g.
    /// through `podium deploy`, and [`Program::distributor`] is the zero address.
    pub fn deploy(mut self, deploy: bool) -> Self {
        self.deploy = deploy;
        self
    }

    /// Mints `whole` tokens to development account `i`.
    pub fn mint(mut self, i: usize, whole: u64) -> Self {
        self.mint.push((i, whole));
        self
    }

    /// Mints `whole` tokens to the funder, who approves and funds the distributor with them.
    pub fn fund(mut self, whole: u64) -> Self {
        self.fund = whole;
        self
    }

    /// Writes a geth keystore for development account `i` under `keystore/`, and its password to
    /// `password.txt`.
    pub fn keystore(mut self, i: usize, password: &str) -> Self {
        self.keystore = Some((i, password.to_owned()));
        self
    }

    /// Starts anvil and sets everything up; panics (stopping anvil) if any step fails.
    pub async fn spawn(self) -> Program {
        let node = self.anvil.clone().spawn();
        let chain = node.chain().await;
        let deployer = anvil::dev_wallet(self.committee);
        let funder = anvil::dev_wallet(self.funder);
        let token = anvil::deploy_test_token(&chain, &deployer)
            .await
            .expect("anvil::deploy_test_token");
        let start = chain.now().await.expect("the chain's clock") + self.start_in;
        let params = DistributorParams {
            token,
            funder: funder.address(),
            committee: deployer.address(),
            timeline: anvil::Timeline {
                start,
                round_duration: self.round_duration,
                round_count: self.round_count,
                root_delay: self.root_delay,
                claim_window: self.claim_window,
            },
            round_budget: tokens(self.round_budget),
        };
        let distributor = if self.deploy {
            anvil::deploy_distributor(&chain, &deployer, &params)
                .await
                .expect("anvil::deploy_distributor")
        } else {
            Address::ZERO
        };
        for &(i, whole) in &self.mint {
            let to = anvil::dev_signer(i).address();
            anvil::mint(&chain, &deployer, token, to, tokens(whole))
                .await
                .expect("anvil::mint");
        }
        if self.fund > 0 {
            assert!(self.deploy, "fund() needs the distributor deployed");
            let amount = tokens(self.fund);
            anvil::mint(&chain, &deployer, token, funder.address(), amount)
                .await
                .expect("anvil::mint");
            let approve = TestToken::approveCall {
                spender: distributor,
                value: amount,
            };
            anvil::send(
                &chain,
                &funder,
                Call::new(token, approve.abi_encode(), "approve"),
            )
            .await
            .expect("approve");
            let fund = PodiumDistributor::fundCall { amount };
            anvil::send(
                &chain,
                &funder,
                Call::new(distributor, fund.abi_encode(), "fund"),
            )
            .await
            .expect("fund");
        }
        let dir = tempfile::tempdir().expect("a temporary directory");
        let keystore_dir = dir.path().join("keystore");
        let password_file = dir.path().join("password.txt");
        if let Some((i, password)) = &self.keystore {
            std::fs::create_dir(&keystore_dir).expect("create keystore/");
            anvil::write_keystore(&keystore_dir, &anvil::dev_signer(*i), password);
            std::fs::write(&password_file, format!("{password}\n")).expect("write password.txt");
        }
        Program {
            node,
            chain,
            dir,
            token,
            distributor,
            committee: deployer.address(),
            funder: funder.address(),
            start,
            params,
            keystore_dir,
            password_file,
            committee_index: self.committee,
            funder_index: self.funder,
            round_budget: self.round_budget,
        }
    }
}

/// A deployed, funded program on a fresh anvil (see [`ProgramBuilder`]).
#[derive(Debug)]
pub struct Program {
    /// The node; stopped when the fixture is dropped.
    pub node: Anvil,
    /// Connected to `node`.
    pub chain: Chain,
    /// The test's directory (keystore, password file, and whatever the test writes).
    pub dir: tempfile::TempDir,
    /// The test token (18 decimals, mintable by anyone).
    pub token: Address,
    /// The distributor (zero when built with `deploy(false)`).
    pub distributor: Address,
    /// The committee's address (it also deployed the contracts).
    pub committee: Address,
    /// The funder's address.
    pub funder: Address,
    /// Start of round 1 (unix seconds).
    pub start: u64,
    /// The distributor's constructor arguments (also when it was not deployed).
    pub params: DistributorParams,
    /// `dir/keystore` (holds the keystore when one was asked for).
    pub keystore_dir: PathBuf,
    /// `dir/password.txt` (the keystore's password).
    pub password_file: PathBuf,
    committee_index: usize,
    funder_index: usize,
    /// Whole tokens, as the program file writes it.
    round_budget: u64,
}

impl Program {
    /// A builder with the defaults.
    pub fn builder() -> ProgramBuilder {
        ProgramBuilder::default()
    }

    /// A path in the test's directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The committee's wallet.
    pub fn committee_wallet(&self) -> Wallet {
        anvil::dev_wallet(self.committee_index)
    }

    /// The funder's wallet.
    pub fn funder_wallet(&self) -> Wallet {
        anvil::dev_wallet(self.funder_index)
    }

    /// The program file (`program.toml`) describing this program, for chain `chain_id` (another
    /// id than the node's tests a mismatch).
    pub fn program_toml(&self, chain_id: u64) -> String {
        let p = &self.params.timeline;
        let whole = self.round_budget;
        format!(
            "chain_id = {chain_id}\ntoken = \"{}\"\nfunder = \"{}\"\ncommittee = \"{}\"\nstart = {}\n\
             round_duration = \"{}s\"\nround_count = {}\nround_budget = \"{whole}\"\n\
             root_delay = \"{}s\"\nclaim_window = \"{}s\"\n",
            self.token,
            self.funder,
            self.committee,
            self.start,
            p.round_duration,
            p.round_count,
            p.root_delay,
            p.claim_window,
        )
    }

    /// Writes [`Program::program_toml`] for the node's chain to `path`.
    pub fn write_program(&self, path: &Path) {
        std::fs::write(path, self.program_toml(self.node.chain_id())).expect("write program.toml");
    }

    /// Writes, with podium-core, a distribution file at `path` for round `round` paying `payouts`
    /// (base units, any order), naming `chain_id` and `distributor` and the program's round budget;
    /// returns its root.
    pub fn write_distribution(
        &self,
        path: &Path,
        chain_id: u64,
        distributor: Address,
        round: u64,
        payouts: &[(Address, U256)],
    ) -> B256 {
        let mut payouts = payouts.to_vec();
        payouts.sort();
        let leaves: Vec<Leaf> = payouts
            .iter()
            .enumerate()
            .map(|(i, &(account, amount))| Leaf {
                round,
                index: i as u64,
                account,
                amount,
            })
            .collect();
        let meta = Meta {
            chain_id: Some(chain_id),
            distributor: Some(distributor),
            round,
            total: payouts.iter().map(|p| p.1).sum(),
            budget: tokens(self.round_budget),
            decimals: 18,
            rules_digest: B256::repeat_byte(1),
            inputs_digest: B256::repeat_byte(2),
        };
        let built = Built::from_leaves(leaves, meta).expect("a valid distribution");
        built
            .write_atomic(path)
            .expect("write the distribution file");
        built.root()
    }

    /// Deploys the BondingManager test double for the token, from the committee.
    pub async fn deploy_bonding_manager(&self) -> Address {
        let code = [
            BondingManagerDouble::BYTECODE.to_vec(),
            self.token.abi_encode(),
        ]
        .concat();
        anvil::deploy(
            &self.chain,
            &self.committee_wallet(),
            code,
            "deploy BondingManagerDouble",
        )
        .await
        .expect("deploy BondingManagerDouble")
    }
}
