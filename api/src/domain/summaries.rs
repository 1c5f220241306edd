//! Who may read a summary, and who sees its author.

use shared::api::Visibility;

/// The facts about a summary that decide who may read it.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    pub visibility: Visibility,
    pub deleted: bool,
    pub hidden: bool,
    pub share_token: Option<&'a str>,
}

/// How the reader relates to the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReaderRights {
    pub is_author: bool,
    pub is_moderator: bool,
}

/// Whether the reader may read the summary: public ones always, unlisted ones with the right
/// share token, and anything not deleted by its author or a moderator.
pub fn readable(summary: &Access<'_>, reader: ReaderRights, presented_token: Option<&str>) -> bool {
    if summary.deleted {
        return false;
    }
    if reader.is_author || reader.is_moderator {
        return true;
    }
    if summary.hidden {
        return false;
    }
    match summary.visibility {
        Visibility::Public => true,
        Visibility::Unlisted => matches!(
            (summary.share_token, presented_token),
            (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes())
        ),
        Visibility::Private => false,
    }
}

/// Anonymous summaries show their author only to that author and to moderators.
pub fn author_visible(anonymous: bool, reader: ReaderRights) -> bool {
    !anonymous || reader.is_author || reader.is_moderator
}

/// Compares secrets without leaking where they first differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRANGER: ReaderRights = ReaderRights {
        is_author: false,
        is_moderator: false,
    };
    const AUTHOR: ReaderRights = ReaderRights {
        is_author: true,
        is_moderator: false,
    };
    const MODERATOR: ReaderRights = ReaderRights {
        is_author: false,
        is_moderator: true,
    };

    fn access(visibility: Visibility) -> Access<'static> {
        Access {
            visibility,
            deleted: false,
            hidden: false,
            share_token: Some("s3cret-token"),
        }
    }

    #[test]
    fn public_summaries_are_readable_by_anyone() {
        assert!(readable(&access(Visibility::Public), STRANGER, None));
    }

    #[test]
    fn unlisted_summaries_need_the_share_token() {
        let unlisted = access(Visibility::Unlisted);
        assert!(readable(&unlisted, STRANGER, Some("s3cret-token")));
        assert!(!readable(&unlisted, STRANGER, Some("s3cret-tokem")));
        assert!(!readable(&unlisted, STRANGER, None));
        assert!(readable(&unlisted, AUTHOR, None));
    }

    #[test]
    fn private_and_hidden_summaries_are_for_their_author_and_moderators() {
        for summary in [
            access(Visibility::Private),
            Access {
                hidden: true,
                ..access(Visibility::Public)
            },
        ] {
            assert!(!readable(&summary, STRANGER, Some("s3cret-token")));
            assert!(readable(&summary, AUTHOR, None));
            assert!(readable(&summary, MODERATOR, None));
        }
    }

    #[test]
    fn deleted_summaries_are_gone_for_everyone() {
        let deleted = Access {
            deleted: true,
            ..access(Visibility::Public)
        };
        for reader in [STRANGER, AUTHOR, MODERATOR] {
            assert!(!readable(&deleted, reader, None));
        }
    }

    #[test]
    fn anonymous_authors_are_shown_only_to_themselves_and_moderators() {
        assert!(author_visible(false, STRANGER));
        assert!(!author_visible(true, STRANGER));
        assert!(author_visible(true, AUTHOR));
        assert!(author_visible(true, MODERATOR));
    }
}
