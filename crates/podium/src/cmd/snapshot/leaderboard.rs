//! A client for the Livepeer leaderboard API (livepeer/leaderboard-serverless): `GET
//! /api/aggregated_stats` and `GET /api/raw_stats` with `since`/`until` in unix seconds, both ends
//! inclusive, `region` upper-cased and `orchestrator` lower-cased as the server does.
//!
//! Answers are kept byte for byte (the snapshot stores them as they came). A request is retried, with
//! the tools' one backoff schedule (`podium_chain::retry::backoff_delay`), after a connection
//! failure, a timeout, a body cut off before its announced length, and HTTP 429 or 5xx; never after
//! another 4xx (the server's `{"error": "..."}` message is shown) or an answer that is not JSON.
//! Every error names the URL and what was wrong.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use podium_chain::alloy::transports::http::reqwest::{self, Url};

/// The public leaderboard API, as the Livepeer explorer calls it (livepeer/explorer
/// `pages/api/score`) and livepeer/leaderboard-serverless's README names it.
pub(crate) const DEFAULT_URL: &str = "https://leaderboard-serverless.vercel.app";

/// Largest answer we accept: the aggregated stats of every orchestrator in every region are well
/// under a megabyte; a week of raw records for one orchestrator a few.
const MAX_BODY: usize = 64 << 20;

/// How patiently to talk to the leaderboard.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Patience {
    /// Per request.
    pub(crate) timeout: Duration,
    /// Retries after the first attempt.
    pub(crate) retries: u32,
    /// First wait before a retry; it doubles.
    pub(crate) backoff: Duration,
}

/// A leaderboard API.
pub(crate) struct Client {
    http: reqwest::Client,
    base: Url,
    patience: Patience,
}

/// One answer.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) url: String,
    pub(crate) status: u16,
    pub(crate) attempts: u32,
    /// Unix seconds when the body was complete.
    pub(crate) fetched_at: u64,
    pub(crate) body: Vec<u8>,
}

/// A request that failed for good: `{url}: {message}`.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub(crate) struct FetchError {
    pub(crate) url: String,
    pub(crate) message: String,
}

/// What one attempt gave: an answer, or a problem and whether trying again may help.
enum Attempt {
    Done(u16, Vec<u8>),
    Failed { message: String, transient: bool },
}

impl Client {
    /// A client for `base` (scheme and host, optionally a path prefix; `/api/...` is appended).
    pub(crate) fn new(base: &str, patience: Patience) -> eyre::Result<Self> {
        let trimmed = base.trim().trim_end_matches('/');
        let base: Url = trimmed
            .parse()
            .map_err(|e| eyre::eyre!("--leaderboard-url {trimmed:?} is not a URL: {e}"))?;
        eyre::ensure!(
            matches!(base.scheme(), "http" | "https"),
            "--leaderboard-url {trimmed:?}: use an http:// or https:// URL"
        );
        let http = reqwest::Client::builder()
            .timeout(patience.timeout)
            .connect_timeout(patience.timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("podium/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| eyre::eyre!("cannot build an HTTP client: {e}"))?;
        Ok(Self {
            http,
            base,
            patience,
        })
    }

    /// The base URL as given (no trailing slash).
    pub(crate) fn base(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// The URL of `endpoint` with `query`, exactly as requested.
    pub(crate) fn url(&self, endpoint: &str, query: &[(String, String)]) -> String {
        let mut url = self.base.clone();
        let path = format!("{}/api/{endpoint}", url.path().trim_end_matches('/'));
        url.set_path(&path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url.to_string()
    }

    /// GETs `endpoint` with `query`, retrying what is worth retrying.
    pub(crate) async fn get(
        &self,
        endpoint: &str,
        query: &[(String, String)],
    ) -> Result<Answer, FetchError> {
        let url = self.url(endpoint, query);
        let mut attempt = 0u32;
        loop {
            match self.attempt(&url).await {
                Attempt::Done(status, body) => {
                    check_json(&body).map_err(|message| FetchError {
                        url: url.clone(),
                        message,
                    })?;
                    return Ok(Answer {
                        url,
                        status,
                        attempts: attempt + 1,
                        fetched_at: SystemTime::now()
                            .duration_since(UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs()),
                        body,
                    });
                }
                Attempt::Failed { message, transient } => {
                    if !transient || attempt >= self.patience.retries {
                        let tries = if attempt == 0 {
                            String::new()
                        } else {
                            format!(" (gave up after {} attempts)", attempt + 1)
                        };
                        return Err(FetchError {
                            url,
                            message: format!("{message}{tries}"),
                        });
                    }
                    tokio::time::sleep(podium_chain::retry::backoff_delay(
                        self.patience.backoff,
                        attempt,
                    ))
                    .await;
                    attempt += 1;
                }
            }
        }
    }

    async fn attempt(&self, url: &str) -> Attempt {
        let failed = |message: String, transient: bool| Attempt::Failed { message, transient };
        let mut response = match self.http.get(url).send().await {
            Ok(r) => r,
            Err(e) => return failed(self.describe(&e), true),
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let announced = response.content_length();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_BODY {
                        return failed(
                            format!("the answer is larger than {} MiB", MAX_BODY >> 20),
                            false,
                        );
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    let what = match announced {
                        Some(n) => format!(
                            "the answer was cut off after {} of {n} bytes ({})",
                            body.len(),
                            self.describe(&e)
                        ),
                        None => format!(
                            "the answer was cut off after {} bytes ({})",
                            body.len(),
                            self.describe(&e)
                        ),
                    };
                    return failed(what, true);
                }
            }
        }
        if !status.is_success() {
            let transient = status.as_u16() == 429 || status.is_server_error();
            return failed(
                format!("the server answered HTTP {status}{}", server_says(&body)),
                transient,
            );
        }
        if content_type.to_ascii_lowercase().contains("html") || looks_like_html(&body) {
            return failed(
                format!(
                    "expected JSON but the server sent an HTML page ({}): is --leaderboard-url the \
                     API's base URL, such as {DEFAULT_URL}?",
                    excerpt(&body)
                ),
                false,
            );
        }
        Attempt::Done(status.as_u16(), body)
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            format!(
                "no answer within {} s (see --timeout)",
                self.patience.timeout.as_secs_f64()
            )
        } else if e.is_connect() {
            format!("cannot connect: {}", chain_text(e))
        } else {
            chain_text(e)
        }
    }
}

/// The server's own explanation: leaderboard-serverless answers errors with `{"error": "..."}`.
fn server_says(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        error: String,
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => format!(": {}", e.error),
        Err(_) if body.iter().all(u8::is_ascii_whitespace) => String::new(),
        Err(_) => format!(": {}", excerpt(body)),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    body[start..].first() == Some(&b'<')
}

/// The body is a JSON document, whole: a truncated or garbled answer is refused before anything is
/// stored. (What it means is podium-core's to check.)
fn check_json(body: &[u8]) -> Result<(), String> {
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => Ok(()),
        Err(e) if e.is_eof() => Err(format!(
            "the answer ends in the middle of its JSON after {} bytes (line {}, column {}): it was \
             cut off",
            body.len(),
            e.line(),
            e.column()
        )),
        Err(e) => Err(format!("the answer is not JSON: {e} ({})", excerpt(body))),
    }
}

/// The first 80 characters of a body, on one line.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{:?}…", one_line.chars().take(80).collect::<String>())
    } else {
        format!("{one_line:?}")
    }
}

/// An error and its causes, on one line, without repeating a cause the text above already holds.
pub(crate) fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::new(
            base,
            Patience {
                timeout: Duration::from_secs(1),
                retries: 0,
                backoff: Duration::from_millis(1),
            },
        )
        .unwrap()
    }

    #[test]
    fn builds_the_servers_urls() {
        let q = vec![
            ("since".to_owned(), "1796083200".to_owned()),
            ("until".to_owned(), "1796688000".to_owned()),
        ];
        assert_eq!(
            client("https://leaderboard-serverless.vercel.app/").url("aggregated_stats", &q),
            "https://leaderboard-serverless.vercel.app/api/aggregated_stats?since=1796083200&until=1796688000"
        );
        assert_eq!(
            client("http://127.0.0.1:9/prefix").url("raw_stats", &[]),
            "http://127.0.0.1:9/prefix/api/raw_stats"
        );
        assert!(Client::new("ftp://x", client("http://x").patience).is_err());
    }

    #[test]
    fn explains_bad_bodies() {
        assert!(check_json(b"{\"a\": 1}").is_ok());
        let e = check_json(b"{\"0xab\": {\"FRA\": {\"score\"").unwrap_err();
        assert!(e.contains("cut off"), "{e}");
        let e = check_json(b"oops").unwrap_err();
        assert!(e.contains("not JSON") && e.contains("oops"), "{e}");
        assert_eq!(
            server_says(b"{\"error\":\"orchestrator is a required parameter\"}\n"),
            ": orchestrator is a required parameter"
        );
        assert!(looks_like_html(b"\n <!DOCTYPE html>"));
    }
}
