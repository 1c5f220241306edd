//! `GET /papers/search-external`: find a paper to summarise by title (or identifier) across
//! arXiv, Crossref and DBLP at once. The services' finds are merged where they are one paper,
//! papers we have come first, and each service is bounded by its own timeout: a slow or failing
//! one is reported in the answer, never fatal.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use shared::api::{
    ExternalPaper, ExternalSearchResponse, ExternalSource, MAX_EXTERNAL_QUERY, PaperListQuery, PaperSort,
    SourceOutcome, SourceReport,
};
use shared::ids::{ArxivId, IdError, PaperKey};

use super::papers::{corr_arxiv_id, resolve_model};
use crate::db;
use crate::db::entity::papers;
use crate::error::ApiError;
use crate::rate_limit::{Allowed, Limiter};
use crate::upstream::{Metadata, Service, UpstreamError, Upstreams, service_of};

/// Words sent to the services (and searched for in our papers).
const MAX_WORDS: usize = 10;
/// Papers of ours matched by title, put first.
const LOCAL_RESULTS: u64 = 5;
/// Most results in one answer.
const MAX_RESULTS: usize = 30;
/// Titles this short are too generic to merge finds on ("Introduction").
const MIN_MERGE_TITLE: usize = 20;

const SERVICES: [Service; 3] = [Service::Arxiv, Service::Crossref, Service::Dblp];

/// A search for one client, limited per client address (each search costs three requests
/// upstream, and arXiv takes one every three seconds for the whole site).
pub async fn search_external(
    db: &impl ConnectionTrait,
    upstreams: &Upstreams,
    limiter: &Limiter,
    client: &str,
    q: &str,
) -> (Result<ExternalSearchResponse, ApiError>, Option<Allowed>) {
    if q.chars().count() > MAX_EXTERNAL_QUERY || q.trim().is_empty() {
        let error = ApiError::invalid(
            "q",
            format!("between 1 and {MAX_EXTERNAL_QUERY} characters, not all spaces"),
        );
        return (Err(error), None);
    }
    let q = q.trim();
    // Something that looks like an identifier of one kind but is not a valid one (`arXiv:1713.1`)
    // was meant as that identifier, not as title words.
    let key = match PaperKey::identify(q) {
        Ok(key) => Some(key),
        Err(IdError::Identifier) => None,
        Err(error) => return (Err(ApiError::invalid("q", error.to_string())), None),
    };
    let allowed = match limiter.check(&format!("ip:{client}")).await {
        Ok(allowed) => allowed,
        Err(limited) => return (Err(ApiError::RateLimited(limited)), None),
    };
    let answer = match key {
        Some(key) => by_identifier(db, upstreams, q, &key).await,
        None => by_title(db, upstreams, q).await,
    };
    (answer, Some(allowed))
}

/// An identifier names one paper: ours if some key of it is known, else what its service says.
async fn by_identifier(
    db: &impl ConnectionTrait,
    upstreams: &Upstreams,
    q: &str,
    key: &PaperKey,
) -> Result<ExternalSearchResponse, ApiError> {
    if let Some(paper) = resolve_model(db, q).await? {
        return Ok(ExternalSearchResponse {
            results: vec![local_result(&paper, Vec::new())],
            sources: Vec::new(),
        });
    }
    // DBLP's CoRR records mirror arXiv, which has the abstract.
    let fetch = corr_arxiv_id(key).map_or_else(|| key.clone(), PaperKey::from);
    let service = service_of(&fetch);
    let outcome = upstreams.look_up(&fetch).await.map(|found| vec![found]);
    let outcome = match outcome {
        Err(UpstreamError::NotFound(_)) => Ok(Vec::new()),
        other => other,
    };
    merge(db, Vec::new(), vec![(service, outcome)]).await
}

/// Title words: ours first, then all three services at once.
async fn by_title(
    db: &impl ConnectionTrait,
    upstreams: &Upstreams,
    q: &str,
) -> Result<ExternalSearchResponse, ApiError> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        return Err(ApiError::invalid("q", "needs at least one letter or digit"));
    }
    let local_query = PaperListQuery {
        q: Some(words.join(" ")),
        sort: PaperSort::MostSummarized,
        ..PaperListQuery::default()
    };
    let local = db::papers::page(db, &local_query, None, LOCAL_RESULTS).await?;
    let (arxiv, crossref, dblp) = tokio::join!(
        upstreams.search(Service::Arxiv, &words),
        upstreams.search(Service::Crossref, &words),
        upstreams.search(Service::Dblp, &words),
    );
    let outcomes = SERVICES.into_iter().zip([arxiv, crossref, dblp]).collect();
    merge(db, local, outcomes).await
}

/// A paper found, with the identifiers every service gave for it.
struct Found {
    found_by: Vec<ExternalSource>,
    metadata: Metadata,
}

impl Found {
    fn new(service: Service, metadata: Metadata) -> Found {
        Found {
            found_by: vec![source_of(service)],
            metadata,
        }
    }

    /// Whether two finds are one paper: a shared identifier, or the same (long enough) title.
    fn same_paper(&self, other: &Metadata) -> bool {
        let m = &self.metadata;
        let shared = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
        shared(&m.arxiv_id, &other.arxiv_id)
            || shared(&m.doi, &other.doi)
            || shared(&m.dblp_key, &other.dblp_key)
            || {
                let title = title_key(&m.title);
                title.chars().count() >= MIN_MERGE_TITLE && title == title_key(&other.title)
            }
    }

    /// Adds what another service knows: its identifiers, and a venue other than a preprint server.
    fn absorb(&mut self, service: Service, other: Metadata) {
        let m = &mut self.metadata;
        m.arxiv_id = m.arxiv_id.take().or(other.arxiv_id);
        m.doi = m.doi.take().or(other.doi);
        m.dblp_key = m.dblp_key.take().or(other.dblp_key);
        let preprint = |venue: Option<&str>| venue.is_none_or(|v| v == "arXiv" || v == "CoRR");
        if preprint(m.venue.as_deref()) && !preprint(other.venue.as_deref()) {
            m.venue = other.venue;
            m.year = other.year.or(m.year);
        }
        if m.authors.is_empty() {
            m.authors = other.authors;
        }
        let source = source_of(service);
        if !self.found_by.contains(&source) {
            self.found_by.push(source);
        }
    }

    /// Every paper key this find may already be stored under.
    fn keys(&self) -> Vec<String> {
        let m = &self.metadata;
        let mut keys = Vec::new();
        if let Some(id) = m.arxiv_id.as_deref().and_then(|id| ArxivId::parse(id).ok()) {
            keys.push(PaperKey::from(id).as_string());
        }
        if let Some(doi) = m.doi.as_deref().and_then(|d| PaperKey::identify(d).ok()) {
            keys.push(doi.as_string());
        }
        if let Some(key) = m.dblp_key.as_deref().and_then(|k| PaperKey::identify(k).ok()) {
            keys.push(key.as_string());
        }
        keys
    }

    /// The find as a result, when it has an identifier to import it by.
    fn into_result(self) -> Option<ExternalPaper> {
        let m = self.metadata;
        // The identifier import fetches best from: arXiv has abstracts, Crossref has most DOIs.
        let identifier = m
            .arxiv_id
            .clone()
            .or_else(|| m.doi.clone())
            .or_else(|| m.dblp_key.clone())?;
        Some(ExternalPaper {
            source: self.found_by[0],
            found_by: self.found_by,
            paper_id: None,
            identifier,
            title: m.title,
            authors: m.authors,
            venue: m.venue,
            year: m.year,
            arxiv_id: m.arxiv_id,
            doi: m.doi,
            dblp_key: m.dblp_key,
            summary_count: 0,
        })
    }
}

/// Interleaves the services' finds by rank, merges those that are one paper, and puts the ones
/// we have (and our own title matches) first.
async fn merge(
    db: &impl ConnectionTrait,
    local: Vec<papers::Model>,
    outcomes: Vec<(Service, Result<Vec<Metadata>, UpstreamError>)>,
) -> Result<ExternalSearchResponse, ApiError> {
    let mut sources = Vec::new();
    let mut lists = Vec::new();
    for (service, outcome) in outcomes {
        let (report, list) = report(service, outcome);
        sources.push(report);
        lists.push((service, list.into_iter()));
    }
    let mut found: Vec<Found> = Vec::new();
    loop {
        let mut any = false;
        for (service, list) in &mut lists {
            let Some(metadata) = list.next() else { continue };
            any = true;
            let metadata = with_arxiv_id(metadata);
            match found.iter_mut().find(|f| f.same_paper(&metadata)) {
                Some(existing) => existing.absorb(*service, metadata),
                None => found.push(Found::new(*service, metadata)),
            }
        }
        if !any {
            break;
        }
    }
    // Which finds we have: one query for all their keys, one for those papers.
    let keys: Vec<String> = found.iter().flat_map(Found::keys).collect();
    let by_key = db::papers::find_keys(db, keys).await?;
    let ours_of: Vec<Option<i64>> = found
        .iter()
        .map(|f| f.keys().iter().find_map(|k| by_key.get(k).copied()))
        .collect();
    let ours = db::papers::by_ids(db, ours_of.iter().flatten().copied().collect()).await?;
    let mut results: Vec<ExternalPaper> = Vec::new();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    for paper in local {
        seen.insert(paper.id, results.len());
        results.push(local_result(&paper, Vec::new()));
    }
    let mut external = Vec::new();
    for (find, ours_id) in found.into_iter().zip(ours_of) {
        // A merged-away paper's keys name the paper it lives on; that one is listed instead.
        let paper = ours_id
            .and_then(|id| ours.get(&id))
            .filter(|p| p.merged_into.is_none());
        match paper {
            Some(paper) => match seen.get(&paper.id) {
                Some(&at) => {
                    let listed = &mut results[at].found_by;
                    for source in find.found_by {
                        if !listed.contains(&source) {
                            listed.push(source);
                        }
                    }
                }
                None => {
                    seen.insert(paper.id, results.len());
                    results.push(local_result(paper, find.found_by));
                }
            },
            None => external.extend(find.into_result()),
        }
    }
    results.extend(external);
    results.truncate(MAX_RESULTS);
    Ok(ExternalSearchResponse { results, sources })
}

fn report(service: Service, outcome: Result<Vec<Metadata>, UpstreamError>) -> (SourceReport, Vec<Metadata>) {
    let source = source_of(service);
    match outcome {
        Ok(list) => (
            SourceReport {
                source,
                outcome: SourceOutcome::Ok,
                found: u32::try_from(list.len()).unwrap_or(u32::MAX),
                detail: None,
            },
            list,
        ),
        Err(error) => {
            tracing::warn!(service = service.name(), %error, "external search failed");
            let outcome = match error {
                UpstreamError::Timeout(_) => SourceOutcome::Timeout,
                UpstreamError::NotFound(_) | UpstreamError::Failed { .. } => SourceOutcome::Failed,
            };
            let report = SourceReport {
                source,
                outcome,
                found: 0,
                detail: Some(error.public_detail()),
            };
            (report, Vec::new())
        }
    }
}

fn local_result(paper: &papers::Model, found_by: Vec<ExternalSource>) -> ExternalPaper {
    let mut found_by = found_by;
    found_by.insert(0, ExternalSource::Local);
    ExternalPaper {
        source: ExternalSource::Local,
        found_by,
        paper_id: Some(paper.id.to_string()),
        identifier: paper
            .arxiv_id
            .clone()
            .or_else(|| paper.doi.clone())
            .or_else(|| paper.dblp_key.clone())
            .unwrap_or_else(|| paper.key.clone()),
        title: paper.title.clone(),
        authors: db::papers::json_list(&paper.authors).unwrap_or_default(),
        venue: paper.venue.clone(),
        year: paper.year,
        arxiv_id: paper.arxiv_id.clone(),
        doi: paper.doi.clone(),
        dblp_key: paper.dblp_key.clone(),
        summary_count: i64::from(paper.summary_count),
    }
}

fn source_of(service: Service) -> ExternalSource {
    match service {
        Service::Arxiv => ExternalSource::Arxiv,
        Service::Crossref => ExternalSource::Crossref,
        Service::Dblp => ExternalSource::Dblp,
    }
}

/// Fills in the arXiv id behind a DBLP CoRR key or an arXiv DOI (`10.48550/arxiv.1703.06870`),
/// so the find merges with arXiv's own.
fn with_arxiv_id(mut metadata: Metadata) -> Metadata {
    if metadata.arxiv_id.is_none() {
        let from_dblp = metadata
            .dblp_key
            .as_deref()
            .and_then(|k| PaperKey::identify(k).ok())
            .and_then(|k| corr_arxiv_id(&k));
        let from_doi = || {
            let doi = metadata.doi.as_deref()?;
            ArxivId::parse(doi.strip_prefix("10.48550/arxiv.")?).ok()
        };
        metadata.arxiv_id = from_dblp.or_else(from_doi).map(|id| id.as_str().to_owned());
    }
    metadata
}

/// A title reduced to lowercase letters and digits, for telling whether two finds are one paper.
fn title_key(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}
