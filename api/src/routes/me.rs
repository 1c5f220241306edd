//! `/api/v1/me`: the caller's own account — profile, password, API tokens and export.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared::accounts::{
    AccountExport, ApiToken, CreateTokenRequest, CreatedToken, ExportQuery, Me, UpdateMeRequest,
};
use shared::api::{MarkReadQuery, NotificationListQuery, NotificationPage, Page, Summary, SummaryListQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use super::with_limits;
use crate::auth::{AuthUser, Writer};
use crate::domain::accounts::{self, ExportBody};
use crate::domain::notifications;
use crate::domain::scope::{Listing, Scope};
use crate::domain::summaries::{self, Filter};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(list_tokens)
        .service(create_token)
        .service(revoke_token)
        .service(export_account)
        .service(list_my_summaries)
        .service(list_notifications)
        .service(mark_notifications_read)
        .service(resend_confirmation);
}

/// The caller's account, with private fields.
#[utoipa::path(
    tag = "me",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
async fn get_me(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(accounts::me(&state, &user).await?))
}

/// Change profile fields or the password. A password change needs the current password and a
/// signed-in session (not an API token), is rate limited per account, signs out every other
/// session and mails the owner.
#[utoipa::path(
    tag = "me",
    operation_id = "update_me",
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated account", body = Me),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<UpdateMeRequest>,
) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(accounts::update_me(&state, &user, &body).await?))
}

/// Mail the email-confirmation link again (the first one expires after two days).
#[utoipa::path(
    tag = "me",
    operation_id = "resend_confirmation",
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 409, response = super::Conflict),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/me/confirmation-mail")]
async fn resend_confirmation(state: web::Data<AppState>, Writer(user): Writer) -> HttpResponse {
    let queued = accounts::resend_confirmation(&state, &user).await;
    with_limits(
        queued.outcome.map(|()| HttpResponse::Accepted().finish()),
        &queued.quota,
    )
}

/// The caller's personal API tokens (never their secrets).
#[utoipa::path(
    tag = "me",
    operation_id = "list_tokens",
    responses(
        (status = 200, description = "Live tokens, newest first", body = Vec<ApiToken>),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me/tokens")]
async fn list_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<Vec<ApiToken>>, ApiError> {
    Ok(web::Json(accounts::tokens(&state, &user).await?))
}

/// Create a personal API token, optionally expiring. Its secret is in this response only, and
/// the owner is mailed about it. Needs a signed-in session: API tokens cannot mint more tokens.
#[utoipa::path(
    tag = "me",
    operation_id = "create_token",
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "The token and its secret", body = CreatedToken),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
    ),
    security(("bearer" = []))
)]
#[post("/me/tokens")]
async fn create_token(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let created = accounts::create_token(&state, &user, &body).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(created))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(
    tag = "me",
    operation_id = "revoke_token",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/me/tokens/{id}")]
async fn revoke_token(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    accounts::revoke_token(&state, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every summary of the caller's that is not deleted, private and unlisted ones included, newest
/// first.
#[utoipa::path(
    tag = "me",
    operation_id = "list_my_summaries",
    params(SummaryListQuery),
    responses(
        (status = 200, description = "A page of the caller's summaries", body = Page<Summary>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/me/summaries")]
async fn list_my_summaries(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<SummaryListQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let page = summaries::list(
        &state.db,
        Scope::new(Some(&user)),
        &state.config.public_url,
        Filter::of(Listing::Own),
        query.sort,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// The caller's notifications, newest first, with how many are unread.
#[utoipa::path(
    tag = "me",
    operation_id = "list_notifications",
    params(NotificationListQuery),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[get("/me/notifications")]
async fn list_notifications(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<NotificationListQuery>,
) -> Result<web::Json<NotificationPage>, ApiError> {
    Ok(web::Json(notifications::list(&state.db, &user, &query).await?))
}

/// Mark notifications read: all of them, or `up_to` one and every older one.
#[utoipa::path(
    tag = "me",
    operation_id = "mark_notifications_read",
    params(MarkReadQuery),
    responses(
        (status = 204, description = "Marked read"),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/me/notifications/read")]
async fn mark_notifications_read(
    state: web::Data<AppState>,
    Writer(user): Writer,
    query: web::Query<MarkReadQuery>,
) -> Result<HttpResponse, ApiError> {
    notifications::mark_read(&state.db, &user, query.up_to.as_deref()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything the caller wrote: summaries (all visibilities) and comments.
#[utoipa::path(
    tag = "me",
    operation_id = "export_account",
    params(ExportQuery),
    responses(
        (status = 200, description = "The export: a JSON document, or with `?format=csv` one CSV row per summary or comment", content(
            (AccountExport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me/export")]
async fn export_account(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let file = accounts::export(&state, &user, query.format).await?;
    let mut response = HttpResponse::Ok();
    response.insert_header((
        "Content-Disposition",
        format!("attachment; filename=\"{}\"", file.filename),
    ));
    Ok(match file.body {
        ExportBody::Json(export) => response.json(export),
        ExportBody::Csv(csv) => response.content_type("text/csv; charset=utf-8").body(csv),
    })
}
