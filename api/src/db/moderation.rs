//! Report rows and the moderation log.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use shared::moderation::{ModerationAction, ReportAction, ReportStatus};

use super::entity::{moderation_log, reports};

/// What a report is about: a summary, or a comment (of a summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Summary(i64),
    Comment { summary_id: i64, comment_id: i64 },
}

impl Target {
    pub fn of(report: &reports::Model) -> Option<Target> {
        match (report.summary_id, report.comment_id) {
            (Some(summary_id), Some(comment_id)) => Some(Target::Comment {
                summary_id,
                comment_id,
            }),
            (Some(summary_id), None) => Some(Target::Summary(summary_id)),
            _ => None,
        }
    }

    pub fn summary_id(self) -> i64 {
        match self {
            Target::Summary(id) | Target::Comment { summary_id: id, .. } => id,
        }
    }

    pub fn comment_id(self) -> Option<i64> {
        match self {
            Target::Summary(_) => None,
            Target::Comment { comment_id, .. } => Some(comment_id),
        }
    }

    fn condition(self) -> sea_orm::Condition {
        match self {
            Target::Summary(id) => sea_orm::Condition::all()
                .add(reports::Column::SummaryId.eq(id))
                .add(reports::Column::CommentId.is_null()),
            Target::Comment { comment_id, .. } => {
                sea_orm::Condition::all().add(reports::Column::CommentId.eq(comment_id))
            }
        }
    }
}

/// Files a report; a second one by the same reporter of the same target fails with a unique
/// violation.
pub async fn insert_report(
    db: &impl ConnectionTrait,
    reporter_id: i64,
    target: Target,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<reports::Model, sea_orm::DbErr> {
    reports::Entity::insert(reports::ActiveModel {
        reporter_id: Set(reporter_id),
        summary_id: Set(Some(target.summary_id())),
        comment_id: Set(target.comment_id()),
        reason: Set(reason.to_owned()),
        status: Set(ReportStatus::Open),
        resolution: Set(None),
        resolved_by: Set(None),
        created_at: Set(now),
        resolved_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

pub async fn find_report(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<reports::Model>, sea_orm::DbErr> {
    reports::Entity::find_by_id(id).one(db).await
}

/// A page of reports with this status: open ones oldest first (the queue), resolved ones
/// newest first.
pub async fn reports_page(
    db: &impl ConnectionTrait,
    status: ReportStatus,
    after: Option<i64>,
    fetch: u64,
) -> Result<Vec<reports::Model>, sea_orm::DbErr> {
    let mut select = reports::Entity::find().filter(reports::Column::Status.eq(status));
    let oldest_first = status == ReportStatus::Open;
    if let Some(after) = after {
        select = select.filter(if oldest_first {
            reports::Column::Id.gt(after)
        } else {
            reports::Column::Id.lt(after)
        });
    }
    let select = if oldest_first {
        select.order_by_asc(reports::Column::Id)
    } else {
        select.order_by_desc(reports::Column::Id)
    };
    select.limit(fetch).all(db).await
}

/// Resolves every open report of the target; returns how many it resolved.
pub async fn resolve_open(
    db: &impl ConnectionTrait,
    target: Target,
    action: ReportAction,
    moderator_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let result = reports::Entity::update_many()
        .col_expr(reports::Column::Status, Expr::value(ReportStatus::Resolved))
        .col_expr(reports::Column::Resolution, Expr::value(Some(action)))
        .col_expr(reports::Column::ResolvedBy, Expr::value(moderator_id))
        .col_expr(reports::Column::ResolvedAt, Expr::value(now))
        .filter(target.condition())
        .filter(reports::Column::Status.eq(ReportStatus::Open))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// One entry for the moderation log.
#[derive(Debug, Clone, Default)]
pub struct LogEntry {
    pub moderator_id: Option<i64>,
    pub summary_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub report_id: Option<i64>,
    pub note: Option<String>,
}

pub async fn log(
    db: &impl ConnectionTrait,
    action: ModerationAction,
    entry: LogEntry,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    moderation_log::Entity::insert(moderation_log::ActiveModel {
        moderator_id: Set(entry.moderator_id),
        action: Set(action),
        summary_id: Set(entry.summary_id),
        comment_id: Set(entry.comment_id),
        subject_id: Set(entry.subject_id),
        report_id: Set(entry.report_id),
        note: Set(entry.note),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// A page of the log, newest first, before the entry `before`.
pub async fn log_page(
    db: &impl ConnectionTrait,
    before: Option<i64>,
    fetch: u64,
) -> Result<Vec<moderation_log::Model>, sea_orm::DbErr> {
    let mut select = moderation_log::Entity::find();
    if let Some(before) = before {
        select = select.filter(moderation_log::Column::Id.lt(before));
    }
    select
        .order_by_desc(moderation_log::Column::Id)
        .limit(fetch)
        .all(db)
        .await
}
