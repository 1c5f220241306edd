//! `/api/v1/search` (full-text search over papers and summaries) and `/api/v1/tags`.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use shared::api::{Page, SearchHit, SearchQuery, TagCount};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeAuthUser;
use crate::domain::{search, summaries};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search_site).service(list_tags);
}

/// Search papers (title, authors, abstract) and summaries (their text, math source included),
/// best hits first, each with a highlighted snippet. Only listed summaries are hits. Of each
/// kind, the newest 1,000 matches are ranked: a query matching more is ranked within them, so
/// that a common word costs no more than a rare one.
#[utoipa::path(
    tag = "search",
    operation_id = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of hits", body = Page<SearchHit>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
        (status = 429, response = super::TooManyRequests),
    ),
    security((), ("bearer" = []))
)]
#[get("/search")]
async fn search_site(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    req: HttpRequest,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let quota = state
        .limits
        .search_ip
        .check(&format!("ip:{}", super::client_ip(&state, &req)))
        .await
        .map_err(ApiError::RateLimited)?;
    let page = search::search(&state.db, state.scope(&reader), &state.config.public_url, &query)
        .await
        .map(|page| HttpResponse::Ok().json(page));
    Ok(super::with_limits(page, &[quota]))
}

/// Query of `GET /tags`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct TagsQuery {
    /// How many tags, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u64>,
}

/// The tags of listed summaries, most used first.
#[utoipa::path(
    tag = "summaries",
    operation_id = "list_tags",
    params(TagsQuery),
    responses(
        (status = 200, description = "Tags with their number of summaries", body = Vec<TagCount>),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
    )
)]
#[get("/tags")]
async fn list_tags(
    state: web::Data<AppState>,
    query: web::Query<TagsQuery>,
) -> Result<web::Json<Vec<TagCount>>, ApiError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    Ok(web::Json(summaries::tags(&state.db, limit).await?))
}
