//! A reader's report of a summary or a comment to the moderators.

use sea_orm::entity::prelude::*;
use shared::moderation::{ReportAction, ReportStatus};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub reporter_id: i64,
    /// The summary reported, or the summary of the comment reported.
    pub summary_id: Option<i64>,
    pub comment_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    pub status: ReportStatus,
    pub resolution: Option<ReportAction>,
    pub resolved_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub resolved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
