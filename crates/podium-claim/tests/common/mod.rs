//! Test support: a real anvil with the token and a funded distributor, rounds built with podium-core
//! and posted by the committee, a go-livepeer-style keystore for the orchestrator, and the real
//! `podium-claim` binary run in the foreground or the background.
#![allow(dead_code, unreachable_pub)] // each test binary uses a different part

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use podium_chain::{
    Chain, Wallet,
    alloy::{
        eips::Encodable2718,
        network::{Ethereum, NetworkTransactionBuilder, TransactionBuilder},
        primitives::{Address, B256, TxHash, U256},
        providers::Provider,
        rpc::types::{Filter, TransactionRequest},
        sol_types::{SolCall, SolEvent},
    },
    anvil,
    anvil::spawn_tied,
    bindings::{BondingManagerDouble, IERC20, PodiumDistributor},
    fixture::Program,
    send::Call,
};

pub const DAY: u64 = 86_400;
pub const ROUND: u64 = 7 * DAY;
pub const ROOT_DELAY: u64 = DAY;
pub const PASSWORD: &str = "orchestrator password";

pub use podium_chain::fixture::tokens as lpt;

/// The committee (also funder and deployer): anvil account 0.
pub fn committee() -> Wallet {
    anvil::dev_wallet(0)
}

/// The orchestrator that claims: anvil account 1, loaded by the binary from a keystore.
pub fn orchestrator() -> Address {
    anvil::dev_signer(1).address()
}

/// Someone else: anvil account 2.
pub fn third_party() -> Wallet {
    anvil::dev_wallet(2)
}

/// The fixture (a deployed, funded program on a fresh anvil, the orchestrator's keystore), with
/// `rounds/` and `state/` in its directory.
pub struct Env {
    pub fx: Program,
}

impl std::ops::Deref for Env {
    type Target = Program;
    fn deref(&self) -> &Program {
        &self.fx
    }
}

impl std::ops::DerefMut for Env {
    fn deref_mut(&mut self) -> &mut Program {
        &mut self.fx
    }
}

pub async fn send(
    chain: &Chain,
    wallet: &Wallet,
    to: Address,
    data: Vec<u8>,
    what: &str,
) -> TxHash {
    anvil::send(chain, wallet, Call::new(to, data, what))
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .hash
}

impl Env {
    /// Anvil (with `extra` arguments), the test token, a 10-round distributor funded for all rounds.
    pub async fn new(extra: &[&str]) -> Self {
        Self::timed(extra, ROUND, ROOT_DELAY).await
    }

    /// Like [`Env::new`] with weekly rounds of `round_duration` seconds and a root delay of
    /// `root_delay` seconds (short ones keep the chain's clock near the wall clock). The committee
    /// (account 0) deploys and funds 10 000; round 1 starts 10 s after set-up.
    pub async fn timed(extra: &[&str], round_duration: u64, root_delay: u64) -> Self {
        let mut builder = Program::builder()
            .start_in(10)
            .round_duration(round_duration)
            .round_count(10)
            .round_budget(1_000)
            .root_delay(root_delay)
            .claim_window(60 * DAY)
            .fund(10_000)
            .keystore(1, PASSWORD);
        for a in extra {
            builder = builder.anvil_arg(*a);
        }
        let fx = builder.spawn().await;
        std::fs::create_dir_all(fx.path("rounds")).unwrap();
        std::fs::create_dir_all(fx.path("state")).unwrap();
        Self { fx }
    }

    pub fn url(&self) -> String {
        self.chain_url()
    }

    fn chain_url(&self) -> String {
        self.node.url()
    }

    pub fn rounds_dir(&self) -> PathBuf {
        self.dir.path().join("rounds")
    }

    pub fn round_path(&self, round: u64) -> PathBuf {
        self.rounds_dir().join(format!("round-{round}.json"))
    }

    pub fn ends_at(&self, round: u64) -> u64 {
        self.params.timeline.start + round * self.params.timeline.round_duration
    }

    /// The leaves of a round: the orchestrator gets `amount`, three others a little.
    pub fn leaves(round: u64, amount: U256) -> Vec<(Address, U256)> {
        vec![
            (orchestrator(), amount),
            (third_party().address(), lpt(3)),
            (Address::repeat_byte(0x44), lpt(4)),
            (Address::repeat_byte(0x55), lpt(5) + U256::from(round)),
        ]
    }

    /// Builds a round's file with podium-core (for `chain_id` and `distributor`) at `path`.
    pub fn build_file(
        &self,
        round: u64,
        payouts: &[(Address, U256)],
        chain_id: u64,
        distributor: Address,
        path: &Path,
    ) -> B256 {
        self.write_distribution(path, chain_id, distributor, round, payouts)
    }

    /// Warps past the round's end (if needed), writes its file into the rounds directory and posts
    /// its root; the root is pending until [`Env::make_valid`].
    pub async fn post_round(&self, round: u64, amount: U256) -> B256 {
        self.post_round_at(
            round,
            amount,
            &format!("https://example.org/round-{round}.json"),
        )
        .await
    }

    /// [`Env::post_round`] with the root's `uri`.
    pub async fn post_round_at(&self, round: u64, amount: U256, uri: &str) -> B256 {
        let chain_id = self.chain.chain_id;
        let path = self.round_path(round);
        let payouts = Self::leaves(round, amount);
        let root = self.build_file(round, &payouts, chain_id, self.distributor, &path);
        let now = self.chain.now().await.unwrap();
        if now < self.ends_at(round) {
            anvil::warp(&self.chain, self.ends_at(round))
                .await
                .expect("anvil::warp");
        }
        let total: U256 = payouts.iter().map(|p| p.1).sum();
        let call = PodiumDistributor::postRootCall {
            round: U256::from(round),
            root,
            total,
            uri: uri.to_owned(),
        };
        send(
            &self.chain,
            &committee(),
            self.distributor,
            call.abi_encode(),
            "postRoot",
        )
        .await;
        root
    }

    /// Warps until every posted root is valid.
    pub async fn make_valid(&self) {
        let now = self.chain.now().await.unwrap();
        anvil::warp(&self.chain, now + self.params.timeline.root_delay + 1)
            .await
            .expect("anvil::warp");
    }

    pub async fn revoke(&self, round: u64) {
        let call = PodiumDistributor::revokeRootCall {
            round: U256::from(round),
        };
        send(
            &self.chain,
            &committee(),
            self.distributor,
            call.abi_encode(),
            "revokeRoot",
        )
        .await;
    }

    pub async fn balance(&self, account: Address) -> U256 {
        IERC20::new(self.token, &self.chain.provider)
            .balanceOf(account)
            .call()
            .await
            .unwrap()
    }

    pub async fn nonce(&self, account: Address) -> u64 {
        self.chain
            .provider
            .get_transaction_count(account)
            .await
            .unwrap()
    }

    /// `Claimed` events for `account`: (round, amount, tx).
    pub async fn claimed_events(&self, account: Address) -> Vec<(u64, U256, TxHash)> {
        let filter = Filter::new()
            .address(self.distributor)
            .event_signature(PodiumDistributor::Claimed::SIGNATURE_HASH)
            .topic2(account.into_word())
            .from_block(0);
        self.chain
            .provider
            .get_logs(&filter)
            .await
            .unwrap()
            .iter()
            .map(|log| {
                let e = PodiumDistributor::Claimed::decode_log(&log.inner).unwrap();
                (
                    u64::try_from(e.data.round).unwrap(),
                    e.data.amount,
                    log.transaction_hash.unwrap(),
                )
            })
            .collect()
    }

    /// The orchestrator's claim of `round` from its file, as the contract takes it.
    pub fn claim_of(&self, round: u64) -> PodiumDistributor::claimManyCall {
        let file = podium_core::DistributionFile::read(&self.round_path(round)).unwrap();
        let c = file.claim(&orchestrator()).unwrap();
        PodiumDistributor::claimManyCall {
            account: orchestrator(),
            claims: vec![podium_chain::bindings::IPodiumDistributor::Claim {
                round: U256::from(round),
                index: U256::from(c.index),
                amount: c.amount.0,
                proof: c.proof.clone(),
            }],
        }
    }

    /// The binary with the node, the configured distributor, the keystore, the state directory
    /// and quick retries.
    pub fn claim_cmd(&self) -> Command {
        self.cmd(&self.chain_url(), &self.dir.path().join("state"), true)
    }

    /// [`Env::claim_cmd`] without `--distributor`.
    pub fn unconfigured_cmd(&self) -> Command {
        self.cmd(&self.chain_url(), &self.dir.path().join("state"), false)
    }

    /// [`Env::claim_cmd`] talking to `url` (a [`Proxy`]) and keeping its state in `state`.
    pub fn cmd(&self, url: &str, state: &Path, distributor: bool) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("podium-claim"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("PODIUM_LOG", "info")
            .args(["--rpc-url", url])
            .args(["--rpc-backoff", "100"])
            .arg("--keystore")
            .arg(self.dir.path().join("keystore"))
            .arg("--password-file")
            .arg(self.dir.path().join("password.txt"))
            .arg("--state-dir")
            .arg(state);
        if distributor {
            cmd.args(["--distributor", &self.distributor.to_string()]);
        }
        cmd
    }

    /// Like [`Env::claim_cmd`] without a wallet.
    pub fn dry_cmd(&self) -> Command {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("podium-claim"));
        cmd.env_clear()
            .args(["--rpc-url", &self.chain_url()])
            .args(["--rpc-backoff", "100"])
            .args(["--distributor", &self.distributor.to_string()])
            .arg("--state-dir")
            .arg(self.dir.path().join("state"));
        cmd
    }
}

/// Runs to completion: (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run podium-claim");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A `podium-claim` running in the background whose stderr the test can wait on.
pub struct Background {
    child: Child,
    stderr: Arc<Mutex<String>>,
    stdout: Arc<Mutex<String>>,
}

impl Background {
    pub fn spawn(cmd: &mut Command) -> Self {
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Tied to the test process (killed with it, even by SIGKILL); the spawner needs the command
        // by value, so the caller's builder is taken and an empty one left in its place.
        let cmd = std::mem::replace(cmd, Command::new("podium-claim"));
        let mut child = spawn_tied(cmd).expect("spawn podium-claim");
        let stderr = Arc::new(Mutex::new(String::new()));
        let stdout = Arc::new(Mutex::new(String::new()));
        for (pipe, buf) in [
            (
                Box::new(child.stderr.take().unwrap()) as Box<dyn std::io::Read + Send>,
                stderr.clone(),
            ),
            (Box::new(child.stdout.take().unwrap()), stdout.clone()),
        ] {
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut b = buf.lock().unwrap();
                    b.push_str(&line);
                    b.push('\n');
                }
            });
        }
        Self {
            child,
            stderr,
            stdout,
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Waits until stderr contains `text` (panics after `secs`).
    pub async fn wait_for(&mut self, text: &str, secs: u64) {
        let started = Instant::now();
        while !self.stderr().contains(text) {
            if self.exited_after_printing(text).await {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(secs),
                "no {text:?} after {secs}s\nstderr:\n{}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether the process has exited, having printed `text` to stderr (after letting the reader
    /// threads drain); panics with both outputs if it exited without printing it.
    async fn exited_after_printing(&mut self, text: &str) -> bool {
        let Ok(Some(status)) = self.child.try_wait() else {
            return false;
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        if self.stderr().contains(text) {
            return true;
        }
        panic!(
            "podium-claim exited ({status}) before printing {text:?}\nstderr:\n{}\nstdout:\n{}",
            self.stderr(),
            self.stdout()
        );
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    }

    /// Kills it outright (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the exit code (panics after `secs`).
    pub async fn finish(&mut self, secs: u64) -> i32 {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                tokio::time::sleep(Duration::from_millis(200)).await;
                return status.code().unwrap_or(-1);
            }
            assert!(
                started.elapsed() < Duration::from_secs(secs),
                "podium-claim still running after {secs}s\nstderr:\n{}",
                self.stderr()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends a call into the pool without waiting for it (the test mines when it wants).
pub async fn send_async(chain: &Chain, wallet: &Wallet, to: Address, data: Vec<u8>) -> TxHash {
    let p = &chain.provider;
    let from = wallet.address();
    let nonce = p.get_transaction_count(from).pending().await.unwrap();
    let fees = p.estimate_eip1559_fees().await.unwrap();
    let request = TransactionRequest::default()
        .from(from)
        .to(to)
        .input(data.into())
        .with_nonce(nonce)
        .with_gas_limit(1_000_000)
        .with_max_fee_per_gas(fees.max_fee_per_gas)
        .with_max_priority_fee_per_gas(fees.max_priority_fee_per_gas)
        .with_chain_id(chain.chain_id);
    let envelope = <TransactionRequest as NetworkTransactionBuilder<Ethereum>>::build(
        request,
        &wallet.ethereum_wallet(),
    )
    .await
    .unwrap();
    let hash = *envelope.tx_hash();
    let _pending = p
        .send_raw_transaction(&envelope.encoded_2718())
        .await
        .unwrap();
    hash
}

/// How many transactions wait in anvil's pool.
pub async fn pool_size(chain: &Chain) -> u64 {
    let status: serde_json::Value = chain
        .provider
        .raw_request("txpool_status".into(), ())
        .await
        .unwrap();
    let pending = status["pending"].as_str().unwrap_or("0x0");
    u64::from_str_radix(pending.trim_start_matches("0x"), 16).unwrap()
}

/// Parses the binary's JSON report.
pub fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// The JSON-RPC proxy the tests put between the claimer and anvil (outage switch, log-range limit,
/// request counts): podium-chain's test proxy.
#[allow(unused_imports)]
pub use podium_chain::anvil::RpcProxy as Proxy;
use podium_chain::anvil::read_http;

impl Env {
    /// Deploys the BondingManager double, gives the orchestrator `spare` tokens beyond its claims
    /// (so a doubled stake would show), and returns the double's address.
    pub async fn staking(&self, spare: U256) -> Address {
        let bm = self.deploy_bonding_manager().await;
        if !spare.is_zero() {
            anvil::mint(&self.chain, &committee(), self.token, orchestrator(), spare)
                .await
                .expect("anvil::mint");
        }
        bm
    }

    /// What the orchestrator has bonded on `bm`.
    pub async fn bonded(&self, bm: Address) -> U256 {
        BondingManagerDouble::new(bm, &self.chain.provider)
            .bondedAmount(orchestrator())
            .call()
            .await
            .unwrap()
    }

    /// The number of `Bond` events of the orchestrator on `bm`.
    pub async fn bonds(&self, bm: Address) -> usize {
        let filter = Filter::new()
            .address(bm)
            .event_signature(BondingManagerDouble::Bond::SIGNATURE_HASH)
            .topic3(orchestrator().into_word())
            .from_block(0);
        self.chain.provider.get_logs(&filter).await.unwrap().len()
    }

    /// [`Env::claim_cmd`] with `--stake` on `bm`.
    pub fn stake_cmd(&self, bm: Address) -> Command {
        let mut cmd = self.claim_cmd();
        cmd.args(["--stake", "--bonding-manager", &bm.to_string()]);
        cmd
    }

    /// [`Env::stake_cmd`] through `url` with its own state directory `state`.
    pub fn stake_cmd_via(&self, bm: Address, url: &str, state: &Path) -> Command {
        let mut cmd = self.cmd(url, state, true);
        cmd.args(["--stake", "--bonding-manager", &bm.to_string()]);
        cmd
    }

    /// Mines exactly the blocks `bg` waits for until it prints `text` (a "sent ..." line), and not
    /// one more: for each other transaction it reports sent ("sent X: ... waiting for N
    /// confirmation(s)", or a fee bump), N blocks. So the transaction `text` names is still in the
    /// pool when this returns, however the test and the claimer are scheduled: the claimer sends
    /// its next transaction only once the previous one has its confirmations, which only this loop
    /// mines. (Mining on a timer until the line appeared raced with it: CI once saw the bond mined
    /// before the test took the node away.)
    pub async fn mine_until(&self, bg: &mut Background, text: &str, secs: u64) {
        let started = Instant::now();
        let mut handled = 0;
        loop {
            let stderr = bg.stderr();
            let sent: Vec<&str> = stderr
                .lines()
                .filter(|l| l.contains("INFO sent ") || l.contains("INFO replaced "))
                .collect();
            for line in &sent[handled..] {
                if line.contains(text) {
                    return;
                }
                let blocks = line
                    .split("waiting for ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(1);
                for _ in 0..blocks {
                    anvil::mine(&self.chain).await.expect("anvil::mine");
                }
            }
            handled = sent.len();
            if bg.exited_after_printing(text).await {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(secs),
                "no {text:?} after {secs}s\nstderr:\n{stderr}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A static file server, a real HTTP server on a free localhost port: `GET /path` answers the file
/// at `root/path` (404 when there is none), and a path marked with [`Site::stall`] answers nothing
/// until the server is dropped. Counts requests per path. Stopped on drop.
pub struct Site {
    pub url: String,
    pub root: PathBuf,
    stalled: Arc<Mutex<std::collections::BTreeSet<String>>>,
    hits: Arc<Mutex<std::collections::BTreeMap<String, u64>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Site {
    /// Serves the files under `root`.
    pub fn start(root: &Path) -> Self {
        use std::sync::atomic::{AtomicBool, Ordering};
        std::fs::create_dir_all(root).unwrap();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stalled = Arc::new(Mutex::new(std::collections::BTreeSet::new()));
        let hits = Arc::new(Mutex::new(std::collections::BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, h, sp, dir) = (stalled.clone(), hits.clone(), stop.clone(), root.to_owned());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let (st, h, sp, dir) = (st.clone(), h.clone(), sp.clone(), dir.clone());
                std::thread::spawn(move || serve_file(stream, &dir, &st, &h, &sp));
            }
        });
        Self {
            url: format!("http://{addr}"),
            root: root.to_owned(),
            stalled,
            hits,
            stop,
            addr,
        }
    }

    /// Requests for `path` (e.g. `/round-1.json`) get no answer until the server stops.
    pub fn stall(&self, path: &str) {
        self.stalled.lock().unwrap().insert(path.to_owned());
    }

    /// Requests seen for `path`.
    pub fn hits(&self, path: &str) -> u64 {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
    }
}

fn serve_file(
    mut stream: std::net::TcpStream,
    root: &Path,
    stalled: &Mutex<std::collections::BTreeSet<String>>,
    hits: &Mutex<std::collections::BTreeMap<String, u64>>,
    stop: &std::sync::atomic::AtomicBool,
) {
    use std::io::Write;
    let Some((head, _)) = read_http(&mut stream) else {
        return;
    };
    let path = head
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_owned();
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    if stalled.lock().unwrap().contains(&path) {
        // Bounded by the server's life: holds the connection open, answering nothing.
        let started = Instant::now();
        while !stop.load(std::sync::atomic::Ordering::SeqCst)
            && started.elapsed() < Duration::from_secs(120)
        {
            std::thread::sleep(Duration::from_millis(50));
        }
        return;
    }
    let file = root.join(path.trim_start_matches('/'));
    let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
        (false, Ok(body)) => ("200 OK", body),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(&body);
}
