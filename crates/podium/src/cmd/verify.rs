//! `podium verify`: recompute a distribution file's tree (and, given the inputs, its payouts).

use std::path::PathBuf;

use clap::Args;
use eyre::WrapErr;
use podium_core::{DistributionFile, Rules, ScoreSet, allocate};
use serde_json::json;

use super::Outcome;
use crate::output::{print_json, tokens};

/// Check a distribution file: its tree, proofs and totals, and, given the rules and the score files,
/// that it pays exactly what they say. Prints "match" or the first difference (exit 1).
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The distribution file.
    #[arg(long, value_name = "FILE")]
    distribution: PathBuf,
    /// The round's rules (TOML); recomputes the payouts.
    #[arg(long, value_name = "FILE", requires = "scores")]
    rules: Option<PathBuf>,
    /// The score files (or directories, such as a `podium snapshot` directory) the round was built from.
    #[arg(long, value_name = "FILE", num_args = 1.., requires = "rules")]
    scores: Vec<PathBuf>,
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
}

impl VerifyArgs {
    pub(crate) fn run(self) -> eyre::Result<Outcome> {
        let file =
            DistributionFile::read(&self.distribution).wrap_err("reading the distribution file")?;
        let mut difference = file.check().wrap_err("rebuilding the tree")?;
        if difference.is_none()
            && let Some(rules_path) = &self.rules
        {
            let rules = Rules::from_file(rules_path).wrap_err("reading the rules")?;
            let scores = ScoreSet::from_files(&self.scores).wrap_err("reading the scores")?;
            for w in scores.warnings() {
                eprintln!("warning: {w}");
            }
            let allocation = allocate(&rules, &scores).wrap_err("computing the payouts")?;
            difference = file
                .compare_with_inputs(&rules, &scores, &allocation)
                .wrap_err("building the Merkle tree")?;
        }
        let recomputed = self.rules.is_some();
        if self.json {
            print_json(&json!({
                "match": difference.is_none(),
                "difference": difference,
                "recomputedFromInputs": recomputed,
                "round": file.round,
                "root": file.root,
                "total": file.total.0.to_string(),
                "recipients": file.claims.0.len(),
            }))?;
        } else if let Some(d) = &difference {
            println!("difference: {d}");
        } else {
            let what = if recomputed {
                "tree, proofs and payouts recomputed from the rules and scores"
            } else {
                "tree and proofs recomputed from the claims (pass --rules and --scores to recompute the payouts)"
            };
            println!(
                "match: round {}, {} recipients, total {}, root {}\n{what}",
                file.round,
                file.claims.0.len(),
                tokens(file.total.0, file.decimals),
                file.root
            );
        }
        Ok(if difference.is_none() {
            Outcome::Success
        } else {
            Outcome::No
        })
    }
}
