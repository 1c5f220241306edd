//! The metadata services papers are imported from: arXiv's Atom API, Crossref's `/works` and
//! DBLP's record XML, one module each. Calls carry a polite User-Agent, time out after 10 s and
//! retry a little on 429/503 (honouring `Retry-After`); requests to arXiv are spaced at least 3 s
//! apart within the process, as arXiv asks. (The timeout is `SHORTSCIENCE_UPSTREAM_TIMEOUT_SECONDS`.) Base URLs come from configuration, so tests point
//! them at a local stand-in.

mod arxiv;
mod crossref;
mod dblp;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use shared::api::Category;
use shared::ids::PaperKey;
use tokio::sync::Mutex;

use crate::config::Config;

/// Attempts per fetch when the service answers 429 or 503.
const ATTEMPTS: u32 = 3;
/// Longest `Retry-After` we wait for; a longer one fails the import (502) instead.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(10);
/// Papers asked of each service per search.
pub const SEARCH_RESULTS: usize = 10;
/// arXiv's terms: no more than one request every three seconds.
const ARXIV_SPACING: Duration = Duration::from_secs(3);

/// Which service answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Arxiv,
    Crossref,
    Dblp,
}

impl Service {
    pub fn name(self) -> &'static str {
        match self {
            Service::Arxiv => "arXiv",
            Service::Crossref => "Crossref",
            Service::Dblp => "DBLP",
        }
    }
}

/// Why a fetch gave no metadata.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// The service does not know the identifier.
    #[error("{} does not know this identifier", .0.name())]
    NotFound(Service),
    /// Unreachable, a server error, rate limited for too long, or an answer we cannot read.
    #[error("{} failed: {detail}", service.name())]
    Failed { service: Service, detail: String },
    #[error("{} did not answer in time", .0.name())]
    Timeout(Service),
}

impl UpstreamError {
    /// What a client is told: which service and what kind of failure, never its raw answer
    /// (which may hold our configured URLs or parser internals).
    pub fn public_detail(&self) -> String {
        match self {
            UpstreamError::NotFound(service) => format!("{} does not know this identifier.", service.name()),
            UpstreamError::Failed { service, .. } => {
                format!(
                    "{} could not be reached or gave an answer we cannot read; try again later.",
                    service.name()
                )
            }
            UpstreamError::Timeout(service) => {
                format!("{} did not answer in time; try again later.", service.name())
            }
        }
    }
}

/// Whether a request may wait for its turn at arXiv (imports do) or must go now or not at all
/// (searches, which anyone may start: queued, they would hold up imports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Patience {
    Queue,
    Now,
}

/// A paper's metadata as a service describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    pub title: String,
    pub authors: Vec<String>,
    pub abstract_text: Option<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub category: Category,
    /// Without version.
    pub arxiv_id: Option<String>,
    pub arxiv_version: Option<i32>,
    pub arxiv_primary_category: Option<String>,
    pub doi: Option<String>,
    pub dblp_key: Option<String>,
    pub urls: Vec<String>,
    pub pdf_url: Option<String>,
}

impl Metadata {
    /// What a service says is what its submitters typed: identifiers are parsed (bad ones
    /// dropped), text loses control characters and is held to the limits of hand entry, and
    /// links must be http(s).
    fn cleaned(self) -> Metadata {
        fn text(value: &str, max: usize) -> String {
            value
                .chars()
                .filter(|c| !c.is_control())
                .take(max)
                .collect::<String>()
                .trim()
                .to_owned()
        }
        fn link(url: String) -> Option<String> {
            (url.starts_with("https://") || url.starts_with("http://"))
                .then_some(url)
                .filter(|u| u.len() <= 2_000 && !u.chars().any(|c| c.is_whitespace() || c.is_control()))
        }
        Metadata {
            title: text(&self.title, 500),
            authors: self
                .authors
                .iter()
                .map(|a| text(a, 200))
                .filter(|a| !a.is_empty())
                .take(200)
                .collect(),
            abstract_text: self
                .abstract_text
                .map(|a| text(&a, 20_000))
                .filter(|a| !a.is_empty()),
            venue: self.venue.map(|v| text(&v, 300)).filter(|v| !v.is_empty()),
            doi: self
                .doi
                .and_then(|d| shared::ids::Doi::parse(&d).ok())
                .map(|d| d.as_str().to_owned()),
            dblp_key: self
                .dblp_key
                .and_then(|k| shared::ids::DblpKey::parse(&k).ok())
                .map(|k| k.as_str().to_owned()),
            arxiv_primary_category: self.arxiv_primary_category.map(|c| text(&c, 40)),
            urls: self.urls.into_iter().filter_map(link).take(10).collect(),
            pdf_url: self.pdf_url.and_then(link),
            ..self
        }
    }
}

/// The clients of the three services.
pub struct Upstreams {
    http: reqwest::Client,
    arxiv_url: String,
    crossref_url: String,
    dblp_url: String,
    /// When the last arXiv request went out.
    arxiv_last: Mutex<Option<Instant>>,
    /// Bounds each whole search of one service, waits and retries included.
    timeout: Duration,
}

impl Upstreams {
    pub fn new(config: &Config) -> anyhow::Result<Upstreams> {
        // Crossref asks for a contact address; the sender address of our mail is one.
        let contact = config
            .mail_from
            .rsplit_once('<')
            .map_or(config.mail_from.as_str(), |(_, address)| {
                address.trim_end_matches('>')
            });
        let user_agent = format!(
            "ShortScience/{} (+{}; mailto:{contact})",
            env!("CARGO_PKG_VERSION"),
            config.public_url
        );
        // reqwest is built without a crypto provider of its own; ring is the process's. A second
        // call (another app in the same process) finds it installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(config.upstream_timeout)
            .build()?;
        Ok(Upstreams {
            http,
            arxiv_url: config.arxiv_api_url.clone(),
            crossref_url: config.crossref_api_url.trim_end_matches('/').to_owned(),
            dblp_url: config.dblp_api_url.trim_end_matches('/').to_owned(),
            arxiv_last: Mutex::new(None),
            timeout: config.upstream_timeout,
        })
    }

    /// The metadata of the paper an identifier names, from the service that identifier belongs to.
    /// Legacy keys name nothing any service knows.
    pub async fn fetch(&self, key: &PaperKey) -> Result<Metadata, UpstreamError> {
        self.fetch_raw(key, Patience::Queue).await.map(Metadata::cleaned)
    }

    /// [`Upstreams::fetch`] for a search: no queueing at arXiv, no retries, and the whole call
    /// bounded by the upstream timeout.
    pub async fn look_up(&self, key: &PaperKey) -> Result<Metadata, UpstreamError> {
        let service = service_of(key);
        tokio::time::timeout(self.timeout, self.fetch_raw(key, Patience::Now))
            .await
            .map_err(|_| UpstreamError::Timeout(service))?
            .map(Metadata::cleaned)
    }

    /// Papers one service finds for title words, best first (at most [`SEARCH_RESULTS`]). The
    /// whole search, arXiv's spacing and retries included, is bounded by the upstream timeout.
    pub async fn search(&self, service: Service, words: &[String]) -> Result<Vec<Metadata>, UpstreamError> {
        let rows = SEARCH_RESULTS.to_string();
        let (url, query) = match service {
            Service::Arxiv => {
                let terms: Vec<String> = words.iter().map(|w| format!("ti:{w}")).collect();
                (
                    self.arxiv_url.clone(),
                    [("search_query", terms.join(" AND ")), ("max_results", rows)].to_vec(),
                )
            }
            Service::Crossref => (
                format!("{}/works", self.crossref_url),
                [("query.bibliographic", words.join(" ")), ("rows", rows)].to_vec(),
            ),
            Service::Dblp => (
                format!("{}/search/publ/api", self.dblp_url),
                [("q", words.join(" ")), ("format", "json".to_owned()), ("h", rows)].to_vec(),
            ),
        };
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let search = async {
            let (status, body) = self.get(service, &url, &query, Patience::Now).await?;
            match service {
                Service::Arxiv => arxiv::parse_search(status, &body),
                Service::Crossref => crossref::parse_search(status, &body),
                Service::Dblp => dblp::parse_search(status, &body),
            }
        };
        let found = tokio::time::timeout(self.timeout, search)
            .await
            .map_err(|_| UpstreamError::Timeout(service))??;
        Ok(found
            .into_iter()
            .map(Metadata::cleaned)
            .filter(|m| !m.title.is_empty())
            .take(SEARCH_RESULTS)
            .collect())
    }

    async fn fetch_raw(&self, key: &PaperKey, patience: Patience) -> Result<Metadata, UpstreamError> {
        match key {
            PaperKey::Arxiv(id) => {
                let (status, body) = self
                    .get(
                        Service::Arxiv,
                        &self.arxiv_url,
                        &[("id_list", id.as_str()), ("max_results", "1")],
                        patience,
                    )
                    .await?;
                arxiv::parse(status, &body)
            }
            PaperKey::Doi(doi) => {
                let url = format!("{}/works/{}", self.crossref_url, encode_path(doi.as_str()));
                let (status, body) = self.get(Service::Crossref, &url, &[], patience).await?;
                crossref::parse(status, &body)
            }
            PaperKey::Dblp(key) => {
                let url = format!("{}/rec/{}.xml", self.dblp_url, encode_path(key.as_str()));
                let (status, body) = self.get(Service::Dblp, &url, &[], patience).await?;
                dblp::parse(status, &body)
            }
            PaperKey::Legacy(_) => Err(UpstreamError::NotFound(Service::Dblp)),
        }
    }

    /// One GET with retries on 429 and 503 (when it may wait): the status and body of the last
    /// answer that was not one of those.
    async fn get(
        &self,
        service: Service,
        url: &str,
        query: &[(&str, &str)],
        patience: Patience,
    ) -> Result<(StatusCode, String), UpstreamError> {
        let failed = |detail: String| UpstreamError::Failed { service, detail };
        let attempts = match patience {
            Patience::Queue => ATTEMPTS,
            Patience::Now => 1,
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            if service == Service::Arxiv {
                self.wait_for_arxiv(patience).await?;
            }
            let url =
                url::Url::parse_with_params(url, query).map_err(|e| failed(format!("bad base URL: {e}")))?;
            let response = self
                .http
                .get(url)
                .send()
                .await
                .map_err(|err| classify(service, &err))?;
            let status = response.status();
            if matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            ) {
                let wait = retry_after(response.headers()).unwrap_or(Duration::from_secs(1 << attempt));
                if attempt >= attempts || wait > MAX_RETRY_WAIT {
                    return Err(failed(format!("answered {status} after {attempt} attempts")));
                }
                tracing::info!(service = service.name(), %status, wait_s = wait.as_secs_f64(), "upstream asks us to wait");
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_server_error() {
                return Err(failed(format!("answered {status}")));
            }
            return Ok((status, read_body(service, response).await?));
        }
    }

    /// Holds the caller until three seconds have passed since the previous arXiv request; a
    /// caller that may not wait gets a timeout instead when arXiv's turn is taken.
    async fn wait_for_arxiv(&self, patience: Patience) -> Result<(), UpstreamError> {
        let busy = || UpstreamError::Timeout(Service::Arxiv);
        let mut last = match patience {
            Patience::Queue => self.arxiv_last.lock().await,
            Patience::Now => self.arxiv_last.try_lock().map_err(|_| busy())?,
        };
        if let Some(previous) = *last {
            let ready = previous + ARXIV_SPACING;
            let now = Instant::now();
            if ready > now {
                if patience == Patience::Now {
                    return Err(busy());
                }
                tokio::time::sleep(ready - now).await;
            }
        }
        *last = Some(Instant::now());
        Ok(())
    }
}

/// The service an identifier belongs to (legacy keys belong to none; DBLP answers for them).
pub fn service_of(key: &PaperKey) -> Service {
    match key {
        PaperKey::Arxiv(_) => Service::Arxiv,
        PaperKey::Doi(_) => Service::Crossref,
        PaperKey::Dblp(_) | PaperKey::Legacy(_) => Service::Dblp,
    }
}

/// Metadata answers are kilobytes; anything past this is not one.
const MAX_BODY: usize = 4 << 20;

/// The body as text, refused beyond [`MAX_BODY`] so a broken or hostile service cannot fill memory.
async fn read_body(service: Service, mut response: reqwest::Response) -> Result<String, UpstreamError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|err| classify(service, &err))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(UpstreamError::Failed {
                service,
                detail: format!("answer larger than {MAX_BODY} bytes"),
            });
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| UpstreamError::Failed {
        service,
        detail: "answer is not UTF-8".to_owned(),
    })
}

fn classify(service: Service, err: &reqwest::Error) -> UpstreamError {
    if err.is_timeout() {
        UpstreamError::Timeout(service)
    } else {
        UpstreamError::Failed {
            service,
            detail: format!("{err}"),
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare from these services and treated as absent).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let seconds: u64 = headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds))
}

/// Percent-encodes what may not stand in a URL path, keeping the `/` of DOIs and DBLP keys.
/// Segments that are all dots are encoded too, so no identifier can climb out of the base path
/// (`10.1/../../members` stays inside `/works/`).
fn encode_path(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, segment) in text.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if !segment.is_empty() && segment.bytes().all(|b| b == b'.') {
            out.push_str(&"%2E".repeat(segment.len()));
        } else {
            out.push_str(&shared::percent::encode(segment, b":;()"));
        }
    }
    out
}

/// Runs of whitespace (line breaks in XML text) become single spaces.
fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The coarse category of an arXiv category such as `cs.CV`, `q-bio.NC` or `hep-th`.
fn category_of_arxiv(primary: &str) -> Category {
    let archive = primary.split('.').next().unwrap_or(primary);
    match archive {
        "cs" => Category::Cs,
        "math" => Category::Math,
        "stat" => Category::Stat,
        "q-bio" => Category::Bio,
        "physics" | "astro-ph" | "cond-mat" | "gr-qc" | "hep-ex" | "hep-lat" | "hep-ph" | "hep-th"
        | "math-ph" | "nlin" | "nucl-ex" | "nucl-th" | "quant-ph" => Category::Physics,
        _ => Category::Other,
    }
}

#[cfg(test)]
mod tests;
