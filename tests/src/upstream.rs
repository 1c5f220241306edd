//! A local stand-in for arXiv, Crossref and DBLP: an HTTP/1.1 server on 127.0.0.1 that answers
//! each path with a scripted response (the recorded formats of `tests/fixtures/upstream/`, or a
//! failure: a status, a delay, a closed connection), and records every request it gets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the stand-in does for one path.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A status, headers and body.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Waits this long before answering with the inner reply.
    Slow(Duration, Box<Reply>),
    /// Closes the connection without a word.
    Hangup,
    /// The first reply once, then the second for every request after it.
    Then(Box<Reply>, Box<Reply>),
}

impl Reply {
    pub fn ok(body: impl Into<String>) -> Reply {
        Reply::status(200, body)
    }

    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Answer {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// `429 Too Many Requests` with `Retry-After: seconds`.
    pub fn rate_limited(seconds: u64) -> Reply {
        Reply::Answer {
            status: 429,
            headers: vec![("Retry-After".to_owned(), seconds.to_string())],
            body: "Too many requests".to_owned(),
        }
    }
}

/// A request the stand-in received.
#[derive(Debug, Clone)]
pub struct Seen {
    /// Path and query, as sent.
    pub target: String,
    pub user_agent: Option<String>,
    pub at: Instant,
}

type Routes = Arc<Mutex<HashMap<String, Reply>>>;

pub struct Upstream {
    pub url: String,
    routes: Routes,
    seen: Arc<Mutex<Vec<Seen>>>,
    server: JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// A recorded response body from `tests/fixtures/upstream/`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/upstream/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl Upstream {
    pub async fn start() -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the stand-in");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let routes: Routes = Arc::default();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let (routes_for_server, seen_for_server) = (routes.clone(), seen.clone());
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, routes_for_server.clone(), seen_for_server.clone()));
            }
        });
        Upstream {
            url,
            routes,
            seen,
            server,
        }
    }

    /// Answers requests whose path and query start with `target` (longest match wins).
    pub fn on(&self, target: &str, reply: Reply) {
        self.routes
            .lock()
            .expect("routes")
            .insert(target.to_owned(), reply);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen").clone()
    }
}

async fn serve(mut stream: TcpStream, routes: Routes, seen: Arc<Mutex<Vec<Seen>>>) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let text = String::from_utf8_lossy(&request).into_owned();
    let target = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let user_agent = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("user-agent: ")
                .or_else(|| l.strip_prefix("User-Agent: "))
        })
        .map(str::to_owned);
    seen.lock().expect("seen").push(Seen {
        target: target.clone(),
        user_agent,
        at: Instant::now(),
    });
    let reply = {
        let mut routes = routes.lock().expect("routes");
        let matched = routes
            .keys()
            .filter(|prefix| target.starts_with(prefix.as_str()))
            .max_by_key(|prefix| prefix.len())
            .cloned();
        match matched {
            Some(prefix) => {
                let reply = routes.get(&prefix).cloned().unwrap_or(Reply::status(404, ""));
                if let Reply::Then(first, rest) = reply {
                    routes.insert(prefix, *rest);
                    *first
                } else {
                    reply
                }
            }
            None => Reply::status(404, "Not found"),
        }
    };
    answer(stream, reply).await;
}

async fn answer(mut stream: TcpStream, mut reply: Reply) {
    loop {
        match reply {
            Reply::Slow(delay, inner) => {
                tokio::time::sleep(delay).await;
                reply = *inner;
            }
            Reply::Then(first, _) => reply = *first,
            Reply::Hangup => return,
            Reply::Answer {
                status,
                headers,
                body,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(body.as_bytes()).await;
                let _ = stream.shutdown().await;
                return;
            }
        }
    }
}
