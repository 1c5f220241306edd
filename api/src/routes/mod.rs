//! HTTP routes, one module per resource. Handlers stay thin: extract, call one db/domain
//! function, return a typed response.

pub mod auth;
pub mod comments;
pub mod feeds;
pub mod health;
pub mod legacy;
pub mod me;
pub mod moderation;
pub mod pages;
pub mod papers;
pub mod search;
pub mod sitemap;
pub mod spa;
pub mod summaries;
pub mod uploads;
pub mod users;
pub mod venues;

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use shared::Problem;
use shared::accounts::{ExportFormat, UserSort};
use shared::api::{PaperSort, Period, ResolvedKey, SearchType, SummarySort};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi, ToResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;
use crate::rate_limit::{Allowed, ip_key};
use crate::startup::AppState;

/// Every documented endpoint: `/api/v1` and the operations endpoints.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(utoipa_actix_web::scope("/api/v1").configure(|api| {
        auth::configure(api);
        comments::configure(api);
        me::configure(api);
        moderation::configure(api);
        papers::configure(api);
        search::configure(api);
        summaries::configure(api);
        uploads::configure(api);
        users::configure(api);
        venues::configure(api);
    }));
    health::configure(cfg);
}

/// The rate-limit key of the client's address.
fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    state
        .config
        .trusted_proxies
        .client_address(req)
        .map(ip_key)
        .unwrap_or_default()
}

/// A view is counted from this site's own pages (browsers say where a request comes from:
/// another site's page cannot make its visitors count views), within the client's quota.
async fn view_quota(state: &AppState, req: &HttpRequest) -> Result<Allowed, ApiError> {
    let cross_site = req
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|site| site.as_bytes() == b"cross-site");
    if cross_site {
        return Err(ApiError::Forbidden(
            "Views are counted from ShortScience's own pages only.".to_owned(),
        ));
    }
    state
        .limits
        .view_ip
        .check(&format!("ip:{}", client_ip(state, req)))
        .await
        .map_err(ApiError::RateLimited)
}

/// The response (or error response) with the rate-limit headers of the quotas to report (both
/// headers are lists, so each policy adds a line).
fn with_limits(result: Result<HttpResponse, ApiError>, quota: &[Allowed]) -> HttpResponse {
    let mut response = result.unwrap_or_else(|err| err.error_response());
    for allowed in quota {
        for (name, value) in allowed.headers() {
            response.headers_mut().append(name, value);
        }
    }
    response
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
    // Schemas referenced only from hand-written schemas or query parameters, which utoipa does not
    // collect by itself (tests/tests/service.rs checks that every `$ref` resolves).
    components(schemas(Problem, SummarySort, Period, SearchType, PaperSort, UserSort, ExportFormat, ResolvedKey), responses(
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        Unprocessable,
        TooManyRequests,
        PreconditionFailed,
        Unavailable,
        NotModified,
        PayloadTooLarge,
        UnsupportedMediaType,
        BadGateway,
        GatewayTimeout,
        MovedPermanently
    )),
    tags(
        (name = "auth", description = "Signing up, in and out; sessions and mailed links"),
        (name = "me", description = "The caller's own account"),
        (name = "users", description = "Public profiles and the user directory"),
        (name = "papers", description = "Papers and their metadata"),
        (name = "summaries", description = "Summaries of papers: writing, revisions, votes"),
        (name = "search", description = "Full-text search over papers and summaries"),
        (name = "comments", description = "The discussion under a summary"),
        (name = "moderation", description = "Reports, the moderators' queue and their log"),
        (name = "uploads", description = "Images for summaries and comments"),
        (name = "venues", description = "Conferences and journals"),
        (name = "operations", description = "Health, readiness and metrics"),
    ),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The answers every operation of a kind can give, added in one place rather than by hand on
/// each (applied to the document once the routes' paths are in it): GETs revalidate with 304; operations with a JSON body answer 400 (malformed), 413 (too
/// large), 415 (not JSON) and 422 (wrong shape or unknown field).
pub struct StandardResponses;

impl Modify for StandardResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        fn add(operation: &mut Operation, status: &str, response: &str) {
            operation
                .responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
        }
        for item in openapi.paths.paths.values_mut() {
            if let Some(get) = item.get.as_mut() {
                add(get, "304", "NotModified");
            }
            for operation in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
                .into_iter()
                .flatten()
                .filter(|o| o.request_body.is_some())
            {
                add(operation, "400", "BadRequest");
                add(operation, "413", "PayloadTooLarge");
                add(operation, "415", "UnsupportedMediaType");
                add(operation, "422", "Unprocessable");
            }
        }
    }
}

/// Which methods each documented path answers, read from the OpenAPI document, so that another
/// method on an existing path gets 405 with `Allow` (RFC 9110 §15.5.6) rather than 404, and the
/// answer can never disagree with the spec.
pub struct AllowedMethods(Vec<(ResourceDef, String)>);

impl AllowedMethods {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> AllowedMethods {
        let mut table: Vec<(ResourceDef, String)> = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let mut methods: Vec<&str> = [
                    ("GET", &item.get),
                    ("POST", &item.post),
                    ("PUT", &item.put),
                    ("PATCH", &item.patch),
                    ("DELETE", &item.delete),
                ]
                .into_iter()
                .filter(|(_, operation)| operation.is_some())
                .map(|(method, _)| method)
                .collect();
                if item.get.is_some() {
                    // HEAD is answered wherever GET is (middleware::head_as_get).
                    methods.insert(1, "HEAD");
                }
                (ResourceDef::new(path.as_str()), methods.join(", "))
            })
            .collect();
        // Served outside the documented API, read-only.
        for path in ["/openapi.json", "/paper", "/user", "/venue"] {
            table.push((ResourceDef::new(path), "GET, HEAD".to_owned()));
        }
        AllowedMethods(table)
    }

    /// The `Allow` value of a documented path, if `path` is one.
    pub fn for_path(&self, path: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(pattern, _)| pattern.is_match(path))
            .map(|(_, allow)| allow.as_str())
    }
}

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

/// The representation has not changed since the `ETag` given in `If-None-Match`.
#[derive(ToResponse)]
#[response(
    description = "Not modified: the `If-None-Match` tag is current",
    headers(("ETag" = String, description = "The current tag"))
)]
pub struct NotModified;

/// `If-Match` names an older revision: someone changed it since it was loaded.
#[derive(ToResponse)]
#[response(
    description = "Precondition failed",
    content_type = "application/problem+json"
)]
pub struct PreconditionFailed(pub Problem);

/// The body is larger than the limit (1 MiB for JSON).
#[derive(ToResponse)]
#[response(description = "Payload too large", content_type = "application/problem+json")]
pub struct PayloadTooLarge(pub Problem);

/// The body is not `application/json`.
#[derive(ToResponse)]
#[response(
    description = "Unsupported media type",
    content_type = "application/problem+json"
)]
pub struct UnsupportedMediaType(pub Problem);

/// Merged into another paper: `Location` names it.
#[derive(ToResponse)]
#[response(
    description = "Moved permanently",
    content_type = "application/problem+json",
    headers(("Location" = String, description = "Where it lives now"))
)]
pub struct MovedPermanently(pub Problem);

/// A metadata service (arXiv, Crossref, DBLP) could not be reached or answered something
/// unreadable; `detail` names it.
#[derive(ToResponse)]
#[response(
    description = "Upstream service failed",
    content_type = "application/problem+json"
)]
pub struct BadGateway(pub Problem);

/// A metadata service did not answer in time; `detail` names it.
#[derive(ToResponse)]
#[response(
    description = "Upstream service timed out",
    content_type = "application/problem+json"
)]
pub struct GatewayTimeout(pub Problem);

/// The service cannot answer now (e.g. the database is unreachable).
#[derive(ToResponse)]
#[response(
    description = "Service unavailable",
    content_type = "application/problem+json"
)]
pub struct Unavailable(pub Problem);
