//! sea-orm entities for the tables the api reads and writes; their types mirror the
//! `migrations` crate exactly (i64 ids, UTC timestamps, JSON lists as text).

pub mod api_tokens;
pub mod comments;
pub mod daily_views;
pub mod moderation_log;
pub mod notifications;
pub mod outbox;
pub mod paper_follows;
pub mod paper_keys;
pub mod papers;
pub mod refresh_tokens;
pub mod reports;
pub mod sessions;
pub mod summaries;
pub mod summary_revisions;
pub mod summary_tags;
pub mod uploads;
pub mod user_tokens;
pub mod users;
pub mod view_marks;
pub mod view_salts;
pub mod votes;
