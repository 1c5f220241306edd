//! Reports, the moderation queue and its actions, the moderation log, and image uploads, on
//! SQLite and PostgreSQL: hidden content is 404 to the public everywhere while counts stay
//! exact, one report per reporter and target, two moderators racing for one report, who may do
//! which, and images that come back without their metadata.

use reqwest::Method;
use serde_json::{Value, json};
use shared::api::{Comment, Page, Paper, Summary};
use shared::moderation::{FiledReport, ModerationAction, ModerationLogEntry, Report, ReportAction, Upload};
use tests::{TestApp, TestUser, on_both_backends};

on_both_backends!(with_demo =>
    a_hidden_summary_is_gone_for_the_public_and_counts_follow,
    comments_are_reported_hidden_and_deleted,
    banning_from_the_queue_hides_and_unlists,
    one_report_per_reporter_and_one_resolution_under_races,
    a_ban_racing_new_summaries_leaves_every_count_exact,
    who_may_report_moderate_and_upload,
    uploads_are_sniffed_stripped_and_served_immutable,
);

async fn publish(app: &TestApp, user: &TestUser, key: &str, body: Value) -> Summary {
    let paper: Paper = app.get_json(&format!("/api/v1/papers/resolve?key={key}")).await;
    let mut body = body;
    body["paper_id"] = json!(paper.id);
    let response = app
        .send(
            Method::POST,
            "/api/v1/summaries",
            Some(&user.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn moderator(app: &TestApp, name: &str) -> TestUser {
    let user = app.register(name).await;
    api::db::accounts::set_role(&app.db, name, shared::accounts::Role::Moderator)
        .await
        .unwrap();
    user
}

async fn report(app: &TestApp, user: &TestUser, path: &str, reason: &str) -> reqwest::Response {
    app.send(
        Method::POST,
        path,
        Some(&user.access_token),
        Some(json!({"reason": reason})),
    )
    .await
}

/// A moderator's page of something, which must be there.
async fn moderated<T: serde::de::DeserializeOwned>(
    app: &TestApp,
    moderator: &TestUser,
    path: &str,
) -> Vec<T> {
    let response = app
        .send(Method::GET, path, Some(&moderator.access_token), None)
        .await;
    assert_eq!(response.status(), 200, "{path}");
    response.json::<Page<T>>().await.unwrap().items
}

/// Files a report that must be accepted.
async fn file_report(app: &TestApp, user: &TestUser, path: &str, reason: &str) -> FiledReport {
    let response = report(app, user, path, reason).await;
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn queue(app: &TestApp, moderator: &TestUser) -> Vec<Report> {
    moderated(app, moderator, "/api/v1/moderation/reports?limit=100").await
}

async fn resolve(app: &TestApp, moderator: &TestUser, id: &str, body: Value) -> reqwest::Response {
    app.send(
        Method::POST,
        &format!("/api/v1/moderation/reports/{id}/resolve"),
        Some(&moderator.access_token),
        Some(body),
    )
    .await
}

async fn log(app: &TestApp, moderator: &TestUser) -> Vec<ModerationLogEntry> {
    moderated(app, moderator, "/api/v1/moderation/log?limit=100").await
}

async fn status_of(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    app.send(Method::GET, path, token, None).await.status().as_u16()
}

async fn listed(app: &TestApp, path: &str, token: Option<&str>) -> Vec<String> {
    let response = app.send(Method::GET, path, token, None).await;
    assert_eq!(response.status(), 200, "{path}");
    let page: Page<Summary> = response.json().await.unwrap();
    page.items.into_iter().map(|s| s.id).collect()
}

async fn summary_count(app: &TestApp, paper_path: &str) -> i64 {
    app.get_json::<Paper>(paper_path).await.summary_count
}

async fn comment_count(app: &TestApp, summary_path: &str) -> i64 {
    app.get_json::<Summary>(summary_path).await.comment_count
}

async fn a_hidden_summary_is_gone_for_the_public_and_counts_follow(app: TestApp) {
    let author = app.register("spammer").await;
    let reader = app.register("reader").await;
    let warden = moderator(&app, "warden").await;
    let summary = publish(
        &app,
        &author,
        "1703.06870",
        json!({"body_markdown": "Buy cheap pills at example.com", "anonymous": true}),
    )
    .await;
    let path = format!("/api/v1/summaries/{}", summary.id);
    let paper_path = format!("/api/v1/papers/{}", summary.paper.id);
    let before = summary_count(&app, &paper_path).await;

    let filed = report(&app, &reader, &format!("{path}/reports"), "  Spam, an advert.  ").await;
    assert_eq!(filed.status(), 201);
    let filed: FiledReport = filed.json().await.unwrap();
    assert_eq!(filed.reason, "Spam, an advert.");
    assert_eq!(filed.comment_id, None);
    // Reporting tells the reporter nothing more than they knew.
    assert_eq!(
        status_of(&app, "/api/v1/moderation/reports", Some(&reader.access_token)).await,
        403
    );

    let open = queue(&app, &warden).await;
    assert_eq!(open.len(), 1);
    let item = &open[0];
    assert_eq!(item.id, filed.id);
    assert_eq!(item.reporter.as_ref().unwrap().username, "reader");
    // Moderators see who wrote an anonymous summary, and all of it.
    assert_eq!(item.content.author.as_ref().unwrap().username, "spammer");
    assert!(item.content.body_markdown.contains("cheap pills"));
    assert_eq!(item.content.link, format!("/summary/{}", summary.id));

    let resolved = resolve(
        &app,
        &warden,
        &filed.id,
        json!({"action": "hide", "note": "Advertising."}),
    )
    .await;
    assert_eq!(resolved.status(), 200);
    let resolved: Report = resolved.json().await.unwrap();
    assert_eq!(resolved.resolution, Some(ReportAction::Hide));
    assert!(resolved.content.hidden);
    assert_eq!(resolved.resolved_by.unwrap().username, "warden");
    assert!(queue(&app, &warden).await.is_empty(), "the queue is empty");

    // Gone for the public and other readers, in every read and list.
    for token in [None, Some(reader.access_token.as_str())] {
        assert_eq!(status_of(&app, &path, token).await, 404);
        assert_eq!(status_of(&app, &format!("{path}/revisions"), token).await, 404);
        assert_eq!(status_of(&app, &format!("{path}/comments"), token).await, 404);
        let site = listed(&app, "/api/v1/summaries?limit=100", token).await;
        assert!(!site.contains(&summary.id));
        let on_paper = listed(
            &app,
            &format!("/api/v1/papers/{}/summaries?limit=100", summary.paper.id),
            token,
        )
        .await;
        assert!(!on_paper.contains(&summary.id));
    }
    assert_eq!(
        summary_count(&app, &paper_path).await,
        before - 1,
        "the paper's count follows"
    );
    // Its author and moderators still see it, marked hidden.
    for token in [&author.access_token, &warden.access_token] {
        let response = app.send(Method::GET, &path, Some(token), None).await;
        assert_eq!(response.status(), 200);
        assert!(response.json::<Summary>().await.unwrap().hidden);
    }
    let own: Page<Summary> = app
        .send(
            Method::GET,
            "/api/v1/me/summaries",
            Some(&author.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(own.items.iter().any(|s| s.id == summary.id && s.hidden));
    // Nobody votes on or replies to hidden content.
    let vote = app
        .send(
            Method::PUT,
            &format!("{path}/vote"),
            Some(&reader.access_token),
            Some(json!({"value": 1})),
        )
        .await;
    assert_eq!(vote.status(), 404);

    let entries = log(&app, &warden).await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry.action, ModerationAction::Hide);
    assert_eq!(entry.moderator.as_ref().unwrap().username, "warden");
    assert_eq!(entry.subject.as_ref().unwrap().username, "spammer");
    assert_eq!(entry.summary_id.as_deref(), Some(summary.id.as_str()));
    assert_eq!(entry.report_id.as_deref(), Some(filed.id.as_str()));
    assert_eq!(entry.note.as_deref(), Some("Advertising."));

    // A moderator's own delete of someone else's summary is logged too, with the report
    // resolved by a second reporter dismissed first.
    let other = publish(&app, &author, "1706.03762", json!({"body_markdown": "Fine."})).await;
    let other_path = format!("/api/v1/summaries/{}", other.id);
    let second: FiledReport =
        file_report(&app, &reader, &format!("{other_path}/reports"), "Wrong paper?").await;
    let dismissed = resolve(&app, &warden, &second.id, json!({"action": "dismiss"})).await;
    assert_eq!(dismissed.status(), 200);
    assert_eq!(
        status_of(&app, &other_path, None).await,
        200,
        "dismissed: still shown"
    );
    let deleted = app
        .send(Method::DELETE, &other_path, Some(&warden.access_token), None)
        .await;
    assert_eq!(deleted.status(), 204);
    let entries = log(&app, &warden).await;
    let actions: Vec<_> = entries.iter().map(|e| e.action).collect();
    assert_eq!(
        actions,
        [
            ModerationAction::Delete,
            ModerationAction::Dismiss,
            ModerationAction::Hide
        ]
    );
    assert_eq!(
        entries[1].note.as_deref(),
        Some("Wrong paper?"),
        "the reason stands in for a note"
    );
}

async fn comments_are_reported_hidden_and_deleted(app: TestApp) {
    let author = app.register("author").await;
    let troll = app.register("troll").await;
    let reader = app.register("reader").await;
    let warden = moderator(&app, "warden").await;
    let summary = publish(
        &app,
        &author,
        "1703.06870",
        json!({"body_markdown": "A summary."}),
    )
    .await;
    let thread = format!("/api/v1/summaries/{}/comments", summary.id);
    let mut posted = Vec::new();
    for body in ["You are all wrong, idiots.", "Also spam."] {
        let response = app
            .send(
                Method::POST,
                &thread,
                Some(&troll.access_token),
                Some(json!({"body_markdown": body})),
            )
            .await;
        assert_eq!(response.status(), 201);
        posted.push(response.json::<Comment>().await.unwrap());
    }
    let summary_path = format!("/api/v1/summaries/{}", summary.id);
    assert_eq!(comment_count(&app, &summary_path).await, 2);

    let rude: FiledReport = file_report(
        &app,
        &reader,
        &format!("/api/v1/comments/{}/reports", posted[0].id),
        "Insults.",
    )
    .await;
    assert_eq!(rude.comment_id.as_deref(), Some(posted[0].id.as_str()));
    assert_eq!(rude.summary_id, summary.id);
    let spam: FiledReport = file_report(
        &app,
        &author,
        &format!("/api/v1/comments/{}/reports", posted[1].id),
        "Spam.",
    )
    .await;
    let open = queue(&app, &warden).await;
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].id, rude.id, "oldest first");
    assert_eq!(open[0].content.body_markdown, "You are all wrong, idiots.");
    assert_eq!(
        open[0].content.link,
        format!("/summary/{}#comment-{}", summary.id, posted[0].id)
    );

    assert_eq!(
        resolve(&app, &warden, &rude.id, json!({"action": "hide"}))
            .await
            .status(),
        200
    );
    assert_eq!(
        resolve(&app, &warden, &spam.id, json!({"action": "delete"}))
            .await
            .status(),
        200
    );
    assert_eq!(
        comment_count(&app, &summary_path).await,
        0,
        "neither counts any more"
    );
    let shown: Page<Comment> = app.get_json(&thread).await;
    assert_eq!(shown.items.len(), 2, "both keep their place in the thread");
    let hidden = &shown.items[0];
    assert!(hidden.hidden);
    assert_eq!(hidden.author, None);
    assert!(!hidden.body_html.contains("idiots"));
    assert!(shown.items[1].deleted);
    // The comment's author still sees their hidden comment.
    let theirs: Page<Comment> = app
        .send(Method::GET, &thread, Some(&troll.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.items[0].body_html.contains("idiots"));
    // A hidden comment cannot be reported again by others (it is not there for them).
    let again = report(
        &app,
        &author,
        &format!("/api/v1/comments/{}/reports", posted[0].id),
        "Still rude.",
    )
    .await;
    assert_eq!(again.status(), 404);
    let actions: Vec<_> = log(&app, &warden).await.iter().map(|e| e.action).collect();
    assert_eq!(actions, [ModerationAction::Delete, ModerationAction::Hide]);
}

async fn banning_from_the_queue_hides_and_unlists(app: TestApp) {
    let author = app.register("vandal").await;
    let reader = app.register("reader").await;
    let warden = moderator(&app, "warden").await;
    let colleague = moderator(&app, "colleague").await;
    let first = publish(
        &app,
        &author,
        "1703.06870",
        json!({"body_markdown": "Vandalism."}),
    )
    .await;
    let second = publish(&app, &author, "1706.03762", json!({"body_markdown": "More."})).await;
    let count_before: Paper = app.get_json(&format!("/api/v1/papers/{}", second.paper.id)).await;
    let filed: FiledReport = file_report(
        &app,
        &reader,
        &format!("/api/v1/summaries/{}/reports", first.id),
        "Vandalism.",
    )
    .await;
    let banned = resolve(&app, &warden, &filed.id, json!({"action": "ban_author"})).await;
    assert_eq!(banned.status(), 200);
    // The reported summary is hidden; the author's other summary leaves the lists (its paper's
    // count follows) but stays readable by its link, as for any banned author.
    assert_eq!(
        status_of(&app, &format!("/api/v1/summaries/{}", first.id), None).await,
        404
    );
    assert_eq!(
        status_of(&app, &format!("/api/v1/summaries/{}", second.id), None).await,
        200
    );
    let count_after: Paper = app.get_json(&format!("/api/v1/papers/{}", second.paper.id)).await;
    assert_eq!(count_after.summary_count, count_before.summary_count - 1);
    assert!(
        !listed(&app, "/api/v1/summaries?limit=100", None)
            .await
            .contains(&second.id)
    );
    // Banned: every write is refused.
    let write = app
        .send(
            Method::PATCH,
            &format!("/api/v1/summaries/{}", second.id),
            Some(&author.access_token),
            Some(json!({"body_markdown": "Revenge."})),
        )
        .await;
    assert_eq!(write.status(), 403);
    // A moderator is not banned from the queue.
    let mine = publish(
        &app,
        &colleague,
        "1703.06870",
        json!({"body_markdown": "Mod's own."}),
    )
    .await;
    let filed: FiledReport = file_report(
        &app,
        &reader,
        &format!("/api/v1/summaries/{}/reports", mine.id),
        "I dislike it.",
    )
    .await;
    let refused = resolve(&app, &warden, &filed.id, json!({"action": "ban_author"})).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(queue(&app, &warden).await.len(), 1, "refused: still open");
    let entries = log(&app, &warden).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].action, ModerationAction::BanAuthor);
    assert_eq!(entries[0].subject.as_ref().unwrap().username, "vandal");
}

async fn one_report_per_reporter_and_one_resolution_under_races(app: TestApp) {
    let author = app.register("author").await;
    let reader = app.register("reader").await;
    let others = [app.register("second").await, app.register("third").await];
    let wardens = [moderator(&app, "warden").await, moderator(&app, "keeper").await];
    let summary = publish(
        &app,
        &author,
        "1703.06870",
        json!({"body_markdown": "Contested."}),
    )
    .await;
    let reports_path = format!("/api/v1/summaries/{}/reports", summary.id);
    // The same reporter, eight times at once: one report.
    let attempts = (0..8).map(|_| report(&app, &reader, &reports_path, "Plagiarised."));
    let mut statuses: Vec<u16> = futures_util::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
    for other in &others {
        assert_eq!(report(&app, other, &reports_path, "Copied.").await.status(), 201);
    }
    let open = queue(&app, &wardens[0]).await;
    assert_eq!(open.len(), 3);
    // Two moderators resolve two reports of the same summary at once: one wins, and its
    // resolution closes all three.
    let (a, b) = futures_util::future::join(
        resolve(&app, &wardens[0], &open[0].id, json!({"action": "delete"})),
        resolve(&app, &wardens[1], &open[1].id, json!({"action": "delete"})),
    )
    .await;
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert!(queue(&app, &wardens[0]).await.is_empty());
    let resolved: Page<Report> = app
        .send(
            Method::GET,
            "/api/v1/moderation/reports?status=resolved",
            Some(&wardens[0].access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resolved.items.len(), 3);
    assert!(
        resolved
            .items
            .iter()
            .all(|r| r.resolution == Some(ReportAction::Delete))
    );
    assert_eq!(log(&app, &wardens[0]).await.len(), 1, "one action, logged once");
    assert_eq!(
        status_of(
            &app,
            &format!("/api/v1/summaries/{}", summary.id),
            Some(&author.access_token)
        )
        .await,
        404,
        "deleted"
    );
    // A deleted summary no longer blocks its author from writing another.
    publish(&app, &author, "1703.06870", json!({"body_markdown": "Again."})).await;
}

/// An author publishes on several papers while a moderator bans them from the queue: whichever
/// wins, every paper's `summary_count` is what its lists show (a ban that missed a summary
/// written meanwhile would leave a paper counting a banned author).
async fn a_ban_racing_new_summaries_leaves_every_count_exact(app: TestApp) {
    let reader = app.register("reader").await;
    let warden = moderator(&app, "warden").await;
    let keys = ["1312.6114", "1412.6980", "1512.03385", "1703.03400", "2006.11239"];
    for round in 0..3 {
        let author = app.register(&format!("hasty{round}")).await;
        let first = publish(&app, &author, "1706.03762", json!({"body_markdown": "First."})).await;
        let report = file_report(
            &app,
            &reader,
            &format!("/api/v1/summaries/{}/reports", first.id),
            "Spam.",
        )
        .await;
        let posts = keys.map(|key| {
            let (app, author) = (&app, &author);
            async move {
                let paper: Paper = app.get_json(&format!("/api/v1/papers/resolve?key={key}")).await;
                app.send(
                    Method::POST,
                    "/api/v1/summaries",
                    Some(&author.access_token),
                    Some(json!({"paper_id": paper.id, "body_markdown": "Racing."})),
                )
                .await
                .status()
                .as_u16()
            }
        });
        let ban = resolve(&app, &warden, &report.id, json!({"action": "ban_author"}));
        let (statuses, banned) = futures_util::future::join(futures_util::future::join_all(posts), ban).await;
        assert_eq!(banned.status(), 200);
        assert!(statuses.iter().all(|s| *s == 201 || *s == 403), "{statuses:?}");
    }
    for key in keys.iter().chain(&["1706.03762"]) {
        let paper: Paper = app.get_json(&format!("/api/v1/papers/resolve?key={key}")).await;
        let listed = listed(
            &app,
            &format!("/api/v1/papers/{}/summaries?limit=100", paper.id),
            None,
        )
        .await;
        assert_eq!(paper.summary_count, listed.len() as i64, "{key}");
    }
}

async fn upload(app: &TestApp, token: Option<&str>, bytes: Vec<u8>, content_type: &str) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/api/v1/uploads"))
        .header("content-type", content_type)
        .body(bytes);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn png() -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::new_rgb8(2, 2)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

async fn who_may_report_moderate_and_upload(app: TestApp) {
    let author = app.register("author").await;
    let reader = app.register("reader").await;
    let banned = app.register("banned").await;
    let warden = moderator(&app, "warden").await;
    api::db::accounts::set_banned(&app.db, "banned", true)
        .await
        .unwrap();
    let read_only = app.read_only_token(&warden).await;
    let summary = publish(&app, &author, "1703.06870", json!({"body_markdown": "Mine."})).await;
    let private = publish(
        &app,
        &author,
        "1706.03762",
        json!({"body_markdown": "Secret.", "visibility": "private"}),
    )
    .await;
    let comment: Comment = app
        .send(
            Method::POST,
            &format!("/api/v1/summaries/{}/comments", summary.id),
            Some(&author.access_token),
            Some(json!({"body_markdown": "A note."})),
        )
        .await
        .json()
        .await
        .unwrap();
    let filed: FiledReport = file_report(
        &app,
        &warden,
        &format!("/api/v1/summaries/{}/reports", summary.id),
        "Check.",
    )
    .await;
    let writes: [(String, Value); 4] = [
        (
            format!("/api/v1/summaries/{}/reports", summary.id),
            json!({"reason": "Spam."}),
        ),
        (
            format!("/api/v1/summaries/{}/reports", private.id),
            json!({"reason": "Spam."}),
        ),
        (
            format!("/api/v1/comments/{}/reports", comment.id),
            json!({"reason": "Spam."}),
        ),
        (
            format!("/api/v1/moderation/reports/{}/resolve", filed.id),
            json!({"action": "dismiss"}),
        ),
    ];
    let actors: [(&str, Option<&str>, [u16; 5]); 6] = [
        ("anonymous", None, [401, 401, 401, 401, 401]),
        ("banned", Some(&banned.access_token), [403, 403, 403, 403, 403]),
        ("read-only token", Some(&read_only), [403, 403, 403, 403, 403]),
        // A reader reports what they can read (not a private summary), never resolves.
        ("reader", Some(&reader.access_token), [201, 404, 201, 403, 201]),
        // Authors may report their own (the queue decides); the private one is theirs to read.
        ("author", Some(&author.access_token), [201, 201, 201, 403, 201]),
        // The moderator reported the summary already; resolving is theirs.
        ("moderator", Some(&warden.access_token), [409, 201, 201, 200, 201]),
    ];
    for (who, token, expected) in actors {
        for ((path, body), want) in writes.iter().zip(expected) {
            let response = app.send(Method::POST, path, token, Some(body.clone())).await;
            assert_eq!(response.status().as_u16(), want, "{who}: POST {path}");
            if want >= 400 {
                assert_eq!(response.headers()["content-type"], "application/problem+json");
            }
        }
        let uploaded = upload(&app, token, png(), "image/png").await;
        assert_eq!(
            uploaded.status().as_u16(),
            expected[4],
            "{who}: POST /api/v1/uploads"
        );
    }
    // The queue and the log are for moderators only.
    for path in ["/api/v1/moderation/reports", "/api/v1/moderation/log"] {
        assert_eq!(status_of(&app, path, None).await, 401);
        assert_eq!(status_of(&app, path, Some(&reader.access_token)).await, 403);
        assert_eq!(status_of(&app, path, Some(&warden.access_token)).await, 200);
    }
    // Bad input changes nothing.
    let stranger = app.register("stranger").await;
    for reason in ["   ", &"x".repeat(1001)] {
        let response = report(
            &app,
            &stranger,
            &format!("/api/v1/summaries/{}/reports", summary.id),
            reason,
        )
        .await;
        assert_eq!(response.status(), 422);
    }
    let bad_action = resolve(&app, &warden, &filed.id, json!({"action": "obliterate"})).await;
    assert_eq!(bad_action.status(), 422);
    let resolved_again = resolve(&app, &warden, &filed.id, json!({"action": "hide"})).await;
    assert_eq!(resolved_again.status(), 409);
    assert_eq!(
        status_of(&app, &format!("/api/v1/summaries/{}", summary.id), None).await,
        200,
        "a resolved report is not resolved again"
    );
}

/// A JPEG whose EXIF block names a place (GPS IFD) and a camera.
fn jpeg_with_gps() -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::DynamicImage::new_rgb8(16, 8)
        .write_to(&mut std::io::Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .unwrap();
    let place = b"SECRET-PLACE-51.5074N\0";
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    };
    // IFD0 at 8: orientation 1, and where the GPS IFD is.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0112, 3, 1, 1);
    let gps_at = 8 + 2 + 2 * 12 + 4;
    entry(&mut tiff, 0x8825, 4, 1, gps_at);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    // The GPS IFD: latitude reference, and a map datum holding the place.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
    let place_at = gps_at + 2 + 2 * 12 + 4;
    entry(&mut tiff, 0x0012, 2, place.len() as u32, place_at);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(place);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    segment.extend_from_slice(b"Exif\0\0");
    segment.extend_from_slice(&tiff);
    let mut with_exif = jpeg[..2].to_vec();
    with_exif.extend_from_slice(&segment);
    with_exif.extend_from_slice(&jpeg[2..]);
    with_exif
}

async fn uploads_are_sniffed_stripped_and_served_immutable(app: TestApp) {
    let user = app.register("photographer").await;
    let token = Some(user.access_token.as_str());
    // Other files under an image's name and type are refused, whatever the header says.
    for (bytes, claimed) in [
        (b"<?php echo shell_exec($_GET['c']); ?>".to_vec(), "image/png"),
        (
            b"<!doctype html><script>alert(document.cookie)</script>".to_vec(),
            "image/png",
        ),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
            "image/svg+xml",
        ),
        (
            b"\x89PNG\r\n\x1a\n<script>alert(1)</script>".to_vec(),
            "image/png",
        ),
    ] {
        let response = upload(&app, token, bytes, claimed).await;
        assert_eq!(response.status(), 415);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
    let too_big = upload(&app, token, vec![0; 5 * 1024 * 1024 + 1], "image/png").await;
    assert_eq!(too_big.status(), 413);
    assert_eq!(too_big.headers()["content-type"], "application/problem+json");

    let original = jpeg_with_gps();
    assert!(
        original.windows(12).any(|w| w == b"SECRET-PLACE"),
        "the fixture has GPS data"
    );
    let response = upload(&app, token, original, "application/octet-stream").await;
    assert_eq!(response.status(), 201);
    let stored: Upload = response.json().await.unwrap();
    assert_eq!(stored.content_type, "image/jpeg");
    assert_eq!((stored.width, stored.height), (16, 8));
    let path = stored
        .url
        .strip_prefix("http://shortscience.test")
        .expect("an address on the site");
    assert!(path.starts_with("/uploads/") && path.ends_with(".jpg"), "{path}");
    let served = app.get(path).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(
        served.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let bytes = served.bytes().await.unwrap();
    assert!(
        !bytes.windows(12).any(|w| w == b"SECRET-PLACE"),
        "the GPS data is gone"
    );
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block at all");
    let decoded = image::load_from_memory(&bytes).expect("still an image");
    assert_eq!((decoded.width(), decoded.height()), (16, 8));

    // The same image again is the same file; the renderer shows it in a summary.
    let again: Upload = upload(&app, token, jpeg_with_gps(), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again.url, stored.url);
    let rendered: shared::api::RenderResponse = app
        .send(
            Method::POST,
            "/api/v1/render",
            None,
            Some(json!({"markdown": format!("![figure]({path})")})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        rendered.html.contains(&format!("src=\"{path}\"")),
        "{}",
        rendered.html
    );
    // Names we never write are not served.
    for name in [
        "/uploads/..%2Ftest.db",
        "/uploads/test.db",
        &path.replace(".jpg", ".html"),
    ] {
        assert_eq!(app.get(name).await.status(), 404, "{name}");
    }
}
