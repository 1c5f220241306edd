//! Serialised public answers for readers without an account, kept under the database's content
//! version and served only while it stands.
//!
//! The version is kept by triggers in the database (migration `content_version`), so every
//! change of what a public answer shows moves it, whoever makes it: this instance, another one,
//! the `shortscience` command, a hand-written `UPDATE`. Each anonymous `GET /api/v1/…` reads the
//! version first (one indexed read of one row) and then either answers from memory or computes
//! the answer and keeps it under the version read before computing, so an answer is never kept
//! under a version newer than its data. A page view changes no version.
//!
//! Left out: signed-in readers (their answers carry their own votes and private rows), answers
//! that set a cookie or carry rate-limit headers (which count this one request), anything that is
//! not a 200, bodies over [`MAX_BODY`] and URIs over [`MAX_KEY`]. An answer is also computed again
//! after [`MAX_AGE`], for lists whose window moves with the clock (trending papers, the week's top
//! summaries). At most [`MAX_BYTES`] (bodies, keys, headers and a fixed cost per entry) and
//! [`MAX_ENTRIES`] are kept; past that, and whenever the version changes (forwards, or backwards
//! after a restore), everything kept is dropped at once. Requests that miss the same answer take
//! turns, so after a change it is computed once, not once per waiting reader.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, Data};
use actix_web::{Error, HttpResponse};

use crate::middleware::etag_matches;
use crate::startup::AppState;

/// The most a kept answer may weigh.
const MAX_BODY: usize = 1 << 20;
/// The longest URI whose answer is kept.
const MAX_KEY: usize = 512;
/// The most all kept answers may weigh together.
const MAX_BYTES: usize = 32 << 20;
/// The most answers (and keys of answers not kept) at once.
const MAX_ENTRIES: usize = 20_000;
/// What an entry costs besides its key, body and headers (maps, pointers, allocations).
const ENTRY_COST: usize = 256;
/// How long an answer is served, at most.
const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// One kept answer: its headers (the ETag among them) and body.
struct Kept {
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// Whether its ETag describes these bytes (answers `If-None-Match`), rather than a version
    /// for `If-Match` that the handler set.
    weak_tag: Option<HeaderValue>,
    kept_at: std::time::Instant,
}

impl Kept {
    fn cost(&self, key: &str) -> usize {
        let headers: usize = self.headers.iter().map(|(n, v)| n.as_str().len() + v.len()).sum();
        ENTRY_COST + key.len() + headers + self.body.len()
    }
}

#[derive(Default)]
struct Entries {
    version: i64,
    /// Bodies and keys kept, in bytes.
    bytes: usize,
    answers: HashMap<String, Arc<Kept>>,
    /// Keys whose last answer could not be kept (a 404, rate-limit headers): their requests do
    /// not wait for one another.
    unkept: HashSet<String>,
}

/// The kept answers of this instance.
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<Entries>,
    /// Answers being computed. Requests that miss the same key take turns, so after a change
    /// the first computes the answer and the others are served it, instead of every waiting
    /// request computing it at once.
    computing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl ResponseCache {
    /// The answer kept for `key` under the version a request read first; what is kept under any
    /// other version is dropped (one lock per request on the way to a hit).
    fn lookup(&self, version: i64, key: &str) -> Option<Arc<Kept>> {
        let mut entries = self.entries.lock().ok()?;
        if entries.version != version {
            *entries = Entries {
                version,
                ..Entries::default()
            };
        }
        Self::fresh(&entries, key)
    }

    /// The answer kept for `key` while the entries still hold `version`.
    fn get(&self, version: i64, key: &str) -> Option<Arc<Kept>> {
        let entries = self.entries.lock().ok()?;
        (entries.version == version)
            .then(|| Self::fresh(&entries, key))
            .flatten()
    }

    fn fresh(entries: &Entries, key: &str) -> Option<Arc<Kept>> {
        entries
            .answers
            .get(key)
            .filter(|kept| kept.kept_at.elapsed() < MAX_AGE)
            .cloned()
    }

    /// The entries of `version` with room for `cost` more bytes (emptied when full), unless the
    /// version has changed meanwhile.
    fn room(&self, version: i64, cost: usize) -> Option<std::sync::MutexGuard<'_, Entries>> {
        let mut entries = self.entries.lock().ok()?;
        if entries.version != version {
            return None;
        }
        if entries.bytes + cost > MAX_BYTES || entries.answers.len() + entries.unkept.len() >= MAX_ENTRIES {
            *entries = Entries {
                version,
                ..Entries::default()
            };
        }
        Some(entries)
    }

    fn put(&self, version: i64, key: String, kept: Kept) {
        let cost = kept.cost(&key);
        let Some(mut entries) = self.room(version, cost) else {
            return;
        };
        entries.bytes += cost;
        let old = entries.answers.insert(key.clone(), Arc::new(kept));
        if let Some(old) = old {
            entries.bytes -= old.cost(&key);
        }
    }

    fn put_unkept(&self, version: i64, key: String) {
        let cost = ENTRY_COST + key.len();
        if let Some(mut entries) = self.room(version, cost)
            && entries.unkept.insert(key)
        {
            entries.bytes += cost;
        }
    }

    fn is_unkept(&self, version: i64, key: &str) -> bool {
        self.entries
            .lock()
            .is_ok_and(|entries| entries.version == version && entries.unkept.contains(key))
    }

    /// Waits for the turn to compute `key`'s answer.
    async fn turn<'a>(&'a self, key: &str) -> Option<Turn<'a>> {
        let gate = {
            let mut computing = self.computing.lock().ok()?;
            Arc::clone(computing.entry(key.to_owned()).or_default())
        };
        let held = Arc::clone(&gate).lock_owned().await;
        Some(Turn {
            cache: self,
            key: key.to_owned(),
            gate,
            _held: held,
        })
    }
}

/// A request's turn to compute an answer; the next waiting request's when dropped.
struct Turn<'a> {
    cache: &'a ResponseCache,
    key: String,
    gate: Arc<tokio::sync::Mutex<()>>,
    _held: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if let Ok(mut computing) = self.cache.computing.lock()
            && computing
                .get(&self.key)
                .is_some_and(|gate| Arc::ptr_eq(gate, &self.gate))
        {
            computing.remove(&self.key);
        }
    }
}

/// A kept answer, or `304 Not Modified` when the request holds its tag.
fn answer(req: ServiceRequest, kept: &Kept) -> ServiceResponse<BoxBody> {
    let if_none_match = req.headers().get(header::IF_NONE_MATCH);
    let not_modified = kept
        .weak_tag
        .as_ref()
        .zip(if_none_match)
        .is_some_and(|(tag, wanted)| etag_matches(wanted, tag));
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    for (name, value) in &kept.headers {
        if !not_modified || [header::ETAG, header::CACHE_CONTROL, header::VARY].contains(name) {
            response.insert_header((name.clone(), value.clone()));
        }
    }
    let response = if not_modified {
        response.finish()
    } else {
        response.body(kept.body.clone())
    };
    req.into_response(response)
}

/// The middleware: answers anonymous API reads from the cache, and keeps what it may.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = req.method() == Method::GET
        && req.path().starts_with("/api/v1/")
        && !req.headers().contains_key(header::AUTHORIZATION);
    let state = req.app_data::<Data<AppState>>().cloned();
    let (Some(state), true) = (state, cacheable) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let Ok(version) = crate::db::content_version(&state.db).await else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let key = req.uri().to_string();
    if key.len() > MAX_KEY {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if let Some(kept) = state.cache.lookup(version, &key) {
        return Ok(answer(req, &kept));
    }
    // Requests for a key whose answer is not kept do not wait for one another.
    let _turn = if state.cache.is_unkept(version, &key) {
        None
    } else {
        let turn = state.cache.turn(&key).await;
        // Computed by the request whose turn came first.
        if let Some(kept) = state.cache.get(version, &key) {
            return Ok(answer(req, &kept));
        }
        turn
    };
    let res = next.call(req).await?.map_into_boxed_body();
    let keep = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key("ratelimit")
        && matches!(res.response().body().size(), BodySize::Sized(n) if n as usize <= MAX_BODY);
    if !keep {
        if res.status() != StatusCode::NOT_MODIFIED {
            state.cache.put_unkept(version, key);
        }
        return Ok(res);
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let headers: Vec<(HeaderName, HeaderValue)> = head
        .headers()
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let weak_tag = head
        .headers()
        .get(header::ETAG)
        .filter(|tag| tag.as_bytes().starts_with(b"W/"))
        .cloned();
    state.cache.put(
        version,
        key,
        Kept {
            headers,
            body: body.clone(),
            weak_tag,
            kept_at: std::time::Instant::now(),
        },
    );
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}
