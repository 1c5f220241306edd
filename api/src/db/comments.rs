//! Comment rows.

use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Unchanged,
};

use super::entity::{comments, summaries};

/// Every comment a user wrote, oldest first (for their export).
pub async fn all_by_author(
    db: &impl ConnectionTrait,
    author_id: i64,
) -> Result<Vec<comments::Model>, sea_orm::DbErr> {
    comments::Entity::find()
        .filter(comments::Column::AuthorId.eq(author_id))
        .order_by_asc(comments::Column::Id)
        .all(db)
        .await
}

/// A page of a summary's comments, oldest first, after the comment `after`.
pub async fn page(
    db: &impl ConnectionTrait,
    summary_id: i64,
    after: Option<i64>,
    fetch: u64,
) -> Result<Vec<comments::Model>, sea_orm::DbErr> {
    let mut select = comments::Entity::find().filter(comments::Column::SummaryId.eq(summary_id));
    if let Some(after) = after {
        select = select.filter(comments::Column::Id.gt(after));
    }
    select
        .order_by_asc(comments::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<comments::Model>, sea_orm::DbErr> {
    comments::Entity::find_by_id(id).one(db).await
}

/// Sets a summary's `comment_count` to its comments that are neither deleted nor hidden. Call
/// under the summary's row lock.
pub async fn recount(db: &impl ConnectionTrait, summary_id: i64) -> Result<(), sea_orm::DbErr> {
    let count = comments::Entity::find()
        .filter(comments::Column::SummaryId.eq(summary_id))
        .filter(comments::Column::DeletedAt.is_null())
        .filter(comments::Column::HiddenAt.is_null())
        .count(db)
        .await?;
    summaries::ActiveModel {
        id: Unchanged(summary_id),
        comment_count: Set(i32::try_from(count).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<std::collections::HashMap<i64, comments::Model>, sea_orm::DbErr> {
    Ok(comments::Entity::find()
        .filter(comments::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect())
}
