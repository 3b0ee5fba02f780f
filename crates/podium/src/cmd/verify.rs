//! `podium verify`: check every field of a distribution file: against itself (tree, proofs, totals,
//! checksummed addresses), given the inputs against the rules and scores (round, budget, decimals,
//! payouts, digests), given the deployment against its chain id, distributor and decimals (rules that
//! contradict the record are refused), and given a node against the token's `decimals()`. What was not checked is said as plainly as what was.

use std::path::{Path, PathBuf};

use clap::Args;
use eyre::WrapErr;
use indicatif::ProgressBar;
use podium_chain::{
    Deployment, DistributorOpts, RpcOpts, bindings::PodiumDistributor, distributor::token_info,
};
use podium_core::{
    DistributionFile, Rules, ScoreSet, allocate,
    distribution::{Difference, Target},
    program::check_rules_against_deployment,
};
use serde_json::{Value, json};

use super::Outcome;
use crate::output::{Output, print_json, tokens};

/// Check a distribution file: its tree, proofs, totals and checksummed addresses; given the rules and
/// the score files, that it pays exactly what they say in the rules' decimals; given the deployment
/// (--deployment), that it names its chain and distributor and counts in its token's decimals (and
/// that the rules keep within its round budget and decimals); given a node (--rpc-url), that it counts
/// in the token's decimals. Prints "match" or every difference, one sentence each (exit 1).
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

    #[command(flatten)]
    distributor: DistributorOpts,

    #[command(flatten)]
    rpc: RpcOpts,
}

/// What was compared, for the summary and `--json`.
#[derive(Debug, Default)]
struct Checked {
    inputs: bool,
    chain_id: bool,
    distributor: bool,
    token_decimals: bool,
    /// The decimals were checked against the deployment record's (no node asked).
    record_decimals: bool,
}

impl VerifyArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        // A spinner per step on stderr, erased before the verdict; never drawn with --json or when
        // stderr is not a terminal.
        let progress = output.spinner("reading the distribution file");
        let file =
            DistributionFile::read(&self.distribution).wrap_err("reading the distribution file")?;
        let mut checked = Checked::default();
        if self.rpc.rpc_url.is_some() {
            progress.set_message("asking the node for the chain id and the token's decimals");
        }
        let target = self.target(&file)?;
        self.rules_within_deployment()?;
        let inputs = self
            .rules
            .as_deref()
            .map(|rules| (rules, self.scores.as_slice()));
        checked.inputs = inputs.is_some();
        checked.chain_id = target.chain_id.is_some();
        checked.distributor = target.distributor.is_some();
        checked.token_decimals = target.token_decimals.is_some();
        checked.record_decimals = checked.token_decimals && self.rpc.rpc_url.is_none();
        let differences = differences_shown(&file, inputs, &target, &progress)?;
        progress.finish_and_clear();

        if output.json() {
            let listed: Vec<Value> = differences
                .iter()
                .map(|d| {
                    let mut v = serde_json::to_value(d).expect("differences serialise");
                    v["message"] = d.to_string().into();
                    v
                })
                .collect();
            print_json(&json!({
                "match": differences.is_empty(),
                "differences": listed,
                "checked": {
                    "tree": true,
                    "inputs": checked.inputs,
                    "chainId": checked.chain_id,
                    "distributor": checked.distributor,
                    "tokenDecimals": checked.token_decimals,
                },
                "round": file.round,
                "root": file.root,
                "total": file.total.0.to_string(),
                "decimals": file.decimals,
                "recipients": file.claims.0.len(),
            }))?;
        } else if differences.is_empty() {
            println!(
                "match: round {}, {} recipients, total {}, root {}",
                file.round,
                file.claims.0.len(),
                tokens(file.total.0, file.decimals),
                file.root
            );
            for line in summary(&checked) {
                println!("{line}");
            }
        } else {
            for d in &differences {
                println!("difference: {d}");
            }
        }
        Ok(if differences.is_empty() {
            Outcome::Success
        } else {
            Outcome::No
        })
    }

    /// With a deployment record and rules: the rules may narrow the record's round budget, never
    /// contradict it (more budget, other decimals); a contradiction is an error, not a difference,
    /// since the payouts recomputed from such rules mean nothing.
    fn rules_within_deployment(&self) -> eyre::Result<()> {
        let (Some(rules_path), Some(record_path)) = (&self.rules, &self.distributor.deployment)
        else {
            return Ok(());
        };
        let record = Deployment::read(record_path).wrap_err("reading the deployment record")?;
        let rules = Rules::from_file(rules_path).wrap_err("reading the rules")?;
        check_rules_against_deployment(
            &rules,
            rules_path,
            record_path,
            record.round_budget,
            record.decimals,
        )?;
        Ok(())
    }

    /// The chain, distributor and token decimals to check the file against, from --deployment (or
    /// --distributor and --chain) and, with a node, the chain itself.
    fn target(&self, file: &DistributionFile) -> eyre::Result<Target> {
        let mut target = Target::default();
        let given = if self.distributor.is_given() {
            Some(self.distributor.resolve()?)
        } else {
            None
        };
        let source = if self.distributor.deployment.is_some() {
            "the deployment record"
        } else {
            "--distributor"
        };
        if let Some(given) = &given {
            target.distributor = Some((given.address, source.to_owned()));
            target.chain_id = given.chain_id.map(|id| (id, source.to_owned()));
            // The token's decimals as the record wrote them at deployment; a node, if given, is
            // asked again below.
            target.token_decimals = given.record.as_ref().map(|r| (r.token, r.decimals));
            target.round_budget = given
                .record
                .as_ref()
                .map(|r| (r.round_budget, source.to_owned()));
        }
        if target.chain_id.is_none()
            && let Some(id) = self.rpc.chain
        {
            target.chain_id = Some((id, "--chain".to_owned()));
        }
        if self.rpc.rpc_url.is_none() {
            return Ok(target);
        }
        // The token's decimals come from the distributor the deployment names, else the file's.
        let distributor = target
            .distributor
            .as_ref()
            .map(|(a, _)| *a)
            .or(file.distributor);
        let rpc = self.rpc.clone();
        let expected = target.chain_id.clone();
        let (node_chain, token) = podium_chain::block_on(async move {
            let chain = rpc.connect().await?;
            if let Some((id, source)) = &expected {
                chain.expect_chain_id(*id, &format!("from {source}"))?;
            }
            let token = match distributor {
                Some(d) => {
                    podium_chain::distributor::expect_code(&chain, d).await?;
                    let address = PodiumDistributor::new(d, &chain.provider)
                        .TOKEN()
                        .call()
                        .await
                        .wrap_err_with(|| {
                            format!("reading the token of distributor {}", d.to_checksum(None))
                        })?;
                    Some(token_info(&chain, address).await?)
                }
                None => None,
            };
            eyre::Ok((chain.chain_id, token))
        })?;
        if target.chain_id.is_none() {
            target.chain_id = Some((node_chain, "the node".to_owned()));
        }
        if let Some(t) = token {
            target.token_decimals = Some((t.address, t.decimals));
        }
        Ok(target)
    }
}

/// Every difference between a distribution file and what it must be: its own tree, proofs and totals;
/// given `inputs` (the rules and the score files or directories), the payouts recomputed from them;
/// and what `target` knows of the chain, distributor and token. The one checker behind `verify` and
/// `publish`.
pub(crate) fn differences(
    file: &DistributionFile,
    inputs: Option<(&Path, &[PathBuf])>,
    target: &Target,
) -> eyre::Result<Vec<Difference>> {
    differences_shown(file, inputs, target, &ProgressBar::hidden())
}

/// [`differences`], naming each step on `progress` as it starts.
fn differences_shown(
    file: &DistributionFile,
    inputs: Option<(&Path, &[PathBuf])>,
    target: &Target,
    progress: &ProgressBar,
) -> eyre::Result<Vec<Difference>> {
    progress.set_message(format!(
        "rebuilding the tree and proofs of {} recipients",
        file.claims.0.len()
    ));
    let mut differences: Vec<Difference> = file
        .check()
        .wrap_err("rebuilding the tree")?
        .into_iter()
        .collect();
    if let Some((rules_path, score_paths)) = inputs {
        progress.set_message("reading the rules and scores");
        let rules = Rules::from_file(rules_path).wrap_err("reading the rules")?;
        let scores = ScoreSet::from_files(score_paths).wrap_err("reading the scores")?;
        progress.suspend(|| {
            for w in scores.warnings() {
                eprintln!("warning: {w}");
            }
        });
        progress.set_message(format!(
            "recomputing the payouts of {} scores and their tree",
            scores.len()
        ));
        let allocation = allocate(&rules, &scores).wrap_err("computing the payouts")?;
        differences.extend(
            file.differences_from_inputs(&rules, &scores, &allocation)
                .wrap_err("building the Merkle tree")?,
        );
    }
    differences.extend(file.compare_target(target));
    Ok(differences)
}

/// What was checked, and what was not and how to check it, one line each.
fn summary(checked: &Checked) -> Vec<&'static str> {
    let mut lines = vec![if checked.inputs {
        "checked: the tree, proofs and totals, and the payouts, decimals and digests recomputed from \
         the rules and scores"
    } else {
        "checked: the tree, proofs and totals recomputed from the claims; not checked: the payouts \
         and decimals (pass --rules and --scores)"
    }];
    lines.push(match (checked.chain_id, checked.distributor) {
        (true, true) => "checked: the chain id and the distributor",
        (true, false) => "checked: the chain id; not checked: the distributor (pass --deployment)",
        (false, true) => {
            "checked: the distributor; not checked: the chain id (pass --deployment, --chain or \
             --rpc-url)"
        }
        (false, false) => {
            "not checked: the chain id and the distributor (pass --deployment, the record podium \
             deploy wrote)"
        }
    });
    if checked.record_decimals {
        lines.push(
            "checked: the decimals against the deployment record's (the token's decimals() at \
             deployment)",
        );
    } else if checked.token_decimals {
        lines.push("checked: the decimals against the token's decimals()");
    } else {
        lines
            .push("not checked: the decimals against the token (pass --rpc-url with --deployment)");
    }
    lines
}
