//! What crawlers and link previews see of a page without running the app: the SPA shell with
//! the page's `<title>`, description, canonical link, Open Graph and JSON-LD written into its
//! head, and HTTP 404 for a paper, summary or user that does not exist (or that a stranger may
//! not see) and for a path that is no page of the app; and `/random`.

use std::collections::HashMap;

use actix_web::HttpRequest;
use serde_json::{Value, json};

use crate::domain::scope::Scope;
use crate::domain::{papers, summaries, users};
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(random);
}

/// `/random`: a public summary picked at random (302, never cached), or the front page when
/// there is none.
#[actix_web::get("/random")]
async fn random(state: actix_web::web::Data<AppState>) -> Result<actix_web::HttpResponse, ApiError> {
    let location = match summaries::random(&state.db).await? {
        Some(id) => format!("/summary/{id}"),
        None => "/".to_owned(),
    };
    Ok(actix_web::HttpResponse::Found()
        .insert_header((actix_web::http::header::LOCATION, location))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// Where the server writes a page's head, in `frontend/index.html`.
pub const META_START: &str = "<!-- page meta -->";
pub const META_END: &str = "<!-- /page meta -->";

/// The app's pages without an id: the generic head serves them.
const APP_PAGES: &[&str] = &[
    "/",
    "/users",
    "/search",
    "/venues",
    "/write",
    "/login",
    "/register",
    "/forgot-password",
    "/reset-password",
    "/confirm-email",
    "/settings",
    "/notifications",
    "/me/summaries",
    "/moderation",
];

/// Longest description, in characters.
const DESCRIPTION_CHARS: usize = 200;

const SITE_DESCRIPTION: &str =
    "Short, readable summaries of research papers, written and voted on by researchers.";

/// A page's head.
#[derive(Debug)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute URL; also the Open Graph URL.
    pub canonical: Option<String>,
    /// Open Graph type: `website`, `article` or `profile`.
    pub kind: &'static str,
    /// Kept out of search engines (an unlisted summary opened by its share link).
    pub noindex: bool,
    pub json_ld: Option<Value>,
}

impl PageMeta {
    fn site() -> PageMeta {
        PageMeta {
            title: "ShortScience".to_owned(),
            description: SITE_DESCRIPTION.to_owned(),
            canonical: None,
            kind: "website",
            noindex: false,
            json_ld: None,
        }
    }

    /// The head's HTML, escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::new();
        out.push_str("<title>");
        escape(&mut out, &self.title);
        out.push_str("</title>\n  ");
        meta(&mut out, "name", "description", &self.description);
        meta(&mut out, "property", "og:site_name", "ShortScience");
        meta(&mut out, "property", "og:type", self.kind);
        meta(&mut out, "property", "og:title", &self.title);
        meta(&mut out, "property", "og:description", &self.description);
        meta(&mut out, "name", "twitter:card", "summary");
        if self.noindex {
            meta(&mut out, "name", "robots", "noindex");
        }
        if let Some(canonical) = &self.canonical {
            meta(&mut out, "property", "og:url", canonical);
            out.push_str("<link rel=\"canonical\" href=\"");
            escape(&mut out, canonical);
            out.push_str("\">\n  ");
        }
        if let Some(json_ld) = &self.json_ld {
            // A data block, never run; `<` is escaped so no text can close the element.
            out.push_str("<script type=\"application/ld+json\">");
            out.push_str(&json_ld.to_string().replace('<', "\\u003c"));
            out.push_str("</script>\n  ");
        }
        out
    }
}

fn escape(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

fn meta(out: &mut String, attribute: &str, name: &str, content: &str) {
    out.push_str("<meta ");
    out.push_str(attribute);
    out.push_str("=\"");
    out.push_str(name);
    out.push_str("\" content=\"");
    escape(out, content);
    out.push_str("\">\n  ");
}

/// The first characters of `text` on one line, for a description.
fn description(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(DESCRIPTION_CHARS) {
        Some((end, _)) => format!("{}…", line[..end].trim_end()),
        None => line,
    }
}

/// The head of the page at `req`'s path, or `None` when there is no such page (404).
pub async fn meta_for(state: &AppState, req: &HttpRequest) -> Result<Option<PageMeta>, ApiError> {
    let path = req.path().trim_end_matches('/');
    let path = if path.is_empty() { "/" } else { path };
    let public_url = &state.config.public_url;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let found = match segments.as_slice() {
        ["paper", id] => paper(state, id).await,
        ["summary", id] => {
            let query = web_query(req);
            summary(state, id, query.get("share").map(String::as_str)).await
        }
        ["user", username] => user(state, username).await,
        ["venue", key] => venue(state, key).await,
        _ if APP_PAGES.contains(&path) => Ok(PageMeta::site()),
        _ => Err(ApiError::NotFound),
    };
    match found {
        Ok(mut meta) => {
            if meta.canonical.is_none() && path != "/" && !APP_PAGES.contains(&path) {
                meta.canonical = Some(format!("{public_url}{path}"));
            }
            Ok(Some(meta))
        }
        Err(ApiError::NotFound) => Ok(None),
        Err(error) => Err(error),
    }
}

fn web_query(req: &HttpRequest) -> HashMap<String, String> {
    actix_web::web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(actix_web::web::Query::into_inner)
        .unwrap_or_default()
}

async fn paper(state: &AppState, id: &str) -> Result<PageMeta, ApiError> {
    let id = id.parse().map_err(|_| ApiError::NotFound)?;
    let paper = match papers::get(&state.db, id).await {
        // A merged paper's page is the page of the paper it was merged into.
        Err(ApiError::Moved(location)) => {
            let into = location.trim_start_matches("/api/v1/papers/");
            return Err(ApiError::Moved(format!("/paper/{into}")));
        }
        other => other?,
    };
    let url = format!("{}/paper/{}", state.config.public_url, paper.id);
    let authors: Vec<Value> = paper
        .authors
        .iter()
        .map(|name| json!({"@type": "Person", "name": name}))
        .collect();
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title,
        "name": paper.title,
        "author": authors,
        "url": url,
    });
    if let Some(year) = paper.year {
        article["datePublished"] = json!(year.to_string());
    }
    if let Some(text) = &paper.abstract_text {
        article["abstract"] = json!(text);
    }
    if let Some(venue) = &paper.venue {
        article["isPartOf"] = json!({"@type": "Periodical", "name": venue});
    }
    let mut same_as: Vec<String> = paper.urls.clone();
    if let Some(doi) = &paper.doi {
        same_as.push(format!("https://doi.org/{doi}"));
    }
    if let Some(arxiv) = &paper.arxiv_id {
        same_as.push(format!("https://arxiv.org/abs/{arxiv}"));
    }
    if !same_as.is_empty() {
        article["sameAs"] = json!(same_as);
    }
    let about = paper.abstract_text.as_deref().map_or_else(
        || format!("Summaries of {} by {}.", paper.title, paper.authors.join(", ")),
        description,
    );
    Ok(PageMeta {
        title: format!("{} · ShortScience", paper.title),
        description: about,
        canonical: Some(url),
        kind: "article",
        noindex: false,
        json_ld: Some(article),
    })
}

async fn summary(state: &AppState, id: &str, share: Option<&str>) -> Result<PageMeta, ApiError> {
    let id = id.parse().map_err(|_| ApiError::NotFound)?;
    let public_url = &state.config.public_url;
    let summary = summaries::get(&state.db, Scope::public(), public_url, id, share).await?;
    let url = format!("{public_url}/summary/{}", summary.id);
    let author = summary
        .author
        .as_ref()
        .map_or("Anonymous", |a| a.display_name.as_str());
    let review = json!({
        "@context": "https://schema.org",
        "@type": "Review",
        "name": format!("Summary of {}", summary.paper.title),
        "author": {"@type": "Person", "name": author},
        "datePublished": summary.created_at.to_rfc3339(),
        "dateModified": summary.updated_at.to_rfc3339(),
        "url": url,
        "license": summary.license,
        "itemReviewed": {
            "@type": "ScholarlyArticle",
            "name": summary.paper.title,
            "url": format!("{public_url}/paper/{}", summary.paper.id),
        },
    });
    Ok(PageMeta {
        title: format!("{} — summary by {author} · ShortScience", summary.paper.title),
        description: description(&summary.body_markdown),
        canonical: Some(url),
        kind: "article",
        noindex: summary.visibility != shared::api::Visibility::Public,
        json_ld: Some(review),
    })
}

/// A venue's page: 404 unless it has a summary strangers may list.
async fn venue(state: &AppState, encoded_key: &str) -> Result<PageMeta, ApiError> {
    let key = percent_encoding::percent_decode_str(encoded_key)
        .decode_utf8()
        .map_err(|_| ApiError::NotFound)?
        .into_owned();
    let query = shared::api::VenueSummariesQuery {
        year: None,
        limit: Some(1),
        cursor: None,
    };
    let public_url = &state.config.public_url;
    let page = papers::venue_summaries(&state.db, Scope::public(), public_url, &key, &query).await?;
    let venue = page.items.first().ok_or(ApiError::NotFound)?;
    let name = venue.paper.venue.clone().unwrap_or_else(|| key.clone());
    Ok(PageMeta {
        title: format!("{name} · ShortScience"),
        description: format!("Summaries of papers from {name} on ShortScience."),
        canonical: Some(format!(
            "{public_url}/venue/{}",
            shared::percent::encode(&key, b"")
        )),
        ..PageMeta::site()
    })
}

async fn user(state: &AppState, username: &str) -> Result<PageMeta, ApiError> {
    let profile = users::profile(&state.db, username).await?;
    let url = format!("{}/user/{}", state.config.public_url, profile.username);
    let page = json!({
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": url,
        "mainEntity": {"@type": "Person", "name": profile.display_name, "alternateName": profile.username},
    });
    let about = profile.bio.as_deref().map_or_else(
        || format!("Paper summaries by {} on ShortScience.", profile.display_name),
        description,
    );
    Ok(PageMeta {
        title: format!("{} · ShortScience", profile.display_name),
        description: about,
        canonical: Some(url),
        kind: "profile",
        noindex: false,
        json_ld: Some(page),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_escaped_and_json_ld_cannot_close_its_element() {
        let meta = PageMeta {
            title: "A \"quoted\" <b>title</b> & more".to_owned(),
            description: description("line one\n\nline   two"),
            canonical: Some("https://example.org/paper/1".to_owned()),
            kind: "article",
            noindex: true,
            json_ld: Some(json!({"name": "</script><script>alert(1)</script>"})),
        };
        let html = meta.to_html();
        assert!(
            html.contains("<title>A &quot;quoted&quot; &lt;b&gt;title&lt;/b&gt; &amp; more</title>"),
            "{html}"
        );
        assert!(html.contains("content=\"line one line two\""), "{html}");
        assert_eq!(html.matches("</script>").count(), 1, "{html}");
        assert!(html.contains("\\u003c/script>\\u003cscript>"), "{html}");
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{html}"
        );
    }
}
