//! A version of everything a reader without an account can see, kept by the database itself:
//! triggers add one to `content_version.version` with every change of a table behind a public
//! answer, whichever process makes it (an instance of the service, the `shortscience` command,
//! a restore, a hand-written `UPDATE`). Instances keep serialised public answers under that
//! version and serve them only while it stands (`api::cache`).
//!
//! Counting a page view changes only `view_count`, which no public answer shows, so it leaves
//! the version alone (the update triggers name every other column). On PostgreSQL the triggers
//! are deferred to commit and add one per transaction: the version row is locked only while a
//! transaction commits, never while it goes on to lock other rows, so writers cannot deadlock
//! on it. A later migration that adds a column to one of these tables recreates its triggers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables behind public answers, and the columns whose changes no public answer shows.
const TABLES: &[(&str, &[&str])] = &[
    ("papers", &["view_count"]),
    ("paper_keys", &[]),
    ("summaries", &["view_count"]),
    ("summary_tags", &[]),
    ("summary_revisions", &[]),
    ("comments", &[]),
    ("users", &[]),
    ("paper_follows", &[]),
];

const POSTGRES_FUNCTION: &str = r#"
CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shortscience.content_bumped', true) IS DISTINCT FROM 'on' THEN
        UPDATE content_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('shortscience.content_bumped', 'on', true);
    END IF;
    RETURN NULL;
END
$$;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        db.execute_unprepared(
            "CREATE TABLE content_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL);
             INSERT INTO content_version (id, version) VALUES (1, 0);",
        )
        .await?;
        if backend == DbBackend::Postgres {
            db.execute_unprepared(POSTGRES_FUNCTION).await?;
        }
        for (table, unseen) in TABLES {
            let columns: Vec<String> = columns(manager, table)
                .await?
                .into_iter()
                .filter(|c| !unseen.contains(&c.as_str()))
                .map(|c| format!("\"{c}\""))
                .collect();
            let updated = format!("UPDATE OF {}", columns.join(", "));
            for (name, event) in [
                ("insert", "INSERT"),
                ("update", updated.as_str()),
                ("delete", "DELETE"),
            ] {
                let sql = match backend {
                    DbBackend::Postgres => format!(
                        "CREATE CONSTRAINT TRIGGER content_version_{table}_{name} AFTER {event} ON {table} \
                         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_content_version()"
                    ),
                    _ => format!(
                        "CREATE TRIGGER content_version_{table}_{name} AFTER {event} ON {table} \
                         BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END"
                    ),
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for (table, _) in TABLES {
            for name in ["insert", "update", "delete"] {
                let sql = match backend {
                    DbBackend::Postgres => format!("DROP TRIGGER content_version_{table}_{name} ON {table}"),
                    _ => format!("DROP TRIGGER content_version_{table}_{name}"),
                };
                db.execute_unprepared(&sql).await?;
            }
        }
        if backend == DbBackend::Postgres {
            db.execute_unprepared("DROP FUNCTION bump_content_version()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE content_version").await?;
        Ok(())
    }
}

/// The columns of a table, as the database has them now.
async fn columns(manager: &SchemaManager<'_>, table: &str) -> Result<Vec<String>, DbErr> {
    let backend = manager.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT column_name AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            [table.into()],
        ),
        _ => Statement::from_sql_and_values(backend, "SELECT name FROM pragma_table_info(?)", [table.into()]),
    };
    let rows = manager.get_connection().query_all_raw(statement).await?;
    rows.iter().map(|row| row.try_get::<String>("", "name")).collect()
}
