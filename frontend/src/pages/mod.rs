//! One component per route.

pub mod home;
pub mod not_found;
pub mod paper;
pub mod summary;
