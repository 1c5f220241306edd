//! Summary rows: keyset pages under a condition (the visibility scope's), lookup, and the rows
//! that hang on summaries (tags, the reader's votes), one batched query per table.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::api::SummarySort;

use super::entity::{summaries, summary_tags, votes};
use super::pagination::Cursor;
use crate::error::ApiError;

/// The sort column and key of a summary order.
fn sort_column(sort: SummarySort) -> summaries::Column {
    match sort {
        SummarySort::New => summaries::Column::CreatedAt,
        SummarySort::Top => summaries::Column::Score,
    }
}

/// The cursor key of a row in an order.
pub fn key_of(row: &summaries::Model, sort: SummarySort) -> i64 {
    match sort {
        SummarySort::New => row.created_at.timestamp_micros(),
        SummarySort::Top => i64::from(row.score),
    }
}

/// `fetch` rows matching `condition` after `after`, in `sort` order.
pub async fn page(
    db: &impl ConnectionTrait,
    condition: Condition,
    sort: SummarySort,
    after: Option<Cursor>,
    fetch: u64,
) -> Result<Vec<summaries::Model>, ApiError> {
    let column = sort_column(sort);
    let mut select = summaries::Entity::find().filter(condition);
    if let Some(after) = after {
        select = select.filter(match sort {
            SummarySort::New => after.rows_after(column, summaries::Column::Id, after.key_time()?),
            SummarySort::Top => after.rows_after(column, summaries::Column::Id, after.key),
        });
    }
    Ok(select
        .order_by_desc(column)
        .order_by_desc(summaries::Column::Id)
        .limit(fetch)
        .all(db)
        .await?)
}

/// Every row matching `condition`, newest first (exports).
pub async fn all(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<Vec<summaries::Model>, sea_orm::DbErr> {
    summaries::Entity::find()
        .filter(condition)
        .order_by_desc(summaries::Column::CreatedAt)
        .order_by_desc(summaries::Column::Id)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<summaries::Model>, sea_orm::DbErr> {
    summaries::Entity::find_by_id(id).one(db).await
}

/// The tags of each summary, alphabetically.
pub async fn tags_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<String>>, sea_orm::DbErr> {
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for tag in summary_tags::Entity::find()
        .filter(summary_tags::Column::SummaryId.is_in(ids))
        .order_by_asc(summary_tags::Column::Tag)
        .all(db)
        .await?
    {
        tags.entry(tag.summary_id).or_default().push(tag.tag);
    }
    Ok(tags)
}

/// One user's votes on the given summaries.
pub async fn votes_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    ids: Vec<i64>,
) -> Result<HashMap<i64, i16>, sea_orm::DbErr> {
    Ok(votes::Entity::find()
        .filter(votes::Column::UserId.eq(user_id))
        .filter(votes::Column::SummaryId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|v| (v.summary_id, v.value))
        .collect())
}
