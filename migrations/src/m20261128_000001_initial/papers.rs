//! Papers (one row per work, whatever identifier it was found by) and who follows them.

use sea_orm_migration::{prelude::*, schema::*};

use super::accounts::Users;

#[derive(DeriveIden)]
pub(crate) enum Papers {
    Table,
    Id,
    Key,
    Title,
    Authors,
    Abstract,
    Venue,
    VenueKey,
    Year,
    PublishedAt,
    Category,
    ArxivId,
    Doi,
    DblpKey,
    Urls,
    PdfUrl,
    SummaryCount,
    ViewCount,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PaperFollows {
    Table,
    UserId,
    PaperId,
    CreatedAt,
}

pub(super) async fn up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Papers::Table)
                .col(big_pk_auto(Papers::Id))
                // Canonical bibtexKey-style key: `arxiv:1703.06870`, `doi:…`, `dblp:…` or legacy.
                .col(text(Papers::Key))
                .col(text(Papers::Title))
                // JSON array of author names, in order.
                .col(text(Papers::Authors).default("[]"))
                .col(text_null(Papers::Abstract))
                .col(text_null(Papers::Venue))
                .col(text_null(Papers::VenueKey))
                .col(integer_null(Papers::Year))
                .col(timestamp_with_time_zone_null(Papers::PublishedAt))
                .col(text(Papers::Category).default("other"))
                // The identifiers a paper can be imported or resolved by: each names at most one
                // paper (NULLs do not collide on either backend).
                .col(text_null(Papers::ArxivId))
                .col(text_null(Papers::Doi))
                .col(text_null(Papers::DblpKey))
                // JSON array of links.
                .col(text(Papers::Urls).default("[]"))
                .col(text_null(Papers::PdfUrl))
                // Denormalised for sorting by `most_summarized` without a join; kept in step by
                // the write paths that add or remove summaries.
                .col(integer(Papers::SummaryCount).default(0))
                .col(big_integer(Papers::ViewCount).default(0))
                .col(big_integer_null(Papers::CreatedBy))
                .col(timestamp_with_time_zone(Papers::CreatedAt))
                .col(timestamp_with_time_zone(Papers::UpdatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_papers_created_by")
                        .from(Papers::Table, Papers::CreatedBy)
                        .to(Users::Table, Users::Id)
                        // The paper outlives the account that entered it.
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
    for (name, column) in [
        ("uq_papers_key", Papers::Key),
        ("uq_papers_arxiv_id", Papers::ArxivId),
        ("uq_papers_doi", Papers::Doi),
        ("uq_papers_dblp_key", Papers::DblpKey),
    ] {
        manager
            .create_index(super::unique_index(name, Papers::Table, [column]))
            .await?;
    }
    // `/venues` and `/venues/{venue_key}/summaries?year=`.
    manager
        .create_index(super::index(
            "idx_papers_venue_key_year",
            Papers::Table,
            [Papers::VenueKey, Papers::Year],
        ))
        .await?;
    // Keyset pagination: each sort key is followed by `id` so the cursor is unique.
    manager
        .create_index(super::index(
            "idx_papers_created_at_id",
            Papers::Table,
            [Papers::CreatedAt, Papers::Id],
        ))
        .await?;
    manager
        .create_index(super::index(
            "idx_papers_summary_count_id",
            Papers::Table,
            [Papers::SummaryCount, Papers::Id],
        ))
        .await?;
    manager
        .create_index(super::index("idx_papers_year", Papers::Table, [Papers::Year]))
        .await?;
    manager
        .create_index(super::index(
            "idx_papers_category_created_at_id",
            Papers::Table,
            [Papers::Category, Papers::CreatedAt, Papers::Id],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(PaperFollows::Table)
                .col(big_integer(PaperFollows::UserId))
                .col(big_integer(PaperFollows::PaperId))
                .col(timestamp_with_time_zone(PaperFollows::CreatedAt))
                .primary_key(
                    Index::create()
                        .col(PaperFollows::UserId)
                        .col(PaperFollows::PaperId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_paper_follows_user_id")
                        .from(PaperFollows::Table, PaperFollows::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_paper_follows_paper_id")
                        .from(PaperFollows::Table, PaperFollows::PaperId)
                        .to(Papers::Table, Papers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    // Who to notify when a paper gets a new summary.
    manager
        .create_index(super::index(
            "idx_paper_follows_paper_id",
            PaperFollows::Table,
            [PaperFollows::PaperId],
        ))
        .await
}

pub(super) async fn down(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    super::drop_tables(
        manager,
        [PaperFollows::Table.into_iden(), Papers::Table.into_iden()],
    )
    .await
}
