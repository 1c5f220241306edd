//! Telling users what happened around their work: a comment on their summary, a reply to their
//! comment, a new summary of a paper they follow. Notifications are written in the transaction
//! of the change that causes them, and mailed through the outbox where the user asked for mail
//! of that kind. Who did it is worked out when the notification is read, through the visibility
//! scope, so an anonymous author is never named, in the app or in a mail.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection};
use shared::api::{Notification, NotificationKind, NotificationListQuery, NotificationPage, Visibility};

use super::mail::{self, Mail};
use super::scope::Scope;
use crate::auth::AuthUser;
use crate::db;
use crate::db::entity::{comments, notifications, papers, summaries, users};
use crate::db::pagination::{Cursor, PageRequest, finish_page};
use crate::error::ApiError;

/// After a comment: its summary's author hears of it, and so does the author of the comment it
/// answers (a reply, which is what the summary's author hears of when it answers theirs).
pub(super) async fn comment_posted(
    txn: &impl ConnectionTrait,
    public_url: &str,
    summary: &summaries::Model,
    comment: &comments::Model,
) -> Result<(), ApiError> {
    let paper = db::papers::find(txn, summary.paper_id).await?;
    let title = paper.as_ref().map_or("a paper", |p| p.title.as_str());
    let link = format!("{public_url}/summary/{}#comment-{}", summary.id, comment.id);
    let parent_author = match comment.parent_id {
        Some(parent) => db::comments::find(txn, parent).await?.map(|p| p.author_id),
        None => None,
    };
    let mut told = Vec::new();
    if let Some(parent_author) = parent_author.filter(|a| *a != comment.author_id) {
        let mail = |user: &users::Model| {
            user.notify_on_reply.then(|| Mail {
                to: user.email.clone(),
                subject: format!("A reply to your comment on a summary of {title}"),
                body: format!("Someone replied to your comment on ShortScience:\n\n{link}\n\nYou can turn these mails off in Settings.\n"),
            })
        };
        tell(
            txn,
            parent_author,
            NotificationKind::Reply,
            summary,
            Some(comment.id),
            mail,
        )
        .await?;
        told.push(parent_author);
    }
    if summary.author_id != comment.author_id && !told.contains(&summary.author_id) {
        let mail = |user: &users::Model| {
            user.notify_on_comment.then(|| Mail {
                to: user.email.clone(),
                subject: format!("A comment on your summary of {title}"),
                body: format!("Someone commented on your summary on ShortScience:\n\n{link}\n\nYou can turn these mails off in Settings.\n"),
            })
        };
        tell(
            txn,
            summary.author_id,
            NotificationKind::Comment,
            summary,
            Some(comment.id),
            mail,
        )
        .await?;
    }
    Ok(())
}

/// After a public summary is published: the paper's followers hear of it (not its author).
pub(super) async fn summary_published(
    txn: &impl ConnectionTrait,
    public_url: &str,
    paper: &papers::Model,
    summary: &summaries::Model,
) -> Result<(), ApiError> {
    if summary.visibility != Visibility::Public || db::notifications::told_followers(txn, summary.id).await? {
        return Ok(());
    }
    let link = format!("{public_url}/summary/{}", summary.id);
    for follower in db::papers::followers(txn, paper.id).await? {
        if follower == summary.author_id {
            continue;
        }
        let mail = |user: &users::Model| {
            user.notify_on_follow.then(|| Mail {
                to: user.email.clone(),
                subject: format!("A new summary of {}", paper.title),
                body: format!(
                    "A paper you follow on ShortScience has a new summary:\n\n{link}\n\nYou can turn these mails off in Settings.\n"
                ),
            })
        };
        tell(
            txn,
            follower,
            NotificationKind::FollowedPaper,
            summary,
            None,
            mail,
        )
        .await?;
    }
    Ok(())
}

/// Records one notification, and queues its mail when the user wants mail of this kind and has
/// a confirmed address.
async fn tell(
    txn: &impl ConnectionTrait,
    user_id: i64,
    kind: NotificationKind,
    summary: &summaries::Model,
    comment_id: Option<i64>,
    mail: impl Fn(&users::Model) -> Option<Mail>,
) -> Result<(), ApiError> {
    let now = db::now();
    db::notifications::insert(txn, user_id, kind, summary.id, comment_id, summary.paper_id, now).await?;
    if let Some(user) = db::accounts::find_by_id(txn, user_id).await?
        && user.email_confirmed_at.is_some()
        && user.banned_at.is_none()
        && let Some(mail) = mail(&user)
    {
        mail::queue(txn, &mail, now).await?;
    }
    Ok(())
}

/// One page of the user's notifications, newest first, leaving out those about things they may
/// no longer read.
pub async fn list(
    db: &DatabaseConnection,
    user: &AuthUser,
    query: &NotificationListQuery,
) -> Result<NotificationPage, ApiError> {
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), "notifications")?;
    let rows = db::notifications::page(db, user.id, page.after.map(|c| c.id), page.fetch()).await?;
    let (rows, next_cursor) = finish_page(rows, &page, |n| Cursor {
        order: "notifications",
        key: n.id,
        id: n.id,
    });
    let unread = db::notifications::unread(db, user.id).await?;
    Ok(NotificationPage {
        items: shaped(db, Scope::new(Some(user)), rows).await?,
        next_cursor,
        unread: i64::try_from(unread).unwrap_or(i64::MAX),
    })
}

/// Marks the user's notifications read: all, or those up to one id.
pub async fn mark_read(
    db: &DatabaseConnection,
    user: &AuthUser,
    up_to: Option<&str>,
) -> Result<(), ApiError> {
    let up_to = up_to
        .map(|id| {
            id.trim()
                .parse::<i64>()
                .map_err(|_| ApiError::invalid("up_to", "must be a notification id"))
        })
        .transpose()?;
    db::notifications::mark_read(db, user.id, up_to, db::now()).await?;
    Ok(())
}

async fn shaped(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    rows: Vec<notifications::Model>,
) -> Result<Vec<Notification>, ApiError> {
    let summary_ids: Vec<i64> = rows.iter().filter_map(|n| n.summary_id).collect();
    let comment_ids: Vec<i64> = rows.iter().filter_map(|n| n.comment_id).collect();
    let summaries: HashMap<i64, summaries::Model> = db::summaries::by_ids(db, summary_ids).await?;
    let comments: HashMap<i64, comments::Model> = db::comments::by_ids(db, comment_ids).await?;
    let papers = db::papers::by_ids(db, summaries.values().map(|s| s.paper_id).collect()).await?;
    let actor_ids: Vec<i64> = summaries
        .values()
        .map(|s| s.author_id)
        .chain(comments.values().map(|c| c.author_id))
        .collect();
    let actors = db::accounts::by_ids(db, actor_ids).await?;
    let name = |id: i64| actors.get(&id).map(users::Model::user_ref);
    let mut items = Vec::new();
    for row in rows {
        let Some(summary) = row.summary_id.and_then(|id| summaries.get(&id)) else {
            continue;
        };
        // A summary since deleted, hidden or made private is no news to tell.
        if !scope.may_read(summary, summary.share_token.as_deref()) {
            continue;
        }
        let comment = row
            .comment_id
            .and_then(|id| comments.get(&id))
            .filter(|c| scope.may_read_comment(c));
        if row.comment_id.is_some() && comment.is_none() {
            continue;
        }
        let title = papers
            .get(&summary.paper_id)
            .map_or("a paper", |p| p.title.as_str());
        let (actor, link) = match comment {
            Some(comment) => (
                scope
                    .shows_comment_author(summary, comment)
                    .then(|| name(comment.author_id))
                    .flatten(),
                format!("/summary/{}#comment-{}", summary.id, comment.id),
            ),
            None => (
                scope
                    .shows_author(summary)
                    .then(|| name(summary.author_id))
                    .flatten(),
                format!("/summary/{}", summary.id),
            ),
        };
        let who = actor.as_ref().map_or("Someone", |a| a.display_name.as_str());
        let text = match row.kind {
            NotificationKind::Comment => format!("{who} commented on your summary of {title}"),
            NotificationKind::Reply => format!("{who} replied to your comment on a summary of {title}"),
            NotificationKind::FollowedPaper => format!("{who} summarised {title}, which you follow"),
        };
        items.push(Notification {
            id: row.id.to_string(),
            kind: row.kind,
            summary_id: Some(summary.id.to_string()),
            comment_id: comment.map(|c| c.id.to_string()),
            paper_id: row.paper_id.map(|p| p.to_string()),
            actor,
            text,
            link,
            read: row.read_at.is_some(),
            created_at: row.created_at,
        });
    }
    Ok(items)
}
