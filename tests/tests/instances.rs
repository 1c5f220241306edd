//! Several instances of the service on one PostgreSQL database, sharing nothing but the database,
//! the configured JWT secret and Redis, as behind a load balancer.

use std::time::Duration;

use migrations::MigratorTrait;
use reqwest::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tests::{Backend, Options, PASSWORD, TestApp};

async fn two_instances() -> (TestApp, TestApp) {
    let first = TestApp::spawn_with(
        Backend::Postgres,
        Options {
            rate_limit_window: Some(Duration::from_secs(60)),
            redis: true,
            ..Options::default()
        },
    )
    .await;
    let second = first.spawn_beside().await;
    (first, second)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_through_one_instance_is_read_through_the_other() {
    let (one, two) = two_instances().await;
    let author = one.register("author").await;
    let token = Some(author.access_token.as_str());
    // The access token issued by the first is accepted by the second.
    let me = two.send(Method::GET, "/api/v1/me", token, None).await;
    assert_eq!(me.status(), 200, "a token from one instance is good at the other");
    // Before the write, the second has served (and may keep) the empty lists.
    let before: Value = two.get_json("/api/v1/summaries").await;
    assert_eq!(before["items"].as_array().unwrap().len(), 0);
    let paper: Value = one
        .send(
            Method::POST,
            "/api/v1/papers",
            token,
            Some(json!({"title": "Attention across instances", "authors": ["A. Author"], "year": 2017})),
        )
        .await
        .json()
        .await
        .unwrap();
    let created = one
        .send(
            Method::POST,
            "/api/v1/summaries",
            token,
            Some(json!({"paper_id": paper["id"], "body_markdown": "Written through the *first* instance."})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let summary: Value = created.json().await.unwrap();
    let id = summary["id"].as_str().unwrap();
    let read: Value = two.get_json(&format!("/api/v1/summaries/{id}")).await;
    assert_eq!(read["body_markdown"], "Written through the *first* instance.");
    let listed: Value = two.get_json("/api/v1/summaries").await;
    assert_eq!(
        listed["items"][0]["id"], id,
        "the second's list has the new summary"
    );
    let on_paper: Value = two
        .get_json(&format!(
            "/api/v1/papers/{}/summaries",
            paper["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(on_paper["items"][0]["id"], id);
    // An edit through the second is read through the first.
    let edited = two
        .send(
            Method::PATCH,
            &format!("/api/v1/summaries/{id}"),
            token,
            Some(json!({"body_markdown": "Edited through the second."})),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let listed: Value = one.get_json("/api/v1/summaries").await;
    assert!(
        listed["items"][0]["body_html"]
            .as_str()
            .unwrap()
            .contains("Edited through the second."),
        "{listed}"
    );
    // A refresh token issued by the first rotates at the second, and the used one is dead at both.
    let refreshed = two
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": author.refresh_token}),
        )
        .await;
    assert_eq!(refreshed.status(), 200);
    let replay = one
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": author.refresh_token}),
        )
        .await;
    assert_eq!(
        replay.status(),
        401,
        "a rotated refresh token is dead at every instance"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limit_is_one_quota_across_instances() {
    let (one, two) = two_instances().await;
    one.register("target").await;
    // The per-account quota is 10 wrong passwords; guesses alternate between the instances, so
    // each alone has seen at most 6 when the 11th is refused.
    let mut statuses = Vec::new();
    for attempt in 0..12 {
        let instance = if attempt % 2 == 0 { &one } else { &two };
        let response = instance
            .post(
                "/api/v1/auth/login",
                json!({"login": "target", "password": "not the password"}),
            )
            .await;
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    assert_eq!(
        &statuses[10..],
        &[429, 429],
        "the 11th guess is over the shared quota: {statuses:?}"
    );
    // The owner's right password is refused too while the window lasts, at either instance.
    let owner = two
        .post(
            "/api/v1/auth/login",
            json!({"login": "target", "password": PASSWORD}),
        )
        .await;
    assert_eq!(owner.status(), 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_migrate_in_turn() {
    let name = format!("sstest_{}", uuid::Uuid::new_v4().simple());
    let url = tests::fresh_postgres_database(&name).await;
    let (first, second, third) = tokio::join!(
        api::db::connect_migrated(&url),
        api::db::connect_migrated(&url),
        api::db::connect_migrated(&url),
    );
    let db = first.expect("the first instance migrates");
    second.expect("the second waits its turn and finds the schema migrated");
    third.expect("so does the third");
    let applied = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM seaql_migrations",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(
        usize::try_from(applied).unwrap(),
        migrations::Migrator::migrations().len(),
        "every migration applied once"
    );
    db.close().await.unwrap();
    tests::drop_postgres_database(&name).await;
}
