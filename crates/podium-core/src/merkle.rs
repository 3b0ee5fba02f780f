//! The OpenZeppelin standard Merkle tree (`@openzeppelin/merkle-tree`'s `StandardMerkleTree`), over
//! the distributor's leaf `(uint256 round, uint256 index, address account, uint256 amount)`.
//!
//! The same values give byte for byte the same tree as `StandardMerkleTree.of(values, LEAF_ENCODING)`:
//!
//! - leaf = `keccak256(keccak256(abi.encode(round, index, account, amount)))` (the double hash rules
//!   out second preimages with inner nodes);
//! - the leaves are sorted by hash (the package's default `sortLeaves: true`), and leaf `i` of the
//!   sorted list sits at `tree[len - 1 - i]` of a heap-shaped array of `2n - 1` nodes;
//! - node `i` = `keccak256(sort(tree[2i + 1], tree[2i + 2]))` (sorted pairs, as `MerkleProof` expects);
//! - a proof lists the siblings from the leaf up to the root;
//! - the `standard-v1` dump keeps the values in the order given, each with its `treeIndex`.
//!
//! Building is parallel (rayon): leaf hashes at once, then the inner nodes one tree level at a time,
//! eight hashes per AVX-512 pass where the CPU has it (see `keccak_x8`).

mod keccak_x8;

use alloy_primitives::{Address, B256, U256, keccak256};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The leaf's ABI types, as the OpenZeppelin package and the dump name them.
pub const LEAF_ENCODING: [&str; 4] = ["uint256", "uint256", "address", "uint256"];

/// One leaf's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Leaf {
    /// The round (a `uint256` on-chain; rounds are small).
    pub round: u64,
    /// The leaf's index in the round (the bit in the contract's claimed bitmap).
    pub index: u64,
    /// The account paid.
    pub account: Address,
    /// The amount in base units.
    pub amount: U256,
}

impl Leaf {
    /// `abi.encode(round, index, account, amount)`: four 32-byte words.
    pub fn encode(&self) -> [u8; 128] {
        let mut buf = [0u8; 128];
        buf[24..32].copy_from_slice(&self.round.to_be_bytes());
        buf[56..64].copy_from_slice(&self.index.to_be_bytes());
        buf[76..96].copy_from_slice(self.account.as_slice());
        buf[96..128].copy_from_slice(&self.amount.to_be_bytes::<32>());
        buf
    }

    /// The standard leaf hash: `keccak256(keccak256(abi.encode(...)))`.
    pub fn hash(&self) -> B256 {
        keccak256(keccak256(self.encode()))
    }
}

/// The standard inner-node hash: keccak256 of the two children in ascending byte order.
#[inline]
pub fn hash_pair(a: &B256, b: &B256) -> B256 {
    keccak256(sorted_pair(a, b))
}

/// Folds a proof from a leaf hash: the root the proof leads to.
pub fn process_proof(leaf: B256, proof: &[B256]) -> B256 {
    proof
        .iter()
        .fold(leaf, |acc, sibling| hash_pair(&acc, sibling))
}

/// Below this many nodes a tree level is hashed on one thread: splitting costs more than it saves.
const PAR_MIN: usize = 2048;

/// Every proof of a tree in one flat buffer.
///
/// Stored in leaf order (the order of the leaves in the node array), which is also the order they
/// are computed in: walking the leaves in array order reads the node array almost sequentially,
/// where value order would jump around a tree far larger than the CPU caches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proofs {
    /// Per value, its leaf's position among the leaves.
    position: Vec<u32>,
    /// Per leaf position, where its proof starts in `nodes` (plus the end).
    offsets: Vec<usize>,
    /// Raw node bytes: `vec![[0u8; 32]; n]` is a zeroed allocation (calloc), so pages are first
    /// touched by the parallel writers rather than by a single-threaded zero fill. At a million
    /// recipients this buffer is 640 MB, and faulting it in dominates the cost of the proofs.
    nodes: Vec<[u8; 32]>,
}

impl Proofs {
    /// The proof of value `i`.
    pub fn get(&self, i: usize) -> &[B256] {
        let p = self.position[i] as usize;
        let raw = &self.nodes[self.offsets[p]..self.offsets[p + 1]];
        // SAFETY: `B256` is `FixedBytes<32>`, a `#[repr(transparent)]` wrapper of `[u8; 32]`, so the
        // two slice types have the same layout, alignment and validity.
        unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<B256>(), raw.len()) }
    }

    /// Number of proofs.
    pub fn len(&self) -> usize {
        self.position.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total number of proof nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }
}

/// A built standard tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardTree {
    tree: Vec<B256>,
    values: Vec<Leaf>,
    tree_index: Vec<usize>,
}

impl StandardTree {
    /// Builds the tree of `values` exactly as `StandardMerkleTree.of(values, LEAF_ENCODING)` does.
    pub fn of(values: Vec<Leaf>) -> Result<Self> {
        let n = values.len();
        if n == 0 {
            return Err(Error::Tree("a tree needs at least one leaf".into()));
        }
        if n > u32::MAX as usize {
            return Err(Error::Tree(format!(
                "{n} leaves is more than this implementation supports"
            )));
        }
        let mut hashed = leaf_hashes(&values);
        // OZ sorts stably by hash; sorting by (hash, value index) is the same order, and unstable
        // sorting of unique keys is faster.
        hashed.par_sort_unstable();
        let len = 2 * n - 1;
        let mut tree = vec![B256::ZERO; len];
        let mut tree_index = vec![0usize; n];
        for (i, (h, v)) in hashed.into_iter().enumerate() {
            tree[len - 1 - i] = h;
            tree_index[v as usize] = len - 1 - i;
        }
        build_inner(&mut tree, n - 1);
        Ok(Self {
            tree,
            values,
            tree_index,
        })
    }

    /// The root.
    pub fn root(&self) -> B256 {
        self.tree[0]
    }

    /// The whole heap-shaped node array (`tree` in the dump).
    pub fn nodes(&self) -> &[B256] {
        &self.tree
    }

    /// The values in the order given.
    pub fn values(&self) -> &[Leaf] {
        &self.values
    }

    /// Where value `i`'s leaf sits in the node array.
    pub fn tree_index(&self, i: usize) -> usize {
        self.tree_index[i]
    }

    /// The proof of value `i`, without allocating: the siblings from its leaf up to the root.
    pub fn proof_iter(&self, i: usize) -> impl Iterator<Item = B256> + '_ {
        self.path(self.tree_index[i])
    }

    /// The siblings of node `t` and of each of its ancestors.
    fn path(&self, mut t: usize) -> impl Iterator<Item = B256> + '_ {
        std::iter::from_fn(move || {
            if t == 0 {
                return None;
            }
            let sibling = if t % 2 == 1 { t + 1 } else { t - 1 };
            t = (t - 1) / 2;
            Some(self.tree[sibling])
        })
    }

    /// The proof of value `i`.
    pub fn proof(&self, i: usize) -> Vec<B256> {
        self.proof_iter(i).collect()
    }

    /// Every value's proof, computed in parallel into one buffer.
    pub fn all_proofs(&self) -> Proofs {
        let n = self.values.len();
        let len = self.tree.len();
        // Leaf position p sits at tree index len - 1 - p.
        let position: Vec<u32> = self
            .tree_index
            .iter()
            .map(|&t| (len - 1 - t) as u32)
            .collect();
        let mut offsets = Vec::with_capacity(n + 1);
        let mut total = 0usize;
        offsets.push(0);
        for p in 0..n {
            total += depth(len - 1 - p);
            offsets.push(total);
        }
        let mut nodes = vec![[0u8; 32]; total];
        // Hand each worker a run of leaf positions and the matching slice of the buffer.
        const CHUNK: usize = 8192;
        let mut jobs = Vec::with_capacity(n.div_ceil(CHUNK));
        let mut rest = nodes.as_mut_slice();
        for start in (0..n).step_by(CHUNK) {
            let end = (start + CHUNK).min(n);
            let (head, tail) = rest.split_at_mut(offsets[end] - offsets[start]);
            jobs.push((start..end, head));
            rest = tail;
        }
        jobs.into_par_iter().for_each(|(range, out)| {
            let mut k = 0;
            for p in range {
                for node in self.path(len - 1 - p) {
                    out[k] = node.0;
                    k += 1;
                }
            }
        });
        Proofs {
            position,
            offsets,
            nodes,
        }
    }

    /// Checks that `proof` leads from `leaf` to `root`.
    pub fn verify(root: B256, leaf: &Leaf, proof: &[B256]) -> bool {
        process_proof(leaf.hash(), proof) == root
    }

    /// The `standard-v1` dump, as OZ's `tree.dump()` returns it.
    pub fn dump(&self) -> Dump {
        Dump {
            format: "standard-v1".into(),
            leaf_encoding: LEAF_ENCODING.iter().map(|s| (*s).to_owned()).collect(),
            tree: self.tree.clone(),
            values: self
                .values
                .iter()
                .zip(&self.tree_index)
                .map(|(v, &t)| DumpValue {
                    value: DumpLeaf::from(v),
                    tree_index: t,
                })
                .collect(),
        }
    }

    /// Rebuilds the tree from a dump's values and checks that the dump's nodes and tree indices are
    /// exactly what the values give (stricter than OZ's `load`, which accepts any valid tree).
    pub fn from_dump(dump: &Dump) -> Result<Self> {
        if dump.format != "standard-v1" {
            return Err(Error::Tree(format!(
                "unknown dump format {:?}",
                dump.format
            )));
        }
        if dump.leaf_encoding != LEAF_ENCODING {
            return Err(Error::Tree(format!(
                "leaf encoding {:?}, expected {:?}",
                dump.leaf_encoding, LEAF_ENCODING
            )));
        }
        let values = dump
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.value
                    .to_leaf()
                    .map_err(|e| Error::Tree(format!("values[{i}]: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let tree = Self::of(values)?;
        if tree.tree.len() != dump.tree.len() {
            return Err(Error::Tree(format!(
                "the dump has {} nodes, {} values need {}",
                dump.tree.len(),
                dump.values.len(),
                tree.tree.len()
            )));
        }
        if let Some(i) = (0..tree.tree.len()).find(|&i| tree.tree[i] != dump.tree[i]) {
            return Err(Error::Tree(format!(
                "tree[{i}] is {}, the values give {}",
                dump.tree[i], tree.tree[i]
            )));
        }
        if let Some(i) =
            (0..dump.values.len()).find(|&i| dump.values[i].tree_index != tree.tree_index[i])
        {
            return Err(Error::Tree(format!(
                "values[{i}].treeIndex is {}, the values give {}",
                dump.values[i].tree_index, tree.tree_index[i]
            )));
        }
        Ok(tree)
    }
}

/// Depth of node `t` in a heap-shaped array: its proof length.
fn depth(t: usize) -> usize {
    (usize::BITS - 1 - (t + 1).leading_zeros()) as usize
}

/// Each value's leaf hash with its index, eight at a time where AVX-512 allows.
fn leaf_hashes(values: &[Leaf]) -> Vec<(B256, u32)> {
    let mut out = vec![(B256::ZERO, 0u32); values.len()];
    out.par_chunks_mut(8)
        .zip(values.par_chunks(8))
        .enumerate()
        .with_min_len(64)
        .for_each(|(k, (out, values))| {
            let base = (k * 8) as u32;
            if values.len() == 8 {
                let encoded: [[u8; 128]; 8] = std::array::from_fn(|j| values[j].encode());
                let inner = keccak_x8::try_keccak256_x8(std::array::from_fn(|j| &encoded[j][..]));
                let outer = inner.and_then(|inner| {
                    keccak_x8::try_keccak256_x8(std::array::from_fn(|j| inner[j].as_slice()))
                });
                if let Some(outer) = outer {
                    for (j, h) in outer.into_iter().enumerate() {
                        out[j] = (h, base + j as u32);
                    }
                    return;
                }
            }
            for (j, v) in values.iter().enumerate() {
                out[j] = (v.hash(), base + j as u32);
            }
        });
    out
}

/// The 64 bytes a node hashes: its children in ascending order.
#[inline]
fn sorted_pair(a: &B256, b: &B256) -> [u8; 64] {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(lo.as_slice());
    buf[32..].copy_from_slice(hi.as_slice());
    buf
}

/// Hashes the inner nodes `0..internal` of `tree`, deepest level first, each level in parallel.
fn build_inner(tree: &mut [B256], internal: usize) {
    let mut hi = internal;
    while hi > 0 {
        // Nodes lo..hi share a depth; their children all lie at hi or beyond.
        let lo = (1usize << (usize::BITS - 1 - hi.leading_zeros())) - 1;
        let (left, right) = tree.split_at_mut(hi);
        let pair = |i: usize| sorted_pair(&right[2 * i + 1 - hi], &right[2 * i + 2 - hi]);
        let hash_chunk = |(k, chunk): (usize, &mut [B256])| {
            let first = lo + 8 * k;
            if chunk.len() == 8 {
                let pairs: [[u8; 64]; 8] = std::array::from_fn(|m| pair(first + m));
                if let Some(h) = keccak_x8::try_keccak256_x8(std::array::from_fn(|m| &pairs[m][..]))
                {
                    chunk.copy_from_slice(&h);
                    return;
                }
            }
            for (m, node) in chunk.iter_mut().enumerate() {
                *node = keccak256(pair(first + m));
            }
        };
        let level = &mut left[lo..hi];
        if level.len() >= PAR_MIN {
            level
                .par_chunks_mut(8)
                .enumerate()
                .with_min_len(PAR_MIN / 16)
                .for_each(hash_chunk);
        } else {
            level.chunks_mut(8).enumerate().for_each(hash_chunk);
        }
        hi = lo;
    }
}

/// OZ's `standard-v1` dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Dump {
    /// Always `"standard-v1"`.
    pub format: String,
    /// The leaf's ABI types.
    pub leaf_encoding: Vec<String>,
    /// The node array, root first.
    pub tree: Vec<B256>,
    /// The values in the order given, each with where its leaf sits.
    pub values: Vec<DumpValue>,
}

/// One entry of the dump's `values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DumpValue {
    /// The leaf's values as strings.
    pub value: DumpLeaf,
    /// Where the leaf sits in `tree`.
    pub tree_index: usize,
}

/// A leaf as the dump writes it: decimal strings for the integers, the checksummed address, which is
/// what the OZ package gets when the values are given as strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpLeaf(pub String, pub String, pub String, pub String);

impl From<&Leaf> for DumpLeaf {
    fn from(v: &Leaf) -> Self {
        Self(
            v.round.to_string(),
            v.index.to_string(),
            v.account.to_checksum(None),
            v.amount.to_string(),
        )
    }
}

impl DumpLeaf {
    /// Parses the strings back into a leaf (decimal integers, any-case address).
    pub fn to_leaf(&self) -> Result<Leaf, String> {
        let int = |s: &str, name: &str| -> Result<u64, String> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("{name} {s:?} is not a decimal integer"));
            }
            s.parse::<u64>()
                .map_err(|_| format!("{name} {s:?} is too large"))
        };
        let round = int(&self.0, "round")?;
        let index = int(&self.1, "index")?;
        let account = crate::parse_address(&self.2)
            .ok_or_else(|| crate::account::address_problem(&self.2))?;
        if self.3.is_empty() || !self.3.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("amount {:?} is not a decimal integer", self.3));
        }
        let amount = U256::from_str_radix(&self.3, 10)
            .map_err(|_| format!("amount {:?} is too large", self.3))?;
        Ok(Leaf {
            round,
            index,
            account,
            amount,
        })
    }
}

#[cfg(test)]
mod tests;
