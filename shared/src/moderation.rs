//! Reports by readers, the moderators' queue and their log, and image uploads: the bodies of
//! `/summaries/{id}/reports`, `/comments/{id}/reports`, `/moderation/*` and `/uploads`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::UserRef;

/// Longest report reason and moderator's note, in characters.
pub const MAX_REASON: usize = 1000;
/// Largest image upload, in bytes (5 MiB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// `POST /summaries/{id}/reports` and `POST /comments/{id}/reports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// What is wrong with it, for the moderators (up to 1,000 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 1000, pattern = r"\S")
    )]
    pub reason: String,
}

/// A report as its reporter sees it once filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledReport {
    pub id: String,
    /// The summary reported, or the summary of the comment reported.
    pub summary_id: String,
    /// The comment reported; `null` for a report of a summary.
    pub comment_id: Option<String>,
    pub reason: String,
    pub created_at: DateTime<Utc>,
}

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum ReportStatus {
    /// Waiting for a moderator.
    #[default]
    Open,
    Resolved,
}

/// What a moderator does about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum ReportAction {
    /// Nothing wrong: the content stays.
    Dismiss,
    /// Hidden: 404 to everyone but its author and moderators.
    Hide,
    /// Deleted, as its author would delete it.
    Delete,
    /// Its author is banned (their summaries leave the lists), and it is hidden.
    BanAuthor,
}

/// What the moderation log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum ModerationAction {
    /// A report dismissed.
    Dismiss,
    /// Content hidden after a report.
    Hide,
    /// Content deleted, after a report or by a moderator's own `DELETE`.
    Delete,
    /// A content's author banned after a report.
    BanAuthor,
    /// Someone else's summary or comment edited by a moderator.
    Edit,
    /// A user banned from the command line.
    Ban,
    /// A ban lifted from the command line.
    Unban,
}

impl From<ReportAction> for ModerationAction {
    fn from(action: ReportAction) -> Self {
        match action {
            ReportAction::Dismiss => ModerationAction::Dismiss,
            ReportAction::Hide => ModerationAction::Hide,
            ReportAction::Delete => ModerationAction::Delete,
            ReportAction::BanAuthor => ModerationAction::BanAuthor,
        }
    }
}

/// What a report is about, as moderators see it: the content in full, its author even when
/// anonymous, and whether it is still shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedContent {
    pub summary_id: String,
    /// `null` when the summary itself is reported.
    pub comment_id: Option<String>,
    pub paper_id: String,
    pub paper_title: String,
    /// Who wrote it (moderators see anonymous authors).
    pub author: Option<UserRef>,
    pub body_markdown: String,
    pub body_html: String,
    pub hidden: bool,
    pub deleted: bool,
    /// The SPA path that shows it, e.g. `/summary/12#comment-40`.
    pub link: String,
}

/// A report in the moderators' queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    pub id: String,
    pub reason: String,
    /// `null` once the reporter's account is gone.
    pub reporter: Option<UserRef>,
    pub status: ReportStatus,
    /// What the moderator did; `null` while open.
    pub resolution: Option<ReportAction>,
    pub resolved_by: Option<UserRef>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub content: ReportedContent,
}

/// Query of `GET /moderation/reports`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReportListQuery {
    /// `open` (the default: the queue, oldest first) or `resolved` (newest first).
    #[serde(default)]
    pub status: ReportStatus,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `POST /moderation/reports/{id}/resolve`. Every open report of the same content is resolved
/// with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveReportRequest {
    pub action: ReportAction,
    /// Why, for the log (up to 1,000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub note: Option<String>,
}

/// One entry of the moderation log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModerationLogEntry {
    pub id: String,
    /// Who acted; `null` for an operator at the command line.
    pub moderator: Option<UserRef>,
    pub action: ModerationAction,
    pub summary_id: Option<String>,
    pub comment_id: Option<String>,
    /// The user acted upon: the content's author, or the user banned.
    pub subject: Option<UserRef>,
    /// The report this action resolved.
    pub report_id: Option<String>,
    /// Why (the report's reason when the moderator gave no note).
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Query of `GET /moderation/log`: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ModerationLogQuery {
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `POST /uploads` → 201: where the image is served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Upload {
    /// The image's address, `/uploads/<sha256>.<ext>` under the site (absolute).
    pub url: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`, as sniffed from the bytes.
    pub content_type: String,
    /// Size of the stored file (metadata stripped).
    pub byte_size: i64,
    pub width: u32,
    pub height: u32,
}
