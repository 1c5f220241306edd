//! Browsing papers: filtered lists, one paper, its summaries, and the JSON shape of a paper.

use sea_orm::ConnectionTrait;
use shared::api::{Page, Paper, PaperListQuery, PaperRef, PaperSort, Summary, SummaryListQuery};

use super::scope::{Listing, Scope};
use super::summaries::{self, Filter};
use crate::db::entity::papers;
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self, papers::json_list};
use crate::error::ApiError;

/// One page of papers matching the query.
pub async fn list(db: &impl ConnectionTrait, query: &PaperListQuery) -> Result<Page<Paper>, ApiError> {
    let order = match query.sort {
        PaperSort::Recent => "recent",
        PaperSort::MostSummarized => "most_summarized",
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let rows = db::papers::page(db, query, page.after, page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |p| Cursor {
        order,
        key: db::papers::key_of(p, query.sort),
        id: p.id,
    });
    Ok(Page {
        items: rows.into_iter().map(to_paper).collect::<Result<_, _>>()?,
        next_cursor,
    })
}

/// One paper, or 404.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Paper, ApiError> {
    to_paper(find(db, id).await?)
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<papers::Model, ApiError> {
    db::papers::find(db, id).await?.ok_or(ApiError::NotFound)
}

/// The summaries of a paper the reader may list; 404 for an unknown paper.
pub async fn summaries(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    paper_id: i64,
    query: &SummaryListQuery,
) -> Result<Page<Summary>, ApiError> {
    let paper = find(db, paper_id).await?;
    let filter = Filter {
        listing: Listing::Site,
        paper_id: Some(paper.id),
    };
    summaries::list(
        db,
        scope,
        public_url,
        filter,
        query.sort,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

/// The JSON shape of a stored paper.
pub fn to_paper(model: papers::Model) -> Result<Paper, ApiError> {
    Ok(Paper {
        id: model.id.to_string(),
        authors: json_list(&model.authors)?,
        urls: json_list(&model.urls)?,
        category: model.category,
        key: model.key,
        title: model.title,
        abstract_text: model.r#abstract,
        venue: model.venue,
        year: model.year,
        published_at: model.published_at,
        arxiv_id: model.arxiv_id,
        doi: model.doi,
        dblp_key: model.dblp_key,
        pdf_url: model.pdf_url,
        summary_count: i64::from(model.summary_count),
        created_at: model.created_at,
    })
}

/// The short form embedded in summaries.
pub fn to_paper_ref(model: &papers::Model) -> Result<PaperRef, ApiError> {
    Ok(PaperRef {
        id: model.id.to_string(),
        key: model.key.clone(),
        title: model.title.clone(),
        authors: json_list(&model.authors)?,
        venue: model.venue.clone(),
        year: model.year,
        category: model.category,
    })
}
