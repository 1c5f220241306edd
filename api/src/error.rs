//! The one API error type: every failure a handler can return, rendered as RFC 9457 problem+json.
//! Causes are logged; clients never see internal error text.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use shared::Problem;

use crate::upstream::UpstreamError;
use shared::problem::{FieldErrors, PROBLEM_CONTENT_TYPE};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("validation failed")]
    Validation(FieldErrors),
    /// No credentials, or credentials that are not (or no longer) valid.
    #[error("unauthorized")]
    Unauthorized { token_presented: bool },
    /// A login with an unknown account or a wrong password: one answer for both.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("rate limited")]
    RateLimited(crate::rate_limit::Limited),
    /// Taken: `errors` names the field when a form field caused it.
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        errors: Option<FieldErrors>,
        location: Option<String>,
    },
    /// The path exists but not with this method; `allow` lists the methods it answers.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// The resource lives elsewhere now (a merged paper): 301 to `Location`.
    #[error("moved to {0}")]
    Moved(String),
    /// `If-Match` names another version than the current one.
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// An upload that is not an image we take; the detail says why.
    #[error("not an image: {0}")]
    NotAnImage(String),
    /// Over a size or storage limit other than the body limit; the detail says which.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// A metadata service (arXiv, Crossref, DBLP) failed, timed out or does not know the id.
    #[error("upstream: {0}")]
    Upstream(#[from] crate::upstream::UpstreamError),
    #[error("database error")]
    Database(#[from] sea_orm::DbErr),
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    /// A 422 for one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(FieldErrors::from([(field.to_owned(), vec![message.into()])]))
    }

    fn problem(&self) -> Problem {
        let status = self.status_code();
        let (slug, title, detail, errors) = match self {
            ApiError::NotFound => ("not-found", "Not found", None, None),
            ApiError::BadRequest(detail) => ("bad-request", "Bad request", Some(detail.clone()), None),
            ApiError::Unauthorized { .. } => (
                "unauthorized",
                "Unauthorized",
                Some("Sign in, or send a valid `Authorization: Bearer` token.".to_owned()),
                None,
            ),
            ApiError::InvalidCredentials => (
                "invalid-credentials",
                "Invalid credentials",
                Some("The login or the password is wrong.".to_owned()),
                None,
            ),
            ApiError::Forbidden(detail) => ("forbidden", "Forbidden", Some(detail.clone()), None),
            ApiError::RateLimited(limited) => (
                "rate-limited",
                "Too many requests",
                Some(format!(
                    "Too many attempts; try again in {} seconds.",
                    limited.retry_after.as_secs().max(1)
                )),
                None,
            ),
            ApiError::Conflict { detail, errors, .. } => {
                ("conflict", "Conflict", Some(detail.clone()), errors.clone())
            }
            ApiError::Validation(errors) => (
                "validation",
                "Validation failed",
                Some("One or more fields are invalid.".to_owned()),
                Some(errors.clone()),
            ),
            ApiError::MethodNotAllowed { allow } => (
                "method-not-allowed",
                "Method not allowed",
                Some(format!("This path answers {allow}.")),
                None,
            ),
            ApiError::Moved(location) => (
                "moved",
                "Moved permanently",
                Some(format!("This now lives at {location}.")),
                None,
            ),
            ApiError::PreconditionFailed => (
                "precondition-failed",
                "Precondition failed",
                Some("It changed since you loaded it: reload, then apply your change again.".to_owned()),
                None,
            ),
            ApiError::PayloadTooLarge => (
                "payload-too-large",
                "Payload too large",
                Some("The request body exceeds the size limit.".to_owned()),
                None,
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported-media-type",
                "Unsupported media type",
                Some("Send JSON with `Content-Type: application/json`.".to_owned()),
                None,
            ),
            ApiError::NotAnImage(detail) => (
                "unsupported-media-type",
                "Unsupported media type",
                Some(detail.clone()),
                None,
            ),
            ApiError::TooLarge(detail) => (
                "payload-too-large",
                "Payload too large",
                Some(detail.clone()),
                None,
            ),
            ApiError::Unavailable(detail) => {
                ("unavailable", "Service unavailable", Some(detail.clone()), None)
            }
            ApiError::Upstream(err) => {
                let (slug, title) = match err {
                    UpstreamError::NotFound(_) => ("not-found", "Not found"),
                    UpstreamError::Failed { .. } => ("upstream-failed", "Upstream service failed"),
                    UpstreamError::Timeout(_) => ("upstream-timeout", "Upstream service timed out"),
                };
                (slug, title, Some(err.public_detail()), None)
            }
            ApiError::Database(_) | ApiError::Internal(_) => (
                "internal",
                "Internal server error",
                Some("Something went wrong on our side; it has been logged.".to_owned()),
                None,
            ),
        };
        Problem {
            kind: problem_type(slug),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

/// The `type` URI of a kind of problem.
pub fn problem_type(slug: &str) -> String {
    format!("/problems/{slug}")
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Moved(_) => StatusCode::MOVED_PERMANENTLY,
            ApiError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType | ApiError::NotAnImage(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Upstream(UpstreamError::NotFound(_)) => StatusCode::NOT_FOUND,
            ApiError::Upstream(UpstreamError::Failed { .. }) => StatusCode::BAD_GATEWAY,
            ApiError::Upstream(UpstreamError::Timeout(_)) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Database(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            // 502/504 name the service; the cause (the upstream's answer) goes to the log only.
            // The alternate form prints the whole cause chain.
            tracing::error!(error = %format!("{:#}", CauseChain(self)), "request failed");
        }
        let mut response = problem_response(&self.problem());
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthorized { token_presented } => {
                let challenge = if *token_presented {
                    "Bearer realm=\"shortscience\", error=\"invalid_token\""
                } else {
                    "Bearer realm=\"shortscience\""
                };
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            }
            ApiError::InvalidCredentials => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"shortscience\""),
                );
            }
            ApiError::RateLimited(limited) => {
                for (name, value) in limited.headers() {
                    headers.insert(name, value);
                }
            }
            ApiError::Moved(location) => {
                if let Ok(value) = HeaderValue::from_str(location) {
                    headers.insert(header::LOCATION, value);
                }
            }
            ApiError::MethodNotAllowed { allow } => {
                if let Ok(value) = HeaderValue::from_str(allow) {
                    headers.insert(header::ALLOW, value);
                }
            }
            ApiError::Conflict {
                location: Some(location),
                ..
            } => {
                if let Ok(value) = HeaderValue::from_str(location) {
                    headers.insert(header::LOCATION, value);
                }
            }
            _ => {}
        }
        response
    }
}

/// Displays an error with its sources, for logs.
struct CauseChain<'a>(&'a ApiError);

impl std::fmt::Display for CauseChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = std::error::Error::source(self.0);
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(PROBLEM_CONTENT_TYPE)
        .json(problem)
}

/// Turns error responses that are not problem+json yet (actix's own 404/405, extractor
/// errors rendered by other middleware) into problem+json, so that clients see one error format.
pub fn normalize_error_response<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_CONTENT_TYPE.as_bytes()));
    // Non-API pages (the SPA, static assets) keep whatever body they chose.
    let is_api = is_machine_path(res.request().path());
    if is_problem || !is_api {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let problem = Problem {
        kind: problem_type(match status {
            StatusCode::NOT_FOUND => "not-found",
            StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
            _ => "http",
        }),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: None,
        errors: None,
    };
    let (req, old) = res.into_parts();
    let mut new = problem_response(&problem);
    // Keep headers such as `Allow` or `WWW-Authenticate` that the original response set.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    new.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
    );
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new.map_into_boxed_body()).map_into_right_body(),
    ))
}

/// Paths served to programs rather than to the SPA: errors there are always problem+json.
pub fn is_machine_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// Maps JSON body errors: syntax → 400, wrong shape or unknown field → 422, size → 413, type → 415.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::PayloadTooLarge,
        E::ContentType => ApiError::UnsupportedMediaType,
        E::Deserialize(e) if e.is_data() => ApiError::invalid("body", e.to_string()),
        E::Deserialize(e) => ApiError::BadRequest(format!("Malformed JSON: {e}")),
        other => ApiError::BadRequest(other.to_string()),
    };
    api.into()
}

/// Maps query-string errors to 400 with the parser's explanation.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest(format!("Invalid query string: {err}")).into()
}

/// Maps path-segment errors (e.g. a non-numeric id) to 404: such a resource cannot exist.
pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound.into()
}
