//! One *live* summary per user per paper. The first schema made (paper, author) unique over
//! every row, soft-deleted ones included, so a deleted summary blocked writing a new one; now
//! only rows that are not deleted count. A partial unique index, which SQLite and PostgreSQL both
//! have, keeps the rule in the database, where concurrent posts cannot slip past it.

use sea_orm_migration::prelude::*;

use super::m20261128_000001_initial::summaries::Summaries;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OLD: &str = "uq_summaries_paper_id_author_id";
const NEW: &str = "uq_summaries_live_paper_id_author_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(OLD).table(Summaries::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(NEW)
                    .table(Summaries::Table)
                    .col(Summaries::PaperId)
                    .col(Summaries::AuthorId)
                    .unique()
                    .and_where(Expr::col(Summaries::DeletedAt).is_null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NEW).table(Summaries::Table).to_owned())
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(OLD)
                    .table(Summaries::Table)
                    .col(Summaries::PaperId)
                    .col(Summaries::AuthorId)
                    .unique()
                    .to_owned(),
            )
            .await
    }
}
