//! Outbox rows: side effects recorded with their cause, claimed one at a time by a worker under
//! a lease, deleted once delivered and rescheduled when delivery fails.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entity::outbox::{self, Kind};

/// Records a message; call it inside the transaction of the change that causes it.
pub async fn insert(
    db: &impl ConnectionTrait,
    kind: Kind,
    payload: String,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    outbox::ActiveModel {
        kind: Set(kind),
        payload: Set(payload),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Up to `limit` messages that are due and not held by a live lease, oldest first.
pub async fn due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, sea_orm::DbErr> {
    outbox::Entity::find()
        .filter(outbox::Column::GaveUpAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(unleased(now))
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

fn unleased(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(outbox::Column::LockedUntil.is_null())
        .add(outbox::Column::LockedUntil.lte(now))
}

/// Takes a message for one delivery until `lease_until`: of several workers, one wins, and the
/// message comes back if that worker dies before it finishes.
pub async fn claim(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let won = outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedUntil, Expr::value(lease_until))
        .filter(outbox::Column::Id.eq(id))
        .filter(unleased(now))
        .exec(db)
        .await?;
    Ok(won.rows_affected == 1)
}

/// A delivered message is gone (only its lease holder may say so).
pub async fn delete(
    db: &impl ConnectionTrait,
    id: i64,
    lease_until: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    outbox::Entity::delete_many()
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::LockedUntil.eq(lease_until))
        .exec(db)
        .await?;
    Ok(())
}

/// A failed attempt: try again at `next` (or never, with `gave_up`), keeping the error.
pub async fn reschedule(
    db: &impl ConnectionTrait,
    message: &outbox::Model,
    lease_until: DateTime<Utc>,
    next: DateTime<Utc>,
    error: String,
    gave_up: Option<DateTime<Utc>>,
) -> Result<(), sea_orm::DbErr> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(message.attempts + 1))
        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
        .col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::LastError, Expr::value(error))
        .col_expr(outbox::Column::GaveUpAt, Expr::value(gave_up))
        .filter(outbox::Column::Id.eq(message.id))
        .filter(outbox::Column::LockedUntil.eq(lease_until))
        .exec(db)
        .await?;
    Ok(())
}
