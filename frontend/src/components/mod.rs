//! Building blocks the pages are made of.

pub mod discussion;
pub mod field;
pub mod footer;
pub mod header;
pub mod history;
pub mod nav_link;
pub mod paper_meta;
pub mod status;
pub mod summary_card;
pub mod summary_feed;
