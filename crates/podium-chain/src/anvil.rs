//! Test support (feature `test-utils`): a real anvil on a free port, stopped when dropped; the
//! well-known anvil development keys; geth-format keystores; quick deployments of the test token
//! and the distributor. Used by this crate's tests and by the CLIs' integration tests.

use std::{
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use alloy::{
    primitives::{Address, U256},
    providers::Provider,
    signers::local::PrivateKeySigner,
};

pub use crate::child::spawn_tied;
use crate::{
    Chain, Error, Result, RpcOpts, SendOpts, Sender, Wallet, bindings::TestToken, send::Call,
};

/// Private keys of anvil's first development accounts (from its public default mnemonic).
pub const DEV_KEYS: [&str; 4] = [
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
    "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
    "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
    "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
];

/// The signer of development account `i` (0..4).
pub fn dev_signer(i: usize) -> PrivateKeySigner {
    DEV_KEYS[i].parse().expect("valid development key")
}

/// The wallet of development account `i` (0..4).
pub fn dev_wallet(i: usize) -> Wallet {
    Wallet::from_signer(dev_signer(i), format!("anvil development account {i}"))
}

/// The anvil binary: `$PODIUM_ANVIL`, else the native binary of the workspace's npm Foundry package
/// for this platform (`node_modules/@foundry-rs/anvil-<os>-<arch>/bin/anvil`), else `anvil` on PATH.
/// Never the npm launcher `node_modules/.bin/anvil`: it is a node script that forwards only some
/// signals, so killing it would leave the real anvil running.
pub fn anvil_path() -> PathBuf {
    if let Some(path) = std::env::var_os("PODIUM_ANVIL") {
        return path.into();
    }
    let packages = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@foundry-rs");
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        "windows" => "win32",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let native = packages.join(format!("anvil-{os}-{arch}/bin/anvil"));
    if native.exists() {
        native
    } else {
        "anvil".into()
    }
}

/// A running anvil; killed (and reaped) on drop, and killed by the kernel if this process dies first
/// (see [`spawn_tied`]).
#[derive(Debug)]
pub struct Anvil {
    child: Child,
    port: u16,
    chain_id: u64,
}

/// How to start anvil.
#[derive(Debug, Clone)]
pub struct AnvilBuilder {
    chain_id: u64,
    port: Option<u16>,
    args: Vec<String>,
}

impl Default for AnvilBuilder {
    fn default() -> Self {
        Self {
            chain_id: 31_337,
            port: None,
            args: Vec::new(),
        }
    }
}

impl AnvilBuilder {
    /// Sets the chain id.
    pub fn chain_id(mut self, id: u64) -> Self {
        self.chain_id = id;
        self
    }

    /// Listens on `port` instead of a free one (to restart a stopped node where clients expect it).
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// Adds raw anvil arguments (e.g. `--no-mining`).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Starts anvil on a free port and waits until it accepts connections.
    pub fn spawn(self) -> Anvil {
        let started = Instant::now();
        for _ in 0..5 {
            let port = self.port.unwrap_or_else(free_port);
            let mut cmd = Command::new(anvil_path());
            cmd.args([
                "--port",
                &port.to_string(),
                "--chain-id",
                &self.chain_id.to_string(),
                "--silent",
            ])
            .args(["--host", "127.0.0.1"])
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let mut child = spawn_tied(cmd).unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); run `make setup`",
                    anvil_path().display()
                )
            });
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            while started.elapsed() < Duration::from_secs(30) {
                if let Ok(Some(_)) = child.try_wait() {
                    break; // exited: most likely the port was taken meanwhile; try another
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Anvil {
                        child,
                        port,
                        chain_id: self.chain_id,
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("anvil did not start within 30 s");
    }
}

/// A port nobody listens on right now (for anvil, and for "nothing listens here" tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Anvil {
    /// Starts a default anvil (chain 31337, automine).
    pub fn spawn() -> Self {
        AnvilBuilder::default().spawn()
    }

    /// A builder for other settings.
    pub fn builder() -> AnvilBuilder {
        AnvilBuilder::default()
    }

    /// The HTTP endpoint.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The chain id.
    pub fn chain_id(&self) -> u64 {
        self.chain_id
    }

    /// A connected [`Chain`] (fast retries).
    pub async fn chain(&self) -> Chain {
        let mut opts = RpcOpts::for_url(self.url());
        opts.rpc_backoff = 50;
        opts.connect().await.expect("connect to anvil")
    }
}

impl Anvil {
    /// The operating system's id of the anvil process.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops anvil as Ctrl-C would (SIGTERM), so `--state`/`--dump-state` write the chain to disk,
    /// and waits for it to exit (killing it after 20 s).
    pub fn stop(mut self) {
        self.terminate();
    }

    /// [`Anvil::stop`] in place, for a test that starts a new node where this one was (replacing it
    /// drops this one, which then has nothing left to kill).
    pub fn terminate(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sets the next block's timestamp to `ts` and mines it.
pub async fn warp(chain: &Chain, ts: u64) -> Result<()> {
    let _: serde_json::Value = chain
        .provider
        .raw_request("evm_setNextBlockTimestamp".into(), (ts,))
        .await
        .map_err(|e| chain.rpc_err("evm_setNextBlockTimestamp", e))?;
    mine(chain).await
}

/// Mines one block.
pub async fn mine(chain: &Chain) -> Result<()> {
    let _: serde_json::Value = chain
        .provider
        .raw_request("evm_mine".into(), ())
        .await
        .map_err(|e| chain.rpc_err("evm_mine", e))?;
    Ok(())
}

/// Turns automine on or off.
pub async fn set_automine(chain: &Chain, on: bool) {
    let _: serde_json::Value = chain
        .provider
        .raw_request("evm_setAutomine".into(), (on,))
        .await
        .expect("evm_setAutomine");
}

/// Writes a keystore for `signer` the way geth (and so go-livepeer) does: version 3 JSON with the
/// public `address` field, named `UTC--<time>--<address>`. Light scrypt parameters keep tests quick;
/// the format is the same.
pub fn write_keystore(dir: &Path, signer: &PrivateKeySigner, password: &str) -> PathBuf {
    let address = signer.address();
    let name = format!(
        "UTC--2026-01-01T00-00-00.000000000Z--{}",
        hex::encode(address)
    );
    let mut rng = rand::thread_rng();
    eth_keystore::encrypt_key(dir, &mut rng, signer.to_bytes(), password, Some(&name))
        .expect("write keystore");
    let path = dir.join(&name);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read keystore"))
            .expect("keystore JSON");
    json["address"] = hex::encode(address).into();
    std::fs::write(&path, serde_json::to_string(&json).expect("serialise"))
        .expect("rewrite keystore");
    path
}

/// Sends `call` from `wallet` quietly, with a 30 s receipt timeout.
pub async fn send(chain: &Chain, wallet: &Wallet, call: Call) -> Result<crate::Sent> {
    let opts = SendOpts {
        timeout: 30,
        ..SendOpts::default()
    };
    Sender::new(chain, wallet, &opts, |_| {}).send(&call).await
}

/// Deploys the mintable test token from `wallet`.
pub async fn deploy_test_token(chain: &Chain, wallet: &Wallet) -> Result<Address> {
    deploy(
        chain,
        wallet,
        TestToken::BYTECODE.to_vec(),
        "deploy TestToken",
    )
    .await
}

/// Deploys `init_code` from `wallet` and returns the new contract's address.
pub async fn deploy(
    chain: &Chain,
    wallet: &Wallet,
    init_code: Vec<u8>,
    what: &str,
) -> Result<Address> {
    let sent = send(chain, wallet, Call::deploy(init_code, what)).await?;
    sent.receipt
        .contract_address
        .ok_or_else(|| Error::Other(format!("{what}: the receipt names no contract address")))
}

/// Mints `amount` test tokens to `to`.
pub async fn mint(
    chain: &Chain,
    wallet: &Wallet,
    token: Address,
    to: Address,
    amount: U256,
) -> Result<()> {
    let data = alloy::sol_types::SolCall::abi_encode(&TestToken::mintCall { to, amount });
    send(chain, wallet, Call::new(token, data, "mint")).await?;
    Ok(())
}

pub use crate::program::{DistributorParams, Timeline};

/// Deploys a distributor from `wallet`.
pub async fn deploy_distributor(
    chain: &Chain,
    wallet: &Wallet,
    params: &DistributorParams,
) -> Result<Address> {
    deploy(
        chain,
        wallet,
        params.init_code(),
        "deploy PodiumDistributor",
    )
    .await
}

/// A JSON-RPC proxy in front of a node, a real HTTP server on a free localhost port that the test
/// starts, which can be taken down (connections closed without an answer, as when a node restarts),
/// refuse wide `eth_getLogs` ranges the way hosted endpoints do (a JSON-RPC error reply "query
/// returned more than 10000 results"), and counts requests by method. Its threads end with the test
/// process.
pub struct RpcProxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    down: std::sync::Arc<std::sync::atomic::AtomicBool>,
    log_limit: std::sync::Arc<std::sync::atomic::AtomicU64>,
    counts: std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>>,
}

impl RpcProxy {
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        use std::sync::{
            Arc, Mutex,
            atomic::{AtomicBool, AtomicU64},
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free localhost port");
        let url = format!("http://{}", listener.local_addr().expect("a local address"));
        let target = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let down = Arc::new(AtomicBool::new(false));
        let log_limit = Arc::new(AtomicU64::new(0));
        let counts = Arc::new(Mutex::new(std::collections::BTreeMap::new()));
        let (d, l, c) = (down.clone(), log_limit.clone(), counts.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (d, l, c, target) = (d.clone(), l.clone(), c.clone(), target.clone());
                std::thread::spawn(move || proxy_connection(stream, &target, &d, &l, &c));
            }
        });
        Self {
            url,
            down,
            log_limit,
            counts,
        }
    }

    /// Takes the proxy down (`true`: every request's connection is closed unanswered) or brings it
    /// back.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, std::sync::atomic::Ordering::SeqCst);
    }

    /// Requests seen in all.
    pub fn total(&self) -> u64 {
        self.counts.lock().expect("the counts lock").values().sum()
    }

    /// Refuses `eth_getLogs` over more than `blocks` blocks (0: no limit).
    pub fn limit_log_range(&self, blocks: u64) {
        self.log_limit
            .store(blocks, std::sync::atomic::Ordering::SeqCst);
    }

    /// Requests seen for `method`.
    pub fn count(&self, method: &str) -> u64 {
        self.counts
            .lock()
            .expect("the counts lock")
            .get(method)
            .copied()
            .unwrap_or(0)
    }
}

/// One HTTP/1.1 message: its head and its body (by Content-Length); `None` when the peer closes
/// first. For the test servers that read requests by hand.
pub fn read_http(stream: &mut impl std::io::Read) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn proxy_connection(
    mut client: TcpStream,
    target: &str,
    down: &std::sync::atomic::AtomicBool,
    log_limit: &std::sync::atomic::AtomicU64,
    counts: &std::sync::Mutex<std::collections::BTreeMap<String, u64>>,
) {
    use std::{io::Write, sync::atomic::Ordering};
    while let Some((_, body)) = read_http(&mut client) {
        if down.load(Ordering::SeqCst) {
            let _ = client.shutdown(std::net::Shutdown::Both);
            return;
        }
        let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let method = request["method"].as_str().unwrap_or("?").to_owned();
        if let Ok(mut c) = counts.lock() {
            *c.entry(method.clone()).or_default() += 1;
        }
        let limit = log_limit.load(Ordering::SeqCst);
        let block = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|h| u64::from_str_radix(h.trim_start_matches("0x"), 16).ok())
        };
        let refused = method == "eth_getLogs" && limit > 0 && {
            let f = &request["params"][0];
            match (block(&f["fromBlock"]), block(&f["toBlock"])) {
                (Some(from), Some(to)) => to.saturating_sub(from) + 1 > limit,
                _ => true, // "latest" and friends: unbounded
            }
        };
        let answer = if refused {
            serde_json::json!({
                "jsonrpc": "2.0",
                "id": request["id"],
                "error": {"code": -32005, "message": "query returned more than 10000 results"}
            })
            .to_string()
            .into_bytes()
        } else {
            let Ok(mut up) = TcpStream::connect(target) else {
                let _ = client.shutdown(std::net::Shutdown::Both);
                return;
            };
            let _ = write!(
                up,
                "POST / HTTP/1.1\r\nHost: {target}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = up.write_all(&body);
            let Some((_, answer)) = read_http(&mut up) else {
                let _ = client.shutdown(std::net::Shutdown::Both);
                return;
            };
            answer
        };
        let _ = write!(
            client,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        let _ = client.write_all(&answer);
    }
}
