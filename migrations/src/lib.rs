//! The ShortScience schema as ordered migrations; run at start-up and by `shortscience migrate`.

pub use sea_orm_migration::prelude::*;

mod m20261128_000001_initial;
mod m20261201_000001_sessions_outbox;
mod m20261201_000002_paper_keys;
mod m20261201_000003_live_summaries;
mod m20261201_000004_notifications;
mod m20261201_000005_moderation;
mod m20261202_000001_discovery;
mod m20261202_000002_profile_counters;
mod m20261202_000003_content_version;
mod m20261202_000004_banned_users;
mod m20261204_000001_top_of_period;

/// Recomputes every user's profile counters from their summaries (after bulk loads).
pub use m20261202_000002_profile_counters::RECOUNT as RECOUNT_PROFILES;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_initial::Migration),
            Box::new(m20261201_000001_sessions_outbox::Migration),
            Box::new(m20261201_000002_paper_keys::Migration),
            Box::new(m20261201_000003_live_summaries::Migration),
            Box::new(m20261201_000004_notifications::Migration),
            Box::new(m20261201_000005_moderation::Migration),
            Box::new(m20261202_000001_discovery::Migration),
            Box::new(m20261202_000002_profile_counters::Migration),
            Box::new(m20261202_000003_content_version::Migration),
            Box::new(m20261202_000004_banned_users::Migration),
            Box::new(m20261204_000001_top_of_period::Migration),
        ]
    }
}
