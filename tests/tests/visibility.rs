//! The visibility matrix: every kind of reader against every kind of summary, through every way
//! of reading one (single GET, the site's list, the paper's list, the author's list, the
//! export), on SQLite and PostgreSQL. The rule lives in one place (`domain::scope`); this test
//! states what users rely on, case by case.

use api::db::entity::{papers, summaries};
use reqwest::Method;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::Value;
use shared::accounts::{AccountExport, Role};
use shared::api::{Category, Page, Summary, Visibility};
use tests::{TestApp, on_both_backends};

on_both_backends!(spawn =>
    every_reader_sees_exactly_what_the_rule_says,
    a_banned_authors_summaries_are_not_listed_while_their_profile_is_hidden,
);

const SHARE_TOKEN: &str = "share-token-of-the-unlisted-summary-0123456789";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Public,
    UnlistedWithToken,
    UnlistedWithoutToken,
    Private,
    Anonymous,
    Hidden,
    Deleted,
}

const KINDS: [Kind; 7] = [
    Kind::Public,
    Kind::UnlistedWithToken,
    Kind::UnlistedWithoutToken,
    Kind::Private,
    Kind::Anonymous,
    Kind::Hidden,
    Kind::Deleted,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Anonymous,
    OtherUser,
    Author,
    Moderator,
    BannedModerator,
}

const READERS: [Reader; 5] = [
    Reader::Anonymous,
    Reader::OtherUser,
    Reader::Author,
    Reader::Moderator,
    Reader::BannedModerator,
];

/// May this reader open this summary by its link?
fn readable(reader: Reader, kind: Kind) -> bool {
    let privileged = matches!(reader, Reader::Author | Reader::Moderator);
    match kind {
        Kind::Public | Kind::UnlistedWithToken | Kind::Anonymous => true,
        Kind::UnlistedWithoutToken | Kind::Private | Kind::Hidden => privileged,
        Kind::Deleted => false,
    }
}

/// Is it in the front-page list and the paper's list?
fn site_listed(kind: Kind) -> bool {
    matches!(kind, Kind::Public | Kind::Anonymous)
}

/// Is it in the author's public list?
fn author_listed(reader: Reader, kind: Kind) -> bool {
    kind == Kind::Public || (kind == Kind::Anonymous && reader == Reader::Author)
}

/// Is it in the reader's own export?
fn exported(reader: Reader, kind: Kind) -> bool {
    reader == Reader::Author && kind != Kind::Deleted
}

/// Does the reader see who wrote it?
fn shows_author(reader: Reader, kind: Kind) -> bool {
    kind != Kind::Anonymous || matches!(reader, Reader::Author | Reader::Moderator)
}

struct World {
    /// Each kind on its own paper (one summary per author per paper): kind, summary id, paper id.
    ids: Vec<(Kind, String, i64)>,
    tokens: Vec<(Reader, Option<String>)>,
}

async fn world(app: &TestApp) -> World {
    let author = app.register("author").await;
    let other = app.register("other").await;
    let moderator = app.register("moderator").await;
    let banned = app.register("banned-mod").await;
    for name in ["moderator", "banned-mod"] {
        assert!(
            api::db::accounts::set_role(&app.db, name, Role::Moderator)
                .await
                .unwrap()
        );
    }
    assert!(
        api::db::accounts::set_banned(&app.db, "banned-mod", true)
            .await
            .unwrap()
    );
    let author_id = api::db::accounts::find_by_username(&app.db, "author")
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = api::db::now();
    let mut ids = Vec::new();
    for (i, kind) in KINDS.into_iter().enumerate() {
        let paper = papers::ActiveModel {
            key: Set(format!("arxiv:1706.0376{i}")),
            title: Set(format!("A paper for {kind:?}")),
            authors: Set("[\"A. Vaswani\"]".to_owned()),
            category: Set(Category::Cs),
            urls: Set("[]".to_owned()),
            summary_count: Set(0),
            view_count: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let visibility = match kind {
            Kind::UnlistedWithToken | Kind::UnlistedWithoutToken => Visibility::Unlisted,
            Kind::Private => Visibility::Private,
            _ => Visibility::Public,
        };
        // Two unlisted rows: each needs its own share token (they are unique).
        let share_token = match kind {
            Kind::UnlistedWithToken => Some(SHARE_TOKEN.to_owned()),
            Kind::UnlistedWithoutToken => Some(format!("{SHARE_TOKEN}-never-given")),
            _ => None,
        };
        let created = now - chrono::Duration::minutes(i as i64);
        let row = summaries::ActiveModel {
            paper_id: Set(paper.id),
            author_id: Set(author_id),
            anonymous: Set(kind == Kind::Anonymous),
            visibility: Set(visibility),
            share_token: Set(share_token),
            body_markdown: Set(format!("{kind:?}")),
            body_html: Set(format!("<p>{kind:?}</p>")),
            score: Set(0),
            upvotes: Set(0),
            downvotes: Set(0),
            comment_count: Set(0),
            revision: Set(1),
            license: Set("CC-BY-4.0".to_owned()),
            view_count: Set(0),
            created_at: Set(created),
            updated_at: Set(created),
            deleted_at: Set((kind == Kind::Deleted).then_some(now)),
            hidden_at: Set((kind == Kind::Hidden).then_some(now)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        ids.push((kind, row.id.to_string(), paper.id));
    }
    // Rows written directly, as a bulk load writes them: the profile counters are counted once.
    api::db::accounts::recount_profiles(&app.db).await.unwrap();
    World {
        ids,
        tokens: vec![
            (Reader::Anonymous, None),
            (Reader::OtherUser, Some(other.access_token)),
            (Reader::Author, Some(author.access_token)),
            (Reader::Moderator, Some(moderator.access_token)),
            (Reader::BannedModerator, Some(banned.access_token)),
        ],
    }
}

async fn get(app: &TestApp, path: &str, token: Option<&str>) -> (u16, Value) {
    let response = app.send(Method::GET, path, token, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn listed(app: &TestApp, path: &str, token: Option<&str>) -> Vec<Summary> {
    let (status, body) = get(app, path, token).await;
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_value::<Page<Summary>>(body).unwrap().items
}

async fn every_reader_sees_exactly_what_the_rule_says(app: TestApp) {
    let world = world(&app).await;
    let covered: Vec<Reader> = world.tokens.iter().map(|(reader, _)| *reader).collect();
    assert_eq!(covered, READERS, "every kind of reader is tried");
    for (reader, token) in &world.tokens {
        let reader = *reader;
        let token = token.as_deref();
        let site = listed(&app, "/api/v1/summaries?limit=100", token).await;
        let by_author = listed(&app, "/api/v1/users/author/summaries?limit=100", token).await;
        let export = match token {
            Some(token) => {
                let (status, body) = get(&app, "/api/v1/me/export", Some(token)).await;
                assert_eq!(status, 200, "{reader:?} export: {body}");
                serde_json::from_value::<AccountExport>(body).unwrap().summaries
            }
            None => Vec::new(),
        };
        for (kind, id, paper_id) in &world.ids {
            let kind = *kind;
            let paper = listed(&app, &format!("/api/v1/papers/{paper_id}/summaries"), token).await;
            let case = format!("{reader:?} reading {kind:?}");
            let path = match kind {
                Kind::UnlistedWithToken => format!("/api/v1/summaries/{id}?share={SHARE_TOKEN}"),
                _ => format!("/api/v1/summaries/{id}"),
            };
            let (status, body) = get(&app, &path, token).await;
            if readable(reader, kind) {
                assert_eq!(status, 200, "{case}: {body}");
                let summary: Summary = serde_json::from_value(body).unwrap();
                assert_eq!(
                    summary.author.is_some(),
                    shows_author(reader, kind),
                    "{case}: author"
                );
                assert_eq!(
                    summary.share_url.is_some(),
                    reader == Reader::Author
                        && matches!(kind, Kind::UnlistedWithToken | Kind::UnlistedWithoutToken),
                    "{case}: share link only for the author"
                );
            } else {
                assert_eq!(status, 404, "{case}: {body}");
            }
            let find = |list: &[Summary]| list.iter().find(|s| &s.id == id).cloned();
            assert_eq!(find(&site).is_some(), site_listed(kind), "{case}: /summaries");
            assert_eq!(find(&paper).is_some(), site_listed(kind), "{case}: paper's list");
            assert_eq!(
                find(&by_author).is_some(),
                author_listed(reader, kind),
                "{case}: author's list"
            );
            assert_eq!(find(&export).is_some(), exported(reader, kind), "{case}: export");
            for list in [&site, &paper, &by_author, &export] {
                if let Some(summary) = find(list) {
                    assert_eq!(
                        summary.author.is_some(),
                        shows_author(reader, kind),
                        "{case}: author in a list"
                    );
                }
            }
        }
    }
}

async fn a_banned_authors_summaries_are_not_listed_while_their_profile_is_hidden(app: TestApp) {
    let world = world(&app).await;
    let (_, public_id, paper_id) = &world.ids[0];
    assert_eq!(get(&app, "/api/v1/users/author", None).await.0, 200);
    let profile = get(&app, "/api/v1/users/author", None).await.1;
    assert_eq!(
        profile["summary_count"], 1,
        "only the public, signed summary counts: {profile}"
    );
    assert!(
        api::db::accounts::set_banned(&app.db, "author", true)
            .await
            .unwrap()
    );
    assert_eq!(
        get(&app, "/api/v1/users/author", None).await.0,
        404,
        "the profile is hidden"
    );
    assert_eq!(get(&app, "/api/v1/users/author/summaries", None).await.0, 404);
    let site = listed(&app, "/api/v1/summaries?limit=100", None).await;
    assert!(site.iter().all(|s| &s.id != public_id), "not on the front page");
    let paper = listed(&app, &format!("/api/v1/papers/{paper_id}/summaries"), None).await;
    assert!(paper.is_empty(), "not on the paper's page");
    assert!(
        api::db::accounts::set_banned(&app.db, "author", false)
            .await
            .unwrap()
    );
    let site = listed(&app, "/api/v1/summaries?limit=100", None).await;
    assert!(
        site.iter().any(|s| &s.id == public_id),
        "listed again once the ban is lifted"
    );
}
