//! The library's error type.
//!
//! Every variant that comes from a file names the file, and where the format allows it the line and
//! column or the field: the person reading the message should be able to open the file and fix it.

use std::{io, path::PathBuf};

use crate::AmountError;

/// Everything that can go wrong turning inputs into a distribution.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading or writing a file failed.
    ///
    /// The operating system's reason is part of the message and deliberately not a `source`: the CLIs
    /// print error chains, and the reason would appear twice.
    #[error("{}: {reason}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        reason: io::Error,
    },
    /// A JSON file is malformed or holds a value we reject (serde_json reports line and column).
    #[error("{}: line {line}, column {column}: {message}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV file is malformed or one of its cells holds a value we reject.
    #[error("{}: line {line}{}: {message}", path.display(), column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The column's header name, when one cell is at fault.
        column: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// The rules file is not valid TOML or does not have the expected shape (the message carries the
    /// line, column and key from the TOML parser).
    #[error("{}: {message}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message, with position.
        message: String,
    },
    /// A field of the rules has a value that is not allowed.
    #[error("{}: field `{field}`: {message}", path.display())]
    Rules {
        /// The rules file.
        path: PathBuf,
        /// The field, as a TOML key path (`pools.FRA.share`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An amount field could not be converted to base units exactly.
    ///
    /// The reason is part of the message and not a `source`, for the same reason as in [`Error::Io`].
    #[error("{}: field `{field}`: {reason}", path.display())]
    Amount {
        /// The rules file.
        path: PathBuf,
        /// The field, as a TOML key path.
        field: String,
        /// Why the amount is invalid.
        reason: AmountError,
    },
    /// An input file is not text in the expected format (UTF-16, a spreadsheet, an archive, ...).
    #[error("{}: {message}", path.display())]
    NotText {
        /// The file.
        path: PathBuf,
        /// What the file is and what to do.
        message: String,
    },
    /// A scores file has no scores at all.
    #[error("{}: the file has no scores", path.display())]
    EmptyScores {
        /// The file.
        path: PathBuf,
    },
    /// One orchestrator appears twice for the same region.
    #[error("{where_}: orchestrator {account} appears twice in region {region} (first in {first})")]
    DuplicateScore {
        /// Where the second entry is (file and line when known).
        where_: String,
        /// Where the first entry was.
        first: String,
        /// The checksummed account.
        account: String,
        /// The region code.
        region: String,
    },
    /// A scores file's format could not be recognised.
    #[error("{}: {message}", path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
        /// What we saw and what we expected.
        message: String,
    },
    /// A distribution file is malformed or internally inconsistent.
    #[error("{}: {message}", path.display())]
    Distribution {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The Merkle tree cannot be built (no leaves) or does not hold together.
    #[error("merkle tree: {0}")]
    Tree(String),
    /// The inputs describe a payout that cannot be represented (for instance an overflow).
    #[error("allocation: {0}")]
    Allocation(String),
    /// The program file (`program.toml`) cannot be read or has a field we reject (the message names
    /// the field).
    #[error("{}: {message}", path.display())]
    Program {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A snapshot directory (`podium snapshot`) is malformed or a file in it changed since.
    #[error("{}: {message}", path.display())]
    Snapshot {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            reason: source,
        }
    }

    pub(crate) fn json(path: impl Into<PathBuf>, e: &serde_json::Error) -> Self {
        // serde_json appends " at line L column C" to its message; we print the position ourselves.
        let full = e.to_string();
        let message = match full.rfind(" at line ") {
            Some(i) => full[..i].to_owned(),
            None => full,
        };
        Self::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }
}
