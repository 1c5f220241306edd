//! HTTP routes, one module per resource. Handlers stay thin: extract, call one db/domain
//! function, return a typed response.

pub mod auth;
pub mod health;
pub mod me;
pub mod papers;
pub mod spa;
pub mod summaries;
pub mod users;

use shared::Problem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse};
use utoipa_actix_web::service_config::ServiceConfig;

/// Every documented endpoint: `/api/v1` and the operations endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/api/v1").configure(|api| {
        auth::configure(api);
        me::configure(api);
        papers::configure(api);
        summaries::configure(api);
        users::configure(api);
    }));
    health::configure(cfg);
}

/// The document every generated spec starts from; paths are collected from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ShortScience API",
        description = "Write, vote on and discuss short summaries of research papers, with Markdown and LaTeX. \
                       All errors are RFC 9457 `application/problem+json`; lists use opaque keyset cursors.",
        license(name = "AGPL-3.0-or-later"),
    ),
    components(schemas(Problem), responses(
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Unprocessable,
        TooManyRequests,
        Unavailable
    )),
    tags(
        (name = "auth", description = "Signing up, in and out; sessions and mailed links"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "Public profiles and the user directory"),
        (name = "papers", description = "Papers and their metadata"),
        (name = "summaries", description = "Summaries of papers"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// Declares the bearer scheme that authenticated endpoints use.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or personal API token")
                    .build(),
            ),
        );
    }
}

/// Malformed query string, JSON or cursor.
#[derive(ToResponse)]
#[response(description = "Malformed request", content_type = "application/problem+json")]
pub struct BadRequest(pub Problem);

/// No valid credentials; the `WWW-Authenticate: Bearer` header says so too.
#[derive(ToResponse)]
#[response(
    description = "Unauthorized",
    content_type = "application/problem+json",
    headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"shortscience\"`, with `error=\"invalid_token\"` when a token was sent"))
)]
pub struct Unauthorized(pub Problem);

/// Signed in, but not allowed (banned account, read-only token, someone else's resource).
#[derive(ToResponse)]
#[response(description = "Forbidden", content_type = "application/problem+json")]
pub struct Forbidden(pub Problem);

/// Taken: `errors` names the field; `Location` points at the existing resource where there is one.
#[derive(ToResponse)]
#[response(
    description = "Conflict",
    content_type = "application/problem+json",
    headers(("Location" = String, description = "The existing resource, where there is one"))
)]
pub struct Conflict(pub Problem);

/// Rate limited: `Retry-After`, `RateLimit` and `RateLimit-Policy` say when to try again.
#[derive(ToResponse)]
#[response(
    description = "Too many requests",
    content_type = "application/problem+json",
    headers(
        ("Retry-After" = u64, description = "Seconds until the limit resets"),
        ("RateLimit" = String, description = "Remaining quota and reset, e.g. `\"login-ip\";r=0;t=42` (draft-ietf-httpapi-ratelimit-headers)"),
        ("RateLimit-Policy" = String, description = "The quota and window, e.g. `\"login-ip\";q=30;w=600`"),
    )
)]
pub struct TooManyRequests(pub Problem);

/// The resource does not exist or the caller may not see it.
#[derive(ToResponse)]
#[response(description = "Not found", content_type = "application/problem+json")]
pub struct NotFound(pub Problem);

/// A field failed validation; `errors` names it.
#[derive(ToResponse)]
#[response(description = "Validation failed", content_type = "application/problem+json")]
pub struct Unprocessable(pub Problem);

/// The service cannot answer now (e.g. the database is unreachable).
#[derive(ToResponse)]
#[response(
    description = "Service unavailable",
    content_type = "application/problem+json"
)]
pub struct Unavailable(pub Problem);
