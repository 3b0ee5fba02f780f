//! What `verify` finds: one typed value per way a distribution file can differ from what it should
//! be, printed as one sentence for people ([`fmt::Display`]) and as an object with a `kind` for
//! scripts ([`Serialize`]). Amounts are exact base units (decimal strings in JSON), addresses
//! checksummed.

use std::fmt;

use alloy_primitives::{Address, B256, U256};
use serde::{Serialize, Serializer};

/// One difference between a distribution file and what it should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Difference {
    // The file's text.
    /// An address is not written in its EIP-55 checksummed form (podium writes every address so).
    NotChecksummed {
        /// Where: `distributor`, `claims` or `tree.values[i]`.
        field: String,
        /// As written.
        found: String,
        /// The checksummed form.
        expected: String,
    },

    // The file against itself.
    /// The claims are not in ascending address order.
    OutOfOrder {
        /// The first account out of order.
        #[serde(serialize_with = "checksummed")]
        account: Address,
    },
    /// A claim's index is not its position in address order.
    Index {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
        /// Its index in the file.
        found: u64,
        /// Its position.
        expected: u64,
    },
    /// A claim of zero, which podium never writes.
    ZeroAmount {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
    },
    /// The claims add up to more than 256 bits hold.
    Overflow,
    /// `total` is not the sum of the claims.
    TotalNotSum {
        /// `total` in the file.
        #[serde(serialize_with = "decimal")]
        total: U256,
        /// The sum of the claims.
        #[serde(serialize_with = "decimal")]
        sum: U256,
    },
    /// The claims add up to more than the budget.
    AboveBudget {
        /// The sum of the claims.
        #[serde(serialize_with = "decimal")]
        total: U256,
        /// `budget` in the file.
        #[serde(serialize_with = "decimal")]
        budget: U256,
    },
    /// `root` is not the root of the claims.
    RootNotClaims {
        /// `root` in the file.
        found: B256,
        /// The root of the claims.
        expected: B256,
    },
    /// A tree but no claims.
    TreeWithoutClaims,
    /// Claims but no tree.
    ClaimsWithoutTree,
    /// The dump is not OpenZeppelin's `standard-v1` over podium's leaf.
    TreeFormat {
        /// `tree.format`.
        format: String,
        /// `tree.leafEncoding`.
        leaf_encoding: Vec<String>,
    },
    /// The dump has another number of nodes than the claims make.
    TreeSize {
        /// Nodes in the file.
        found: usize,
        /// Nodes the claims make.
        expected: usize,
    },
    /// A node of the dump differs.
    TreeNode {
        /// Its position in `tree.tree`.
        index: usize,
        /// In the file.
        found: B256,
        /// From the claims.
        expected: B256,
    },
    /// The dump has another number of values than there are claims.
    ValueCount {
        /// Values in the file.
        found: usize,
        /// Claims.
        expected: usize,
    },
    /// A value of the dump sits at another tree index than its leaf.
    TreeIndex {
        /// Its position in `tree.values`.
        index: usize,
        /// `treeIndex` in the file.
        found: usize,
        /// Where its leaf is.
        expected: usize,
    },
    /// A value of the dump differs from its claim.
    Value {
        /// Its position in `tree.values`.
        index: usize,
        /// In the file: round, index, account, amount.
        found: [String; 4],
        /// From the claims.
        expected: [String; 4],
    },
    /// An account's proof does not match the tree.
    Proof {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
    },

    // The file against the rules and scores.
    /// Another round than the rules'.
    Round {
        /// In the file.
        file: u64,
        /// In the rules.
        rules: u64,
    },
    /// Another budget than the rules'.
    Budget {
        /// In the file.
        #[serde(serialize_with = "decimal")]
        file: U256,
        /// From the rules.
        #[serde(serialize_with = "decimal")]
        rules: U256,
    },
    /// Other decimals than the rules': every amount reads 10^n times too small or too large.
    Decimals {
        /// In the file.
        file: u8,
        /// In the rules.
        rules: u8,
    },
    /// An account is paid another amount than the rules and scores give.
    Amount {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
        /// In the file.
        #[serde(serialize_with = "decimal")]
        file: U256,
        /// By the rules and scores.
        #[serde(serialize_with = "decimal")]
        inputs: U256,
    },
    /// An account is paid in the file but not by the rules and scores.
    NotPaid {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
        /// In the file.
        #[serde(serialize_with = "decimal")]
        file: U256,
    },
    /// An account paid by the rules and scores is missing from the file.
    Missing {
        /// The account.
        #[serde(serialize_with = "checksummed")]
        account: Address,
        /// By the rules and scores.
        #[serde(serialize_with = "decimal")]
        inputs: U256,
    },
    /// Another total than the rules and scores give.
    Total {
        /// In the file.
        #[serde(serialize_with = "decimal")]
        file: U256,
        /// By the rules and scores.
        #[serde(serialize_with = "decimal")]
        inputs: U256,
    },
    /// Another root than the rules and scores give.
    Root {
        /// In the file.
        file: B256,
        /// By the rules and scores.
        inputs: B256,
    },
    /// The rules file given is not the one the round was built from.
    RulesDigest {
        /// `rulesDigest` in the file.
        file: B256,
        /// keccak256 of the rules file given.
        given: B256,
    },
    /// The score files given are not the ones the round was built from.
    InputsDigest {
        /// `inputsDigest` in the file.
        file: B256,
        /// The digest of the score files given.
        given: B256,
    },

    // The file against the deployment and the chain.
    /// Another chain than the deployment's (or none).
    ChainId {
        /// `chainId` in the file.
        file: Option<u64>,
        /// The deployment's chain.
        expected: u64,
        /// Where `expected` comes from (`the deployment record`, `--chain`, `the node`).
        source: String,
    },
    /// Another distributor than the deployment's (or none).
    Distributor {
        /// `distributor` in the file.
        #[serde(serialize_with = "checksummed_opt")]
        file: Option<Address>,
        /// The deployment's distributor.
        #[serde(serialize_with = "checksummed")]
        expected: Address,
        /// Where `expected` comes from.
        source: String,
    },
    /// A budget above the program's round budget (the most the distributor lets a round pay).
    RoundBudget {
        /// `budget` in the file.
        #[serde(serialize_with = "decimal")]
        file: U256,
        /// The program's round budget.
        #[serde(serialize_with = "decimal")]
        round_budget: U256,
        /// Where `round_budget` comes from.
        source: String,
    },
    /// Other decimals than the distributor's token has.
    TokenDecimals {
        /// In the file.
        file: u8,
        /// The token's `decimals()`.
        token: u8,
        /// The token.
        #[serde(serialize_with = "checksummed")]
        address: Address,
    },
}

fn decimal<S: Serializer>(v: &U256, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

fn checksummed<S: Serializer>(a: &Address, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&a.to_checksum(None))
}

fn checksummed_opt<S: Serializer>(a: &Option<Address>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => checksummed(a, s),
        None => s.serialize_none(),
    }
}

/// How far off amounts read when a file counts in `file` decimals instead of `right`.
fn scale(file: u8, right: u8) -> String {
    let (n, way) = if file > right {
        (file - right, "small")
    } else {
        (right - file, "large")
    };
    let factor = match n {
        1 => "10 times".to_owned(),
        2 => "100 times".to_owned(),
        3 => "1,000 times".to_owned(),
        n => format!("10^{n} times"),
    };
    format!("every amount in it reads {factor} too {way}")
}

fn list(v: &[String; 4]) -> String {
    format!("[{}, {}, {}, {}]", v[0], v[1], v[2], v[3])
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = |a: &Address| a.to_checksum(None);
        match self {
            Self::NotChecksummed {
                field,
                found,
                expected,
            } => write!(
                f,
                "{field} has the address {found:?}, which podium writes checksummed as {expected}, so \
                 the file has been edited"
            ),
            Self::OutOfOrder { account } => write!(
                f,
                "the claims are not in ascending address order at {}",
                c(account)
            ),
            Self::Index {
                account,
                found,
                expected,
            } => write!(
                f,
                "{} has index {found}, but indices follow address order and it is claim {expected}",
                c(account)
            ),
            Self::ZeroAmount { account } => {
                write!(
                    f,
                    "{} has a claim of 0, which podium never writes",
                    c(account)
                )
            }
            Self::Overflow => f.write_str("the claims add up to more than 256 bits can hold"),
            Self::TotalNotSum { total, sum } => {
                write!(f, "total is {total} but the claims add up to {sum}")
            }
            Self::AboveBudget { total, budget } => {
                write!(
                    f,
                    "the claims add up to {total}, above the budget of {budget}"
                )
            }
            Self::RootNotClaims { found, expected } => {
                write!(f, "root is {found} but the claims give {expected}")
            }
            Self::TreeWithoutClaims => f.write_str("the file has a tree but no claims"),
            Self::ClaimsWithoutTree => f.write_str("the file has claims but no tree"),
            Self::TreeFormat {
                format,
                leaf_encoding,
            } => write!(
                f,
                "the tree has format {format:?} and leaf encoding [{}], not OpenZeppelin's \
                 \"standard-v1\" over [{}]",
                leaf_encoding.join(", "),
                crate::merkle::LEAF_ENCODING.join(", ")
            ),
            Self::TreeSize { found, expected } => write!(
                f,
                "the tree has {found} nodes but the claims make {expected}"
            ),
            Self::TreeNode {
                index,
                found,
                expected,
            } => write!(
                f,
                "tree node {index} is {found} but the claims give {expected}"
            ),
            Self::ValueCount { found, expected } => write!(
                f,
                "the tree has {found} values but there are {expected} claims"
            ),
            Self::TreeIndex {
                index,
                found,
                expected,
            } => write!(
                f,
                "tree value {index} has tree index {found} but its leaf is at {expected}"
            ),
            Self::Value {
                index,
                found,
                expected,
            } => write!(
                f,
                "tree value {index} is {} but the claims give {}",
                list(found),
                list(expected)
            ),
            Self::Proof { account } => {
                write!(f, "the proof of {} does not match the tree", c(account))
            }
            Self::Round { file, rules } => {
                write!(f, "round is {file} but the rules say {rules}")
            }
            Self::Budget { file, rules } => write!(
                f,
                "budget is {file} but the rules give {rules} (base units)"
            ),
            Self::Decimals { file, rules } => write!(
                f,
                "decimals is {file} but the rules say {rules}, so {}",
                scale(*file, *rules)
            ),
            Self::Amount {
                account,
                file,
                inputs,
            } => write!(
                f,
                "{} is paid {file} in the file but {inputs} by the rules and scores",
                c(account)
            ),
            Self::NotPaid { account, file } => write!(
                f,
                "{} is paid {file} in the file but nothing by the rules and scores",
                c(account)
            ),
            Self::Missing { account, inputs } => write!(
                f,
                "{} is paid {inputs} by the rules and scores but is missing from the file",
                c(account)
            ),
            Self::Total { file, inputs } => {
                write!(f, "total is {file} but the rules and scores give {inputs}")
            }
            Self::Root { file, inputs } => {
                write!(f, "root is {file} but the rules and scores give {inputs}")
            }
            Self::RulesDigest { file, given } => write!(
                f,
                "rulesDigest is {file} but the rules file given hashes to {given}, so it is not the \
                 file the round was built from"
            ),
            Self::InputsDigest { file, given } => write!(
                f,
                "inputsDigest is {file} but the score files given hash to {given}, so they are not \
                 the files the round was built from"
            ),
            Self::ChainId {
                file: Some(id),
                expected,
                source,
            } => write!(f, "chainId is {id} but {source} says chain {expected}"),
            Self::ChainId {
                file: None,
                expected,
                source,
            } => write!(
                f,
                "the file names no chain, but {source} says chain {expected}"
            ),
            Self::Distributor {
                file: Some(a),
                expected,
                source,
            } => write!(
                f,
                "distributor is {} but {source} says {}",
                c(a),
                c(expected)
            ),
            Self::Distributor {
                file: None,
                expected,
                source,
            } => write!(
                f,
                "the file names no distributor, but {source} says {}",
                c(expected)
            ),
            Self::RoundBudget {
                file,
                round_budget,
                source,
            } => write!(
                f,
                "budget is {file} but {source} lets a round pay at most {round_budget} (base units)"
            ),
            Self::TokenDecimals {
                file,
                token,
                address,
            } => write!(
                f,
                "decimals is {file} but the token {} has {token}, so {}",
                c(address),
                scale(*file, *token)
            ),
        }
    }
}
