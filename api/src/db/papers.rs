//! Paper rows: filtered keyset pages, lookup by id, and lists stored as JSON text.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::api::{PaperListQuery, PaperSort};

use super::entity::papers;
use super::pagination::Cursor;
use crate::error::ApiError;

/// The cursor key of a row in an order.
pub fn key_of(row: &papers::Model, sort: PaperSort) -> i64 {
    match sort {
        PaperSort::Recent => row.created_at.timestamp_micros(),
        PaperSort::MostSummarized => i64::from(row.summary_count),
    }
}

/// `fetch` papers matching the query's filters after `after`.
pub async fn page(
    db: &impl ConnectionTrait,
    query: &PaperListQuery,
    after: Option<Cursor>,
    fetch: u64,
) -> Result<Vec<papers::Model>, ApiError> {
    let column = match query.sort {
        PaperSort::Recent => papers::Column::CreatedAt,
        PaperSort::MostSummarized => papers::Column::SummaryCount,
    };
    let mut select = papers::Entity::find().filter(filters(query));
    if let Some(after) = after {
        select = select.filter(match query.sort {
            PaperSort::Recent => after.rows_after(column, papers::Column::Id, after.key_time()?),
            PaperSort::MostSummarized => after.rows_after(column, papers::Column::Id, after.key),
        });
    }
    Ok(select
        .order_by_desc(column)
        .order_by_desc(papers::Column::Id)
        .limit(fetch)
        .all(db)
        .await?)
}

fn filters(query: &PaperListQuery) -> Condition {
    let mut condition = Condition::all();
    let texts = [query.q.as_deref(), query.venue.as_deref()];
    if texts.into_iter().flatten().any(|t| !super::accounts::storable(t)) {
        // No stored text holds NUL (PostgreSQL cannot): nothing matches.
        return Condition::all().add(Expr::val(false));
    }
    if let Some(q) = query.q.as_deref() {
        // Every word must appear in the title, case-insensitively on both backends.
        for word in q.split_whitespace().take(10) {
            let pattern = format!("%{}%", escape_like(&word.to_lowercase()));
            condition = condition.add(
                Expr::expr(Func::lower(Expr::col(papers::Column::Title)))
                    .like(LikeExpr::new(pattern).escape('\\')),
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
        condition = condition.add(papers::Column::Category.eq(category));
    }
    condition
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<papers::Model>, sea_orm::DbErr> {
    papers::Entity::find_by_id(id).one(db).await
}

/// Papers by id, for embedding in summaries.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, papers::Model>, sea_orm::DbErr> {
    Ok(papers::Entity::find()
        .filter(papers::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect())
}

/// Lists are stored as JSON text so the schema is the same on both backends.
pub fn json_list(text: &str) -> Result<Vec<String>, ApiError> {
    serde_json::from_str(text).map_err(|err| {
        ApiError::Internal(anyhow::anyhow!(
            "a stored list is not a JSON array of strings: {err}"
        ))
    })
}

/// Encodes a list for storage.
pub fn to_json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}
