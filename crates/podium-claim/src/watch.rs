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
    io::IsTerminal,
    time::{Duration, Instant},
};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch as channel;

use crate::{
    cli::Cli,
    exit::{Error, Exit},
    output::exit_of,
    plan::{RoundPlan, Status, TxHash},
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

/// Sleeps `d` like [`sleep_or_stop`]; with `show`, a spinner on the terminal says what the watcher
/// waits for (`what`) and counts down to the next look.
async fn countdown_or_stop(
    rx: &mut channel::Receiver<u32>,
    d: Duration,
    what: Option<&str>,
    show: bool,
) -> bool {
    let Some(what) = what.filter(|_| show) else {
        return sleep_or_stop(rx, d).await;
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    let end = tokio::time::Instant::now() + d;
    let stopped = loop {
        let left = end.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            break false;
        }
        bar.set_message(format!(
            "{what} … next look in {}s",
            left.as_millis().div_ceil(1000)
        ));
        if sleep_or_stop(rx, left.min(Duration::from_secs(1))).await {
            break true;
        }
    };
    bar.finish_and_clear();
    stopped
}

/// What the watcher waits for after a look with `plans`: the pending root that becomes claimable
/// first, else the round after the last one seen.
pub fn waiting_for(plans: &[RoundPlan]) -> String {
    let pending = plans
        .iter()
        .filter(|p| p.status == Status::Pending)
        .min_by_key(|p| (p.claimable_from.unwrap_or(u64::MAX), p.round));
    match pending {
        Some(p) => format!("waiting for round {} to become claimable", p.round),
        None => format!(
            "waiting for round {}",
            plans.iter().map(|p| p.round + 1).max().unwrap_or(1)
        ),
    }
}

/// A round this watcher saw paid in an earlier cycle of the same run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Earlier {
    /// The cycle (1 for the first look) that saw it paid.
    pub cycle: u64,
    /// Whether this watcher's own transaction paid it (else someone else claimed it for the account).
    pub ours: bool,
    /// The transaction that paid it, when known.
    pub tx: Option<TxHash>,
}

/// Remembers the rounds paid in this `cycle`, and says of a round paid in an earlier cycle who paid
/// it and when, where the plan alone would call it "claimed before this run".
pub fn note_earlier_cycles(plans: &mut [RoundPlan], seen: &mut BTreeMap<u64, Earlier>, cycle: u64) {
    for p in plans.iter_mut() {
        match p.status {
            Status::Claimed | Status::ClaimedByOther => {
                seen.entry(p.round).or_insert(Earlier {
                    cycle,
                    ours: p.status == Status::Claimed,
                    tx: p.tx,
                });
            }
            Status::AlreadyClaimed => {
                if let Some(e) = seen.get(&p.round) {
                    let by = if e.ours {
                        "claimed by this watcher"
                    } else {
                        "claimed for the account by someone else"
                    };
                    let tx =
                        e.tx.map(|t| format!(" (transaction {t})"))
                            .unwrap_or_default();
                    p.reason = format!("{by} in cycle {}{tx}", e.cycle);
                    p.tx = p.tx.or(e.tx);
                }
            }
            _ => {}
        }
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
    let mut earlier: BTreeMap<u64, Earlier> = BTreeMap::new();
    let mut looks = 0u64;
    let show = !json && std::io::stdout().is_terminal();
    let mut outage = false;
    loop {
        looks += 1;
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
        let mut what = None;
        match result {
            Ok((mut outcome, staked)) => {
                note_earlier_cycles(&mut outcome.plans, &mut earlier, looks);
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
                what = Some(waiting_for(&outcome.plans));
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
        if *stop.borrow() > 0 || countdown_or_stop(&mut stop, wait, what.as_deref(), show).await {
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

    fn plan(round: u64, status: Status, tx: Option<TxHash>) -> RoundPlan {
        RoundPlan {
            round,
            source: format!("round-{round}.json"),
            leaf: None,
            status,
            reason: match status {
                Status::AlreadyClaimed => "claimed before this run".into(),
                _ => "x".into(),
            },
            tx,
            claimable_from: None,
        }
    }

    #[test]
    fn a_round_claimed_in_an_earlier_cycle_says_so() {
        let (ours, theirs) = (TxHash::repeat_byte(1), TxHash::repeat_byte(2));
        let mut seen = BTreeMap::new();
        // Cycle 2 claims round 1; someone else claims round 2 for the account meanwhile.
        let mut plans = vec![
            plan(1, Status::Claimed, Some(ours)),
            plan(2, Status::ClaimedByOther, Some(theirs)),
            plan(3, Status::AlreadyClaimed, None),
        ];
        note_earlier_cycles(&mut plans, &mut seen, 2);
        assert_eq!(plans[2].reason, "claimed before this run");
        // Cycle 3 finds all three claimed on chain.
        let mut plans: Vec<_> = (1..=3)
            .map(|r| plan(r, Status::AlreadyClaimed, None))
            .collect();
        note_earlier_cycles(&mut plans, &mut seen, 3);
        assert_eq!(
            plans[0].reason,
            format!("claimed by this watcher in cycle 2 (transaction {ours})")
        );
        assert_eq!(plans[0].tx, Some(ours));
        assert_eq!(
            plans[1].reason,
            format!("claimed for the account by someone else in cycle 2 (transaction {theirs})")
        );
        assert_eq!(plans[2].reason, "claimed before this run");
        assert_eq!(plans[2].tx, None);
        // The cycle that first saw it paid is kept.
        note_earlier_cycles(&mut plans, &mut seen, 4);
        assert!(plans[0].reason.contains("cycle 2"), "{}", plans[0].reason);
    }

    #[test]
    fn says_which_round_it_waits_for() {
        let mut pending = plan(3, Status::Pending, None);
        pending.claimable_from = Some(500);
        let mut later = plan(4, Status::Pending, None);
        later.claimable_from = Some(900);
        let plans = vec![plan(1, Status::AlreadyClaimed, None), later, pending];
        assert_eq!(
            waiting_for(&plans),
            "waiting for round 3 to become claimable"
        );
        assert_eq!(waiting_for(&plans[..1]), "waiting for round 2");
        assert_eq!(waiting_for(&[]), "waiting for round 1");
    }

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
