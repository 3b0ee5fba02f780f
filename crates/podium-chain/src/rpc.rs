//! The RPC option group and the provider every command uses.

use std::time::Duration;

use alloy::{
    providers::{Provider, RootProvider},
    rpc::{
        client::ClientBuilder,
        types::{Filter, Log},
    },
    transports::{
        RpcError, TransportError, TransportErrorKind,
        http::{Http, reqwest},
    },
};
use clap::Args;

use crate::{Error, Refusal, Result, retry::RetryLayer};

/// The provider type used everywhere: no fillers, since [`crate::send`] fills and signs itself.
pub type ChainProvider = RootProvider;

/// Where the node is and how patiently to talk to it (Foundry's `cast` names and variables).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "RPC options")]
pub struct RpcOpts {
    /// The node's JSON-RPC endpoint (http or https).
    #[arg(
        long = "rpc-url",
        short = 'r',
        env = "ETH_RPC_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub rpc_url: Option<String>,

    /// The chain id the node must be on; checked before anything is read or sent.
    #[arg(
        long = "chain",
        visible_alias = "chain-id",
        env = "CHAIN",
        value_name = "CHAIN_ID"
    )]
    pub chain: Option<u64>,

    /// Seconds before a single RPC request times out.
    #[arg(
        long = "rpc-timeout",
        env = "ETH_RPC_TIMEOUT",
        value_name = "SECONDS",
        default_value_t = 45
    )]
    pub rpc_timeout: u64,

    /// Retries of a request after a transport error or rate limit (never after a revert).
    #[arg(long = "rpc-retries", value_name = "N", default_value_t = 3)]
    pub rpc_retries: u32,

    /// First wait before a retry, in milliseconds; it doubles with each retry.
    #[arg(long = "rpc-backoff", value_name = "MILLIS", default_value_t = 250)]
    pub rpc_backoff: u64,
}

impl RpcOpts {
    /// Options for `url` with the defaults (used by tests and other tools).
    pub fn for_url(url: impl Into<String>) -> Self {
        Self {
            rpc_url: Some(url.into()),
            chain: None,
            rpc_timeout: 45,
            rpc_retries: 3,
            rpc_backoff: 250,
        }
    }

    /// Connects: builds the provider, asks the node for its chain id (with retries) and checks it
    /// against `--chain` when given.
    pub async fn connect(&self) -> Result<Chain> {
        let raw = self.rpc_url.as_deref().ok_or_else(|| {
            Error::Other("no RPC endpoint: pass --rpc-url URL or set ETH_RPC_URL".into())
        })?;
        let label = redact_url(raw);
        let url: reqwest::Url =
            raw.parse()
                .map_err(|e: url_error::ParseError| Error::BadRpcUrl {
                    url: label.clone(),
                    reason: e.to_string(),
                })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::BadRpcUrl {
                url: label,
                reason: format!(
                    "scheme {:?} is not supported; use http:// or https://",
                    url.scheme()
                ),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(self.rpc_timeout.max(1)))
            .connect_timeout(Duration::from_secs(self.rpc_timeout.clamp(1, 10)))
            .build()
            .map_err(|e| Error::Other(format!("cannot build the HTTP client: {e}")))?;
        let is_local = url
            .host_str()
            .is_some_and(|h| h == "localhost" || h == "127.0.0.1");
        let client = ClientBuilder::default()
            .layer(RetryLayer::new(
                self.rpc_retries,
                Duration::from_millis(self.rpc_backoff),
            ))
            .transport(Http::with_client(http, url), is_local);
        let provider = RootProvider::new(client);
        let mut chain = Chain {
            provider,
            chain_id: 0,
            url: label,
            secret_url: raw.to_owned(),
        };
        chain.chain_id = chain
            .provider
            .get_chain_id()
            .await
            .map_err(|e| chain.rpc_err("eth_chainId", e))?;
        if let Some(expected) = self.chain {
            chain.expect_chain_id(expected, "from --chain")?;
        }
        Ok(chain)
    }
}

/// The `url` crate's parse error, as re-exported by reqwest.
mod url_error {
    pub(crate) use alloy::transports::http::reqwest::Url;
    pub(crate) type ParseError = <Url as std::str::FromStr>::Err;
}

/// A connected node: the provider, its chain id, and a printable name for it.
#[derive(Debug, Clone)]
pub struct Chain {
    /// The provider (retrying, with a request timeout).
    pub provider: ChainProvider,
    /// The node's chain id.
    pub chain_id: u64,
    /// The endpoint as shown to people: scheme and host only, so API keys never reach a terminal.
    pub url: String,
    secret_url: String,
}

impl Chain {
    /// Fails unless the node is on `expected`; `context` says where the expectation came from.
    pub fn expect_chain_id(&self, expected: u64, context: &str) -> Result<()> {
        if self.chain_id == expected {
            Ok(())
        } else {
            Err(Error::ChainIdMismatch {
                url: self.url.clone(),
                expected,
                actual: self.chain_id,
                context: context.to_owned(),
            })
        }
    }

    /// The error for a failed request, with the full error chain and the URL redacted: an
    /// [`Error::Refused`] when the node answered with an error (it is up, and asking again will not
    /// change its answer), an [`Error::Rpc`] when it could not be reached (after the retries).
    pub fn rpc_err(&self, method: &str, err: TransportError) -> Error {
        let message = self.describe(&err);
        match refusal_of(&err) {
            Some(kind) => Error::Refused {
                url: self.url.clone(),
                method: method.to_owned(),
                kind,
                message,
            },
            None => Error::Rpc {
                url: self.url.clone(),
                method: method.to_owned(),
                message,
            },
        }
    }

    /// Every log matching `filter` in blocks `from..=to`, oldest first. Asks [`LOG_STEP`] blocks at a
    /// time; when the provider refuses a range as too wide (or too many results), halves it and
    /// backs off a little, down to single blocks. Bounded: at most [`MAX_LOG_REQUESTS`] requests.
    pub async fn logs(&self, filter: &Filter, from: u64, to: u64) -> Result<Vec<Log>> {
        let mut scan = LogScan::new(LOG_STEP);
        self.scan_logs(filter, from, to, &mut scan).await
    }

    /// [`Chain::logs`] with the request sizing of `scan`, which also counts the requests made (one
    /// `LogScan` can be reused across calls to add them up). Halves the range on a refusal as
    /// [`Chain::logs`] does; with [`LogScan::growing`], doubles it after each answered request until
    /// the first refusal, so a sparse event over hundreds of millions of blocks takes a few requests
    /// on a node without a range limit and still works, in ranges it accepts, on one with a limit.
    pub async fn scan_logs(
        &self,
        filter: &Filter,
        from: u64,
        to: u64,
        scan: &mut LogScan,
    ) -> Result<Vec<Log>> {
        let mut out = Vec::new();
        let mut step = scan.first.max(1);
        let mut grow = scan.grow;
        let mut start = from;
        let mut made = 0usize;
        let mut refusals = 0u32;
        while start <= to {
            let end = start.saturating_add(step - 1).min(to);
            made += 1;
            if made > MAX_LOG_REQUESTS {
                return Err(Error::Other(format!(
                    "reading logs of blocks {from}..={to} from {} took more than {MAX_LOG_REQUESTS} \
                     requests; the provider serves too few blocks per request",
                    self.url
                )));
            }
            let ranged = filter.clone().from_block(start).to_block(end);
            let answer = self.provider.get_logs(&ranged).await;
            scan.requests += 1;
            match answer {
                Ok(logs) => {
                    out.extend(logs);
                    start = match end.checked_add(1) {
                        Some(next) => next,
                        None => break,
                    };
                    if grow {
                        step = step.saturating_mul(2);
                    }
                }
                Err(err) => match self.rpc_err("eth_getLogs", err) {
                    Error::Refused {
                        kind: Refusal::RangeLimited,
                        message,
                        ..
                    } if end > start => {
                        step = (end - start).div_ceil(2).max(1);
                        grow = false;
                        refusals += 1;
                        scan.refusals += 1;
                        tracing::debug!(%message, step, "log range refused; halving it");
                        tokio::time::sleep(Duration::from_millis(50 * u64::from(refusals.min(20))))
                            .await;
                    }
                    other => return Err(other),
                },
            }
        }
        Ok(out)
    }

    /// The error and its causes in one line, with the URL redacted.
    pub fn describe(&self, err: &(dyn std::error::Error + 'static)) -> String {
        let mut parts = vec![err.to_string()];
        let mut source = err.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            if !parts.iter().any(|p| p.contains(&text)) {
                parts.push(text);
            }
            source = cause.source();
        }
        let joined = parts.join(": ");
        let trimmed = self.secret_url.trim_end_matches('/');
        if trimmed.is_empty() {
            joined
        } else {
            joined.replace(trimmed, &self.url)
        }
    }

    /// The latest block's timestamp: "now" as the chain sees it.
    pub async fn now(&self) -> Result<u64> {
        let block = self
            .provider
            .get_block_by_number(alloy::eips::BlockNumberOrTag::Latest)
            .await
            .map_err(|e| self.rpc_err("eth_getBlockByNumber", e))?
            .ok_or_else(|| Error::Other(format!("{} returned no latest block", self.url)))?;
        Ok(block.header.timestamp)
    }

    /// Waits until the node answers `eth_blockNumber` again, asking after 0.5 s, then doubling the pause
    /// up to 5 s, for at most `patience`; whether it came back. Used by whoever has a transaction in
    /// flight when the node goes away and must not guess what happened to it.
    pub async fn await_node(&self, patience: Duration) -> bool {
        let started = std::time::Instant::now();
        let mut pause = Duration::from_millis(500);
        loop {
            if self.provider.get_block_number().await.is_ok() {
                tracing::info!("the node {} answers again", self.url);
                return true;
            }
            if started.elapsed() >= patience {
                return false;
            }
            tokio::time::sleep(pause.min(patience.saturating_sub(started.elapsed()))).await;
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

/// How [`Chain::scan_logs`] sizes its `eth_getLogs` requests, and what it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogScan {
    /// Blocks in the first request.
    pub first: u64,
    /// Double the range after each answered request, until the first refusal.
    pub grow: bool,
    /// Requests made so far (answered or refused).
    pub requests: usize,
    /// Requests the provider refused as too wide.
    pub refusals: usize,
}

impl LogScan {
    /// At most `first` blocks per request (fewer after a refusal).
    pub fn new(first: u64) -> Self {
        Self {
            first,
            grow: false,
            requests: 0,
            refusals: 0,
        }
    }

    /// Starts at `first` blocks and doubles after each answered request until the node refuses.
    pub fn growing(first: u64) -> Self {
        Self {
            grow: true,
            ..Self::new(first)
        }
    }
}

/// Blocks asked for in one `eth_getLogs` before any refusal: within what public providers serve.
pub const LOG_STEP: u64 = 10_000;

/// The most `eth_getLogs` requests one [`Chain::logs`] call makes before giving up.
pub const MAX_LOG_REQUESTS: usize = 5_000;

/// `Some` when the node answered (a JSON-RPC error reply, or an HTTP client error other than 429):
/// the kind of refusal. `None` when it could not be reached or kept failing transiently.
pub fn refusal_of(err: &TransportError) -> Option<Refusal> {
    match err {
        RpcError::ErrorResp(payload) => Some(Refusal::of_message(&payload.message)),
        RpcError::Transport(TransportErrorKind::HttpError(http))
            if (400..500).contains(&http.status) && http.status != 429 =>
        {
            Some(Refusal::Other)
        }
        _ => None,
    }
}

/// `scheme://host[:port]`, plus `/…` when the URL had a path or query: RPC URLs often carry an API
/// key in the path (`/v2/KEY`) or in credentials, which must not end up in logs.
pub fn redact_url(raw: &str) -> String {
    match raw.parse::<url_error::Url>() {
        Ok(url) => {
            let host = url.host_str().unwrap_or("");
            let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
            let more = (url.path() != "/" && !url.path().is_empty()) || url.query().is_some();
            format!(
                "{}://{host}{port}{}",
                url.scheme(),
                if more { "/…" } else { "" }
            )
        }
        Err(_) => "<unparsable URL>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_keys_in_urls() {
        assert_eq!(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
        assert_eq!(
            redact_url("https://arb-mainnet.g.alchemy.com/v2/SECRETKEY"),
            "https://arb-mainnet.g.alchemy.com/…"
        );
        assert_eq!(
            redact_url("https://user:pw@node.example/?key=abc"),
            "https://node.example/…"
        );
        assert_eq!(redact_url("not a url"), "<unparsable URL>");
    }
}
