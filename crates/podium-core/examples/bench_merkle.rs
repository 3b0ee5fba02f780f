//! Benchmark driver for `make bench-merkle` (tools/bench-merkle.sh): prints figures, asserts nothing.
//!
//! ```text
//! bench_merkle tree N [REPEAT]        time StandardTree::of + all_proofs for N random leaves
//! bench_merkle values N FILE          write the same N leaves as OZ values JSON, print our root
//! bench_merkle csv N SCORES RULES     write a synthetic N-recipient scores CSV and matching rules
//! ```

use std::{
    fmt::Write as _,
    io::{BufWriter, Write},
    time::Instant,
};

use alloy_primitives::{Address, U256};
use podium_core::{Leaf, StandardTree};

/// splitmix64: fast, deterministic, good enough to make distinct addresses.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn address(&mut self) -> Address {
        let mut b = [0u8; 20];
        b[..8].copy_from_slice(&self.next().to_le_bytes());
        b[8..16].copy_from_slice(&self.next().to_le_bytes());
        b[16..].copy_from_slice(&self.next().to_le_bytes()[..4]);
        Address::from(b)
    }
}

fn leaves(n: usize) -> Vec<Leaf> {
    let mut rng = Rng(0x9d1a_0000 + n as u64);
    (0..n)
        .map(|i| Leaf {
            round: 1,
            index: i as u64,
            account: rng.address(),
            amount: U256::from(rng.next() % 10_000_000_000_000_000_000u64 + 1),
        })
        .collect()
}

fn tree(n: usize, repeat: usize) {
    let values = leaves(n);
    let mut best = (f64::MAX, 0.0, 0.0);
    let mut root = None;
    for _ in 0..repeat.max(1) {
        let input = values.clone();
        let t0 = Instant::now();
        let t = StandardTree::of(input).expect("non-empty");
        let t1 = Instant::now();
        let proofs = t.all_proofs();
        let t2 = Instant::now();
        let total = (t2 - t0).as_secs_f64();
        if total < best.0 {
            best = (total, (t1 - t0).as_secs_f64(), (t2 - t1).as_secs_f64());
        }
        assert_eq!(proofs.len(), n);
        root = Some(t.root());
        drop((t, proofs));
    }
    println!(
        "{n:>9} recipients: root + all proofs {:>8.1} ms (tree {:.1} ms, proofs {:.1} ms; best of {repeat}) root {}",
        best.0 * 1e3,
        best.1 * 1e3,
        best.2 * 1e3,
        root.expect("ran once")
    );
    println!("RESULT n={n} ms={:.3}", best.0 * 1e3);
}

fn values(n: usize, path: &str) {
    let values = leaves(n);
    let mut out = String::from("[");
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write!(
            out,
            "[\"{}\",\"{}\",\"{}\",\"{}\"]",
            v.round, v.index, v.account, v.amount
        )
        .unwrap();
    }
    out.push(']');
    std::fs::write(path, out).expect("write values");
    println!("{}", StandardTree::of(values).expect("non-empty").root());
}

fn csv(n: usize, scores: &str, rules: &str) {
    let regions = ["FRA", "MDW", "SIN", "NYC", "LAX"];
    let mut rng = Rng(0xc5f0_0000 + n as u64);
    let mut w = BufWriter::new(std::fs::File::create(scores).expect("create scores"));
    writeln!(w, "address,region,score").unwrap();
    for i in 0..n {
        // Every recipient clears the threshold, so all n get a leaf.
        let score = 0.3 + (rng.next() % 700_001) as f64 / 1_000_000.0;
        writeln!(
            w,
            "{},{},{score}",
            rng.address(),
            regions[i % regions.len()]
        )
        .unwrap();
    }
    w.flush().unwrap();
    let mut r = String::from(
        "round = 1\nbudget = \"7000000\"\nthreshold = 0.3\n[split]\nmethod = \"proportional\"\n",
    );
    for region in regions {
        writeln!(r, "[pools.{region}]\nshare = \"0.2\"").unwrap();
    }
    std::fs::write(rules, r).expect("write rules");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize| {
        args.get(i)
            .and_then(|s| s.parse::<usize>().ok())
            .expect("a count")
    };
    match args.first().map(String::as_str) {
        Some("tree") => tree(n(1), args.get(2).map_or(3, |s| s.parse().expect("repeat"))),
        Some("values") => values(n(1), &args[2]),
        Some("csv") => csv(n(1), &args[2], &args[3]),
        _ => eprintln!("usage: bench_merkle tree N [REPEAT] | values N FILE | csv N SCORES RULES"),
    }
}
