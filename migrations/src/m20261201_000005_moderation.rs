//! Reports, moderation and uploads come into use (the first schema made their tables).
//! - `reports`: one per reporter and target, whatever became of it (a dismissed report is not
//!   filed again). A comment's report also names the comment's summary, for the queue, so the
//!   two targets have a partial unique index each. The queue reads by status in id order, and
//!   a resolution finds the open reports of its target.
//! - `comments.hidden_at`: a moderator can hide a comment, as a summary.
//! - `moderation_log`: every moderation action, with who, when, what and why. The targets are
//!   plain ids, not foreign keys: the record outlives what it is about.
//! - `uploads`: one row per uploader of a file (the file itself is stored once, by content
//!   hash), so the first schema's unique hash becomes unique per uploader.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::{accounts::Users, index, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    Status,
    ReporterId,
    SummaryId,
    CommentId,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    HiddenAt,
}

#[derive(DeriveIden)]
enum ModerationLog {
    Table,
    Id,
    ModeratorId,
    Action,
    SummaryId,
    CommentId,
    SubjectId,
    ReportId,
    Note,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    UserId,
    Sha256,
}

const SUMMARY_REPORT: &str = "uq_reports_reporter_id_summary_id";
const REPORT_INDEXES: [&str; 3] = [
    "idx_reports_status_id",
    "idx_reports_summary_id",
    "idx_reports_comment_id",
];
const COMMENT_REPORT: &str = "uq_reports_reporter_id_comment_id";
const OLD_UPLOAD: &str = "uq_uploads_sha256";
const UPLOAD_PER_USER: &str = "uq_uploads_user_id_sha256";
const UPLOAD_BY_HASH: &str = "idx_uploads_sha256";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(SUMMARY_REPORT)
                    .table(Reports::Table)
                    .col(Reports::ReporterId)
                    .col(Reports::SummaryId)
                    .unique()
                    .and_where(Expr::col(Reports::CommentId).is_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(COMMENT_REPORT)
                    .table(Reports::Table)
                    .col(Reports::ReporterId)
                    .col(Reports::CommentId)
                    .unique()
                    .and_where(Expr::col(Reports::CommentId).is_not_null())
                    .to_owned(),
            )
            .await?;
        let [by_status, by_summary, by_comment] = REPORT_INDEXES;
        for index_statement in [
            index(by_status, Reports::Table, [Reports::Status, Reports::Id]),
            index(by_summary, Reports::Table, [Reports::SummaryId]),
            index(by_comment, Reports::Table, [Reports::CommentId]),
        ] {
            manager.create_index(index_statement).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Comments::Table)
                    .add_column(timestamp_with_time_zone_null(Comments::HiddenAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ModerationLog::Table)
                    .col(big_pk_auto(ModerationLog::Id))
                    // `null` for an operator at the command line, or a moderator whose account
                    // is gone.
                    .col(big_integer_null(ModerationLog::ModeratorId))
                    // `dismiss`, `hide`, `delete`, `ban_author`, `edit`, `ban`, `unban`.
                    .col(text(ModerationLog::Action))
                    .col(big_integer_null(ModerationLog::SummaryId))
                    .col(big_integer_null(ModerationLog::CommentId))
                    // The user acted upon: the author of the content, or the user banned.
                    .col(big_integer_null(ModerationLog::SubjectId))
                    .col(big_integer_null(ModerationLog::ReportId))
                    .col(text_null(ModerationLog::Note))
                    .col(timestamp_with_time_zone(ModerationLog::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_moderation_log_moderator_id")
                            .from(ModerationLog::Table, ModerationLog::ModeratorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(Index::drop().name(OLD_UPLOAD).table(Uploads::Table).to_owned())
            .await?;
        manager
            .create_index(unique_index(
                UPLOAD_PER_USER,
                Uploads::Table,
                [Uploads::UserId, Uploads::Sha256],
            ))
            .await?;
        manager
            .create_index(index(UPLOAD_BY_HASH, Uploads::Table, [Uploads::Sha256]))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [UPLOAD_BY_HASH, UPLOAD_PER_USER] {
            manager
                .drop_index(Index::drop().name(name).table(Uploads::Table).to_owned())
                .await?;
        }
        manager
            .create_index(unique_index(OLD_UPLOAD, Uploads::Table, [Uploads::Sha256]))
            .await?;
        manager
            .drop_table(Table::drop().table(ModerationLog::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Comments::Table)
                    .drop_column(Comments::HiddenAt)
                    .to_owned(),
            )
            .await?;
        for name in REPORT_INDEXES.into_iter().chain([COMMENT_REPORT, SUMMARY_REPORT]) {
            manager
                .drop_index(Index::drop().name(name).table(Reports::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
