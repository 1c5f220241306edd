//! `/api/v1/summaries/{id}/comments` and `/api/v1/comments/{id}`: the discussion under a summary.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared::api::{Comment, CommentChange, CommentListQuery, GetSummaryQuery, NewCommentRequest, Page};
use utoipa_actix_web::service_config::ServiceConfig;

use super::with_limits;
use crate::auth::{MaybeAuthUser, Writer};
use crate::domain::comments;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_comments)
        .service(create_comment)
        .service(update_comment)
        .service(delete_comment);
}

/// A summary's comments, oldest first; replies name their parent.
#[utoipa::path(
    tag = "comments",
    operation_id = "list_comments",
    params(("id" = String, Path, description = "Summary id"), CommentListQuery),
    responses(
        (status = 200, description = "A page of comments", body = Page<Comment>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
        (status = 422, response = super::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/summaries/{id}/comments")]
async fn list_comments(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    id: web::Path<i64>,
    query: web::Query<CommentListQuery>,
) -> Result<web::Json<Page<Comment>>, ApiError> {
    let page = comments::list(&state.db, state.scope(&reader), id.into_inner(), &query).await?;
    Ok(web::Json(page))
}

/// Comment on a summary, or reply to a comment on it (`parent_id`).
#[utoipa::path(
    tag = "comments",
    operation_id = "create_comment",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    request_body = NewCommentRequest,
    responses(
        (status = 201, description = "Posted", body = Comment),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/summaries/{id}/comments")]
async fn create_comment(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    query: web::Query<GetSummaryQuery>,
    body: web::Json<NewCommentRequest>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.comment_user.check_user(user.id).await?;
    let posted = comments::create(
        &state.db,
        &state.config.public_url,
        &user,
        id.into_inner(),
        &body,
        query.share.as_deref(),
    )
    .await;
    let response = posted.map(|comment| HttpResponse::Created().json(comment));
    Ok(with_limits(response, &[quota]))
}

/// Edit a comment (its author, or a moderator).
#[utoipa::path(
    tag = "comments",
    operation_id = "update_comment",
    params(("id" = String, Path, description = "Comment id")),
    request_body = CommentChange,
    responses(
        (status = 200, description = "The comment", body = Comment),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[patch("/comments/{id}")]
async fn update_comment(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    body: web::Json<CommentChange>,
) -> Result<HttpResponse, ApiError> {
    let quota = state.limits.comment_user.check_user(user.id).await?;
    let edited = comments::update(&state.db, &user, id.into_inner(), &body).await;
    let response = edited.map(|comment| HttpResponse::Ok().json(comment));
    Ok(with_limits(response, &[quota]))
}

/// Delete a comment (its author, or a moderator); it keeps its place as `[deleted]`.
#[utoipa::path(
    tag = "comments",
    operation_id = "delete_comment",
    params(("id" = String, Path, description = "Comment id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/comments/{id}")]
async fn delete_comment(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    comments::delete(&state.db, &user, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
