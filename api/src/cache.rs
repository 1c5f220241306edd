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
//! not a 200, and bodies over [`MAX_BODY`]. At most [`MAX_BYTES`] are kept; past that, and
//! whenever the version moves, everything kept is dropped at once.

use std::collections::HashMap;
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
/// The most all kept answers may weigh together.
const MAX_BYTES: usize = 32 << 20;

/// One kept answer: its headers (the ETag among them) and body.
struct Kept {
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
    /// Whether its ETag describes these bytes (answers `If-None-Match`), rather than a version
    /// for `If-Match` that the handler set.
    weak_tag: Option<HeaderValue>,
}

#[derive(Default)]
struct Entries {
    version: i64,
    bytes: usize,
    answers: HashMap<String, Arc<Kept>>,
}

/// The kept answers of this instance.
#[derive(Default)]
pub struct ResponseCache {
    entries: Mutex<Entries>,
}

impl ResponseCache {
    fn get(&self, version: i64, key: &str) -> Option<Arc<Kept>> {
        let entries = self.entries.lock().ok()?;
        (entries.version == version)
            .then(|| entries.answers.get(key).cloned())
            .flatten()
    }

    fn put(&self, version: i64, key: String, kept: Kept) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if version < entries.version {
            return;
        }
        if version > entries.version || entries.bytes + kept.body.len() > MAX_BYTES {
            *entries = Entries {
                version,
                ..Entries::default()
            };
        }
        entries.bytes += kept.body.len();
        if let Some(old) = entries.answers.insert(key, Arc::new(kept)) {
            entries.bytes -= old.body.len();
        }
    }
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
    if let Some(kept) = state.cache.get(version, &key) {
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
        return Ok(req.into_response(response));
    }
    let res = next.call(req).await?.map_into_boxed_body();
    let keep = res.status() == StatusCode::OK
        && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key("ratelimit")
        && matches!(res.response().body().size(), BodySize::Sized(n) if n as usize <= MAX_BODY);
    if !keep {
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
        },
    );
    Ok(ServiceResponse::new(req, head.set_body(BoxBody::new(body))))
}
