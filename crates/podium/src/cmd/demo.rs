//! `podium demo`: the whole program end to end on a local anvil chain (see `crate::demo`).

use std::path::PathBuf;

use clap::Args;

use super::Outcome;

/// Run the whole program on a local chain: deploy, fund, three weekly rounds, claims, sweeps, and a
/// final accounting that must balance to the wei.
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
