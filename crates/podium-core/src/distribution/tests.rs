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
    assert_eq!(file.compare(&b), vec![]);
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
    let found = |f: &DistributionFile| f.check().unwrap().unwrap().to_string();
    assert!(found(&f).starts_with("total is"));
    f.total.0 += U256::from(1u8);
    assert!(found(&f).starts_with("root is"));

    let mut f = file.clone();
    f.claims.0[1].1.index = 7;
    assert!(
        found(&f).contains("has index 7, but indices follow address order and it is claim 1"),
        "{}",
        found(&f)
    );

    let mut f = file.clone();
    f.claims.0[3].1.proof[0] = B256::repeat_byte(9);
    assert!(found(&f).contains("the proof of"));

    let mut f = file.clone();
    f.tree.as_mut().unwrap().tree[1] = B256::repeat_byte(9);
    assert!(found(&f).starts_with("tree node 1 is"));

    let mut f = file.clone();
    let first = f.claims.0[0].0;
    f.claims.0[0].0 = f.claims.0[1].0;
    f.claims.0[1].0 = first;
    assert!(found(&f).contains("ascending address order"));
}

#[test]
fn compare_names_the_account_that_differs() {
    let (_dir, _, file) = round_trip(&built(5));
    let other = built(4);
    let first = |other: &Built| file.compare(other)[0].to_string();
    let d = first(&other);
    assert!(d.contains("in the file but nothing by the rules"), "{d}");
    let other = built(6);
    let d = first(&other);
    assert!(d.contains("missing from the file"), "{d}");
    let mut other = built(5);
    other.meta.rules_digest = B256::repeat_byte(7);
    assert!(first(&other).starts_with("rulesDigest"));
    other.meta.decimals = 17;
    let all: Vec<String> = file.compare(&other).iter().map(|d| d.to_string()).collect();
    assert_eq!(
        all,
        [
            "decimals is 18 but the rules say 17, so every amount in it reads 10 times too small",
            &format!(
                "rulesDigest is {} but the rules file given hashes to {}, so it is not the file the \
                 round was built from",
                B256::repeat_byte(1),
                B256::repeat_byte(7)
            )
        ]
    );
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

#[test]
fn case_edits_of_addresses_are_differences() {
    let leaves: Vec<Leaf> = [0x1a, 0x2b, 0x3c]
        .into_iter()
        .enumerate()
        .map(|(i, byte)| Leaf {
            round: 2,
            index: i as u64,
            account: Address::repeat_byte(byte),
            amount: U256::from(10u8),
        })
        .collect();
    let mut meta = built(0).meta;
    meta.total = U256::from(30u8);
    meta.distributor = Some(Address::repeat_byte(0xab));
    let b = Built::from_leaves(leaves, meta).unwrap();
    assert_eq!(
        DistributionFile::from_slice(
            &{
                let mut v = Vec::new();
                b.write_json(&mut v).unwrap();
                v
            },
            Path::new("d.json")
        )
        .unwrap()
        .check()
        .unwrap(),
        None
    );
    let mut bytes = Vec::new();
    b.write_json(&mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let origin = Path::new("d.json");
    let key = b.tree.as_ref().unwrap().values()[1]
        .account
        .to_checksum(None);
    // All lower case parses (no checksum to check) but is not what podium writes.
    let lower = text.replacen(&key, &key.to_lowercase(), 1);
    let f = DistributionFile::from_slice(lower.as_bytes(), origin).unwrap();
    let d = f.check().unwrap().unwrap();
    assert!(
        matches!(d, Difference::NotChecksummed { ref field, .. } if field == "claims"),
        "{d}"
    );
    // One letter's case flipped breaks the checksum: the file does not parse.
    let at = key
        .char_indices()
        .skip(2)
        .find(|(_, c)| c.is_ascii_alphabetic())
        .unwrap()
        .0;
    let mut flipped = key.clone();
    let c = key.as_bytes()[at] as char;
    let other = if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        c.to_ascii_uppercase()
    };
    flipped.replace_range(at..=at, &other.to_string());
    let err = DistributionFile::from_slice(text.replacen(&key, &flipped, 1).as_bytes(), origin)
        .unwrap_err()
        .to_string();
    assert!(err.contains("wrong EIP-55 checksum"), "{err}");
    // The distributor too.
    let distributor = Address::repeat_byte(0xab).to_checksum(None);
    let first_difference = |text: &str| {
        let f = DistributionFile::from_slice(text.as_bytes(), origin).unwrap();
        f.check().unwrap().unwrap().to_string()
    };
    let lower = text.replacen(&distributor, &distributor.to_lowercase(), 1);
    assert!(first_difference(&lower).starts_with("distributor has the address"));
    // And the tree's copy of the address, compared as text.
    let lower = text.replace(
        &format!("\"{key}\",\""),
        &format!("\"{}\",\"", key.to_lowercase()),
    );
    assert_ne!(lower, text);
    assert!(first_difference(&lower).starts_with("tree value 1 is"));
}

#[test]
fn target_differences_name_their_source() {
    let (_dir, _, file) = round_trip(&built(2));
    let target = Target {
        chain_id: Some((42161, "the deployment record".into())),
        distributor: Some((Address::repeat_byte(1), "the deployment record".into())),
        token_decimals: Some((Address::repeat_byte(2), 6)),
        round_budget: None,
    };
    let all: Vec<String> = file
        .compare_target(&target)
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(
        all[0],
        "chainId is 31337 but the deployment record says chain 42161"
    );
    assert!(
        all[1].starts_with("the file names no distributor, but the deployment record says 0x0101")
    );
    assert!(
        all[2].ends_with("has 6, so every amount in it reads 10^12 times too small"),
        "{}",
        all[2]
    );
    let json = serde_json::to_value(file.compare_target(&target)).unwrap();
    assert_eq!(json[0]["kind"], "chainId");
    assert_eq!(json[0]["file"], 31337);
    assert_eq!(
        json[1]["expected"],
        Address::repeat_byte(1).to_checksum(None)
    );
    assert_eq!(json[2]["kind"], "tokenDecimals");
}

#[test]
fn writing_into_a_missing_directory_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let err = built(1)
        .write_atomic(&dir.path().join("nope/out.json"))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("nope does not exist (create it first)"),
        "{err}"
    );
}
