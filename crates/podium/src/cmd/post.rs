//! `podium post`: puts a round's root on-chain, from the committee's wallet, as a Safe Transaction
//! Builder batch, or as raw calldata for any other multisig. Every way runs the same checks first:
//! the file holds together, names this chain and distributor, and the contract would accept the
//! call now (round ended, no pending or valid root, within budget and funding).

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Args;
use eyre::{WrapErr, bail, eyre};
use podium_chain::{
    Chain,
    alloy::{
        primitives::{Address, Bytes, U256, keccak256},
        sol_types::SolCall,
        transports::http::reqwest::{self, Url},
    },
    bindings::PodiumDistributor,
    distributor::{TokenInfo, expect_code, token_info},
    safe::{self, SafeSigners, SafeTx},
    send::{Call, simulate_from},
    time::utc,
};
use podium_core::DistributionFile;
use serde_json::{Map, Value, json};

use super::{
    Outcome,
    args::parse_addr,
    snapshot::chain_text,
    tx::{Delivery, Execution, Tell, TxOpts, fields, write_safe_batch},
};
use crate::output::{Output, addr, tokens};

/// Post a round's Merkle root: directly, as a Safe batch (--safe), or as raw calldata (--calldata).
#[derive(Debug, Args)]
pub(crate) struct PostArgs {
    /// The round's distribution file, as written by `podium build`.
    #[arg(long, value_name = "FILE")]
    distribution: PathBuf,

    /// Where the distribution file is published, stored on-chain with the root for claimers to
    /// fetch: https://…/round-N.json, http://… (local use) or ipfs://CID/…. An http(s) location is
    /// fetched first and must serve exactly this file (see --skip-uri-check).
    #[arg(long, value_name = "URI", default_value = "")]
    uri: String,

    /// Post an http(s) --uri without fetching it first, for a location that is not online yet.
    #[arg(long)]
    skip_uri_check: bool,

    /// Write a Safe Transaction Builder batch for this Safe (the committee) instead of sending.
    #[arg(
        long,
        value_name = "SAFE_ADDRESS",
        value_parser = parse_addr,
        requires = "out",
        conflicts_with = "calldata"
    )]
    safe: Option<Address>,

    /// Where to write the Safe batch (JSON).
    #[arg(long, value_name = "FILE", requires = "safe")]
    out: Option<PathBuf>,

    /// Print the raw call (target and calldata) for another multisig instead of sending; the checks
    /// run as the committee (or --from).
    #[arg(long)]
    calldata: bool,

    #[command(flatten)]
    tx: TxOpts,
}

impl PostArgs {
    pub(crate) fn run(self, output: Output) -> eyre::Result<Outcome> {
        podium_chain::block_on(self.run_async(output))
    }

    /// The chain and distributor `file` is for, once it holds together and agrees with
    /// --deployment / --distributor (if given).
    fn target_of(&self, file: &DistributionFile, path: &str) -> eyre::Result<(u64, Address)> {
        if let Some(problem) = file.check()? {
            bail!("{path} does not hold together: {problem}; rebuild it with podium build");
        }
        let chain_id = file.chain_id.ok_or_else(|| {
            eyre!("{path} names no chain id; rebuild it with the chain id so it cannot be posted to the wrong chain")
        })?;
        let distributor = file.distributor.ok_or_else(|| {
            eyre!("{path} names no distributor; rebuild it with the distributor's address")
        })?;
        let opts = &self.tx.chain.distributor;
        if opts.is_given() {
            let target = opts.resolve()?;
            if target.address != distributor {
                bail!(
                    "{path} is for distributor {}, but {} names distributor {}; refusing to post another \
                     program's root",
                    addr(&distributor),
                    if opts.deployment.is_some() {
                        "--deployment"
                    } else {
                        "--distributor"
                    },
                    addr(&target.address)
                );
            }
            if let Some(id) = target.chain_id.filter(|id| *id != chain_id) {
                bail!(
                    "{path} is for chain {chain_id}, but the deployment record is for chain {id}"
                );
            }
        }
        Ok((chain_id, distributor))
    }

    async fn run_async(self, output: Output) -> eyre::Result<Outcome> {
        let path = self.distribution.display().to_string();
        let location = Location::parse(&self.uri)?;
        let file = DistributionFile::read(&self.distribution)?;
        if let (Some(Location::Http(url)), false) = (&location, self.skip_uri_check) {
            let bytes =
                std::fs::read(&self.distribution).wrap_err_with(|| format!("reading {path}"))?;
            expect_served(url, &self.uri, &bytes, &path).await?;
            eprintln!(
                "checked: {} serves {path} (keccak256 {})",
                self.uri,
                keccak256(&bytes)
            );
        }
        let (chain_id, distributor) = self.target_of(&file, &path)?;
        let chain = self.tx.chain.rpc.connect().await?;
        chain.expect_chain_id(chain_id, &format!("from {path}"))?;
        expect_code(&chain, distributor).await?;
        let signers = match self.safe {
            Some(safe) => Some(safe::signers(&chain, safe).await?),
            None => None,
        };
        let d = PodiumDistributor::new(distributor, &chain.provider);
        let token = token_info(&chain, d.TOKEN().call().await?).await?;
        if token.decimals != file.decimals {
            bail!(
                "{path} counts in {} decimals but the token has {}",
                file.decimals,
                token.decimals
            );
        }

        let data = PodiumDistributor::postRootCall {
            round: U256::from(file.round),
            root: file.root,
            total: file.total.0,
            uri: self.uri.clone(),
        }
        .abi_encode();
        let call = Call::new(distributor, data, format!("postRoot(round {})", file.round));

        // Who will execute it: the Safe, our wallet, or (for --calldata) the committee or --from.
        let execution = Execution::choose(
            self.safe,
            self.out.as_deref(),
            self.calldata,
            &self.tx.signer,
        )
        .await?;
        let from = match execution.executor() {
            Some(from) => from,
            None => match self.tx.signer.wallet.from {
                Some(from) => from,
                None => d.committee().call().await?,
            },
        };
        simulate_from(&chain, from, &call, &token.units()).await?;

        let mut report = Report {
            file: &file,
            uri: &self.uri,
            token: &token,
            valid_at: 0,
        };
        let delivery = self
            .deliver(&chain, execution, signers, distributor, &call, &mut report)
            .await?;
        delivery.print(&report, output)?;
        Ok(Outcome::Success)
    }

    /// Delivers the checked `call` (postRoot on `distributor`) the way `execution` says: sends it
    /// (and reads when the root becomes claimable into `report`), writes the Safe batch for the
    /// Safe of `signers`, or hands back the calldata.
    async fn deliver(
        &self,
        chain: &Chain,
        execution: Execution,
        signers: Option<SafeSigners>,
        distributor: Address,
        call: &Call,
        report: &mut Report<'_>,
    ) -> eyre::Result<Delivery> {
        let round = report.file.round;
        Ok(match execution {
            Execution::Safe { safe, out } => {
                let Some(signers) = signers else {
                    unreachable!("the Safe's signers are read before the checks")
                };
                write_batch(
                    chain.chain_id,
                    distributor,
                    report,
                    safe,
                    &out,
                    call.data.clone(),
                )?;
                Delivery::Safe { out, signers }
            }
            Execution::Calldata => Delivery::Calldata {
                chain_id: chain.chain_id,
                to: distributor,
                data: call.data.clone(),
                function: "postRoot(uint256,bytes32,uint256,string)",
            },
            Execution::Wallet(wallet) => {
                let sent = self
                    .tx
                    .signer
                    .sender(chain, &wallet, report.token.units())
                    .send(call)
                    .await
                    .wrap_err_with(|| format!("posting round {round}"))?;
                let state = PodiumDistributor::new(distributor, &chain.provider)
                    .roundState(U256::from(round))
                    .call()
                    .await?;
                report.valid_at = u64::try_from(state.validAt).unwrap_or(u64::MAX);
                Delivery::sent(sent)
            }
        })
    }
}

/// Writes the Safe batch that posts the root of `report`'s file with its uri (`data`, the calldata
/// to `distributor`) for `safe`.
fn write_batch(
    chain_id: u64,
    distributor: Address,
    report: &Report<'_>,
    safe: Address,
    out: &Path,
    data: Bytes,
) -> eyre::Result<()> {
    let file = report.file;
    let total = file.total.0;
    let tx = SafeTx::new(
        distributor,
        safe::distributor_function("postRoot"),
        vec![
            file.round.to_string(),
            file.root.to_string(),
            total.to_string(),
            report.uri.to_owned(),
        ],
        data,
    )?;
    write_safe_batch(
        chain_id,
        safe,
        out,
        &format!("podium: post round {}", file.round),
        &format!(
            "Post the Merkle root of round {} ({} to {} accounts)",
            file.round,
            report.show(total),
            file.claims.0.len()
        ),
        &[tx],
    )
}

/// What the result of `post` is told with.
struct Report<'a> {
    file: &'a DistributionFile,
    uri: &'a str,
    token: &'a TokenInfo,
    /// When a root sent from the wallet becomes claimable.
    valid_at: u64,
}

impl Report<'_> {
    fn show(&self, v: U256) -> String {
        format!("{} {}", tokens(v, self.token.decimals), self.token.symbol)
    }
}

impl Tell for Report<'_> {
    fn fields(&self, delivery: &Delivery) -> (Map<String, Value>, Map<String, Value>) {
        let file = self.file;
        let root = fields([
            ("round", json!(file.round)),
            ("root", json!(file.root.to_string())),
            ("total", json!(file.total.0.to_string())),
        ]);
        match delivery {
            Delivery::Safe { .. } => (root, Map::new()),
            Delivery::Calldata { .. } => {
                let mut trail = root;
                trail.insert("uri".into(), json!(self.uri));
                (Map::new(), trail)
            }
            Delivery::Sent(_) => (root, fields([("validAt", json!(self.valid_at))])),
        }
    }

    fn text(&self, delivery: &Delivery) -> String {
        let file = self.file;
        let total = file.total.0;
        match delivery {
            Delivery::Safe { .. } => format!(
                "posts round {}'s root {} ({})",
                file.round,
                file.root,
                self.show(total)
            ),
            Delivery::Calldata { .. } => format!(
                "postRoot(round {}, {}, {}, {:?})",
                file.round, file.root, total, self.uri
            ),
            Delivery::Sent(_) => format!(
                "posted round {}'s root {} ({} to {} accounts) in tx {}; claimable from {}",
                file.round,
                file.root,
                self.show(total),
                file.claims.0.len(),
                delivery.tx_hash(),
                utc(self.valid_at)
            ),
        }
    }
}

/// A `--uri`: where claimers fetch the distribution file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Location {
    /// An http:// or https:// URL.
    Http(Url),
    /// `ipfs://CID` or `ipfs://CID/path`.
    Ipfs,
}

/// What `--uri` accepts, for messages.
const ACCEPTED: &str = "https://…/round-N.json, http://… (for local use) or ipfs://CID/…";

/// How long the check of an http(s) `--uri` waits for the whole file.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

impl Location {
    /// `None` for an empty `--uri` (a root that names no location).
    fn parse(uri: &str) -> eyre::Result<Option<Self>> {
        if uri.is_empty() {
            return Ok(None);
        }
        let refuse = |why: &str| eyre!("--uri {uri:?}: {why}; podium posts {ACCEPTED}");
        if uri.trim() != uri || uri.chars().any(char::is_whitespace) {
            return Err(refuse("it contains spaces"));
        }
        let scheme = uri.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("http" | "https") => {
                let url: Url = uri
                    .parse()
                    .map_err(|e| refuse(&format!("not a URL ({e})")))?;
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(refuse("the URL names no host"));
                }
                Ok(Some(Self::Http(url)))
            }
            Some("ipfs") => {
                let rest = &uri["ipfs://".len()..];
                let cid = rest.split('/').next().unwrap_or("");
                if !is_cid(cid) {
                    return Err(refuse(&format!(
                        "{cid:?} is not a CID (a CIDv0 Qm… of 46 base58 characters, or a CIDv1 in \
                         base32 b…, base36 k…, base58 z… or base16 f…)"
                    )));
                }
                Ok(Some(Self::Ipfs))
            }
            _ => Err(refuse("not a location claimers can fetch")),
        }
    }
}

/// Whether `s` is written as a CID (multiformats/cid): CIDv0 is a base58btc sha2-256 multihash,
/// `Qm` and 44 more characters; CIDv1 is a multibase string, of which the bases that fit a URL's
/// host part: `b` base32 and `k` base36 (lower case, as gateways use), `z` base58btc, `f` base16.
/// The bytes are not decoded: this catches a path or a typo, not a CID of nothing.
fn is_cid(s: &str) -> bool {
    const BASE58: &str = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let all = |body: &str, ok: &dyn Fn(char) -> bool| !body.is_empty() && body.chars().all(ok);
    if s.len() == 46 && s.starts_with("Qm") {
        return all(s, &|c| BASE58.contains(c));
    }
    let Some(body) = s.get(1..) else { return false };
    match s.chars().next() {
        Some('b') => all(body, &|c| {
            c.is_ascii_lowercase() || ('2'..='7').contains(&c)
        }),
        Some('k') => all(body, &|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        Some('z') => all(body, &|c| BASE58.contains(c)),
        Some('f') => all(body, &|c| c.is_ascii_digit() || ('a'..='f').contains(&c)),
        _ => false,
    }
}

/// Fetches `url` (`uri` as given, for messages) and checks that it serves exactly `local` (keccak256
/// and length), so a root is never posted with a location that serves another file or nothing. Reads at most one byte more than the
/// file, within [`FETCH_TIMEOUT`]; no retry (run post again once the file is online).
async fn expect_served(url: &Url, uri: &str, local: &[u8], path: &str) -> eyre::Result<()> {
    let skip = "publish the file there first, or pass --skip-uri-check if it goes online later";
    let http = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .connect_timeout(FETCH_TIMEOUT.min(Duration::from_secs(10)))
        .user_agent(concat!("podium/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| eyre!("cannot build an HTTP client: {e}"))?;
    let failed = |e: reqwest::Error| {
        let why = if e.is_timeout() {
            format!("no whole answer within {} s", FETCH_TIMEOUT.as_secs())
        } else {
            chain_text(&e)
        };
        eyre!("--uri {uri}: {why}; {skip}; nothing was sent")
    };
    let mut response = http.get(url.clone()).send().await.map_err(failed)?;
    let status = response.status();
    if !status.is_success() {
        bail!("--uri {uri}: HTTP {status}; {skip}; nothing was sent");
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(failed)? {
        body.extend_from_slice(&chunk);
        if body.len() > local.len() {
            break;
        }
    }
    let (served, ours) = (keccak256(&body), keccak256(local));
    if served != ours {
        let size = if body.len() > local.len() {
            "more than".to_owned()
        } else {
            body.len().to_string()
        };
        bail!(
            "--uri {uri} does not serve {path}: it answered {size} bytes with keccak256 {served}, the \
             file is {} bytes with keccak256 {ours}; publish this file there (or post the URL it is \
             at); nothing was sent",
            local.len()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_http_and_ipfs_and_nothing_else() {
        assert_eq!(Location::parse("").unwrap(), None);
        assert!(matches!(
            Location::parse("https://example.org/podium/round-1.json").unwrap(),
            Some(Location::Http(_))
        ));
        assert!(matches!(
            Location::parse("http://127.0.0.1:8080/round-1.json").unwrap(),
            Some(Location::Http(_))
        ));
        for ok in [
            "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/round-1.json",
            "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        ] {
            assert_eq!(Location::parse(ok).unwrap(), Some(Location::Ipfs), "{ok}");
        }
        for (bad, why) in [
            ("ftp://example.org/round-1.json", "not a location"),
            ("example.org/round-1.json", "not a location"),
            ("file:///tmp/round-1.json", "not a location"),
            ("ipfs://round-1.json", "not a CID"),
            ("ipfs:///round-1.json", "not a CID"),
            (
                "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0",
                "not a CID",
            ),
            ("https://", "not a URL"),
            (" https://example.org/round-1.json", "spaces"),
        ] {
            let e = Location::parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(
                e.contains("https://…/round-N.json") && e.contains("ipfs://CID/…"),
                "{e}"
            );
        }
    }
}
