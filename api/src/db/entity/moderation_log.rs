//! One moderation action: who, when, what and why.

use sea_orm::entity::prelude::*;
use shared::moderation::ModerationAction;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "moderation_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `None` for an operator at the command line.
    pub moderator_id: Option<i64>,
    pub action: ModerationAction,
    pub summary_id: Option<i64>,
    pub comment_id: Option<i64>,
    /// The user acted upon.
    pub subject_id: Option<i64>,
    pub report_id: Option<i64>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
