//! The little SQL that differs between SQLite and PostgreSQL, behind one trait with one
//! implementation per backend. Statements are built with sea-query, never by formatting text.
//! Full-text search will be its next user.

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, LockType, Query, QueryStatementBuilder, SelectStatement,
};
use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, EntityTrait, IsolationLevel, PrimaryKeyTrait, QuerySelect,
    QueryTrait, TransactionOptions,
};

use super::entity::{papers, summaries, users};

/// What a backend spells its own way.
pub trait Dialect: Sync {
    /// The query, made to lock the rows it reads until the transaction ends, so that changes of
    /// one row (a refresh and a password reset of one account, two merges of one paper) happen
    /// one after the other. `None` where every write transaction already holds the database's
    /// write lock.
    fn lock(&self, query: SelectStatement) -> Option<SelectStatement>;

    /// After rows were inserted with explicit ids: a statement that moves the id generator of
    /// `table` past the largest id. `None` where ids come from the rows themselves.
    fn sync_id_sequence(&self, table: &'static str) -> Option<SelectStatement>;

    /// Options of a read-only transaction that sees one state of the database throughout.
    fn snapshot(&self) -> TransactionOptions;
}

/// SQLite: write transactions start with `BEGIN IMMEDIATE` (`db::begin_write`), which takes
/// the one write lock of the database, and `AUTOINCREMENT` ids follow the largest row.
struct Sqlite;

impl Dialect for Sqlite {
    fn lock(&self, _query: SelectStatement) -> Option<SelectStatement> {
        None
    }

    fn sync_id_sequence(&self, _table: &'static str) -> Option<SelectStatement> {
        None
    }

    /// In WAL mode a read transaction is a snapshot from its first read on.
    fn snapshot(&self) -> TransactionOptions {
        TransactionOptions::default()
    }
}

/// PostgreSQL: `SELECT … FOR UPDATE`, and identity sequences that explicit ids do not move.
struct Postgres;

impl Dialect for Postgres {
    fn lock(&self, mut query: SelectStatement) -> Option<SelectStatement> {
        Some(query.lock(LockType::Update).to_owned())
    }

    fn sync_id_sequence(&self, table: &'static str) -> Option<SelectStatement> {
        let largest = Query::select()
            .expr(Expr::col(Alias::new("id")).max())
            .from(Alias::new(table))
            .to_owned();
        Some(
            Query::select()
                .expr(
                    Func::cust(Alias::new("setval")).args([
                        Func::cust(Alias::new("pg_get_serial_sequence"))
                            .args([Expr::val(table), Expr::val("id")])
                            .into(),
                        Expr::SubQuery(None, Box::new(largest.into_sub_query_statement())),
                    ]),
                )
                .to_owned(),
        )
    }

    /// READ COMMITTED, the default, lets each statement see newer commits.
    fn snapshot(&self) -> TransactionOptions {
        TransactionOptions {
            isolation_level: Some(IsolationLevel::RepeatableRead),
            access_mode: Some(AccessMode::ReadOnly),
            ..TransactionOptions::default()
        }
    }
}

/// The dialect of a connection's backend.
pub fn of(db: &impl ConnectionTrait) -> &'static dyn Dialect {
    match db.get_database_backend() {
        DbBackend::Postgres => &Postgres,
        _ => &Sqlite,
    }
}

/// Locks one row, by id, for the rest of the transaction (see [`Dialect::lock`]).
async fn lock_row<E>(txn: &impl ConnectionTrait, id: i64) -> Result<(), sea_orm::DbErr>
where
    E: EntityTrait,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i64>,
{
    let query = E::find_by_id(id).select_only().expr(Expr::value(1)).into_query();
    if let Some(statement) = of(txn).lock(query) {
        txn.query_one(&statement).await?;
    }
    Ok(())
}

/// Locks a user's row: credential changes.
pub async fn lock_user(txn: &impl ConnectionTrait, user_id: i64) -> Result<(), sea_orm::DbErr> {
    lock_row::<users::Entity>(txn, user_id).await
}

/// Locks a paper's row: merges, and writes that change its summary count.
pub async fn lock_paper(txn: &impl ConnectionTrait, paper_id: i64) -> Result<(), sea_orm::DbErr> {
    lock_row::<papers::Entity>(txn, paper_id).await
}

/// Locks a summary's row: edits, deletes and votes.
pub async fn lock_summary(txn: &impl ConnectionTrait, summary_id: i64) -> Result<(), sea_orm::DbErr> {
    lock_row::<summaries::Entity>(txn, summary_id).await
}

/// Moves a table's id generator past its largest id (see [`Dialect::sync_id_sequence`]).
pub async fn sync_id_sequence(db: &impl ConnectionTrait, table: &'static str) -> Result<(), sea_orm::DbErr> {
    if let Some(statement) = of(db).sync_id_sequence(table) {
        db.query_one(&statement).await?;
    }
    Ok(())
}
