//! `podium demo`: the whole program end to end on a local anvil chain (see `crate::demo`).
//!
//! The demo needs what no committee needs on a real chain (starting anvil, anvil's test keys, test
//! keystores), so it is built only with the podium crate's `demo` feature, which `make demo` and
//! `make test` turn on. A `podium` built without it hides the subcommand, and `podium demo` (with any
//! arguments) says how to get it.

#[cfg(feature = "demo")]
use std::path::PathBuf;

use clap::Args;

use super::Outcome;

/// Run the whole program on a local chain: deploy, fund, three weekly rounds, claims, sweeps, and a
/// final accounting that must balance to the wei.
#[cfg(feature = "demo")]
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// Directory for the run's files (program, deployment record, distribution files, logs). It is
    /// cleared first if an earlier demo made it; any other existing directory is refused.
    #[arg(long, value_name = "DIR", default_value = "podium-demo")]
    dir: PathBuf,

    /// The podium-claim binary (default: next to this podium executable).
    #[arg(long, value_name = "FILE")]
    claimer: Option<PathBuf>,
}

#[cfg(feature = "demo")]
impl DemoArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        let dir = if self.dir.is_absolute() {
            self.dir
        } else {
            std::env::current_dir()?.join(self.dir)
        };
        crate::demo::run(&crate::demo::Settings {
            dir,
            claimer: self.claimer,
        })?;
        Ok(Outcome::Success)
    }
}

/// Not in this build: `podium demo` needs the `demo` feature.
#[cfg(not(feature = "demo"))]
#[derive(Debug, Args)]
#[command(hide = true, disable_help_flag = true)]
pub(crate) struct DemoArgs {
    /// Whatever the full demo takes (`--dir`, `--claimer`, `--help`): the answer is the same.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

#[cfg(not(feature = "demo"))]
impl DemoArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        eyre::bail!(
            "this podium was built without the demo (it needs anvil helpers that a release build \
             leaves out); build it with `cargo build -p podium -p podium-claim --features podium/demo`, \
             or run `make demo` in a clone of the repository"
        )
    }
}
