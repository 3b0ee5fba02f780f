//! The one-byte-edit experiment: every single-byte change to a distribution file, at every byte
//! that is not JSON white space, to every other byte value, must either make `verify` (given the
//! rules, the scores and the deployment's chain and distributor) report a difference or refuse the
//! file, or leave the parsed file exactly as it was (an upper-case hex digit in a hash, say). Run
//! in-process against the library on a small round (two claims) so it stays fast; the counts are printed
//! (`cargo test -p podium-core --test one_byte_edits -- --nocapture`).

use std::path::Path;

use alloy_primitives::Address;
use podium_core::{Built, DistributionFile, Meta, Rules, ScoreSet, allocate, distribution::Target};
use rayon::prelude::*;

const RULES: &str = "round = 2\nbudget = \"100\"\nthreshold = 0.3\n[pools.FRA]\nshare = \"0.6\"\n\
                     [pools.MDW]\namount = \"40\"\nsplit = { method = \"proportional\" }\n";

const SCORES: &str = "address,region,score\n\
                      0x10b4b4c7a2a34f0c4d2b2b9a7e3f7f6f1f0e5a11,FRA,0.9\n\
                      0x2222bd0ad6a0e3c5e6f1f5d8c4a4b3a2a1a0a922,FRA,0.5\n\
                      0x2222bd0ad6a0e3c5e6f1f5d8c4a4b3a2a1a0a922,MDW,0.7\n";

const CHAIN: u64 = 42161;

fn distributor() -> Address {
    "0x00000000000000000000000000000000000000D1"
        .parse()
        .unwrap()
}

#[derive(Debug, Default)]
struct Counts {
    edits: usize,
    refused: usize,
    detected: usize,
    unchanged: usize,
    /// Of `detected`: found only by comparing with the deployment's chain and distributor.
    only_by_deployment: usize,
    /// Edits that change the parsed file yet pass: (offset, byte before, byte after).
    escaped: Vec<(usize, char, char)>,
}

impl Counts {
    fn add(mut self, other: Self) -> Self {
        self.edits += other.edits;
        self.refused += other.refused;
        self.detected += other.detected;
        self.unchanged += other.unchanged;
        self.only_by_deployment += other.only_by_deployment;
        self.escaped.extend(other.escaped);
        self
    }
}

#[test]
fn every_one_byte_edit_is_caught_or_changes_nothing() {
    let rules = Rules::from_bytes(Path::new("rules.toml"), RULES.as_bytes()).unwrap();
    let mut scores = ScoreSet::new();
    scores
        .add_bytes(Path::new("scores.csv"), SCORES.as_bytes())
        .unwrap();
    let allocation = allocate(&rules, &scores).unwrap();
    let meta = Meta::for_round(
        &rules,
        &scores,
        &allocation,
        Some(CHAIN),
        Some(distributor()),
    );
    let built = Built::new(&allocation, meta).unwrap();
    assert_eq!(built.len(), 2, "the round pays two accounts");
    let mut bytes = Vec::new();
    built.write_json(&mut bytes).unwrap();
    let origin = Path::new("round-2.json");
    let original = DistributionFile::from_slice(&bytes, origin).unwrap();
    let target = Target {
        chain_id: Some((CHAIN, "the deployment record".into())),
        distributor: Some((distributor(), "the deployment record".into())),
        token_decimals: None,
        round_budget: None,
    };
    let differences = |f: &DistributionFile| -> usize {
        match f.check().unwrap() {
            Some(_) => 1,
            None => f.compare(&built).len() + f.compare_target(&target).len(),
        }
    };
    assert_eq!(differences(&original), 0, "the untouched file verifies");

    // Each position is tried on its own copy of the file, positions in parallel: about 300,000
    // parses in all.
    let counts = (0..bytes.len())
        .into_par_iter()
        .filter(|&at| !matches!(bytes[at], b' ' | b'\n' | b'\r' | b'\t'))
        .map(|at| {
            let mut counts = Counts::default();
            let mut edited = bytes.clone();
            for value in (0..=255u8).filter(|v| *v != bytes[at]) {
                counts.edits += 1;
                edited[at] = value;
                match DistributionFile::from_slice(&edited, origin) {
                    Err(_) => counts.refused += 1,
                    Ok(f) if f == original => counts.unchanged += 1,
                    Ok(f) if differences(&f) > 0 => {
                        counts.detected += 1;
                        if f.check().unwrap().is_none() && f.compare(&built).is_empty() {
                            counts.only_by_deployment += 1;
                        }
                    }
                    Ok(_) => counts.escaped.push((at, bytes[at] as char, value as char)),
                }
            }
            counts
        })
        .reduce(Counts::default, Counts::add);
    eprintln!(
        "one-byte edits of a {}-byte distribution file (2 claims): {} edits at {} non-blank bytes; \
         {} refused as unreadable, {} reported as a difference ({} of them only against the \
         deployment's chain id and distributor), {} leave the parsed file unchanged, {} escaped",
        bytes.len(),
        counts.edits,
        counts.edits / 255,
        counts.refused,
        counts.detected,
        counts.only_by_deployment,
        counts.unchanged,
        counts.escaped.len()
    );
    assert!(
        counts.escaped.is_empty(),
        "edits that change the file but pass verify (offset, was, now): {:?}",
        counts.escaped
    );
    assert_eq!(
        counts.refused + counts.detected + counts.unchanged,
        counts.edits
    );
    // The experiment must exercise every outcome, or it checks less than it claims.
    assert!(counts.detected > 0 && counts.unchanged > 0 && counts.refused > 0);
}
