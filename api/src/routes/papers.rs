//! `/api/v1/papers`: browsing papers and their summaries.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use shared::api::{
    ExternalSearchQuery, ExternalSearchResponse, ImportRequest, MergeRequest, NewPaperRequest, Page, Paper,
    PaperChange, PaperListQuery, ResolveQuery, ResolveRequest, ResolveResponse, Summary, SummaryListQuery,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, MaybeAuthUser, Writer};
use crate::db::views::Viewed;
use crate::domain::{paper_search, papers, views};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    // The fixed paths before `/papers/{id}`, which would otherwise take `resolve` for an id.
    cfg.service(list_papers)
        .service(create_paper)
        .service(import_paper)
        .service(resolve_paper)
        .service(resolve_papers)
        .service(search_external_papers)
        .service(trending_papers)
        .service(get_paper)
        .service(view_paper)
        .service(get_paper_bibtex)
        .service(list_paper_summaries)
        .service(get_follow)
        .service(follow_paper)
        .service(unfollow_paper)
        .service(update_paper)
        .service(merge_paper)
        .service(refresh_paper);
}

/// Fix a paper's metadata: moderators, or its creator while it has no summary.
#[utoipa::path(
    tag = "papers",
    operation_id = "update_paper",
    params(("id" = String, Path, description = "Paper id")),
    request_body = PaperChange,
    responses(
        (status = 200, description = "The paper", body = Paper),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[patch("/papers/{id}")]
async fn update_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    body: web::Json<PaperChange>,
) -> Result<web::Json<Paper>, ApiError> {
    Ok(web::Json(
        papers::update(&state.db, &user, id.into_inner(), &body).await?,
    ))
}

/// Merge a paper into another (moderators): its summaries, keys and followers move there and its
/// URLs redirect. 409 naming the users who have a summary of both.
#[utoipa::path(
    tag = "papers",
    operation_id = "merge_paper",
    params(("id" = String, Path, description = "The paper that goes")),
    request_body = MergeRequest,
    responses(
        (status = 200, description = "The paper that stays", body = Paper),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/papers/{id}/merge")]
async fn merge_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
    body: web::Json<MergeRequest>,
) -> Result<web::Json<Paper>, ApiError> {
    Ok(web::Json(
        papers::merge(&state.db, &user, id.into_inner(), &body.into).await?,
    ))
}

/// Fetch a paper's metadata again from its source (moderators).
#[utoipa::path(
    tag = "papers",
    operation_id = "refresh_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 200, description = "The paper, refreshed", body = Paper),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
        (status = 502, response = super::BadGateway),
        (status = 504, response = super::GatewayTimeout),
    ),
    security(("bearer" = []))
)]
#[post("/papers/{id}/refresh")]
async fn refresh_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<web::Json<Paper>, ApiError> {
    Ok(web::Json(
        papers::refresh(&state.db, &state.upstreams, &user, id.into_inner()).await?,
    ))
}

/// Enter a paper by hand, for work no metadata service knows. Papers with an arXiv id, DOI or
/// DBLP key are better imported (`import_paper`): their metadata then comes from the source.
#[utoipa::path(
    tag = "papers",
    operation_id = "create_paper",
    request_body = NewPaperRequest,
    responses(
        (status = 201, description = "Entered", body = Paper,
            headers(("Location" = String, description = "The paper's URL"))),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 409, response = super::Conflict),
    ),
    security(("bearer" = []))
)]
#[post("/papers")]
async fn create_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<NewPaperRequest>,
) -> Result<HttpResponse, ApiError> {
    let paper = papers::create(&state.db, user.id, &body).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/papers/{}", paper.id)))
        .json(paper))
}

/// Whether the caller follows the paper: 204 when they do, 404 when they do not.
#[utoipa::path(
    tag = "papers",
    operation_id = "get_paper_follow",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 204, description = "The caller follows it"),
        (status = 301, response = super::MovedPermanently),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[get("/papers/{id}/follow")]
async fn get_follow(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    papers::following(&state.db, user.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follow a paper, to be notified of its new summaries.
#[utoipa::path(
    tag = "papers",
    operation_id = "follow_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 204, description = "Following"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[put("/papers/{id}/follow")]
async fn follow_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    papers::follow(&state.db, user.id, id.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stop following a paper.
#[utoipa::path(
    tag = "papers",
    operation_id = "unfollow_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 204, description = "Not following"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/papers/{id}/follow")]
async fn unfollow_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    papers::follow(&state.db, user.id, id.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Import a paper by any identifier: arXiv id or link, DOI or doi.org link, DBLP key or link.
/// Its metadata comes from arXiv, Crossref or DBLP. Known papers are returned as they are
/// (200); every version of an arXiv id is one paper.
#[utoipa::path(
    tag = "papers",
    operation_id = "import_paper",
    request_body = ImportRequest,
    responses(
        (status = 201, description = "Imported", body = Paper,
            headers(("Location" = String, description = "The paper's URL"))),
        (status = 200, description = "Known already", body = Paper),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
        (status = 409, response = super::Conflict),
        (status = 502, response = super::BadGateway),
        (status = 504, response = super::GatewayTimeout),
    ),
    security(("bearer" = []))
)]
#[post("/papers/import")]
async fn import_paper(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<ImportRequest>,
) -> Result<HttpResponse, ApiError> {
    let imported = papers::import_for(
        &state.db,
        &state.upstreams,
        &state.limits.import_user,
        &user,
        &body.identifier,
    )
    .await?;
    Ok(if imported.created {
        HttpResponse::Created()
            .insert_header(("Location", format!("/api/v1/papers/{}", imported.paper.id)))
            .json(imported.paper)
    } else {
        HttpResponse::Ok().json(imported.paper)
    })
}

/// The paper a key resolves to: any identifier form of `import_paper`, a paper key, or a
/// legacy bibtexKey of the original site.
#[utoipa::path(
    tag = "papers",
    operation_id = "resolve_paper",
    params(ResolveQuery),
    responses(
        (status = 200, description = "The paper", body = Paper),
        (status = 400, response = super::BadRequest),
        (status = 404, response = super::NotFound),
    )
)]
#[get("/papers/resolve")]
async fn resolve_paper(
    state: web::Data<AppState>,
    query: web::Query<ResolveQuery>,
) -> Result<web::Json<Paper>, ApiError> {
    Ok(web::Json(papers::resolve(&state.db, &query.key).await?))
}

/// Resolve up to 500 keys at once (for tools that show summary counts beside many papers):
/// each key maps to its paper's id and summary count, or `null`.
#[utoipa::path(
    tag = "papers",
    operation_id = "resolve_papers",
    request_body = ResolveRequest,
    responses((status = 200, description = "What each key resolves to", body = ResolveResponse))
)]
#[post("/papers/resolve")]
async fn resolve_papers(
    state: web::Data<AppState>,
    body: web::Json<ResolveRequest>,
) -> Result<web::Json<ResolveResponse>, ApiError> {
    Ok(web::Json(papers::resolve_many(&state.db, &body.keys).await?))
}

/// Search arXiv, Crossref and DBLP by title words (or one identifier) for a paper to import.
/// Papers ShortScience has come first (with `paper_id`); finds of several services that are
/// one paper are merged. Each service has its own timeout, and `sources` reports how each
/// answered: a slow or failing service does not fail the search.
#[utoipa::path(
    tag = "papers",
    operation_id = "search_external_papers",
    params(ExternalSearchQuery),
    responses(
        (status = 200, description = "What was found, and how each service answered",
            body = ExternalSearchResponse, headers(
                ("RateLimit" = String, description = "Searches left in the window"),
                ("RateLimit-Policy" = String, description = "The quota"),
            )),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
        (status = 429, response = super::TooManyRequests),
    )
)]
#[get("/papers/search-external")]
async fn search_external_papers(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ExternalSearchQuery>,
) -> HttpResponse {
    let (answer, allowed) = paper_search::search_external(
        &state.db,
        &state.upstreams,
        &state.limits.search_external_ip,
        &super::client_ip(&state, &req),
        &query.q,
    )
    .await;
    super::with_limits(
        answer.map(|found| HttpResponse::Ok().json(found)),
        allowed.as_slice(),
    )
}

/// The paper as a BibTeX entry.
#[utoipa::path(
    tag = "papers",
    operation_id = "get_paper_bibtex",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 200, description = "A BibTeX entry", body = String, content_type = "text/x-bibtex"),
        (status = 404, response = super::NotFound),
    )
)]
#[get("/papers/{id}/bibtex")]
async fn get_paper_bibtex(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let entry = papers::bibtex(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/x-bibtex; charset=utf-8")
        .body(entry))
}

/// List papers: newest first, by number of summaries, or most popular first; `q` searches
/// their title, authors and abstract.
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

/// The papers most summarised and voted on over the last 7 days (at most 10).
#[utoipa::path(
    tag = "papers",
    operation_id = "trending_papers",
    responses(
        (status = 200, description = "Papers, most active first", body = Vec<Paper>),
    )
)]
#[get("/papers/trending")]
async fn trending_papers(state: web::Data<AppState>) -> Result<web::Json<Vec<Paper>>, ApiError> {
    Ok(web::Json(papers::trending(&state.db).await?))
}

/// Count a reader's view of a paper's page (once an hour per reader; no address is stored).
#[utoipa::path(
    tag = "papers",
    operation_id = "view_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 204, description = "Counted (or already counted this hour)"),
        (status = 403, response = super::Forbidden),
        (status = 429, response = super::TooManyRequests),
        (status = 301, response = super::MovedPermanently),
        (status = 401, response = super::Unauthorized),
        (status = 404, response = super::NotFound),
    ),
    security((), ("bearer" = []))
)]
#[post("/papers/{id}/views")]
async fn view_paper(
    state: web::Data<AppState>,
    reader: MaybeAuthUser,
    req: HttpRequest,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let quota = super::view_quota(&state, &req).await?;
    views::record(
        &state.db,
        state.scope(&reader),
        Viewed::Paper,
        id.into_inner(),
        None,
        &super::client_ip(&state, &req),
    )
    .await?;
    Ok(super::with_limits(
        Ok(HttpResponse::NoContent().finish()),
        &[quota],
    ))
}

/// One paper.
#[utoipa::path(
    tag = "papers",
    operation_id = "get_paper",
    params(("id" = String, Path, description = "Paper id")),
    responses(
        (status = 200, description = "The paper", body = Paper),
        (status = 301, response = super::MovedPermanently),
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
        (status = 301, response = super::MovedPermanently),
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
