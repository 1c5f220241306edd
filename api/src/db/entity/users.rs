//! A registered reader, author or moderator.

use sea_orm::entity::prelude::*;
use shared::accounts::Role;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Stored lowercased: uniqueness is case-insensitive.
    #[sea_orm(column_type = "Text", unique)]
    pub username: String,
    /// Stored lowercased.
    #[sea_orm(column_type = "Text", unique)]
    pub email: String,
    /// Argon2id PHC string; `None` for accounts that cannot log in with a password.
    #[sea_orm(column_type = "Text", nullable)]
    pub password_hash: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub display_name: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub bio: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub orcid: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub homepage: Option<String>,
    pub role: Role,
    pub banned_at: Option<DateTimeUtc>,
    pub notify_on_comment: bool,
    /// Mail replies to my comments too.
    pub notify_on_reply: bool,
    /// Mail new summaries of papers I follow too.
    pub notify_on_follow: bool,
    pub email_confirmed_at: Option<DateTimeUtc>,
    /// Access tokens issued before this instant are refused.
    pub tokens_valid_after: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Summaries that count towards the public profile (public, live, shown, named).
    pub profile_summaries: i64,
    /// The sum of their scores.
    pub profile_score: i64,
    /// Their mean score × 10⁶ (`NO_SCORE` without any): the directory's `sort=score`.
    pub score_micros: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The summaries this user wrote.
    #[sea_orm(has_many = "super::summaries::Entity")]
    Summaries,
    /// The sessions this user signed in.
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
}

impl Related<super::sessions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl Related<super::summaries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Summaries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The user as shown beside their work.
    pub fn user_ref(&self) -> shared::api::UserRef {
        shared::api::UserRef {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
        }
    }
}
