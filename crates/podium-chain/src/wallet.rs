//! The wallet option group: a geth JSON keystore with a password file (the files go-livepeer uses,
//! so an orchestrator reuses its own), or a private key read from an environment variable.
//!
//! Secrets never come from the command line (argv is visible to every user of the machine and ends
//! up in shell history), and no message built here contains a key, a password or keystore content.

use std::{
    fmt,
    path::{Path, PathBuf},
};

use alloy::{
    network::EthereumWallet,
    primitives::{Address, B256},
    signers::local::{LocalSignerError, PrivateKeySigner},
};
use clap::Args;

use crate::{Error, Result};

/// Where the signing key comes from (Foundry's `cast` names and variables).
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Wallet options")]
pub struct WalletOpts {
    /// A geth JSON keystore file, or a keystore directory such as go-livepeer's `keystore/`
    /// (with several keys in it, --from picks one).
    #[arg(long, env = "ETH_KEYSTORE", value_name = "PATH")]
    pub keystore: Option<PathBuf>,

    /// A file holding the keystore's password: the whole file, white space at both ends removed,
    /// exactly as go-livepeer reads its -ethPassword file (so the node's own file works).
    #[arg(long = "password-file", env = "ETH_PASSWORD", value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// The name of an environment variable that holds a hex private key, used instead of a
    /// keystore. The key itself is never accepted on the command line.
    #[arg(long = "private-key-env", value_name = "VAR")]
    pub private_key_env: Option<String>,

    /// The account to send from: picks the key in a keystore directory and is checked against the
    /// key in every case.
    #[arg(long, env = "ETH_FROM", value_name = "ADDRESS", value_parser = podium_core::parse_address_arg)]
    pub from: Option<Address>,
}

/// A loaded signing key. Its `Debug` shows the address and where it came from, nothing else.
#[derive(Clone)]
pub struct Wallet {
    signer: PrivateKeySigner,
    source: String,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wallet")
            .field("address", &self.address())
            .field("source", &self.source)
            .finish()
    }
}

impl Wallet {
    /// Wraps a signer (tests and other tools).
    pub fn from_signer(signer: PrivateKeySigner, source: impl Into<String>) -> Self {
        Self {
            signer,
            source: source.into(),
        }
    }

    /// The account the key controls.
    pub fn address(&self) -> Address {
        self.signer.address()
    }

    /// Where the key came from, e.g. `keystore /home/o/.lpData/keystore/UTC--…`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The key as an alloy network wallet, for signing transactions.
    pub fn ethereum_wallet(&self) -> EthereumWallet {
        EthereumWallet::from(self.signer.clone())
    }
}

impl WalletOpts {
    /// Whether any way to load a key was given.
    pub fn is_configured(&self) -> bool {
        self.keystore.is_some() || self.private_key_env.is_some()
    }

    /// Loads the key: decrypts the keystore (slow on purpose: scrypt) or reads the environment
    /// variable, then checks it against --from.
    pub async fn load(&self) -> Result<Wallet> {
        let wallet = match (&self.keystore, &self.private_key_env) {
            (Some(_), Some(var)) => {
                return Err(Error::Wallet(format!(
                    "both a keystore (--keystore or ETH_KEYSTORE) and --private-key-env {var} were given; use one"
                )));
            }
            (None, None) => {
                return Err(Error::Wallet(
                    "no wallet: pass --keystore PATH with --password-file FILE (or set ETH_KEYSTORE and \
                     ETH_PASSWORD), or --private-key-env VAR naming an environment variable that holds the key"
                        .into(),
                ));
            }
            (None, Some(var)) => from_env(var)?,
            (Some(path), None) => {
                let file = pick_keystore(path, self.from)?;
                let password_file = self.password_file.as_ref().ok_or_else(|| {
                    Error::Wallet(format!(
                        "keystore {} needs --password-file FILE (or ETH_PASSWORD); podium never takes a \
                         password on the command line",
                        file.display()
                    ))
                })?;
                let password = read_password(password_file)?;
                let path = file.clone();
                tokio::task::spawn_blocking(move || decrypt(&path, password))
                    .await
                    .map_err(|e| Error::Other(format!("keystore decryption task failed: {e}")))??
            }
        };
        if let Some(expected) = self.from
            && expected != wallet.address()
        {
            return Err(Error::WrongSender {
                expected,
                actual: wallet.address(),
            });
        }
        Ok(wallet)
    }
}

fn from_env(var: &str) -> Result<Wallet> {
    let value = std::env::var(var).map_err(|_| {
        Error::Wallet(format!(
            "environment variable {var} (from --private-key-env) is not set or not UTF-8"
        ))
    })?;
    let text = value.trim();
    let text = text.strip_prefix("0x").unwrap_or(text);
    let bad = || {
        Error::Wallet(format!(
            "environment variable {var} does not hold a private key (64 hex digits)"
        ))
    };
    if text.len() != 64 {
        return Err(bad());
    }
    let bytes: B256 = text.parse().map_err(|_| bad())?;
    let signer = PrivateKeySigner::from_bytes(&bytes).map_err(|_| bad())?;
    Ok(Wallet {
        signer,
        source: format!("environment variable {var}"),
    })
}

/// The password is the whole file with surrounding white space removed, as go-livepeer reads its
/// `-ethPassword` file (`common.ReadFromFile`: `strings.TrimSpace` of the whole file). Go's
/// `TrimSpace` removes Unicode White_Space at both ends (`unicode.IsSpace`: tab, newline, vertical
/// tab, form feed, carriage return, space, U+0085, U+00A0 and the other White_Space characters),
/// which is exactly Rust's `char::is_whitespace`; so a trailing space, a leading blank line or CRLF
/// line endings give the password go-livepeer would use. White space inside the password is kept.
/// Divergence: go-livepeer falls back to treating the flag's value as the password itself when the
/// file is missing or empty; podium never takes a password from the command line, so both are errors.
pub fn read_password(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::File {
        path: path.to_owned(),
        message: format!("cannot read the password file: {}", io_reason(&e)),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Error::File {
        path: path.to_owned(),
        message: "the password file is not UTF-8 text".into(),
    })?;
    let password = text.trim();
    if password.is_empty() {
        return Err(Error::File {
            path: path.to_owned(),
            message: "the password file is empty (or only white space)".into(),
        });
    }
    Ok(password.to_owned())
}

/// The file to decrypt: `path` itself, or the key in directory `path` for `from` (or its only key).
fn pick_keystore(path: &Path, from: Option<Address>) -> Result<PathBuf> {
    let meta = std::fs::metadata(path).map_err(|e| Error::File {
        path: path.to_owned(),
        message: format!("cannot open the keystore: {}", io_reason(&e)),
    })?;
    if !meta.is_dir() {
        return Ok(path.to_owned());
    }
    let entries = std::fs::read_dir(path).map_err(|e| Error::File {
        path: path.to_owned(),
        message: format!("cannot list the keystore directory: {}", io_reason(&e)),
    })?;
    let mut keys = Vec::new();
    for entry in entries.flatten() {
        let file = entry.path();
        let hidden = file
            .file_name()
            .and_then(|n| n.to_str())
            .is_none_or(|n| n.starts_with('.'));
        if hidden || !file.is_file() {
            continue;
        }
        if let Some(address) = keystore_address(&file) {
            keys.push((address, file));
        }
    }
    keys.sort();
    match (from, keys.len()) {
        (_, 0) => Err(Error::File {
            path: path.to_owned(),
            message: "no JSON keystore with an \"address\" field in this directory".into(),
        }),
        (Some(from), _) => keys
            .into_iter()
            .find(|(a, _)| *a == from)
            .map(|(_, f)| f)
            .ok_or_else(|| Error::File {
                path: path.to_owned(),
                message: format!("no keystore for {from} in this directory"),
            }),
        (None, 1) => Ok(keys.remove(0).1),
        (None, _) => Err(Error::File {
            path: path.to_owned(),
            message: format!(
                "the directory holds keys for {}; pick one with --from",
                keys.iter()
                    .map(|(a, _)| a.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The public `address` field geth writes into every keystore file, if the file is one.
fn keystore_address(file: &Path) -> Option<Address> {
    let text = std::fs::read_to_string(file).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let address = json.get("address")?.as_str()?;
    let hex = address.strip_prefix("0x").unwrap_or(address);
    hex.parse().ok()
}

fn decrypt(path: &Path, password: String) -> Result<Wallet> {
    // Check the shape first, so a broken file gets a useful message that still quotes none of it.
    let text = std::fs::read_to_string(path).map_err(|e| Error::File {
        path: path.to_owned(),
        message: format!("cannot read the keystore: {}", io_reason(&e)),
    })?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| Error::File {
        path: path.to_owned(),
        message: format!(
            "not a JSON keystore: invalid JSON at line {}, column {}",
            e.line(),
            e.column()
        ),
    })?;
    if json.get("crypto").is_none() || json.get("version").and_then(|v| v.as_u64()) != Some(3) {
        return Err(Error::File {
            path: path.to_owned(),
            message:
                "not a version 3 JSON keystore (expected \"version\": 3 and a \"crypto\" object)"
                    .into(),
        });
    }
    let signer = PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| match e {
        LocalSignerError::EthKeystoreError(inner) => match inner {
            eth_keystore::KeystoreError::MacMismatch => Error::WrongPassword {
                path: path.to_owned(),
            },
            _ => Error::File {
                path: path.to_owned(),
                message: "the keystore is corrupt or uses unsupported parameters".into(),
            },
        },
        _ => Error::File {
            path: path.to_owned(),
            message: "the keystore holds no valid private key".into(),
        },
    })?;
    Ok(Wallet {
        signer,
        source: format!("keystore {}", path.display()),
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password_of(content: &[u8]) -> Result<String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("password.txt");
        std::fs::write(&path, content).unwrap();
        read_password(&path)
    }

    #[test]
    fn reads_the_password_file_as_go_livepeer_does() {
        // strings.TrimSpace of the whole file: every one of these is the password "s3cret pw".
        for content in [
            &b"s3cret pw"[..],
            b"s3cret pw\n",
            b"s3cret pw \n",
            b"s3cret pw   ",
            b"\ns3cret pw\n",
            b"\n\n  s3cret pw",
            b"s3cret pw\r\n",
            b"\r\ns3cret pw\r\n\r\n",
            b"\ts3cret pw\x0b\x0c",
            "\u{a0}s3cret pw\u{85}\u{2003}".as_bytes(),
        ] {
            assert_eq!(
                password_of(content).unwrap(),
                "s3cret pw",
                "{:?}",
                String::from_utf8_lossy(content)
            );
        }
        // Inner white space and later lines are part of the password, as in go-livepeer.
        assert_eq!(password_of(b"a b\nc\n").unwrap(), "a b\nc");
    }

    #[test]
    fn refuses_an_empty_or_unreadable_password_file() {
        let err = password_of(b" \r\n\t\n").unwrap_err().to_string();
        assert!(
            err.ends_with("the password file is empty (or only white space)"),
            "{err}"
        );
        let err = password_of(&[0xff, 0xfe, b'x']).unwrap_err().to_string();
        assert!(
            err.ends_with("the password file is not UTF-8 text"),
            "{err}"
        );
        let err = read_password(Path::new("/nonexistent/password.txt"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "/nonexistent/password.txt: cannot read the password file: no such file or directory"
        );
    }
}
