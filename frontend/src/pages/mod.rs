//! One component per route.

pub mod account;
pub mod home;
pub mod login;
pub mod moderation;
pub mod not_found;
pub mod notifications;
pub mod paper;
pub mod register;
pub mod search;
pub mod settings;
pub mod summary;
pub mod user;
pub mod users;
pub mod venues;
pub mod write;
