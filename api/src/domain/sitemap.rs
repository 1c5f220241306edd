//! The sitemap: an index of files of at most 50,000 URLs each, over papers with summaries, the
//! summaries strangers may list (the visibility scope's public listing), users and venues.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::scope::{Listing, Scope};
use crate::db::sitemap::{self, Section};
use crate::error::ApiError;

/// The most URLs one sitemap file may hold (the sitemaps protocol's limit).
pub const URLS_PER_FILE: u64 = 50_000;

const SECTIONS: [(&str, Section); 4] = [
    ("papers", Section::Papers),
    ("summaries", Section::Summaries),
    ("users", Section::Users),
    ("venues", Section::Venues),
];

/// Each section's name and how many files it fills.
pub async fn index(db: &impl ConnectionTrait) -> Result<Vec<(&'static str, u64)>, ApiError> {
    let mut files = Vec::with_capacity(SECTIONS.len());
    for (name, section) in SECTIONS {
        let rows = sitemap::count(db, section, Scope::public().listed(Listing::Site)).await?;
        files.push((name, rows.div_ceil(URLS_PER_FILE)));
    }
    Ok(files)
}

/// A page of the site and when it last changed.
pub struct Url {
    pub path: String,
    pub modified: Option<DateTime<Utc>>,
}

/// File `number` (from 1) of section `name`; 404 for a file the index does not list.
pub async fn file(db: &impl ConnectionTrait, name: &str, number: u64) -> Result<Vec<Url>, ApiError> {
    let (_, section) = SECTIONS
        .iter()
        .find(|(section_name, _)| *section_name == name)
        .ok_or(ApiError::NotFound)?;
    let index = number.checked_sub(1).ok_or(ApiError::NotFound)?;
    // Past any offset a database can take, there is no file.
    if index
        .checked_mul(URLS_PER_FILE)
        .is_none_or(|offset| offset > i64::MAX as u64)
    {
        return Err(ApiError::NotFound);
    }
    let listed = Scope::public().listed(Listing::Site);
    let rows = sitemap::rows(db, *section, listed, index, URLS_PER_FILE).await?;
    if rows.is_empty() && index > 0 {
        return Err(ApiError::NotFound);
    }
    let prefix = match section {
        Section::Papers => "/paper/",
        Section::Summaries => "/summary/",
        Section::Users => "/user/",
        Section::Venues => "/venue/",
    };
    Ok(rows
        .into_iter()
        .map(|row| Url {
            path: format!("{prefix}{}", shared::percent::encode(&row.name, b"")),
            modified: row.modified,
        })
        .collect())
}
