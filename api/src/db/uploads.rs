//! Upload rows: one per uploader of a stored file.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::entity::uploads;

/// Records that a user uploaded the file with this hash; uploading it again fails with a unique
/// violation.
pub async fn insert(
    db: &impl ConnectionTrait,
    user_id: i64,
    sha256: &str,
    content_type: &str,
    byte_size: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    uploads::Entity::insert(uploads::ActiveModel {
        user_id: Set(user_id),
        sha256: Set(sha256.to_owned()),
        content_type: Set(content_type.to_owned()),
        byte_size: Set(byte_size),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Bytes a user has uploaded, over all their uploads.
pub async fn bytes_of(db: &impl ConnectionTrait, user_id: i64) -> Result<i64, sea_orm::DbErr> {
    let total: Option<Option<i64>> = uploads::Entity::find()
        .select_only()
        // SUM of a BIGINT is NUMERIC on PostgreSQL: cast it back.
        .column_as(
            Expr::expr(Func::cast_as(
                Func::sum(Expr::col(uploads::Column::ByteSize)),
                "BIGINT",
            )),
            "total",
        )
        .filter(uploads::Column::UserId.eq(user_id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(total.flatten().unwrap_or(0))
}
