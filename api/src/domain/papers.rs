//! Papers: browsing, importing from arXiv, Crossref and DBLP, resolving any key (one or many at
//! once), BibTeX, and the JSON shape of a paper. Every identifier a paper is known by is a row
//! of `paper_keys`, so whatever form a user pastes lands on one paper.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection, Set};
use shared::api::{
    MAX_RESOLVE_KEYS, MAX_SEARCH_QUERY, NewPaperRequest, Page, Paper, PaperChange, PaperListQuery, PaperRef,
    PaperSort, ResolveResponse, ResolvedKey, Summary, SummaryListQuery, Venue, VenueSummariesQuery,
    VenueYear,
};
use shared::ids::{ArxivId, PaperKey};

use super::scope::{Listing, Scope};
use super::summaries::{self, Filter};
use crate::auth::AuthUser;
use crate::db::entity::papers;
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self, backend, papers::json_list, papers::to_json_list};
use crate::error::ApiError;
use crate::upstream::{Metadata, Upstreams};

/// One page of papers matching the query.
pub async fn list(db: &impl ConnectionTrait, query: &PaperListQuery) -> Result<Page<Paper>, ApiError> {
    let order = match query.sort {
        PaperSort::Recent => "recent",
        PaperSort::MostSummarized => "most_summarized",
        PaperSort::Popular => "popular",
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    if let Some(q) = &query.q
        && q.chars().count() > MAX_SEARCH_QUERY
    {
        return Err(ApiError::invalid(
            "q",
            format!("at most {MAX_SEARCH_QUERY} characters"),
        ));
    }
    let rows = db::papers::page(db, query, page.after, page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |p| Cursor {
        order,
        key: db::papers::key_of(p, query.sort),
        id: p.id,
    });
    Ok(Page {
        items: with_keys(db, rows).await?,
        next_cursor,
    })
}

/// Papers trending: the most summarised and voted on over the last 7 days (a new summary
/// counts 3, a vote its value), best first, at most 10.
pub async fn trending(db: &impl ConnectionTrait) -> Result<Vec<Paper>, ApiError> {
    let since = db::now() - chrono::Duration::days(7);
    let listed = Scope::public().listed(Listing::Site);
    let mut ranked: Vec<(i64, i64)> = db::summaries::activity_since(db, listed, since)
        .await?
        .into_iter()
        .filter(|(_, activity)| *activity > 0)
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    ranked.truncate(TRENDING);
    let mut rows = db::papers::by_ids(db, ranked.iter().map(|(id, _)| *id).collect()).await?;
    let rows = ranked
        .iter()
        .filter_map(|(id, _)| rows.remove(id))
        .filter(|p| p.merged_into.is_none())
        .collect();
    with_keys(db, rows).await
}

/// Papers in the trending list.
const TRENDING: usize = 10;

/// One paper, or 404; a merged paper answers 301 with the paper it was merged into.
pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<Paper, ApiError> {
    one(db, live(db, id, "").await?).await
}

/// A paper that was not merged away; a merged one answers 301 to `…/{into}{suffix}`.
async fn live(db: &impl ConnectionTrait, id: i64, suffix: &str) -> Result<papers::Model, ApiError> {
    let paper = find(db, id).await?;
    match paper.merged_into {
        Some(into) => Err(ApiError::Moved(format!("/api/v1/papers/{into}{suffix}"))),
        None => Ok(paper),
    }
}

async fn find(db: &impl ConnectionTrait, id: i64) -> Result<papers::Model, ApiError> {
    db::papers::find(db, id).await?.ok_or(ApiError::NotFound)
}

async fn one(db: &impl ConnectionTrait, paper: papers::Model) -> Result<Paper, ApiError> {
    with_keys(db, vec![paper]).await?.pop().ok_or(ApiError::NotFound)
}

/// The JSON shapes of papers, with their keys (one query for all).
async fn with_keys(db: &impl ConnectionTrait, rows: Vec<papers::Model>) -> Result<Vec<Paper>, ApiError> {
    let mut keys = db::papers::keys_of(db, rows.iter().map(|p| p.id).collect()).await?;
    rows.into_iter()
        .map(|p| {
            let keys = keys.remove(&p.id).unwrap_or_default();
            to_paper(p, keys)
        })
        .collect()
}

/// The summaries of a paper the reader may list; 404 for an unknown paper.
pub async fn summaries(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    paper_id: i64,
    query: &SummaryListQuery,
) -> Result<Page<Summary>, ApiError> {
    let paper = live(db, paper_id, "/summaries").await?;
    let filter = Filter {
        paper_id: Some(paper.id),
        venue: None,
        ..Filter::of(Listing::Site)
    };
    summaries::list(
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

/// Enters a paper by hand (for work no metadata service knows). 409 with the existing paper's
/// `Location` when one of its identifiers belongs to a paper already.
pub async fn create(
    db: &DatabaseConnection,
    creator: i64,
    request: &NewPaperRequest,
) -> Result<Paper, ApiError> {
    let valid = validate_new_paper(request)?;
    let mut keys: Vec<String> = Vec::new();
    keys.extend(valid.arxiv_id.iter().map(|id| format!("arxiv:{id}")));
    keys.extend(valid.doi.iter().map(|doi| format!("doi:{doi}")));
    keys.extend(valid.dblp_key.iter().map(|key| format!("dblp:{key}")));
    if keys.is_empty() {
        // Nothing names it elsewhere: a key of its own, never reused.
        keys.push(format!("manual:{}", uuid::Uuid::new_v4().simple()));
    }
    let txn = db::begin_write(db).await?;
    if let Some(existing) = db::papers::find_keys(&txn, keys.clone())
        .await?
        .into_values()
        .next()
    {
        return Err(ApiError::Conflict {
            detail: "A paper with this identifier exists already.".to_owned(),
            errors: None,
            location: Some(format!("/api/v1/papers/{existing}")),
        });
    }
    let now = db::now();
    let identifiers: Identifiers = (valid.arxiv_id.clone(), valid.doi.clone(), valid.dblp_key.clone());
    let model = db::papers::insert(
        &txn,
        papers::ActiveModel {
            key: Set(keys[0].clone()),
            title: Set(valid.title),
            authors: Set(to_json_list(&valid.authors)),
            r#abstract: Set(valid.abstract_text),
            venue_key: Set(valid.venue.as_deref().map(venue_key)),
            venue: Set(valid.venue),
            year: Set(valid.year),
            category: Set(valid.category),
            pdf_url: Set(valid
                .arxiv_id
                .as_ref()
                .map(|id| format!("https://arxiv.org/pdf/{id}"))),
            arxiv_id: Set(valid.arxiv_id),
            doi: Set(valid.doi),
            dblp_key: Set(valid.dblp_key),
            urls: Set(to_json_list(&valid.urls)),
            summary_count: Set(0),
            view_count: Set(0),
            popularity: Set(0),
            created_by: Set(Some(creator)),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let model = match model {
        Ok(model) => model,
        Err(err) if db::is_unique_violation(&err) => {
            drop(txn);
            let holder = holder_of(db, &identifiers, err).await?;
            return Err(ApiError::Conflict {
                detail: "A paper with this identifier exists already.".to_owned(),
                errors: None,
                location: Some(format!("/api/v1/papers/{holder}")),
            });
        }
        Err(err) => return Err(err.into()),
    };
    db::papers::add_keys(&txn, model.id, &keys).await?;
    txn.commit().await?;
    one(db, model).await
}

/// A hand-entered paper that passed every field rule.
struct ValidPaper {
    title: String,
    authors: Vec<String>,
    abstract_text: Option<String>,
    venue: Option<String>,
    year: Option<i32>,
    category: shared::api::Category,
    arxiv_id: Option<String>,
    doi: Option<String>,
    dblp_key: Option<String>,
    urls: Vec<String>,
}

fn validate_new_paper(request: &NewPaperRequest) -> Result<ValidPaper, ApiError> {
    let mut errors = shared::problem::FieldErrors::new();
    let mut add = |field: &str, message: &str| add_error(&mut errors, field, message);
    if !text_ok(&request.title, 500) {
        add("title", "must be 1 to 500 characters, without control characters");
    }
    if request.authors.is_empty()
        || request.authors.len() > 200
        || !request.authors.iter().all(|a| text_ok(&a.0, 200))
    {
        add("authors", "must be 1 to 200 names of 1 to 200 characters each");
    }
    if let Some(text) = &request.abstract_text
        && (text.chars().count() > 20_000 || text.contains('\0'))
    {
        add("abstract", "must be at most 20000 characters");
    }
    if let Some(venue) = &request.venue
        && !text_ok(venue, 300)
    {
        add("venue", "must be 1 to 300 characters, without control characters");
    }
    if request.year.is_some_and(|y| !(1000..=2100).contains(&y)) {
        add("year", "must be between 1000 and 2100");
    }
    let arxiv_id = request.arxiv_id.as_deref().map(ArxivId::parse_loose).transpose();
    let doi = request
        .doi
        .as_deref()
        .map(shared::ids::Doi::parse_loose)
        .transpose();
    let dblp_key = request
        .dblp_key
        .as_deref()
        .map(shared::ids::DblpKey::parse_loose)
        .transpose();
    if let Err(e) = &arxiv_id {
        add("arxiv_id", &e.to_string());
    }
    if let Err(e) = &doi {
        add("doi", &e.to_string());
    }
    if let Err(e) = &dblp_key {
        add("dblp_key", &e.to_string());
    }
    let urls_ok = request.urls.len() <= 10
        && request
            .urls
            .iter()
            .all(|u| shared::accounts::check_homepage(u).is_ok_and(|checked| checked == *u));
    if !urls_ok {
        add(
            "urls",
            "must be at most 10 web addresses starting with http:// or https://",
        );
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    Ok(ValidPaper {
        title: request.title.trim().to_owned(),
        authors: request.authors.iter().map(|a| a.0.trim().to_owned()).collect(),
        abstract_text: request
            .abstract_text
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned),
        venue: request.venue.as_deref().map(|v| v.trim().to_owned()),
        year: request.year,
        category: request.category.unwrap_or(shared::api::Category::Other),
        arxiv_id: arxiv_id.ok().flatten().map(|id| id.as_str().to_owned()),
        doi: doi.ok().flatten().map(|d| d.as_str().to_owned()),
        dblp_key: dblp_key.ok().flatten().map(|k| k.as_str().to_owned()),
        urls: request.urls.clone(),
    })
}

/// Fixes a paper's metadata: moderators may always, its creator while it has no summary.
pub async fn update(
    db: &DatabaseConnection,
    editor: &AuthUser,
    id: i64,
    change: &PaperChange,
) -> Result<Paper, ApiError> {
    let mut errors = shared::problem::FieldErrors::new();
    let mut add = |field: &str, message: &str| add_error(&mut errors, field, message);
    if change.title.as_deref().is_some_and(|t| !text_ok(t, 500)) {
        add("title", "must be 1 to 500 characters, without control characters");
    }
    if change
        .authors
        .as_ref()
        .is_some_and(|a| a.is_empty() || a.len() > 200 || !a.iter().all(|n| text_ok(&n.0, 200)))
    {
        add("authors", "must be 1 to 200 names of 1 to 200 characters each");
    }
    if change
        .abstract_text
        .as_deref()
        .is_some_and(|a| a.chars().count() > 20_000 || a.contains('\0'))
    {
        add("abstract", "must be at most 20000 characters");
    }
    if change
        .venue
        .as_deref()
        .is_some_and(|v| !v.is_empty() && !text_ok(v, 300))
    {
        add(
            "venue",
            "must be at most 300 characters, without control characters",
        );
    }
    if change.year.is_some_and(|y| !(1000..=2100).contains(&y)) {
        add("year", "must be between 1000 and 2100");
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let txn = db::begin_write(db).await?;
    let paper = live(&txn, id, "").await?;
    // A paper with an identifier has a source: its creator's word does not override it.
    let has_source = paper.arxiv_id.is_some() || paper.doi.is_some() || paper.dblp_key.is_some();
    let is_creator = paper.created_by == Some(editor.id) && !has_source;
    let may_edit =
        editor.is_moderator() || (is_creator && db::papers::live_summary_count(&txn, id).await? == 0);
    if !may_edit {
        return Err(ApiError::Forbidden(
            "Only moderators may change a paper, or the creator of a hand-entered one while it has no summaries."
                .to_owned(),
        ));
    }
    let mut active: papers::ActiveModel = paper.into();
    if let Some(title) = &change.title {
        active.title = Set(title.trim().to_owned());
    }
    if let Some(authors) = &change.authors {
        active.authors = Set(to_json_list(
            &authors.iter().map(|a| a.0.trim().to_owned()).collect::<Vec<_>>(),
        ));
    }
    if let Some(text) = &change.abstract_text {
        active.r#abstract = Set(Some(text.trim().to_owned()).filter(|t| !t.is_empty()));
    }
    if let Some(venue) = &change.venue {
        let venue = Some(venue.trim().to_owned()).filter(|v| !v.is_empty());
        active.venue_key = Set(venue.as_deref().map(venue_key));
        active.venue = Set(venue);
    }
    if let Some(year) = change.year {
        active.year = Set(Some(year));
    }
    if let Some(category) = change.category {
        active.category = Set(category);
    }
    active.updated_at = Set(db::now());
    let updated = db::papers::update(&txn, active).await?;
    txn.commit().await?;
    one(db, updated).await
}

/// Merges a paper into another (moderators): its summaries, keys and followers move there, and
/// its URLs redirect. Refused (409, naming them) when someone has a summary on both.
pub async fn merge(
    db: &DatabaseConnection,
    moderator: &AuthUser,
    from: i64,
    into: &str,
) -> Result<Paper, ApiError> {
    require_moderator(moderator)?;
    let into: i64 = into
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid("into", "must be a paper id"))?;
    if into == from {
        return Err(ApiError::invalid("into", "must be another paper"));
    }
    let txn = db::begin_write(db).await?;
    // In id order, so two merges of the same papers wait for each other instead of deadlocking;
    // the rows are read after the locks, so a merge that finished meanwhile is seen.
    for id in [from.min(into), from.max(into)] {
        backend::lock_paper(&txn, id).await?;
    }
    let source = find(&txn, from).await?;
    let target = db::papers::find(&txn, into)
        .await?
        .ok_or_else(|| ApiError::invalid("into", "no such paper"))?;
    if source.merged_into.is_some() || target.merged_into.is_some() {
        return Err(ApiError::Conflict {
            detail: "One of the papers has been merged already.".to_owned(),
            errors: None,
            location: None,
        });
    }
    // One live summary per author and paper: two live ones block the merge (deleted ones move
    // along with the rest; they block nothing).
    let both = db::papers::authors_on_both(&txn, source.id, target.id).await?;
    if !both.is_empty() {
        let mut names: Vec<String> = db::accounts::by_ids(&txn, both)
            .await?
            .into_values()
            .map(|u| u.username)
            .collect();
        names.sort();
        return Err(ApiError::Conflict {
            detail: format!(
                "These users have a summary of both papers; one of each pair must go first: {}.",
                names.join(", ")
            ),
            errors: Some(shared::problem::FieldErrors::from([("into".to_owned(), names)])),
            location: None,
        });
    }
    db::papers::move_into(&txn, &source, &target, db::now()).await?;
    txn.commit().await?;
    tracing::info!(
        from = source.id,
        into = target.id,
        moderator = moderator.id,
        "papers merged"
    );
    get(db, target.id).await
}

/// Fetches a paper's metadata again from its source (moderators).
pub async fn refresh(
    db: &DatabaseConnection,
    upstreams: &Upstreams,
    moderator: &AuthUser,
    id: i64,
) -> Result<Paper, ApiError> {
    require_moderator(moderator)?;
    let paper = live(db, id, "/refresh").await?;
    let source = paper
        .arxiv_id
        .as_deref()
        .and_then(|id| ArxivId::parse(id).ok().map(PaperKey::from))
        .or_else(|| {
            paper
                .doi
                .as_deref()
                .and_then(|d| shared::ids::Doi::parse(d).ok().map(PaperKey::Doi))
        })
        .or_else(|| {
            paper
                .dblp_key
                .as_deref()
                .and_then(|k| shared::ids::DblpKey::parse(k).ok().map(PaperKey::Dblp))
        })
        .ok_or_else(|| ApiError::Conflict {
            detail: "This paper was entered by hand: no service has its metadata.".to_owned(),
            errors: None,
            location: None,
        })?;
    let metadata = upstreams.fetch(&source).await?;
    let keys = keys_of_metadata(&metadata);
    let txn = db::begin_write(db).await?;
    let mut active: papers::ActiveModel = find(&txn, id).await?.into();
    active.title = Set(metadata.title);
    active.authors = Set(to_json_list(&metadata.authors));
    active.r#abstract = Set(metadata.abstract_text);
    active.venue_key = Set(metadata.venue.as_deref().map(venue_key));
    active.venue = Set(metadata.venue);
    active.year = Set(metadata.year);
    active.published_at = Set(metadata.published_at);
    active.category = Set(metadata.category);
    active.arxiv_version = Set(metadata.arxiv_version);
    active.arxiv_primary_category = Set(metadata.arxiv_primary_category);
    active.urls = Set(to_json_list(&metadata.urls));
    active.pdf_url = Set(metadata.pdf_url);
    active.updated_at = Set(db::now());
    let updated = db::papers::update(&txn, active).await?;
    // Keys another paper holds stay with it; merging the two is a moderator's call.
    db::papers::add_keys(&txn, id, &keys).await?;
    txn.commit().await?;
    one(db, updated).await
}

fn require_moderator(user: &AuthUser) -> Result<(), ApiError> {
    if user.is_moderator() {
        Ok(())
    } else {
        Err(ApiError::Forbidden("Only moderators may do this.".to_owned()))
    }
}

fn add_error(errors: &mut shared::problem::FieldErrors, field: &str, message: &str) {
    errors
        .entry(field.to_owned())
        .or_default()
        .push(message.to_owned());
}

fn text_ok(text: &str, max: usize) -> bool {
    !text.trim().is_empty() && text.chars().count() <= max && !text.chars().any(char::is_control)
}

/// Follows a paper (to hear of its new summaries); 404 for an unknown one.
pub async fn follow(
    db: &impl ConnectionTrait,
    user_id: i64,
    paper_id: i64,
    following: bool,
) -> Result<(), ApiError> {
    let paper = live(db, paper_id, "/follow").await?;
    if following {
        db::papers::follow(db, user_id, paper.id, db::now()).await?;
    } else {
        db::papers::unfollow(db, user_id, paper.id).await?;
    }
    Ok(())
}

/// Whether a user follows a (live) paper: the follow exists, or 404.
pub async fn following(db: &impl ConnectionTrait, user_id: i64, paper_id: i64) -> Result<(), ApiError> {
    let paper = live(db, paper_id, "/follow").await?;
    if db::papers::is_following(db, user_id, paper.id).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

/// Every venue with its years and their numbers of papers and summaries.
pub async fn venues(db: &impl ConnectionTrait) -> Result<Vec<Venue>, ApiError> {
    let mut venues: Vec<Venue> = Vec::new();
    for row in db::papers::venue_years(db).await? {
        let year = VenueYear {
            year: row.year,
            paper_count: row.paper_count,
            summary_count: row.summary_count,
        };
        match venues.last_mut() {
            Some(venue) if venue.venue_key == row.venue_key => venue.years.push(year),
            _ => venues.push(Venue {
                venue_key: row.venue_key,
                name: row.name,
                years: vec![year],
            }),
        }
    }
    Ok(venues)
}

/// The summaries of a venue's papers (of one year, with `year`), newest first.
pub async fn venue_summaries(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    venue_key: &str,
    query: &VenueSummariesQuery,
) -> Result<Page<Summary>, ApiError> {
    if !db::accounts::storable(venue_key) {
        // No stored venue key holds NUL (PostgreSQL cannot): nothing to list.
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let filter = Filter {
        paper_id: None,
        venue: Some((venue_key, query.year)),
        ..Filter::of(Listing::Site)
    };
    summaries::list(
        db,
        scope,
        public_url,
        filter,
        shared::api::SummarySort::New,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

/// An imported paper and whether this request created it.
pub struct Imported {
    pub paper: Paper,
    pub created: bool,
}

/// A user's import through the API: limited per user (each may cost a request upstream, and
/// arXiv takes one every three seconds for the whole site), then [`import`].
pub async fn import_for(
    db: &DatabaseConnection,
    upstreams: &Upstreams,
    limiter: &crate::rate_limit::Limiter,
    user: &AuthUser,
    identifier: &str,
) -> Result<Imported, ApiError> {
    limiter.check_user(user.id).await?;
    import(db, upstreams, Some(user.id), identifier).await
}

/// Imports the paper an identifier names: returns it if some key of it is known already (200),
/// else fetches its metadata from the identifier's service and stores it with all its keys
/// (201). Nothing is written until the metadata is complete, so an upstream failure leaves
/// nothing behind.
pub async fn import(
    db: &DatabaseConnection,
    upstreams: &Upstreams,
    creator: Option<i64>,
    identifier: &str,
) -> Result<Imported, ApiError> {
    let key = PaperKey::identify(identifier).map_err(|e| ApiError::invalid("identifier", e.to_string()))?;
    // DBLP's CoRR records mirror arXiv: fetch arXiv's, and keep the DBLP key as an alias.
    let (fetch_key, aliases) = match corr_arxiv_id(&key) {
        Some(id) => (PaperKey::from(id), vec![key.as_string()]),
        None => (key.clone(), Vec::new()),
    };
    let mut known = candidate_keys(&fetch_key.as_string());
    known.extend(aliases.iter().cloned());
    if let Some(paper_id) = db::papers::find_keys(db, known).await?.into_values().next() {
        return existing(db, paper_id, &aliases).await;
    }
    let metadata = upstreams.fetch(&fetch_key).await?;
    let mut keys = keys_of_metadata(&metadata);
    keys.extend(aliases);
    let txn = db::begin_write(db).await?;
    // Another identifier of the same work (its DOI, say) may be known, or a concurrent import
    // may have finished first: then that paper is the one, and it learns the new keys.
    if let Some(paper_id) = db::papers::find_keys(&txn, keys.clone())
        .await?
        .into_values()
        .next()
    {
        db::papers::add_keys(&txn, paper_id, &keys).await?;
        txn.commit().await?;
        return existing(db, paper_id, &[]).await;
    }
    let now = db::now();
    let identifiers = (
        metadata.arxiv_id.clone(),
        metadata.doi.clone(),
        metadata.dblp_key.clone(),
    );
    let model = db::papers::insert(
        &txn,
        papers::ActiveModel {
            key: Set(keys[0].clone()),
            title: Set(metadata.title),
            authors: Set(to_json_list(&metadata.authors)),
            r#abstract: Set(metadata.abstract_text),
            venue_key: Set(metadata.venue.as_deref().map(venue_key)),
            venue: Set(metadata.venue),
            year: Set(metadata.year),
            published_at: Set(metadata.published_at),
            category: Set(metadata.category),
            arxiv_id: Set(metadata.arxiv_id),
            arxiv_version: Set(metadata.arxiv_version),
            arxiv_primary_category: Set(metadata.arxiv_primary_category),
            doi: Set(metadata.doi),
            dblp_key: Set(metadata.dblp_key),
            urls: Set(to_json_list(&metadata.urls)),
            pdf_url: Set(metadata.pdf_url),
            summary_count: Set(0),
            view_count: Set(0),
            popularity: Set(0),
            created_by: Set(creator),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        },
    )
    .await;
    let model = match model {
        Ok(model) => model,
        // A concurrent import won, or a paper holds one of these identifiers in its columns
        // but not as a key: that paper is the one, and it learns the keys.
        Err(err) if db::is_unique_violation(&err) => {
            drop(txn);
            let holder = holder_of(db, &identifiers, err).await?;
            return existing(db, holder, &keys).await;
        }
        Err(err) => return Err(err.into()),
    };
    db::papers::add_keys(&txn, model.id, &keys).await?;
    txn.commit().await?;
    tracing::info!(paper_id = model.id, key = %model.key, "paper imported");
    Ok(Imported {
        paper: one(db, model).await?,
        created: true,
    })
}

/// A paper's arXiv id, DOI and DBLP key, as its columns hold them.
type Identifiers = (Option<String>, Option<String>, Option<String>);

/// The paper whose columns hold one of these identifiers, after an insert failed on their unique
/// indexes (a concurrent import won, or a row from before the keys table). The failed insert
/// ended its transaction on PostgreSQL, so this reads outside it.
async fn holder_of(
    db: &DatabaseConnection,
    identifiers: &Identifiers,
    err: sea_orm::DbErr,
) -> Result<i64, ApiError> {
    let (arxiv_id, doi, dblp_key) = identifiers;
    db::papers::find_by_identifiers(db, arxiv_id.as_deref(), doi.as_deref(), dblp_key.as_deref())
        .await?
        .map(|p| p.id)
        .ok_or(ApiError::Database(err))
}

async fn existing(db: &DatabaseConnection, paper_id: i64, aliases: &[String]) -> Result<Imported, ApiError> {
    if !aliases.is_empty() {
        let txn = db::begin_write(db).await?;
        db::papers::add_keys(&txn, paper_id, aliases).await?;
        txn.commit().await?;
    }
    Ok(Imported {
        paper: get(db, paper_id).await?,
        created: false,
    })
}

/// The keys a newly imported paper is known by; the first is its canonical key.
fn keys_of_metadata(metadata: &Metadata) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(id) = &metadata.arxiv_id {
        keys.push(format!("arxiv:{id}"));
    }
    if let Some(doi) = &metadata.doi {
        keys.push(format!("doi:{doi}"));
    }
    if let Some(key) = &metadata.dblp_key {
        keys.push(format!("dblp:{key}"));
    }
    keys
}

/// The keys of a stored paper's identifiers (for papers not made by import, like the demo set).
pub fn keys_of_paper(paper: &papers::Model) -> Vec<String> {
    let mut keys = vec![paper.key.clone()];
    keys.extend(paper.arxiv_id.iter().map(|id| format!("arxiv:{id}")));
    keys.extend(paper.doi.iter().map(|doi| format!("doi:{doi}")));
    keys.extend(paper.dblp_key.iter().map(|key| format!("dblp:{key}")));
    keys.dedup();
    keys
}

/// The venue key of a venue name, for `/venues/{venue_key}`.
fn venue_key(venue: &str) -> String {
    venue.trim().to_lowercase()
}

/// The arXiv id a DBLP CoRR key mirrors: `journals/corr/abs-1703-06870` is `1703.06870`.
pub(super) fn corr_arxiv_id(key: &PaperKey) -> Option<ArxivId> {
    let PaperKey::Dblp(dblp) = key else {
        return None;
    };
    let rest = dblp.as_str().strip_prefix("journals/corr/abs-")?;
    let (yymm, number) = rest.split_once('-')?;
    ArxivId::parse(&format!("{yymm}.{number}")).ok()
}

/// Every stored key an input may mean: as an identifier a user pastes (with the arXiv id of a
/// DBLP CoRR key), and as a stored or legacy key.
fn candidate_keys(input: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Ok(key) = PaperKey::identify(input) {
        if let Some(id) = corr_arxiv_id(&key) {
            keys.push(PaperKey::from(id).as_string());
        }
        keys.push(key.as_string());
    }
    if let Ok(key) = PaperKey::parse(input) {
        keys.push(key.as_string());
    }
    keys.dedup();
    keys
}

/// The paper a key of any form resolves to (following merges), or 404.
pub async fn resolve(db: &impl ConnectionTrait, key: &str) -> Result<Paper, ApiError> {
    one(db, resolve_model(db, key).await?.ok_or(ApiError::NotFound)?).await
}

/// The stored paper a key of any form resolves to (following merges), if any.
pub async fn resolve_model(db: &impl ConnectionTrait, key: &str) -> Result<Option<papers::Model>, ApiError> {
    let candidates = candidate_keys(key);
    let found = db::papers::find_keys(db, candidates.clone()).await?;
    match candidates.iter().find_map(|k| found.get(k).copied()) {
        Some(paper_id) => Ok(Some(surviving(db, find(db, paper_id).await?).await?)),
        None => Ok(None),
    }
}

/// The paper with this id, or the one it was merged into.
pub async fn surviving_of(db: &impl ConnectionTrait, id: i64) -> Result<Option<papers::Model>, ApiError> {
    match db::papers::find(db, id).await? {
        Some(paper) => Ok(Some(surviving(db, paper).await?)),
        None => Ok(None),
    }
}

/// The paper a merged paper now lives on (merges may chain; cycles cannot form, but are cut).
async fn surviving(db: &impl ConnectionTrait, mut paper: papers::Model) -> Result<papers::Model, ApiError> {
    for _ in 0..8 {
        match paper.merged_into {
            Some(into) => paper = find(db, into).await?,
            None => return Ok(paper),
        }
    }
    Ok(paper)
}

/// Resolves up to 500 keys in a bounded number of queries (one for the keys per 1,000 candidate
/// forms, one for the papers, one more only when some were merged away).
pub async fn resolve_many(db: &impl ConnectionTrait, keys: &[String]) -> Result<ResolveResponse, ApiError> {
    if keys.len() > MAX_RESOLVE_KEYS {
        return Err(ApiError::invalid(
            "keys",
            format!("at most {MAX_RESOLVE_KEYS} keys per request"),
        ));
    }
    let candidates: Vec<(String, Vec<String>)> =
        keys.iter().map(|k| (k.clone(), candidate_keys(k))).collect();
    let all: Vec<String> = candidates.iter().flat_map(|(_, c)| c.iter().cloned()).collect();
    let found = db::papers::find_keys(db, all).await?;
    let ids: Vec<i64> = found.values().copied().collect();
    let mut papers: HashMap<i64, papers::Model> = db::papers::by_ids(db, ids).await?;
    // A merged paper's keys answer with the paper it lives on now, and that paper's count.
    let survivors: Vec<i64> = papers
        .values()
        .filter_map(|p| p.merged_into)
        .filter(|id| !papers.contains_key(id))
        .collect();
    if !survivors.is_empty() {
        papers.extend(db::papers::by_ids(db, survivors).await?);
    }
    let results = candidates
        .into_iter()
        .map(|(key, candidates)| {
            let resolved = candidates
                .iter()
                .find_map(|c| found.get(c))
                .and_then(|id| papers.get(id))
                .map(|paper| {
                    paper
                        .merged_into
                        .and_then(|into| papers.get(&into))
                        .unwrap_or(paper)
                })
                .map(|paper| ResolvedKey {
                    paper_id: paper.id.to_string(),
                    summary_count: i64::from(paper.summary_count),
                });
            (key, resolved)
        })
        .collect();
    Ok(ResolveResponse { results })
}

/// Where a legacy `/paper?bibtexKey=KEY[&a=username]` link of the original site now lives: the
/// paper's page, or that user's summary of it when they have a public one. `None` for a key no
/// paper has.
pub async fn legacy_location(
    db: &impl ConnectionTrait,
    key: &str,
    author: Option<&str>,
) -> Result<Option<String>, ApiError> {
    let paper = match resolve(db, key).await {
        Ok(paper) => paper,
        Err(ApiError::NotFound) => return Ok(None),
        Err(err) => return Err(err),
    };
    if let Some(username) = author
        && let Some(user) = db::accounts::find_by_username(db, username).await?
    {
        let paper_id: i64 = paper
            .id
            .parse()
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("paper id: {e}")))?;
        let condition = Scope::public()
            .listed(Listing::ByAuthor(user.id))
            .add(sea_orm::ColumnTrait::eq(
                &crate::db::entity::summaries::Column::PaperId,
                paper_id,
            ));
        if let Some(summary) = db::summaries::page(db, condition, shared::api::SummarySort::New, None, 1)
            .await?
            .pop()
        {
            return Ok(Some(format!("/summary/{}", summary.id)));
        }
    }
    Ok(Some(format!("/paper/{}", paper.id)))
}

/// A BibTeX entry for a paper: `@misc` with `eprint` for arXiv-only papers, `@inproceedings`
/// for conference papers (DBLP `conf/` keys), `@article` otherwise.
pub async fn bibtex(db: &impl ConnectionTrait, id: i64) -> Result<String, ApiError> {
    Ok(to_bibtex(&one(db, live(db, id, "/bibtex").await?).await?))
}

fn to_bibtex(paper: &Paper) -> String {
    let arxiv_only = paper.arxiv_id.is_some() && paper.doi.is_none() && paper.dblp_key.is_none();
    let conference = paper.dblp_key.as_deref().is_some_and(|k| k.starts_with("conf/"));
    let kind = match (arxiv_only, conference) {
        (true, _) => "misc",
        (false, true) => "inproceedings",
        (false, false) => "article",
    };
    // A name that holds " and " would split into two authors: it is kept whole in braces.
    let authors: Vec<String> = paper
        .authors
        .iter()
        .map(|a| {
            if a.to_lowercase().contains(" and ") {
                format!("{{{}}}", bibtex_value(a))
            } else {
                bibtex_value(a)
            }
        })
        .collect();
    let mut fields: Vec<(&str, String)> = vec![
        ("title", bibtex_value(&paper.title)),
        ("author", authors.join(" and ")),
    ];
    if let Some(year) = paper.year {
        fields.push(("year", year.to_string()));
    }
    if let Some(venue) = paper.venue.as_deref().filter(|v| !arxiv_only || *v != "arXiv") {
        fields.push((if conference { "booktitle" } else { "journal" }, venue.to_owned()));
    }
    if let Some(doi) = &paper.doi {
        fields.push(("doi", doi.clone()));
    }
    if let Some(id) = &paper.arxiv_id {
        fields.push(("eprint", id.clone()));
        fields.push(("archivePrefix", "arXiv".to_owned()));
        if let Some(class) = &paper.arxiv_primary_category {
            fields.push(("primaryClass", class.clone()));
        }
    }
    if let Some(url) = paper.urls.first() {
        fields.push(("url", url.clone()));
    }
    let mut entry = format!("@{kind}{{{},\n", bibtex_key(&paper.key));
    for (name, value) in fields {
        let value = if matches!(name, "title" | "author") {
            value
        } else {
            bibtex_value(&value)
        };
        entry.push_str(&format!("  {name} = {{{value}}},\n"));
    }
    entry.push_str("}\n");
    entry
}

/// Citation keys may not hold spaces, commas, braces or quotes; the rest of a paper key stays.
fn bibtex_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_whitespace() || "{},\"#%'()=~\\".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Commands a .bib file must never carry: they read or write files or redefine LaTeX when the
/// reader compiles their paper.
const UNSAFE_TEX: [&str; 18] = [
    "input",
    "include",
    "write",
    "immediate",
    "openout",
    "openin",
    "read",
    "def",
    "edef",
    "gdef",
    "xdef",
    "let",
    "catcode",
    "csname",
    "special",
    "usepackage",
    "newcommand",
    "renewcommand",
];

/// A braced BibTeX value. BibTeX counts every brace, escaped or not, so braces of the text
/// become `\textbraceleft{}`/`\textbraceright{}`; LaTeX's special characters are escaped; `$…$`
/// math keeps its commands (the unsafe ones excepted) and only balanced braces.
pub(super) fn bibtex_value(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let parts: Vec<&str> = value.split('$').collect();
    // An odd number of `$` is not math: every `$` is then a dollar sign.
    let has_math = parts.len() % 2 == 1;
    let mut out = String::with_capacity(value.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(if has_math { "$" } else { "\\$" });
        }
        if has_math && i % 2 == 1 {
            out.push_str(&bibtex_math(part));
        } else {
            out.push_str(&bibtex_text(part));
        }
    }
    out
}

fn bibtex_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '&' | '%' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            _ => out.push(c),
        }
    }
    out
}

fn bibtex_math(math: &str) -> String {
    let mut out = String::with_capacity(math.len());
    let mut depth = 0usize;
    let mut chars = math.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let mut name = String::new();
                while let Some(&next) = chars.peek().filter(|n| n.is_ascii_alphabetic()) {
                    name.push(next);
                    chars.next();
                }
                // `\{` and `\}` are braces too as far as BibTeX counts them.
                if name.is_empty()
                    && let Some(&brace) = chars.peek().filter(|n| **n == '{' || **n == '}')
                {
                    chars.next();
                    if brace == '{' {
                        depth += 1;
                        out.push_str("\\{");
                    } else if depth > 0 {
                        depth -= 1;
                        out.push_str("\\}");
                    }
                    continue;
                }
                if UNSAFE_TEX.contains(&name.as_str()) {
                    out.push_str("\\backslash ");
                } else {
                    out.push('\\');
                }
                out.push_str(&name);
            }
            '{' => {
                depth += 1;
                out.push(c);
            }
            '}' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            '}' => {}
            '%' | '#' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.push_str(&"}".repeat(depth));
    out
}

/// The JSON shape of a stored paper.
pub fn to_paper(model: papers::Model, keys: Vec<String>) -> Result<Paper, ApiError> {
    Ok(Paper {
        id: model.id.to_string(),
        authors: json_list(&model.authors)?,
        urls: json_list(&model.urls)?,
        category: model.category,
        key: model.key,
        title: model.title,
        abstract_text: model.r#abstract,
        venue: model.venue,
        venue_key: model.venue_key,
        year: model.year,
        published_at: model.published_at,
        arxiv_id: model.arxiv_id,
        arxiv_version: model.arxiv_version,
        arxiv_primary_category: model.arxiv_primary_category,
        doi: model.doi,
        dblp_key: model.dblp_key,
        keys,
        pdf_url: model.pdf_url,
        summary_count: i64::from(model.summary_count),
        created_at: model.created_at,
    })
}

/// The short form embedded in summaries.
pub fn to_paper_ref(model: &papers::Model) -> Result<PaperRef, ApiError> {
    Ok(PaperRef {
        id: model.id.to_string(),
        key: model.key.clone(),
        title: model.title.clone(),
        authors: json_list(&model.authors)?,
        venue: model.venue.clone(),
        year: model.year,
        category: model.category,
    })
}

#[cfg(test)]
mod tests;
