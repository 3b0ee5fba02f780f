//! The CLI tests' HTTP server: podium-chain's local server (the one `podium demo` runs, a real server
//! on a free local port that records what was asked and stops when dropped) answering with queued
//! replies (JSON, HTML, a cut-off body, a stall) or serving a directory as a static host does.

use std::{
    collections::VecDeque,
    path::PathBuf,
    sync::{Arc, Mutex},
    time::Duration,
};

use podium_chain::local_http;

/// The queued replies, each with the text its request target must contain (any with `None`).
pub type Replies = Arc<Mutex<VecDeque<(Option<&'static str>, Reply)>>>;

/// What the test server sends for one request.
#[derive(Clone)]
pub enum Reply {
    /// A status line's code and reason (`"500 Internal Server Error"`) and a JSON body.
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
/// repeats), records each request's path and query ([`local_http::Server::seen`]), and stops when
/// dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    replies: Replies,
    server: local_http::Server,
}

impl Server {
    /// Each reply answers the first request whose target contains its needle (or any, with `None`).
    pub fn start(replies: Vec<(Option<&'static str>, Reply)>) -> Self {
        let replies: Replies = Arc::new(Mutex::new(VecDeque::from(replies)));
        let queue = replies.clone();
        let server = local_http::Server::start(move |request| {
            next(&mut queue.lock().unwrap(), &request.target).answer(&request.path)
        })
        .unwrap();
        Self {
            url: server.url(),
            replies,
            server,
        }
    }

    /// Every request's target so far (path and query), in the order they arrived.
    pub fn seen(&self) -> Vec<String> {
        self.server.seen()
    }

    pub fn set(&self, replies: Vec<(Option<&'static str>, Reply)>) {
        *self.replies.lock().unwrap() = VecDeque::from(replies);
    }
}

/// The reply for `target`: the first whose needle it contains, taken from the queue unless it is the
/// last one that matches (which then repeats); Go's 404 when none does.
fn next(queue: &mut VecDeque<(Option<&'static str>, Reply)>, target: &str) -> Reply {
    let matches =
        |(needle, _): &&(Option<&'static str>, Reply)| needle.is_none_or(|n| target.contains(n));
    let Some(i) = queue.iter().position(|r| matches(&r)) else {
        return Reply::Json("404 Not Found", "404 page not found\n".into());
    };
    if queue.iter().filter(matches).count() > 1 {
        queue.remove(i).unwrap().1
    } else {
        queue[i].1.clone()
    }
}

impl Reply {
    fn answer(self, path: &str) -> local_http::Reply {
        match self {
            Self::Json(status, body) => {
                let code = status
                    .split_whitespace()
                    .next()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or_else(|| panic!("not a status line: {status:?}"));
                local_http::Reply::new(code, "application/json", body)
            }
            Self::Html(body) => local_http::Reply::html(body),
            Self::CutOff(len, body) => local_http::Reply::json(body).cut_off(len),
            Self::Stall(wait) => local_http::Reply::stall(wait),
            Self::Dir(root) => local_http::Reply::file(&root, path),
        }
    }
}
