use super::*;

fn leaves(n: usize) -> Vec<Leaf> {
    (0..n)
        .map(|i| Leaf {
            round: 9,
            index: i as u64,
            account: Address::from_word(keccak256((i as u64).to_be_bytes())),
            amount: U256::from(1000 + i),
        })
        .collect()
}

#[test]
fn encodes_four_abi_words() {
    let leaf = Leaf {
        round: 1,
        index: 2,
        account: Address::repeat_byte(0xaa),
        amount: U256::from(0x0304u16),
    };
    let e = leaf.encode();
    assert!(e[..31].iter().all(|&b| b == 0) && e[31] == 1);
    assert!(e[32..63].iter().all(|&b| b == 0) && e[63] == 2);
    assert!(e[64..76].iter().all(|&b| b == 0) && e[76..96].iter().all(|&b| b == 0xaa));
    assert_eq!(&e[126..], &[3, 4]);
    assert_eq!(leaf.hash(), keccak256(keccak256(e)));
}

#[test]
fn a_single_leaf_is_the_root() {
    let t = StandardTree::of(leaves(1)).unwrap();
    assert_eq!(t.root(), leaves(1)[0].hash());
    assert!(t.proof(0).is_empty());
    assert!(StandardTree::of(vec![]).is_err());
}

#[test]
fn every_proof_verifies_and_all_proofs_agree() {
    for n in 1..70 {
        let t = StandardTree::of(leaves(n)).unwrap();
        assert_eq!(t.nodes().len(), 2 * n - 1);
        let all = t.all_proofs();
        assert_eq!(all.len(), n);
        for (i, v) in t.values().iter().enumerate() {
            let p = t.proof(i);
            assert_eq!(all.get(i), p.as_slice());
            assert!(StandardTree::verify(t.root(), v, &p), "n={n} i={i}");
            let mut other = *v;
            other.amount += U256::from(1u8);
            assert!(!StandardTree::verify(t.root(), &other, &p));
        }
        // Leaves are sorted by hash, descending from the end of the array.
        let leaf_nodes = &t.nodes()[n - 1..];
        assert!(leaf_nodes.windows(2).all(|w| w[0] >= w[1]));
    }
}

#[test]
fn a_big_tree_built_in_parallel_matches_a_plain_build() {
    let values = leaves(10_000);
    let t = StandardTree::of(values.clone()).unwrap();
    // The textbook build: sort the leaf hashes, then hash node by node from the end.
    let mut hashes: Vec<B256> = values.iter().map(Leaf::hash).collect();
    hashes.sort();
    let len = 2 * hashes.len() - 1;
    let mut tree = vec![B256::ZERO; len];
    for (i, h) in hashes.iter().enumerate() {
        tree[len - 1 - i] = *h;
    }
    for i in (0..len - hashes.len()).rev() {
        tree[i] = hash_pair(&tree[2 * i + 1], &tree[2 * i + 2]);
    }
    assert_eq!(t.nodes(), tree.as_slice());
}

#[test]
fn dump_round_trips_and_tampering_is_found() {
    let t = StandardTree::of(leaves(13)).unwrap();
    let dump = t.dump();
    assert_eq!(StandardTree::from_dump(&dump).unwrap(), t);
    let mut bad = dump.clone();
    bad.tree[3] = B256::repeat_byte(1);
    assert!(
        StandardTree::from_dump(&bad)
            .unwrap_err()
            .to_string()
            .contains("tree[3]")
    );
    let mut bad = dump.clone();
    bad.values[0].tree_index = bad.values[1].tree_index;
    assert!(
        StandardTree::from_dump(&bad)
            .unwrap_err()
            .to_string()
            .contains("values[0].treeIndex")
    );
    let mut bad = dump;
    bad.values[2].value.3 = "12x".into();
    assert!(
        StandardTree::from_dump(&bad)
            .unwrap_err()
            .to_string()
            .contains("values[2]")
    );
}
