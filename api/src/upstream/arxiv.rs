//! arXiv's Atom API (`/api/query?id_list=…`): one entry per id; an unknown id gives an empty
//! feed, a malformed one HTTP 400 with an `Error` entry.

use quick_xml::de::from_str;
use reqwest::StatusCode;
use serde::Deserialize;

use super::{Metadata, Service, UpstreamError, category_of_arxiv, normalize_space};

#[derive(Debug, Deserialize)]
struct Feed {
    #[serde(rename = "entry", default)]
    entries: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
struct Entry {
    id: String,
    title: String,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(rename = "author", default)]
    authors: Vec<Author>,
    #[serde(rename = "link", default)]
    links: Vec<Link>,
    #[serde(rename = "primary_category", alias = "arxiv:primary_category", default)]
    primary_category: Option<Term>,
    #[serde(rename = "doi", alias = "arxiv:doi", default)]
    doi: Option<String>,
    #[serde(rename = "journal_ref", alias = "arxiv:journal_ref", default)]
    journal_ref: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Author {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Link {
    #[serde(rename = "@title", default)]
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Term {
    #[serde(rename = "@term")]
    term: String,
}

pub(super) fn parse(status: StatusCode, body: &str) -> Result<Metadata, UpstreamError> {
    // A malformed id: arXiv answers 400 with an `Error` entry. Our parser accepted the id, so to
    // arXiv it names nothing.
    let entry = read_feed(status, body)?
        .into_iter()
        .next()
        .ok_or(UpstreamError::NotFound(Service::Arxiv))?;
    metadata(entry)
}

/// A search (`/api/query?search_query=…`): every entry arXiv sent that we can read.
pub(super) fn parse_search(status: StatusCode, body: &str) -> Result<Vec<Metadata>, UpstreamError> {
    if status == StatusCode::BAD_REQUEST {
        return Ok(Vec::new());
    }
    Ok(read_feed(status, body)?
        .into_iter()
        .filter_map(|entry| metadata(entry).ok())
        .collect())
}

/// The entries of a feed, without arXiv's `Error` entries; an error status other than the 400 and
/// 404 that say "no such paper" is a failure.
fn read_feed(status: StatusCode, body: &str) -> Result<Vec<Entry>, UpstreamError> {
    let feed: Feed = from_str(body).map_err(|e| garbage(format!("unreadable Atom: {e}")))?;
    let entries: Vec<Entry> = feed
        .entries
        .into_iter()
        .filter(|e| !e.id.contains("/api/errors"))
        .collect();
    if status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND {
        return Err(UpstreamError::NotFound(Service::Arxiv));
    }
    if !status.is_success() {
        return Err(garbage(format!("answered {status}")));
    }
    Ok(entries)
}

fn garbage(detail: String) -> UpstreamError {
    UpstreamError::Failed {
        service: Service::Arxiv,
        detail,
    }
}

fn metadata(entry: Entry) -> Result<Metadata, UpstreamError> {
    let versioned = entry
        .id
        .rsplit_once("/abs/")
        .map(|(_, id)| id.to_owned())
        .ok_or_else(|| garbage(format!("entry id {:?} is not an abs link", entry.id)))?;
    let parsed =
        shared::ids::ArxivId::parse(&versioned).map_err(|_| garbage(format!("entry id {versioned:?}")))?;
    let published_at = entry
        .published
        .as_deref()
        .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
        .map(|p| p.with_timezone(&chrono::Utc));
    let primary = entry.primary_category.map(|c| c.term);
    let base = parsed.as_str().to_owned();
    // The unversioned PDF link always serves the latest version.
    let pdf = entry
        .links
        .iter()
        .find(|l| l.title.as_deref() == Some("pdf"))
        .map(|_| format!("https://arxiv.org/pdf/{base}"));
    Ok(Metadata {
        title: normalize_space(&entry.title),
        authors: entry
            .authors
            .into_iter()
            .map(|a| normalize_space(&a.name))
            .collect(),
        abstract_text: entry
            .summary
            .as_deref()
            .map(normalize_space)
            .filter(|s| !s.is_empty()),
        venue: Some(
            entry
                .journal_ref
                .as_deref()
                .map_or_else(|| "arXiv".to_owned(), normalize_space),
        ),
        year: published_at.map(|p| chrono::Datelike::year(&p)),
        published_at,
        category: primary
            .as_deref()
            .map_or(shared::api::Category::Other, category_of_arxiv),
        arxiv_version: parsed.version().and_then(|v| i32::try_from(v).ok()),
        arxiv_primary_category: primary,
        doi: entry.doi.map(|d| d.trim().to_lowercase()),
        dblp_key: None,
        urls: vec![format!("https://arxiv.org/abs/{base}")],
        pdf_url: pdf,
        arxiv_id: Some(base),
    })
}
