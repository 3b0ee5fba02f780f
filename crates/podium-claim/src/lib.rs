//! `podium-claim`: the claimer orchestrators run to claim their own podium rewards.
//!
//! A thin `main` calls [`main_exit`]. The work is in library modules:
//! - [`cli`]: the arguments;
//! - [`input`]: distribution files from paths, directories and URLs (parsed by podium-core);
//! - [`discover`]: without file arguments, the rounds from the distributor's events and their
//!   files from the posted uris, verified and cached;
//! - [`plan`]: the per-round checks, a pure function of the files and the chain's state;
//! - [`onchain`]: reading that state from the distributor;
//! - [`claim`]: one batched, checked claim, and recovery from outages and races;
//! - [`journal`]: the in-flight record a restarted run reads, durable writes, the saved config;
//! - [`nonce`]: stuck transactions of the wallet, reported or replaced;
//! - [`stake`]: approve + bond on Livepeer's BondingManager after the claim, exactly once;
//! - [`session`]: what one claim pass needs, checked once per run, and the pass itself;
//! - [`watch`]: the long-running mode;
//! - [`output`]: the table, `--json`, and [`exit`]: the exit codes.

pub mod claim;
pub mod cli;
pub mod discover;
pub mod exit;
pub mod input;
pub mod journal;
pub mod nonce;
pub mod onchain;
pub mod output;
pub mod plan;
pub mod session;
pub mod stake;
pub mod watch;

use clap::Parser;

use crate::{cli::Cli, exit::Exit};

/// Parses the command line, runs, prints, and returns the process exit code.
pub fn main_exit() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::from(Exit::Usage.code());
        }
    };
    let exit = runtime.block_on(run(cli));
    std::process::ExitCode::from(exit.code())
}

/// Timestamped logs on stderr (`PODIUM_LOG` or `RUST_LOG` filter them; default `info`).
fn init_logging() {
    use std::io::IsTerminal;

    use tracing_subscriber::{EnvFilter, fmt};
    let filter = std::env::var("PODIUM_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info".into());
    let _ = fmt()
        .with_env_filter(EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .try_init();
}

/// Runs the command and prints its report; returns the exit code.
pub async fn run(cli: Cli) -> Exit {
    if cli.watch {
        watch::run(&cli).await
    } else {
        session::once(&cli).await
    }
}
