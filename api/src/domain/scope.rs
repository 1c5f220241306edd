//! Who may see what, stated once. A [`Scope`] is the reader: it answers "may this reader read
//! this summary?" for single reads and "which rows may this reader list?" as a query condition
//! for lists, profile counts and exports (and, later, search and feeds). Nothing else in the
//! service states a visibility rule.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition};
use shared::api::Visibility;

use crate::auth::AuthUser;
use crate::db::entity::{comments, summaries, users};

/// The reader of summaries.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    reader: Option<&'a AuthUser>,
}

/// Which list is being shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// The site's lists: the front page, a paper's summaries.
    Site,
    /// One author's public page. Their anonymous summaries appear only to themselves: listed
    /// under a name, they would give their author away.
    ByAuthor(i64),
    /// Everything the reader wrote and has not deleted (their export and own list).
    Own,
}

impl<'a> Scope<'a> {
    pub fn new(reader: Option<&'a AuthUser>) -> Scope<'a> {
        Scope { reader }
    }

    /// Nobody signed in: what counts towards public profiles.
    pub fn public() -> Scope<'static> {
        Scope { reader: None }
    }

    pub fn reader(&self) -> Option<&'a AuthUser> {
        self.reader
    }

    fn is_author(&self, summary: &summaries::Model) -> bool {
        self.reader.is_some_and(|u| u.id == summary.author_id)
    }

    /// Moderators read what others may not; a banned moderator is a reader like any other.
    fn is_moderator(&self) -> bool {
        self.reader.is_some_and(|u| u.is_moderator())
    }

    /// Whether the reader may read this summary: never once deleted; always its author and
    /// moderators; hidden ones nobody else; public ones anyone; unlisted ones with the share
    /// token; private ones nobody else. A banned author's summaries stay readable by their
    /// links (citations must not break); they only leave the lists ([`Scope::listed`]).
    pub fn may_read(&self, summary: &summaries::Model, share_token: Option<&str>) -> bool {
        if summary.deleted_at.is_some() {
            return false;
        }
        if self.is_author(summary) || self.is_moderator() {
            return true;
        }
        if summary.hidden_at.is_some() {
            return false;
        }
        match summary.visibility {
            Visibility::Public => true,
            Visibility::Unlisted => matches!(
                (summary.share_token.as_deref(), share_token),
                (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes())
            ),
            Visibility::Private => false,
        }
    }

    /// Whether the reader may change (edit, delete) this summary: its author and moderators.
    /// Whether they are allowed to write at all (not banned, not a read-only token) is the
    /// `Writer` extractor's to decide, before this is asked.
    pub fn may_edit(&self, summary: &summaries::Model) -> bool {
        self.is_author(summary) || self.is_moderator()
    }

    /// Whether the reader may edit or delete this comment: its author and moderators.
    pub fn may_edit_comment(&self, comment: &comments::Model) -> bool {
        self.reader.is_some_and(|u| u.id == comment.author_id) || self.is_moderator()
    }

    /// Whether the reader may read this comment of a summary they may read: never once
    /// deleted; once hidden, only its author and moderators.
    pub fn may_read_comment(&self, comment: &comments::Model) -> bool {
        comment.deleted_at.is_none()
            && (comment.hidden_at.is_none()
                || self.reader.is_some_and(|u| u.id == comment.author_id)
                || self.is_moderator())
    }

    /// A comment shows its author, except where that would unmask an anonymous summary: its
    /// author's comments on it are shown as the summary author's, unnamed, to everyone but
    /// that author and moderators.
    pub fn shows_comment_author(&self, summary: &summaries::Model, comment: &comments::Model) -> bool {
        comment.author_id != summary.author_id || self.shows_author(summary)
    }

    /// Anonymous summaries show their author only to that author and to moderators.
    pub fn shows_author(&self, summary: &summaries::Model) -> bool {
        !summary.anonymous || self.is_author(summary) || self.is_moderator()
    }

    /// The share link of an unlisted summary is its author's to hand out.
    pub fn shows_share_link(&self, summary: &summaries::Model) -> bool {
        summary.visibility == Visibility::Unlisted && self.is_author(summary)
    }

    /// The rows a list may show this reader. Lists show public, live summaries (not deleted, not
    /// hidden) of authors who are not banned; an author's own list holds all they have not deleted.
    pub fn listed(&self, listing: Listing) -> Condition {
        let live = Condition::all().add(summaries::Column::DeletedAt.is_null());
        match listing {
            Listing::Own => live.add(summaries::Column::AuthorId.eq(self.reader.map_or(0, |u| u.id))),
            Listing::Site => live.add(Self::public_and_shown()),
            Listing::ByAuthor(author_id) => {
                let mut condition = live
                    .add(Self::public_and_shown())
                    .add(summaries::Column::AuthorId.eq(author_id));
                if self.reader.is_none_or(|u| u.id != author_id) {
                    condition = condition.add(summaries::Column::Anonymous.eq(false));
                }
                condition
            }
        }
    }

    /// Whether a summary counts towards its author's public profile (their directory entry's
    /// summaries and score): listed on their page to strangers, so public, live, shown and
    /// under their name. (A banned author has no profile at all; the directory leaves them out.)
    pub fn counts_on_profile(summary: &summaries::Model) -> bool {
        summary.deleted_at.is_none()
            && summary.hidden_at.is_none()
            && summary.visibility == Visibility::Public
            && !summary.anonymous
    }

    /// Public, not hidden, and by an author who is not banned (whose profile is hidden).
    fn public_and_shown() -> Condition {
        let banned = Query::select()
            .column(users::Column::Id)
            .from(users::Entity)
            .and_where(Expr::col((users::Entity, users::Column::BannedAt)).is_not_null())
            .to_owned();
        Condition::all()
            .add(summaries::Column::Visibility.eq(Visibility::Public))
            .add(summaries::Column::HiddenAt.is_null())
            .add(summaries::Column::AuthorId.not_in_subquery(banned))
    }
}

/// Compares secrets without leaking where they first differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
