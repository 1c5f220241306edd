//! Bulk writes for generated volume: multi-row inserts with ids assigned by the caller.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait};

/// Rows per INSERT statement; keeps bind parameters below SQLite's limit.
const ROWS_PER_STATEMENT: usize = 500;

/// Inserts rows in multi-row statements.
pub async fn insert_all<A, C>(db: &C, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    A: sea_orm::ActiveModelTrait + Send,
    C: ConnectionTrait,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let statement: Vec<A> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
        <A::Entity as EntityTrait>::insert_many(statement)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The first free id of a table.
pub async fn next_id(db: &DatabaseConnection, table: &str) -> Result<i64, sea_orm::DbErr> {
    let query = Query::select()
        .expr(Func::coalesce([Expr::col(Alias::new("id")).max(), Expr::val(0)]))
        .from(Alias::new(table))
        .to_owned();
    let row = db.query_one(&query).await?;
    let max: i64 = match row {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok(max + 1)
}

/// Refreshes the query planner's statistics: after bulk loads (the generator, batch imports),
/// which add rows faster than PostgreSQL's autovacuum notices. Without them PostgreSQL plans a
/// freshly loaded table as if it were nearly empty (it took a sequential scan and a sort over the
/// list's index, 3.5 s a request at 100k summaries), and SQLite has no statistics at all.
pub async fn analyze(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}
