//! `--watch`: keep running, re-read the inputs every interval, claim each round as soon as its root
//! is valid, back off through RPC outages, and stop cleanly on SIGINT or SIGTERM.
//!
//! A signal during a claim lets the claim finish (it is bounded by the send timeout) and then
//! stops; a second signal stops at once, and the in-flight record lets the next run finish the job.

use std::{
    collections::BTreeMap,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use tokio::sync::watch as channel;

use crate::{
    Session,
    cli::Cli,
    exit::{Error, Exit},
    load_inputs,
    output::exit_of,
    plan::Status,
    print_report,
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

fn wall_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Runs until a signal; returns the exit code (0 on a clean stop).
pub async fn run(cli: Cli) -> Exit {
    let mut stop = signals();
    let json = cli.json;
    let interval = cli.interval;
    // Through an outage, ask less and less often: up to a minute, or the interval if longer.
    let max_backoff = interval.max(Duration::from_secs(60));
    let mut backoff = Duration::from_secs(1);
    tracing::info!(
        "watching {} every {}s",
        cli.inputs.join(", "),
        interval.as_secs()
    );

    // Connect and check everything once; a node that is down is waited for, anything else is fatal.
    // Watching can start before the committee has published anything (an empty directory): without
    // --distributor the files are what name the contract, so wait for the first one.
    let session = loop {
        let attempt = async {
            let files = load_inputs(&cli).await?;
            if files.is_empty() && cli.distributor.is_none() {
                return Ok(None);
            }
            let chain = cli.rpc.connect().await.map_err(Error::from_chain)?;
            Session::open(cli.clone(), chain, &files).await.map(Some)
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
                tracing::warn!("{e}; trying again in {}s", backoff.as_secs());
                if sleep_or_stop(&mut stop, backoff).await {
                    return Exit::Claimed;
                }
                backoff = (backoff * 2).min(max_backoff);
            }
            Err(e) => {
                crate::report_error(&e, json);
                return e.exit();
            }
        }
    };
    tracing::info!(
        "claiming for {} from distributor {} on chain {}",
        session.target.account,
        session.target.distributor,
        session.target.chain_id
    );
    backoff = Duration::from_secs(1);
    let mut last: BTreeMap<u64, (Status, String)> = BTreeMap::new();
    let mut outage = false;
    loop {
        let cycle = async {
            let files = load_inputs(&session.cli).await?;
            let (outcome, staked) = session.claim(&files).await?;
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
                backoff = Duration::from_secs(1);
                for p in &outcome.plans {
                    let now = (p.status, p.reason.clone());
                    if last.get(&p.round) != Some(&now) {
                        if p.status == Status::Refused {
                            tracing::warn!(
                                "round {}: refused ({}) [{}]",
                                p.round,
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
                    print_report(&session, &outcome, staked.as_ref(), exit, json);
                }
                // Wake up when the next pending root becomes valid, if that is sooner.
                if let Some(next) = outcome
                    .plans
                    .iter()
                    .filter(|p| p.status == Status::Pending)
                    .filter_map(|p| p.claimable_from)
                    .min()
                {
                    let until = Duration::from_secs(next.saturating_sub(wall_now()) + 2);
                    wait = wait.min(until);
                }
            }
            Err(e) if e.is_rpc() => {
                tracing::warn!(
                    "{e}; the node seems down, trying again in {}s",
                    backoff.as_secs()
                );
                outage = true;
                wait = backoff;
                backoff = (backoff * 2).min(max_backoff);
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
