//! The ShortScience service as a library: the binary in `main.rs` and the black-box tests both
//! start it through [`startup::Application`].

pub mod auth;
pub mod cache;
pub mod client;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod hashing;
pub mod images;
pub mod mail;
pub mod metrics;
pub mod middleware;
pub mod outbox;
pub mod rate_limit;
pub mod routes;
pub mod startup;
pub mod upstream;
