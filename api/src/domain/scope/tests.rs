use chrono::Utc;
use shared::accounts::Role;

use super::*;
use crate::auth::Credential;

fn user(id: i64, role: Role, banned: bool) -> AuthUser {
    AuthUser {
        id,
        username: format!("user{id}"),
        role,
        banned,
        credential: Credential::Session {
            session_id: "s".to_owned(),
        },
    }
}

fn summary(visibility: Visibility) -> summaries::Model {
    let now = Utc::now();
    summaries::Model {
        id: 1,
        paper_id: 1,
        author_id: 7,
        anonymous: false,
        visibility,
        share_token: Some("s3cret-token".to_owned()),
        body_markdown: String::new(),
        body_html: String::new(),
        score: 0,
        upvotes: 0,
        downvotes: 0,
        comment_count: 0,
        revision: 1,
        license: "CC-BY-4.0".to_owned(),
        view_count: 0,
        popularity: 0,
        created_at: now,
        updated_at: now,
        deleted_at: None,
        hidden_at: None,
    }
}

#[test]
fn unlisted_summaries_need_the_exact_share_token() {
    let unlisted = summary(Visibility::Unlisted);
    let stranger = Scope::public();
    assert!(stranger.may_read(&unlisted, Some("s3cret-token")));
    assert!(!stranger.may_read(&unlisted, Some("s3cret-tokem")));
    assert!(!stranger.may_read(&unlisted, None));
    let author = user(7, Role::User, false);
    assert!(Scope::new(Some(&author)).may_read(&unlisted, None));
}

#[test]
fn a_banned_moderator_reads_like_anyone() {
    let private = summary(Visibility::Private);
    let moderator = user(2, Role::Moderator, false);
    let banned = user(3, Role::Moderator, true);
    assert!(Scope::new(Some(&moderator)).may_read(&private, None));
    assert!(!Scope::new(Some(&banned)).may_read(&private, None));
    let anonymous = summaries::Model {
        anonymous: true,
        ..summary(Visibility::Public)
    };
    assert!(Scope::new(Some(&moderator)).shows_author(&anonymous));
    assert!(!Scope::new(Some(&banned)).shows_author(&anonymous));
}

#[test]
fn deleted_summaries_are_gone_for_everyone() {
    let deleted = summaries::Model {
        deleted_at: Some(Utc::now()),
        ..summary(Visibility::Public)
    };
    let author = user(7, Role::User, false);
    let moderator = user(2, Role::Moderator, false);
    for reader in [None, Some(&author), Some(&moderator)] {
        assert!(!Scope::new(reader).may_read(&deleted, None));
    }
}
