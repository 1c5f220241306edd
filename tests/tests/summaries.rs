//! Writing summaries through the API, on SQLite and PostgreSQL: publishing (one live summary
//! per author and paper, also under concurrent posts), editing with revisions and `If-Match`,
//! visibility and share links, deleting, votes that stay exact under 50 concurrent voters, the
//! paper's summary count through all of it, and who may do which.

use reqwest::Method;
use serde_json::{Value, json};
use shared::api::{
    Comment, LineChange, NotificationKind, NotificationPage, Page, Paper, RevisionDiff, RevisionInfo,
    Summary, VoteResponse,
};
use tests::{TestApp, TestUser, on_both_backends};

on_both_backends!(with_demo =>
    a_summary_is_published_edited_and_deleted,
    one_live_summary_per_author_and_paper_even_under_concurrent_posts,
    fifty_concurrent_voters_give_an_exact_score,
    who_may_write_what,
    render_is_the_published_html,
    a_thread_of_comments,
    render_agrees_with_publishing_over_the_whole_corpus,
    notifications_tell_what_happened_without_unmasking_anyone,
);

/// A demo paper nobody in these tests has summarised yet.
async fn paper(app: &TestApp) -> Paper {
    app.get_json("/api/v1/papers/resolve?key=1703.06870").await
}

async fn post_summary(app: &TestApp, user: &TestUser, body: Value) -> reqwest::Response {
    app.send(
        Method::POST,
        "/api/v1/summaries",
        Some(&user.access_token),
        Some(body),
    )
    .await
}

async fn vote(app: &TestApp, path: &str, voter: &TestUser, value: i8) -> reqwest::Response {
    let token = Some(voter.access_token.as_str());
    app.send(Method::PUT, path, token, Some(json!({"value": value})))
        .await
}

/// Publishes a summary that must be accepted.
async fn publish(app: &TestApp, user: &TestUser, body: Value) -> Summary {
    let response = post_summary(app, user, body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn count_of(app: &TestApp, paper_id: &str) -> i64 {
    let paper: Paper = app.get_json(&format!("/api/v1/papers/{paper_id}")).await;
    paper.summary_count
}

async fn a_summary_is_published_edited_and_deleted(app: TestApp) {
    let paper = paper(&app).await;
    let before = count_of(&app, &paper.id).await;
    let author = app.register("author").await;
    let token = Some(author.access_token.as_str());
    let created = post_summary(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Masks by $\\arg\\min_r \\|r\\|_2$.",
               "tags": ["Instance Segmentation", "instance-segmentation"]}),
    )
    .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    assert!(!etag.starts_with("W/"), "a strong ETag: {etag}");
    let summary: Summary = created.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/summaries/{}", summary.id));
    assert_eq!(summary.revision, 1);
    assert_eq!(summary.license, "CC-BY-4.0");
    assert_eq!(summary.tags, ["instance-segmentation"]);
    assert!(summary.body_html.contains("<math"), "{}", summary.body_html);
    assert_eq!(summary.author.as_ref().unwrap().username, "author");
    assert_eq!(count_of(&app, &paper.id).await, before + 1);

    // An edit is a new revision with a new ETag; the old ETag is stale.
    let path = format!("/api/v1/summaries/{}", summary.id);
    let edit = |body: Value, if_match: Option<String>| {
        let mut request = app
            .client
            .patch(app.url(&path))
            .bearer_auth(&author.access_token)
            .json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        request.send()
    };
    let edited = edit(json!({"body_markdown": "Better: $x^2$."}), Some(etag.clone()))
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    let new_etag = edited.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let edited: Summary = edited.json().await.unwrap();
    assert_eq!(edited.revision, 2);
    let stale = edit(json!({"body_markdown": "Lost update"}), Some(etag))
        .await
        .unwrap();
    assert_eq!(stale.status(), 412, "a stale edit is refused");
    let current: Summary = app.get_json(&path).await;
    assert_eq!(current.body_markdown, "Better: $x^2$.", "and changed nothing");

    let revisions: Vec<RevisionInfo> = app.get_json(&format!("{path}/revisions")).await;
    assert_eq!(revisions.iter().map(|r| r.revision).collect::<Vec<_>>(), [1, 2]);
    let first: Value = app.get_json(&format!("{path}/revisions/1")).await;
    assert_eq!(first["body_markdown"], "Masks by $\\arg\\min_r \\|r\\|_2$.");
    // What the edit changed, line by line; the first revision adds its every line.
    let diff: RevisionDiff = app.get_json(&format!("{path}/revisions/2/diff")).await;
    assert_eq!((diff.revision, diff.previous), (2, 1));
    let lines: Vec<(LineChange, &str)> = diff.lines.iter().map(|l| (l.change, l.text.as_str())).collect();
    assert_eq!(
        lines,
        [
            (LineChange::Removed, "Masks by $\\arg\\min_r \\|r\\|_2$."),
            (LineChange::Added, "Better: $x^2$."),
        ]
    );
    let origin: RevisionDiff = app.get_json(&format!("{path}/revisions/1/diff")).await;
    assert!(origin.lines.iter().all(|l| l.change == LineChange::Added));
    assert_eq!(app.get(&format!("{path}/revisions/3/diff")).await.status(), 404);

    // Unlisted: gone from the paper's count and lists, readable with the share link only.
    let unlisted: Summary = edit(json!({"visibility": "unlisted", "anonymous": true}), None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(count_of(&app, &paper.id).await, before);
    let share = unlisted
        .share_url
        .clone()
        .expect("the author sees the share link");
    let share_token = share.split("share=").nth(1).unwrap().to_owned();
    assert_eq!(app.get(&path).await.status(), 404);
    let shared: Summary = app.get_json(&format!("{path}?share={share_token}")).await;
    assert_eq!(shared.author, None, "anonymous to readers");
    assert_eq!(shared.share_url, None, "the link is the author's to hand out");
    // Rotating the link ends the old one.
    let rotated: Summary = edit(json!({"rotate_share_link": true}), None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(rotated.share_url, unlisted.share_url);
    // Holders of the link may vote; others do not even see it.
    let new_token = rotated
        .share_url
        .clone()
        .unwrap()
        .split("share=")
        .nth(1)
        .unwrap()
        .to_owned();
    let voter = app.register("linkholder").await;
    let vote_path = format!("{path}/vote");
    let blind = vote(&app, &vote_path, &voter, 1).await;
    assert_eq!(blind.status(), 404);
    let with_link = vote(&app, &format!("{vote_path}?share={new_token}"), &voter, 1).await;
    assert_eq!(with_link.status(), 200);
    assert_eq!(
        app.get(&format!("{path}?share={share_token}")).await.status(),
        404
    );
    let public: Summary = edit(json!({"visibility": "public"}), None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(public.share_url, None);
    assert_eq!(count_of(&app, &paper.id).await, before + 1);

    // A ban takes the author's summaries out of the count; lifting it brings them back.
    api::domain::users::set_banned(&app.db, "author", true)
        .await
        .unwrap();
    assert_eq!(count_of(&app, &paper.id).await, before);
    api::domain::users::set_banned(&app.db, "author", false)
        .await
        .unwrap();
    assert_eq!(count_of(&app, &paper.id).await, before + 1);

    let mine: Page<Summary> = app
        .send(Method::GET, "/api/v1/me/summaries", token, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.items.len(), 1);

    // Deleting: gone for everyone, counted out, and no obstacle to writing anew.
    let deleted = app.send(Method::DELETE, &path, token, None).await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(app.get(&path).await.status(), 404);
    assert_eq!(count_of(&app, &paper.id).await, before);
    let again = post_summary(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Anew."}),
    )
    .await;
    assert_eq!(again.status(), 201);
    assert_eq!(count_of(&app, &paper.id).await, before + 1);

    // Bad input changes nothing.
    for bad in [
        json!({"paper_id": paper.id, "body_markdown": "   "}),
        json!({"paper_id": "nope", "body_markdown": "x"}),
        json!({"paper_id": "999999", "body_markdown": "x"}),
        json!({"paper_id": paper.id, "body_markdown": "x", "tags": vec!["t"; 11]}),
    ] {
        let other = app
            .register(&format!("u{}", uuid::Uuid::new_v4().simple())[..20])
            .await;
        let response = post_summary(&app, &other, bad.clone()).await;
        assert_eq!(response.status(), 422, "{bad}");
    }
    assert_eq!(count_of(&app, &paper.id).await, before + 1);
}

async fn one_live_summary_per_author_and_paper_even_under_concurrent_posts(app: TestApp) {
    let paper = paper(&app).await;
    let before = count_of(&app, &paper.id).await;
    let author = app.register("eager").await;
    let body = json!({"paper_id": paper.id, "body_markdown": "Twice?"});
    let posts = (0..8).map(|_| post_summary(&app, &author, body.clone()));
    let responses = futures_util::future::join_all(posts).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    let created = responses.iter().find(|r| r.status() == 201).unwrap();
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    for conflict in responses.iter().filter(|r| r.status() == 409) {
        assert_eq!(conflict.headers()["location"].to_str().unwrap(), location);
    }
    assert_eq!(count_of(&app, &paper.id).await, before + 1);
}

async fn fifty_concurrent_voters_give_an_exact_score(app: TestApp) {
    let paper = paper(&app).await;
    let author = app.register("voted").await;
    let summary: Summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Vote!"}),
    )
    .await;
    let path = format!("/api/v1/summaries/{}/vote", summary.id);
    let names: Vec<String> = (0..50).map(|i| format!("voter{i}")).collect();
    let voters = futures_util::future::join_all(names.iter().map(|name| app.register(name))).await;
    // 35 up and 15 down, all at once; then 5 of the up-voters change to down and 5 take it back.
    let votes =
        (voters.iter().enumerate()).map(|(i, voter)| vote(&app, &path, voter, if i < 35 { 1 } else { -1 }));
    for response in futures_util::future::join_all(votes).await {
        assert_eq!(response.status(), 200);
    }
    let changes = (voters[..10].iter().enumerate())
        .map(|(i, voter)| vote(&app, &path, voter, if i < 5 { -1 } else { 0 }));
    for response in futures_util::future::join_all(changes).await {
        assert_eq!(response.status(), 200);
    }
    // Voting the same again is idempotent.
    let again: VoteResponse = vote(&app, &path, &voters[0], -1).await.json().await.unwrap();
    assert_eq!(
        (again.upvotes, again.downvotes, again.score, again.my_vote),
        (25, 20, 5, -1)
    );
    let seen: Summary = app
        .send(
            Method::GET,
            &format!("/api/v1/summaries/{}", summary.id),
            Some(&voters[5].access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (seen.upvotes, seen.downvotes, seen.score, seen.my_vote),
        (25, 20, 5, Some(0))
    );
    let own = vote(&app, &path, &author, 1).await;
    assert_eq!(own.status(), 403, "no voting on one's own summary");
    let bad = vote(&app, &path, &voters[0], 2).await;
    assert_eq!(bad.status(), 422);
}

/// Every summary write, by everyone who might try it.
async fn who_may_write_what(app: TestApp) {
    let paper = paper(&app).await;
    let author = app.register("writer").await;
    let other = app.register("stranger").await;
    let moderator = app.register("warden").await;
    let banned = app.register("outcast").await;
    api::db::accounts::set_role(&app.db, "warden", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    api::db::accounts::set_banned(&app.db, "outcast", true)
        .await
        .unwrap();
    let read_only = app.read_only_token(&author).await;
    let summary: Summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Mine."}),
    )
    .await;
    let id = &summary.id;
    let private: Summary = publish(
        &app,
        &author,
        json!({"paper_id": app.get_json::<Paper>("/api/v1/papers/resolve?key=1706.03762").await.id,
               "body_markdown": "Secret.", "visibility": "private"}),
    )
    .await;
    let writes: [(Method, String, Value); 5] = [
        (
            Method::POST,
            "/api/v1/summaries".into(),
            json!({"paper_id": paper.id, "body_markdown": "x"}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/summaries/{id}"),
            json!({"tags": ["t"]}),
        ),
        (
            Method::PUT,
            format!("/api/v1/summaries/{id}/vote"),
            json!({"value": 1}),
        ),
        (
            Method::PATCH,
            format!("/api/v1/summaries/{}", private.id),
            json!({"tags": ["t"]}),
        ),
        (
            Method::PUT,
            format!("/api/v1/summaries/{}/vote", private.id),
            json!({"value": 1}),
        ),
    ];
    let actors: [(&str, Option<&str>, [u16; 5]); 6] = [
        ("anonymous", None, [401, 401, 401, 401, 401]),
        ("banned", Some(&banned.access_token), [403, 403, 403, 403, 403]),
        ("read-only token", Some(&read_only), [403, 403, 403, 403, 403]),
        // Another user writes their own summary and votes, but edits nothing of others' and
        // cannot even see a private one.
        ("other user", Some(&other.access_token), [201, 403, 200, 404, 404]),
        // A moderator edits anyone's, and may read (so vote on) a private one.
        (
            "moderator",
            Some(&moderator.access_token),
            [201, 200, 200, 200, 200],
        ),
        // The author: a second summary of the paper is a conflict; no votes on their own.
        ("author", Some(&author.access_token), [409, 200, 403, 200, 403]),
    ];
    for (who, token, expected) in actors {
        for ((method, path, body), want) in writes.iter().zip(expected) {
            let body = (!body.is_null()).then(|| body.clone());
            let response = app.send(method.clone(), path, token, body).await;
            assert_eq!(response.status().as_u16(), want, "{who}: {method} {path}");
        }
    }
    // A moderator fixes text, never who may read it or under which name.
    for settings in [
        json!({"anonymous": true}),
        json!({"visibility": "private"}),
        json!({"license": "CC0-1.0"}),
    ] {
        let path = format!("/api/v1/summaries/{id}");
        let response = app
            .send(
                Method::PATCH,
                &path,
                Some(&moderator.access_token),
                Some(settings.clone()),
            )
            .await;
        assert_eq!(response.status(), 403, "moderator: {settings}");
    }
    let deletes = [
        ("anonymous", None, id, 401),
        ("banned", Some(banned.access_token.as_str()), id, 403),
        ("read-only token", Some(read_only.as_str()), id, 403),
        ("other user", Some(other.access_token.as_str()), id, 403),
        ("other user", Some(other.access_token.as_str()), &private.id, 404),
        (
            "moderator",
            Some(moderator.access_token.as_str()),
            &private.id,
            204,
        ),
        ("author", Some(author.access_token.as_str()), id, 204),
        ("author", Some(author.access_token.as_str()), id, 404),
    ];
    for (who, token, target, want) in deletes {
        let path = format!("/api/v1/summaries/{target}");
        let response = app.send(Method::DELETE, &path, token, None).await;
        assert_eq!(response.status().as_u16(), want, "{who}: DELETE {path}");
    }

    // The discussion's writes and the reader's own notifications, by the same actors.
    let open = publish(
        &app,
        &other,
        json!({"paper_id": private.paper.id, "body_markdown": "Open."}),
    )
    .await;
    let thread = format!("/api/v1/summaries/{}/comments", open.id);
    let posted: Comment = comment(&app, &other, &open.id, json!({"body_markdown": "First."}))
        .await
        .json()
        .await
        .unwrap();
    let comment_path = format!("/api/v1/comments/{}", posted.id);
    let writes: [(Method, &str, Value); 4] = [
        (Method::POST, &thread, json!({"body_markdown": "x"})),
        (Method::PATCH, &comment_path, json!({"body_markdown": "y"})),
        (Method::POST, "/api/v1/me/notifications/read", Value::Null),
        (Method::DELETE, &comment_path, Value::Null),
    ];
    let actors: [(&str, Option<&str>, [u16; 4]); 5] = [
        ("anonymous", None, [401, 401, 401, 401]),
        ("banned", Some(&banned.access_token), [403, 403, 403, 403]),
        ("read-only token", Some(&read_only), [403, 403, 403, 403]),
        // Not the comment's author: posts, but changes nothing of it.
        ("author", Some(&author.access_token), [201, 403, 204, 403]),
        // Its author edits and deletes it (the delete runs last).
        ("comment author", Some(&other.access_token), [201, 200, 204, 204]),
    ];
    for (who, token, expected) in actors {
        for ((method, path, body), want) in writes.iter().zip(expected) {
            let body = (!body.is_null()).then(|| body.clone());
            let response = app.send(method.clone(), path, token, body).await;
            assert_eq!(response.status().as_u16(), want, "{who}: {method} {path}");
        }
    }
}

/// The preview endpoint gives exactly the HTML a summary with the same markdown publishes.
async fn render_is_the_published_html(app: TestApp) {
    let paper = paper(&app).await;
    let author = app.register("previewer").await;
    let markdown = "# Idea\n\n$$\\sum_i x_i$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSee \\cite{1703.06870}.";
    let preview: Value = app
        .post("/api/v1/render", json!({"markdown": markdown}))
        .await
        .json()
        .await
        .unwrap();
    let summary: Summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": markdown}),
    )
    .await;
    assert_eq!(preview["html"], summary.body_html);
    let too_long = app
        .post("/api/v1/render", json!({"markdown": "x".repeat(100_001)}))
        .await;
    assert_eq!(too_long.status(), 422);
}

/// A request with the user's token (its future owns what it needs, so closures can make them).
fn as_user(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: Option<Value>,
) -> impl std::future::Future<Output = reqwest::Response> + use<> {
    let (client, url, token) = (app.client.clone(), app.url(path), user.access_token.clone());
    async move {
        let mut request = client.request(method, url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }
}

async fn comment(app: &TestApp, user: &TestUser, summary_id: &str, body: Value) -> reqwest::Response {
    let path = format!("/api/v1/summaries/{summary_id}/comments");
    app.send(Method::POST, &path, Some(&user.access_token), Some(body))
        .await
}

/// A thread under an anonymous summary: replies name their parent, the summary's author stays
/// unnamed in it, edits are marked, a deleted comment keeps its place, the count stays exact,
/// and only authors and moderators change comments.
async fn a_thread_of_comments(app: TestApp) {
    let paper = paper(&app).await;
    let author = app.register("shy").await;
    let reader = app.register("curious").await;
    let stranger = app.register("passerby").await;
    let moderator = app.register("keeper").await;
    api::db::accounts::set_role(&app.db, "keeper", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    let summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Unsigned.", "anonymous": true}),
    )
    .await;
    let question = comment(
        &app,
        &reader,
        &summary.id,
        json!({"body_markdown": "Why $\\alpha$?"}),
    )
    .await;
    assert_eq!(question.status(), 201);
    let question: Comment = question.json().await.unwrap();
    assert!(question.body_html.contains("<math"), "{}", question.body_html);
    let answer: Comment = comment(
        &app,
        &author,
        &summary.id,
        json!({"body_markdown": "Because.", "parent_id": question.id}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(answer.parent_id.as_deref(), Some(question.id.as_str()));
    let thread_path = format!("/api/v1/summaries/{}/comments", summary.id);
    let thread: Page<Comment> = app.get_json(&thread_path).await;
    let ids: Vec<&str> = thread.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [question.id.as_str(), answer.id.as_str()], "oldest first");
    assert_eq!(thread.items[0].author.as_ref().unwrap().username, "curious");
    assert_eq!(thread.items[1].author, None, "the anonymous author stays unnamed");
    assert!(thread.items[1].by_summary_author);
    let seen_by_author: Page<Comment> = app
        .send(Method::GET, &thread_path, Some(&author.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen_by_author.items[1].author.as_ref().unwrap().username, "shy");
    let first: Page<Comment> = app.get_json(&format!("{thread_path}?limit=1")).await;
    let cursor = first.next_cursor.expect("a second page");
    let second: Page<Comment> = app
        .get_json(&format!("{thread_path}?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second.items[0].id, answer.id);
    let counted: Summary = app.get_json(&format!("/api/v1/summaries/{}", summary.id)).await;
    assert_eq!(counted.comment_count, 2);

    // A reply names a comment of the same summary.
    let elsewhere = publish(
        &app,
        &reader,
        json!({"paper_id": paper.id, "body_markdown": "Mine."}),
    )
    .await;
    for parent in [json!(question.id), json!("nope")] {
        let wrong = comment(
            &app,
            &stranger,
            &elsewhere.id,
            json!({"body_markdown": "x", "parent_id": parent}),
        )
        .await;
        assert_eq!(wrong.status(), 422, "{parent}");
    }

    // Edits: the comment's author and moderators only.
    let comment_path = format!("/api/v1/comments/{}", question.id);
    let body = json!({"body_markdown": "Why alpha, exactly?"});
    let edit = |user: &TestUser| as_user(&app, Method::PATCH, &comment_path, user, Some(body.clone()));
    assert_eq!(
        edit(&author).await.status(),
        403,
        "not the summary's author either"
    );
    assert_eq!(edit(&stranger).await.status(), 403);
    assert_eq!(edit(&moderator).await.status(), 200);
    let edited: Comment = edit(&reader).await.json().await.unwrap();
    assert!(edited.edited);
    let delete = |user: &TestUser| as_user(&app, Method::DELETE, &comment_path, user, None);
    assert_eq!(delete(&stranger).await.status(), 403);
    assert_eq!(
        app.send(Method::DELETE, &comment_path, None, None).await.status(),
        401
    );
    assert_eq!(delete(&reader).await.status(), 204);
    assert_eq!(delete(&reader).await.status(), 404, "gone already");
    let thread: Page<Comment> = app.get_json(&thread_path).await;
    assert_eq!(thread.items.len(), 2, "the deleted comment keeps its place");
    assert!(thread.items[0].deleted);
    assert_eq!(thread.items[0].body_markdown, "[deleted]");
    assert_eq!(thread.items[0].author, None);
    assert_eq!(thread.items[1].parent_id.as_deref(), Some(question.id.as_str()));
    let counted: Summary = app.get_json(&format!("/api/v1/summaries/{}", summary.id)).await;
    assert_eq!(counted.comment_count, 1);

    // A private summary's thread is as invisible as the summary.
    let hidden = publish(
        &app,
        &author,
        json!({"paper_id": app.get_json::<Paper>("/api/v1/papers/resolve?key=1706.03762").await.id,
               "body_markdown": "Private.", "visibility": "private"}),
    )
    .await;
    let peek = app
        .get(&format!("/api/v1/summaries/{}/comments", hidden.id))
        .await;
    assert_eq!(peek.status(), 404);
    let post = comment(&app, &stranger, &hidden.id, json!({"body_markdown": "Hi"})).await;
    assert_eq!(post.status(), 404);
    let anonymous = app
        .send(
            Method::POST,
            &thread_path,
            None,
            Some(json!({"body_markdown": "Hi"})),
        )
        .await;
    assert_eq!(anonymous.status(), 401);
    api::db::accounts::set_banned(&app.db, "passerby", true)
        .await
        .unwrap();
    let banned = comment(&app, &stranger, &summary.id, json!({"body_markdown": "Hi"})).await;
    assert_eq!(banned.status(), 403);
}

/// `POST /render` gives what a published summary stores, for every formula of the renderer's
/// corpus, inline and displayed, and for the Markdown around them.
async fn render_agrees_with_publishing_over_the_whole_corpus(app: TestApp) {
    use shared::markdown::corpus::{CORPUS, DISPLAY_CORPUS};
    let paper = paper(&app).await;
    let author = app.register("corpus").await;
    let summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Start."}),
    )
    .await;
    let path = format!("/api/v1/summaries/{}", summary.id);
    let inline = CORPUS.iter().map(|f| {
        format!("# Formula\n\nInline ${f}$ in *text*, then\n\n$${f}$$\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    });
    let display = DISPLAY_CORPUS
        .iter()
        .map(|f| format!("$${f}$$ and \\cite{{1703.06870}}"));
    let mut checked = 0;
    for markdown in inline.chain(display) {
        let edited: Summary = as_user(
            &app,
            Method::PATCH,
            &path,
            &author,
            Some(json!({"body_markdown": markdown})),
        )
        .await
        .json()
        .await
        .unwrap();
        let preview: Value = app
            .post("/api/v1/render", json!({"markdown": markdown}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(preview["html"], edited.body_html, "{markdown}");
        assert!(edited.body_html.contains("<math"), "{markdown}");
        checked += 1;
    }
    assert_eq!(checked, CORPUS.len() + DISPLAY_CORPUS.len());
}

async fn notifications_of(app: &TestApp, user: &TestUser) -> NotificationPage {
    as_user(app, Method::GET, "/api/v1/me/notifications", user, None)
        .await
        .json()
        .await
        .unwrap()
}

/// Followers hear of new public summaries, authors of comments on their summaries, commenters
/// of replies; an anonymous author is named in none of them, in the app or by mail.
async fn notifications_tell_what_happened_without_unmasking_anyone(app: TestApp) {
    let paper = paper(&app).await;
    let author = app.register("masked").await;
    let follower = app.register("follower").await;
    let critic = app.register("critic").await;
    let user = api::db::accounts::find_by_username(&app.db, "critic")
        .await
        .unwrap()
        .unwrap();
    api::db::accounts::confirm_email(&app.db, user.id, api::db::now())
        .await
        .unwrap();
    let follow = as_user(
        &app,
        Method::PUT,
        &format!("/api/v1/papers/{}/follow", paper.id),
        &follower,
        None,
    )
    .await;
    assert_eq!(follow.status(), 204);

    let summary = publish(
        &app,
        &author,
        json!({"paper_id": paper.id, "body_markdown": "Unsigned.", "anonymous": true}),
    )
    .await;
    let told = notifications_of(&app, &follower).await;
    assert_eq!(told.unread, 1);
    assert_eq!(told.items[0].kind, NotificationKind::FollowedPaper);
    assert_eq!(told.items[0].actor, None, "the anonymous author is not named");
    assert!(
        told.items[0].text.starts_with("Someone summarised"),
        "{}",
        told.items[0].text
    );
    assert_eq!(told.items[0].link, format!("/summary/{}", summary.id));

    let question: Comment = comment(&app, &critic, &summary.id, json!({"body_markdown": "Source?"}))
        .await
        .json()
        .await
        .unwrap();
    let told = notifications_of(&app, &author).await;
    assert_eq!(told.items[0].kind, NotificationKind::Comment);
    assert_eq!(told.items[0].actor.as_ref().unwrap().username, "critic");
    comment(
        &app,
        &author,
        &summary.id,
        json!({"body_markdown": "Section 3.", "parent_id": question.id}),
    )
    .await;
    let told = notifications_of(&app, &critic).await;
    assert_eq!(told.items.len(), 1);
    assert_eq!(told.items[0].kind, NotificationKind::Reply);
    assert_eq!(
        told.items[0].actor, None,
        "the summary's anonymous author replied"
    );
    // The confirmation mail of sign-up may come first.
    let mail = loop {
        let mail = app
            .mail
            .wait_for("critic@example.org", std::time::Duration::from_secs(15))
            .await;
        if !mail.subject().contains("Confirm") {
            break mail;
        }
    };
    assert!(mail.subject().contains("reply"), "{}", mail.subject());
    assert!(
        !mail.body_text().contains("masked"),
        "no name in the mail: {}",
        mail.body_text()
    );
    assert!(
        app.mail
            .messages()
            .iter()
            .all(|m| m.header("to").is_none_or(|to| !to.contains("masked@"))
                || !m.subject().contains("comment")),
        "no comment mail to an unconfirmed address"
    );

    // A summary made public later is news then, once.
    let late = app.register("late").await;
    let draft = publish(
        &app,
        &late,
        json!({"paper_id": paper.id, "body_markdown": "Draft.", "visibility": "private"}),
    )
    .await;
    let draft_path = format!("/api/v1/summaries/{}", draft.id);
    let before = notifications_of(&app, &follower).await.items.len();
    for visibility in ["public", "private", "public"] {
        let change = json!({"visibility": visibility});
        let changed = as_user(&app, Method::PATCH, &draft_path, &late, Some(change)).await;
        assert_eq!(changed.status(), 200);
    }
    let told = notifications_of(&app, &follower).await;
    assert_eq!(told.items.len(), before + 1, "told once");
    assert_eq!(told.items[0].actor.as_ref().unwrap().username, "late");

    // Reading them: all, or up to one.
    let read = as_user(&app, Method::POST, "/api/v1/me/notifications/read", &critic, None).await;
    assert_eq!(read.status(), 204);
    assert_eq!(notifications_of(&app, &critic).await.unread, 0);
    assert!(notifications_of(&app, &critic).await.items[0].read);
    let up_to = notifications_of(&app, &follower).await.items[0].id.clone();
    as_user(
        &app,
        Method::POST,
        &format!("/api/v1/me/notifications/read?up_to={up_to}"),
        &follower,
        None,
    )
    .await;
    assert_eq!(notifications_of(&app, &follower).await.unread, 0);
    let anonymous = app.get("/api/v1/me/notifications").await;
    assert_eq!(anonymous.status(), 401);

    // News about what is since gone is dropped.
    as_user(
        &app,
        Method::DELETE,
        &format!("/api/v1/summaries/{}", summary.id),
        &author,
        None,
    )
    .await;
    let gone = format!("/summary/{}", summary.id);
    let left = notifications_of(&app, &follower).await;
    assert!(left.items.iter().all(|n| n.link != gone), "{:?}", left.items);
    assert_eq!(left.items.len(), 1, "the late summary's news stays");
}
