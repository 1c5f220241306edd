//! `/api/v1/summaries`: reading, writing and voting on summaries, their revisions, and the
//! renderer behind the editor's preview.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use shared::api::{
    GetSummaryQuery, NewSummaryRequest, Page, RenderRequest, RenderResponse, Revision, RevisionDiff,
    RevisionInfo, Summary, SummaryChange, SummaryFeedQuery, ViewStats, VoteRequest, VoteResponse,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::{client_ip, with_limits};
use crate::auth::{AuthUser, MaybeAuthUser, Writer};
use crate::db::views::Viewed;
use crate::domain::authoring;
use crate::domain::summaries;
use crate::domain::views;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_summaries)
        .service(create_summary)
        .service(view_summary)
        .service(get_summary_views)
        .service(get_summary)
        .service(get_summary_bibtex)
        .service(export_summaries)
        .service(update_summary)
        .service(delete_summary)
        .service(list_summary_revisions)
        .service(get_summary_revision)
        .service(get_summary_revision_diff)
        .service(vote_summary)
        .service(render_markdown);
}

/// List public summaries: newest, best (of a period) or most popular first, of a field, tag,
/// paper or author.
#[utoipa::path(
    tag = "summaries",
    operation_id = "list_summaries",
    params(SummaryFeedQuery),
    responses(
        (status = 200, description = "A page of summaries", body = Page<Summary>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries")]
async fn list_summaries(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    query: web::Query<SummaryFeedQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let page = summaries::feed(&state.db, state.scope(&reader), &state.config.public_url, &query).await?;
    Ok(web::Json(page))
}

/// Count a reader's view of a summary (the web app calls it when the page is shown). A reader
/// counts once an hour; no address is stored.
#[utoipa::path(
    tag = "summaries",
    operation_id = "view_summary",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    responses(
        (status = 204, description = "Counted (or already counted this hour)"),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[post("/summaries/{id}/views")]
async fn view_summary(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let quota = super::view_quota(&state, &req).await?;
    views::record(
        &state.db,
        state.scope(&reader),
        Viewed::Summary,
        id.into_inner(),
        query.share.as_deref(),
        &client_ip(&state, &req),
    )
    .await?;
    Ok(super::with_limits(
        Ok(HttpResponse::NoContent().finish()),
        &[quota],
    ))
}

/// A summary's readers per day over the last 30 days: its author and moderators only.
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary_views",
    params(("id" = String, Path, description = "Summary id")),
    responses(
        (status = 200, description = "Views per day", body = ViewStats),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/summaries/{id}/views")]
async fn get_summary_views(
    state: web::Data<AppState>,
    reader: AuthUser,
    id: web::Path<i64>,
) -> Result<web::Json<ViewStats>, ApiError> {
    Ok(web::Json(
        views::stats(&state.db, &reader, id.into_inner()).await?,
    ))
}

/// One summary. Unlisted summaries need their share token; private ones are not found.
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    responses(
        (status = 200, description = "The summary", body = Summary, headers(
            ("ETag" = String, description = "The current revision's strong tag, for `If-Match`"),
        )),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}")]
async fn get_summary(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let summary = summaries::get(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        id.into_inner(),
        query.share.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, authoring::etag(&summary.id, summary.revision)))
        .json(summary))
}

/// The summary as a citable BibTeX entry (`@misc`: author, the paper, URL, revision date, licence).
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary_bibtex",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    responses(
        (status = 200, description = "A BibTeX entry", body = String, content_type = "text/x-bibtex"),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}/bibtex")]
async fn get_summary_bibtex(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
) -> Result<HttpResponse, ApiError> {
    let entry = summaries::bibtex(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        id.into_inner(),
        query.share.as_deref(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/x-bibtex; charset=utf-8")
        .body(entry))
}

/// Every public summary with its paper, newest first: one `Summary` JSON document per line
/// (NDJSON), streamed, for scripts and mirrors. Sent as `application/x-ndjson`, or as
/// `text/plain` to a client that accepts only that (generators that know no NDJSON).
#[utoipa::path(
    tag = "summaries",
    operation_id = "export_summaries",
    responses(
        (status = 200, description = "One `Summary` JSON document per line", content(
            (String = "application/x-ndjson"),
            (String = "text/plain"),
        )),
    )
)]
#[get("/export/summaries.ndjson")]
async fn export_summaries(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let content_type = if accept.contains("text/plain") && !accept.contains("application/x-ndjson") {
        "text/plain; charset=utf-8"
    } else {
        "application/x-ndjson"
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .streaming(summaries::export_public(
            state.db.clone(),
            state.config.public_url.clone(),
        ))
}

/// Publish a summary of a paper. One live summary per author and paper: a second is 409 with
/// the first one's `Location`.
#[utoipa::path(
    tag = "summaries",
    operation_id = "create_summary",
    request_body = NewSummaryRequest,
    responses(
        (status = 201, description = "Published", body = Summary, headers(
            ("Location" = String, description = "The summary's URL"),
            ("ETag" = String, description = "The revision's strong tag, for `If-Match`"),
        )),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 409, response = super::Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/summaries")]
async fn create_summary(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<NewSummaryRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.summary_write_user.check_user(user.id).await?;
    let written = authoring::create(&state.db, &state.config.public_url, &user, &body).await;
    let response = written.map(|written| {
        HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/summaries/{}", written.summary.id)))
            .insert_header((header::ETAG, written.etag))
            .json(written.summary)
    });
    Ok(with_limits(response, &[quota]))
}

/// Edit a summary (its author, or a moderator): every change is a new revision. Send the
/// `ETag` you edited as `If-Match`; an edit of an older revision is refused with 412.
#[utoipa::path(
    tag = "summaries",
    operation_id = "update_summary",
    params(
        ("id" = String, Path, description = "Summary id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the revision edited"),
    ),
    request_body = SummaryChange,
    responses(
        (status = 200, description = "The summary", body = Summary, headers(
            ("ETag" = String, description = "The new revision's strong tag"),
        )),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 404, response = super::NotFound),
        (status = 412, response = super::PreconditionFailed),
    ),
    security(("bearer" = []))
)]
#[patch("/summaries/{id}")]
async fn update_summary(
    state: web::Data<AppState>,
    req: HttpRequest,
    Writer(user): Writer,
    id: web::Path<i64>,
    body: web::Json<SummaryChange>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.summary_write_user.check_user(user.id).await?;
    let written = authoring::update(
        &state.db,
        &state.config.public_url,
        &user,
        id.into_inner(),
        &body,
        if_match(&req)?,
    )
    .await;
    let response = written.map(|written| {
        HttpResponse::Ok()
            .insert_header((header::ETAG, written.etag))
            .json(written.summary)
    });
    Ok(with_limits(response, &[quota]))
}

/// Delete a summary (its author, or a moderator). It no longer blocks writing a new one.
#[utoipa::path(
    tag = "summaries",
    operation_id = "delete_summary",
    params(
        ("id" = String, Path, description = "Summary id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` of the revision deleted"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 404, response = super::NotFound),
        (status = 412, response = super::PreconditionFailed),
    ),
    security(("bearer" = []))
)]
#[delete("/summaries/{id}")]
async fn delete_summary(
    state: web::Data<AppState>,
    req: HttpRequest,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.summary_write_user.check_user(user.id).await?;
    let deleted = authoring::delete(&state.db, &user, id.into_inner(), if_match(&req)?).await;
    let response = deleted.map(|()| HttpResponse::NoContent().finish());
    Ok(with_limits(response, &[quota]))
}

/// A summary's revisions, oldest first.
#[utoipa::path(
    tag = "summaries",
    operation_id = "list_summary_revisions",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    responses(
        (status = 200, description = "Its revisions", body = Vec<RevisionInfo>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}/revisions")]
async fn list_summary_revisions(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
) -> Result<web::Json<Vec<RevisionInfo>>, ApiError> {
    let revisions = authoring::revisions(
        &state.db,
        state.scope(&reader),
        id.into_inner(),
        query.share.as_deref(),
    )
    .await?;
    Ok(web::Json(revisions))
}

/// One revision's markdown.
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary_revision",
    params(
        ("id" = String, Path, description = "Summary id"),
        ("n" = i32, Path, description = "Revision number (1 is the first)"),
        GetSummaryQuery,
    ),
    responses(
        (status = 200, description = "The revision", body = Revision),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}/revisions/{n}")]
async fn get_summary_revision(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    path: web::Path<(i64, i32)>,
    query: web::Query<GetSummaryQuery>,
) -> Result<web::Json<Revision>, ApiError> {
    let (id, n) = path.into_inner();
    let revision =
        authoring::revision(&state.db, state.scope(&reader), id, n, query.share.as_deref()).await?;
    Ok(web::Json(revision))
}

/// What a revision changed in the text of the one before it, line by line.
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary_revision_diff",
    params(
        ("id" = String, Path, description = "Summary id"),
        ("n" = i32, Path, description = "Revision number (1 is the first)"),
        GetSummaryQuery,
    ),
    responses(
        (status = 200, description = "The changed lines", body = RevisionDiff),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}/revisions/{n}/diff")]
async fn get_summary_revision_diff(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    path: web::Path<(i64, i32)>,
    query: web::Query<GetSummaryQuery>,
) -> Result<web::Json<RevisionDiff>, ApiError> {
    let (id, n) = path.into_inner();
    let diff =
        authoring::revision_diff(&state.db, state.scope(&reader), id, n, query.share.as_deref()).await?;
    Ok(web::Json(diff))
}

/// Vote on a summary: 1, -1, or 0 to take the vote back. Idempotent; authors cannot vote on
/// their own (403).
#[utoipa::path(
    tag = "summaries",
    operation_id = "vote_summary",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    request_body = VoteRequest,
    responses(
        (status = 200, description = "The tallies after the vote", body = VoteResponse),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[put("/summaries/{id}/vote")]
async fn vote_summary(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
    body: web::Json<VoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.vote_user.check_user(user.id).await?;
    let share = query.share.as_deref();
    let voted = authoring::vote(&state.db, &user, id.into_inner(), body.value, share).await;
    let response = voted.map(|tallies| HttpResponse::Ok().json(tallies));
    Ok(with_limits(response, &[quota]))
}

/// Render markdown exactly as a summary with it would be published (the editor's preview).
#[utoipa::path(
    tag = "summaries",
    operation_id = "render_markdown",
    request_body = RenderRequest,
    responses(
        (status = 200, description = "The sanitised HTML, math as MathML", body = RenderResponse),
        (status = 429, response = super::TooManyRequests),
    )
)]
#[post("/render")]
async fn render_markdown(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RenderRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state
        .limits
        .render_ip
        .check(&format!("ip:{}", client_ip(&state, &req)))
        .await
        .map_err(ApiError::RateLimited)?;
    let rendered = authoring::render(&body.markdown).map(|html| HttpResponse::Ok().json(html));
    Ok(with_limits(rendered, &[quota]))
}

/// The `If-Match` header, if sent.
fn if_match(req: &HttpRequest) -> Result<Option<&str>, ApiError> {
    req.headers()
        .get(header::IF_MATCH)
        .map(|value| {
            value
                .to_str()
                .map_err(|_| ApiError::BadRequest("If-Match must be ASCII".to_owned()))
        })
        .transpose()
}
