//! Paper rows: filtered keyset pages, lookup by id, and lists stored as JSON text.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Unchanged,
};
use shared::api::{PaperListQuery, PaperSort};

use super::entity::{paper_follows, paper_keys, papers, summaries};
use super::pagination::Cursor;
use super::search::TextQuery;
use crate::error::ApiError;

/// The cursor key of a row in an order.
pub fn key_of(row: &papers::Model, sort: PaperSort) -> i64 {
    match sort {
        PaperSort::Recent => row.created_at.timestamp_micros(),
        PaperSort::MostSummarized => i64::from(row.summary_count),
        PaperSort::Popular => row.popularity,
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
        PaperSort::Popular => papers::Column::Popularity,
    };
    let mut select = papers::Entity::find().filter(filters(db, query));
    if let Some(after) = after {
        select = select.filter(match query.sort {
            PaperSort::Recent => after.rows_after(column, papers::Column::Id, after.key_time()?),
            PaperSort::MostSummarized | PaperSort::Popular => {
                after.rows_after(column, papers::Column::Id, after.key)
            }
        });
    }
    Ok(select
        .order_by_desc(column)
        .order_by_desc(papers::Column::Id)
        .limit(fetch)
        .all(db)
        .await?)
}

fn filters(db: &impl ConnectionTrait, query: &PaperListQuery) -> Condition {
    // A merged paper lives on as the paper it was merged into.
    let mut condition = Condition::all().add(papers::Column::MergedInto.is_null());
    if let Some(q) = query.q.as_deref() {
        // The full-text index; a query without a word matches nothing.
        match TextQuery::parse(q) {
            Some(words) => condition = condition.add(super::search::paper_matches(db, &words)),
            None => return Condition::all().add(Expr::val(false)),
        }
    }
    if let Some(venue) = query.venue.as_deref() {
        if !super::accounts::storable(venue) {
            // No stored text holds NUL (PostgreSQL cannot): nothing matches.
            return Condition::all().add(Expr::val(false));
        }
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

/// The keys of each paper, alphabetically.
pub async fn keys_of(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<String>>, sea_orm::DbErr> {
    let mut keys: HashMap<i64, Vec<String>> = HashMap::new();
    for row in paper_keys::Entity::find()
        .filter(paper_keys::Column::PaperId.is_in(ids))
        .order_by_asc(paper_keys::Column::Key)
        .all(db)
        .await?
    {
        keys.entry(row.paper_id).or_default().push(row.key);
    }
    Ok(keys)
}

/// Which of `keys` name a paper, and which paper: one query however many keys.
pub async fn find_keys(
    db: &impl ConnectionTrait,
    keys: Vec<String>,
) -> Result<HashMap<String, i64>, sea_orm::DbErr> {
    let mut found = HashMap::new();
    // Bind parameters stay far below SQLite's limit per statement.
    for chunk in keys.chunks(1_000) {
        for row in paper_keys::Entity::find()
            .filter(paper_keys::Column::Key.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            found.insert(row.key, row.paper_id);
        }
    }
    Ok(found)
}

/// The paper holding an identifier in its own columns (rows from before the keys table, or a
/// concurrent import), if any.
pub async fn find_by_identifiers(
    db: &impl ConnectionTrait,
    arxiv_id: Option<&str>,
    doi: Option<&str>,
    dblp_key: Option<&str>,
) -> Result<Option<papers::Model>, sea_orm::DbErr> {
    let mut any = Condition::any();
    if let Some(id) = arxiv_id {
        any = any.add(papers::Column::ArxivId.eq(id));
    }
    if let Some(doi) = doi {
        any = any.add(papers::Column::Doi.eq(doi));
    }
    if let Some(key) = dblp_key {
        any = any.add(papers::Column::DblpKey.eq(key));
    }
    if any.is_empty() {
        return Ok(None);
    }
    papers::Entity::find().filter(any).one(db).await
}

/// Inserts a paper.
pub async fn insert(
    db: &impl ConnectionTrait,
    paper: papers::ActiveModel,
) -> Result<papers::Model, sea_orm::DbErr> {
    paper.insert(db).await
}

/// Gives a paper keys; keys another paper holds already are left to it (one key, one paper).
/// Returns the keys that were taken.
pub async fn add_keys(
    db: &impl ConnectionTrait,
    paper_id: i64,
    keys: &[String],
) -> Result<Vec<String>, sea_orm::DbErr> {
    let existing = find_keys(db, keys.to_vec()).await?;
    let mut taken = Vec::new();
    for key in keys {
        match existing.get(key) {
            Some(owner) if *owner == paper_id => {}
            Some(_) => taken.push(key.clone()),
            None => {
                // A concurrent import may take the key between the read and here: it keeps it.
                paper_keys::Entity::insert(paper_keys::ActiveModel {
                    key: Set(key.clone()),
                    paper_id: Set(paper_id),
                })
                .on_conflict_do_nothing()
                .exec(db)
                .await?;
            }
        }
    }
    Ok(taken)
}

/// A venue and year with its numbers, as `GET /venues` groups them.
#[derive(Debug, sea_orm::FromQueryResult)]
pub struct VenueYearRow {
    pub venue_key: String,
    pub name: String,
    pub year: Option<i32>,
    pub paper_count: i64,
    pub summary_count: i64,
}

/// Every venue and year of papers that are not merged away, by venue key then newest year.
pub async fn venue_years(db: &impl ConnectionTrait) -> Result<Vec<VenueYearRow>, sea_orm::DbErr> {
    use sea_orm::sea_query::Alias;
    papers::Entity::find()
        .select_only()
        .column(papers::Column::VenueKey)
        .column_as(Expr::col(papers::Column::Venue).max(), "name")
        .column(papers::Column::Year)
        .column_as(Expr::col(papers::Column::Id).count(), "paper_count")
        .column_as(
            Expr::expr(Func::coalesce([
                Expr::col(papers::Column::SummaryCount).sum(),
                Expr::val(0),
            ])),
            "summary_count",
        )
        .filter(papers::Column::VenueKey.is_not_null())
        .filter(papers::Column::MergedInto.is_null())
        .group_by(papers::Column::VenueKey)
        .group_by(papers::Column::Year)
        .order_by_asc(papers::Column::VenueKey)
        .order_by(Expr::col(Alias::new("year")), sea_orm::Order::Desc)
        .into_model::<VenueYearRow>()
        .all(db)
        .await
}

/// The condition "the summary's paper is of this venue (and year)", for summary lists.
pub fn of_venue(venue_key: &str, year: Option<i32>) -> Condition {
    use sea_orm::sea_query::Query;
    let mut papers_of = Query::select()
        .column(papers::Column::Id)
        .from(papers::Entity)
        .and_where(Expr::col(papers::Column::VenueKey).eq(venue_key))
        .to_owned();
    if let Some(year) = year {
        papers_of.and_where(Expr::col(papers::Column::Year).eq(year));
    }
    Condition::all().add(super::entity::summaries::Column::PaperId.in_subquery(papers_of))
}

/// The condition "the summary's paper is in this field", for summary lists.
pub fn of_category(category: shared::api::Category) -> Condition {
    let papers_of = sea_orm::sea_query::Query::select()
        .column(papers::Column::Id)
        .from(papers::Entity)
        .and_where(Expr::col(papers::Column::Category).eq(category))
        .to_owned();
    Condition::all().add(super::entity::summaries::Column::PaperId.in_subquery(papers_of))
}

/// Follows a paper; following twice is following.
pub async fn follow(
    db: &impl ConnectionTrait,
    user_id: i64,
    paper_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    paper_follows::Entity::insert(paper_follows::ActiveModel {
        user_id: Set(user_id),
        paper_id: Set(paper_id),
        created_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(())
}

/// Sets a paper's `summary_count` to the number of its summaries matching `listed` (the
/// visibility scope's condition). Call under the paper's row lock, so concurrent writers count
/// one after the other.
pub async fn recount_summaries(
    db: &impl ConnectionTrait,
    paper_id: i64,
    listed: Condition,
) -> Result<(), sea_orm::DbErr> {
    let count = summaries::Entity::find()
        .filter(summaries::Column::PaperId.eq(paper_id))
        .filter(listed)
        .count(db)
        .await?;
    papers::ActiveModel {
        id: Unchanged(paper_id),
        summary_count: Set(i32::try_from(count).unwrap_or(i32::MAX)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// Who follows a paper.
pub async fn followers(db: &impl ConnectionTrait, paper_id: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    Ok(paper_follows::Entity::find()
        .filter(paper_follows::Column::PaperId.eq(paper_id))
        .all(db)
        .await?
        .into_iter()
        .map(|f| f.user_id)
        .collect())
}

pub async fn is_following(
    db: &impl ConnectionTrait,
    user_id: i64,
    paper_id: i64,
) -> Result<bool, sea_orm::DbErr> {
    Ok(paper_follows::Entity::find()
        .filter(paper_follows::Column::UserId.eq(user_id))
        .filter(paper_follows::Column::PaperId.eq(paper_id))
        .one(db)
        .await?
        .is_some())
}

pub async fn unfollow(db: &impl ConnectionTrait, user_id: i64, paper_id: i64) -> Result<(), sea_orm::DbErr> {
    paper_follows::Entity::delete_many()
        .filter(paper_follows::Column::UserId.eq(user_id))
        .filter(paper_follows::Column::PaperId.eq(paper_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Summaries of a paper that are not deleted, whatever their visibility.
pub async fn live_summary_count(db: &impl ConnectionTrait, paper_id: i64) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    super::entity::summaries::Entity::find()
        .filter(super::entity::summaries::Column::PaperId.eq(paper_id))
        .filter(super::entity::summaries::Column::DeletedAt.is_null())
        .count(db)
        .await
}

/// Authors with a live (not deleted) summary on both papers.
pub async fn authors_on_both(db: &impl ConnectionTrait, a: i64, b: i64) -> Result<Vec<i64>, sea_orm::DbErr> {
    use super::entity::summaries;
    use sea_orm::sea_query::Query;
    let on_b = Query::select()
        .column(summaries::Column::AuthorId)
        .from(summaries::Entity)
        .and_where(Expr::col(summaries::Column::PaperId).eq(b))
        .and_where(Expr::col(summaries::Column::DeletedAt).is_null())
        .to_owned();
    Ok(summaries::Entity::find()
        .filter(summaries::Column::PaperId.eq(a))
        .filter(summaries::Column::DeletedAt.is_null())
        .filter(summaries::Column::AuthorId.in_subquery(on_b))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.author_id)
        .collect())
}

/// Moves a paper's summaries, keys and followers to another paper, adds its summary count
/// there, and marks it merged.
pub async fn move_into(
    db: &impl ConnectionTrait,
    from: &papers::Model,
    into: &papers::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sea_orm::DbErr> {
    use super::entity::summaries;
    use sea_orm::sea_query::Query;
    summaries::Entity::update_many()
        .col_expr(summaries::Column::PaperId, Expr::value(into.id))
        .filter(summaries::Column::PaperId.eq(from.id))
        .exec(db)
        .await?;
    paper_keys::Entity::update_many()
        .col_expr(paper_keys::Column::PaperId, Expr::value(into.id))
        .filter(paper_keys::Column::PaperId.eq(from.id))
        .exec(db)
        .await?;
    let already = Query::select()
        .column(paper_follows::Column::UserId)
        .from(paper_follows::Entity)
        .and_where(Expr::col(paper_follows::Column::PaperId).eq(into.id))
        .to_owned();
    paper_follows::Entity::update_many()
        .col_expr(paper_follows::Column::PaperId, Expr::value(into.id))
        .filter(paper_follows::Column::PaperId.eq(from.id))
        .filter(paper_follows::Column::UserId.not_in_subquery(already))
        .exec(db)
        .await?;
    paper_follows::Entity::delete_many()
        .filter(paper_follows::Column::PaperId.eq(from.id))
        .exec(db)
        .await?;
    papers::Entity::update_many()
        .col_expr(
            papers::Column::SummaryCount,
            Expr::col(papers::Column::SummaryCount).add(from.summary_count),
        )
        .col_expr(papers::Column::UpdatedAt, Expr::value(now))
        .filter(papers::Column::Id.eq(into.id))
        .exec(db)
        .await?;
    papers::Entity::update_many()
        .col_expr(papers::Column::SummaryCount, Expr::value(0))
        .col_expr(papers::Column::MergedInto, Expr::value(into.id))
        .col_expr(papers::Column::UpdatedAt, Expr::value(now))
        .filter(papers::Column::Id.eq(from.id))
        .exec(db)
        .await?;
    Ok(())
}

/// Writes changed columns of a paper.
pub async fn update(
    db: &impl ConnectionTrait,
    paper: papers::ActiveModel,
) -> Result<papers::Model, sea_orm::DbErr> {
    paper.update(db).await
}
