//! `POST /api/v1/uploads` (images for summaries and comments) and `/uploads/{file}`, where they
//! are served.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use shared::moderation::{MAX_UPLOAD_BYTES, Upload};
use utoipa_actix_web::service_config::ServiceConfig;

use super::with_limits;
use crate::auth::Writer;
use crate::domain::uploads;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_upload);
}

/// The non-API route that serves stored images.
pub fn configure_files(cfg: &mut web::ServiceConfig) {
    cfg.service(serve_upload);
}

/// Upload an image (PNG, JPEG, GIF or WebP, at most 5 MiB) as the raw request body. The type
/// is sniffed from the bytes; the name and `Content-Type` are not trusted. The image is
/// decoded and written again without metadata (EXIF, GPS, XMP, comments) before it is stored.
#[utoipa::path(
    tag = "uploads",
    operation_id = "create_upload",
    request_body(
        description = "The image file's bytes. Any `Content-Type` is taken (`image/png`, `image/jpeg`, \
                       …): the type is sniffed from the bytes.",
        content((ImageBody = "application/octet-stream")),
    ),
    responses(
        (status = 201, description = "Stored; embed it with `![alt](url)`", body = Upload),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 413, response = super::PayloadTooLarge),
        (status = 415, response = super::UnsupportedMediaType),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/uploads")]
async fn create_upload(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: ImageBody,
) -> Result<HttpResponse, ApiError> {
    // The quota is counted before the body is read.
    let quota = state.limits.upload_user.check_user(user.id).await?;
    let stored = match body.read().await {
        Ok(bytes) => {
            uploads::upload(
                &state.db,
                &state.config.data_dir,
                &state.config.public_url,
                &user,
                bytes,
            )
            .await
        }
        Err(err) => Err(err),
    };
    Ok(with_limits(
        stored.map(|u| HttpResponse::Created().json(u)),
        &[quota],
    ))
}

/// The raw bytes of a PNG, JPEG, GIF or WebP image, at most 5 MiB.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
// Read by the handler once the caller's quota is counted ([`ImageBody::read`]).
pub struct ImageBody(Unread);

/// The request's body stream and the length it declared.
struct Unread {
    payload: Payload,
    declared: Option<usize>,
}

impl ImageBody {
    /// Reads the body, stopping at the limit (413).
    async fn read(self) -> Result<Vec<u8>, ApiError> {
        let Unread {
            mut payload,
            declared,
        } = self.0;
        if declared.is_some_and(|length| length > MAX_UPLOAD_BYTES) {
            return Err(ApiError::PayloadTooLarge);
        }
        let mut bytes = Vec::with_capacity(declared.unwrap_or(0).min(MAX_UPLOAD_BYTES));
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|err| ApiError::BadRequest(format!("The upload broke off: {err}")))?;
            if bytes.len() + chunk.len() > MAX_UPLOAD_BYTES {
                return Err(ApiError::PayloadTooLarge);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

impl FromRequest for ImageBody {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<ImageBody, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        std::future::ready(Ok(ImageBody(Unread {
            payload: payload.take(),
            declared,
        })))
    }
}

/// A stored image. Its name is its content hash, so it never changes: cached for a year, and
/// never sniffed as anything but its type.
#[get("/uploads/{name}")]
async fn serve_upload(state: web::Data<AppState>, name: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (path, content_type) = uploads::served(&state.config.data_dir, &name).ok_or(ApiError::NotFound)?;
    let file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Err(ApiError::NotFound),
        Err(err) => return Err(ApiError::Internal(err.into())),
    };
    let length = file
        .metadata()
        .await
        .map_err(|err| ApiError::Internal(err.into()))?
        .len();
    let hash = name.split('.').next().unwrap_or_default();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::ETAG, format!("\"{hash}\"")))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'; sandbox"))
        .no_chunking(length)
        // Streamed, not read into memory: files are up to 10 MiB and may be asked for at once.
        .streaming(tokio_util::io::ReaderStream::new(file)))
}
