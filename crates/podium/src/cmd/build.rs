//! `podium build`: scores and rules in; payouts, Merkle tree and distribution file out.

use std::{
    io::{BufWriter, Write},
    path::{Path, PathBuf},
};

use alloy_primitives::{Address, B256};
use clap::Args;
use eyre::{WrapErr, bail};
use podium_chain::Deployment;
use podium_core::{
    Allocation, Built, Meta, Rules, ScoreSet, allocate,
    allocation::{Adjustment, RegionOutcome, Row},
    program::check_rules_against_deployment,
};
use serde::{Serialize, ser::SerializeSeq};
use serde_json::json;

use super::{Outcome, args::parse_addr};
use crate::output::{Output, addr, align_right, table, tokens};

/// Rows per region in the table for people; `--json` lists all.
const TABLE_ROWS: usize = 500;

/// Build a round from leaderboard scores and the round's rules.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// The round (must equal `round` in the rules file).
    #[arg(long)]
    round: u64,
    /// The round's rules (TOML).
    #[arg(long, value_name = "FILE")]
    rules: PathBuf,
    /// Score files (aggregated-stats JSON, CSV address,region,score, or raw test records) or
    /// directories of them, such as a `podium snapshot` directory.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    scores: Vec<PathBuf>,
    /// Where to write the distribution file.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// The deployment record written by `podium deploy`: the chain id and distributor recorded in
    /// the file come from it, and the rules must keep within its round budget and decimals.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["chain_id", "distributor"])]
    deployment: Option<PathBuf>,
    /// The chain the round is paid on, recorded in the file (without a deployment record).
    #[arg(long, value_name = "ID")]
    chain_id: Option<u64>,
    /// The distributor contract, recorded in the file (without a deployment record).
    #[arg(long, value_name = "ADDR", value_parser = parse_addr)]
    distributor: Option<Address>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

impl BuildArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        let rules = Rules::from_file(&self.rules).wrap_err("reading the rules")?;
        if rules.round != self.round {
            bail!(
                "{}: field `round` is {} but --round is {}: use the rules written for this round",
                self.rules.display(),
                rules.round,
                self.round
            );
        }
        let (chain_id, distributor) = match &self.deployment {
            Some(path) => {
                let record = Deployment::read(path).wrap_err("reading the deployment record")?;
                check_rules_against_deployment(
                    &rules,
                    &self.rules,
                    path,
                    record.round_budget,
                    record.decimals,
                )?;
                (Some(record.chain_id), Some(record.distributor))
            }
            None => (self.chain_id, self.distributor),
        };
        // A spinner per step on stderr (a round of a million recipients takes seconds); erased
        // before the report, and never drawn with --json or when stderr is not a terminal.
        let progress = output.spinner("reading the scores");
        let scores = ScoreSet::from_files(&self.scores).wrap_err("reading the scores")?;
        progress.suspend(|| {
            for w in scores.warnings() {
                eprintln!("warning: {w}");
            }
        });
        if self.out.exists() && !self.force {
            bail!("{} exists: pass --force to replace it", self.out.display());
        }
        progress.set_message(format!("computing the payouts of {} scores", scores.len()));
        let allocation = allocate(&rules, &scores).wrap_err("computing the payouts")?;
        let warnings: Vec<String> = rules
            .unmatched_exclusions(&scores)
            .into_iter()
            .map(|(account, reason)| {
                format!(
                    "the exclusion of {} ({reason}) in {} matches no scored account: if its address \
                     has a typo, the account meant to be excluded is paid",
                    addr(&account),
                    self.rules.display()
                )
            })
            .collect();
        progress.suspend(|| {
            for w in &warnings {
                eprintln!("warning: {w}");
            }
        });
        progress.set_message(format!(
            "building the Merkle tree of {} recipients",
            allocation.payouts.len()
        ));
        let meta = Meta::for_round(&rules, &scores, &allocation, chain_id, distributor);
        let built = Built::new(&allocation, meta).wrap_err("building the Merkle tree")?;
        progress.set_message(format!("writing {}", self.out.display()));
        built
            .write_atomic(&self.out)
            .wrap_err("writing the distribution file")?;
        progress.finish_and_clear();
        if output.json() {
            self.report_json(&rules, &allocation, &built, warnings)?;
        } else {
            self.report(&rules, &allocation, &built);
        }
        Ok(Outcome::Success)
    }

    fn report(&self, rules: &Rules, a: &Allocation, built: &Built) {
        let d = rules.decimals;
        for region in &a.regions {
            println!("{}", region_heading(region, d));
            if region.rows.is_empty() {
                println!("  no scores for this region: the whole pool stays unallocated\n");
                continue;
            }
            let mut t = table(&[
                "orchestrator",
                "score",
                "explorer (×10)",
                "status",
                "payout",
            ]);
            for row in region.rows.iter().take(TABLE_ROWS) {
                t.add_row(vec![
                    addr(&row.account),
                    format!("{:.4}", row.score),
                    format!("{:.2}", row.score * 10.0),
                    row.status.to_string(),
                    tokens(row.payout, d),
                ]);
            }
            align_right(&mut t, &[1, 2, 4]);
            println!("{t}");
            if region.rows.len() > TABLE_ROWS {
                println!(
                    "… and {} more orchestrators in {} (podium build --json lists every one)",
                    region.rows.len() - TABLE_ROWS,
                    region.region
                );
            }
            println!();
        }
        for (account, adj) in &a.adjustments {
            match adj {
                Adjustment::Capped { before } => println!(
                    "{} earned {} in all regions, capped at {}",
                    addr(account),
                    tokens(*before, d),
                    tokens(rules.cap.unwrap_or_default(), d)
                ),
                Adjustment::BelowMinimum { amount } => println!(
                    "{} earned {}, below the minimum payout {}: not paid",
                    addr(account),
                    tokens(*amount, d),
                    tokens(rules.min_payout.unwrap_or_default(), d)
                ),
            }
        }
        let mut t = table(&[
            "round",
            "budget",
            "paid",
            "unallocated",
            "recipients",
            "root",
        ]);
        t.add_row(vec![
            a.round.to_string(),
            tokens(a.budget, d),
            tokens(a.total, d),
            tokens(a.unallocated, d),
            a.payouts.len().to_string(),
            built.root().to_string(),
        ]);
        align_right(&mut t, &[1, 2, 3, 4]);
        println!("{t}");
        if built.is_empty() {
            println!(
                "nobody is eligible in round {}: the file has total 0 and root 0x00…00; posting it \
                 closes the round and the whole budget returns to the funder",
                a.round
            );
        }
        println!("wrote {}", self.out.display());
    }

    fn report_json(
        &self,
        rules: &Rules,
        a: &Allocation,
        built: &Built,
        warnings: Vec<String>,
    ) -> eyre::Result<()> {
        let regions: Vec<_> = a
            .regions
            .iter()
            .map(|r| RegionReport {
                region: r.region.as_str(),
                pool: r.pool.map(|p| p.to_string()),
                split: r.split.as_ref().map(|s| s.to_string()),
                threshold: rules.pools.get(&r.region).map(|p| p.threshold),
                eligible: r.eligible(),
                allocated: r.allocated.to_string(),
                orchestrators: Rows(&r.rows),
            })
            .collect();
        let adjustments: Vec<_> = a
            .adjustments
            .iter()
            .map(|(account, adj)| match adj {
                Adjustment::Capped { before } => {
                    json!({"account": addr(account), "capped": true, "before": before.to_string()})
                }
                Adjustment::BelowMinimum { amount } => {
                    json!({"account": addr(account), "belowMinimum": true, "amount": amount.to_string()})
                }
            })
            .collect();
        let report = Report {
            round: a.round,
            root: built.root(),
            budget: a.budget.to_string(),
            total: a.total.to_string(),
            unallocated: a.unallocated.to_string(),
            decimals: rules.decimals,
            recipients: a.payouts.len(),
            regions,
            adjustments,
            warnings,
            out: &self.out,
        };
        // Streamed: a round of a million orchestrators never becomes a JSON tree in memory.
        let mut w = BufWriter::new(std::io::stdout().lock());
        serde_json::to_writer_pretty(&mut w, &report)?;
        writeln!(w)?;
        w.flush()?;
        Ok(())
    }
}

/// `podium build --json`'s report.
#[derive(Serialize)]
struct Report<'a> {
    round: u64,
    root: B256,
    budget: String,
    total: String,
    unallocated: String,
    decimals: u8,
    recipients: usize,
    regions: Vec<RegionReport<'a>>,
    adjustments: Vec<serde_json::Value>,
    /// Exclusions that match no scored account.
    warnings: Vec<String>,
    out: &'a Path,
}

#[derive(Serialize)]
struct RegionReport<'a> {
    region: &'a str,
    pool: Option<String>,
    split: Option<String>,
    threshold: Option<f64>,
    eligible: usize,
    allocated: String,
    orchestrators: Rows<'a>,
}

struct Rows<'a>(&'a [Row]);

impl Serialize for Rows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct RowReport {
            account: String,
            score: f64,
            eligible: bool,
            status: String,
            payout: String,
        }
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for row in self.0 {
            seq.serialize_element(&RowReport {
                account: addr(&row.account),
                score: row.score,
                eligible: row.status.is_eligible(),
                status: row.status.to_string(),
                payout: row.payout.to_string(),
            })?;
        }
        seq.end()
    }
}

fn region_heading(r: &RegionOutcome, decimals: u8) -> String {
    match (&r.pool, &r.split) {
        (Some(pool), Some(split)) => format!(
            "{}: pool {}, split {split}, {} eligible, {} paid",
            r.region,
            tokens(*pool, decimals),
            r.eligible(),
            tokens(r.allocated, decimals)
        ),
        _ => format!("{}: no pool in the rules, nobody is paid here", r.region),
    }
}
