use std::collections::BTreeMap;

use super::*;

fn built(n: usize) -> Built {
    let payouts: BTreeMap<Address, U256> = (0..n)
        .map(|i| (Address::with_last_byte(i as u8 + 1), U256::from(100 + i)))
        .collect();
    let total = payouts.values().fold(U256::ZERO, |a, b| a + b);
    let alloc = Allocation {
        round: 2,
        budget: U256::from(1_000_000u64),
        regions: vec![],
        payouts,
        adjustments: BTreeMap::new(),
        total,
        unallocated: U256::from(1_000_000u64) - total,
    };
    let meta = Meta {
        chain_id: Some(31337),
        distributor: None,
        round: 2,
        total,
        budget: U256::from(1_000_000u64),
        decimals: 18,
        rules_digest: B256::repeat_byte(1),
        inputs_digest: B256::repeat_byte(2),
    };
    Built::new(&alloc, meta).unwrap()
}

fn round_trip(b: &Built) -> (tempfile::TempDir, std::path::PathBuf, DistributionFile) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.json");
    b.write_atomic(&path).unwrap();
    let file = DistributionFile::read(&path).unwrap();
    (dir, path, file)
}

#[test]
fn writes_reads_and_checks() {
    let b = built(9);
    let (dir, _, file) = round_trip(&b);
    assert_eq!(file.root, b.root());
    assert_eq!(file.meta(), b.meta);
    assert_eq!(file.check().unwrap(), None);
    assert_eq!(file.compare(&b), None);
    // Indices follow address order.
    for (i, (a, c)) in file.claims.0.iter().enumerate() {
        assert_eq!(c.index, i as u64);
        assert_eq!(Some(c), file.claim(a));
    }
    // The streamed dump is exactly the dump.
    assert_eq!(
        file.tree.as_ref().unwrap(),
        &b.tree.as_ref().unwrap().dump()
    );
    // Only the file itself is left in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_empty_round_has_root_zero_and_no_tree() {
    let b = built(0);
    let (_dir, path, file) = round_trip(&b);
    assert_eq!(file.root, B256::ZERO);
    assert!(file.tree.is_none() && file.claims.0.is_empty());
    assert_eq!(file.check().unwrap(), None);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("\"total\": \"0\""), "{text}");
}

#[test]
fn check_names_the_first_difference() {
    let (_dir, _, file) = round_trip(&built(5));
    let mut f = file.clone();
    f.claims.0[2].1.amount.0 += U256::from(1u8);
    assert!(f.check().unwrap().unwrap().starts_with("total is"));
    f.total.0 += U256::from(1u8);
    assert!(f.check().unwrap().unwrap().starts_with("root is"));

    let mut f = file.clone();
    f.claims.0[1].1.index = 7;
    assert!(
        f.check()
            .unwrap()
            .unwrap()
            .contains("has index 7, expected 1")
    );

    let mut f = file.clone();
    f.claims.0[3].1.proof[0] = B256::repeat_byte(9);
    assert!(f.check().unwrap().unwrap().contains("the proof of"));

    let mut f = file.clone();
    f.tree.as_mut().unwrap().tree[1] = B256::repeat_byte(9);
    assert!(f.check().unwrap().unwrap().starts_with("tree.tree[1]"));

    let mut f = file.clone();
    let first = f.claims.0[0].0;
    f.claims.0[0].0 = f.claims.0[1].0;
    f.claims.0[1].0 = first;
    assert!(
        f.check()
            .unwrap()
            .unwrap()
            .contains("ascending address order")
    );
}

#[test]
fn compare_names_the_account_that_differs() {
    let (_dir, _, file) = round_trip(&built(5));
    let other = built(4);
    let d = file.compare(&other).unwrap();
    assert!(d.contains("in the file but nothing by the rules"), "{d}");
    let other = built(6);
    let d = file.compare(&other).unwrap();
    assert!(d.contains("missing from the file"), "{d}");
    let mut other = built(5);
    other.meta.rules_digest = B256::repeat_byte(7);
    assert!(file.compare(&other).unwrap().starts_with("rulesDigest"));
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    // The target is a non-empty directory: the rename fails after the temporary file was written.
    let target = dir.path().join("out.json");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), b"x").unwrap();
    assert!(built(3).write_atomic(&target).is_err());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
}

#[test]
fn parses_from_memory_naming_the_origin() {
    let b = built(3);
    let mut bytes = Vec::new();
    b.write_json(&mut bytes).unwrap();
    let origin = Path::new("https://example.org/round-2.json");
    let file = DistributionFile::from_slice(&bytes, origin).unwrap();
    assert_eq!(file.root, b.root());
    assert_eq!(file.check().unwrap(), None);

    let broken = String::from_utf8(bytes)
        .unwrap()
        .replacen("\"round\": 2", "\"round\": x", 1);
    let err = DistributionFile::from_slice(broken.as_bytes(), origin)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("https://example.org/round-2.json: line 5, column 12: expected value"),
        "{err}"
    );

    let other = broken.replacen("\"round\": x", "\"round\": 2", 1).replacen(
        FORMAT,
        "podium-distribution-v9",
        1,
    );
    let err = DistributionFile::from_slice(other.as_bytes(), origin)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "https://example.org/round-2.json: format is \"podium-distribution-v9\"; this podium reads \"podium-distribution-v1\""
    );
}
