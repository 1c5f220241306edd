//! Paper queries: listing with filters and keyset pages, lookup, and the JSON shape of a paper.

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::api::{Category, Page, Paper, PaperListQuery, PaperRef, PaperSort};

use super::entity::papers;
use super::pagination::{Cursor, PageRequest, finish_page};
use crate::error::ApiError;

/// One page of papers matching the query.
pub async fn list(db: &DatabaseConnection, query: &PaperListQuery) -> Result<Page<Paper>, ApiError> {
    let order = match query.sort {
        PaperSort::Recent => "recent",
        PaperSort::MostSummarized => "most_summarized",
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let mut select = papers::Entity::find().filter(filters(query));
    let (sort_column, key_of): (papers::Column, fn(&papers::Model) -> i64) = match query.sort {
        PaperSort::Recent => (papers::Column::CreatedAt, |p| p.created_at.timestamp_micros()),
        PaperSort::MostSummarized => (papers::Column::SummaryCount, |p| i64::from(p.summary_count)),
    };
    if let Some(after) = page.after {
        select = select.filter(match query.sort {
            PaperSort::Recent => after.rows_after(sort_column, papers::Column::Id, after.key_time()?),
            PaperSort::MostSummarized => after.rows_after(sort_column, papers::Column::Id, after.key),
        });
    }
    let rows = select
        .order_by_desc(sort_column)
        .order_by_desc(papers::Column::Id)
        .limit(page.fetch())
        .all(db)
        .await?;
    let (rows, next_cursor) = finish_page(rows, &page, |p| Cursor {
        order,
        key: key_of(p),
        id: p.id,
    });
    Ok(Page {
        items: rows.into_iter().map(to_paper).collect(),
        next_cursor,
    })
}

fn filters(query: &PaperListQuery) -> Condition {
    let mut condition = Condition::all();
    if let Some(q) = query.q.as_deref() {
        // Every word must appear in the title, case-insensitively on both backends.
        for word in q.split_whitespace().take(10) {
            let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
            condition = condition.add(
                Expr::expr(Func::lower(Expr::col(papers::Column::Title)))
                    .like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\')),
            );
        }
    }
    if let Some(venue) = query.venue.as_deref() {
        condition = condition.add(papers::Column::Venue.eq(venue));
    }
    if let Some(year) = query.year {
        condition = condition.add(papers::Column::Year.eq(year));
    }
    if let Some(category) = query.category {
        condition = condition.add(papers::Column::Category.eq(category.as_str()));
    }
    condition
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// A paper by id, or 404.
pub async fn get(db: &DatabaseConnection, id: i64) -> Result<papers::Model, ApiError> {
    papers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The JSON shape of a stored paper.
pub fn to_paper(model: papers::Model) -> Paper {
    Paper {
        id: model.id.to_string(),
        authors: json_list(&model.authors),
        urls: json_list(&model.urls),
        category: Category::parse(&model.category).unwrap_or(Category::Other),
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
    }
}

/// The short form embedded in summaries.
pub fn to_paper_ref(model: &papers::Model) -> PaperRef {
    PaperRef {
        id: model.id.to_string(),
        key: model.key.clone(),
        title: model.title.clone(),
        authors: json_list(&model.authors),
        venue: model.venue.clone(),
        year: model.year,
        category: Category::parse(&model.category).unwrap_or(Category::Other),
    }
}

/// Lists are stored as JSON text so the schema is the same on both backends.
fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_else(|err| {
        tracing::warn!(%err, "stored list is not a JSON array of strings");
        Vec::new()
    })
}

/// Encodes a list for storage.
pub fn to_json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}
