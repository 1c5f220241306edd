//! Reports and moderation. Readers report a summary or a comment they can read, once each;
//! moderators work through the queue and resolve each report by dismissing it, hiding or
//! deleting the content, or banning its author (which hides it too). Resolving one report
//! resolves every open report of the same content. Every moderation action, including a
//! moderator's edit or delete of someone else's content and a ban at the command line, is
//! written to the log in the transaction of the action.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use shared::api::Page;
use shared::moderation::{
    FiledReport, MAX_REASON, ModerationAction, ModerationLogEntry, ModerationLogQuery, Report, ReportAction,
    ReportListQuery, ReportRequest, ReportStatus, ReportedContent, ResolveReportRequest,
};

use super::scope::Scope;
use super::summaries::readable;
use crate::auth::AuthUser;
use crate::db::entity::{comments, moderation_log, reports, summaries, users};
use crate::db::moderation::{LogEntry, Target};
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self};
use crate::error::ApiError;

/// Reports a summary the reporter may read (with its share link, for an unlisted one).
pub async fn report_summary(
    db: &DatabaseConnection,
    reporter: &AuthUser,
    summary_id: i64,
    share_token: Option<&str>,
    request: &ReportRequest,
) -> Result<FiledReport, ApiError> {
    let reason = valid_text(&request.reason, "reason")?
        .ok_or_else(|| ApiError::invalid("reason", "must not be empty"))?;
    let summary = readable(db, Scope::new(Some(reporter)), summary_id, share_token).await?;
    file(db, reporter, Target::Summary(summary.id), &reason).await
}

/// Reports a comment the reporter may read, on a summary they may read.
pub async fn report_comment(
    db: &DatabaseConnection,
    reporter: &AuthUser,
    comment_id: i64,
    share_token: Option<&str>,
    request: &ReportRequest,
) -> Result<FiledReport, ApiError> {
    let reason = valid_text(&request.reason, "reason")?
        .ok_or_else(|| ApiError::invalid("reason", "must not be empty"))?;
    let scope = Scope::new(Some(reporter));
    let comment = db::comments::find(db, comment_id)
        .await?
        .filter(|c| scope.may_read_comment(c))
        .ok_or(ApiError::NotFound)?;
    let summary = readable(db, scope, comment.summary_id, share_token).await?;
    let target = Target::Comment {
        summary_id: summary.id,
        comment_id: comment.id,
    };
    file(db, reporter, target, &reason).await
}

async fn file(
    db: &DatabaseConnection,
    reporter: &AuthUser,
    target: Target,
    reason: &str,
) -> Result<FiledReport, ApiError> {
    let row = match db::moderation::insert_report(db, reporter.id, target, reason, db::now()).await {
        Ok(row) => row,
        Err(err) if db::is_unique_violation(&err) => {
            return Err(ApiError::Conflict {
                detail: "You have reported this already.".to_owned(),
                errors: None,
                location: None,
            });
        }
        Err(err) => return Err(err.into()),
    };
    tracing::info!(report = row.id, by = reporter.id, "report filed");
    Ok(FiledReport {
        id: row.id.to_string(),
        summary_id: target.summary_id().to_string(),
        comment_id: target.comment_id().map(|id| id.to_string()),
        reason: row.reason,
        created_at: row.created_at,
    })
}

/// One page of reports: the open queue, oldest first, or the resolved ones, newest first.
pub async fn queue(db: &DatabaseConnection, query: &ReportListQuery) -> Result<Page<Report>, ApiError> {
    let order = match query.status {
        ReportStatus::Open => "reports-open",
        ReportStatus::Resolved => "reports-resolved",
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let rows = db::moderation::reports_page(db, query.status, page.after.map(|c| c.id), page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |r| Cursor {
        order,
        key: r.id,
        id: r.id,
    });
    Ok(Page {
        items: shaped(db, rows).await?,
        next_cursor,
    })
}

/// Resolves a report, and with it every open report of the same content, in one transaction
/// with the action and its log entry. 409 when it was resolved already.
pub async fn resolve(
    db: &DatabaseConnection,
    moderator: &AuthUser,
    report_id: i64,
    request: &ResolveReportRequest,
) -> Result<Report, ApiError> {
    let note = request
        .note
        .as_deref()
        .map(|n| valid_text(n, "note"))
        .transpose()?
        .flatten();
    let txn = db::begin_write(db).await?;
    let report = db::moderation::find_report(&txn, report_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let target = Target::of(&report).ok_or(ApiError::NotFound)?;
    let author_id = match target {
        Target::Summary(id) => db::summaries::find(&txn, id).await?.map(|s| s.author_id),
        Target::Comment { comment_id, .. } => {
            db::comments::find(&txn, comment_id).await?.map(|c| c.author_id)
        }
    }
    .ok_or(ApiError::NotFound)?;
    if request.action == ReportAction::BanAuthor {
        let author = db::accounts::find_by_id(&txn, author_id)
            .await?
            .ok_or(ApiError::NotFound)?;
        if author.role.moderates() {
            return Err(ApiError::Forbidden(
                "Moderators and admins are not banned from the queue.".to_owned(),
            ));
        }
        // Before the content is locked: a ban locks the author's papers first, as merges do.
        if author.banned_at.is_none() {
            super::users::ban(&txn, &author, true).await?;
        }
    }
    let content = match target {
        Target::Summary(id) => Locked::Summary(
            super::authoring::locked(&txn, id)
                .await?
                .ok_or(ApiError::NotFound)?,
        ),
        Target::Comment { comment_id, .. } => Locked::Comment(
            super::comments::locked(&txn, comment_id)
                .await?
                .ok_or(ApiError::NotFound)?
                .1,
        ),
    };
    // Read again under the content's lock, which every resolution of it takes.
    let report = db::moderation::find_report(&txn, report_id)
        .await?
        .filter(|r| r.status == ReportStatus::Open)
        .ok_or_else(|| ApiError::Conflict {
            detail: "This report has been resolved already.".to_owned(),
            errors: None,
            location: None,
        })?;
    match (request.action, content) {
        (ReportAction::Dismiss, _) => {}
        (ReportAction::Hide | ReportAction::BanAuthor, Locked::Summary(row)) => {
            super::authoring::hide(&txn, row).await?
        }
        (ReportAction::Hide | ReportAction::BanAuthor, Locked::Comment(row)) => {
            super::comments::hide(&txn, row).await?
        }
        (ReportAction::Delete, Locked::Summary(row)) if row.deleted_at.is_none() => {
            super::authoring::remove(&txn, row).await?
        }
        (ReportAction::Delete, Locked::Comment(row)) if row.deleted_at.is_none() => {
            super::comments::remove(&txn, row).await?
        }
        (ReportAction::Delete, _) => {}
    }
    let now = db::now();
    db::moderation::resolve_open(&txn, target, request.action, moderator.id, now).await?;
    let entry = LogEntry {
        moderator_id: Some(moderator.id),
        summary_id: Some(target.summary_id()),
        comment_id: target.comment_id(),
        subject_id: Some(author_id),
        report_id: Some(report.id),
        note: note.or(Some(report.reason)),
    };
    db::moderation::log(&txn, request.action.into(), entry, now).await?;
    txn.commit().await?;
    tracing::info!(report = report_id, by = moderator.id, action = ?request.action, "report resolved");
    let resolved = db::moderation::find_report(db, report_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    shaped(db, vec![resolved]).await?.pop().ok_or(ApiError::NotFound)
}

/// The content of a report, locked.
enum Locked {
    Summary(summaries::Model),
    Comment(comments::Model),
}

/// Logs a moderator's own change (edit, delete) of someone else's summary.
pub(super) async fn record_summary_action(
    txn: &impl ConnectionTrait,
    moderator: &AuthUser,
    action: ModerationAction,
    summary: &summaries::Model,
) -> Result<(), ApiError> {
    let entry = LogEntry {
        moderator_id: Some(moderator.id),
        summary_id: Some(summary.id),
        subject_id: Some(summary.author_id),
        ..LogEntry::default()
    };
    db::moderation::log(txn, action, entry, db::now()).await?;
    Ok(())
}

/// Logs a moderator's own change (edit, delete) of someone else's comment.
pub(super) async fn record_comment_action(
    txn: &impl ConnectionTrait,
    moderator: &AuthUser,
    action: ModerationAction,
    comment: &comments::Model,
) -> Result<(), ApiError> {
    let entry = LogEntry {
        moderator_id: Some(moderator.id),
        summary_id: Some(comment.summary_id),
        comment_id: Some(comment.id),
        subject_id: Some(comment.author_id),
        ..LogEntry::default()
    };
    db::moderation::log(txn, action, entry, db::now()).await?;
    Ok(())
}

/// One page of the moderation log, newest first.
pub async fn log(
    db: &DatabaseConnection,
    query: &ModerationLogQuery,
) -> Result<Page<ModerationLogEntry>, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), "moderation-log")?;
    let rows = db::moderation::log_page(db, page.after.map(|c| c.id), page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |e| Cursor {
        order: "moderation-log",
        key: e.id,
        id: e.id,
    });
    let people = db::accounts::by_ids(
        db,
        rows.iter()
            .flat_map(|e| [e.moderator_id, e.subject_id])
            .flatten()
            .collect(),
    )
    .await?;
    let items = rows
        .into_iter()
        .map(|e: moderation_log::Model| ModerationLogEntry {
            id: e.id.to_string(),
            moderator: e
                .moderator_id
                .and_then(|id| people.get(&id))
                .map(users::Model::user_ref),
            action: e.action,
            summary_id: e.summary_id.map(|id| id.to_string()),
            comment_id: e.comment_id.map(|id| id.to_string()),
            subject: e
                .subject_id
                .and_then(|id| people.get(&id))
                .map(users::Model::user_ref),
            report_id: e.report_id.map(|id| id.to_string()),
            note: e.note,
            created_at: e.created_at,
        })
        .collect();
    Ok(Page { items, next_cursor })
}

/// Reports with their content, as moderators see them: everything loaded in one query per table.
async fn shaped(db: &impl ConnectionTrait, rows: Vec<reports::Model>) -> Result<Vec<Report>, ApiError> {
    let summaries = db::summaries::by_ids(db, rows.iter().filter_map(|r| r.summary_id).collect()).await?;
    let comments = db::comments::by_ids(db, rows.iter().filter_map(|r| r.comment_id).collect()).await?;
    let papers = db::papers::by_ids(db, summaries.values().map(|s| s.paper_id).collect()).await?;
    let people: HashMap<i64, users::Model> = db::accounts::by_ids(
        db,
        rows.iter()
            .flat_map(|r| [Some(r.reporter_id), r.resolved_by])
            .flatten()
            .chain(summaries.values().map(|s| s.author_id))
            .chain(comments.values().map(|c| c.author_id))
            .collect(),
    )
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(summary) = row.summary_id.and_then(|id| summaries.get(&id)) else {
            continue;
        };
        let comment = row.comment_id.and_then(|id| comments.get(&id));
        if row.comment_id.is_some() && comment.is_none() {
            continue;
        }
        let paper = papers.get(&summary.paper_id);
        let content = match comment {
            Some(c) => ReportedContent {
                summary_id: summary.id.to_string(),
                comment_id: Some(c.id.to_string()),
                paper_id: summary.paper_id.to_string(),
                paper_title: paper.map(|p| p.title.clone()).unwrap_or_default(),
                author: people.get(&c.author_id).map(users::Model::user_ref),
                body_markdown: c.body_markdown.clone(),
                body_html: c.body_html.clone(),
                hidden: c.hidden_at.is_some(),
                deleted: c.deleted_at.is_some(),
                link: format!("/summary/{}#comment-{}", summary.id, c.id),
            },
            None => ReportedContent {
                summary_id: summary.id.to_string(),
                comment_id: None,
                paper_id: summary.paper_id.to_string(),
                paper_title: paper.map(|p| p.title.clone()).unwrap_or_default(),
                author: people.get(&summary.author_id).map(users::Model::user_ref),
                body_markdown: summary.body_markdown.clone(),
                body_html: summary.body_html.clone(),
                hidden: summary.hidden_at.is_some(),
                deleted: summary.deleted_at.is_some(),
                link: format!("/summary/{}", summary.id),
            },
        };
        items.push(Report {
            id: row.id.to_string(),
            reason: row.reason,
            reporter: people.get(&row.reporter_id).map(users::Model::user_ref),
            status: row.status,
            resolution: row.resolution,
            resolved_by: row
                .resolved_by
                .and_then(|id| people.get(&id))
                .map(users::Model::user_ref),
            resolved_at: row.resolved_at,
            created_at: row.created_at,
            content,
        });
    }
    Ok(items)
}

/// A reason or note: trimmed, NUL as U+FFFD, at most [`MAX_REASON`] characters; `None` when
/// only spaces.
fn valid_text(text: &str, field: &str) -> Result<Option<String>, ApiError> {
    let text = text.trim();
    if text.chars().count() > MAX_REASON {
        return Err(ApiError::invalid(
            field,
            format!("at most {MAX_REASON} characters"),
        ));
    }
    Ok((!text.is_empty()).then(|| text.replace('\0', "\u{FFFD}")))
}
