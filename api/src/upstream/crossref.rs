//! Crossref's `/works/{doi}`: a JSON `message`; an unknown DOI answers 404 with a text body.

use reqwest::StatusCode;
use serde::Deserialize;

use super::{Metadata, Service, UpstreamError, normalize_space};

#[derive(Debug, Deserialize)]
struct Envelope<T> {
    message: T,
}

/// The `message` of a `/works?query…` answer.
#[derive(Debug, Deserialize)]
struct WorkList {
    #[serde(default)]
    items: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Work {
    #[serde(rename = "DOI")]
    doi: String,
    #[serde(default)]
    title: Vec<String>,
    #[serde(default)]
    author: Vec<Person>,
    #[serde(default)]
    container_title: Vec<String>,
    #[serde(default)]
    published: Option<DateParts>,
    #[serde(default)]
    issued: Option<DateParts>,
    #[serde(rename = "abstract", default)]
    abstract_text: Option<String>,
    #[serde(rename = "URL", default)]
    url: Option<String>,
    #[serde(default)]
    link: Vec<Link>,
}

#[derive(Debug, Deserialize)]
struct Person {
    #[serde(default)]
    given: Option<String>,
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DateParts {
    #[serde(rename = "date-parts", default)]
    parts: Vec<Vec<Option<i32>>>,
}

#[derive(Debug, Deserialize)]
struct Link {
    #[serde(rename = "URL")]
    url: String,
    #[serde(rename = "content-type", default)]
    content_type: Option<String>,
}

pub(super) fn parse(status: StatusCode, body: &str) -> Result<Metadata, UpstreamError> {
    if status == StatusCode::NOT_FOUND {
        return Err(UpstreamError::NotFound(Service::Crossref));
    }
    if !status.is_success() {
        return Err(garbage(format!("answered {status}")));
    }
    let work = serde_json::from_str::<Envelope<Work>>(body)
        .map_err(|e| garbage(format!("unreadable JSON: {e}")))?
        .message;
    metadata(work)
}

/// A search (`/works?query.bibliographic=…`): every item we can read (one odd record does not
/// spoil the rest).
pub(super) fn parse_search(status: StatusCode, body: &str) -> Result<Vec<Metadata>, UpstreamError> {
    if !status.is_success() {
        return Err(garbage(format!("answered {status}")));
    }
    let list = serde_json::from_str::<Envelope<WorkList>>(body)
        .map_err(|e| garbage(format!("unreadable JSON: {e}")))?
        .message;
    Ok(list
        .items
        .into_iter()
        .filter_map(|item| serde_json::from_value::<Work>(item).ok())
        .filter_map(|work| metadata(work).ok())
        .collect())
}

fn garbage(detail: String) -> UpstreamError {
    UpstreamError::Failed {
        service: Service::Crossref,
        detail,
    }
}

fn metadata(work: Work) -> Result<Metadata, UpstreamError> {
    let title = work
        .title
        .first()
        .map(|t| normalize_space(t))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| garbage("a work without a title".to_owned()))?;
    let date = work
        .published
        .or(work.issued)
        .and_then(|d| d.parts.into_iter().next())
        .unwrap_or_default();
    let year = date.first().copied().flatten();
    let published_at = year.and_then(|y| {
        let month = date.get(1).copied().flatten().unwrap_or(1);
        let day = date.get(2).copied().flatten().unwrap_or(1);
        let date = chrono::NaiveDate::from_ymd_opt(y, u32::try_from(month).ok()?, u32::try_from(day).ok()?)?;
        Some(date.and_hms_opt(0, 0, 0)?.and_utc())
    });
    let authors = work
        .author
        .into_iter()
        .filter_map(|p| match (p.given, p.family, p.name) {
            (Some(given), Some(family), _) => Some(format!("{} {}", given.trim(), family.trim())),
            (None, Some(family), _) => Some(family.trim().to_owned()),
            (_, _, Some(name)) => Some(normalize_space(&name)),
            _ => None,
        })
        .collect();
    Ok(Metadata {
        title,
        authors,
        abstract_text: work
            .abstract_text
            .as_deref()
            .map(strip_jats)
            .filter(|a| !a.is_empty()),
        venue: work.container_title.first().map(|v| normalize_space(v)),
        year,
        published_at,
        category: shared::api::Category::Other,
        arxiv_id: None,
        arxiv_version: None,
        arxiv_primary_category: None,
        doi: Some(work.doi.trim().to_lowercase()),
        dblp_key: None,
        urls: work.url.into_iter().collect(),
        pdf_url: work
            .link
            .into_iter()
            .find(|l| l.content_type.as_deref() == Some("application/pdf"))
            .map(|l| l.url),
    })
}

/// Crossref abstracts are JATS XML (`<jats:p>…</jats:p>`): keep the text, drop the tags.
fn strip_jats(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    normalize_space(&out)
}
