//! `--watch`: keep running, re-read the inputs every interval, claim each round as soon as its root
//! is valid, back off through RPC outages, and stop cleanly on SIGINT or SIGTERM.
//!
//! A signal during a claim lets the claim finish (it is bounded by the send timeout) and then
//! stops; a second signal stops at once, and the in-flight record lets the next run finish the job.
//!
//! Nothing here loops without a bound: an unreachable node is retried with capped exponential
//! backoff until `--max-outage` has passed without an answer (exit 4); a refusal that waiting will
//! not change (no ETH for gas, a fee above the cap, a stuck nonce, a state directory that cannot be
//! written) stops the watch with its own exit code; other failures (a stake not possible yet, a
//! claim that reverted) are retried each interval. The next wake-up is computed on the chain's clock
//! (when the next pending root becomes claimable, by the latest block's timestamp), never more often
//! than [`MIN_POLL`] (or the interval, if shorter).

use std::{
    collections::BTreeMap,
    time::{Duration, Instant},
};

use tokio::sync::watch as channel;

use crate::{
    cli::Cli,
    exit::{Error, Exit},
    output::exit_of,
    plan::Status,
    session::{Session, Settings, report_error},
};

/// Counts SIGINT and SIGTERM.
fn signals() -> channel::Receiver<u32> {
    let (tx, rx) = channel::channel(0u32);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut int), Ok(mut term)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                tracing::warn!("cannot listen for signals; stop with kill -9");
                return;
            };
            loop {
                let name = tokio::select! {
                    _ = int.recv() => "SIGINT",
                    _ = term.recv() => "SIGTERM",
                };
                let n = *tx.borrow() + 1;
                if n == 1 {
                    tracing::info!("{name}: stopping after the current step (again to stop now)");
                }
                let _ = tx.send(n);
            }
        }
        #[cfg(not(unix))]
        {
            let mut n = 0;
            while tokio::signal::ctrl_c().await.is_ok() {
                n += 1;
                let _ = tx.send(n);
            }
        }
    });
    rx
}

async fn reached(rx: &mut channel::Receiver<u32>, n: u32) {
    while *rx.borrow_and_update() < n {
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Sleeps `d`, or returns `true` early when a stop was asked for.
async fn sleep_or_stop(rx: &mut channel::Receiver<u32>, d: Duration) -> bool {
    tokio::select! {
        _ = tokio::time::sleep(d) => false,
        _ = reached(rx, 1) => true,
    }
}

/// The shortest sleep between two looks (unless the interval is shorter).
pub const MIN_POLL: Duration = Duration::from_secs(5);

/// How long to sleep after a look: until the next pending root becomes claimable on the chain's
/// clock (`next_valid_at` against the chain's `chain_now`, plus a second), at most `interval`, at
/// least [`MIN_POLL`] or the interval when that is shorter.
pub fn next_wait(interval: Duration, chain_now: u64, next_valid_at: Option<u64>) -> Duration {
    let floor = MIN_POLL.min(interval);
    match next_valid_at {
        Some(at) => Duration::from_secs(at.saturating_sub(chain_now) + 1).clamp(floor, interval),
        None => interval,
    }
}

/// Runs until a signal; returns the exit code (0 on a clean stop).
pub async fn run(cli: &Cli) -> Exit {
    let mut stop = signals();
    let settings = Settings::from_cli(cli);
    let json = cli.json;
    let interval = cli.interval;
    // Through an outage, ask less and less often: up to a minute, or the interval if longer.
    let max_backoff = interval.max(Duration::from_secs(60));
    let mut backoff = Duration::from_secs(1);
    let max_outage = cli.max_outage;
    let mut down_since: Option<Instant> = None;
    if cli.inputs.is_empty() {
        tracing::info!(
            "watching the distributor's posted rounds every {}s",
            interval.as_secs()
        );
    } else {
        tracing::info!(
            "watching {} every {}s",
            cli.inputs.join(", "),
            interval.as_secs()
        );
    }

    // Connect and check everything once; a node that is down is waited for, anything else is fatal.
    // Watching can start before the committee has published anything (an empty directory): wait for
    // the first file.
    let session = loop {
        let attempt = async {
            let files = settings.load_inputs().await?;
            // With file arguments, wait for the first file; without, discovery finds the rounds.
            if files.is_empty() && !cli.inputs.is_empty() {
                return Ok(None);
            }
            let chain = cli.rpc.connect().await.map_err(Error::from_chain)?;
            Session::open(cli, chain).await.map(Some)
        };
        let result = tokio::select! {
            r = attempt => r,
            _ = reached(&mut stop, 1) => return Exit::Claimed,
        };
        match result {
            Ok(Some(s)) => break s,
            Ok(None) => {
                tracing::info!(
                    "no distribution files yet; looking again in {}s",
                    interval.as_secs()
                );
                if sleep_or_stop(&mut stop, interval).await {
                    return Exit::Claimed;
                }
            }
            Err(e) if e.is_rpc() => {
                let since = *down_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= max_outage {
                    report_error(&outage_over(&e, max_outage), json);
                    return Exit::Rpc;
                }
                tracing::warn!("{e}; trying again in {}s", backoff.as_secs());
                if sleep_or_stop(&mut stop, backoff).await {
                    return Exit::Claimed;
                }
                backoff = (backoff * 2).min(max_backoff);
            }
            Err(e) => {
                report_error(&e, json);
                return e.exit();
            }
        }
    };
    down_since = None;
    tracing::info!(
        "claiming for {} from distributor {} on chain {}",
        session.target.account,
        session.target.distributor,
        session.target.chain_id
    );
    backoff = Duration::from_secs(1);
    let discovery = match session.discovery() {
        Ok(d) => d,
        Err(e) => {
            report_error(&e, json);
            return e.exit();
        }
    };
    let mut last: BTreeMap<u64, (Status, String)> = BTreeMap::new();
    let mut outage = false;
    loop {
        let cycle = async {
            let files = session.settings.load_inputs().await?;
            let (outcome, staked) = session.cycle(discovery.as_ref(), files).await?;
            Ok::<_, Error>((outcome, staked))
        };
        let result = tokio::select! {
            r = cycle => r,
            _ = reached(&mut stop, 2) => {
                tracing::warn!("stopped in the middle of a step; the next run checks the chain and finishes it");
                return Exit::Claimed;
            }
        };
        let mut wait = interval;
        match result {
            Ok((outcome, staked)) => {
                if outage {
                    tracing::info!("the node {} answers again", session.chain.url);
                }
                outage = false;
                down_since = None;
                backoff = Duration::from_secs(1);
                for p in &outcome.plans {
                    let now = (p.status, p.reason.clone());
                    if last.get(&p.round) != Some(&now) {
                        if matches!(p.status, Status::Refused | Status::Unavailable) {
                            tracing::warn!(
                                "round {}: {} ({}) [{}]",
                                p.round,
                                p.status.label().to_lowercase(),
                                p.reason,
                                p.source
                            );
                        } else {
                            tracing::info!(
                                "round {}: {} ({})",
                                p.round,
                                p.status.label(),
                                p.reason
                            );
                        }
                        last.insert(p.round, now);
                    }
                }
                if outcome.mined.is_some() || staked.is_some() {
                    let exit = exit_of(&outcome, false);
                    session.print_report(&outcome, staked.as_ref(), exit, json);
                }
                // Wake up when the next pending root becomes valid, on the chain's clock.
                let next = outcome
                    .plans
                    .iter()
                    .filter(|p| p.status == Status::Pending)
                    .filter_map(|p| p.claimable_from)
                    .min();
                wait = next_wait(interval, outcome.chain_now, next);
                tracing::debug!(
                    "next look in {}s (chain time {}, next root claimable at {next:?})",
                    wait.as_secs(),
                    outcome.chain_now
                );
            }
            Err(e) if e.is_rpc() => {
                let since = *down_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= max_outage {
                    report_error(&outage_over(&e, max_outage), json);
                    return Exit::Rpc;
                }
                tracing::warn!(
                    "{e}; the node seems down, trying again in {}s",
                    backoff.as_secs()
                );
                outage = true;
                wait = backoff;
                backoff = (backoff * 2).min(max_backoff);
            }
            Err(e) if e.is_fatal_in_watch() => {
                report_error(&e, json);
                return e.exit();
            }
            Err(e) => {
                tracing::error!("{e}; trying again in {}s", wait.as_secs());
            }
        }
        if *stop.borrow() > 0 || sleep_or_stop(&mut stop, wait).await {
            tracing::info!("stopped");
            return Exit::Claimed;
        }
    }
}

fn outage_over(last: &Error, max_outage: Duration) -> Error {
    Error::Rpc(format!(
        "the node has not answered for {}s (--max-outage); stopping. Last error: {last}",
        max_outage.as_secs()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_on_the_chain_clock_with_a_floor() {
        let ten_min = Duration::from_secs(600);
        // A root claimable in 90 s of chain time: wake then.
        assert_eq!(
            next_wait(ten_min, 1_000, Some(1_090)),
            Duration::from_secs(91)
        );
        // In a day: the interval.
        assert_eq!(next_wait(ten_min, 1_000, Some(87_400)), ten_min);
        // Already claimable by the chain's clock (or the chain lags): not a busy loop, the floor.
        assert_eq!(next_wait(ten_min, 2_000, Some(1_000)), MIN_POLL);
        // Nothing pending: the interval; an interval below the floor is kept.
        assert_eq!(next_wait(ten_min, 1_000, None), ten_min);
        let one = Duration::from_secs(1);
        assert_eq!(next_wait(one, 1_000, Some(1_000)), one);
    }
}
