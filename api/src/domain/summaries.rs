//! Reading summaries: single reads, lists and exports through the visibility scope, and the
//! JSON shape of a summary with its paper, author and tags.

use chrono::Duration;
use sea_orm::{ColumnTrait, ConnectionTrait};
use shared::api::{Category, MAX_TAG, Page, Period, Summary, SummaryFeedQuery, SummarySort, TagCount};

use super::scope::{Listing, Scope};
use crate::db::entity::summaries;
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self};
use crate::error::ApiError;

/// Which summaries a list shows, within what the reader may list.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    pub listing: Listing,
    pub paper_id: Option<i64>,
    /// A venue key and maybe a year: summaries of that venue's papers.
    pub venue: Option<(&'a str, Option<i32>)>,
    /// Only summaries of papers in this field.
    pub category: Option<Category>,
    /// Only summaries with this tag.
    pub tag: Option<&'a str>,
    /// Only summaries written in this period (`sort=top` of the front page).
    pub period: Period,
    /// Only summaries voted above zero (the RSS feed bots read).
    pub voted_up: bool,
}

impl Filter<'_> {
    /// Everything in a listing, of any paper.
    pub fn of(listing: Listing) -> Filter<'static> {
        Filter {
            listing,
            paper_id: None,
            venue: None,
            category: None,
            tag: None,
            period: Period::All,
            voted_up: false,
        }
    }
}

/// The front page's list: every order, narrowed by any of the filters. An unknown paper or
/// author has no summaries.
pub async fn feed(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    query: &SummaryFeedQuery,
) -> Result<Page<Summary>, ApiError> {
    for (field, value) in [("tag", &query.tag), ("author", &query.author)] {
        if value.as_ref().is_some_and(|v| v.chars().count() > MAX_TAG) {
            return Err(ApiError::invalid(field, format!("at most {MAX_TAG} characters")));
        }
    }
    let order = order_name(query.sort, query.period);
    PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let nothing = Page {
        items: Vec::new(),
        next_cursor: None,
    };
    // Read as tags are stored (`Deep Learning` is `deep-learning`); NUL and the like drop out.
    let tag = query.tag.as_deref().map(super::authoring::normal_tag);
    if tag.as_deref() == Some("") {
        return Ok(nothing);
    }
    let listing = match query.author.as_deref() {
        None => Listing::Site,
        Some(username) => match db::accounts::find_by_username(db, username).await? {
            Some(author) => Listing::ByAuthor(author.id),
            None => return Ok(nothing),
        },
    };
    let paper_id = match query.paper.as_deref().map(str::parse::<i64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Ok(nothing),
    };
    let filter = Filter {
        listing,
        paper_id,
        venue: None,
        category: query.category,
        tag: tag.as_deref(),
        period: if query.sort == SummarySort::Top {
            query.period
        } else {
            Period::All
        },
        voted_up: false,
    };
    list(
        db,
        scope,
        public_url,
        filter,
        query.sort,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

/// The name of an order in cursors: a cursor of one order (or period) is refused by another.
fn order_name(sort: SummarySort, period: Period) -> &'static str {
    match (sort, period) {
        (SummarySort::New, _) => "new",
        (SummarySort::Popular, _) => "popular",
        (SummarySort::Top, Period::All) => "top",
        (SummarySort::Top, Period::Day) => "top-day",
        (SummarySort::Top, Period::Week) => "top-week",
        (SummarySort::Top, Period::Month) => "top-month",
    }
}

/// One page of a list.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    filter: Filter<'_>,
    sort: SummarySort,
    limit: Option<u64>,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let order = order_name(sort, filter.period);
    let page = PageRequest::parse(limit, cursor, order)?;
    let mut condition = scope.listed(filter.listing);
    if let Some(paper_id) = filter.paper_id {
        condition = condition.add(summaries::Column::PaperId.eq(paper_id));
    }
    if let Some((venue_key, year)) = filter.venue {
        condition = condition.add(db::papers::of_venue(venue_key, year));
    }
    if let Some(category) = filter.category {
        condition = condition.add(db::papers::of_category(category));
    }
    if let Some(tag) = filter.tag {
        condition = condition.add(db::summaries::tagged(tag));
    }
    if let Some(days) = filter.period.days() {
        condition = condition.add(summaries::Column::CreatedAt.gte(db::now() - Duration::days(days)));
    }
    if filter.voted_up {
        condition = condition.add(summaries::Column::Score.gt(0));
    }
    let rows = db::summaries::page(db, condition, sort, page.after, page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |s| Cursor {
        order,
        key: db::summaries::key_of(s, sort),
        id: s.id,
    });
    Ok(Page {
        items: hydrate(db, scope, public_url, rows).await?,
        next_cursor,
    })
}

/// Tags shown on the site, most used first (listed summaries only).
pub async fn tags(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<TagCount>, ApiError> {
    let counts = db::summaries::tag_counts(db, Scope::public().listed(Listing::Site), limit).await?;
    Ok(counts
        .into_iter()
        .map(|(tag, summary_count)| TagCount { tag, summary_count })
        .collect())
}

/// One summary as the reader may see it; 404 when it does not exist or may not be seen.
pub async fn get(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    id: i64,
    share_token: Option<&str>,
) -> Result<Summary, ApiError> {
    let summary = readable(db, scope, id, share_token).await?;
    hydrate(db, scope, public_url, vec![summary])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// A citable BibTeX entry for the summary itself: its author (or "Anonymous"), the paper it
/// summarises, its URL, the date of its current revision and its licence.
pub async fn bibtex(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    id: i64,
    share_token: Option<&str>,
) -> Result<String, ApiError> {
    let summary = get(db, scope, public_url, id, share_token).await?;
    let author = summary
        .author
        .as_ref()
        .map_or("Anonymous", |a| a.display_name.as_str());
    let date = summary.updated_at.max(summary.created_at);
    let fields = [
        ("author", super::papers::bibtex_value(author)),
        (
            "title",
            format!(
                "Summary of ``{}''",
                super::papers::bibtex_value(&summary.paper.title)
            ),
        ),
        ("howpublished", "ShortScience".to_owned()),
        ("year", date.format("%Y").to_string()),
        ("url", format!("{public_url}/summary/{}", summary.id)),
        (
            "note",
            format!(
                "Revision {} of {}; a summary of the paper {}",
                summary.revision,
                date.format("%Y-%m-%d"),
                super::papers::bibtex_value(&summary.paper.key)
            ),
        ),
        ("license", summary.license.clone()),
    ];
    let mut entry = format!("@misc{{shortscience-summary-{},\n", summary.id);
    for (name, value) in fields {
        entry.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    // The month is BibTeX's macro (`jan`), which styles print in their own language.
    entry.push_str(&format!(
        "  month = {},\n",
        date.format("%b").to_string().to_lowercase()
    ));
    entry.push_str("}\n");
    Ok(entry)
}

/// The summary row, if the reader may read it (the visibility scope decides); 404 otherwise.
pub(super) async fn readable(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    id: i64,
    share_token: Option<&str>,
) -> Result<summaries::Model, ApiError> {
    db::summaries::find(db, id)
        .await?
        .filter(|s| scope.may_read(s, share_token))
        .ok_or(ApiError::NotFound)
}

/// A public summary picked at random: an id drawn between the smallest and largest listed one,
/// and the first listed summary from there (two index lookups, never `ORDER BY RANDOM()`; a
/// summary after a gap in the ids is that much likelier). `None` when nothing is listed.
pub async fn random(db: &impl ConnectionTrait) -> Result<Option<i64>, ApiError> {
    let listed = || Scope::public().listed(Listing::Site);
    let Some((min, max)) = db::summaries::id_range(db, listed()).await? else {
        return Ok(None);
    };
    let drawn = rand::random_range(min..=max);
    Ok(db::summaries::first_from(db, listed(), drawn).await?)
}

/// Summaries per batch of the public export: one list page, a few queries each.
const EXPORT_BATCH: u64 = 100;

/// Every public summary with its paper, newest first, one JSON document per line, read a page at
/// a time as the reader takes it, so memory stays flat at any size. An error after the first
/// line ends the stream (the status is already sent).
pub fn export_public(
    db: sea_orm::DatabaseConnection,
    public_url: String,
) -> impl futures_util::Stream<Item = Result<actix_web::web::Bytes, ApiError>> {
    // `None` once the last page is sent; `Some(cursor)` of the next page otherwise.
    futures_util::stream::try_unfold(Some(None::<String>), move |next| {
        let (db, public_url) = (db.clone(), public_url.clone());
        async move {
            let Some(cursor) = next else {
                return Ok(None);
            };
            let filter = Filter::of(Listing::Site);
            let page = list(
                &db,
                Scope::public(),
                &public_url,
                filter,
                SummarySort::New,
                Some(EXPORT_BATCH),
                cursor.as_deref(),
            )
            .await?;
            let mut lines = Vec::with_capacity(page.items.len() * 2048);
            for summary in &page.items {
                serde_json::to_writer(&mut lines, summary).map_err(|e| ApiError::Internal(e.into()))?;
                lines.push(b'\n');
            }
            let next = page.next_cursor.map(Some);
            Ok(Some((actix_web::web::Bytes::from(lines), next)))
        }
    })
}

/// Everything the reader wrote and has not deleted, newest first.
pub async fn own(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
) -> Result<Vec<Summary>, ApiError> {
    let rows = db::summaries::all(db, scope.listed(Listing::Own)).await?;
    hydrate(db, scope, public_url, rows).await
}

/// Builds the JSON shape of each summary, loading papers, authors, tags and the reader's votes
/// in one query each. Authors are loaded for every row; the scope decides where they show.
pub(super) async fn hydrate(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    rows: Vec<summaries::Model>,
) -> Result<Vec<Summary>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let papers = db::papers::by_ids(db, rows.iter().map(|s| s.paper_id).collect()).await?;
    let authors = db::accounts::by_ids(db, rows.iter().map(|s| s.author_id).collect()).await?;
    let mut tags = db::summaries::tags_of(db, ids.clone()).await?;
    let my_votes = match scope.reader() {
        Some(reader) => Some(db::summaries::votes_of(db, reader.id, ids).await?),
        None => None,
    };
    rows.into_iter()
        .map(|s| {
            let missing = |what: &str, id: i64| {
                ApiError::Internal(anyhow::anyhow!("summary {} points at missing {what} {id}", s.id))
            };
            let paper = papers
                .get(&s.paper_id)
                .ok_or_else(|| missing("paper", s.paper_id))?;
            let author = authors
                .get(&s.author_id)
                .ok_or_else(|| missing("author", s.author_id))?;
            let share_url = match &s.share_token {
                Some(token) if scope.shows_share_link(&s) => {
                    Some(format!("{public_url}/summary/{}?share={token}", s.id))
                }
                _ => None,
            };
            Ok(Summary {
                id: s.id.to_string(),
                paper: super::papers::to_paper_ref(paper)?,
                author: scope.shows_author(&s).then(|| author.user_ref()),
                anonymous: s.anonymous,
                visibility: s.visibility,
                tags: tags.remove(&s.id).unwrap_or_default(),
                score: i64::from(s.score),
                upvotes: i64::from(s.upvotes),
                downvotes: i64::from(s.downvotes),
                my_vote: my_votes
                    .as_ref()
                    .map(|votes| votes.get(&s.id).map_or(0, |v| *v as i8)),
                comment_count: i64::from(s.comment_count),
                revision: s.revision,
                created_at: s.created_at,
                updated_at: s.updated_at,
                share_url,
                license: s.license,
                hidden: s.hidden_at.is_some(),
                body_markdown: s.body_markdown,
                body_html: s.body_html,
            })
        })
        .collect()
}
