//! `podium post --uri`: where claimers will fetch the round's distribution file. The location is
//! parsed by podium-core's [`Location`] under the posting rules (the same parser the claimer reads
//! posted roots with), and an http(s) location is fetched before anything is sent: it must serve
//! exactly the file being posted (unless `--skip-uri-check`).

use std::{path::Path, time::Duration};

use eyre::{WrapErr, bail, eyre};
use podium_chain::alloy::{primitives::keccak256, transports::http::reqwest};
use podium_core::{Location, LocationError, LocationRules};

use super::snapshot::chain_text;

/// What `--uri` accepts, for messages.
const ACCEPTED: &str = "https://…/round-N.json, http://… (for local use) or ipfs://CID/…";

/// How long the check of an http(s) `--uri` waits for the whole file.
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Parses `--uri`; `None` for an empty one (a root that names no location).
pub(crate) fn parse(uri: &str) -> eyre::Result<Option<Location>> {
    match Location::parse(uri, LocationRules::Post) {
        Ok(location) => Ok(Some(location)),
        Err(LocationError::Empty) => Ok(None),
        Err(why) => Err(eyre!("--uri {uri:?}: {why}; podium posts {ACCEPTED}")),
    }
}

/// Checks that an http(s) `location` (`uri` as given) serves exactly the file at `distribution`,
/// unless `skip` (`--skip-uri-check`); an ipfs:// or empty location is not fetched.
pub(crate) async fn check_served(
    location: Option<&Location>,
    uri: &str,
    skip: bool,
    distribution: &Path,
) -> eyre::Result<()> {
    let (Some(Location::Http(url)), false) = (location, skip) else {
        return Ok(());
    };
    let path = distribution.display().to_string();
    let bytes = std::fs::read(distribution).wrap_err_with(|| format!("reading {path}"))?;
    expect_served(url, uri, &bytes, &path).await?;
    eprintln!(
        "checked: {uri} serves {path} (keccak256 {})",
        keccak256(&bytes)
    );
    Ok(())
}

/// Fetches `url` (`uri` as given, for messages) and checks that it serves exactly `local` (keccak256
/// and length), so a root is never posted with a location that serves another file or nothing.
/// Reads at most one byte more than the file, within [`FETCH_TIMEOUT`]; no retry (run post again
/// once the file is online).
async fn expect_served(url: &str, uri: &str, local: &[u8], path: &str) -> eyre::Result<()> {
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
    let mut response = http.get(url).send().await.map_err(failed)?;
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
        assert_eq!(parse("").unwrap(), None);
        assert!(matches!(
            parse("https://example.org/podium/round-1.json").unwrap(),
            Some(Location::Http(_))
        ));
        assert!(matches!(
            parse("http://127.0.0.1:8080/round-1.json").unwrap(),
            Some(Location::Http(_))
        ));
        for ok in [
            "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG/round-1.json",
            "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/round-1.json",
            "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
        ] {
            assert!(
                matches!(parse(ok).unwrap(), Some(Location::Ipfs(_))),
                "{ok}"
            );
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
            let e = parse(bad).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(
                e.contains("https://…/round-N.json") && e.contains("ipfs://CID/…"),
                "{e}"
            );
        }
    }
}
