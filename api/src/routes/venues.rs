//! `/api/v1/venues`: conferences and journals, their years, and the summaries of their papers.

use actix_web::{get, web};
use shared::api::{Page, Summary, Venue, VenueSummariesQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeAuthUser;
use crate::domain::papers;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_venues).service(list_venue_summaries);
}

/// Every venue, with its years and how many papers and summaries each has.
#[utoipa::path(
    tag = "venues",
    operation_id = "list_venues",
    responses((status = 200, description = "Venues by key, years newest first", body = Vec<Venue>))
)]
#[get("/venues")]
async fn list_venues(state: web::Data<AppState>) -> Result<web::Json<Vec<Venue>>, ApiError> {
    Ok(web::Json(papers::venues(&state.db).await?))
}

/// The summaries of a venue's papers, newest first; `?year=` narrows them to one year. Venue
/// keys may contain `/`: send it percent-encoded (`conf%2Ficml`).
#[utoipa::path(
    tag = "venues",
    operation_id = "list_venue_summaries",
    params(("venue_key" = String, Path, description = "A `venue_key` of `list_venues`"), VenueSummariesQuery),
    responses(
        (status = 200, description = "A page of summaries", body = Page<Summary>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/venues/{venue_key}/summaries")]
async fn list_venue_summaries(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    venue_key: web::Path<String>,
    query: web::Query<VenueSummariesQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let page = papers::venue_summaries(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        &venue_key,
        &query,
    )
    .await?;
    Ok(web::Json(page))
}
