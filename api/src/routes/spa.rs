//! The single-page app: static files built from `frontend/` (embedded in release builds, read
//! from disk in debug builds), and `index.html` for every other page path so deep links work.

use actix_web::http::Method;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

use super::{AllowedMethods, pages};
use crate::error::{ApiError, is_machine_path};
use crate::startup::AppState;

#[derive(RustEmbed)]
#[folder = "../frontend/dist"]
#[allow_missing = true]
struct Assets;

/// What the app's pages may load: only our own scripts (no inline or injected ones), our API,
/// images from the web (summaries embed them), and players from the two privacy-enhanced video
/// hosts the renderer embeds.
const SPA_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' https: http: data:; connect-src 'self'; \
     frame-src https://www.youtube-nocookie.com https://player.vimeo.com; \
     object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Serves an asset or the SPA shell; a documented path asked with another method gets 405 with
/// `Allow`, an unknown API path 404.
pub async fn fallback(
    req: HttpRequest,
    state: web::Data<AppState>,
    allowed: web::Data<AllowedMethods>,
) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if let Some(allow) = allowed.for_path(path) {
        return Err(ApiError::MethodNotAllowed {
            allow: allow.to_owned(),
        });
    }
    if is_machine_path(path) {
        return Err(ApiError::NotFound);
    }
    if !(req.method() == Method::GET || req.method() == Method::HEAD) {
        // Pages and assets are read-only.
        return Err(ApiError::MethodNotAllowed {
            allow: "GET, HEAD".to_owned(),
        });
    }
    let name = path.trim_start_matches('/');
    if !name.is_empty()
        && let Some(file) = Assets::get(name)
    {
        return Ok(asset_response(name, file));
    }
    // A path that names a file (has an extension) and is missing is a real 404, not a page.
    let last_segment = name.rsplit('/').next().unwrap_or_default();
    if last_segment.contains('.') {
        return Err(ApiError::NotFound);
    }
    let Some(file) = Assets::get("index.html") else {
        return Err(ApiError::Unavailable(
            "The web app has not been built; run `cargo xtask frontend`.".to_owned(),
        ));
    };
    // The shell with the page's head; a page that does not exist still gets the app (which
    // shows its own "not found"), with the status crawlers need.
    let meta = pages::meta_for(&state, &req).await?;
    let shell = String::from_utf8_lossy(&file.data);
    let html = match (shell.split_once(pages::META_START), &meta) {
        (Some((before, rest)), Some(meta)) => match rest.split_once(pages::META_END) {
            Some((_, after)) => format!("{before}{}{after}", meta.to_html()),
            None => shell.into_owned(),
        },
        _ => shell.into_owned(),
    };
    let mut response = if meta.is_some() {
        HttpResponse::Ok()
    } else {
        HttpResponse::NotFound()
    };
    Ok(response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SPA_POLICY),
        ))
        .body(html))
}

fn asset_response(name: &str, file: rust_embed::EmbeddedFile) -> HttpResponse {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let etag = format!("\"{}\"", crate::hashing::hex(&file.metadata.sha256_hash()[..16]));
    let mut response = HttpResponse::Ok();
    response
        .content_type(mime.as_ref())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    response.body(file.data.into_owned())
}
