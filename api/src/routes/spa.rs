//! The single-page app: static files built from `frontend/` (embedded in release builds, read
//! from disk in debug builds), and `index.html` for every other page path so deep links work.

use actix_web::http::Method;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, HeaderValue};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
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
    let precompressed = name.ends_with(".br") || name.ends_with(".gz");
    if !name.is_empty()
        && !precompressed
        && let Some(file) = Assets::get(name)
    {
        return Ok(asset_response(&req, name, file));
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

/// A file of the build: named by its content (`style.0123456789abcdef.css`, from
/// `cargo xtask frontend`) it never changes and is cached for a year; any other name is
/// revalidated. A brotli or gzip variant made at build time is sent to clients that accept it.
fn asset_response(req: &HttpRequest, name: &str, file: rust_embed::EmbeddedFile) -> HttpResponse {
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    let variants = [
        (Encoding::brotli(), ContentEncoding::Brotli, "br"),
        (Encoding::gzip(), ContentEncoding::Gzip, "gz"),
    ];
    let kept: Vec<_> = variants
        .into_iter()
        .filter_map(|(encoding, coding, suffix)| {
            Assets::get(&format!("{name}.{suffix}")).map(|file| (encoding, coding, suffix, file))
        })
        .collect();
    let wanted = req.get_header::<AcceptEncoding>().and_then(|accepted| {
        let offered: Vec<Encoding> = kept
            .iter()
            .map(|(encoding, ..)| encoding.clone())
            .chain([Encoding::identity()])
            .collect();
        accepted.negotiate(offered.iter())
    });
    let (file, coding, suffix) = match kept
        .into_iter()
        .find(|(encoding, ..)| Some(encoding) == wanted.as_ref())
    {
        Some((_, coding, suffix, variant)) => (variant, coding, suffix),
        None => (file, ContentEncoding::Identity, ""),
    };
    let etag = format!(
        "\"{}{suffix}\"",
        crate::hashing::hex(&file.metadata.sha256_hash()[..16])
    );
    let policy = if is_fingerprinted(name) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let unchanged = crate::middleware::is_current(req, &etag);
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(policy)))
        .insert_header((header::VARY, HeaderValue::from_static("Accept-Encoding")));
    if unchanged {
        return response.finish();
    }
    // A set encoding tells the compressing middleware to leave the body as it is: a file sent
    // as it is (a font, or to a client that takes neither variant) is not compressed per
    // request under the ETag of its own bytes.
    response.insert_header(coding);
    response.content_type(mime.as_ref()).body(file.data.into_owned())
}

/// Whether a file's name holds the hash of its content: `stem.<16 hex digits>.extension`.
fn is_fingerprinted(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}
