//! A transport layer that retries what is worth retrying, with exponential backoff.
//!
//! Retried: transport failures (connection refused or reset, request timeouts), HTTP 429 and 5xx
//! responses, and JSON-RPC errors that providers use for rate limits (alloy's list: 429, -32005,
//! ...), honouring a server's backoff hint. Never retried: any other JSON-RPC error, in particular an
//! execution revert, which would fail the same way again. Replaying a request is safe for everything
//! we send: reads, and `eth_sendRawTransaction`, whose replay is answered "already known" (handled by
//! [`crate::send`]).

use std::{
    task::{Context, Poll},
    time::Duration,
};

use alloy::{
    rpc::json_rpc::{RequestPacket, ResponsePacket},
    transports::{
        RpcError, TransportError, TransportErrorKind, TransportFut, layers::RateLimitRetryPolicy,
        layers::RetryPolicy,
    },
};
use tower::{Layer, Service};

use crate::Refusal;

/// Longest single wait, whatever a server asks for: a command must fail in bounded time.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How many times to retry and how long to wait first; the wait doubles on each retry.
#[derive(Debug, Clone, Copy)]
pub struct RetryLayer {
    retries: u32,
    initial: Duration,
}

impl RetryLayer {
    /// Retries up to `retries` times after the first attempt, waiting `initial`, then twice as long
    /// each time (capped at 30 s).
    pub const fn new(retries: u32, initial: Duration) -> Self {
        Self { retries, initial }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = RetryService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RetryService {
            inner,
            config: *self,
        }
    }
}

/// The service [`RetryLayer`] wraps around a transport.
#[derive(Debug, Clone)]
pub struct RetryService<S> {
    inner: S,
    config: RetryLayer,
}

/// Whether `err` is transient: worth sending the same request again.
pub fn is_transient(err: &TransportError) -> bool {
    match err {
        RpcError::Transport(kind) => match kind {
            TransportErrorKind::HttpError(http) => http.status == 429 || http.status >= 500,
            TransportErrorKind::HttpErrorWithRetryAfter { error, .. } => {
                error.status == 429 || error.status >= 500
            }
            TransportErrorKind::BackendGone
            | TransportErrorKind::MissingBatchResponse(_)
            | TransportErrorKind::PubsubUnavailable => true,
            // reqwest's connect, timeout and body errors arrive as custom errors.
            TransportErrorKind::Custom(_) => true,
            _ => false,
        },
        RpcError::NullResp => true,
        // A log range the provider will not serve fails the same way every time (some providers
        // use their rate-limit code -32005 for it): the caller splits the range instead.
        RpcError::ErrorResp(payload)
            if Refusal::of_message(&payload.message) == Refusal::RangeLimited =>
        {
            false
        }
        _ => RateLimitRetryPolicy::default().should_retry(err),
    }
}

/// The wait before retry number `attempt + 1`: `initial`, doubled per earlier retry, capped at 30 s.
/// The one backoff schedule of the tools (RPC here, the leaderboard client in `podium snapshot`).
pub fn backoff_delay(initial: Duration, attempt: u32) -> Duration {
    initial
        .saturating_mul(1u32 << attempt.min(16))
        .min(MAX_BACKOFF)
}

fn backoff(config: &RetryLayer, attempt: u32, err: &TransportError) -> Duration {
    RateLimitRetryPolicy::default()
        .backoff_hint(err)
        .unwrap_or_else(|| backoff_delay(config.initial, attempt))
        .min(MAX_BACKOFF)
}

impl<S> Service<RequestPacket> for RetryService<S>
where
    S: Service<RequestPacket, Response = ResponsePacket, Error = TransportError>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = ResponsePacket;
    type Error = TransportError;
    type Future = TransportFut<'static>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: RequestPacket) -> Self::Future {
        let mut inner = self.inner.clone();
        let config = self.config;
        Box::pin(async move {
            let mut attempt = 0u32;
            loop {
                let result = inner.call(request.clone()).await;
                let (transient, wait, message) = {
                    let payload_err;
                    let err = match &result {
                        Ok(resp) => match resp.as_error() {
                            Some(payload) => {
                                payload_err = TransportError::ErrorResp(payload.clone());
                                &payload_err
                            }
                            None => return result,
                        },
                        Err(err) => err,
                    };
                    (
                        is_transient(err),
                        backoff(&config, attempt, err),
                        err.to_string(),
                    )
                };
                if !transient {
                    // Other JSON-RPC errors go back as the transport gave them, so callers can read
                    // revert data from them.
                    return result;
                }
                if attempt >= config.retries {
                    return Err(TransportErrorKind::custom_str(&format!(
                        "{message} (gave up after {} attempts)",
                        attempt + 1
                    )));
                }
                tracing::debug!(%message, attempt, ?wait, "transient RPC failure, retrying");
                tokio::time::sleep(wait).await;
                attempt += 1;
                // Wait until the inner service can take the request again.
                std::future::poll_fn(|cx| inner.poll_ready(cx)).await?;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use alloy::{rpc::json_rpc::ErrorPayload, transports::HttpError};

    use super::*;

    fn rpc_error(code: i64, message: &str) -> TransportError {
        TransportError::ErrorResp(ErrorPayload {
            code,
            message: message.to_owned().into(),
            data: None,
        })
    }

    #[test]
    fn retries_transport_failures_and_rate_limits() {
        assert!(is_transient(&TransportErrorKind::custom_str(
            "connection refused"
        )));
        assert!(is_transient(&TransportError::Transport(
            TransportErrorKind::HttpError(HttpError {
                status: 429,
                body: String::new()
            })
        )));
        assert!(is_transient(&TransportError::Transport(
            TransportErrorKind::HttpError(HttpError {
                status: 502,
                body: String::new()
            })
        )));
        assert!(is_transient(&rpc_error(429, "Too Many Requests")));
        assert!(is_transient(&rpc_error(-32005, "limit exceeded")));
    }

    #[test]
    fn never_retries_reverts_or_client_errors() {
        assert!(!is_transient(&rpc_error(3, "execution reverted")));
        assert!(!is_transient(&rpc_error(
            -32000,
            "execution reverted: custom error"
        )));
        assert!(!is_transient(&rpc_error(-32602, "invalid params")));
        // Infura's range refusal shares the rate-limit code: split, do not retry.
        assert!(!is_transient(&rpc_error(
            -32005,
            "query returned more than 10000 results"
        )));
        assert!(!is_transient(&TransportError::Transport(
            TransportErrorKind::HttpError(HttpError {
                status: 401,
                body: String::new()
            })
        )));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let config = RetryLayer::new(5, Duration::from_millis(200));
        let err = TransportErrorKind::custom_str("connection refused");
        assert_eq!(backoff(&config, 0, &err), Duration::from_millis(200));
        assert_eq!(backoff(&config, 2, &err), Duration::from_millis(800));
        assert_eq!(backoff(&config, 12, &err), MAX_BACKOFF);
    }
}
