//! The site's rules as plain functions over plain data: who may see, edit and vote.

pub mod summaries;
