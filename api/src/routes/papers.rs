//! `/api/v1/papers`: browsing papers and their summaries.

use actix_web::{get, web};
use shared::api::{Page, Paper, PaperListQuery, Summary, SummaryListQuery};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::MaybeAuthUser;
use crate::domain::papers;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_papers)
        .service(get_paper)
        .service(list_paper_summaries);
}

/// List papers, newest first or by number of summaries.
#[utoipa::path(
    tag = "papers",
    operation_id = "list_papers",
    params(PaperListQuery),
    responses(
        (status = 200, description = "A page of papers", body = Page<Paper>),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
    )
)]
#[get("/papers")]
async fn list_papers(
    state: web::Data<AppState>,
    query: web::Query<PaperListQuery>,
) -> Result<web::Json<Page<Paper>>, ApiError> {
    Ok(web::Json(papers::list(&state.db, &query).await?))
}

/// One paper.
#[utoipa::path(
    tag = "papers",
    operation_id = "get_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 200, description = "The paper", body = Paper),
        (status = 404, response = super::NotFound),
    )
)]
#[get("/papers/{id}")]
async fn get_paper(state: web::Data<AppState>, id: web::Path<i64>) -> Result<web::Json<Paper>, ApiError> {
    Ok(web::Json(papers::get(&state.db, id.into_inner()).await?))
}

/// The public summaries of one paper, best first by default.
#[utoipa::path(
    tag = "papers",
    operation_id = "list_paper_summaries",
    params(("id" = String, Path, description = "Paper id"), SummaryListQuery),
    responses(
        (status = 200, description = "A page of summaries", body = Page<Summary>),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
        (status = 422, response = super::Unprocessable),
    ),
    security((), ("bearer" = []))
)]
#[get("/papers/{id}/summaries")]
async fn list_paper_summaries(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    id: web::Path<i64>,
    query: web::Query<SummaryListQuery>,
) -> Result<web::Json<Page<Summary>>, ApiError> {
    let page = papers::summaries(
        &state.db,
        state.scope(&reader),
        &state.config.public_url,
        id.into_inner(),
        &query,
    )
    .await?;
    Ok(web::Json(page))
}
