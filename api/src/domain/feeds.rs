//! What the feeds hold: the newest public summaries of the site, of a paper, of an author or of a
//! venue, as strangers may list them (the visibility scope's public listing; an author's
//! anonymous summaries are never in their feed), each with its paper's arXiv id for the bots
//! that read `shortscience:arxivid`.

use std::collections::HashMap;

use sea_orm::ConnectionTrait;
use shared::accounts::UserSummariesQuery;
use shared::api::{Summary, SummaryListQuery, SummarySort, VenueSummariesQuery};

use super::scope::{Listing, Scope};
use super::summaries::{self, Filter};
use super::{papers, users};
use crate::db;
use crate::error::ApiError;

/// Items in a feed: the newest ones, as the original site's feeds held.
pub const FEED_ITEMS: u64 = 100;

/// Which summaries a feed follows.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// Every public summary; `voted_up` keeps those voted above zero (the RSS feeds).
    Site {
        voted_up: bool,
    },
    Paper(i64),
    User(&'a str),
    Venue(&'a str),
}

/// A feed's items and what it is about.
pub struct Feed {
    /// The feed's title, e.g. "Summaries of Mask R-CNN".
    pub title: String,
    /// The page the feed follows, relative to the site (`/paper/3`).
    pub page: String,
    /// The feed's own Atom path, in one spelling whatever the request's (`/feeds/papers/3.atom`).
    pub atom_path: String,
    pub entries: Vec<Entry>,
}

pub struct Entry {
    pub summary: Summary,
    pub arxiv_id: Option<String>,
}

/// The newest summaries of `source`; 404 for an unknown paper, author or venue without any, and
/// a merged paper's feed moves (301) to the paper it was merged into.
pub async fn feed(db: &impl ConnectionTrait, public_url: &str, source: Source<'_>) -> Result<Feed, ApiError> {
    let scope = Scope::public();
    let newest = SummaryListQuery {
        sort: SummarySort::New,
        limit: Some(FEED_ITEMS),
        cursor: None,
    };
    let (title, page, atom_path, summaries) = match source {
        Source::Site { voted_up } => {
            let filter = Filter {
                voted_up,
                ..Filter::of(Listing::Site)
            };
            let page = summaries::list(
                db,
                scope,
                public_url,
                filter,
                SummarySort::New,
                newest.limit,
                None,
            )
            .await?;
            let path = "/feeds/summaries.atom".to_owned();
            ("Newest summaries".to_owned(), "/".to_owned(), path, page.items)
        }
        Source::Paper(id) => {
            let paper = db::papers::find(db, id).await?.ok_or(ApiError::NotFound)?;
            if let Some(into) = paper.merged_into {
                return Err(ApiError::Moved(format!("/feeds/papers/{into}.atom")));
            }
            let page = papers::summaries(db, scope, public_url, id, &newest).await?;
            (
                format!("Summaries of {}", paper.title),
                format!("/paper/{id}"),
                format!("/feeds/papers/{id}.atom"),
                page.items,
            )
        }
        Source::User(username) => {
            let profile = users::profile(db, username).await?;
            let query = UserSummariesQuery {
                limit: newest.limit,
                cursor: None,
            };
            let page = users::summaries(db, scope, public_url, username, &query).await?;
            let title = format!("Summaries by {}", profile.display_name);
            let path = format!("/feeds/users/{}.atom", profile.username);
            (title, format!("/user/{}", profile.username), path, page.items)
        }
        Source::Venue(key) => {
            let query = VenueSummariesQuery {
                year: None,
                limit: newest.limit,
                cursor: None,
            };
            let page = papers::venue_summaries(db, scope, public_url, key, &query).await?;
            let Some(first) = page.items.first() else {
                return Err(ApiError::NotFound);
            };
            let venue = first.paper.venue.clone().unwrap_or_else(|| key.to_owned());
            let encoded = shared::percent::encode(key, b"");
            let (page_path, path) = (
                format!("/venue/{encoded}"),
                format!("/feeds/venues/{encoded}.atom"),
            );
            (
                format!("Summaries of {venue} papers"),
                page_path,
                path,
                page.items,
            )
        }
    };
    let paper_ids = summaries.iter().filter_map(|s| s.paper.id.parse().ok()).collect();
    let arxiv_ids: HashMap<i64, Option<String>> = db::papers::by_ids(db, paper_ids)
        .await?
        .into_iter()
        .map(|(id, paper)| (id, paper.arxiv_id))
        .collect();
    let entries = summaries
        .into_iter()
        .map(|summary| {
            let arxiv_id = summary
                .paper
                .id
                .parse()
                .ok()
                .and_then(|id| arxiv_ids.get(&id).cloned().flatten());
            Entry { summary, arxiv_id }
        })
        .collect();
    Ok(Feed {
        title,
        page,
        atom_path,
        entries,
    })
}
