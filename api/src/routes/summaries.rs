//! `/api/v1/summaries`: reading summaries.

use actix_web::{get, web};
use shared::api::{GetSummaryQuery, Page, Summary, SummaryListQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeAuthUser;
use crate::domain::scope::Listing;
use crate::domain::summaries::{self, Filter};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_summaries).service(get_summary);
}

/// List public summaries, newest or best first.
#[utoipa::path(
    tag = "summaries",
    operation_id = "list_summaries",
    params(SummaryListQuery),
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
    query: web::Query<SummaryListQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let filter = Filter {
        listing: Listing::Site,
        paper_id: None,
        venue: None,
    };
    let page = summaries::list(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        filter,
        query.sort,
        query.limit,
        query.cursor.as_deref(),
    )
    .await?;
    Ok(web::Json(page))
}

/// One summary. Unlisted summaries need their share token; private ones are not found.
#[utoipa::path(
    tag = "summaries",
    operation_id = "get_summary",
    params(("id" = String, Path, description = "Summary id"), GetSummaryQuery),
    responses(
        (status = 200, description = "The summary", body = Summary),
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
) -> Result<web::Json<Summary>, ApiError> {
    let summary = summaries::get(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        id.into_inner(),
        query.share.as_deref(),
    )
    .await?;
    Ok(web::Json(summary))
}
