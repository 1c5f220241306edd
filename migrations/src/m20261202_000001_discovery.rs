//! Discovery: popularity, page views and full-text search.
//! - `summaries.popularity`, `papers.popularity`: recent page views and votes with decay, an
//!   integer the popularity job keeps current, so `sort=popular` pages by an index like the
//!   other orders. Each list filter has an index per order (`paper_id` and `author_id` lead).
//! - `daily_views`: page views per paper or summary per UTC day (the author's chart, and the
//!   job's input). `view_marks` keeps a keyed hash per reader, target and hour until the hour
//!   is over, so a reader counts once an hour without any address being stored; `view_salts`
//!   holds the day's key, in the database so that every instance hashes alike.
//! - Full-text search, maintained by the database in the same transaction as the row: SQLite
//!   FTS5 tables over the rows' own text (external content, kept by triggers), PostgreSQL
//!   generated `tsvector` columns with GIN indexes.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Summaries {
    Table,
    Id,
    Popularity,
    PaperId,
    AuthorId,
    Score,
}

#[derive(DeriveIden)]
enum Papers {
    Table,
    Id,
    Popularity,
}

#[derive(DeriveIden)]
enum DailyViews {
    Table,
    Kind,
    TargetId,
    Day,
    Views,
}

#[derive(DeriveIden)]
enum ViewMarks {
    Table,
    Mark,
    Hour,
}

#[derive(DeriveIden)]
enum ViewSalts {
    Table,
    Day,
    Salt,
}

const SUMMARY_INDEXES: [&str; 4] = [
    "idx_summaries_popularity_id",
    "idx_summaries_paper_id_popularity_id",
    "idx_summaries_author_id_score_id",
    "idx_summaries_author_id_popularity_id",
];
const PAPER_INDEX: &str = "idx_papers_popularity_id";

/// SQLite: FTS5 tables reading the rows' own columns, and the triggers that keep them.
const SQLITE_SEARCH: &str = "
CREATE VIRTUAL TABLE paper_search USING fts5(
    title, authors, abstract,
    content='papers', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER paper_search_insert AFTER INSERT ON papers BEGIN
    INSERT INTO paper_search(rowid, title, authors, abstract)
    VALUES (new.id, new.title, new.authors, new.abstract);
END;
CREATE TRIGGER paper_search_delete AFTER DELETE ON papers BEGIN
    INSERT INTO paper_search(paper_search, rowid, title, authors, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.abstract);
END;
CREATE TRIGGER paper_search_update AFTER UPDATE OF title, authors, abstract ON papers BEGIN
    INSERT INTO paper_search(paper_search, rowid, title, authors, abstract)
    VALUES ('delete', old.id, old.title, old.authors, old.abstract);
    INSERT INTO paper_search(rowid, title, authors, abstract)
    VALUES (new.id, new.title, new.authors, new.abstract);
END;
INSERT INTO paper_search(paper_search) VALUES ('rebuild');
CREATE VIRTUAL TABLE summary_search USING fts5(
    body_markdown,
    content='summaries', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER summary_search_insert AFTER INSERT ON summaries BEGIN
    INSERT INTO summary_search(rowid, body_markdown) VALUES (new.id, new.body_markdown);
END;
CREATE TRIGGER summary_search_delete AFTER DELETE ON summaries BEGIN
    INSERT INTO summary_search(summary_search, rowid, body_markdown)
    VALUES ('delete', old.id, old.body_markdown);
END;
CREATE TRIGGER summary_search_update AFTER UPDATE OF body_markdown ON summaries BEGIN
    INSERT INTO summary_search(summary_search, rowid, body_markdown)
    VALUES ('delete', old.id, old.body_markdown);
    INSERT INTO summary_search(rowid, body_markdown) VALUES (new.id, new.body_markdown);
END;
INSERT INTO summary_search(summary_search) VALUES ('rebuild');
";

const SQLITE_SEARCH_DOWN: &str = "
DROP TRIGGER summary_search_update;
DROP TRIGGER summary_search_delete;
DROP TRIGGER summary_search_insert;
DROP TABLE summary_search;
DROP TRIGGER paper_search_update;
DROP TRIGGER paper_search_delete;
DROP TRIGGER paper_search_insert;
DROP TABLE paper_search;
";

/// PostgreSQL: a generated `tsvector` per row (title and authors weigh most) and GIN indexes.
const POSTGRES_SEARCH: &str = "
ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', coalesce(authors, '')), 'B')
    || setweight(to_tsvector('english', coalesce(\"abstract\", '')), 'C')
) STORED;
CREATE INDEX idx_papers_search_vector ON papers USING GIN (search_vector);
ALTER TABLE summaries ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english', body_markdown)) STORED;
CREATE INDEX idx_summaries_search_vector ON summaries USING GIN (search_vector);
";

const POSTGRES_SEARCH_DOWN: &str = "
DROP INDEX idx_summaries_search_vector;
ALTER TABLE summaries DROP COLUMN search_vector;
DROP INDEX idx_papers_search_vector;
ALTER TABLE papers DROP COLUMN search_vector;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Summaries::Table)
                    .add_column(big_integer(Summaries::Popularity).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Papers::Table)
                    .add_column(big_integer(Papers::Popularity).default(0))
                    .to_owned(),
            )
            .await?;
        let [popular, paper_popular, author_top, author_popular] = SUMMARY_INDEXES;
        for statement in [
            index(popular, Summaries::Table, [Summaries::Popularity, Summaries::Id]),
            index(
                paper_popular,
                Summaries::Table,
                [Summaries::PaperId, Summaries::Popularity, Summaries::Id],
            ),
            index(
                author_top,
                Summaries::Table,
                [Summaries::AuthorId, Summaries::Score, Summaries::Id],
            ),
            index(
                author_popular,
                Summaries::Table,
                [Summaries::AuthorId, Summaries::Popularity, Summaries::Id],
            ),
            index(PAPER_INDEX, Papers::Table, [Papers::Popularity, Papers::Id]),
        ] {
            manager.create_index(statement).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DailyViews::Table)
                    // `paper` or `summary`.
                    .col(text(DailyViews::Kind))
                    .col(big_integer(DailyViews::TargetId))
                    // Days since 1970-01-01, UTC.
                    .col(integer(DailyViews::Day))
                    .col(big_integer(DailyViews::Views))
                    .primary_key(
                        Index::create()
                            .col(DailyViews::Kind)
                            .col(DailyViews::TargetId)
                            .col(DailyViews::Day),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_daily_views_day", DailyViews::Table, [DailyViews::Day]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ViewMarks::Table)
                    .col(text(ViewMarks::Mark).primary_key())
                    // Hours since 1970-01-01, UTC.
                    .col(integer(ViewMarks::Hour))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("idx_view_marks_hour", ViewMarks::Table, [ViewMarks::Hour]))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ViewSalts::Table)
                    .col(integer(ViewSalts::Day).primary_key())
                    .col(text(ViewSalts::Salt))
                    .to_owned(),
            )
            .await?;
        let search = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_SEARCH,
            _ => SQLITE_SEARCH,
        };
        manager.get_connection().execute_unprepared(search).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let search = match manager.get_database_backend() {
            DbBackend::Postgres => POSTGRES_SEARCH_DOWN,
            _ => SQLITE_SEARCH_DOWN,
        };
        manager.get_connection().execute_unprepared(search).await?;
        for table in [
            ViewSalts::Table.into_iden(),
            ViewMarks::Table.into_iden(),
            DailyViews::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .drop_index(Index::drop().name(PAPER_INDEX).table(Papers::Table).to_owned())
            .await?;
        for name in SUMMARY_INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Summaries::Table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Papers::Table)
                    .drop_column(Papers::Popularity)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Summaries::Table)
                    .drop_column(Summaries::Popularity)
                    .to_owned(),
            )
            .await
    }
}
