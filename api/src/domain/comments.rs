//! Discussion under a summary: comments threaded by `parent_id`, in Markdown through the same
//! renderer as summaries, oldest first. Authors and moderators edit and delete; a deleted comment
//! keeps its place as `[deleted]`. The summary's `comment_count` is recounted under its row lock
//! with every post and delete, so it stays exact.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use shared::api::{Comment, CommentChange, CommentListQuery, MAX_COMMENT_MARKDOWN, NewCommentRequest, Page};
use shared::markdown::render_markdown;
use shared::moderation::ModerationAction;

use super::authoring::valid_markdown;
use super::scope::Scope;
use super::summaries::readable;
use crate::auth::AuthUser;
use crate::db::entity::{comments, summaries};
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::db::{self, backend};
use crate::error::ApiError;

/// What a deleted comment shows in its place.
const DELETED: &str = "[deleted]";
/// What a hidden comment shows in its place, to those who may not read it.
const HIDDEN: &str = "[hidden by a moderator]";

/// One page of a summary's comments, for whoever may read the summary.
pub async fn list(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    summary_id: i64,
    query: &CommentListQuery,
) -> Result<Page<Comment>, ApiError> {
    let summary = readable(db, scope, summary_id, query.share.as_deref()).await?;
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), "comments")?;
    let rows = db::comments::page(db, summary.id, page.after.map(|c| c.id), page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |c| Cursor {
        order: "comments",
        key: c.id,
        id: c.id,
    });
    Ok(Page {
        items: shaped(db, scope, &summary, rows).await?,
        next_cursor,
    })
}

/// Posts a comment (or a reply to one of the same summary) on a summary the writer may read.
pub async fn create(
    db: &DatabaseConnection,
    public_url: &str,
    writer: &AuthUser,
    summary_id: i64,
    request: &NewCommentRequest,
    share_token: Option<&str>,
) -> Result<Comment, ApiError> {
    let body = &valid_markdown(&request.body_markdown, "body_markdown", MAX_COMMENT_MARKDOWN)?;
    let parent_id = request
        .parent_id
        .as_deref()
        .map(|p| {
            p.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("parent_id", "must be a comment id"))
        })
        .transpose()?;
    let scope = Scope::new(Some(writer));
    let txn = db::begin_write(db).await?;
    backend::lock_summary(&txn, summary_id).await?;
    let summary = readable(&txn, scope, summary_id, share_token).await?;
    if let Some(parent_id) = parent_id {
        db::comments::find(&txn, parent_id)
            .await?
            .filter(|c| c.summary_id == summary.id)
            .ok_or_else(|| ApiError::invalid("parent_id", "must be a comment on the same summary"))?;
    }
    let now = db::now();
    let row = comments::ActiveModel {
        summary_id: Set(summary.id),
        parent_id: Set(parent_id),
        author_id: Set(writer.id),
        body_html: Set(render_markdown(body)),
        body_markdown: Set(body.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        hidden_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    db::comments::recount(&txn, summary.id).await?;
    super::notifications::comment_posted(&txn, public_url, &summary, &row).await?;
    txn.commit().await?;
    one(db, scope, &summary, row).await
}

/// Edits a comment (its author, or a moderator).
pub async fn update(
    db: &DatabaseConnection,
    editor: &AuthUser,
    id: i64,
    change: &CommentChange,
) -> Result<Comment, ApiError> {
    let body = &valid_markdown(&change.body_markdown, "body_markdown", MAX_COMMENT_MARKDOWN)?;
    let scope = Scope::new(Some(editor));
    let txn = db::begin_write(db).await?;
    let (summary, row) = editable(&txn, scope, id).await?;
    if row.author_id != editor.id {
        super::moderation::record_comment_action(&txn, editor, ModerationAction::Edit, &row).await?;
    }
    let mut active: comments::ActiveModel = row.into();
    active.body_html = Set(render_markdown(body));
    active.body_markdown = Set(body.to_owned());
    active.updated_at = Set(db::now());
    let row = active.update(&txn).await?;
    txn.commit().await?;
    one(db, scope, &summary, row).await
}

/// Deletes a comment (its author, or a moderator); it stays in the thread as `[deleted]`, so
/// replies keep their place.
pub async fn delete(db: &DatabaseConnection, editor: &AuthUser, id: i64) -> Result<(), ApiError> {
    let txn = db::begin_write(db).await?;
    let (_, row) = editable(&txn, Scope::new(Some(editor)), id).await?;
    if row.author_id != editor.id {
        super::moderation::record_comment_action(&txn, editor, ModerationAction::Delete, &row).await?;
    }
    remove(&txn, row).await?;
    txn.commit().await?;
    Ok(())
}

/// Soft-deletes a comment whose summary is locked, and recounts the summary's comments.
pub(super) async fn remove(txn: &impl ConnectionTrait, row: comments::Model) -> Result<(), ApiError> {
    let summary_id = row.summary_id;
    let mut active: comments::ActiveModel = row.into();
    active.deleted_at = Set(Some(db::now()));
    active.update(txn).await?;
    db::comments::recount(txn, summary_id).await?;
    Ok(())
}

/// Hides a comment whose summary is locked (a moderator's decision), and recounts.
pub(super) async fn hide(txn: &impl ConnectionTrait, row: comments::Model) -> Result<(), ApiError> {
    if row.hidden_at.is_some() {
        return Ok(());
    }
    let summary_id = row.summary_id;
    let mut active: comments::ActiveModel = row.into();
    active.hidden_at = Set(Some(db::now()));
    active.update(txn).await?;
    db::comments::recount(txn, summary_id).await?;
    Ok(())
}

/// A live comment the editor may change, with its summary (locked, for its count): 404 when
/// they may not read it, 403 when they may read but not change it. A comment's author reaches
/// it without the summary's share link.
async fn editable(
    txn: &impl ConnectionTrait,
    scope: Scope<'_>,
    id: i64,
) -> Result<(summaries::Model, comments::Model), ApiError> {
    let (summary, row) = locked(txn, id).await?.ok_or(ApiError::NotFound)?;
    let summary = Some(summary)
        .filter(|s| s.deleted_at.is_none())
        .filter(|s| scope.may_read(s, None) || scope.may_edit_comment(&row))
        .filter(|_| row.deleted_at.is_none())
        .ok_or(ApiError::NotFound)?;
    if !scope.may_edit_comment(&row) {
        return Err(ApiError::Forbidden(
            "Only its author and moderators may change a comment.".to_owned(),
        ));
    }
    Ok((summary, row))
}

/// A comment with its summary, the summary's row locked (for its count) and both read under
/// the lock; `None` when there is no such comment.
pub(super) async fn locked(
    txn: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(summaries::Model, comments::Model)>, ApiError> {
    let Some(unlocked) = db::comments::find(txn, id).await? else {
        return Ok(None);
    };
    backend::lock_summary(txn, unlocked.summary_id).await?;
    // Read again under the lock: a delete may have finished meanwhile.
    let Some(row) = db::comments::find(txn, id).await? else {
        return Ok(None);
    };
    let summary = db::summaries::find(txn, row.summary_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Some((summary, row)))
}

async fn one(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    summary: &summaries::Model,
    row: comments::Model,
) -> Result<Comment, ApiError> {
    shaped(db, scope, summary, vec![row])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// The JSON shape of comments, their authors loaded in one query.
async fn shaped(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    summary: &summaries::Model,
    rows: Vec<comments::Model>,
) -> Result<Vec<Comment>, ApiError> {
    let authors = db::accounts::by_ids(db, rows.iter().map(|c| c.author_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|c| {
            let deleted = c.deleted_at.is_some();
            let hidden = c.hidden_at.is_some();
            let readable = scope.may_read_comment(&c);
            let author = (readable && scope.shows_comment_author(summary, &c))
                .then(|| authors.get(&c.author_id))
                .flatten()
                .map(|u| u.user_ref());
            let (body_markdown, body_html) = match (readable, deleted) {
                (true, _) => (c.body_markdown, c.body_html),
                (false, true) => (DELETED.to_owned(), format!("<p>{DELETED}</p>")),
                (false, false) => (HIDDEN.to_owned(), format!("<p>{HIDDEN}</p>")),
            };
            Comment {
                id: c.id.to_string(),
                summary_id: c.summary_id.to_string(),
                parent_id: c.parent_id.map(|p| p.to_string()),
                author,
                by_summary_author: readable && c.author_id == summary.author_id,
                body_markdown,
                body_html,
                deleted,
                hidden,
                edited: c.updated_at > c.created_at,
                created_at: c.created_at,
                updated_at: c.updated_at,
            }
        })
        .collect())
}
