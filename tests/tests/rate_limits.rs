//! Login and sign-up are rate limited per client address and per account, and writes per user,
//! with `Retry-After`
//! and the IETF `RateLimit` / `RateLimit-Policy` headers.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use serde_json::json;
use tests::{Backend, Options, PASSWORD, TestApp};

const WINDOW: Duration = Duration::from_secs(2);

async fn forty_wrong_passwords_hit_429_and_the_window_ends(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            rate_limit_window: Some(WINDOW),
            ..Options::default()
        },
    )
    .await;
    app.register("target").await;
    let mut limited = None;
    for attempt in 1..=40 {
        // Guesses alternate between the username and the email: one account, one quota.
        let login = if attempt % 2 == 0 {
            "target"
        } else {
            "target@example.org"
        };
        let response = app
            .post(
                "/api/v1/auth/login",
                json!({"login": login, "password": "not the password"}),
            )
            .await;
        assert!(
            response.headers().contains_key("ratelimit"),
            "attempt {attempt} carries RateLimit"
        );
        assert!(response.headers().contains_key("ratelimit-policy"));
        match response.status().as_u16() {
            401 => {}
            429 => {
                assert!(
                    attempt <= 11,
                    "the per-account quota (10) counts username and email together"
                );
                limited = Some(response);
                break;
            }
            other => panic!("attempt {attempt}: unexpected {other}"),
        }
    }
    let limited = limited.expect("40 wrong passwords in a row are rate limited");
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=WINDOW.as_secs()).contains(&retry_after),
        "Retry-After {retry_after}"
    );
    assert_eq!(limited.headers()["content-type"], "application/problem+json");
    // While limited, even the right password is refused for this account.
    let blocked = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "target", "password": PASSWORD}),
        )
        .await;
    assert_eq!(blocked.status(), 429);

    tokio::time::sleep(WINDOW + Duration::from_millis(300)).await;
    let elsewhere = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap();
    let response = elsewhere
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"login": "target", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "after the window, the right password works from another client"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_forty_wrong_passwords_hit_429_and_the_window_ends() {
    forty_wrong_passwords_hit_429_and_the_window_ends(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_forty_wrong_passwords_hit_429_and_the_window_ends() {
    forty_wrong_passwords_hit_429_and_the_window_ends(Backend::Postgres).await;
}

/// Signing in often never locks the owner out: only failures count. The per-account quota is
/// reported only once it is used up, so remaining counts cannot tie an email to a username.
/// Guessing the current password in a password change is limited per account like login.
async fn only_failures_count_and_the_account_quota_stays_private(backend: Backend) {
    let app = TestApp::spawn_with(
        backend,
        Options {
            rate_limit_window: Some(Duration::from_secs(60)),
            ..Options::default()
        },
    )
    .await;
    let user = app.register("regular").await;
    let policies = |response: &reqwest::Response| -> String {
        response
            .headers()
            .get_all("ratelimit-policy")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    for attempt in 1..=15 {
        let response = app
            .post(
                "/api/v1/auth/login",
                json!({"login": "regular", "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            response.status(),
            200,
            "sign-in {attempt} of 15: successes do not count"
        );
        assert!(
            !policies(&response).contains("login-account"),
            "{}",
            policies(&response)
        );
    }
    let wrong = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "regular@example.org", "password": "nope nope nope"}),
        )
        .await;
    assert_eq!(wrong.status(), 401);
    let shown = policies(&wrong);
    assert!(
        shown.contains("login-ip") && !shown.contains("login-account"),
        "{shown}"
    );

    let mut statuses = Vec::new();
    let mut last = None;
    for i in 0..11 {
        let guess =
            json!({"current_password": format!("wrong guess {i}"), "new_password": "a new long passphrase"});
        let response = app
            .send(
                reqwest::Method::PATCH,
                "/api/v1/me",
                Some(&user.access_token),
                Some(guess),
            )
            .await;
        statuses.push(response.status().as_u16());
        last = Some(response);
    }
    assert!(statuses[..10].iter().all(|s| *s == 422), "{statuses:?}");
    assert_eq!(statuses[10], 429, "{statuses:?}");
    let limited = last.unwrap();
    assert!(
        policies(&limited).contains("password-change-account"),
        "{}",
        policies(&limited)
    );
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_only_failures_count_and_the_account_quota_stays_private() {
    only_failures_count_and_the_account_quota_stays_private(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_only_failures_count_and_the_account_quota_stays_private() {
    only_failures_count_and_the_account_quota_stays_private(Backend::Postgres).await;
}

/// Summary writes and votes are limited per user, with the same headers as login: 60 writes an
/// hour (a 6-second window here, room for 60 edits on a slow machine), then 429 with
/// `Retry-After` for that user only.
async fn summary_writes_and_votes_are_limited_per_user(backend: Backend) {
    const WRITE_WINDOW: Duration = Duration::from_secs(6);
    let app = TestApp::spawn_with(
        backend,
        Options {
            rate_limit_window: Some(WRITE_WINDOW),
            ..Options::default()
        },
    )
    .await;
    assert!(api::demo::load(&app.db).await.unwrap());
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let author = app.register("prolific").await;
    let token = Some(author.access_token.as_str());
    let started = std::time::Instant::now();
    let created = app
        .send(
            reqwest::Method::POST,
            "/api/v1/summaries",
            token,
            Some(json!({"paper_id": paper.id, "body_markdown": "Edit 0"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    assert!(
        created.headers()["ratelimit-policy"]
            .to_str()
            .unwrap()
            .contains("summary-write-user")
    );
    let summary: shared::api::Summary = created.json().await.unwrap();
    let path = format!("/api/v1/summaries/{}", summary.id);
    for edit in 1..60 {
        let body = json!({"body_markdown": format!("Edit {edit}")});
        let response = app.send(reqwest::Method::PATCH, &path, token, Some(body)).await;
        assert_eq!(response.status(), 200, "edit {edit}");
    }
    let limited = app
        .send(
            reqwest::Method::PATCH,
            &path,
            token,
            Some(json!({"body_markdown": "One too many"})),
        )
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert!(limited.headers()["ratelimit"].to_str().unwrap().contains("r=0"));
    let current: shared::api::Summary = app.get_json(&path).await;
    assert_eq!(
        current.body_markdown, "Edit 59",
        "the refused edit changed nothing"
    );
    // Someone else still writes and votes, and votes carry their own quota.
    let voter = app.register("voter").await;
    let vote = app
        .send(
            reqwest::Method::PUT,
            &format!("{path}/vote"),
            Some(&voter.access_token),
            Some(json!({"value": 1})),
        )
        .await;
    assert_eq!(vote.status(), 200);
    assert!(
        vote.headers()["ratelimit-policy"]
            .to_str()
            .unwrap()
            .contains("vote-user")
    );
    tokio::time::sleep(
        (started + WRITE_WINDOW + Duration::from_millis(200))
            .saturating_duration_since(std::time::Instant::now()),
    )
    .await;
    let after = app
        .send(
            reqwest::Method::PATCH,
            &path,
            token,
            Some(json!({"body_markdown": "After the window"})),
        )
        .await;
    assert_eq!(after.status(), 200, "the window ends");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_summary_writes_and_votes_are_limited_per_user() {
    summary_writes_and_votes_are_limited_per_user(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_summary_writes_and_votes_are_limited_per_user() {
    summary_writes_and_votes_are_limited_per_user(Backend::Postgres).await;
}
