//! Interop with the real `@openzeppelin/merkle-tree` package (run with node from the repository's
//! `node_modules`): for fixed vectors and random sets of many sizes, the package must compute the
//! same root, the same tree array and tree indices, and the same proof for every value, and it must
//! load our dumps and distribution files.

use std::{path::PathBuf, process::Command};

use alloy_primitives::{Address, B256, U256};
use podium_core::{
    Built, Meta,
    allocation::Allocation,
    merkle::{Leaf, StandardTree},
};
use serde_json::{Value, json};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oz/oz-tree.js")
}

/// Runs the node script; a missing node or package is a failure, not a skip.
fn node(args: &[&str]) -> Value {
    let out = Command::new("node")
        .arg(script())
        .args(args)
        .output()
        .expect("node must be installed (Node 20+) for the interop tests");
    assert!(
        out.status.success(),
        "node failed (run `make setup` to install @openzeppelin/merkle-tree): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("node prints JSON")
}

/// A small deterministic generator (splitmix64), so a failing case can be reproduced.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        out
    }

    fn amount(&mut self) -> U256 {
        // Mix magnitudes: tiny, LPT-sized and full-width amounts.
        match self.next() % 3 {
            0 => U256::from(self.next() % 1000 + 1),
            1 => U256::from(self.next()) * U256::from(1_000_000_000u64),
            _ => U256::from_be_bytes(self.bytes::<32>()),
        }
    }
}

fn random_leaves(n: usize, seed: u64) -> Vec<Leaf> {
    let mut rng = Rng(seed);
    let round = rng.next() % 100 + 1;
    (0..n)
        .map(|i| Leaf {
            round,
            index: i as u64,
            account: Address::from(rng.bytes::<20>()),
            amount: rng.amount(),
        })
        .collect()
}

fn fixed_vectors() -> Vec<Vec<Leaf>> {
    let a = |s: &str| podium_core::parse_address(s).unwrap();
    vec![
        vec![Leaf {
            round: 1,
            index: 0,
            account: a("0x3e2b450c0c499d8301146367680e067cd009db93"),
            amount: U256::from(7000u64) * U256::from(10u64).pow(U256::from(18)),
        }],
        vec![
            Leaf {
                round: 1,
                index: 0,
                account: Address::ZERO,
                amount: U256::from(1u8),
            },
            Leaf {
                round: 1,
                index: 1,
                account: Address::repeat_byte(0xff),
                amount: U256::MAX,
            },
        ],
        vec![
            Leaf {
                round: u64::MAX,
                index: 0,
                account: Address::repeat_byte(0x11),
                amount: U256::from(5u8),
            },
            Leaf {
                round: u64::MAX,
                index: 1,
                account: Address::repeat_byte(0x22),
                amount: U256::from(5u8),
            },
            Leaf {
                round: u64::MAX,
                index: u64::MAX,
                account: Address::repeat_byte(0x33),
                amount: U256::from(5u8),
            },
        ],
    ]
}

fn assert_same_as_oz(sets: Vec<Vec<Leaf>>) {
    let trees: Vec<StandardTree> = sets
        .into_iter()
        .map(|v| StandardTree::of(v).unwrap())
        .collect();
    let cases: Vec<Value> = trees
        .iter()
        .map(|t| {
            let dump = serde_json::to_value(t.dump()).unwrap();
            json!({ "values": dump["values"].as_array().unwrap().iter().map(|v| v["value"].clone()).collect::<Vec<_>>(), "dump": dump })
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cases.json");
    std::fs::write(&input, serde_json::to_vec(&cases).unwrap()).unwrap();
    let results = node(&[input.to_str().unwrap()]);
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), trees.len());
    for (t, r) in trees.iter().zip(results) {
        let n = t.values().len();
        let root: B256 = serde_json::from_value(r["root"].clone()).unwrap();
        assert_eq!(root, t.root(), "root differs for {n} values");
        assert_eq!(
            r["dump"],
            serde_json::to_value(t.dump()).unwrap(),
            "dump differs for {n} values"
        );
        let proofs: Vec<Vec<B256>> = serde_json::from_value(r["proofs"].clone()).unwrap();
        for (i, p) in proofs.iter().enumerate() {
            assert_eq!(p, &t.proof(i), "proof {i} differs for {n} values");
        }
        let loaded: B256 = serde_json::from_value(r["loadedRoot"].clone()).unwrap();
        assert_eq!(
            loaded,
            t.root(),
            "OZ loaded our dump of {n} values with another root"
        );
        assert_eq!(
            r["loadedProofsVerify"],
            json!(true),
            "proofs from our loaded dump ({n} values)"
        );
    }
}

#[test]
fn fixed_vectors_match_openzeppelin() {
    assert_same_as_oz(fixed_vectors());
}

#[test]
fn random_sets_match_openzeppelin() {
    let sizes = [
        1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 100, 127, 128, 129, 255, 256, 1000,
        1024, 3001, 4096,
    ];
    let sets = sizes
        .iter()
        .enumerate()
        .map(|(k, &n)| random_leaves(n, 0x5eed + k as u64))
        .collect();
    assert_same_as_oz(sets);
}

#[test]
fn openzeppelin_loads_our_distribution_file() {
    let leaves = random_leaves(257, 42);
    let payouts = leaves
        .iter()
        .map(|l| (l.account, l.amount % U256::from(u128::MAX)))
        .collect();
    let alloc = Allocation {
        round: 3,
        budget: U256::MAX,
        regions: vec![],
        payouts,
        adjustments: Default::default(),
        total: U256::ZERO,
        unallocated: U256::ZERO,
    };
    let total = alloc.payouts.values().fold(U256::ZERO, |a, b| a + b);
    let meta = Meta {
        chain_id: Some(42161),
        distributor: Some(Address::repeat_byte(0xd1)),
        round: 3,
        total,
        budget: U256::MAX,
        decimals: 18,
        rules_digest: B256::repeat_byte(1),
        inputs_digest: B256::repeat_byte(2),
    };
    let built = Built::new(&alloc, meta).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("round-3.json");
    built.write_atomic(&path).unwrap();
    let r = node(&["--distribution", path.to_str().unwrap()]);
    let loaded: B256 = serde_json::from_value(r["loadedRoot"].clone()).unwrap();
    assert_eq!(loaded, built.root());
    let claims = r["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 257);
    for c in claims {
        assert_eq!(c["verifies"], json!(true), "{c}");
        assert_eq!(c["proofMatches"], json!(true), "{c}");
    }
}
