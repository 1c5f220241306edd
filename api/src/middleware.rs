//! Cross-cutting HTTP behaviour: request ids, request spans and metrics, and conditional GETs
//! (`ETag`, `If-None-Match` → 304, `Cache-Control`).

use std::time::Instant;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use sha2::{Digest, Sha256};
use tracing::Instrument;

use crate::startup::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Bodies above this size are not buffered to compute an ETag.
const MAX_ETAG_BODY: u64 = 4 << 20;

/// Gives every request an id (the client's, if it sent a sane one), a tracing span, a log line
/// and metrics, and echoes the id in `X-Request-Id`.
pub async fn request_context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().clone();
    // `route` and `user_id` are filled in once known: the extractor records who is calling.
    let span = tracing::info_span!(
        "request",
        %request_id,
        %method,
        path = %req.path(),
        route = tracing::field::Empty,
        user_id = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut res = next.call(req).instrument(span.clone()).await?;
    let elapsed = started.elapsed();
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "fallback".to_owned());
    let status = res.status();
    span.record("route", route.as_str());
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            elapsed_ms = elapsed.as_secs_f64() * 1000.0,
            "request served"
        );
    });
    if let Some(state) = state {
        state
            .metrics
            .observe(method.as_str(), &route, status.as_u16(), elapsed);
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}

/// What HTML pages without a policy of their own (the API docs) may load: only our own scripts
/// and styles (Swagger UI styles elements inline), images from here or inline, requests to us.
const DEFAULT_HTML_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";

/// A Content-Security-Policy on every HTML response that has none, and HSTS on every response
/// when the site is served over https (browsers ignore it over http).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.config.is_https());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_HTML_POLICY),
        );
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(res)
}

/// Answers HEAD wherever GET is answered. The route sees a GET; the HTTP layer remembers the
/// request was HEAD and sends the headers (with the GET's length) but no body.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Adds `ETag` and `Cache-Control` to successful GETs and answers a matching `If-None-Match` with 304.
pub async fn conditional_get(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable_method = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let authorized = req.headers().contains_key(header::AUTHORIZATION);
    let res = next.call(req).await?.map_into_boxed_body();
    if !cacheable_method || res.status() != StatusCode::OK || res.headers().contains_key(header::SET_COOKIE) {
        return Ok(res);
    }
    let (req, mut response) = res.into_parts();
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if authorized {
            "private, no-cache"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    // A tag the handler set names a version for `If-Match` (a summary's revision), not the bytes
    // of this representation (which also carry votes and the reader's own vote): it is passed
    // on, but never answers `If-None-Match`.
    if response.headers().contains_key(header::ETAG) {
        return Ok(ServiceResponse::new(req, response));
    }
    let small = matches!(response.body().size(), BodySize::Sized(n) if n <= MAX_ETAG_BODY);
    if !small {
        return Ok(ServiceResponse::new(req, response));
    }
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string()))?;
    let digest = Sha256::digest(&bytes);
    let tag = crate::hashing::hex(&digest[..16]);
    let etag = format!("W/\"{tag}\"");
    let matches = if_none_match
        .as_ref()
        .is_some_and(|wanted| HeaderValue::from_str(&etag).is_ok_and(|etag| etag_matches(wanted, &etag)));
    response = head.set_body(BoxBody::new(bytes));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    if matches {
        let mut not_modified = HttpResponse::NotModified();
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = response.headers().get(&name) {
                not_modified.insert_header((name, value.clone()));
            }
        }
        return Ok(ServiceResponse::new(req, not_modified.finish()));
    }
    Ok(ServiceResponse::new(req, response))
}

/// Whether the request's `If-None-Match` names `etag`: the reader's copy is current (304).
pub fn is_current(req: &actix_web::HttpRequest, etag: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .zip(HeaderValue::from_str(etag).ok())
        .is_some_and(|(wanted, etag)| etag_matches(wanted, &etag))
}

/// Weak comparison (RFC 9110 §13.1.2): `W/` prefixes are ignored; `*` matches anything.
pub fn etag_matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let (Ok(wanted), Ok(etag)) = (if_none_match.to_str(), etag.to_str()) else {
        return false;
    };
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let etag = opaque(etag);
    wanted
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_and_listed_etags_match() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        assert!(etag_matches(&HeaderValue::from_static("\"abc\""), &etag));
        assert!(etag_matches(&HeaderValue::from_static("\"x\", W/\"abc\""), &etag));
        assert!(etag_matches(&HeaderValue::from_static("*"), &etag));
        assert!(!etag_matches(&HeaderValue::from_static("\"abd\""), &etag));
    }
}
