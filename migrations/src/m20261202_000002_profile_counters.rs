//! The user directory sorts by counters kept on each user row instead of counting summaries per
//! user on every request: how many of their summaries count towards their public profile
//! (public, live, not hidden, under their name), the sum of those summaries' scores, and the
//! mean score × 10⁶ that `sort=score` orders by (`-9e12` for users without one, so they come
//! last). Each write that changes a counted summary adjusts them in its own transaction with
//! increments, which concurrent writers cannot lose. Filled here from the rows.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    ProfileSummaries,
    ProfileScore,
    ScoreMicros,
}

const INDEXES: [&str; 2] = ["idx_users_score_micros_id", "idx_users_profile_summaries_id"];

/// Users without a counted summary sort as this by score.
const NO_SCORE: i64 = -9_000_000_000_000;

/// Every user's counters from their summaries (also run after bulk loads).
pub const RECOUNT: &str = "
UPDATE users SET
    profile_summaries = (SELECT COUNT(*) FROM summaries s WHERE s.author_id = users.id
        AND s.deleted_at IS NULL AND s.hidden_at IS NULL AND s.visibility = 'public' AND s.anonymous = FALSE),
    profile_score = (SELECT COALESCE(SUM(s.score), 0) FROM summaries s WHERE s.author_id = users.id
        AND s.deleted_at IS NULL AND s.hidden_at IS NULL AND s.visibility = 'public' AND s.anonymous = FALSE);
UPDATE users SET score_micros = CASE WHEN profile_summaries > 0
    THEN profile_score * 1000000 / profile_summaries ELSE -9000000000000 END;
";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            big_integer(Users::ProfileSummaries).default(0).to_owned(),
            big_integer(Users::ProfileScore).default(0).to_owned(),
            big_integer(Users::ScoreMicros).default(NO_SCORE).to_owned(),
        ] {
            manager
                .alter_table(Table::alter().table(Users::Table).add_column(column).to_owned())
                .await?;
        }
        let [by_score, by_count] = INDEXES;
        manager
            .create_index(index(by_score, Users::Table, [Users::ScoreMicros, Users::Id]))
            .await?;
        manager
            .create_index(index(
                by_count,
                Users::Table,
                [Users::ProfileSummaries, Users::Id],
            ))
            .await?;
        manager.get_connection().execute_unprepared(RECOUNT).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in INDEXES {
            manager
                .drop_index(Index::drop().name(name).table(Users::Table).to_owned())
                .await?;
        }
        for column in [Users::ScoreMicros, Users::ProfileScore, Users::ProfileSummaries] {
            manager
                .alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
