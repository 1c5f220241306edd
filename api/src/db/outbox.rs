//! Outbox rows: side effects recorded with their cause, claimed by a worker under a lease,
//! deleted once delivered and rescheduled when delivery fails.

use chrono::{DateTime, Duration, Utc};
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

/// Claims up to `limit` due messages for `lease`: each goes to one worker only, and comes back
/// if that worker dies before it finishes.
pub async fn claim_due(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<outbox::Model>, sea_orm::DbErr> {
    let free = || {
        Condition::any()
            .add(outbox::Column::LockedUntil.is_null())
            .add(outbox::Column::LockedUntil.lte(now))
    };
    let due = outbox::Entity::find()
        .filter(outbox::Column::GaveUpAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(free())
        .order_by_asc(outbox::Column::NextAttemptAt)
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for message in due {
        let won = outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(now + lease))
            .filter(outbox::Column::Id.eq(message.id))
            .filter(free())
            .exec(db)
            .await?;
        if won.rows_affected == 1 {
            claimed.push(message);
        }
    }
    Ok(claimed)
}

/// A delivered message is gone.
pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), sea_orm::DbErr> {
    outbox::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// A failed attempt: try again at `next` (or never, with `gave_up`), keeping the error.
pub async fn reschedule(
    db: &impl ConnectionTrait,
    message: &outbox::Model,
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
        .exec(db)
        .await?;
    Ok(())
}
