//! The user directory, public profiles and an author's public summaries. Banned users have no
//! public profile, and their summaries are not listed.

use sea_orm::{ConnectionTrait, DatabaseConnection};
use shared::accounts::{UserListQuery, UserProfile, UserSort, UserSummariesQuery};
use shared::api::{Page, Summary, SummarySort};
use shared::moderation::ModerationAction;

use super::scope::{Listing, Scope};
use super::summaries::{self, Filter};
use crate::db::accounts::ProfileRow;
use crate::db::entity::users;
use crate::db::moderation::LogEntry;
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self};
use crate::error::ApiError;

/// One page of the directory.
pub async fn directory(
    db: &impl ConnectionTrait,
    query: &UserListQuery,
) -> Result<Page<UserProfile>, ApiError> {
    let order = match query.sort {
        UserSort::Score => "score",
        UserSort::Summaries => "summaries",
        UserSort::New => "new",
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let rows = db::accounts::directory_rows(db, query.sort, page.after, page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |r| Cursor {
        order,
        key: db::accounts::key_of(r, query.sort),
        id: r.id,
    });
    Ok(Page {
        items: rows.into_iter().map(to_profile).collect(),
        next_cursor,
    })
}

/// A public profile, or 404 (banned users have none).
pub async fn profile(db: &impl ConnectionTrait, username: &str) -> Result<UserProfile, ApiError> {
    db::accounts::profile_row(db, username)
        .await?
        .map(to_profile)
        .ok_or(ApiError::NotFound)
}

/// An author's public summaries, newest first; 404 when they have no public profile.
pub async fn summaries(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    username: &str,
    query: &UserSummariesQuery,
) -> Result<Page<Summary>, ApiError> {
    let author = db::accounts::find_by_username(db, username)
        .await?
        .filter(|u| u.banned_at.is_none())
        .ok_or(ApiError::NotFound)?;
    let filter = Filter::of(Listing::ByAuthor(author.id));
    summaries::list(
        db,
        scope,
        public_url,
        filter,
        SummarySort::New,
        query.limit,
        query.cursor.as_deref(),
    )
    .await
}

fn to_profile(row: ProfileRow) -> UserProfile {
    UserProfile {
        username: row.username,
        display_name: row.display_name,
        bio: row.bio,
        orcid: row.orcid,
        homepage: row.homepage,
        joined: row.created_at,
        summary_count: row.summary_count,
        score: (row.summary_count > 0).then(|| row.score_micros as f64 / 1e6),
    }
}

/// Bans a user (or lifts the ban) from the command line, and logs it: their summaries leave the
/// lists, and the summary counts of their papers follow in the same transaction. `false` when
/// no user has the name.
pub async fn set_banned(db: &DatabaseConnection, username: &str, banned: bool) -> Result<bool, ApiError> {
    let txn = db::begin_write(db).await?;
    let Some(user) = db::accounts::find_by_username(&txn, username).await? else {
        return Ok(false);
    };
    ban(&txn, &user, banned).await?;
    let action = if banned {
        ModerationAction::Ban
    } else {
        ModerationAction::Unban
    };
    let entry = LogEntry {
        subject_id: Some(user.id),
        ..LogEntry::default()
    };
    db::moderation::log(&txn, action, entry, db::now()).await?;
    txn.commit().await?;
    Ok(true)
}

/// Bans or unbans a user and recounts their papers. The user's row is locked first, as a new
/// summary's author is, so no summary of a paper not yet counted can appear meanwhile; then
/// the papers in id order (as merges lock them). Call before locking any of their summaries.
pub(super) async fn ban(
    txn: &impl ConnectionTrait,
    user: &users::Model,
    banned: bool,
) -> Result<(), ApiError> {
    db::backend::lock_user(txn, user.id).await?;
    let papers = db::summaries::papers_of_author(txn, user.id).await?;
    for paper in &papers {
        db::backend::lock_paper(txn, *paper).await?;
    }
    db::accounts::set_banned(txn, &user.username, banned).await?;
    for paper in papers {
        super::authoring::recount(txn, paper).await?;
    }
    Ok(())
}
