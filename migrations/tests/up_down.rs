//! Runs the migrations up, down and up again on a fresh SQLite file and on a fresh PostgreSQL
//! database, and checks that the schema enforces what the api relies on (ids, foreign keys,
//! uniqueness, cascades) on both backends.

use std::time::{SystemTime, UNIX_EPOCH};

use migrations::Migrator;
use sea_orm_migration::{
    MigratorTrait, SchemaManager,
    sea_orm::{
        ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, RuntimeErr, Statement,
        TryGetable, sqlx::error::ErrorKind,
    },
};

const POSTGRES_URL_VAR: &str = "SHORTSCIENCE_TEST_POSTGRES_URL";

/// The current time in SQL both backends accept.
const NOW: &str = "CURRENT_TIMESTAMP";

const TABLES: [&str; 18] = [
    "users",
    "sessions",
    "refresh_tokens",
    "api_tokens",
    "user_tokens",
    "papers",
    "paper_follows",
    "paper_keys",
    "summaries",
    "summary_tags",
    "summary_revisions",
    "votes",
    "page_views",
    "comments",
    "reports",
    "notifications",
    "uploads",
    "outbox",
];

#[tokio::test]
async fn sqlite_up_down_up() {
    let dir = std::env::temp_dir().join(unique_name("shortscience_migrations"));
    std::fs::create_dir_all(&dir).expect("create the temporary directory");
    let mut options = ConnectOptions::new(format!(
        "sqlite://{}?mode=rwc",
        dir.join("shortscience.db").display()
    ));
    // PRAGMAs hold per connection: with one connection, every statement below runs with
    // foreign keys enforced.
    options.max_connections(1).min_connections(1);
    let db = Database::connect(options).await.expect("open the SQLite file");
    db.execute_unprepared("PRAGMA foreign_keys = ON")
        .await
        .expect("enable foreign keys");
    assert_eq!(
        query_value::<i64>(&db, "PRAGMA foreign_keys", "foreign_keys").await,
        Ok(1),
        "foreign keys must be enforced on the test connection"
    );

    let outcome = run_scenario(db.clone()).await;

    let _ = db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    outcome.finish("SQLite");
}

#[tokio::test]
async fn postgres_up_down_up() {
    let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{POSTGRES_URL_VAR} is not set: the migrations must be tested on PostgreSQL too. \
             Point it at a server where this test may create and drop a database, e.g. \
             {POSTGRES_URL_VAR}=postgres://postgres@127.0.0.1:5432/postgres"
        )
    });
    let admin = Database::connect(admin_url.as_str())
        .await
        .unwrap_or_else(|e| panic!("connect to {POSTGRES_URL_VAR}={admin_url}: {e}"));
    let name = unique_name("shortscience_migrations");
    admin
        .execute_unprepared(&format!(r#"CREATE DATABASE "{name}""#))
        .await
        .expect("create the test database");

    let outcome = match Database::connect(with_database(&admin_url, &name)).await {
        Ok(db) => {
            let outcome = run_scenario(db.clone()).await;
            let _ = db.close().await;
            outcome
        }
        Err(e) => Outcome::Failed(e),
    };

    let dropped = admin
        .execute_unprepared(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .await;
    outcome.finish("PostgreSQL");
    dropped.expect("drop the test database");
}

/// How a scenario run ended; kept apart from panicking so the caller cleans up first.
enum Outcome {
    Passed,
    Failed(DbErr),
    Panicked(tokio::task::JoinError),
}

impl Outcome {
    fn finish(self, backend: &str) {
        match self {
            Self::Passed => {}
            Self::Failed(err) => panic!("up, down and up on {backend}: {err}"),
            Self::Panicked(join) => match join.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(join) => panic!("the {backend} scenario did not finish: {join}"),
            },
        }
    }
}

/// Runs the scenario on its own task, so a failed assertion comes back as a value and the
/// temporary database is still removed.
async fn run_scenario(db: DatabaseConnection) -> Outcome {
    match tokio::spawn(async move { up_down_up(&db).await }).await {
        Ok(Ok(())) => Outcome::Passed,
        Ok(Err(err)) => Outcome::Failed(err),
        Err(join) => Outcome::Panicked(join),
    }
}

/// The whole scenario, run on each backend.
async fn up_down_up(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await?;
    assert_tables(db, true).await?;
    check_constraints(db).await?;

    Migrator::down(db, None).await?;
    assert_tables(db, false).await?;

    // A second `up` must work on what `down` left, and start from clean tables.
    Migrator::up(db, None).await?;
    assert_tables(db, true).await?;
    check_constraints(db).await
}

async fn assert_tables(db: &DatabaseConnection, present: bool) -> Result<(), DbErr> {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert_eq!(
            manager.has_table(table).await?,
            present,
            "table {table} should be {}",
            if present { "present" } else { "gone" }
        );
    }
    Ok(())
}

/// The rules the api counts on the database to keep, whatever the backend.
async fn check_constraints(db: &DatabaseConnection) -> Result<(), DbErr> {
    // Ids are generated, distinct and never reused, so a deleted summary's URL can never
    // come to show another one.
    let ada = insert_user(db, "ada").await?;
    let bob = insert_user(db, "bob").await?;
    assert!(ada > 0 && bob > ada, "ids ascend: ada={ada} bob={bob}");
    exec(db, &format!("DELETE FROM users WHERE id = {bob}")).await?;
    let cyd = insert_user(db, "cyd").await?;
    assert!(cyd > bob, "the id of a deleted row is not handed out again");

    // Ids are 64-bit on both backends.
    let big = 5_000_000_000_i64;
    exec(
        db,
        &format!(
            "INSERT INTO users (id, username, email, display_name, created_at, updated_at) \
             VALUES ({big}, 'big', 'big@example.org', 'Big', {NOW}, {NOW})"
        ),
    )
    .await?;
    assert_eq!(
        query_value::<i64>(db, &format!("SELECT id FROM users WHERE id = {big}"), "id").await?,
        big
    );

    // Usernames and emails are unique, and usernames are stored lowercased.
    assert_violation(
        insert_user(db, "ada").await,
        ErrorKind::UniqueViolation,
        "a taken username",
    );
    assert_violation(
        exec(
            db,
            &format!(
                "INSERT INTO users (username, email, display_name, created_at, updated_at) \
                 VALUES ('Dora', 'dora@example.org', 'Dora', {NOW}, {NOW})"
            ),
        )
        .await,
        ErrorKind::CheckViolation,
        "a username that is not lowercase",
    );

    let paper = insert_returning_id(
        db,
        &format!(
            "INSERT INTO papers (key, title, arxiv_id, created_by, created_at, updated_at) \
             VALUES ('arxiv:1703.06870', 'Mask R-CNN', '1703.06870', {ada}, {NOW}, {NOW}) \
             RETURNING id"
        ),
    )
    .await?;
    assert_eq!(
        query_value::<i32>(
            db,
            &format!("SELECT summary_count FROM papers WHERE id = {paper}"),
            "summary_count"
        )
        .await?,
        0,
        "counters start at zero"
    );
    assert_violation(
        exec(
            db,
            &format!(
                "INSERT INTO papers (key, title, arxiv_id, created_at, updated_at) \
                 VALUES ('arxiv:1703.06870v3', 'Mask R-CNN', '1703.06870', {NOW}, {NOW})"
            ),
        )
        .await,
        ErrorKind::UniqueViolation,
        "a second paper with the same arXiv id",
    );

    // A summary needs an existing paper and author; one per author per paper.
    assert_violation(
        insert_summary(db, paper + 1000, ada).await,
        ErrorKind::ForeignKeyViolation,
        "a summary of a paper that does not exist",
    );
    assert_violation(
        insert_summary(db, paper, bob).await,
        ErrorKind::ForeignKeyViolation,
        "a summary by a deleted user",
    );
    let summary = insert_summary(db, paper, ada).await?;
    assert_violation(
        insert_summary(db, paper, ada).await,
        ErrorKind::UniqueViolation,
        "a second summary of the same paper by the same author",
    );
    assert_eq!(
        query_value::<i32>(
            db,
            &format!("SELECT revision FROM summaries WHERE id = {summary}"),
            "revision"
        )
        .await?,
        1,
        "a new summary is revision 1"
    );

    // Votes are -1 or 1.
    assert_violation(
        exec(
            db,
            &format!(
                "INSERT INTO votes (summary_id, user_id, value, created_at, updated_at) \
                 VALUES ({summary}, {cyd}, 2, {NOW}, {NOW})"
            ),
        )
        .await,
        ErrorKind::CheckViolation,
        "a vote of 2",
    );
    exec(
        db,
        &format!(
            "INSERT INTO votes (summary_id, user_id, value, created_at, updated_at) \
             VALUES ({summary}, {cyd}, -1, {NOW}, {NOW})"
        ),
    )
    .await?;
    exec(
        db,
        &format!("INSERT INTO summary_tags (summary_id, tag) VALUES ({summary}, 'vision')"),
    )
    .await?;
    exec(
        db,
        &format!(
            "INSERT INTO summary_revisions (summary_id, revision, body_markdown, editor_id, \
             created_at) VALUES ({summary}, 1, 'Masks.', {ada}, {NOW})"
        ),
    )
    .await?;

    // A paper with summaries cannot vanish under them.
    assert_violation(
        exec(db, &format!("DELETE FROM papers WHERE id = {paper}")).await,
        ErrorKind::ForeignKeyViolation,
        "deleting a paper that has summaries",
    );

    // Purging a summary takes its votes, tags and revisions with it.
    exec(db, &format!("DELETE FROM summaries WHERE id = {summary}")).await?;
    for table in ["votes", "summary_tags", "summary_revisions"] {
        assert_eq!(
            query_value::<i64>(
                db,
                &format!("SELECT COUNT(*) AS n FROM {table} WHERE summary_id = {summary}"),
                "n"
            )
            .await?,
            0,
            "{table} rows of a deleted summary are deleted with it"
        );
    }

    // Deleting an account takes its credentials with it.
    exec(
        db,
        &format!(
            "INSERT INTO refresh_tokens (user_id, family_id, token_hash, created_at, expires_at) \
             VALUES ({cyd}, 'family', 'hash', {NOW}, {NOW})"
        ),
    )
    .await?;
    exec(db, &format!("DELETE FROM users WHERE id = {cyd}")).await?;
    assert_eq!(
        query_value::<i64>(db, "SELECT COUNT(*) AS n FROM refresh_tokens", "n").await?,
        0,
        "refresh tokens of a deleted user are deleted with it"
    );
    Ok(())
}

async fn insert_user(db: &DatabaseConnection, username: &str) -> Result<i64, DbErr> {
    insert_returning_id(
        db,
        &format!(
            "INSERT INTO users (username, email, display_name, created_at, updated_at) \
             VALUES ('{username}', '{username}@example.org', '{username}', {NOW}, {NOW}) \
             RETURNING id"
        ),
    )
    .await
}

async fn insert_summary(db: &DatabaseConnection, paper: i64, author: i64) -> Result<i64, DbErr> {
    insert_returning_id(
        db,
        &format!(
            "INSERT INTO summaries (paper_id, author_id, body_markdown, body_html, created_at, \
             updated_at) VALUES ({paper}, {author}, 'Masks.', '<p>Masks.</p>', {NOW}, {NOW}) \
             RETURNING id"
        ),
    )
    .await
}

async fn insert_returning_id(db: &DatabaseConnection, sql: &str) -> Result<i64, DbErr> {
    query_value(db, sql, "id").await
}

async fn query_value<T: TryGetable>(db: &DatabaseConnection, sql: &str, column: &str) -> Result<T, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(sql.to_owned()))?;
    row.try_get("", column)
}

async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), DbErr> {
    db.execute_unprepared(sql).await.map(|_| ())
}

/// Fails unless `result` is the database refusing the write for the `expected` reason, so a
/// typo in the SQL above cannot pass for a constraint at work.
fn assert_violation<T: std::fmt::Debug>(result: Result<T, DbErr>, expected: ErrorKind, what: &str) {
    let err = match result {
        Ok(value) => panic!("{what} was accepted ({value:?}), expected {expected:?}"),
        Err(err) => err,
    };
    let kind = match &err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            e.as_database_error().map(|e| e.kind())
        }
        _ => None,
    };
    assert_eq!(kind, Some(expected), "{what}: got {err}");
}

fn unique_name(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// `url` with its database name replaced by `database` (query parameters kept).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{database}?{query}"),
        None => format!("{server}/{database}"),
    }
}
