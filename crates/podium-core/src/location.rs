//! Where a round's distribution file lives: the `uri` the committee posts with the root and the
//! claimer fetches. One parser for both sides, with two sets of rules:
//!
//! - [`LocationRules::Post`], what `podium post --uri` accepts: no whitespace; an `http(s)://` URL
//!   that parses and names a host; `ipfs://CID/path` whose first segment is written as a CID;
//! - [`LocationRules::Fetch`], what `podium-claim` will try to fetch from a posted root (which anyone
//!   may have posted with any text): any `http(s)://`, and `ipfs://` with something after the
//!   slashes. A location it cannot fetch becomes a round marked unavailable, never a guess.
//!
//! Everything [`LocationRules::Post`] accepts, [`LocationRules::Fetch`] accepts as the same
//! [`Location`]. An `ipfs://` location is fetched through a gateway as `GATEWAY/ipfs/CID/path`
//! ([`Location::fetch_url`]), the path form every public gateway serves.

/// A posted location, by scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An `http://` or `https://` URL, as posted.
    Http(String),
    /// `ipfs://CID` or `ipfs://CID/path`: the text after `ipfs://` (and, under the fetch rules, any
    /// further leading slashes), `CID/path`.
    Ipfs(String),
}

/// Which rules [`Location::parse`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationRules {
    /// What the committee may post: a location claimers can fetch, checked strictly.
    Post,
    /// What a claimer tries to fetch from a posted root.
    Fetch,
}

/// Why a location was refused. Each message says what is wrong; the tools add where it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocationError {
    /// The location is empty.
    #[error("the root was posted without a uri")]
    Empty,
    /// The location has whitespace in it ([`LocationRules::Post`]).
    #[error("it contains spaces")]
    Spaces,
    /// An `http(s)://` location that is not a URL ([`LocationRules::Post`]).
    #[error("not a URL ({0})")]
    NotUrl(String),
    /// An `http(s)://` URL without a host ([`LocationRules::Post`]).
    #[error("the URL names no host")]
    NoHost,
    /// An `ipfs://` location whose first segment is not written as a CID ([`LocationRules::Post`]).
    #[error(
        "{0:?} is not a CID (a CIDv0 Qm… of 46 base58 characters, or a CIDv1 in base32 b…, base36 \
         k…, base58 z… or base16 f…)"
    )]
    NotCid(String),
    /// An `ipfs://` location with nothing after it ([`LocationRules::Fetch`]).
    #[error("the ipfs:// uri names no CID")]
    NoCid,
    /// Neither `http://`, `https://` nor `ipfs://`.
    #[error("not a location claimers can fetch")]
    Scheme,
}

impl Location {
    /// Parses a posted location under `rules`. The scheme is matched without regard to case.
    pub fn parse(uri: &str, rules: LocationRules) -> Result<Self, LocationError> {
        if uri.is_empty() {
            return Err(LocationError::Empty);
        }
        let strict = rules == LocationRules::Post;
        if strict && uri.chars().any(char::is_whitespace) {
            return Err(LocationError::Spaces);
        }
        let (scheme, rest) = uri.split_once("://").ok_or(LocationError::Scheme)?;
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => {
                if strict {
                    let url =
                        url::Url::parse(uri).map_err(|e| LocationError::NotUrl(e.to_string()))?;
                    if url.host_str().is_none_or(str::is_empty) {
                        return Err(LocationError::NoHost);
                    }
                }
                Ok(Self::Http(uri.to_owned()))
            }
            "ipfs" if strict => {
                let cid = rest.split('/').next().unwrap_or("");
                if !is_cid(cid) {
                    return Err(LocationError::NotCid(cid.to_owned()));
                }
                Ok(Self::Ipfs(rest.to_owned()))
            }
            "ipfs" => match rest.trim_start_matches('/') {
                "" => Err(LocationError::NoCid),
                rest => Ok(Self::Ipfs(rest.to_owned())),
            },
            _ => Err(LocationError::Scheme),
        }
    }

    /// The URL to fetch: an http(s) location as posted, `ipfs://CID/path` as
    /// `GATEWAY/ipfs/CID/path` (`gateway` with or without a trailing slash).
    pub fn fetch_url(&self, gateway: &str) -> String {
        match self {
            Self::Http(url) => url.clone(),
            Self::Ipfs(rest) => format!("{}/ipfs/{rest}", gateway.trim_end_matches('/')),
        }
    }
}

/// Whether `s` is written as a CID (multiformats/cid): CIDv0 is a base58btc sha2-256 multihash,
/// `Qm` and 44 more characters; CIDv1 is a multibase string, of which the bases that fit a URL's
/// host part: `b` base32 and `k` base36 (lower case, as gateways use), `z` base58btc, `f` base16.
/// The bytes are not decoded: this catches a path or a typo, not a CID of nothing.
pub fn is_cid(s: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{LocationRules::*, *};

    const CID_V0: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    const CID_V1: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

    fn both(
        uri: &str,
    ) -> (
        Result<Location, LocationError>,
        Result<Location, LocationError>,
    ) {
        (Location::parse(uri, Post), Location::parse(uri, Fetch))
    }

    #[test]
    fn http_locations_are_kept_as_posted() {
        for uri in [
            "https://example.org/podium/round-1.json",
            "http://127.0.0.1:8080/round-1.json",
            "HTTPS://Example.org/R.json",
        ] {
            let want = Ok(Location::Http(uri.into()));
            assert_eq!(both(uri), (want.clone(), want), "{uri}");
            assert_eq!(Location::Http(uri.into()).fetch_url("http://gw"), uri);
        }
    }

    #[test]
    fn ipfs_locations_go_through_the_gateway() {
        let uri = format!("ipfs://{CID_V0}/round-1.json");
        let l = Location::parse(&uri, Post).unwrap();
        assert_eq!(l, Location::Ipfs(format!("{CID_V0}/round-1.json")));
        for g in [
            "http://127.0.0.1:8080",
            "http://127.0.0.1:8080/",
            "http://127.0.0.1:8080//",
        ] {
            assert_eq!(
                l.fetch_url(g),
                format!("http://127.0.0.1:8080/ipfs/{CID_V0}/round-1.json")
            );
        }
        for ok in [
            format!("ipfs://{CID_V1}/round-1.json"),
            "ipfs://bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy".into(),
            format!("IPFS://{CID_V0}"),
        ] {
            assert!(Location::parse(&ok, Post).is_ok(), "{ok}");
        }
    }

    #[test]
    fn the_post_rules_refuse_what_claimers_cannot_rely_on() {
        for (bad, why) in [
            ("ftp://example.org/round-1.json", LocationError::Scheme),
            ("example.org/round-1.json", LocationError::Scheme),
            ("file:///tmp/round-1.json", LocationError::Scheme),
            (
                "ipfs://round-1.json",
                LocationError::NotCid("round-1.json".into()),
            ),
            ("ipfs:///round-1.json", LocationError::NotCid(String::new())),
            ("ipfs://", LocationError::NotCid(String::new())),
            (
                "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0",
                LocationError::NotCid("QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd0".into()),
            ),
            ("https://", LocationError::NotUrl("empty host".into())),
            (" https://example.org/round-1.json", LocationError::Spaces),
            ("https://example.org/round 1.json", LocationError::Spaces),
            ("", LocationError::Empty),
        ] {
            assert_eq!(Location::parse(bad, Post), Err(why), "{bad}");
        }
    }

    #[test]
    fn the_fetch_rules_take_any_http_and_any_named_ipfs_path() {
        // Roots anyone posted: the claimer tries them rather than judging their form.
        assert_eq!(
            Location::parse("https://", Fetch),
            Ok(Location::Http("https://".into()))
        );
        assert_eq!(
            Location::parse("ipfs:///bafyCID/round-1.json", Fetch)
                .unwrap()
                .fetch_url("http://gw/"),
            "http://gw/ipfs/bafyCID/round-1.json"
        );
        for (bad, why) in [
            ("", LocationError::Empty),
            ("ipfs://", LocationError::NoCid),
            ("ipfs:///", LocationError::NoCid),
            ("ftp://x.org/r.json", LocationError::Scheme),
            (" https://x.org/r.json", LocationError::Scheme),
            ("x.org/r.json", LocationError::Scheme),
        ] {
            assert_eq!(Location::parse(bad, Fetch), Err(why), "{bad}");
        }
    }

    #[test]
    fn recognises_cids_by_their_base() {
        assert!(is_cid(CID_V0));
        assert!(is_cid(CID_V1));
        assert!(is_cid(
            "k51qzi5uqu5dlvj2baxnqndepeb86cbk3ng7n3i46uzyxzyqj2xjonzllnv0v8"
        ));
        assert!(is_cid("zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7"));
        assert!(is_cid(
            "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a"
        ));
        for bad in [
            "",
            "Qm",
            "b",
            "bafyBEI",
            "round-1.json",
            &CID_V0[..45],
            "x1234",
        ] {
            assert!(!is_cid(bad), "{bad}");
        }
    }

    proptest! {
        /// What the committee may post, a claimer reads as the same location.
        #[test]
        fn postable_is_fetchable_alike(uri in ".{0,40}|(https?|ipfs|HTTP|IpFs)://[a-zA-Z0-9./ :?#]{0,40}") {
            if let Ok(l) = Location::parse(&uri, Post) {
                prop_assert_eq!(Location::parse(&uri, Fetch), Ok(l));
            }
        }

        /// Any http(s) URL with a host is posted and fetched exactly as written.
        #[test]
        fn urls_with_a_host_pass_unchanged(
            scheme in "[hH][tT][tT][pP][sS]?",
            host in "[a-z][a-z0-9-]{0,20}(\\.[a-z]{2,6}){0,2}",
            port in proptest::option::of(1u16..),
            path in "(/[A-Za-z0-9._~-]{0,12}){0,4}",
        ) {
            let uri = match port {
                Some(p) => format!("{scheme}://{host}:{p}{path}"),
                None => format!("{scheme}://{host}{path}"),
            };
            let l = Location::parse(&uri, Post);
            prop_assert_eq!(&l, &Ok(Location::Http(uri.clone())));
            prop_assert_eq!(l.unwrap().fetch_url("http://gw"), uri);
        }

        /// ipfs://CID/path is fetched from GATEWAY/ipfs/CID/path, whatever the gateway's slashes.
        #[test]
        fn ipfs_paths_resolve_under_the_gateway(
            cid in "b[a-z2-7]{20,58}",
            path in "(/[A-Za-z0-9._-]{1,12}){0,3}",
            slashes in 0usize..3,
        ) {
            let uri = format!("ipfs://{cid}{path}");
            let gateway = format!("https://gw.example{}", "/".repeat(slashes));
            for rules in [Post, Fetch] {
                let l = Location::parse(&uri, rules).unwrap();
                prop_assert_eq!(l.fetch_url(&gateway), format!("https://gw.example/ipfs/{cid}{path}"));
            }
        }

        /// Whitespace anywhere, or a scheme other than http, https or ipfs, is never posted.
        #[test]
        fn spaces_and_other_schemes_are_refused(
            before in "[a-z:/.]{0,10}", ws in "[ \t\n\u{a0}]", after in "[a-z:/.]{0,10}",
            scheme in "[a-z][a-z0-9+.-]{0,8}", rest in "[a-z0-9./]{0,20}",
        ) {
            let spaced = format!("https://{before}{ws}{after}");
            prop_assert_eq!(Location::parse(&spaced, Post), Err(LocationError::Spaces));
            prop_assume!(!matches!(scheme.as_str(), "http" | "https" | "ipfs"));
            let other = format!("{scheme}://{rest}");
            prop_assert_eq!(Location::parse(&other, Post), Err(LocationError::Scheme));
            prop_assert_eq!(Location::parse(&other, Fetch), Err(LocationError::Scheme));
        }
    }
}
