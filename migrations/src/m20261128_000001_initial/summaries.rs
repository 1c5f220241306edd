//! Summaries with their tags, revision history, votes and daily view counts.

use sea_orm_migration::{prelude::*, schema::*};

use super::{accounts::Users, papers::Papers};

#[derive(DeriveIden)]
pub(crate) enum Summaries {
    Table,
    Id,
    PaperId,
    AuthorId,
    Anonymous,
    Visibility,
    ShareToken,
    BodyMarkdown,
    BodyHtml,
    Score,
    Upvotes,
    Downvotes,
    CommentCount,
    Revision,
    License,
    ViewCount,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    HiddenAt,
}

#[derive(DeriveIden)]
enum SummaryTags {
    Table,
    SummaryId,
    Tag,
}

#[derive(DeriveIden)]
enum SummaryRevisions {
    Table,
    Id,
    SummaryId,
    Revision,
    BodyMarkdown,
    EditorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Votes {
    Table,
    SummaryId,
    UserId,
    Value,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PageViews {
    Table,
    SummaryId,
    Day,
    Views,
}

pub(super) async fn up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Summaries::Table)
                .col(big_pk_auto(Summaries::Id))
                .col(big_integer(Summaries::PaperId))
                .col(big_integer(Summaries::AuthorId))
                .col(boolean(Summaries::Anonymous).default(false))
                // `public`, `unlisted` or `private`.
                .col(text(Summaries::Visibility).default("public"))
                // The secret in an unlisted summary's share URL; shown to its author, so stored
                // as is rather than hashed.
                .col(text_null(Summaries::ShareToken))
                .col(text(Summaries::BodyMarkdown))
                // Rendered once per revision so reads never run the renderer.
                .col(text(Summaries::BodyHtml))
                // Vote tallies are denormalised so `sort=top` pages by an index; the vote
                // write path updates them in the same transaction as `votes`.
                .col(integer(Summaries::Score).default(0))
                .col(integer(Summaries::Upvotes).default(0))
                .col(integer(Summaries::Downvotes).default(0))
                .col(integer(Summaries::CommentCount).default(0))
                .col(integer(Summaries::Revision).default(1))
                .col(text(Summaries::License).default("CC-BY-4.0"))
                .col(big_integer(Summaries::ViewCount).default(0))
                .col(timestamp_with_time_zone(Summaries::CreatedAt))
                .col(timestamp_with_time_zone(Summaries::UpdatedAt))
                // Soft delete by the author or a moderator; hiding is a moderation outcome.
                .col(timestamp_with_time_zone_null(Summaries::DeletedAt))
                .col(timestamp_with_time_zone_null(Summaries::HiddenAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_summaries_paper_id")
                        .from(Summaries::Table, Summaries::PaperId)
                        .to(Papers::Table, Papers::Id)
                        // Summaries are the site's content: removing a paper must deal with
                        // them explicitly (e.g. merge into the duplicate), never wipe them.
                        .on_delete(ForeignKeyAction::NoAction),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_summaries_author_id")
                        .from(Summaries::Table, Summaries::AuthorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::NoAction),
                )
                .to_owned(),
        )
        .await?;
    // One summary per user per paper (m20261201_000003 narrows this to summaries that are not
    // deleted).
    manager
        .create_index(super::unique_index(
            "uq_summaries_paper_id_author_id",
            Summaries::Table,
            [Summaries::PaperId, Summaries::AuthorId],
        ))
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_summaries_share_token",
            Summaries::Table,
            [Summaries::ShareToken],
        ))
        .await?;
    // Keyset pagination for `/summaries?sort=new|top`, `/papers/{id}/summaries?sort=top|new`
    // and `/users/{username}/summaries`.
    for (name, columns) in [
        (
            "idx_summaries_created_at_id",
            vec![Summaries::CreatedAt, Summaries::Id],
        ),
        ("idx_summaries_score_id", vec![Summaries::Score, Summaries::Id]),
        (
            "idx_summaries_paper_id_score_id",
            vec![Summaries::PaperId, Summaries::Score, Summaries::Id],
        ),
        (
            "idx_summaries_paper_id_created_at_id",
            vec![Summaries::PaperId, Summaries::CreatedAt, Summaries::Id],
        ),
        (
            "idx_summaries_author_id_created_at_id",
            vec![Summaries::AuthorId, Summaries::CreatedAt, Summaries::Id],
        ),
    ] {
        manager
            .create_index(super::index(name, Summaries::Table, columns))
            .await?;
    }

    manager
        .create_table(
            Table::create()
                .table(SummaryTags::Table)
                .col(big_integer(SummaryTags::SummaryId))
                .col(text(SummaryTags::Tag))
                .primary_key(Index::create().col(SummaryTags::SummaryId).col(SummaryTags::Tag))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_summary_tags_summary_id")
                        .from(SummaryTags::Table, SummaryTags::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // `/summaries?tag=`.
    manager
        .create_index(super::index(
            "idx_summary_tags_tag_summary_id",
            SummaryTags::Table,
            [SummaryTags::Tag, SummaryTags::SummaryId],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(SummaryRevisions::Table)
                .col(big_pk_auto(SummaryRevisions::Id))
                .col(big_integer(SummaryRevisions::SummaryId))
                .col(integer(SummaryRevisions::Revision))
                .col(text(SummaryRevisions::BodyMarkdown))
                // The author or the moderator who made this revision.
                .col(big_integer(SummaryRevisions::EditorId))
                .col(timestamp_with_time_zone(SummaryRevisions::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_summary_revisions_summary_id")
                        .from(SummaryRevisions::Table, SummaryRevisions::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_summary_revisions_editor_id")
                        .from(SummaryRevisions::Table, SummaryRevisions::EditorId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::NoAction),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_summary_revisions_summary_id_revision",
            SummaryRevisions::Table,
            [SummaryRevisions::SummaryId, SummaryRevisions::Revision],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(Votes::Table)
                .col(big_integer(Votes::SummaryId))
                .col(big_integer(Votes::UserId))
                // A vote of 0 is stored as no row, so only the two real votes are valid; the
                // rule cannot change, so a CHECK costs nothing later.
                .col(small_integer(Votes::Value).check(Check::named(
                    "ck_votes_value",
                    Expr::col(Votes::Value).is_in([-1, 1]),
                )))
                .col(timestamp_with_time_zone(Votes::CreatedAt))
                .col(timestamp_with_time_zone(Votes::UpdatedAt))
                .primary_key(Index::create().col(Votes::SummaryId).col(Votes::UserId))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_votes_summary_id")
                        .from(Votes::Table, Votes::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_votes_user_id")
                        .from(Votes::Table, Votes::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // A reader's votes, for `my_vote` on listing pages and for user scores.
    manager
        .create_index(super::index("idx_votes_user_id", Votes::Table, [Votes::UserId]))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(PageViews::Table)
                .col(big_integer(PageViews::SummaryId))
                // UTC day; one row per summary per day keeps `popular` over a period cheap.
                .col(date(PageViews::Day))
                .col(integer(PageViews::Views).default(0))
                .primary_key(Index::create().col(PageViews::SummaryId).col(PageViews::Day))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_page_views_summary_id")
                        .from(PageViews::Table, PageViews::SummaryId)
                        .to(Summaries::Table, Summaries::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // `popular` sums the views of the last day/week/month across all summaries.
    manager
        .create_index(super::index(
            "idx_page_views_day",
            PageViews::Table,
            [PageViews::Day],
        ))
        .await
}

pub(super) async fn down(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    super::drop_tables(
        manager,
        [
            PageViews::Table.into_iden(),
            Votes::Table.into_iden(),
            SummaryRevisions::Table.into_iden(),
            SummaryTags::Table.into_iden(),
            Summaries::Table.into_iden(),
        ],
    )
    .await
}
