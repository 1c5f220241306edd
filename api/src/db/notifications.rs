//! Notification rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::api::NotificationKind;

use super::entity::notifications;

pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    summary_id: i64,
    comment_id: Option<i64>,
    paper_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    notifications::Entity::insert(notifications::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        summary_id: Set(Some(summary_id)),
        comment_id: Set(comment_id),
        paper_id: Set(Some(paper_id)),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// A page of a user's notifications, newest first, before the notification `before`.
pub async fn page(
    db: &impl ConnectionTrait,
    user_id: i64,
    before: Option<i64>,
    fetch: u64,
) -> Result<Vec<notifications::Model>, sea_orm::DbErr> {
    let mut select = notifications::Entity::find().filter(notifications::Column::UserId.eq(user_id));
    if let Some(before) = before {
        select = select.filter(notifications::Column::Id.lt(before));
    }
    select
        .order_by_desc(notifications::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}

pub async fn unread(db: &impl ConnectionTrait, user_id: i64) -> Result<u64, sea_orm::DbErr> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// Marks a user's unread notifications read, all or those up to an id.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    up_to: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(now))
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::ReadAt.is_null());
    if let Some(up_to) = up_to {
        update = update.filter(notifications::Column::Id.lte(up_to));
    }
    update.exec(db).await?;
    Ok(())
}

/// Whether a paper's followers have heard of this summary already.
pub async fn told_followers(db: &impl ConnectionTrait, summary_id: i64) -> Result<bool, sea_orm::DbErr> {
    Ok(notifications::Entity::find()
        .filter(notifications::Column::SummaryId.eq(summary_id))
        .filter(notifications::Column::Kind.eq(NotificationKind::FollowedPaper))
        .one(db)
        .await?
        .is_some())
}
