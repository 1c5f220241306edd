//! Comment rows.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entity::comments;

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
