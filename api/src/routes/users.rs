//! `/api/v1/users`: the directory and public profiles.

use actix_web::{get, web};
use shared::accounts::{UserListQuery, UserProfile, UserSummariesQuery};
use shared::api::{Page, Summary};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeAuthUser;
use crate::domain::users;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users)
        .service(get_user)
        .service(list_user_summaries);
}

/// The user directory, by score, number of summaries, or newest.
#[utoipa::path(
    tag = "users",
    operation_id = "list_users",
    params(UserListQuery),
    responses(
        (status = 200, description = "A page of profiles", body = Page<UserProfile>),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
    )
)]
#[get("/users")]
async fn list_users(
    state: web::Data<AppState>,
    query: web::Query<UserListQuery>,
) -> Result<web::Json<Page<UserProfile>>, ApiError> {
    Ok(web::Json(users::directory(&state.db, &query).await?))
}

/// A public profile.
#[utoipa::path(
    tag = "users",
    operation_id = "get_user",
    params(("username" = String, Path)),
    responses(
        (status = 200, description = "The profile", body = UserProfile),
        (status = 404, response = super::NotFound),
    )
)]
#[get("/users/{username}")]
async fn get_user(
    state: web::Data<AppState>,
    username: web::Path<String>,
) -> Result<web::Json<UserProfile>, ApiError> {
    Ok(web::Json(users::profile(&state.db, &username).await?))
}

/// A user's public summaries, newest first. Their anonymous ones are listed only to themselves.
#[utoipa::path(
    tag = "users",
    operation_id = "list_user_summaries",
    params(("username" = String, Path), UserSummariesQuery),
    responses(
        (status = 200, description = "A page of summaries", body = Page<Summary>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
        (status = 422, response = super::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/users/{username}/summaries")]
async fn list_user_summaries(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    username: web::Path<String>,
    query: web::Query<UserSummariesQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let page = users::summaries(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        &username,
        &query,
    )
    .await?;
    Ok(web::Json(page))
}
