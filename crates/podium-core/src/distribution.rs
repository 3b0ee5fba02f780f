//! The distribution file: one JSON file per round with everything needed to claim and to verify.
//!
//! ```json
//! {
//!   "format": "podium-distribution-v1",
//!   "chainId": 42161,                       // null when not given
//!   "distributor": "0x…",                   // null when not given
//!   "round": 1,
//!   "root": "0x…",                          // 0x00…00 when nobody is paid
//!   "total": "6999999999999999999998",      // base units, decimal string
//!   "budget": "7000000000000000000000",
//!   "decimals": 18,
//!   "rulesDigest": "0x…",                   // keccak256 of the rules file
//!   "inputsDigest": "0x…",                  // see ScoreSet::inputs_digest
//!   "claims": { "0xChecksummed…": { "index": 0, "amount": "…", "proof": ["0x…"] } },
//!   "tree": { "format": "standard-v1", … }  // OZ dump; null when nobody is paid
//! }
//! ```
//!
//! Leaf indices run 0..n-1 in ascending account address order, and `claims` lists accounts in that
//! order. The file is written by streaming (a round of a million recipients never sits in memory as
//! JSON) into a temporary file in the target's directory, then renamed over the target, so a reader
//! sees the old file or the whole new one, and an error leaves nothing behind.

use std::{fmt, fs::File, io::Write, path::Path};

use alloy_primitives::{Address, B256, U256};
use rayon::prelude::*;
use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{MapAccess, Visitor},
    ser::{SerializeMap, SerializeSeq, SerializeStruct},
};

use crate::{
    Error, Result, Rules, ScoreSet,
    allocation::Allocation,
    merkle::{Dump, LEAF_ENCODING, Leaf, StandardTree},
};

/// Distribution files larger than this are parsed as a stream rather than read whole.
const STREAM_ABOVE: u64 = 256 << 20;

/// The `format` field of files this version writes.
pub const FORMAT: &str = "podium-distribution-v1";

/// Everything in the file but the tree and claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The chain the round is paid on, when known.
    pub chain_id: Option<u64>,
    /// The distributor contract, when known.
    pub distributor: Option<Address>,
    /// The round.
    pub round: u64,
    /// Sum of the claims.
    pub total: U256,
    /// The round's budget.
    pub budget: U256,
    /// The token's decimals.
    pub decimals: u8,
    /// keccak256 of the rules file.
    pub rules_digest: B256,
    /// Digest of the score files.
    pub inputs_digest: B256,
}

impl Meta {
    /// The metadata of a round built from `rules` and `scores` into `allocation`; the chain and
    /// distributor are whatever the caller knows (`None` when not given).
    pub fn for_round(
        rules: &Rules,
        scores: &ScoreSet,
        allocation: &Allocation,
        chain_id: Option<u64>,
        distributor: Option<Address>,
    ) -> Self {
        Self {
            chain_id,
            distributor,
            round: rules.round,
            total: allocation.total,
            budget: rules.budget,
            decimals: rules.decimals,
            rules_digest: rules.digest,
            inputs_digest: scores.inputs_digest(),
        }
    }
}

/// A built round: the metadata and the tree (none when nobody is paid).
#[derive(Debug, Clone)]
pub struct Built {
    /// The file's metadata.
    pub meta: Meta,
    /// The tree, or `None` for a round that pays nobody.
    pub tree: Option<StandardTree>,
}

impl Built {
    /// Builds the tree of an allocation: one leaf per paid account, indexed in address order.
    pub fn new(allocation: &Allocation, meta: Meta) -> Result<Self> {
        let leaves: Vec<Leaf> = allocation
            .payouts
            .iter()
            .enumerate()
            .map(|(i, (&account, &amount))| Leaf {
                round: allocation.round,
                index: i as u64,
                account,
                amount,
            })
            .collect();
        Self::from_leaves(leaves, meta)
    }

    /// Builds from leaves already in index order.
    pub fn from_leaves(leaves: Vec<Leaf>, meta: Meta) -> Result<Self> {
        let tree = if leaves.is_empty() {
            None
        } else {
            Some(StandardTree::of(leaves)?)
        };
        Ok(Self { meta, tree })
    }

    /// The root, zero when nobody is paid (what the contract expects for an empty round).
    pub fn root(&self) -> B256 {
        self.tree.as_ref().map_or(B256::ZERO, StandardTree::root)
    }

    /// Number of claims.
    pub fn len(&self) -> usize {
        self.tree.as_ref().map_or(0, |t| t.values().len())
    }

    /// Whether nobody is paid.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the file as JSON: one line per field, per claim and per tree entry, each claim and
    /// entry compact on its line (readable, and a third of the size of fully indented JSON).
    pub fn write_json<W: Write>(&self, w: W) -> serde_json::Result<()> {
        let text = self.tree.as_ref().map(LeafText::of).unwrap_or_default();
        let mut ser = serde_json::Serializer::with_formatter(w, ShallowPretty::default());
        FileRef {
            built: self,
            text: &text,
        }
        .serialize(&mut ser)
    }

    /// Writes the file atomically through [`crate::fs::write_atomic_with`]: on any error the temporary
    /// file is removed and `path` is untouched.
    pub fn write_atomic(&self, path: &Path) -> Result<()> {
        crate::fs::write_atomic_with(path, |w| {
            self.write_json(&mut *w).map_err(std::io::Error::other)?;
            w.write_all(b"\n")
        })
    }
}

/// The text of each leaf's account and amount, computed in parallel once: checksumming an address
/// is a keccak256, and a million of them one by one while writing would dominate the write.
#[derive(Default)]
struct LeafText {
    accounts: Vec<[u8; 42]>,
    amounts: Vec<String>,
}

impl LeafText {
    fn of(tree: &StandardTree) -> Self {
        let (accounts, amounts) = tree
            .values()
            .par_iter()
            .map(|v| {
                let mut buf = [0u8; 42];
                let _ = v.account.to_checksum_raw(&mut buf, None);
                (buf, v.amount.to_string())
            })
            .unzip();
        Self { accounts, amounts }
    }

    fn account(&self, i: usize) -> &str {
        // to_checksum_raw writes "0x" and 40 hex digits: ASCII.
        std::str::from_utf8(&self.accounts[i]).expect("checksummed addresses are ASCII")
    }
}

/// A 32-byte value as 0x-prefixed lower-case hex, formatted on the stack.
struct Hex<'a>(&'a B256);

impl Serialize for Hex<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 66];
        buf[..2].copy_from_slice(b"0x");
        for (i, b) in self.0.iter().enumerate() {
            buf[2 + 2 * i] = DIGITS[(b >> 4) as usize];
            buf[3 + 2 * i] = DIGITS[(b & 15) as usize];
        }
        s.serialize_str(std::str::from_utf8(&buf).expect("hex digits are ASCII"))
    }
}

struct ProofRef<'a>(&'a StandardTree, usize);

impl Serialize for ProofRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for node in self.0.proof_iter(self.1) {
            seq.serialize_element(&Hex(&node))?;
        }
        seq.end()
    }
}

struct ClaimRef<'a>(&'a StandardTree, usize, &'a LeafText);

impl Serialize for ClaimRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = &self.0.values()[self.1];
        let mut st = s.serialize_struct("Claim", 3)?;
        st.serialize_field("index", &v.index)?;
        st.serialize_field("amount", &self.2.amounts[self.1])?;
        st.serialize_field("proof", &ProofRef(self.0, self.1))?;
        st.end()
    }
}

struct ClaimsRef<'a>(Option<&'a StandardTree>, &'a LeafText);

impl Serialize for ClaimsRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let n = self.0.map_or(0, |t| t.values().len());
        let mut map = s.serialize_map(Some(n))?;
        if let Some(t) = self.0 {
            for i in 0..n {
                map.serialize_entry(self.1.account(i), &ClaimRef(t, i, self.1))?;
            }
        }
        map.end()
    }
}

struct NodesRef<'a>(&'a [B256]);

impl Serialize for NodesRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for node in self.0 {
            seq.serialize_element(&Hex(node))?;
        }
        seq.end()
    }
}

struct ValuesRef<'a>(&'a StandardTree, &'a LeafText);

impl Serialize for ValuesRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Entry<'a> {
            value: (String, String, &'a str, &'a str),
            tree_index: usize,
        }
        let t = self.0;
        let mut seq = s.serialize_seq(Some(t.values().len()))?;
        for (i, v) in t.values().iter().enumerate() {
            seq.serialize_element(&Entry {
                value: (
                    v.round.to_string(),
                    v.index.to_string(),
                    self.1.account(i),
                    &self.1.amounts[i],
                ),
                tree_index: t.tree_index(i),
            })?;
        }
        seq.end()
    }
}

struct DumpRef<'a>(&'a StandardTree, &'a LeafText);

impl Serialize for DumpRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Dump", 4)?;
        st.serialize_field("format", "standard-v1")?;
        st.serialize_field("leafEncoding", &LEAF_ENCODING)?;
        st.serialize_field("tree", &NodesRef(self.0.nodes()))?;
        st.serialize_field("values", &ValuesRef(self.0, self.1))?;
        st.end()
    }
}

struct FileRef<'a> {
    built: &'a Built,
    text: &'a LeafText,
}

impl Serialize for FileRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let b = self.built;
        let m = &b.meta;
        let mut st = s.serialize_struct("Distribution", 12)?;
        st.serialize_field("format", FORMAT)?;
        st.serialize_field("chainId", &m.chain_id)?;
        st.serialize_field("distributor", &m.distributor.map(|a| a.to_checksum(None)))?;
        st.serialize_field("round", &m.round)?;
        st.serialize_field("root", &b.root())?;
        st.serialize_field("total", &m.total.to_string())?;
        st.serialize_field("budget", &m.budget.to_string())?;
        st.serialize_field("decimals", &m.decimals)?;
        st.serialize_field("rulesDigest", &m.rules_digest)?;
        st.serialize_field("inputsDigest", &m.inputs_digest)?;
        st.serialize_field("claims", &ClaimsRef(b.tree.as_ref(), self.text))?;
        st.serialize_field("tree", &b.tree.as_ref().map(|t| DumpRef(t, self.text)))?;
        st.end()
    }
}

/// JSON with line breaks only where they help a reader: the file's fields, each entry of `claims`,
/// the dump's fields and each element of the dump's `tree` and `values` arrays get a line; each claim
/// and each value entry is compact on its line.
#[derive(Default)]
struct ShallowPretty {
    /// Per open container: whether it is an array, and whether it has had an element.
    open: Vec<(bool, bool)>,
}

impl ShallowPretty {
    /// Whether the elements of the innermost open container each go on their own line.
    fn breaks(&self) -> bool {
        match self.open.len() {
            0..=2 => true,
            3 => self.open.last().is_some_and(|&(array, _)| array),
            _ => false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        array: bool,
        open: &[u8],
    ) -> std::io::Result<()> {
        self.open.push((array, false));
        w.write_all(open)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, close: &[u8]) -> std::io::Result<()> {
        let breaks = self.breaks();
        let (_, had) = self.open.pop().unwrap_or((false, false));
        if had && breaks {
            self.newline(w, self.open.len())?;
        }
        w.write_all(close)
    }

    fn element<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if let Some((_, had)) = self.open.last_mut() {
            *had = true;
        }
        if !first {
            w.write_all(b",")?;
        }
        if self.breaks() {
            self.newline(w, self.open.len())
        } else {
            Ok(())
        }
    }
}

impl serde_json::ser::Formatter for ShallowPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, true, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.element(w, first)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, false, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.element(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.breaks() { b": " } else { b":" })
    }
}

/// A base-unit amount written as a decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct DecimalU256(pub U256);

impl<'de> Deserialize<'de> for DecimalU256 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(serde::de::Error::custom(format!(
                "{s:?} is not a decimal amount"
            )));
        }
        U256::from_str_radix(&s, 10)
            .map(Self)
            .map_err(|_| serde::de::Error::custom(format!("{s:?} does not fit in 256 bits")))
    }
}

/// One account's entry in `claims`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The leaf index.
    pub index: u64,
    /// The amount in base units.
    pub amount: DecimalU256,
    /// The Merkle proof.
    #[serde(deserialize_with = "exact_proof")]
    pub proof: Vec<B256>,
}

/// Reads a proof into a stack buffer and allocates it once at its exact length: growing a million
/// small vectors by doubling leaves the allocator holding several times the proofs' size.
fn exact_proof<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<B256>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<B256>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array of 32-byte hex strings")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<B256>, A::Error> {
            // A tree deeper than 64 levels would have more leaves than can exist.
            let mut buf = [B256::ZERO; 64];
            let mut n = 0;
            while let Some(node) = seq.next_element::<B256>()? {
                if n == buf.len() {
                    return Err(serde::de::Error::custom("a proof has at most 64 nodes"));
                }
                buf[n] = node;
                n += 1;
            }
            Ok(buf[..n].to_vec())
        }
    }
    d.deserialize_seq(V)
}

/// `claims` in file order, keys parsed as addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims(pub Vec<(Address, Claim)>);

impl<'de> Deserialize<'de> for Claims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RawClaims::deserialize(d).map(|raw| raw.claims)
    }
}

/// `claims` as read, with the first key not written in checksummed form.
struct RawClaims {
    claims: Claims,
    unchecksummed: Option<Difference>,
}

impl<'de> Deserialize<'de> for RawClaims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawClaims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of accounts to {index, amount, proof}")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawClaims, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0));
                let mut unchecksummed = None;
                while let Some(key) = map.next_key::<String>()? {
                    let account = crate::parse_address(&key).ok_or_else(|| {
                        serde::de::Error::custom(crate::account::address_problem(&key))
                    })?;
                    if unchecksummed.is_none() && !crate::account::is_checksummed(&key, &account) {
                        unchecksummed = Some(not_checksummed("claims", &key, &account));
                    }
                    out.push((account, map.next_value()?));
                }
                Ok(RawClaims {
                    claims: Claims(out),
                    unchecksummed,
                })
            }
        }
        d.deserialize_map(V)
    }
}

fn not_checksummed(field: &str, found: &str, account: &Address) -> Difference {
    Difference::NotChecksummed {
        field: field.to_owned(),
        found: found.to_owned(),
        expected: account.to_checksum(None),
    }
}

/// An address field as written: parsed (a mixed-case address must carry a valid checksum), and
/// whether it is in the checksummed form podium writes.
struct AddressText {
    address: Address,
    text: String,
}

impl<'de> Deserialize<'de> for AddressText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let address = crate::parse_address(&text)
            .ok_or_else(|| serde::de::Error::custom(crate::account::address_problem(&text)))?;
        Ok(Self { address, text })
    }
}

/// The file as written; [`DistributionFile`] is made from it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[serde(expecting = "a podium distribution file (a JSON object)")]
struct RawFile {
    format: String,
    chain_id: Option<u64>,
    distributor: Option<AddressText>,
    round: u64,
    root: B256,
    total: DecimalU256,
    budget: DecimalU256,
    decimals: u8,
    rules_digest: B256,
    inputs_digest: B256,
    claims: RawClaims,
    tree: Option<Dump>,
}

impl From<RawFile> for DistributionFile {
    fn from(raw: RawFile) -> Self {
        let unchecksummed = raw
            .distributor
            .as_ref()
            .filter(|d| !crate::account::is_checksummed(&d.text, &d.address))
            .map(|d| not_checksummed("distributor", &d.text, &d.address))
            .or(raw.claims.unchecksummed);
        Self {
            format: raw.format,
            chain_id: raw.chain_id,
            distributor: raw.distributor.map(|d| d.address),
            round: raw.round,
            root: raw.root,
            total: raw.total,
            budget: raw.budget,
            decimals: raw.decimals,
            rules_digest: raw.rules_digest,
            inputs_digest: raw.inputs_digest,
            claims: raw.claims.claims,
            tree: raw.tree,
            unchecksummed,
        }
    }
}

/// A distribution file as read back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "RawFile")]
pub struct DistributionFile {
    /// Must be [`FORMAT`].
    pub format: String,
    /// The chain, when known.
    pub chain_id: Option<u64>,
    /// The distributor, when known.
    pub distributor: Option<Address>,
    /// The round.
    pub round: u64,
    /// The root.
    pub root: B256,
    /// Sum of the claims.
    pub total: DecimalU256,
    /// The round's budget.
    pub budget: DecimalU256,
    /// The token's decimals.
    pub decimals: u8,
    /// keccak256 of the rules file.
    pub rules_digest: B256,
    /// Digest of the score files.
    pub inputs_digest: B256,
    /// Per account: index, amount, proof.
    pub claims: Claims,
    /// The OZ dump, null when nobody is paid.
    pub tree: Option<Dump>,
    /// The first address not written in checksummed form (podium writes every one so): a sign of a
    /// hand edit, which [`Self::check`] reports.
    unchecksummed: Option<Difference>,
}

impl DistributionFile {
    /// Reads and parses a distribution file (JSON errors carry line and column).
    pub fn read(path: &Path) -> Result<Self> {
        let f = File::open(path).map_err(|e| Error::io(path, e))?;
        let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
        if size <= STREAM_ABOVE {
            let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
            return Self::from_slice(&bytes, path);
        }
        // Streamed: at a million recipients the file is gigabytes of JSON, which are never held
        // whole (2.7 GiB peak read whole, 1.2 GiB streamed). serde_json's reader is slower and may
        // place an error one column later, so small files, all real rounds, are read whole.
        let mut reader = std::io::BufReader::with_capacity(1 << 20, f);
        let head = std::io::BufRead::fill_buf(&mut reader).map_err(|e| Error::io(path, e))?;
        let skip = head.len() - crate::text::content(path, head, "JSON")?.len();
        std::io::BufRead::consume(&mut reader, skip);
        let file: Self = serde_json::from_reader(reader).map_err(|e| {
            if e.is_io() {
                Error::io(path, std::io::Error::other(e.to_string()))
            } else {
                Error::json(path, &e)
            }
        })?;
        file.known_format(path)
    }

    /// Parses a distribution file already in memory (e.g. fetched over HTTP); `origin` names it in
    /// errors (a path, or a URL written as one), with line and column for JSON errors.
    pub fn from_slice(bytes: &[u8], origin: &Path) -> Result<Self> {
        let bytes = crate::text::content(origin, bytes, "JSON")?;
        let file: Self = serde_json::from_slice(bytes)
            .map_err(|e| crate::text::json_error(origin, bytes, &e))?;
        file.known_format(origin)
    }

    fn known_format(self, origin: &Path) -> Result<Self> {
        if self.format != FORMAT {
            return Err(Error::Distribution {
                path: origin.to_owned(),
                message: format!("format is {:?}; this podium reads {FORMAT:?}", self.format),
            });
        }
        Ok(self)
    }

    /// The claim of `account`, if it is paid.
    pub fn claim(&self, account: &Address) -> Option<&Claim> {
        self.claims
            .0
            .iter()
            .find(|(a, _)| a == account)
            .map(|(_, c)| c)
    }

    /// The file's metadata.
    pub fn meta(&self) -> Meta {
        Meta {
            chain_id: self.chain_id,
            distributor: self.distributor,
            round: self.round,
            total: self.total.0,
            budget: self.budget.0,
            decimals: self.decimals,
            rules_digest: self.rules_digest,
            inputs_digest: self.inputs_digest,
        }
    }
}

mod check;
mod difference;

pub use check::Target;
pub use difference::Difference;

#[cfg(test)]
mod tests;
