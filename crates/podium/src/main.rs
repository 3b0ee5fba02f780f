//! `podium`: the committee's command line. Builds a round's payouts, Merkle tree and distribution
//! file from leaderboard scores and round rules, verifies a distribution file, prints proofs.
//!
//! Exit codes (documented in `podium --help` and the README):
//!
//! - `0`: success (`verify`: the file matches);
//! - `1`: the answer is no (`verify`: the file differs, and the first difference is printed;
//!   `proof`: the account has no claim in the round);
//! - `2`: an error: bad input, a file that cannot be read or written, or a usage error;
//! - `141`: the reader of the output went away first (`podium status | head`): the command ends
//!   quietly, as a program ended by SIGPIPE does (see [`output::BROKEN_PIPE`]).

use std::process::ExitCode;

use clap::Parser;

mod cmd;
mod demo;
mod output;

/// Weekly on-chain performance rewards: build, verify and publish Merkle reward rounds.
#[derive(Debug, Parser)]
#[command(
    name = "podium",
    version,
    after_help = "Exit codes: 0 success (verify: match), 1 the answer is no (verify: a difference; \
                  proof: no claim), 2 error (bad input, I/O, usage), 141 the output was closed early \
                  (piped into head)."
)]
struct Cli {
    /// Print the result as one JSON document on stdout, for scripts, instead of text and tables
    /// (amounts exact, in base units; no progress bars). Accepted before or after the subcommand.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: cmd::Command,
}

fn main() -> ExitCode {
    output::quiet_on_broken_pipe();
    let cli = Cli::parse();
    match cli.command.run(output::Output::new(cli.json)) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::from(output::BROKEN_PIPE),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
