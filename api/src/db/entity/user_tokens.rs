//! A single-use mailed link (password reset, email confirmation), stored as its SHA-256.

use sea_orm::entity::prelude::*;

/// What a mailed link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Purpose {
    PasswordReset,
    EmailConfirm,
}

impl Purpose {
    /// How long a link stays usable.
    pub fn lifetime(self) -> chrono::Duration {
        match self {
            Purpose::PasswordReset => chrono::Duration::hours(1),
            Purpose::EmailConfirm => chrono::Duration::days(2),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub purpose: Purpose,
    #[sea_orm(column_type = "Text", unique)]
    pub token_hash: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
