//! What readers add around summaries: threaded comments, reports to moderators, notifications
//! and uploaded images.

use sea_orm_migration::{prelude::*, schema::*};

use super::{accounts::Users, papers::Papers, summaries::Summaries};

#[derive(DeriveIden)]
enum Comments {
    Table,
    Id,
    SummaryId,
    ParentId,
    AuthorId,
    BodyMarkdown,
    BodyHtml,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    ReporterId,
    SummaryId,
    CommentId,
    Reason,
    Status,
    Resolution,
    ResolvedBy,
    CreatedAt,
    ResolvedAt,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    ActorId,
    PaperId,
    SummaryId,
    CommentId,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum Uploads {
    Table,
    Id,
    UserId,
    Sha256,
    ContentType,
    ByteSize,
    CreatedAt,
}

pub(super) async fn up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Comments::Table)
                .col(big_pk_auto(Comments::Id))
                .col(big_integer(Comments::SummaryId))
                .col(big_integer_null(Comments::ParentId))
                .col(big_integer(Comments::AuthorId))
                .col(text(Comments::BodyMarkdown))
                .col(text(Comments::BodyHtml))
                .col(timestamp_with_time_zone(Comments::CreatedAt))
                .col(timestamp_with_time_zone(Comments::UpdatedAt))
                // Deleted comments keep their place in the thread as `[deleted]`.
                .col(timestamp_with_time_zone_null(Comments::DeletedAt))
                // Comments live and die with their thread: hard deletes only happen when a
                // summary or a subtree is purged, deletes by users are soft.
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_comments_summary_id")
                        .from(Comments::Table, Comments::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_comments_parent_id")
                        .from(Comments::Table, Comments::ParentId)
                        .to(Comments::Table, Comments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_comments_author_id")
                        .from(Comments::Table, Comments::AuthorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::NoAction),
                )
                .to_owned(),
        )
        .await?;
    // A thread, oldest first, paginated by keyset.
    manager
        .create_index(super::index(
            "idx_comments_summary_id_created_at_id",
            Comments::Table,
            [Comments::SummaryId, Comments::CreatedAt, Comments::Id],
        ))
        .await?;
    // Replies of a comment (and the cascade when a subtree is purged).
    manager
        .create_index(super::index(
            "idx_comments_parent_id",
            Comments::Table,
            [Comments::ParentId],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Reports::Table)
                .col(big_pk_auto(Reports::Id))
                .col(big_integer(Reports::ReporterId))
                .col(big_integer_null(Reports::SummaryId))
                .col(big_integer_null(Reports::CommentId))
                .col(text(Reports::Reason))
                // `open` or `resolved`.
                .col(text(Reports::Status).default("open"))
                // The moderator's action: `dismiss`, `hide`, `delete` or `ban_author`.
                .col(text_null(Reports::Resolution))
                .col(big_integer_null(Reports::ResolvedBy))
                .col(timestamp_with_time_zone(Reports::CreatedAt))
                .col(timestamp_with_time_zone_null(Reports::ResolvedAt))
                // A report is about something: a summary, a comment (or both, for context).
                .check(Check::named(
                    "ck_reports_target",
                    Expr::col(Reports::SummaryId)
                        .is_not_null()
                        .or(Expr::col(Reports::CommentId).is_not_null()),
                ))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reports_reporter_id")
                        .from(Reports::Table, Reports::ReporterId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reports_summary_id")
                        .from(Reports::Table, Reports::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reports_comment_id")
                        .from(Reports::Table, Reports::CommentId)
                        .to(Comments::Table, Comments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_reports_resolved_by")
                        .from(Reports::Table, Reports::ResolvedBy)
                        .to(Users::Table, Users::Id)
                        // The resolution stands even if the moderator's account goes.
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    // The moderation queue: open reports, oldest first.
    manager
        .create_index(super::index(
            "idx_reports_status_created_at_id",
            Reports::Table,
            [Reports::Status, Reports::CreatedAt, Reports::Id],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Notifications::Table)
                .col(big_pk_auto(Notifications::Id))
                // The reader being notified.
                .col(big_integer(Notifications::UserId))
                // e.g. `comment`, `reply`, `new_summary`; the api owns the list.
                .col(text(Notifications::Kind))
                .col(big_integer_null(Notifications::ActorId))
                .col(big_integer_null(Notifications::PaperId))
                .col(big_integer_null(Notifications::SummaryId))
                .col(big_integer_null(Notifications::CommentId))
                .col(timestamp_with_time_zone(Notifications::CreatedAt))
                .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_user_id")
                        .from(Notifications::Table, Notifications::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_actor_id")
                        .from(Notifications::Table, Notifications::ActorId)
                        .to(Users::Table, Users::Id)
                        // "Someone commented" is still worth reading.
                        .on_delete(ForeignKeyAction::SetNull),
                )
                // A notification about something purged would link nowhere.
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_paper_id")
                        .from(Notifications::Table, Notifications::PaperId)
                        .to(Papers::Table, Papers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_summary_id")
                        .from(Notifications::Table, Notifications::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_notifications_comment_id")
                        .from(Notifications::Table, Notifications::CommentId)
                        .to(Comments::Table, Comments::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // `/me/notifications`, newest first.
    manager
        .create_index(super::index(
            "idx_notifications_user_id_created_at_id",
            Notifications::Table,
            [Notifications::UserId, Notifications::CreatedAt, Notifications::Id],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Uploads::Table)
                .col(big_pk_auto(Uploads::Id))
                .col(big_integer(Uploads::UserId))
                // Content address of the stored file: the same image uploaded twice is one file.
                .col(text(Uploads::Sha256))
                .col(text(Uploads::ContentType))
                .col(big_integer(Uploads::ByteSize))
                .col(timestamp_with_time_zone(Uploads::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_uploads_user_id")
                        .from(Uploads::Table, Uploads::UserId)
                        .to(Users::Table, Users::Id)
                        // Images are embedded in published text; removing them is a decision.
                        .on_delete(ForeignKeyAction::NoAction),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_uploads_sha256",
            Uploads::Table,
            [Uploads::Sha256],
        ))
        .await
}

pub(super) async fn down(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    super::drop_tables(
        manager,
        [
            Uploads::Table.into_iden(),
            Notifications::Table.into_iden(),
            Reports::Table.into_iden(),
            Comments::Table.into_iden(),
        ],
    )
    .await
}
