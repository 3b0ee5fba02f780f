//! Finding the rounds without being told: the distributor's `RootPosted`/`RootRevoked` events say
//! which root counts for each round and where its file lives (`uri`); the file is fetched
//! (`https://`, `http://`, or `ipfs://` through `--ipfs-gateway`), verified completely against the
//! chain, and cached in the state directory under its round and root.
//!
//! A file that cannot be fetched or does not verify is never used: it becomes a round marked
//! unavailable or refused, naming the URL and the reason, and is tried again on the next look.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
    sync::Mutex,
};

use podium_chain::{
    alloy::{eips::BlockId, transports::http::reqwest},
    distributor::{PostedRoot, posted_roots},
};
use podium_core::{DistributionFile, Location, LocationError, LocationRules};

use podium_chain::Chain;

use crate::{
    exit::{Error, Result},
    input::{Loaded, fetch_bytes, http_client},
    journal::write_durable,
    onchain,
    plan::{self, B256, ChainRound, ChainStatus, ChainView, RoundPlan, Status, Target},
    session::Settings,
};

/// The default `--ipfs-gateway`.
pub const DEFAULT_GATEWAY: &str = "https://ipfs.io";

/// Turns a posted `uri` into the URL to fetch ([`Location::parse`] under the fetch rules): http(s)
/// as is, `ipfs://CID/path` as `GATEWAY/ipfs/CID/path`. Anything else is refused with the reason.
pub fn resolve(uri: &str, gateway: &str) -> Result<String, String> {
    match Location::parse(uri, LocationRules::Fetch) {
        Ok(location) => Ok(location.fetch_url(gateway)),
        Err(LocationError::Scheme) => {
            Err("podium-claim fetches https://, http:// and ipfs:// uris only".into())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// Where a verified file of `round` with `root` is cached.
fn cache_path(dir: &Path, target: &Target, round: u64, root: B256) -> PathBuf {
    dir.join("rounds")
        .join(format!("{}-{}", target.chain_id, target.distributor))
        .join(format!("round-{round}-{root}.json"))
}

/// What one look found: the verified files, and a plan line for each round whose file could not be
/// used.
#[derive(Debug, Default)]
pub struct Found {
    /// Verified files, one per round.
    pub files: Vec<Loaded>,
    /// Rounds whose file could not be fetched (unavailable) or did not verify (refused).
    pub failed: Vec<RoundPlan>,
}

/// Where a look reads: the node, the deployment and account, and the cache's state directory.
#[derive(Debug, Clone, Copy)]
pub struct Where<'a> {
    /// The node.
    pub chain: &'a Chain,
    /// Chain, distributor and account.
    pub target: &'a Target,
    /// The state directory that holds the cache, when there is one.
    pub state_dir: Option<&'a Path>,
}

/// Discovery for one run: the HTTP client, and the files already verified by this run.
#[derive(Debug)]
pub struct Discovery {
    client: reqwest::Client,
    gateway: String,
    from_block: u64,
    /// The roots found so far and the block scanned up to: later looks read only newer blocks.
    posted: Mutex<(BTreeMap<u64, PostedRoot>, Option<u64>)>,
    verified: Mutex<BTreeMap<(u64, B256), Loaded>>,
}

/// Blocks a later look reads again below where the last one stopped, in case of a reorg.
const RESCAN: u64 = 128;

impl Discovery {
    /// Discovery with the fetch timeout, gateway and first block of `settings`.
    pub fn new(settings: &Settings) -> Result<Self> {
        Ok(Self {
            client: http_client(settings.fetch_timeout)?,
            gateway: settings.ipfs_gateway.clone(),
            from_block: settings.from_block,
            posted: Mutex::new((BTreeMap::new(), None)),
            verified: Mutex::new(BTreeMap::new()),
        })
    }

    /// Finds the rounds with a root on chain (except `skip`, given on the command line), and
    /// their verified files.
    pub async fn look(&self, at: &Where<'_>, skip: &BTreeSet<u64>) -> Result<Found> {
        let distributor = at.target.distributor;
        let (mut posted, scanned) = self.posted.lock().expect("not poisoned").clone();
        let from = scanned.map_or(self.from_block, |b| {
            b.saturating_sub(RESCAN).max(self.from_block)
        });
        let latest = posted_roots(at.chain, distributor, from, &mut posted)
            .await
            .map_err(Error::from_chain)?;
        *self.posted.lock().expect("not poisoned") = (posted.clone(), Some(latest));
        let rounds: BTreeSet<u64> = posted
            .keys()
            .filter(|r| !skip.contains(r))
            .copied()
            .collect();
        let view = onchain::read_view(
            at.chain,
            distributor,
            &rounds,
            &BTreeSet::new(),
            BlockId::latest(),
        )
        .await?;
        let mut found = Found::default();
        for round in rounds {
            let post = &posted[&round];
            let Some(on_chain) = view.rounds.get(&round) else {
                continue;
            };
            // The event is confirmed by the contract's state: a root revoked (or replaced) since
            // the logs were read is not the one that counts.
            let live = matches!(on_chain.status, ChainStatus::Pending | ChainStatus::Valid);
            if !live || on_chain.root != post.root {
                tracing::debug!(
                    "round {round}: posted root {} is not the contract's current one",
                    post.root
                );
                continue;
            }
            match self.file_for(at, &view, post, on_chain).await {
                Ok(loaded) => found.files.push(loaded),
                Err((status, source, reason)) => {
                    tracing::warn!(
                        "round {round}: {source}: {reason}; not used, tried again on the next look"
                    );
                    found.failed.push(RoundPlan {
                        round,
                        source,
                        leaf: None,
                        status,
                        reason,
                        tx: None,
                        claimable_from: None,
                    });
                }
            }
        }
        Ok(found)
    }

    /// The verified file of `post`: from memory, the cache, or its uri.
    async fn file_for(
        &self,
        at: &Where<'_>,
        view: &ChainView,
        post: &PostedRoot,
        on_chain: &ChainRound,
    ) -> Result<Loaded, (Status, String, String)> {
        let key = (post.round, post.root);
        if let Some(l) = self.verified.lock().expect("not poisoned").get(&key) {
            return Ok(l.clone());
        }
        let cache = at
            .state_dir
            .map(|d| cache_path(d, at.target, post.round, post.root));
        if let Some(path) = cache.as_deref().filter(|p| p.exists()) {
            let source = path.display().to_string();
            match DistributionFile::read(path)
                .map_err(|e| e.to_string())
                .and_then(|file| {
                    let loaded = Loaded { source, file };
                    verify(at.target, view, post, on_chain, &loaded).map(|()| loaded)
                }) {
                Ok(loaded) => {
                    tracing::info!(
                        "round {}: using the verified file cached at {}",
                        post.round,
                        path.display()
                    );
                    return Ok(self.remember(key, loaded));
                }
                Err(why) => {
                    tracing::warn!(
                        "round {}: the cached {} no longer verifies ({why}); fetching it again",
                        post.round,
                        path.display()
                    );
                    crate::journal::remove(path);
                }
            }
        }
        let url = resolve(&post.uri, &self.gateway)
            .map_err(|why| (Status::Unavailable, post.uri.clone(), why))?;
        let shown = if url == post.uri {
            url.clone()
        } else {
            format!("{} (via {url})", post.uri)
        };
        let body = fetch_bytes(&self.client, &url)
            .await
            .map_err(|why| (Status::Unavailable, shown.clone(), why))?;
        let file = DistributionFile::from_slice(&body, Path::new(&url))
            .map_err(|e| (Status::Refused, shown.clone(), e.to_string()))?;
        let loaded = Loaded {
            source: shown.clone(),
            file,
        };
        verify(at.target, view, post, on_chain, &loaded)
            .map_err(|why| (Status::Refused, shown.clone(), why))?;
        if let Some(path) = &cache {
            // A cache that cannot be written costs a download next time, nothing else.
            match write_durable(path, &body) {
                Ok(()) => tracing::info!(
                    "round {}: fetched and verified {shown}; cached at {}",
                    post.round,
                    path.display()
                ),
                Err(e) => tracing::warn!(
                    "round {}: cannot cache the verified file at {}: {e}",
                    post.round,
                    path.display()
                ),
            }
        }
        Ok(self.remember(key, loaded))
    }

    fn remember(&self, key: (u64, B256), loaded: Loaded) -> Loaded {
        self.verified
            .lock()
            .expect("not poisoned")
            .insert(key, loaded.clone());
        loaded
    }
}

/// Checks a discovered file completely before it is used or cached: the round, that it holds
/// together (tree, total, every proof: [`DistributionFile::check`]), its root and total against
/// the posted ones, then the claimer's own per-file checks (chain id, distributor, the account's
/// proof, the root on chain: [`plan::plan`]).
fn verify(
    target: &Target,
    view: &ChainView,
    post: &PostedRoot,
    on_chain: &ChainRound,
    loaded: &Loaded,
) -> Result<(), String> {
    let file = &loaded.file;
    if file.round != post.round {
        return Err(format!(
            "the file is for round {}, not {}",
            file.round, post.round
        ));
    }
    if file.root != on_chain.root {
        return Err(format!(
            "the file's root {} is not the root on chain {}",
            file.root, on_chain.root
        ));
    }
    if file.total.0 != post.total {
        return Err(format!(
            "the file's total {} is not the posted total {}",
            file.total.0, post.total
        ));
    }
    match file.check() {
        Ok(None) => {}
        Ok(Some(problem)) => return Err(format!("the file does not hold together: {problem}")),
        Err(e) => return Err(format!("the file cannot be checked: {e}")),
    }
    let plans = plan::plan(std::slice::from_ref(loaded), target, view);
    match plans.first() {
        Some(p) if p.status == Status::Refused => Err(p.reason.clone()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_uris() {
        let g = "http://127.0.0.1:8080/";
        assert_eq!(
            resolve("ipfs://bafyCID/round-1.json", g).unwrap(),
            "http://127.0.0.1:8080/ipfs/bafyCID/round-1.json"
        );
        assert_eq!(
            resolve("https://x.org/r.json", g).unwrap(),
            "https://x.org/r.json"
        );
        assert!(resolve("", g).is_err());
        assert!(resolve("ipfs://", g).is_err());
        assert_eq!(
            resolve("", g).unwrap_err(),
            "the root was posted without a uri"
        );
        assert_eq!(
            resolve("ipfs:///", g).unwrap_err(),
            "the ipfs:// uri names no CID"
        );
        // Only what podium post would refuse as malformed, not as unfetchable: still tried.
        assert_eq!(
            resolve("https://x.org/a b.json", g).unwrap(),
            "https://x.org/a b.json"
        );
        assert!(
            resolve("ftp://x.org/r.json", g)
                .unwrap_err()
                .contains("https://")
        );
    }
}
