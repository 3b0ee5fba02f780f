//! A real HTTP server on a free local port for the CLI tests that talk HTTP: it answers with queued
//! replies (JSON, HTML, a cut-off body, a stall) or serves a directory as a static host does, records
//! what was asked, and stops when dropped.

use std::{
    collections::VecDeque,
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::Duration,
};

/// The queued replies, each with the text its request target must contain (any with `None`).
pub type Replies = Arc<Mutex<VecDeque<(Option<&'static str>, Reply)>>>;

/// What the test server sends for one request.
#[derive(Clone)]
pub enum Reply {
    Json(&'static str, String),
    Html(String),
    /// Announces `len` bytes and closes after sending `body`.
    CutOff(usize, String),
    /// Says nothing for this long.
    Stall(Duration),
    /// A static file host: the file at the request's path under this directory (`Content-Type`
    /// from the extension), or 404.
    Dir(PathBuf),
}

pub fn ok(body: String) -> Reply {
    Reply::Json("200 OK", body)
}

/// A real HTTP server on 127.0.0.1: answers requests with the queued replies in order (the last one
/// repeats), records each request's path and query, and stops when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
    replies: Replies,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Each reply answers the first request whose target contains its needle (or any, with `None`).
    pub fn start(replies: Vec<(Option<&'static str>, Reply)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let replies = Arc::new(Mutex::new(VecDeque::from(replies)));
        let stop = Arc::new(AtomicBool::new(false));
        let (s, r, f) = (seen.clone(), replies.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if f.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (s, r, f) = (s.clone(), r.clone(), f.clone());
                // One thread per connection, so a stalled reply does not hold up the next attempt.
                std::thread::spawn(move || serve(stream, &s, &r, &f));
            }
        });
        Self {
            url,
            seen,
            replies,
            stop,
            thread: Some(thread),
        }
    }

    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    pub fn set(&self, replies: Vec<(Option<&'static str>, Reply)>) {
        *self.replies.lock().unwrap() = VecDeque::from(replies);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    seen: &Mutex<Vec<String>>,
    replies: &Mutex<VecDeque<(Option<&'static str>, Reply)>>,
    stop: &AtomicBool,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut header = String::new();
    while reader
        .read_line(&mut header)
        .map(|n| n > 2)
        .unwrap_or(false)
    {
        header.clear();
    }
    seen.lock().unwrap().push(target.clone());
    let reply = {
        let mut queue = replies.lock().unwrap();
        let i = queue
            .iter()
            .position(|(needle, _)| needle.is_none_or(|n| target.contains(n)));
        match i {
            Some(i)
                if queue
                    .iter()
                    .filter(|(n, _)| n.is_none_or(|n| target.contains(n)))
                    .count()
                    > 1 =>
            {
                queue.remove(i).unwrap().1
            }
            Some(i) => queue[i].1.clone(),
            None => Reply::Json("404 Not Found", "404 page not found\n".into()),
        }
    };
    let mut stream = stream;
    let head = |status: &str, ctype: &str, len: usize| {
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
        )
    };
    let _ = match reply {
        Reply::Json(status, body) => stream
            .write_all(head(status, "application/json", body.len()).as_bytes())
            .and_then(|_| stream.write_all(body.as_bytes())),
        Reply::Html(body) => stream
            .write_all(head("200 OK", "text/html; charset=utf-8", body.len()).as_bytes())
            .and_then(|_| stream.write_all(body.as_bytes())),
        Reply::CutOff(len, body) => stream
            .write_all(head("200 OK", "application/json", len).as_bytes())
            .and_then(|_| stream.write_all(body.as_bytes())),
        Reply::Dir(root) => {
            let rel = target
                .split(['?', '#'])
                .next()
                .unwrap_or("")
                .trim_start_matches('/');
            let file = (!rel.split('/').any(|c| c == ".." || c.is_empty()))
                .then(|| std::fs::read(root.join(rel)).ok())
                .flatten();
            match file {
                Some(body) => {
                    let ctype = match rel.rsplit('.').next() {
                        Some("json") => "application/json",
                        Some("html") => "text/html; charset=utf-8",
                        _ => "application/octet-stream",
                    };
                    stream
                        .write_all(head("200 OK", ctype, body.len()).as_bytes())
                        .and_then(|_| stream.write_all(&body))
                }
                None => stream
                    .write_all(head("404 Not Found", "text/plain", 19).as_bytes())
                    .and_then(|_| stream.write_all(b"404 page not found\n")),
            }
        }
        Reply::Stall(d) => {
            let until = std::time::Instant::now() + d;
            while std::time::Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(())
        }
    };
    let _ = stream.flush();
}
