//! The use cases of the service. Each public function is one request's work: it opens the
//! transaction where it writes, applies the rules, keeps counters, records side effects in the
//! outbox and builds the response types. Handlers call exactly one of them.

pub mod accounts;
pub mod authoring;
pub mod comments;
pub mod feeds;
pub mod mail;
pub mod moderation;
pub mod notifications;
pub mod paper_search;
pub mod papers;
pub mod scope;
pub mod search;
pub mod sitemap;
pub mod summaries;
pub mod uploads;
pub mod users;
pub mod views;
