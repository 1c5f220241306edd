//! A side effect waiting for delivery: written in the transaction of its cause, deleted once
//! delivered.

use sea_orm::entity::prelude::*;

/// What an outbox message asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")]
pub enum Kind {
    /// Send the mail in the payload.
    Mail,
    /// Mail an account its email-confirmation link (made when the mail is sent).
    ConfirmationMail,
    /// Mail a password-reset link to the payload's address if it has an account (looked up by the
    /// worker, so the request takes the same time whether or not it does).
    PasswordReset,
}

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: Kind,
    /// JSON.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker's lease while it delivers.
    pub locked_until: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub gave_up_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
