//! Writing summaries: publishing one (one live summary per author and paper), editing it (every
//! edit a new revision; `If-Match` against the revision's `ETag`), deleting it, its revision
//! history, votes, and the renderer the editor previews with. Each write is one transaction that
//! locks the rows whose counters it changes, so `summary_count` and the vote tallies stay exact
//! under concurrent writers.

use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};
use shared::api::{
    DiffLine, LineChange, MAX_SUMMARY_MARKDOWN, MAX_TAG, MAX_TAGS, NewSummaryRequest, RenderResponse,
    Revision, RevisionDiff, RevisionInfo, Summary, SummaryChange, Visibility, VoteResponse,
};
use shared::markdown::render_markdown;
use shared::moderation::ModerationAction;

use super::scope::{Listing, Scope};
use crate::auth::AuthUser;
use crate::db::entity::{papers, summaries};
use crate::db::{self, backend};
use crate::error::ApiError;

/// A summary as written, with the `ETag` of its revision.
pub struct Written {
    pub summary: Summary,
    pub etag: String,
}

/// The strong `ETag` of a summary's current revision: it changes with every edit (text, tags,
/// visibility, anonymity, licence), not with votes or comments.
pub fn etag(id: impl std::fmt::Display, revision: i32) -> String {
    format!("\"{id}.{revision}\"")
}

/// Publishes a summary. 409 with `Location` when the author has a live summary of the paper.
pub async fn create(
    db: &DatabaseConnection,
    public_url: &str,
    author: &AuthUser,
    request: &NewSummaryRequest,
) -> Result<Written, ApiError> {
    let body = &valid_markdown(&request.body_markdown, "body_markdown", MAX_SUMMARY_MARKDOWN)?;
    let tags = clean_tags(&request.tags)?;
    let paper_id: i64 = request
        .paper_id
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid("paper_id", "must be a paper id"))?;
    let txn = db::begin_write(db).await?;
    // The author's row first (as a ban takes it): a ban either sees this summary or is seen.
    backend::lock_user(&txn, author.id).await?;
    if db::accounts::find_by_id(&txn, author.id)
        .await?
        .is_none_or(|u| u.banned_at.is_some())
    {
        return Err(crate::auth::extractor::banned());
    }
    let paper = locked_survivor(&txn, paper_id).await?;
    if let Some(existing) = db::summaries::live_of(&txn, paper.id, author.id).await? {
        return Err(already_written(Some(existing.id)));
    }
    let now = db::now();
    let row = summaries::ActiveModel {
        paper_id: Set(paper.id),
        author_id: Set(author.id),
        anonymous: Set(request.anonymous),
        visibility: Set(request.visibility),
        share_token: Set((request.visibility == Visibility::Unlisted).then(new_share_token)),
        body_html: Set(render_markdown(body)),
        body_markdown: Set(body.to_owned()),
        score: Set(0),
        upvotes: Set(0),
        downvotes: Set(0),
        comment_count: Set(0),
        revision: Set(1),
        license: Set(request.license.spdx().to_owned()),
        view_count: Set(0),
        popularity: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        hidden_at: Set(None),
        ..Default::default()
    };
    let row = match row.insert(&txn).await {
        Ok(row) => row,
        // The partial unique index caught a concurrent post that the lock did not serialise.
        Err(err) if db::is_unique_violation(&err) => {
            drop(txn);
            let existing = db::summaries::live_of(db, paper.id, author.id).await?;
            return Err(already_written(existing.map(|s| s.id)));
        }
        Err(err) => return Err(err.into()),
    };
    db::summaries::add_revision(&txn, &row, author.id).await?;
    db::summaries::set_tags(&txn, row.id, &tags).await?;
    recount(&txn, paper.id).await?;
    follow_profile(&txn, None, &row).await?;
    super::notifications::summary_published(&txn, public_url, &paper, &row).await?;
    txn.commit().await?;
    tracing::info!(summary = row.id, paper = paper.id, "summary published");
    written(db, public_url, author, &row).await
}

/// Edits a summary (its author, or a moderator): a new revision. `If-Match` must name the
/// current revision's `ETag` when given (412 otherwise).
pub async fn update(
    db: &DatabaseConnection,
    public_url: &str,
    editor: &AuthUser,
    id: i64,
    change: &SummaryChange,
    if_match: Option<&str>,
) -> Result<Written, ApiError> {
    let body = change
        .body_markdown
        .as_deref()
        .map(|b| valid_markdown(b, "body_markdown", MAX_SUMMARY_MARKDOWN))
        .transpose()?;
    let body = body.as_deref();
    let tags = change.tags.as_deref().map(clean_tags).transpose()?;
    let txn = db::begin_write(db).await?;
    let row = editable(&txn, editor, id, if_match).await?;
    // Who can read it, under which name and licence, is the author's decision alone: a moderator
    // fixes text and tags, and can never unmask an anonymous author.
    let settings_changed = change.anonymous.is_some_and(|a| a != row.anonymous)
        || change.visibility.is_some_and(|v| v != row.visibility)
        || change.license.is_some_and(|l| l.spdx() != row.license)
        || change.rotate_share_link;
    if settings_changed && row.author_id != editor.id {
        return Err(ApiError::Forbidden(
            "Only its author may change a summary's anonymity, visibility, licence or share link.".to_owned(),
        ));
    }
    let visibility = change.visibility.unwrap_or(row.visibility);
    if change.rotate_share_link && visibility != Visibility::Unlisted {
        return Err(ApiError::invalid(
            "rotate_share_link",
            "only unlisted summaries have a share link",
        ));
    }
    let unchanged = body.is_none_or(|b| b == row.body_markdown)
        && change.anonymous.is_none_or(|a| a == row.anonymous)
        && visibility == row.visibility
        && tags.is_none()
        && change.license.is_none_or(|l| l.spdx() == row.license)
        && !change.rotate_share_link;
    if unchanged {
        drop(txn);
        return written(db, public_url, editor, &row).await;
    }
    let paper_id = row.paper_id;
    let becomes_public = visibility == Visibility::Public && row.visibility != Visibility::Public;
    let share_token = match (visibility, row.share_token.clone()) {
        (Visibility::Unlisted, Some(token)) if !change.rotate_share_link => Some(token),
        (Visibility::Unlisted, _) => Some(new_share_token()),
        // A summary that leaves "unlisted" drops its link, so an old one never reopens it.
        _ => None,
    };
    let before = row.clone();
    let mut active: summaries::ActiveModel = row.clone().into();
    if let Some(body) = body {
        active.body_html = Set(render_markdown(body));
        active.body_markdown = Set(body.to_owned());
    }
    if let Some(anonymous) = change.anonymous {
        active.anonymous = Set(anonymous);
    }
    if let Some(license) = change.license {
        active.license = Set(license.spdx().to_owned());
    }
    active.visibility = Set(visibility);
    active.share_token = Set(share_token);
    active.revision = Set(row.revision + 1);
    active.updated_at = Set(db::now());
    let row = active.update(&txn).await?;
    if row.author_id != editor.id {
        super::moderation::record_summary_action(&txn, editor, ModerationAction::Edit, &row).await?;
    }
    db::summaries::add_revision(&txn, &row, editor.id).await?;
    if let Some(tags) = &tags {
        db::summaries::set_tags(&txn, row.id, tags).await?;
    }
    recount(&txn, paper_id).await?;
    follow_profile(&txn, Some(&before), &row).await?;
    if becomes_public && let Some(paper) = db::papers::find(&txn, paper_id).await? {
        // Made public after it was written: its paper's followers hear of it now, once.
        super::notifications::summary_published(&txn, public_url, &paper, &row).await?;
    }
    txn.commit().await?;
    written(db, public_url, editor, &row).await
}

/// Deletes a summary (its author, or a moderator): it leaves every list and read, and no longer
/// blocks its author from writing another of the paper.
pub async fn delete(
    db: &DatabaseConnection,
    editor: &AuthUser,
    id: i64,
    if_match: Option<&str>,
) -> Result<(), ApiError> {
    let txn = db::begin_write(db).await?;
    let row = editable(&txn, editor, id, if_match).await?;
    if row.author_id != editor.id {
        super::moderation::record_summary_action(&txn, editor, ModerationAction::Delete, &row).await?;
    }
    remove(&txn, row).await?;
    txn.commit().await?;
    tracing::info!(summary = id, by = editor.id, "summary deleted");
    Ok(())
}

/// Soft-deletes a locked summary and recounts its paper.
pub(super) async fn remove(
    txn: &impl sea_orm::ConnectionTrait,
    row: summaries::Model,
) -> Result<(), ApiError> {
    let paper_id = row.paper_id;
    let before = row.clone();
    let mut active: summaries::ActiveModel = row.into();
    active.deleted_at = Set(Some(db::now()));
    active.share_token = Set(None);
    let after = active.update(txn).await?;
    follow_profile(txn, Some(&before), &after).await?;
    recount(txn, paper_id).await
}

/// Hides a locked summary (a moderator's decision) and recounts its paper.
pub(super) async fn hide(txn: &impl sea_orm::ConnectionTrait, row: summaries::Model) -> Result<(), ApiError> {
    if row.hidden_at.is_some() {
        return Ok(());
    }
    let paper_id = row.paper_id;
    let before = row.clone();
    let mut active: summaries::ActiveModel = row.into();
    active.hidden_at = Set(Some(db::now()));
    let after = active.update(txn).await?;
    follow_profile(txn, Some(&before), &after).await?;
    recount(txn, paper_id).await
}

/// The author's profile counters follow a change of their summary from `before` (nothing, for
/// a new one) to `after`.
async fn follow_profile(
    txn: &impl sea_orm::ConnectionTrait,
    before: Option<&summaries::Model>,
    after: &summaries::Model,
) -> Result<(), ApiError> {
    let part = |s: &summaries::Model| (Scope::counts_on_profile(s), s.score);
    db::accounts::adjust_profile(txn, after.author_id, before.map_or((false, 0), part), part(after)).await?;
    Ok(())
}

/// A summary's revisions, oldest first, for whoever may read it.
pub async fn revisions(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    id: i64,
    share_token: Option<&str>,
) -> Result<Vec<RevisionInfo>, ApiError> {
    let row = super::summaries::readable(db, scope, id, share_token).await?;
    Ok(db::summaries::revisions(db, id)
        .await?
        .into_iter()
        .map(|r| RevisionInfo {
            revision: r.revision,
            created_at: r.created_at,
            by_moderator: r.editor_id != row.author_id,
        })
        .collect())
}

/// One revision's text.
pub async fn revision(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    id: i64,
    number: i32,
    share_token: Option<&str>,
) -> Result<Revision, ApiError> {
    let row = super::summaries::readable(db, scope, id, share_token).await?;
    let revision = db::summaries::revision(db, id, number)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Revision {
        revision: revision.revision,
        created_at: revision.created_at,
        by_moderator: revision.editor_id != row.author_id,
        body_markdown: revision.body_markdown,
    })
}

/// What revision `number` changed, line by line, for whoever may read the summary.
pub async fn revision_diff(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    id: i64,
    number: i32,
    share_token: Option<&str>,
) -> Result<RevisionDiff, ApiError> {
    super::summaries::readable(db, scope, id, share_token).await?;
    let new = db::summaries::revision(db, id, number)
        .await?
        .ok_or(ApiError::NotFound)?;
    let previous = number - 1;
    let old = match previous {
        0 => String::new(),
        n => db::summaries::revision(db, id, n)
            .await?
            .map(|r| r.body_markdown)
            .unwrap_or_default(),
    };
    // Myers' diff is quadratic at worst; past the deadline it settles for a coarser answer.
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old.as_str(), new.body_markdown.as_str());
    let lines = diff
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                similar::ChangeTag::Equal => LineChange::Same,
                similar::ChangeTag::Insert => LineChange::Added,
                similar::ChangeTag::Delete => LineChange::Removed,
            },
            text: change.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect();
    Ok(RevisionDiff {
        revision: number,
        previous,
        lines,
    })
}

/// Votes on a summary the voter may read (with its share link, for an unlisted one); not their
/// own (403). Idempotent; 0 takes the vote back.
pub async fn vote(
    db: &DatabaseConnection,
    voter: &AuthUser,
    id: i64,
    value: i8,
    share_token: Option<&str>,
) -> Result<VoteResponse, ApiError> {
    if !(-1..=1).contains(&value) {
        return Err(ApiError::invalid("value", "must be -1, 0 or 1"));
    }
    let txn = db::begin_write(db).await?;
    backend::lock_summary(&txn, id).await?;
    let row = db::summaries::find(&txn, id)
        .await?
        .filter(|s| Scope::new(Some(voter)).may_read(s, share_token))
        .ok_or(ApiError::NotFound)?;
    if row.author_id == voter.id {
        return Err(ApiError::Forbidden(
            "Authors cannot vote on their own summaries.".to_owned(),
        ));
    }
    let before = row;
    let row = db::summaries::vote(&txn, id, voter.id, i16::from(value), db::now()).await?;
    follow_profile(&txn, Some(&before), &row).await?;
    txn.commit().await?;
    Ok(VoteResponse {
        score: i64::from(row.score),
        upvotes: i64::from(row.upvotes),
        downvotes: i64::from(row.downvotes),
        my_vote: value,
    })
}

/// What a summary with this markdown would publish (the editor's preview).
pub fn render(markdown: &str) -> Result<RenderResponse, ApiError> {
    if markdown.chars().count() > MAX_SUMMARY_MARKDOWN {
        return Err(ApiError::invalid(
            "markdown",
            format!("at most {MAX_SUMMARY_MARKDOWN} characters"),
        ));
    }
    Ok(RenderResponse {
        html: render_markdown(&markdown.replace('\0', "\u{FFFD}")),
    })
}

/// The live summary an editor may change, locked with its paper: 404 when they may not even
/// read it, 403 when they may read but not edit it, 412 when `If-Match` names another revision.
async fn editable(
    txn: &impl sea_orm::ConnectionTrait,
    editor: &AuthUser,
    id: i64,
    if_match: Option<&str>,
) -> Result<summaries::Model, ApiError> {
    let scope = Scope::new(Some(editor));
    let row = locked(txn, id)
        .await?
        .filter(|s| scope.may_read(s, None))
        .ok_or(ApiError::NotFound)?;
    if !scope.may_edit(&row) {
        return Err(ApiError::Forbidden(
            "Only its author and moderators may change a summary.".to_owned(),
        ));
    }
    if let Some(wanted) = if_match
        && !etag_listed(wanted, &etag(row.id, row.revision))
    {
        return Err(ApiError::PreconditionFailed);
    }
    Ok(row)
}

/// A summary locked with its paper (paper first, as merges lock them), read again under the
/// locks; `None` when there is no such summary.
pub(super) async fn locked(
    txn: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<Option<summaries::Model>, ApiError> {
    let Some(unlocked) = db::summaries::find(txn, id).await? else {
        return Ok(None);
    };
    backend::lock_paper(txn, unlocked.paper_id).await?;
    backend::lock_summary(txn, id).await?;
    let row = db::summaries::find(txn, id).await?;
    if row.as_ref().is_some_and(|r| r.paper_id != unlocked.paper_id) {
        // Moved by a merge between the two reads: its paper's count is not ours to change.
        return Err(ApiError::Conflict {
            detail: "The summary's paper was just merged; try again.".to_owned(),
            errors: None,
            location: None,
        });
    }
    Ok(row)
}

/// `If-Match`: `*`, or a list of strong tags one of which is the current one.
fn etag_listed(if_match: &str, current: &str) -> bool {
    if_match.trim() == "*" || if_match.split(',').any(|tag| tag.trim() == current)
}

/// The paper's public summary count, recounted under its row lock.
pub(super) async fn recount(txn: &impl sea_orm::ConnectionTrait, paper_id: i64) -> Result<(), ApiError> {
    db::papers::recount_summaries(txn, paper_id, Scope::public().listed(Listing::Site)).await?;
    Ok(())
}

async fn written(
    db: &DatabaseConnection,
    public_url: &str,
    reader: &AuthUser,
    row: &summaries::Model,
) -> Result<Written, ApiError> {
    let summary = super::summaries::get(db, Scope::new(Some(reader)), public_url, row.id, None).await?;
    Ok(Written {
        summary,
        etag: etag(row.id, row.revision),
    })
}

fn already_written(id: Option<i64>) -> ApiError {
    ApiError::Conflict {
        detail: "You have a summary of this paper already; edit it instead.".to_owned(),
        errors: None,
        location: id.map(|id| format!("/api/v1/summaries/{id}")),
    }
}

/// The paper with this id or, when it was merged, the one it lives on now, locked. The lock is
/// taken before the merge check is trusted, so a merge finishing meanwhile is followed.
async fn locked_survivor(
    txn: &impl sea_orm::ConnectionTrait,
    paper_id: i64,
) -> Result<papers::Model, ApiError> {
    let mut id = paper_id;
    for _ in 0..8 {
        backend::lock_paper(txn, id).await?;
        let paper = db::papers::find(txn, id)
            .await?
            .ok_or_else(|| ApiError::invalid("paper_id", "no such paper"))?;
        match paper.merged_into {
            Some(into) => id = into,
            None => return Ok(paper),
        }
    }
    Err(ApiError::invalid("paper_id", "no such paper"))
}

/// Markdown an author wrote: not only spaces, and at most `max` characters. NUL becomes U+FFFD,
/// as CommonMark asks (and no database stores it).
pub(super) fn valid_markdown(body: &str, field: &str, max: usize) -> Result<String, ApiError> {
    if body.trim().is_empty() {
        return Err(ApiError::invalid(field, "must not be empty"));
    }
    if body.chars().count() > max {
        return Err(ApiError::invalid(field, format!("at most {max} characters")));
    }
    Ok(body.replace('\0', "\u{FFFD}"))
}

/// Tags as stored: lowercase, spaces as `-`, only letters, digits, `.`, `+` and `-`, at most
/// 40 characters, without repeats; empty ones are dropped.
fn clean_tags(tags: &[String]) -> Result<Vec<String>, ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    let mut clean: Vec<String> = Vec::new();
    for tag in tags {
        let tag = normal_tag(tag);
        if !tag.is_empty() && !clean.contains(&tag) {
            clean.push(tag);
        }
    }
    Ok(clean)
}

/// A tag as stored (see [`clean_tags`]); also how a list's `?tag=` is read.
pub(super) fn normal_tag(tag: &str) -> String {
    let tag: String = tag
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '+' | '-'))
        .take(MAX_TAG)
        .collect();
    tag.trim_matches('-').to_owned()
}

/// The secret of a share link: 128 random bits (base64url).
fn new_share_token() -> String {
    crate::auth::tokens::new_secret("").chars().take(22).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let tags = ["Deep Learning", "deep-learning", "  ", "C++", "<script>"].map(String::from);
        assert_eq!(clean_tags(&tags).unwrap(), ["deep-learning", "c++", "script"]);
        assert!(clean_tags(&vec!["a".to_owned(); 11]).is_err());
    }

    #[test]
    fn if_match_takes_a_list_or_a_star() {
        assert!(etag_listed("\"1.2\"", "\"1.2\""));
        assert!(etag_listed("\"1.1\", \"1.2\"", "\"1.2\""));
        assert!(etag_listed("*", "\"1.2\""));
        assert!(!etag_listed("W/\"1.2\"", "\"1.2\""), "strong comparison");
        assert!(!etag_listed("\"1.1\"", "\"1.2\""));
    }
}
