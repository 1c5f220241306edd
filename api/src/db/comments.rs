//! Comment queries.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use shared::accounts::ExportedComment;

use super::entity::comments;

/// Every comment a user wrote, oldest first (for their export).
pub async fn all_by_author(
    db: &DatabaseConnection,
    author_id: i64,
) -> Result<Vec<ExportedComment>, sea_orm::DbErr> {
    Ok(comments::Entity::find()
        .filter(comments::Column::AuthorId.eq(author_id))
        .order_by_asc(comments::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|c| ExportedComment {
            id: c.id.to_string(),
            summary_id: c.summary_id.to_string(),
            parent_id: c.parent_id.map(|p| p.to_string()),
            body_markdown: c.body_markdown,
            created_at: c.created_at,
            deleted: c.deleted_at.is_some(),
        })
        .collect())
}
