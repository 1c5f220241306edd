//! A cache of the serialised public responses that anonymous readers ask for (the front page's
//! lists, papers, profiles), so that a popular page costs a map lookup rather than queries,
//! rendering and JSON escaping.
//!
//! - **What is kept**: `200` answers to anonymous `GET`s of `/api/v1/…` (no `Authorization`), of at
//!   most [`MAX_ENTRY`] bytes, that set no cookie, carry no rate-limit fields (those are per
//!   client) and do not say `private` or `no-store`. The key is the path with its query and the
//!   `Accept` header. Readers with a token always get a fresh answer (it holds their own votes).
//! - **When it is dropped**: every write that may change what an anonymous reader sees (any
//!   `POST`, `PUT`, `PATCH` or `DELETE` that succeeds, apart from view beacons and previews) and
//!   every popularity recount start a new generation, and entries of older generations are never
//!   served. On PostgreSQL the new generation is announced with `NOTIFY`, and every instance
//!   listening starts one too: several instances agree within the notification's delivery
//!   (milliseconds). Answers to time windows (`period=day`) move as time passes without a write,
//!   so no entry is served after [`TTL`] either; this also bounds how long an instance that lost
//!   its listening connection could lag (it starts a new generation when it reconnects).
//! - **Memory**: at most [`MAX_BYTES`] of bodies; when full, the cache starts again empty.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, HttpResponse, web};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::middleware::etag_matches;
use crate::startup::AppState;

/// Bodies above this size are served fresh every time.
const MAX_ENTRY: usize = 1 << 20;
/// Bodies kept at most, in bytes.
const MAX_BYTES: usize = 64 << 20;
/// No entry is served once it is this old.
pub const TTL: Duration = Duration::from_secs(10);
/// The PostgreSQL channel on which instances announce a new generation.
const CHANNEL: &str = "shortscience_content";

/// One kept answer.
struct Entry {
    headers: HeaderMap,
    body: Bytes,
    stored: Instant,
}

#[derive(Default)]
struct Entries {
    generation: u64,
    by_key: HashMap<String, Arc<Entry>>,
    bytes: usize,
}

/// The cache of one instance. Clones share it.
#[derive(Clone, Default)]
pub struct ResponseCache {
    generation: Arc<AtomicU64>,
    entries: Arc<RwLock<Entries>>,
}

impl ResponseCache {
    /// Starts a new generation in this instance only.
    fn advance(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Starts a new generation here and, on PostgreSQL, in every instance listening
    /// ([`ResponseCache::listen`]). A failed announcement is logged: the others then serve their
    /// entries until [`TTL`] ends them.
    pub async fn invalidate(&self, db: &DatabaseConnection) {
        self.advance();
        if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres
            && let Err(err) = db
                .execute_unprepared(&format!("SELECT pg_notify('{CHANNEL}', '')"))
                .await
        {
            tracing::warn!(error = %err, "response cache: announcing a write to the other instances failed");
        }
    }

    /// On PostgreSQL, follows the other instances' announcements for as long as the process runs.
    /// Whenever the listening connection is lost, a new generation starts (announcements may
    /// have been missed) and it connects again.
    pub fn listen(&self, database_url: &str) -> Option<tokio::task::JoinHandle<()>> {
        use sea_orm::sqlx::postgres::PgListener;
        if !database_url.starts_with("postgres") {
            return None;
        }
        let cache = self.clone();
        let url = database_url.to_owned();
        Some(tokio::spawn(async move {
            loop {
                match PgListener::connect(&url).await {
                    Ok(mut listener) => match listener.listen(CHANNEL).await {
                        Ok(()) => {
                            // Writes before the listening began were not heard.
                            cache.advance();
                            while let Ok(Some(_)) = listener.try_recv().await {
                                cache.advance();
                            }
                        }
                        Err(err) => tracing::warn!(error = %err, "response cache: LISTEN failed"),
                    },
                    Err(err) => tracing::warn!(error = %err, "response cache: connecting to listen failed"),
                }
                cache.advance();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }))
    }

    fn get(&self, key: &str, generation: u64) -> Option<Arc<Entry>> {
        let entries = self.entries.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.by_key.get(key)?;
        (entries.generation == generation && entry.stored.elapsed() < TTL).then(|| entry.clone())
    }

    /// Keeps an answer computed while `generation` was current; one computed before a write
    /// that has happened since is dropped.
    fn put(&self, key: String, generation: u64, entry: Entry) {
        let mut entries = self.entries.write().unwrap_or_else(PoisonError::into_inner);
        if generation != self.generation.load(Ordering::Acquire) || generation < entries.generation {
            return;
        }
        if entries.generation != generation || entries.bytes + entry.body.len() > MAX_BYTES {
            *entries = Entries {
                generation,
                ..Entries::default()
            };
        }
        entries.bytes += entry.body.len();
        if let Some(old) = entries.by_key.insert(key, Arc::new(entry)) {
            entries.bytes -= old.body.len();
        }
    }
}

/// Serves anonymous reads from the cache and drops it after writes; see the module's notes.
pub async fn response_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let cache = &state.cache;
    if is_cacheable_request(&req) {
        let key = format!(
            "{}\n{}",
            req.uri(),
            req.headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        );
        let generation = cache.generation.load(Ordering::Acquire);
        if let Some(entry) = cache.get(&key, generation) {
            let response = answer(&entry, req.headers().get(header::IF_NONE_MATCH));
            return Ok(req.into_response(response));
        }
        let res = next.call(req).await?.map_into_boxed_body();
        return keep(res, cache, key, generation).await;
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !changes_nothing_public(req.path());
    let res = next.call(req).await?.map_into_boxed_body();
    if writes && !res.status().is_client_error() && !res.status().is_server_error() {
        cache.invalidate(&state.db).await;
    }
    Ok(res)
}

fn is_cacheable_request(req: &ServiceRequest) -> bool {
    *req.method() == Method::GET
        && req.path().starts_with("/api/v1/")
        && !req.headers().contains_key(header::AUTHORIZATION)
}

/// Writes that change nothing an anonymous reader is shown: a counted view shows only after the
/// next popularity recount (which starts a generation itself), and a preview is stored nowhere.
fn changes_nothing_public(path: &str) -> bool {
    path.ends_with("/views") || path == "/api/v1/render"
}

/// The kept answer, or 304 when the client holds it already.
fn answer(entry: &Entry, if_none_match: Option<&HeaderValue>) -> HttpResponse {
    let etag = entry.headers.get(header::ETAG);
    if let (Some(wanted), Some(etag)) = (if_none_match, etag)
        && etag_matches(wanted, etag)
    {
        let mut not_modified = HttpResponse::NotModified();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = entry.headers.get(&name) {
                not_modified.insert_header((name, value.clone()));
            }
        }
        return not_modified.finish();
    }
    let mut response = HttpResponse::Ok();
    for (name, value) in &entry.headers {
        response.append_header((name.clone(), value.clone()));
    }
    response.body(entry.body.clone())
}

/// Keeps a fresh answer when it may be shared, and passes it on.
async fn keep(
    res: ServiceResponse<BoxBody>,
    cache: &ResponseCache,
    key: String,
    generation: u64,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let small = matches!(res.response().body().size(), BodySize::Sized(n) if n <= MAX_ENTRY as u64);
    if res.status() != StatusCode::OK || !small || !is_shareable(res.headers()) {
        return Ok(res);
    }
    let (req, response) = res.into_parts();
    let (head, body) = response.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    cache.put(
        key,
        generation,
        Entry {
            headers: head.headers().clone(),
            body: body.clone(),
            stored: Instant::now(),
        },
    );
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}

/// Whether an answer is the same for every anonymous reader.
fn is_shareable(headers: &HeaderMap) -> bool {
    const PER_CLIENT: [HeaderName; 3] = [
        header::SET_COOKIE,
        HeaderName::from_static("ratelimit"),
        HeaderName::from_static("ratelimit-policy"),
    ];
    if PER_CLIENT.iter().any(|name| headers.contains_key(name)) {
        return false;
    }
    !headers
        .get_all(header::CACHE_CONTROL)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("private") || v.contains("no-store"))
}
