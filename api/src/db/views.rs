//! Page views: the day's key for view marks, the marks themselves, daily counts, and what the
//! popularity job reads and writes.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

use super::entity::{daily_views, papers, summaries, view_marks, view_salts, votes};

/// What was viewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viewed {
    Paper,
    Summary,
}

impl Viewed {
    pub fn as_str(self) -> &'static str {
        match self {
            Viewed::Paper => "paper",
            Viewed::Summary => "summary",
        }
    }
}

/// The key of a day's marks, if some instance made it.
pub async fn salt(db: &impl ConnectionTrait, day: i32) -> Result<Option<String>, sea_orm::DbErr> {
    Ok(view_salts::Entity::find_by_id(day).one(db).await?.map(|s| s.salt))
}

/// Makes the day's key unless another instance just did, and returns the one kept.
pub async fn make_salt(db: &impl ConnectionTrait, day: i32, fresh: String) -> Result<String, sea_orm::DbErr> {
    view_salts::Entity::insert(view_salts::ActiveModel {
        day: Set(day),
        salt: Set(fresh),
    })
    .on_conflict(
        OnConflict::column(view_salts::Column::Day)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    salt(db, day)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("the day's view salt".to_owned()))
}

/// Whether a view was counted already.
pub async fn marked(db: &impl ConnectionTrait, mark: &str) -> Result<bool, sea_orm::DbErr> {
    Ok(view_marks::Entity::find_by_id(mark.to_owned())
        .one(db)
        .await?
        .is_some())
}

/// Marks a view as counted; `false` when it was already.
pub async fn mark(db: &impl ConnectionTrait, mark: String, hour: i32) -> Result<bool, sea_orm::DbErr> {
    let inserted = view_marks::Entity::insert(view_marks::ActiveModel {
        mark: Set(mark),
        hour: Set(hour),
    })
    .on_conflict(
        OnConflict::column(view_marks::Column::Mark)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Counts one view of the day, and one in the row's total.
pub async fn count(
    db: &impl ConnectionTrait,
    viewed: Viewed,
    id: i64,
    day: i32,
) -> Result<(), sea_orm::DbErr> {
    daily_views::Entity::insert(daily_views::ActiveModel {
        kind: Set(viewed.as_str().to_owned()),
        target_id: Set(id),
        day: Set(day),
        views: Set(1),
    })
    .on_conflict(
        OnConflict::columns([
            daily_views::Column::Kind,
            daily_views::Column::TargetId,
            daily_views::Column::Day,
        ])
        .value(
            daily_views::Column::Views,
            Expr::col((daily_views::Entity, daily_views::Column::Views)).add(1),
        )
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    match viewed {
        Viewed::Paper => {
            papers::Entity::update_many()
                .col_expr(
                    papers::Column::ViewCount,
                    Expr::col(papers::Column::ViewCount).add(1),
                )
                .filter(papers::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Viewed::Summary => {
            summaries::Entity::update_many()
                .col_expr(
                    summaries::Column::ViewCount,
                    Expr::col(summaries::Column::ViewCount).add(1),
                )
                .filter(summaries::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// One row's views per day from `from` on (days without views are absent).
pub async fn days_of(
    db: &impl ConnectionTrait,
    viewed: Viewed,
    id: i64,
    from: i32,
) -> Result<Vec<(i32, i64)>, sea_orm::DbErr> {
    daily_views::Entity::find()
        .select_only()
        .column(daily_views::Column::Day)
        .column(daily_views::Column::Views)
        .filter(daily_views::Column::Kind.eq(viewed.as_str()))
        .filter(daily_views::Column::TargetId.eq(id))
        .filter(daily_views::Column::Day.gte(from))
        .order_by_asc(daily_views::Column::Day)
        .into_tuple()
        .all(db)
        .await
}

/// Every view counted from day `from` on.
pub async fn since(db: &impl ConnectionTrait, from: i32) -> Result<Vec<daily_views::Model>, sea_orm::DbErr> {
    daily_views::Entity::find()
        .filter(daily_views::Column::Day.gte(from))
        .all(db)
        .await
}

/// Votes cast or changed since `from`: summary, value and when.
pub async fn votes_since(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
) -> Result<Vec<(i64, i16, DateTime<Utc>)>, sea_orm::DbErr> {
    votes::Entity::find()
        .select_only()
        .column(votes::Column::SummaryId)
        .column(votes::Column::Value)
        .column(votes::Column::UpdatedAt)
        .filter(votes::Column::UpdatedAt.gte(from))
        .into_tuple()
        .all(db)
        .await
}

/// The rows of a table with a popularity above zero.
pub async fn popular(db: &impl ConnectionTrait, viewed: Viewed) -> Result<HashMap<i64, i64>, sea_orm::DbErr> {
    let rows: Vec<(i64, i64)> = match viewed {
        Viewed::Paper => {
            papers::Entity::find()
                .select_only()
                .column(papers::Column::Id)
                .column(papers::Column::Popularity)
                .filter(papers::Column::Popularity.gt(0))
                .into_tuple()
                .all(db)
                .await?
        }
        Viewed::Summary => {
            summaries::Entity::find()
                .select_only()
                .column(summaries::Column::Id)
                .column(summaries::Column::Popularity)
                .filter(summaries::Column::Popularity.gt(0))
                .into_tuple()
                .all(db)
                .await?
        }
    };
    Ok(rows.into_iter().collect())
}

/// Sets one row's popularity.
pub async fn set_popularity(
    db: &impl ConnectionTrait,
    viewed: Viewed,
    id: i64,
    popularity: i64,
) -> Result<(), sea_orm::DbErr> {
    match viewed {
        Viewed::Paper => {
            papers::Entity::update_many()
                .col_expr(papers::Column::Popularity, Expr::val(popularity))
                .filter(papers::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Viewed::Summary => {
            summaries::Entity::update_many()
                .col_expr(summaries::Column::Popularity, Expr::val(popularity))
                .filter(summaries::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}

/// Forgets the marks of hours before `hour` and the keys of days before `day`: a mark only
/// matters within its hour.
pub async fn forget_before(db: &impl ConnectionTrait, hour: i32, day: i32) -> Result<(), sea_orm::DbErr> {
    view_marks::Entity::delete_many()
        .filter(view_marks::Column::Hour.lt(hour))
        .exec(db)
        .await?;
    view_salts::Entity::delete_many()
        .filter(view_salts::Column::Day.lt(day))
        .exec(db)
        .await?;
    Ok(())
}

/// The paper of each summary among `ids` that `condition` (a listing) holds.
pub async fn papers_of(
    db: &impl ConnectionTrait,
    condition: sea_orm::Condition,
    ids: &[i64],
) -> Result<Vec<(i64, i64)>, sea_orm::DbErr> {
    let mut pairs = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64)> = summaries::Entity::find()
            .select_only()
            .column(summaries::Column::Id)
            .column(summaries::Column::PaperId)
            .filter(condition.clone())
            .filter(summaries::Column::Id.is_in(chunk.to_vec()))
            .into_tuple()
            .all(db)
            .await?;
        pairs.extend(rows);
    }
    Ok(pairs)
}
