//! The little SQL that differs between SQLite and PostgreSQL, behind one trait with one
//! implementation per backend. Statements are built with sea-query, never by formatting text.
//! Full-text search is the largest part: SQLite's FTS5 tables against PostgreSQL's `tsvector`
//! columns.

use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Func, LockType, Order, Query, QueryStatementBuilder, SelectStatement, SimpleExpr,
};
use sea_orm::{
    AccessMode, Condition, ConnectionTrait, DbBackend, EntityTrait, IsolationLevel, PrimaryKeyTrait,
    QuerySelect, QueryTrait, TransactionOptions,
};

use super::entity::{papers, summaries, users};
use super::search::{MARK_END, MARK_START, Target, TextQuery, table};

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

    /// A condition on the target's table: the row matches the query.
    fn matches(&self, target: Target, query: &TextQuery) -> SimpleExpr;

    /// `id` and `relevance` (larger is better) of the newest `candidates` of the target's rows
    /// that match the query under `condition`. Only those are scored, so that a query matching
    /// most of the index costs no more than one matching a few rows.
    fn ranked(
        &self,
        target: Target,
        query: &TextQuery,
        condition: Condition,
        candidates: u64,
    ) -> SelectStatement;

    /// `id` and `snippet` of the given rows: a short passage around the matches, matched words
    /// between [`MARK_START`] and [`MARK_END`].
    fn snippets(&self, target: Target, query: &TextQuery, ids: Vec<i64>) -> SelectStatement;
}

/// The name of the ranked candidates' subquery.
const CANDIDATES: &str = "candidates";

/// Words of a snippet.
const SNIPPET_WORDS: u32 = 32;

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

    /// `id IN (SELECT rowid FROM …_search WHERE …_search MATCH ?)`.
    fn matches(&self, target: Target, query: &TextQuery) -> SimpleExpr {
        let index = target.fts_table();
        Expr::col((table(target), Alias::new("id"))).in_subquery(
            Query::select()
                .expr(Expr::cust("rowid"))
                .from(Alias::new(index))
                .and_where(fts_match(target, query))
                .to_owned(),
        )
    }

    /// BM25 over the FTS table (a title word weighs most). The FTS table is read in rowid order,
    /// newest first, and joined to the rows; BM25 is computed for the rows the limit lets through.
    fn ranked(
        &self,
        target: Target,
        query: &TextQuery,
        condition: Condition,
        candidates: u64,
    ) -> SelectStatement {
        let index = target.fts_table();
        let bm25 = match target {
            Target::Papers => "-bm25(paper_search, 10.0, 5.0, 1.0)",
            Target::Summaries => "-bm25(summary_search)",
        };
        let newest = Query::select()
            .column((table(target), Alias::new("id")))
            .expr_as(Expr::cust(bm25), Alias::new("relevance"))
            .from(Alias::new(index))
            .inner_join(
                table(target),
                Expr::col((table(target), Alias::new("id"))).equals((Alias::new(index), Alias::new("rowid"))),
            )
            .and_where(fts_match(target, query))
            .cond_where(condition)
            .order_by((Alias::new(index), Alias::new("rowid")), Order::Desc)
            .limit(candidates)
            .to_owned();
        Query::select()
            .columns([Alias::new("id"), Alias::new("relevance")])
            .from_subquery(newest, Alias::new(CANDIDATES))
            .to_owned()
    }

    fn snippets(&self, target: Target, query: &TextQuery, ids: Vec<i64>) -> SelectStatement {
        let index = target.fts_table();
        // Column -1: whichever column matched best.
        let snippet = format!(
            "snippet({index}, -1, char({}), char({}), '…', {SNIPPET_WORDS})",
            u32::from(MARK_START),
            u32::from(MARK_END)
        );
        Query::select()
            .expr_as(Expr::cust("rowid"), Alias::new("id"))
            .expr_as(Expr::cust(snippet), Alias::new("snippet"))
            .from(Alias::new(index))
            .and_where(fts_match(target, query))
            .and_where(Expr::cust("rowid").is_in(ids))
            .to_owned()
    }
}

/// `…_search MATCH '"word" "word" "start"*'`: each word a quoted string (quotes doubled, though
/// words are letters and digits only), the last one a prefix.
fn fts_match(target: Target, query: &TextQuery) -> SimpleExpr {
    let (head, last) = query.split_last();
    let quote = |w: &str| format!("\"{}\"", w.replace('"', "\"\""));
    let mut text: Vec<String> = head.iter().map(|w| quote(w)).collect();
    let star = if query.last_is_prefix() { "*" } else { "" };
    text.push(format!("{}{star}", quote(last)));
    Expr::cust_with_values(format!("{} MATCH ?", target.fts_table()), [text.join(" ")])
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

    /// `search_vector @@ query`, served by the GIN index.
    fn matches(&self, target: Target, query: &TextQuery) -> SimpleExpr {
        let (sql, values) = ts_query(query);
        Expr::cust_with_values(
            format!("\"{}\".\"search_vector\" @@ {sql}", target.table_name()),
            values,
        )
    }

    /// `ts_rank`, as a double (it is a `real`), of the newest matches: found through the GIN
    /// index when they are few, by walking the primary key backwards when they are many. The
    /// rank is computed outside the limit, so only the candidates are scored.
    fn ranked(
        &self,
        target: Target,
        query: &TextQuery,
        condition: Condition,
        candidates: u64,
    ) -> SelectStatement {
        let (sql, values) = ts_query(query);
        let newest = Query::select()
            .columns([
                (table(target), Alias::new("id")),
                (table(target), Alias::new("search_vector")),
            ])
            .from(table(target))
            .and_where(self.matches(target, query))
            .cond_where(condition)
            .order_by((table(target), Alias::new("id")), Order::Desc)
            .limit(candidates)
            .to_owned();
        Query::select()
            .column(Alias::new("id"))
            .expr_as(
                Expr::cust_with_values(
                    format!("ts_rank(\"{CANDIDATES}\".\"search_vector\", {sql})::float8"),
                    values,
                ),
                Alias::new("relevance"),
            )
            .from_subquery(newest, Alias::new(CANDIDATES))
            .to_owned()
    }

    fn snippets(&self, target: Target, query: &TextQuery, ids: Vec<i64>) -> SelectStatement {
        let (sql, mut values) = ts_query(query);
        let text = match target {
            Target::Papers => "concat_ws(' — ', \"title\", \"abstract\")",
            // The headline parses what it is given: the start of a long summary is enough.
            Target::Summaries => "left(\"body_markdown\", 20000)",
        };
        values.push(format!(
            "StartSel=\"{MARK_START}\", StopSel=\"{MARK_END}\", MaxWords={SNIPPET_WORDS}, \
             MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
        ));
        Query::select()
            .column((table(target), Alias::new("id")))
            .expr_as(
                Expr::cust_with_values(format!("ts_headline('english', {text}, {sql}, $3)"), values),
                Alias::new("snippet"),
            )
            .from(table(target))
            .and_where(Expr::col((table(target), Alias::new("id"))).is_in(ids))
            .to_owned()
    }
}

/// The words as a `tsquery` (values `$1` and `$2`), made by PostgreSQL itself so that no text
/// can be read as query syntax: `plainto_tsquery` of the words, the last one's lexemes made
/// prefixes (from two characters on), joined with `&`. Only stop words: an empty query, which
/// matches nothing.
fn ts_query(query: &TextQuery) -> (String, Vec<String>) {
    let (head, last) = query.split_last();
    let sql = if query.last_is_prefix() {
        "to_tsquery('simple', concat_ws(' & ', \
         nullif(plainto_tsquery('english', $1)::text, ''), \
         nullif(plainto_tsquery('english', $2)::text, '') || ':*'))"
    } else {
        "to_tsquery('simple', concat_ws(' & ', \
         nullif(plainto_tsquery('english', $1)::text, ''), \
         nullif(plainto_tsquery('english', $2)::text, '')))"
    };
    (sql.to_owned(), vec![head.join(" "), last.to_owned()])
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
