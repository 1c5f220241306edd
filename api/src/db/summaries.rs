//! Summary rows: keyset pages under a condition (the visibility scope's), lookup, and the rows
//! that hang on summaries (tags, revisions, votes), read in one batched query per table.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select, Set, Unchanged,
};
use shared::api::SummarySort;

use super::entity::{summaries, summary_revisions, summary_tags, votes};
use super::pagination::Cursor;
use crate::error::ApiError;

/// The sort column and key of a summary order.
fn sort_column(sort: SummarySort) -> summaries::Column {
    match sort {
        SummarySort::New => summaries::Column::CreatedAt,
        SummarySort::Top => summaries::Column::Score,
        SummarySort::Popular => summaries::Column::Popularity,
    }
}

/// The cursor key of a row in an order.
pub fn key_of(row: &summaries::Model, sort: SummarySort) -> i64 {
    match sort {
        SummarySort::New => row.created_at.timestamp_micros(),
        SummarySort::Top => i64::from(row.score),
        SummarySort::Popular => row.popularity,
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
    Ok(page_query(condition, sort, after, fetch)?.all(db).await?)
}

/// The query of [`page`].
pub fn page_query(
    condition: Condition,
    sort: SummarySort,
    after: Option<Cursor>,
    fetch: u64,
) -> Result<Select<summaries::Entity>, ApiError> {
    let column = sort_column(sort);
    let mut select = summaries::Entity::find().filter(condition);
    if let Some(after) = after {
        select = select.filter(match sort {
            SummarySort::New => after.rows_after(column, summaries::Column::Id, after.key_time()?),
            SummarySort::Top => after.rows_after(column, summaries::Column::Id, after.key),
            SummarySort::Popular => after.rows_after(column, summaries::Column::Id, after.key),
        });
    }
    Ok(select
        .order_by_desc(column)
        .order_by_desc(summaries::Column::Id)
        .limit(fetch))
}

/// The condition "the summary carries this tag".
pub fn tagged(tag: &str) -> Condition {
    let tagged = Query::select()
        .column(summary_tags::Column::SummaryId)
        .from(summary_tags::Entity)
        .and_where(Expr::col(summary_tags::Column::Tag).eq(tag))
        .to_owned();
    Condition::all().add(summaries::Column::Id.in_subquery(tagged))
}

/// The smallest and largest id of the rows matching `condition`.
pub async fn id_range(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<Option<(i64, i64)>, sea_orm::DbErr> {
    let range: Option<(Option<i64>, Option<i64>)> = summaries::Entity::find()
        .select_only()
        .expr(summaries::Column::Id.min())
        .expr(summaries::Column::Id.max())
        .filter(condition)
        .into_tuple()
        .one(db)
        .await?;
    Ok(match range {
        Some((Some(min), Some(max))) => Some((min, max)),
        _ => None,
    })
}

/// The first row matching `condition` with an id of at least `id`.
pub async fn first_from(
    db: &impl ConnectionTrait,
    condition: Condition,
    id: i64,
) -> Result<Option<i64>, sea_orm::DbErr> {
    summaries::Entity::find()
        .select_only()
        .column(summaries::Column::Id)
        .filter(condition)
        .filter(summaries::Column::Id.gte(id))
        .order_by_asc(summaries::Column::Id)
        .into_tuple()
        .one(db)
        .await
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

/// The author's live (not deleted) summary of a paper.
pub async fn live_of(
    db: &impl ConnectionTrait,
    paper_id: i64,
    author_id: i64,
) -> Result<Option<summaries::Model>, sea_orm::DbErr> {
    summaries::Entity::find()
        .filter(summaries::Column::PaperId.eq(paper_id))
        .filter(summaries::Column::AuthorId.eq(author_id))
        .filter(summaries::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// Records a revision's text.
pub async fn add_revision(
    db: &impl ConnectionTrait,
    summary: &summaries::Model,
    editor_id: i64,
) -> Result<(), sea_orm::DbErr> {
    summary_revisions::Entity::insert(summary_revisions::ActiveModel {
        summary_id: Set(summary.id),
        revision: Set(summary.revision),
        body_markdown: Set(summary.body_markdown.clone()),
        editor_id: Set(editor_id),
        created_at: Set(summary.updated_at),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Replaces a summary's tags.
pub async fn set_tags(
    db: &impl ConnectionTrait,
    summary_id: i64,
    tags: &[String],
) -> Result<(), sea_orm::DbErr> {
    summary_tags::Entity::delete_many()
        .filter(summary_tags::Column::SummaryId.eq(summary_id))
        .exec(db)
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    summary_tags::Entity::insert_many(tags.iter().map(|tag| summary_tags::ActiveModel {
        summary_id: Set(summary_id),
        tag: Set(tag.clone()),
    }))
    .exec(db)
    .await?;
    Ok(())
}

/// A summary's revisions, oldest first.
pub async fn revisions(
    db: &impl ConnectionTrait,
    summary_id: i64,
) -> Result<Vec<summary_revisions::Model>, sea_orm::DbErr> {
    summary_revisions::Entity::find()
        .filter(summary_revisions::Column::SummaryId.eq(summary_id))
        .order_by_asc(summary_revisions::Column::Revision)
        .all(db)
        .await
}

pub async fn revision(
    db: &impl ConnectionTrait,
    summary_id: i64,
    revision: i32,
) -> Result<Option<summary_revisions::Model>, sea_orm::DbErr> {
    summary_revisions::Entity::find()
        .filter(summary_revisions::Column::SummaryId.eq(summary_id))
        .filter(summary_revisions::Column::Revision.eq(revision))
        .one(db)
        .await
}

/// Sets (or, with 0, takes back) one user's vote, then recounts the summary's tallies from the
/// votes themselves, so they are exact whatever ran before. Call under the summary's row lock.
pub async fn vote(
    db: &impl ConnectionTrait,
    summary_id: i64,
    user_id: i64,
    value: i16,
    now: DateTime<Utc>,
) -> Result<summaries::Model, sea_orm::DbErr> {
    if value == 0 {
        votes::Entity::delete_many()
            .filter(votes::Column::SummaryId.eq(summary_id))
            .filter(votes::Column::UserId.eq(user_id))
            .exec(db)
            .await?;
    } else {
        votes::Entity::insert(votes::ActiveModel {
            summary_id: Set(summary_id),
            user_id: Set(user_id),
            value: Set(value),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([votes::Column::SummaryId, votes::Column::UserId])
                .update_columns([votes::Column::Value, votes::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    }
    let count = |value: i16| {
        votes::Entity::find()
            .filter(votes::Column::SummaryId.eq(summary_id))
            .filter(votes::Column::Value.eq(value))
            .count(db)
    };
    let up = i32::try_from(count(1).await?).unwrap_or(i32::MAX);
    let down = i32::try_from(count(-1).await?).unwrap_or(i32::MAX);
    summaries::ActiveModel {
        id: Unchanged(summary_id),
        upvotes: Set(up),
        downvotes: Set(down),
        score: Set(up - down),
        ..Default::default()
    }
    .update(db)
    .await
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, summaries::Model>, sea_orm::DbErr> {
    Ok(summaries::Entity::find()
        .filter(summaries::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect())
}

/// The papers an author has summaries of (deleted ones too), in id order.
pub async fn papers_of_author(db: &impl ConnectionTrait, author_id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    let mut ids: Vec<i64> = summaries::Entity::find()
        .filter(summaries::Column::AuthorId.eq(author_id))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.paper_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The most used tags of the rows matching `condition`, with how many carry each.
pub async fn tag_counts(
    db: &impl ConnectionTrait,
    condition: Condition,
    limit: u64,
) -> Result<Vec<(String, i64)>, sea_orm::DbErr> {
    let listed = Query::select()
        .column(summaries::Column::Id)
        .from(summaries::Entity)
        .cond_where(condition)
        .to_owned();
    let count = Expr::col(summary_tags::Column::SummaryId).count();
    summary_tags::Entity::find()
        .select_only()
        .column(summary_tags::Column::Tag)
        .expr(count.clone())
        .filter(summary_tags::Column::SummaryId.in_subquery(listed))
        .group_by(summary_tags::Column::Tag)
        .order_by_desc(count)
        .order_by_asc(summary_tags::Column::Tag)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Per paper, over the rows matching `condition` (a listing): how many were written since
/// `since`, and the net votes cast on them since then.
pub async fn activity_since(
    db: &impl ConnectionTrait,
    condition: Condition,
    since: DateTime<Utc>,
) -> Result<HashMap<i64, i64>, sea_orm::DbErr> {
    let written: Vec<(i64, i64)> = summaries::Entity::find()
        .select_only()
        .column(summaries::Column::PaperId)
        .expr(Expr::col(summaries::Column::Id).count())
        .filter(condition.clone())
        .filter(summaries::Column::CreatedAt.gte(since))
        .group_by(summaries::Column::PaperId)
        .into_tuple()
        .all(db)
        .await?;
    let voted: Vec<(i64, i64)> = votes::Entity::find()
        .select_only()
        .column_as(
            Expr::col((summaries::Entity, summaries::Column::PaperId)),
            "paper_id",
        )
        .expr(
            Expr::col((votes::Entity, votes::Column::Value))
                .sum()
                .cast_as(Alias::new("bigint")),
        )
        .join(JoinType::InnerJoin, votes::Relation::Summary.def())
        .filter(condition)
        .filter(votes::Column::UpdatedAt.gte(since))
        .group_by(Expr::col((summaries::Entity, summaries::Column::PaperId)))
        .into_tuple()
        .all(db)
        .await?;
    let mut activity: HashMap<i64, i64> = HashMap::new();
    for (paper, count) in written {
        *activity.entry(paper).or_default() += 3 * count;
    }
    for (paper, net) in voted {
        *activity.entry(paper).or_default() += net;
    }
    Ok(activity)
}
