//! Checking a distribution file: against itself ([`DistributionFile::check`]), against the rules and
//! scores it was built from ([`DistributionFile::compare`]), and against the deployment and token it
//! pays with ([`DistributionFile::compare_target`]). Every finding is a [`Difference`].

use alloy_primitives::{Address, U256};

use super::{Built, Difference, DistributionFile, Meta};
use crate::{
    Result, Rules, ScoreSet,
    allocation::Allocation,
    merkle::{DumpLeaf, LEAF_ENCODING, Leaf},
};

/// What the file must name and count in, when known: the deployment's chain and distributor, and
/// the token's decimals. Each `source` says where the value comes from, for messages
/// ("the deployment record", "--chain", "the node").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Target {
    /// The chain id and where it comes from.
    pub chain_id: Option<(u64, String)>,
    /// The distributor and where it comes from.
    pub distributor: Option<(Address, String)>,
    /// The token's address and `decimals()`.
    pub token_decimals: Option<(Address, u8)>,
    /// The program's round budget (base units) and where it comes from.
    pub round_budget: Option<(U256, String)>,
}

impl DistributionFile {
    /// Recomputes the tree from the claims and checks everything the file says against it: the
    /// addresses' checksummed form, indices, amounts, total, budget, root, the dump node by node and
    /// value by value, and every proof. Returns the first difference (the ones after it would only
    /// follow from it), or `None` when the file holds together.
    pub fn check(&self) -> Result<Option<Difference>> {
        if let Some(d) = &self.unchecksummed {
            return Ok(Some(d.clone()));
        }
        let mut leaves = Vec::with_capacity(self.claims.0.len());
        let mut sum = U256::ZERO;
        for (i, (account, claim)) in self.claims.0.iter().enumerate() {
            let account = *account;
            if i > 0 && self.claims.0[i - 1].0 >= account {
                return Ok(Some(Difference::OutOfOrder { account }));
            }
            if claim.index != i as u64 {
                return Ok(Some(Difference::Index {
                    account,
                    found: claim.index,
                    expected: i as u64,
                }));
            }
            if claim.amount.0.is_zero() {
                return Ok(Some(Difference::ZeroAmount { account }));
            }
            sum = match sum.checked_add(claim.amount.0) {
                Some(s) => s,
                None => return Ok(Some(Difference::Overflow)),
            };
            leaves.push(Leaf {
                round: self.round,
                index: i as u64,
                account,
                amount: claim.amount.0,
            });
        }
        if sum != self.total.0 {
            return Ok(Some(Difference::TotalNotSum {
                total: self.total.0,
                sum,
            }));
        }
        if sum > self.budget.0 {
            return Ok(Some(Difference::AboveBudget {
                total: sum,
                budget: self.budget.0,
            }));
        }
        let built = Built::from_leaves(leaves, self.meta())?;
        if built.root() != self.root {
            return Ok(Some(Difference::RootNotClaims {
                found: self.root,
                expected: built.root(),
            }));
        }
        let Some(tree) = &built.tree else {
            return Ok(self.tree.as_ref().map(|_| Difference::TreeWithoutClaims));
        };
        let Some(dump) = &self.tree else {
            return Ok(Some(Difference::ClaimsWithoutTree));
        };
        // Compared against the rebuilt tree directly: a second dump of a large tree would double
        // what verify holds in memory.
        if dump.format != "standard-v1" || dump.leaf_encoding != LEAF_ENCODING {
            return Ok(Some(Difference::TreeFormat {
                format: dump.format.clone(),
                leaf_encoding: dump.leaf_encoding.clone(),
            }));
        }
        let nodes = tree.nodes();
        if dump.tree.len() != nodes.len() {
            return Ok(Some(Difference::TreeSize {
                found: dump.tree.len(),
                expected: nodes.len(),
            }));
        }
        if let Some(i) = (0..nodes.len()).find(|&i| dump.tree[i] != nodes[i]) {
            return Ok(Some(Difference::TreeNode {
                index: i,
                found: dump.tree[i],
                expected: nodes[i],
            }));
        }
        if dump.values.len() != tree.values().len() {
            return Ok(Some(Difference::ValueCount {
                found: dump.values.len(),
                expected: tree.values().len(),
            }));
        }
        for (i, (theirs, ours)) in dump.values.iter().zip(tree.values()).enumerate() {
            if theirs.tree_index != tree.tree_index(i) {
                return Ok(Some(Difference::TreeIndex {
                    index: i,
                    found: theirs.tree_index,
                    expected: tree.tree_index(i),
                }));
            }
            // Compared as text: the dump is what OZ's tooling loads, and podium writes it in one
            // form (decimal integers, checksummed address), so any other spelling is an edit.
            let expected = DumpLeaf::from(ours);
            if theirs.value != expected {
                let strings = |v: &DumpLeaf| [v.0.clone(), v.1.clone(), v.2.clone(), v.3.clone()];
                return Ok(Some(Difference::Value {
                    index: i,
                    found: strings(&theirs.value),
                    expected: strings(&expected),
                }));
            }
        }
        for (i, (account, claim)) in self.claims.0.iter().enumerate() {
            if !tree.proof_iter(i).eq(claim.proof.iter().copied()) {
                return Ok(Some(Difference::Proof { account: *account }));
            }
        }
        Ok(None)
    }

    /// Rebuilds the round from `rules` and `scores` (already allocated into `allocation`) and
    /// [compares](Self::compare) the file with it; returns the first difference. Run
    /// [`Self::check`] first: this compares with the inputs, not the file with itself.
    pub fn compare_with_inputs(
        &self,
        rules: &Rules,
        scores: &ScoreSet,
        allocation: &Allocation,
    ) -> Result<Option<Difference>> {
        Ok(self
            .differences_from_inputs(rules, scores, allocation)?
            .into_iter()
            .next())
    }

    /// Every difference between the file and the round rebuilt from `rules` and `scores`
    /// (see [`Self::compare`]).
    pub fn differences_from_inputs(
        &self,
        rules: &Rules,
        scores: &ScoreSet,
        allocation: &Allocation,
    ) -> Result<Vec<Difference>> {
        let meta = Meta::for_round(rules, scores, allocation, self.chain_id, self.distributor);
        Ok(self.compare(&Built::new(allocation, meta)?))
    }

    /// Compares the file with a round rebuilt from its rules and scores, field by field: round,
    /// budget, decimals, then the payouts (the first account paid differently; else the total; else
    /// the root: one payout difference, as the others follow from it), then the digests of the rules
    /// and score files. Empty when everything matches.
    pub fn compare(&self, rebuilt: &Built) -> Vec<Difference> {
        let m = &rebuilt.meta;
        let mut out = Vec::new();
        if self.round != m.round {
            out.push(Difference::Round {
                file: self.round,
                rules: m.round,
            });
        }
        if self.budget.0 != m.budget {
            out.push(Difference::Budget {
                file: self.budget.0,
                rules: m.budget,
            });
        }
        if self.decimals != m.decimals {
            out.push(Difference::Decimals {
                file: self.decimals,
                rules: m.decimals,
            });
        }
        if let Some(d) = self.payout_difference(rebuilt) {
            out.push(d);
        }
        if self.rules_digest != m.rules_digest {
            out.push(Difference::RulesDigest {
                file: self.rules_digest,
                given: m.rules_digest,
            });
        }
        if self.inputs_digest != m.inputs_digest {
            out.push(Difference::InputsDigest {
                file: self.inputs_digest,
                given: m.inputs_digest,
            });
        }
        out
    }

    fn payout_difference(&self, rebuilt: &Built) -> Option<Difference> {
        let ours: Vec<(Address, U256)> = rebuilt
            .tree
            .as_ref()
            .map(|t| t.values().iter().map(|v| (v.account, v.amount)).collect())
            .unwrap_or_default();
        let mut theirs = self
            .claims
            .0
            .iter()
            .map(|(a, c)| (*a, c.amount.0))
            .peekable();
        let mut ours_it = ours.iter().copied().peekable();
        loop {
            match (theirs.peek().copied(), ours_it.peek().copied()) {
                (None, None) => break,
                (Some((a, x)), Some((b, y))) if a == b => {
                    if x != y {
                        return Some(Difference::Amount {
                            account: a,
                            file: x,
                            inputs: y,
                        });
                    }
                    theirs.next();
                    ours_it.next();
                }
                // Paid in the file, and not (or not yet) by the inputs, which list accounts in
                // the same ascending order.
                (Some((a, x)), None) => {
                    return Some(Difference::NotPaid {
                        account: a,
                        file: x,
                    });
                }
                (Some((a, x)), Some((b, _))) if a < b => {
                    return Some(Difference::NotPaid {
                        account: a,
                        file: x,
                    });
                }
                (_, Some((b, y))) => {
                    return Some(Difference::Missing {
                        account: b,
                        inputs: y,
                    });
                }
            }
        }
        if self.total.0 != rebuilt.meta.total {
            return Some(Difference::Total {
                file: self.total.0,
                inputs: rebuilt.meta.total,
            });
        }
        if self.root != rebuilt.root() {
            return Some(Difference::Root {
                file: self.root,
                inputs: rebuilt.root(),
            });
        }
        None
    }

    /// Compares the file's chain id, distributor and decimals with what is known of the deployment
    /// and its token; a value not known is not compared.
    pub fn compare_target(&self, target: &Target) -> Vec<Difference> {
        let mut out = Vec::new();
        if let Some((id, source)) = &target.chain_id
            && self.chain_id != Some(*id)
        {
            out.push(Difference::ChainId {
                file: self.chain_id,
                expected: *id,
                source: source.clone(),
            });
        }
        if let Some((address, source)) = &target.distributor
            && self.distributor != Some(*address)
        {
            out.push(Difference::Distributor {
                file: self.distributor,
                expected: *address,
                source: source.clone(),
            });
        }
        if let Some((round_budget, source)) = &target.round_budget
            && self.budget.0 > *round_budget
        {
            out.push(Difference::RoundBudget {
                file: self.budget.0,
                round_budget: *round_budget,
                source: source.clone(),
            });
        }
        if let Some((address, decimals)) = target.token_decimals
            && self.decimals != decimals
        {
            out.push(Difference::TokenDecimals {
                file: self.decimals,
                token: decimals,
                address,
            });
        }
        out
    }
}
