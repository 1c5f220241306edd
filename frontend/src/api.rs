//! Typed client of the `/api/v1` endpoints the SPA reads, speaking only the `shared` request and
//! response types; every failure becomes an [`ApiError`] the pages can show as it is.

use gloo_net::http::{Request, RequestBuilder};
use serde::de::DeserializeOwned;
use shared::Problem;
use shared::api::{DEFAULT_PAGE_SIZE, Page, Paper, Summary, SummarySort};

/// Relative, so the SPA talks to whichever host served it (no CORS, no configuration).
const BASE: &str = "/api/v1";

/// What went wrong with a request, reduced to what a reader needs to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status; `None` when the server could not be reached at all.
    pub status: Option<u16>,
    pub title: String,
    pub detail: Option<String>,
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    fn network() -> Self {
        ApiError {
            status: None,
            title: "Could not reach ShortScience".into(),
            detail: Some("Check your connection and try again.".into()),
        }
    }

    /// For a response that is not the JSON we expected, e.g. a proxy's HTML error page.
    fn unexpected(status: u16) -> Self {
        let title = match status {
            200..=299 => "The server sent an answer we could not read",
            404 => "Not found",
            500..=599 => "The server ran into a problem",
            _ => "The request failed",
        };
        ApiError {
            status: Some(status),
            title: title.into(),
            detail: Some(format!("HTTP status {status}. Please try again in a moment.")),
        }
    }

    fn from_problem(problem: Problem) -> Self {
        ApiError {
            status: Some(problem.status),
            title: problem.title,
            detail: problem.detail,
        }
    }
}

/// `GET /summaries?sort=…`: one page of all public summaries.
pub async fn list_summaries(sort: SummarySort, cursor: Option<&str>) -> Result<Page<Summary>, ApiError> {
    get_json(page_query(
        Request::get(&format!("{BASE}/summaries")),
        sort,
        cursor,
    ))
    .await
}

/// `GET /papers/{id}/summaries?sort=…`: one page of a paper's summaries.
pub async fn list_paper_summaries(
    paper_id: &str,
    sort: SummarySort,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let url = format!("{BASE}/papers/{}/summaries", encode_segment(paper_id));
    get_json(page_query(Request::get(&url), sort, cursor)).await
}

/// `GET /papers/{id}`.
pub async fn get_paper(id: &str) -> Result<Paper, ApiError> {
    get_json(Request::get(&format!("{BASE}/papers/{}", encode_segment(id)))).await
}

/// `GET /summaries/{id}`.
pub async fn get_summary(id: &str) -> Result<Summary, ApiError> {
    get_json(Request::get(&format!("{BASE}/summaries/{}", encode_segment(id)))).await
}

/// The wire name of a sort order; a match rather than a string copy so that a new variant in
/// `shared` fails to compile here instead of sending a wrong name.
pub fn sort_name(sort: SummarySort) -> &'static str {
    match sort {
        SummarySort::New => "new",
        SummarySort::Top => "top",
    }
}

fn page_query(request: RequestBuilder, sort: SummarySort, cursor: Option<&str>) -> RequestBuilder {
    let limit = DEFAULT_PAGE_SIZE.to_string();
    let request = request.query([("sort", sort_name(sort)), ("limit", limit.as_str())]);
    match cursor {
        Some(cursor) => request.query([("cursor", cursor)]),
        None => request,
    }
}

async fn get_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    let response = request
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| ApiError::network())?;
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|_| ApiError::unexpected(status));
    }
    // Every API error is problem+json; anything else came from something in between.
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiError::from_problem(problem)),
        Err(_) => Err(ApiError::unexpected(status)),
    }
}

/// Percent-encodes an opaque id for use as one path segment: ids are the server's strings and
/// must not be able to add path segments or a query.
fn encode_segment(id: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(encode_segment("42"), "42");
        assert_eq!(encode_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn a_problem_keeps_its_title_and_detail() {
        let error = ApiError::from_problem(Problem {
            kind: "about:blank".into(),
            title: "Not Found".into(),
            status: 404,
            detail: Some("No paper with id 7.".into()),
            errors: None,
        });
        assert!(error.is_not_found());
        assert_eq!(error.title, "Not Found");
        assert_eq!(error.detail.as_deref(), Some("No paper with id 7."));
    }
}
