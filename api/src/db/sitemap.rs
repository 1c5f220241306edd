//! The rows the sitemap lists, one file of URLs at a time, in a stable order.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use super::entity::{papers, summaries, users};

/// What a sitemap file lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Papers with at least one summary.
    Papers,
    /// Summaries strangers may list (the condition the caller passes).
    Summaries,
    /// Users who are not banned.
    Users,
    /// Venues of papers with summaries.
    Venues,
}

fn summarised_papers() -> Condition {
    Condition::all()
        .add(papers::Column::SummaryCount.gt(0))
        .add(papers::Column::MergedInto.is_null())
}

/// How many rows `section` lists; `listed` is the summaries' visibility condition.
pub async fn count(db: &impl ConnectionTrait, section: Section, listed: Condition) -> Result<u64, DbErr> {
    match section {
        Section::Papers => papers::Entity::find().filter(summarised_papers()).count(db).await,
        Section::Summaries => summaries::Entity::find().filter(listed).count(db).await,
        Section::Users => {
            users::Entity::find()
                .filter(users::Column::BannedAt.is_null())
                .count(db)
                .await
        }
        Section::Venues => {
            papers::Entity::find()
                .select_only()
                .column(papers::Column::VenueKey)
                .distinct()
                .filter(summarised_papers())
                .filter(papers::Column::VenueKey.is_not_null())
                .count(db)
                .await
        }
    }
}

/// A row of a sitemap file: what names its page, and when it last changed.
pub struct Row {
    pub name: String,
    pub modified: Option<DateTime<Utc>>,
}

/// The `index`-th (from 0) run of `per_file` rows of `section`.
pub async fn rows(
    db: &impl ConnectionTrait,
    section: Section,
    listed: Condition,
    index: u64,
    per_file: u64,
) -> Result<Vec<Row>, DbErr> {
    let (offset, limit) = (index * per_file, per_file);
    match section {
        Section::Papers => {
            let select = papers::Entity::find().filter(summarised_papers());
            dated(
                db,
                select,
                papers::Column::Id,
                papers::Column::UpdatedAt,
                offset,
                limit,
            )
            .await
        }
        Section::Summaries => {
            let select = summaries::Entity::find().filter(listed);
            dated(
                db,
                select,
                summaries::Column::Id,
                summaries::Column::UpdatedAt,
                offset,
                limit,
            )
            .await
        }
        Section::Users => {
            let select = users::Entity::find()
                .select_only()
                .column(users::Column::Username)
                .filter(users::Column::BannedAt.is_null())
                .order_by_asc(users::Column::Id);
            named(db, select, offset, limit).await
        }
        Section::Venues => {
            let select = papers::Entity::find()
                .select_only()
                .column(papers::Column::VenueKey)
                .distinct()
                .filter(summarised_papers())
                .filter(papers::Column::VenueKey.is_not_null())
                .order_by_asc(papers::Column::VenueKey);
            named(db, select, offset, limit).await
        }
    }
}

/// Rows named by their id, with the time they last changed, in id order.
async fn dated<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    id: E::Column,
    updated: E::Column,
    offset: u64,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    Ok(select
        .select_only()
        .columns([id, updated])
        .order_by_asc(id)
        .offset(offset)
        .limit(limit)
        .into_tuple::<(i64, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, modified)| Row {
            name: id.to_string(),
            modified: Some(modified),
        })
        .collect())
}

/// Rows named by the one text column `select` selects, in its order.
async fn named<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    offset: u64,
    limit: u64,
) -> Result<Vec<Row>, DbErr> {
    Ok(select
        .offset(offset)
        .limit(limit)
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .map(|name| Row { name, modified: None })
        .collect())
}
