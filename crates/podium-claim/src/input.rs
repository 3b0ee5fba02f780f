//! Loading distribution files: paths to files, directories of them (every `*.json` inside, not
//! recursively), and http(s) URLs fetched with a timeout. Parsing is podium-core's
//! [`DistributionFile`]; errors name the file or URL and, for JSON, the line and column.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use podium_chain::alloy::transports::http::reqwest;
use podium_core::DistributionFile;

use crate::exit::{Error, Result};

/// Largest distribution file we accept over HTTP (a million recipients is about 400 MB).
const MAX_DOWNLOAD: usize = 1 << 30;

/// One distribution file and where it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path or URL, as people see it.
    pub source: String,
    /// The parsed file.
    pub file: DistributionFile,
}

/// Whether `input` is a URL rather than a path.
pub fn is_url(input: &str) -> bool {
    let lower = input.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Every `*.json` file directly inside `dir`, in name order (hidden files skipped).
fn json_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Usage(format!("{}: cannot list the directory: {e}", dir.display())))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            Error::Usage(format!("{}: cannot list the directory: {e}", dir.display()))
        })?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".json") || !path.is_file() {
            continue;
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

fn read_path(path: &Path) -> Result<DistributionFile> {
    DistributionFile::read(path).map_err(|e| Error::Usage(e.to_string()))
}

/// How many times one fetch is tried when the server answers 5xx, times out or cannot be reached.
const FETCH_ATTEMPTS: u32 = 3;

/// The HTTP client for distribution files: every request bounded by `timeout`.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("podium-claim/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Usage(format!("cannot build an HTTP client: {e}")))
}

/// Downloads `url` (at most [`MAX_DOWNLOAD`] bytes). A 5xx answer, a timeout or a failed connection
/// is tried again, [`FETCH_ATTEMPTS`] times in all with 1 s then 2 s between; anything else fails at
/// once. The error says why, without the URL (callers name it).
pub async fn fetch_bytes(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, String> {
    let mut pause = Duration::from_secs(1);
    let mut attempt = 1;
    loop {
        match fetch_once(client, url).await {
            Ok(body) => return Ok(body),
            Err((why, retry)) if retry && attempt < FETCH_ATTEMPTS => {
                tracing::debug!("{url}: {why}; trying again in {}s", pause.as_secs());
                tokio::time::sleep(pause).await;
                pause *= 2;
                attempt += 1;
            }
            Err((why, retry)) => {
                return Err(if retry && attempt > 1 {
                    format!("{why} ({attempt} attempts)")
                } else {
                    why
                });
            }
        }
    }
}

/// One download; the error says whether another attempt may help.
async fn fetch_once(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, (String, bool)> {
    let transient = |e: &reqwest::Error| (describe_reqwest(e), e.is_timeout() || e.is_connect());
    let mut response = client.get(url).send().await.map_err(|e| transient(&e))?;
    let status = response.status();
    if !status.is_success() {
        return Err((
            format!("the server answered HTTP {status}"),
            status.is_server_error(),
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transient(&e))? {
        if body.len() + chunk.len() > MAX_DOWNLOAD {
            return Err((
                format!(
                    "the file is larger than {} MB; download it and pass the path",
                    MAX_DOWNLOAD >> 20
                ),
                false,
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<DistributionFile> {
    let body = fetch_bytes(client, url)
        .await
        .map_err(|why| Error::Usage(format!("{url}: {why}")))?;
    DistributionFile::from_slice(&body, Path::new(url)).map_err(|e| Error::Usage(e.to_string()))
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out (see --fetch-timeout)".into()
    } else if e.is_connect() {
        format!("cannot connect: {}", source_text(e))
    } else {
        source_text(e)
    }
}

fn source_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = c.source();
    }
    parts.join(": ")
}

/// Loads every input in order: files, the `*.json` files of directories, and URLs. The first
/// problem stops the load with a message naming the file or URL.
pub async fn load(inputs: &[String], fetch_timeout: Duration) -> Result<Vec<Loaded>> {
    let mut out = Vec::new();
    let mut client = None;
    for input in inputs {
        if is_url(input) {
            if client.is_none() {
                client = Some(http_client(fetch_timeout)?);
            }
            let file = fetch(client.as_ref().expect("built above"), input).await?;
            out.push(Loaded {
                source: input.clone(),
                file,
            });
            continue;
        }
        let path = Path::new(input);
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::Usage(format!("{input}: {}", io_reason(&e))))?;
        if meta.is_dir() {
            let files = json_files(path)?;
            if files.is_empty() {
                tracing::warn!("{input}: the directory holds no *.json distribution files yet");
            }
            for file in files {
                out.push(Loaded {
                    source: file.display().to_string(),
                    file: read_path(&file)?,
                });
            }
        } else {
            out.push(Loaded {
                source: input.clone(),
                file: read_path(path)?,
            });
        }
    }
    Ok(out)
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

    #[test]
    fn tells_urls_from_paths() {
        assert!(is_url("https://example.org/round-1.json"));
        assert!(is_url("HTTP://example.org/x"));
        assert!(!is_url("./rounds/round-1.json"));
        assert!(!is_url("/srv/http/round-1.json"));
    }

    #[tokio::test]
    async fn names_a_missing_path_and_an_unreachable_url() {
        let err = load(
            &["/nonexistent/round-1.json".into()],
            Duration::from_secs(1),
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "/nonexistent/round-1.json: no such file or directory"
        );
        // A port nobody listens on: the connection is refused at once.
        let port = podium_chain::anvil::free_port();
        let url = format!("http://127.0.0.1:{port}/round-1.json");
        let err = load(std::slice::from_ref(&url), Duration::from_secs(2))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(&format!("{url}: cannot connect")), "{err}");
    }

    #[tokio::test]
    async fn a_directory_without_files_loads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not json").unwrap();
        let loaded = load(&[dir.path().display().to_string()], Duration::from_secs(1))
            .await
            .unwrap();
        assert!(loaded.is_empty());
    }
}
