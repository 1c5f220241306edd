//! User queries needed by the command line and listings.

use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::entity::users;

/// Changes a user's role; `Ok(false)` when no such user exists.
pub async fn set_role(db: &DatabaseConnection, username: &str, role: &str) -> Result<bool, sea_orm::DbErr> {
    let Some(user) = users::Entity::find()
        .filter(users::Column::Username.eq(username.to_lowercase()))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let mut user: users::ActiveModel = user.into();
    user.role = Set(role.to_owned());
    user.updated_at = Set(super::now());
    user.update(db).await?;
    Ok(true)
}
