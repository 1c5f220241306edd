//! Feeds for readers and bots: RSS 2.0 at `/rss.xml` (summaries voted above zero, text cut to
//! 500 characters) and `/rss-full.xml` (the rendered text), with the `shortscience:` elements
//! (`arxivid`, `bibtexkey`, `votes`) the original site's feeds carried and existing bots read;
//! Atom for all summaries, a paper's, an author's and a venue's. Every feed has an `ETag` that
//! answers `If-None-Match` with 304, and a `Last-Modified`.

use actix_web::http::header::{self, HeaderValue, HttpDate};
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, Utc};

use crate::domain::feeds::{self, Feed, Source};
use crate::error::ApiError;
use crate::startup::AppState;

/// The namespace of the `shortscience:` elements.
const NAMESPACE: &str = "https://shortscience.org/ns/feed";
/// Characters of a summary's text in `/rss.xml`.
const SHORT_TEXT_CHARS: usize = 500;
/// Feeds are polled; readers may reuse one for this long before asking again.
const CACHE_CONTROL: &str = "public, max-age=300";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(rss)
        .service(rss_full)
        .service(site_atom)
        .service(paper_atom)
        .service(user_atom)
        .service(venue_atom);
}

#[get("/rss.xml")]
async fn rss(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    rss_feed(&state, &req, false).await
}

#[get("/rss-full.xml")]
async fn rss_full(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    rss_feed(&state, &req, true).await
}

async fn rss_feed(state: &AppState, req: &HttpRequest, full: bool) -> Result<HttpResponse, ApiError> {
    let feed = feeds::feed(
        &state.db,
        &state.config.public_url,
        Source::Site { voted_up: true },
    )
    .await?;
    Ok(respond(
        req,
        &feed,
        write_rss(&state.config.public_url, req.path(), &feed, full),
    ))
}

#[get("/feeds/summaries.atom")]
async fn site_atom(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    atom(&state, &req, Source::Site { voted_up: false }).await
}

#[get("/feeds/papers/{id}.atom")]
async fn paper_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.parse().map_err(|_| ApiError::NotFound)?;
    atom(&state, &req, Source::Paper(id)).await
}

#[get("/feeds/users/{username}.atom")]
async fn user_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    username: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    atom(&state, &req, Source::User(&username)).await
}

#[get("/feeds/venues/{key}.atom")]
async fn venue_atom(
    state: web::Data<AppState>,
    req: HttpRequest,
    key: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    atom(&state, &req, Source::Venue(&key)).await
}

async fn atom(state: &AppState, req: &HttpRequest, source: Source<'_>) -> Result<HttpResponse, ApiError> {
    let feed = feeds::feed(&state.db, &state.config.public_url, source).await?;
    Ok(respond(req, &feed, write_atom(&state.config.public_url, &feed)))
}

/// The newest change among the items, to the second (what `Last-Modified` can say).
fn last_modified(feed: &Feed) -> Option<DateTime<Utc>> {
    feed.entries
        .iter()
        .map(|e| e.summary.updated_at.max(e.summary.created_at))
        .max()
        .and_then(|t| DateTime::from_timestamp(t.timestamp(), 0))
}

/// The feed, or 304 when the reader's copy is current by `If-None-Match` against a tag of the
/// bytes (weak: compression gives other bytes of the same feed). `Last-Modified` (the newest
/// item's last edit) is sent to inform, but never answers `If-Modified-Since`: a vote, a
/// moderator or a deletion changes a feed without changing any item's edit time.
fn respond(req: &HttpRequest, feed: &Feed, (content_type, body): (&'static str, String)) -> HttpResponse {
    let etag = format!("W/\"{}\"", &crate::hashing::sha256_hex(body.as_bytes())[..32]);
    let current = crate::middleware::is_current(req, &etag);
    let mut response = if current {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL)));
    if let Some(modified) = last_modified(feed) {
        response.insert_header((
            header::LAST_MODIFIED,
            HttpDate::from(std::time::SystemTime::from(modified)),
        ));
    }
    if current {
        return response.finish();
    }
    response.content_type(content_type).body(body)
}

/// Appends `text` escaped for XML, without the control characters XML 1.0 cannot hold.
fn push_text(out: &mut String, text: &str) {
    let allowed = |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if text.chars().all(allowed) {
        out.push_str(&quick_xml::escape::escape(text));
    } else {
        let clean: String = text.chars().filter(|c| allowed(*c)).collect();
        out.push_str(&quick_xml::escape::escape(&clean));
    }
}

/// `<name>text</name>`.
fn element(out: &mut String, name: &str, text: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    push_text(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// The summary's Markdown cut to its first 500 characters.
fn short_text(markdown: &str) -> String {
    match markdown.char_indices().nth(SHORT_TEXT_CHARS) {
        Some((end, _)) => format!("{}…", markdown[..end].trim_end()),
        None => markdown.to_owned(),
    }
}

fn author_name(entry: &feeds::Entry) -> &str {
    entry
        .summary
        .author
        .as_ref()
        .map_or("Anonymous", |author| author.display_name.as_str())
}

/// The `shortscience:` elements of an item.
fn push_shortscience(out: &mut String, entry: &feeds::Entry) {
    if let Some(arxiv_id) = &entry.arxiv_id {
        element(out, "shortscience:arxivid", arxiv_id);
    }
    element(out, "shortscience:bibtexkey", &entry.summary.paper.key);
    element(out, "shortscience:votes", &entry.summary.score.to_string());
}

fn write_rss(public_url: &str, path: &str, feed: &Feed, full: bool) -> (&'static str, String) {
    let mut out = String::with_capacity(1024 + feed.entries.len() * if full { 4096 } else { 1024 });
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:shortscience=\"");
    out.push_str(NAMESPACE);
    out.push_str("\"><channel>");
    element(
        &mut out,
        "title",
        &format!("ShortScience: {}", feed.title.to_lowercase()),
    );
    element(&mut out, "link", &format!("{public_url}{}", feed.page));
    element(
        &mut out,
        "description",
        "Short summaries of research papers, written and voted on by researchers.",
    );
    out.push_str("<atom:link rel=\"self\" type=\"application/rss+xml\" href=\"");
    push_text(&mut out, &format!("{public_url}{path}"));
    out.push_str("\"/>");
    if let Some(modified) = last_modified(feed) {
        element(&mut out, "lastBuildDate", &modified.to_rfc2822());
    }
    for entry in &feed.entries {
        let summary = &entry.summary;
        let url = format!("{public_url}/summary/{}", summary.id);
        out.push_str("<item>");
        element(&mut out, "title", &summary.paper.title);
        element(&mut out, "link", &url);
        out.push_str("<guid isPermaLink=\"true\">");
        push_text(&mut out, &url);
        out.push_str("</guid>");
        element(&mut out, "pubDate", &summary.created_at.to_rfc2822());
        element(&mut out, "dc:creator", author_name(entry));
        if full {
            element(&mut out, "description", &summary.body_html);
        } else {
            element(&mut out, "description", &short_text(&summary.body_markdown));
        }
        for tag in &summary.tags {
            element(&mut out, "category", tag);
        }
        push_shortscience(&mut out, entry);
        out.push_str("</item>");
    }
    out.push_str("</channel></rss>\n");
    ("application/rss+xml; charset=utf-8", out)
}

fn write_atom(public_url: &str, feed: &Feed) -> (&'static str, String) {
    let self_url = format!("{public_url}{}", feed.atom_path);
    let mut out = String::with_capacity(1024 + feed.entries.len() * 4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:shortscience=\"");
    out.push_str(NAMESPACE);
    out.push_str("\">");
    element(&mut out, "title", &format!("ShortScience: {}", feed.title));
    element(&mut out, "id", &self_url);
    out.push_str("<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    push_text(&mut out, &self_url);
    out.push_str("\"/><link rel=\"alternate\" type=\"text/html\" href=\"");
    push_text(&mut out, &format!("{public_url}{}", feed.page));
    out.push_str("\"/>");
    // An empty feed was last changed when nothing was in it; the epoch says so and stays stable.
    let updated = last_modified(feed).unwrap_or_default();
    element(&mut out, "updated", &updated.to_rfc3339());
    for entry in &feed.entries {
        let summary = &entry.summary;
        let url = format!("{public_url}/summary/{}", summary.id);
        out.push_str("<entry>");
        element(&mut out, "title", &summary.paper.title);
        element(&mut out, "id", &url);
        out.push_str("<link rel=\"alternate\" type=\"text/html\" href=\"");
        push_text(&mut out, &url);
        out.push_str("\"/>");
        element(&mut out, "published", &summary.created_at.to_rfc3339());
        element(
            &mut out,
            "updated",
            &summary.updated_at.max(summary.created_at).to_rfc3339(),
        );
        out.push_str("<author>");
        element(&mut out, "name", author_name(entry));
        out.push_str("</author>");
        for tag in &summary.tags {
            out.push_str("<category term=\"");
            push_text(&mut out, tag);
            out.push_str("\"/>");
        }
        out.push_str("<content type=\"html\">");
        push_text(&mut out, &summary.body_html);
        out.push_str("</content>");
        push_shortscience(&mut out, entry);
        out.push_str("</entry>");
    }
    out.push_str("</feed>\n");
    ("application/atom+xml; charset=utf-8", out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_stripped_of_what_xml_cannot_hold() {
        let mut out = String::new();
        push_text(&mut out, "a < b & \"c\"\u{7}\u{1b}\tend");
        assert_eq!(out, "a &lt; b &amp; &quot;c&quot;\tend");
    }

    #[test]
    fn short_text_is_cut_at_500_characters() {
        let long = "é".repeat(600);
        let cut = short_text(&long);
        assert_eq!(cut.chars().count(), 501);
        assert!(cut.ends_with('…'));
        assert_eq!(short_text("short"), "short");
    }
}
