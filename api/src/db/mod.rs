//! Database access: connecting (SQLite or PostgreSQL), migrating, and the queries behind each
//! resource. The only place that builds SQL.

pub mod accounts;
pub mod backend;
pub mod bulk;
pub mod comments;
pub mod credentials;
pub mod entity;
pub mod moderation;
pub mod notifications;
pub mod outbox;
pub mod pagination;
pub mod papers;
pub mod search;
pub mod sitemap;
pub mod summaries;
pub mod uploads;
pub mod views;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

/// Connects to the configured database. SQLite gets WAL, foreign keys and a busy timeout so that
/// concurrent requests wait for the writer instead of failing; its file's folder is created.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    // One writer at a time is SQLite's rule; a small pool keeps readers concurrent.
    let connections = if url.starts_with("sqlite:") { 8 } else { 20 };
    open(url, connections).await
}

/// Opens a pool of at most `connections` connections.
async fn open(url: &str, connections: u32) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
    options.max_connections(connections).min_connections(1);
    Database::connect(options)
        .await
        .context("connecting to the database")
}

/// The PostgreSQL advisory lock held while migrating (any number; this one spells "ShSc").
const MIGRATION_LOCK: i64 = 0x5368_5363;

/// Brings the schema up to date on a connection of its own, then opens the pool the service
/// uses. Every connection of that pool starts after the last `ALTER TABLE`: an SQLite connection
/// that saw the table before it can keep the old column list of a statement it prepared (sqlx
/// caches it), and a row then lacks a column the entity has.
///
/// On PostgreSQL, instances starting together take turns: the migrating connection holds an
/// advisory lock, so the second waits and then finds every migration applied.
pub async fn connect_migrated(url: &str) -> anyhow::Result<DatabaseConnection> {
    use sea_orm::ConnectionTrait;
    // One connection, so that the session lock and the migrations share it.
    let migrating = open(url, 1).await?;
    if migrating.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        migrating
            .execute_unprepared(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            .await
            .context("waiting for the migration lock")?;
    }
    Migrator::up(&migrating, None)
        .await
        .context("running migrations")?;
    migrating
        .close()
        .await
        .context("closing the migration connections")?;
    connect(url).await
}

/// Starts a transaction that only reads, seeing one consistent state of the database.
pub async fn begin_read(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    db.begin_with_options(backend::of(db).snapshot()).await
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so it waits its turn (busy timeout) instead of failing with "database is
/// locked" when it tries to upgrade from reading to writing while another writer is active.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// Whether a write failed on a unique constraint (a duplicate).
pub fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// The path of a file-backed SQLite URL, if this is one.
fn sqlite_file(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// The current time at the precision both backends store (microseconds), so values read back
/// compare equal to values written (keyset cursors rely on that).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The version of what public answers show, which the database's triggers move with every
/// change of it (see [`crate::cache`]).
pub async fn content_version(db: &impl sea_orm::ConnectionTrait) -> Result<i64, sea_orm::DbErr> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
    let query = Query::select()
        .column(Alias::new("version"))
        .from(Alias::new("content_version"))
        .and_where(Expr::col(Alias::new("id")).eq(1))
        .to_owned();
    let row = db
        .query_one(&query)
        .await?
        .ok_or_else(|| sea_orm::DbErr::RecordNotFound("the content version".to_owned()))?;
    row.try_get_by_index(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://./data/shortscience.db?mode=rwc"),
            Some(Path::new("./data/shortscience.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
