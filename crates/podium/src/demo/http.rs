//! The demo's local web servers: the leaderboard API that `podium snapshot` reads, and the static
//! host that serves the folder `podium publish` writes, where claimers fetch each round's file from
//! the `uri` the committee posted.
//!
//! Both are one small HTTP/1.1 server on a free localhost port (one thread per connection, every
//! answer `Connection: close`), stopped when dropped, so a demo that fails midway leaves no server
//! behind. It is the demo's stand-in for the public leaderboard and a static host, not a web server
//! for anything else.

use std::{
    io::{BufRead, BufReader, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Component, Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

use eyre::WrapErr;

/// An answer: HTTP status, content type, body.
pub(super) struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    pub(super) fn json(body: impl Into<Vec<u8>>) -> Self {
        Self {
            status: 200,
            content_type: "application/json",
            body: body.into(),
        }
    }

    pub(super) fn not_found(what: &str) -> Self {
        Self {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: format!("not found: {what}\n").into_bytes(),
        }
    }
}

type Handler = dyn Fn(&str, &[(String, String)]) -> Reply + Send + Sync;

/// A running server; dropping it stops it.
pub(super) struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `handler(path, query)` for every GET.
    pub(super) fn start(
        handler: impl Fn(&str, &[(String, String)]) -> Reply + Send + Sync + 'static,
    ) -> eyre::Result<Self> {
        let listener =
            TcpListener::bind("127.0.0.1:0").wrap_err("opening a localhost port for the demo")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handler = handler.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &*handler);
                });
            }
        });
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// Serves the files under `root` by path (`/round-1.json` is `root/round-1.json`); anything
    /// else, including a path that leaves `root`, is a 404. Files are read on each request, so a
    /// folder replaced as a whole (as `podium publish` does) is served as it is now.
    pub(super) fn files(root: &Path) -> eyre::Result<Self> {
        let root = root.to_path_buf();
        Self::start(move |path, _| match file_under(&root, path) {
            Some(file) => match std::fs::read(&file) {
                Ok(body) => Reply {
                    status: 200,
                    content_type: if path.ends_with(".json") {
                        "application/json"
                    } else if path.ends_with(".html") {
                        "text/html; charset=utf-8"
                    } else {
                        "text/plain; charset=utf-8"
                    },
                    body,
                },
                Err(_) => Reply::not_found(path),
            },
            None => Reply::not_found(path),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `root` joined with the URL path, if the path stays inside `root` and names a file.
fn file_under(root: &Path, path: &str) -> Option<PathBuf> {
    let relative = Path::new(path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    file.is_file().then_some(file)
}

fn serve(stream: TcpStream, handler: &Handler) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // The headers are read and ignored: every GET is answered the same way.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    let reply = if method == "GET" {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query: Vec<(String, String)> = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        handler(path, &query)
    } else {
        Reply {
            status: 405,
            content_type: "text/plain; charset=utf-8",
            body: b"only GET\n".to_vec(),
        }
    };
    let reason = match reply.status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    )?;
    out.write_all(&reply.body)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_leave_the_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        assert!(file_under(dir.path(), "/a.json").is_some());
        assert!(file_under(dir.path(), "/../a.json").is_none());
        assert!(file_under(dir.path(), "/missing.json").is_none());
        assert!(file_under(dir.path(), "/").is_none());
    }
}
