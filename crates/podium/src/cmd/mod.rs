//! The subcommands. Each lives in its own module as a clap `XArgs` struct with `run(self)`.
//!
//! Adding a subcommand: its module, a variant of [`Command`] and a dispatch arm. Modules are declared
//! plainly (not inside a macro) so that rustfmt, and with it the format gate, reads every file. A
//! command that needs async (the chain commands) starts its own runtime inside `run`.

use std::process::ExitCode;

use crate::output::Output;

/// How a command that ran to the end turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the command's question has the answer no (a difference, no claim).
    No,
}

impl Outcome {
    pub(crate) fn exit_code(self) -> ExitCode {
        match self {
            Self::Success => ExitCode::SUCCESS,
            Self::No => ExitCode::from(1),
        }
    }
}

pub(crate) mod args;
pub(crate) mod build;
pub(crate) mod demo;
pub(crate) mod deploy;
pub(crate) mod fund;
pub(crate) mod post;
pub(crate) mod post_uri;
pub(crate) mod proof;
pub(crate) mod publish;
pub(crate) mod report;
pub(crate) mod revoke;
pub(crate) mod snapshot;
pub(crate) mod status;
pub(crate) mod sweep;
pub(crate) mod tx;
pub(crate) mod verify;

/// podium's subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Fetch a round's leaderboard scores for exactly its window, with a provenance record.
    Snapshot(snapshot::SnapshotArgs),
    /// Build a round: payouts, Merkle tree and distribution file from scores and rules.
    Build(build::BuildArgs),
    /// Check a distribution file (and, given the rules and scores, recompute its payouts).
    Verify(verify::VerifyArgs),
    /// Print one account's amount and Merkle proof from a distribution file.
    Proof(proof::ProofArgs),
    /// Deploy a distributor from a program file (TOML) and record the deployment next to it.
    Deploy(deploy::DeployArgs),
    /// Fund the distributor (approve + fund), from a wallet or as a Safe batch.
    Fund(fund::FundArgs),
    /// Post a round's Merkle root: from a wallet, as a Safe batch, or as raw calldata.
    Post(post::PostArgs),
    /// Write a folder for any static host or IPFS: every round's files and an index.json.
    Publish(publish::PublishArgs),
    /// Show every round's state, the money, what sweep would send, and the deadlines.
    Status(status::StatusArgs),
    /// Revoke a round's root while it is still pending.
    Revoke(revoke::RevokeArgs),
    /// Send the funder what can be swept now.
    Sweep(sweep::SweepArgs),
    /// The program's metrics per round: tables, --json, or an HTML page with charts (--html).
    Report(report::ReportArgs),
    /// Run the whole program end to end on a local anvil chain (three weekly rounds).
    Demo(demo::DemoArgs),
}

impl Command {
    /// Runs the command, printing its result the way `output` asks (`--json`).
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        match self {
            Self::Snapshot(args) => args.run(output),
            Self::Build(args) => args.run(output),
            Self::Verify(args) => args.run(output),
            Self::Proof(args) => args.run(output),
            Self::Deploy(args) => args.run(output),
            Self::Fund(args) => args.run(output),
            Self::Post(args) => args.run(output),
            Self::Publish(args) => args.run(output),
            Self::Status(args) => args.run(output),
            Self::Revoke(args) => args.run(output),
            Self::Sweep(args) => args.run(output),
            Self::Report(args) => args.run(output),
            Self::Demo(_) if output.json() => {
                eyre::bail!("podium demo prints a walk-through for people and has no --json output")
            }
            Self::Demo(args) => args.run(),
        }
    }
}
