//! Reports (`/summaries/{id}/reports`, `/comments/{id}/reports`) and the moderators' queue and
//! log (`/moderation/*`).

use actix_web::{HttpResponse, get, post, web};
use shared::api::{GetSummaryQuery, Page};
use shared::moderation::{
    FiledReport, ModerationLogEntry, ModerationLogQuery, Report, ReportListQuery, ReportRequest,
    ResolveReportRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

use super::with_limits;
use crate::auth::{Moderator, ModeratorWriter, Writer};
use crate::domain::moderation;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(report_summary)
        .service(report_comment)
        .service(list_reports)
        .service(resolve_report)
        .service(list_moderation_log);
}

/// Report a summary to the moderators, once.
#[utoipa::path(
    tag = "moderation",
    operation_id = "report_summary",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Filed", body = FiledReport),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/summaries/{id}/reports")]
async fn report_summary(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
    body: web::Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.report_user.check_user(user.id).await?;
    let filed =
        moderation::report_summary(&state.db, &user, id.into_inner(), query.share.as_deref(), &body).await;
    Ok(with_limits(
        filed.map(|r| HttpResponse::Created().json(r)),
        &[quota],
    ))
}

/// Report a comment to the moderators, once.
#[utoipa::path(
    tag = "moderation",
    operation_id = "report_comment",
    params(("id" = String, Path, description = "Comment id"), GetSummaryQuery),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "Filed", body = FiledReport),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/comments/{id}/reports")]
async fn report_comment(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
    body: web::Json<ReportRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.report_user.check_user(user.id).await?;
    let filed =
        moderation::report_comment(&state.db, &user, id.into_inner(), query.share.as_deref(), &body).await;
    Ok(with_limits(
        filed.map(|r| HttpResponse::Created().json(r)),
        &[quota],
    ))
}

/// The moderation queue: open reports oldest first (or resolved ones, newest first), each with
/// the content reported.
#[utoipa::path(
    tag = "moderation",
    operation_id = "list_reports",
    params(ReportListQuery),
    responses(
        (status = 200, description = "A page of reports", body = Page<Report>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/moderation/reports")]
async fn list_reports(
    state: web::Data<AppState>,
    _moderator: Moderator,
    query: web::Query<ReportListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = moderation::queue(&state.db, &query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(page))
}

/// Resolve a report: dismiss it, hide or delete the content, or ban its author (which hides
/// it). Every open report of the same content is resolved with it, and the action is logged.
#[utoipa::path(
    tag = "moderation",
    operation_id = "resolve_report",
    params(("id" = String, Path, description = "Report id")),
    request_body = ResolveReportRequest,
    responses(
        (status = 200, description = "Resolved", body = Report),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/moderation/reports/{id}/resolve")]
async fn resolve_report(
    state: web::Data<AppState>,
    ModeratorWriter(moderator): ModeratorWriter,
    id: web::Path<i64>,
    body: web::Json<ResolveReportRequest>,
) -> Result<web::Json<Report>, ApiError> {
    let report = moderation::resolve(&state.db, &moderator, id.into_inner(), &body).await?;
    Ok(web::Json(report))
}

/// Every moderation action, newest first: who, when, what and why.
#[utoipa::path(
    tag = "moderation",
    operation_id = "list_moderation_log",
    params(ModerationLogQuery),
    responses(
        (status = 200, description = "A page of the log", body = Page<ModerationLogEntry>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/moderation/log")]
async fn list_moderation_log(
    state: web::Data<AppState>,
    _moderator: Moderator,
    query: web::Query<ModerationLogQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = moderation::log(&state.db, &query).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "private, no-store"))
        .json(page))
}
