//! Who may read a summary.

use shared::api::Visibility;

/// The facts about a summary that decide who may read it.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    pub visibility: Visibility,
    pub deleted: bool,
    pub hidden: bool,
    pub share_token: Option<&'a str>,
}

/// Whether a reader without special rights may read the summary: public ones always, unlisted
/// ones with the right share token, private, deleted and hidden ones never.
pub fn readable(summary: &Access<'_>, presented_token: Option<&str>) -> bool {
    if summary.deleted || summary.hidden {
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

/// Compares secrets without leaking where they first differ through timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(readable(&access(Visibility::Public), None));
    }

    #[test]
    fn unlisted_summaries_need_the_share_token() {
        let unlisted = access(Visibility::Unlisted);
        assert!(readable(&unlisted, Some("s3cret-token")));
        assert!(!readable(&unlisted, Some("s3cret-tokem")));
        assert!(!readable(&unlisted, None));
    }

    #[test]
    fn private_deleted_and_hidden_summaries_are_not_readable() {
        assert!(!readable(&access(Visibility::Private), Some("s3cret-token")));
        assert!(!readable(
            &Access {
                deleted: true,
                ..access(Visibility::Public)
            },
            None
        ));
        assert!(!readable(
            &Access {
                hidden: true,
                ..access(Visibility::Public)
            },
            None
        ));
    }
}
