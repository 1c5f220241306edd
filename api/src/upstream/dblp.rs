//! DBLP's record XML (`/rec/{key}.xml`): `<dblp>` holding one record element (`inproceedings`,
//! `article`, …); an unknown key answers 404.

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use reqwest::StatusCode;
use serde::Deserialize;

use super::{Metadata, Service, UpstreamError, normalize_space};

const RECORD_KINDS: [&str; 8] = [
    "article",
    "inproceedings",
    "proceedings",
    "book",
    "incollection",
    "phdthesis",
    "mastersthesis",
    "www",
];

pub(super) fn parse(status: StatusCode, body: &str) -> Result<Metadata, UpstreamError> {
    if status == StatusCode::NOT_FOUND {
        return Err(UpstreamError::NotFound(Service::Dblp));
    }
    let garbage = |detail: String| UpstreamError::Failed {
        service: Service::Dblp,
        detail,
    };
    if !status.is_success() {
        return Err(garbage(format!("answered {status}")));
    }
    let record = read_record(body).map_err(|e| garbage(format!("unreadable XML: {e}")))?;
    let record = record.ok_or_else(|| garbage("no record in the answer".to_owned()))?;
    let field = |name: &str| {
        record
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let title = field("title")
        .map(|t| t.trim_end_matches('.').to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| garbage("a record without a title".to_owned()))?;
    let ees: Vec<String> = record
        .fields
        .iter()
        .filter(|(n, _)| n == "ee")
        .map(|(_, v)| v.clone())
        .collect();
    let doi = ees.iter().find_map(|ee| {
        ee.strip_prefix("https://doi.org/")
            .or_else(|| ee.strip_prefix("http://dx.doi.org/"))
            .map(|d| d.to_lowercase())
    });
    let year = field("year").and_then(|y| y.parse().ok());
    Ok(Metadata {
        title,
        authors: record
            .fields
            .iter()
            .filter(|(n, _)| n == "author")
            .map(|(_, v)| strip_homonym_number(v))
            .collect(),
        abstract_text: None,
        venue: field("booktitle").or_else(|| field("journal")),
        year,
        published_at: year.and_then(|y| {
            chrono::NaiveDate::from_ymd_opt(y, 1, 1)?
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc())
        }),
        // DBLP indexes computer science.
        category: shared::api::Category::Cs,
        arxiv_id: None,
        arxiv_version: None,
        arxiv_primary_category: None,
        doi,
        dblp_key: Some(record.key),
        urls: ees,
        pdf_url: None,
    })
}

/// `/search/publ/api?format=json`. DBLP's JSON writes a list of one as the bare value, so
/// authors, venues and links may each be a value or a list.
#[derive(Debug, Deserialize)]
struct SearchAnswer {
    result: SearchResult,
}

#[derive(Debug, Deserialize)]
struct SearchResult {
    #[serde(default)]
    hits: Option<Hits>,
}

#[derive(Debug, Deserialize)]
struct Hits {
    /// Read one by one, so that one odd record does not spoil the rest.
    #[serde(default)]
    hit: OneOrMany<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Hit {
    info: Info,
}

#[derive(Debug, Deserialize)]
struct Info {
    key: String,
    title: String,
    #[serde(default)]
    authors: Option<Authors>,
    #[serde(default)]
    venue: OneOrMany<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    doi: Option<String>,
    #[serde(default)]
    ee: OneOrMany<String>,
}

#[derive(Debug, Deserialize)]
struct Authors {
    #[serde(default)]
    author: OneOrMany<Person>,
}

#[derive(Debug, Deserialize)]
struct Person {
    text: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    Many(Vec<T>),
    One(T),
}

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::Many(items) => items,
            OneOrMany::One(item) => vec![item],
        }
    }
}

/// A search: every hit, in DBLP's order.
pub(super) fn parse_search(status: StatusCode, body: &str) -> Result<Vec<Metadata>, UpstreamError> {
    let garbage = |detail: String| UpstreamError::Failed {
        service: Service::Dblp,
        detail,
    };
    if !status.is_success() {
        return Err(garbage(format!("answered {status}")));
    }
    let answer: SearchAnswer =
        serde_json::from_str(body).map_err(|e| garbage(format!("unreadable JSON: {e}")))?;
    let hits = answer.result.hits.map(|h| h.hit.into_vec()).unwrap_or_default();
    Ok(hits
        .into_iter()
        .filter_map(|hit| serde_json::from_value::<Hit>(hit).ok())
        .map(|hit| {
            let info = hit.info;
            let year = info.year.and_then(|y| y.parse().ok());
            Metadata {
                title: normalize_space(info.title.trim_end_matches('.')),
                authors: info
                    .authors
                    .map(|a| a.author.into_vec())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|p| strip_homonym_number(&p.text))
                    .collect(),
                abstract_text: None,
                venue: info.venue.into_vec().into_iter().next(),
                year,
                published_at: None,
                category: shared::api::Category::Cs,
                arxiv_id: None,
                arxiv_version: None,
                arxiv_primary_category: None,
                doi: info.doi.map(|d| d.to_lowercase()),
                dblp_key: Some(info.key),
                urls: info.ee.into_vec(),
                pdf_url: None,
            }
        })
        .collect())
}

/// DBLP tells homonyms apart with a number (`Wei Wang 0001`); the name is the rest.
fn strip_homonym_number(name: &str) -> String {
    let name = normalize_space(name);
    match name.rsplit_once(' ') {
        Some((rest, tail)) if tail.len() == 4 && tail.bytes().all(|b| b.is_ascii_digit()) => rest.to_owned(),
        _ => name,
    }
}

struct Record {
    key: String,
    fields: Vec<(String, String)>,
}

/// The first record element with its key and its child elements' text.
fn read_record(xml: &str) -> Result<Option<Record>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut record: Option<Record> = None;
    let mut field: Option<(String, String)> = None;
    loop {
        match reader.read_event()? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                match &mut record {
                    None if RECORD_KINDS.contains(&name.as_str()) => {
                        let key = start
                            .try_get_attribute("key")
                            .ok()
                            .flatten()
                            .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
                            .unwrap_or_default();
                        record = Some(Record {
                            key,
                            fields: Vec::new(),
                        });
                    }
                    Some(_) if field.is_none() => field = Some((name, String::new())),
                    _ => {}
                }
            }
            Event::Text(text) => {
                if let Some((_, value)) = &mut field {
                    value.push_str(&text.decode().map_err(quick_xml::Error::from)?);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some((_, value)) = &mut field {
                    let name = reference.decode().map_err(quick_xml::Error::from)?;
                    if let Some(resolved) = quick_xml::escape::resolve_predefined_entity(&name) {
                        value.push_str(resolved);
                    } else if let Ok(Some(c)) = reference.resolve_char_ref() {
                        value.push(c);
                    }
                }
            }
            Event::End(end) => {
                let name = String::from_utf8_lossy(end.name().as_ref()).into_owned();
                if let (Some(record), Some((field_name, _))) = (&mut record, &field)
                    && *field_name == name
                {
                    if let Some((n, v)) = field.take() {
                        record.fields.push((n, normalize_space(&v)));
                    }
                } else if record.is_some() && RECORD_KINDS.contains(&name.as_str()) {
                    return Ok(record.filter(|r| !r.key.is_empty()));
                }
            }
            Event::Eof => return Ok(record.filter(|r| !r.key.is_empty())),
            _ => {}
        }
    }
}
