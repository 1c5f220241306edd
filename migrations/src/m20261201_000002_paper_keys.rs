//! Every key a paper is known by, and what upstream metadata adds.
//! - `paper_keys`: one row per key that resolves to a paper (its canonical key, `arxiv:`,
//!   `doi:` and `dblp:` forms, DBLP's CoRR keys, legacy bibtexKeys of the original site). The key
//!   is unique, so one identifier can never name two papers. Existing papers get their canonical
//!   key here; an import that meets one by its arXiv id, DOI or DBLP key column adds the rest.
//! - `papers.arxiv_version` and `papers.arxiv_primary_category` (e.g. `cs.LG`) from arXiv.
//! - `papers.merged_into`: a merged paper keeps its row so its URLs can redirect.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::papers::Papers;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PaperKeys {
    Table,
    Key,
    PaperId,
}

#[derive(DeriveIden)]
enum PaperColumns {
    ArxivVersion,
    ArxivPrimaryCategory,
    MergedInto,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PaperKeys::Table)
                    .col(text(PaperKeys::Key).primary_key())
                    .col(big_integer(PaperKeys::PaperId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_paper_keys_paper_id")
                            .from(PaperKeys::Table, PaperKeys::PaperId)
                            .to(Papers::Table, Papers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(super::m20261128_000001_initial::index(
                "idx_paper_keys_paper_id",
                PaperKeys::Table,
                [PaperKeys::PaperId],
            ))
            .await?;
        // Every existing paper is known by its canonical key.
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(PaperKeys::Table)
                    .columns([PaperKeys::Key, PaperKeys::PaperId])
                    .select_from(
                        Query::select()
                            .columns([Papers::Key, Papers::Id])
                            .from(Papers::Table)
                            .to_owned(),
                    )
                    .map_err(|e| DbErr::Custom(e.to_string()))?
                    .to_owned(),
            )
            .await?;
        for table_alter in [
            Table::alter()
                .table(Papers::Table)
                .add_column(integer_null(PaperColumns::ArxivVersion))
                .to_owned(),
            Table::alter()
                .table(Papers::Table)
                .add_column(text_null(PaperColumns::ArxivPrimaryCategory))
                .to_owned(),
            Table::alter()
                .table(Papers::Table)
                .add_column(big_integer_null(PaperColumns::MergedInto))
                .to_owned(),
        ] {
            // SQLite takes one column per ALTER TABLE.
            manager.alter_table(table_alter).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            PaperColumns::MergedInto,
            PaperColumns::ArxivPrimaryCategory,
            PaperColumns::ArxivVersion,
        ] {
            manager
                .alter_table(Table::alter().table(Papers::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(PaperKeys::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
