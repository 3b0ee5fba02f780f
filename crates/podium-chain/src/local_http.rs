//! A small real HTTP/1.1 server on a free localhost port (feature `test-utils`), for what stands in
//! for a web service outside the chain: `podium demo`'s leaderboard API and static host, and the CLI
//! tests' servers (a leaderboard that fails in chosen ways, a site for `podium post`'s uri check).
//!
//! One thread per connection (so a stalled answer does not hold up the next request), every answer
//! `Connection: close`. It records each request's target, and stops when dropped, so a run that fails
//! midway leaves no server behind; an answer still stalling gives up then too. GET only.

use std::{
    io::{BufRead, BufReader, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Component, Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

/// One GET request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target as sent: the path and the query (`/api/raw_stats?orchestrator=0x…`).
    pub target: String,
    /// The path, without the query.
    pub path: String,
    /// The query's `key=value` pairs, in order, as sent (not percent-decoded).
    pub query: Vec<(String, String)>,
}

impl Request {
    /// The first value of the query parameter `key`.
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn parse(target: &str) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        Self {
            target: target.to_owned(),
            path: path.to_owned(),
            query,
        }
    }
}

/// An answer: status, content type and body, sent whole unless made a cut-off or a stall.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    delivery: Delivery,
}

#[derive(Debug, Clone, Copy)]
enum Delivery {
    Whole,
    /// Announces this many bytes, sends the body (fewer), and closes.
    CutOff(usize),
    /// Says nothing for this long, then closes.
    Stall(Duration),
}

impl Reply {
    /// An answer with any status.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            content_type,
            body: body.into(),
            delivery: Delivery::Whole,
        }
    }

    /// 200 with a JSON body.
    pub fn json(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "application/json", body)
    }

    /// 200 with an HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Self {
        Self::new(200, "text/html; charset=utf-8", body)
    }

    /// 404 naming what was not found.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            404,
            "text/plain; charset=utf-8",
            format!("not found: {what}\n"),
        )
    }

    /// This answer's headers announcing `announced` bytes, then only its body, then the connection
    /// closes: a download cut off midway.
    pub fn cut_off(mut self, announced: usize) -> Self {
        self.delivery = Delivery::CutOff(announced);
        self
    }

    /// No answer at all for `wait` (or until the server stops), then the connection closes.
    pub fn stall(wait: Duration) -> Self {
        Self {
            delivery: Delivery::Stall(wait),
            ..Self::new(200, "text/plain", Vec::new())
        }
    }

    /// What a static host serving the files under `root` answers for `path`: the file
    /// (`/round-1.json` is `root/round-1.json`, read now), or 404 for anything else, including a
    /// path that leaves `root`.
    pub fn file(root: &Path, path: &str) -> Self {
        let Some(file) = file_under(root, path) else {
            return Self::not_found(path);
        };
        let content_type = match file.extension().and_then(|e| e.to_str()) {
            Some("json") => "application/json",
            Some("html") => "text/html; charset=utf-8",
            _ => "text/plain; charset=utf-8",
        };
        match std::fs::read(&file) {
            Ok(body) => Self::new(200, content_type, body),
            Err(_) => Self::not_found(path),
        }
    }
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A running server; dropping it stops it.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Answers every GET with `handler(request)`.
    pub fn start(
        handler: impl Fn(&Request) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (s, f) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if f.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (handler, s, f) = (handler.clone(), s.clone(), f.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &*handler, &s, &f);
                });
            }
        });
        Ok(Self {
            addr,
            seen,
            stop,
            thread: Some(thread),
        })
    }

    /// A static host for the files under `root` (see [`Reply::file`]). Files are read on each
    /// request, so a folder replaced as a whole (as `podium publish` does) is served as it is now.
    pub fn files(root: &Path) -> std::io::Result<Self> {
        let root = root.to_path_buf();
        Self::start(move |request| Reply::file(&root, &request.path))
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request's target so far, in the order they arrived.
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
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

fn serve(
    stream: TcpStream,
    handler: &Handler,
    seen: &Mutex<Vec<String>>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
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
    seen.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(target.to_owned());
    let reply = if method == "GET" {
        handler(&Request::parse(target))
    } else {
        Reply::new(405, "text/plain; charset=utf-8", "only GET\n")
    };
    let announced = match reply.delivery {
        Delivery::Stall(wait) => {
            let started = Instant::now();
            while started.elapsed() < wait && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return Ok(());
        }
        Delivery::CutOff(announced) => announced,
        Delivery::Whole => reply.body.len(),
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {announced}\r\nConnection: close\r\n\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
    )?;
    out.write_all(&reply.body)?;
    out.flush()
}

/// The reason phrase of the statuses the stand-ins answer with.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    }
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

    #[test]
    fn a_query_is_split_from_the_path() {
        let r = Request::parse("/api/raw_stats?orchestrator=0xab&since=1.5&flag");
        assert_eq!(r.path, "/api/raw_stats");
        assert_eq!(r.query("orchestrator"), Some("0xab"));
        assert_eq!(r.query("since"), Some("1.5"));
        assert_eq!(r.query("flag"), Some(""));
        assert_eq!(r.query("until"), None);
    }
}
