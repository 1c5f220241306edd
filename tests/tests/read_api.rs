//! Reading summaries and papers over the public API, on SQLite and PostgreSQL.

use std::collections::HashSet;

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, Set, Statement};
use serde_json::json;
use shared::Problem;
use shared::api::{Page, Paper, Summary};
use tests::{TestApp, on_both_backends};

on_both_backends!(with_demo =>
    nul_characters_never_reach_the_database,
    latest_summaries_come_newest_first_with_rendered_math,
    anonymous_summaries_hide_their_author,
    cursor_pages_walk_every_summary_once,
    top_summaries_are_ordered_by_score,
    a_paper_page_lists_its_summaries,
    papers_can_be_filtered_and_sorted,
    missing_things_are_problem_404s,
    bad_queries_are_explained,
    unlisted_summaries_need_their_share_link,
    unchanged_lists_revalidate_with_304,
    health_readiness_and_metrics_answer,
    pages_stay_stable_when_new_summaries_arrive,
    bad_bodies_are_explained,
    synthetic_volume_is_consistent_and_later_writes_still_work,
    public_answers_are_kept_until_what_they_show_changes,
    a_deep_page_seeks_its_cursor_in_the_index,
);

async fn latest_summaries_come_newest_first_with_rendered_math(app: TestApp) {
    let page: Page<Summary> = app.get_json("/api/v1/summaries").await;
    assert!(page.items.len() >= 5, "the demo set should be listed");
    let times: Vec<_> = page.items.iter().map(|s| s.created_at).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    let with_math = page
        .items
        .iter()
        .filter(|s| s.body_html.contains("<math"))
        .count();
    assert!(with_math >= 5, "summaries' $…$ math is rendered to MathML");
    for summary in &page.items {
        assert!(!summary.paper.title.is_empty());
        assert!(!summary.body_html.contains("<script"));
    }
}

async fn anonymous_summaries_hide_their_author(app: TestApp) {
    let page: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    let anonymous: Vec<_> = page.items.iter().filter(|s| s.anonymous).collect();
    assert!(!anonymous.is_empty());
    assert!(anonymous.iter().all(|s| s.author.is_none()));
    assert!(
        page.items
            .iter()
            .filter(|s| !s.anonymous)
            .all(|s| s.author.is_some())
    );
}

async fn cursor_pages_walk_every_summary_once(app: TestApp) {
    let all: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    assert!(all.next_cursor.is_none());
    for sort in ["new", "top"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/summaries?sort={sort}&limit=3");
        loop {
            let page: Page<Summary> = app.get_json(&path).await;
            assert!(page.items.len() <= 3);
            seen.extend(page.items.into_iter().map(|s| s.id));
            match page.next_cursor {
                Some(cursor) => path = format!("/api/v1/summaries?sort={sort}&limit=3&cursor={cursor}"),
                None => break,
            }
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no summary twice ({sort})");
        assert_eq!(seen.len(), all.items.len(), "every summary once ({sort})");
    }
}

async fn top_summaries_are_ordered_by_score(app: TestApp) {
    let page: Page<Summary> = app.get_json("/api/v1/summaries?sort=top&limit=100").await;
    let scores: Vec<i64> = page.items.iter().map(|s| s.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    for s in &page.items {
        assert_eq!(s.score, s.upvotes - s.downvotes);
    }
    assert!(scores.first() > scores.last(), "demo votes differ");
}

async fn a_paper_page_lists_its_summaries(app: TestApp) {
    let papers: Page<Paper> = app.get_json("/api/v1/papers?sort=most_summarized").await;
    let paper = &papers.items[0];
    assert!(
        paper.summary_count >= 2,
        "the most summarised demo paper has several summaries"
    );
    let fetched: Paper = app.get_json(&format!("/api/v1/papers/{}", paper.id)).await;
    assert_eq!(&fetched, paper);
    let summaries: Page<Summary> = app
        .get_json(&format!("/api/v1/papers/{}/summaries?sort=top", paper.id))
        .await;
    assert_eq!(summaries.items.len() as i64, paper.summary_count);
    assert!(summaries.items.iter().all(|s| s.paper.id == paper.id));
}

async fn papers_can_be_filtered_and_sorted(app: TestApp) {
    let found: Page<Paper> = app.get_json("/api/v1/papers?q=residual%20LEARNING").await;
    assert_eq!(found.items.len(), 1);
    assert_eq!(
        found.items[0].title,
        "Deep Residual Learning for Image Recognition"
    );
    assert_eq!(found.items[0].arxiv_id.as_deref(), Some("1512.03385"));
    let in_2017: Page<Paper> = app.get_json("/api/v1/papers?year=2017&category=cs").await;
    assert!(in_2017.items.len() >= 2);
    assert!(in_2017.items.iter().all(|p| p.year == Some(2017)));
    let none: Page<Paper> = app.get_json("/api/v1/papers?q=100%25_sure").await;
    assert!(none.items.is_empty(), "LIKE wildcards in the query are literal");
    let counts: Vec<i64> = app
        .get_json::<Page<Paper>>("/api/v1/papers?sort=most_summarized")
        .await
        .items
        .iter()
        .map(|p| p.summary_count)
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
}

async fn expect_problem(app: &TestApp, path: &str, status: u16) -> Problem {
    let response = app.get(path).await;
    assert_eq!(response.status(), status, "GET {path}");
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json", "GET {path}");
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.status, status);
    problem
}

async fn missing_things_are_problem_404s(app: TestApp) {
    expect_problem(&app, "/api/v1/papers/999999", 404).await;
    expect_problem(&app, "/api/v1/papers/not-a-number", 404).await;
    expect_problem(&app, "/api/v1/summaries/999999", 404).await;
    expect_problem(&app, "/api/v1/no-such-thing", 404).await;
    expect_problem(&app, "/api/v2/summaries", 404).await;
    let response = app
        .client
        .delete(app.url("/api/v1/summaries"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405, "no such operation on an existing path");
    assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
    assert_eq!(response.headers()["content-type"], "application/problem+json");
}

async fn bad_queries_are_explained(app: TestApp) {
    let problem = expect_problem(&app, "/api/v1/summaries?limit=abc", 400).await;
    assert!(
        problem.detail.unwrap().contains("invalid digit"),
        "the detail says what is wrong"
    );
    expect_problem(&app, "/api/v1/summaries?sort=sideways", 400).await;
    expect_problem(&app, "/api/v1/summaries?cursor=garbage", 400).await;
    expect_problem(&app, "/api/v1/summaries?colour=blue", 400).await;
    let problem = expect_problem(&app, "/api/v1/summaries?limit=0", 422).await;
    assert!(problem.errors.unwrap().contains_key("limit"));
    expect_problem(&app, "/api/v1/papers?limit=101", 422).await;
    // A cursor of one order is not accepted by another.
    let page: Page<Summary> = app.get_json("/api/v1/summaries?sort=new&limit=1").await;
    let cursor = page.next_cursor.unwrap();
    expect_problem(&app, &format!("/api/v1/summaries?sort=top&cursor={cursor}"), 400).await;
}

async fn unlisted_summaries_need_their_share_link(app: TestApp) {
    use api::db::entity::summaries;
    let listed: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    let (unlisted_id, private_id) = (&listed.items[0].id, &listed.items[1].id);
    let mut unlisted: summaries::ActiveModel =
        summaries::Entity::find_by_id(unlisted_id.parse::<i64>().unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    unlisted.visibility = Set(shared::api::Visibility::Unlisted);
    unlisted.share_token = Set(Some("k3y-for-sharing".to_owned()));
    unlisted.update(&app.db).await.unwrap();
    let mut private: summaries::ActiveModel =
        summaries::Entity::find_by_id(private_id.parse::<i64>().unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap()
            .into();
    private.visibility = Set(shared::api::Visibility::Private);
    private.update(&app.db).await.unwrap();

    let after: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    assert_eq!(
        after.items.len(),
        listed.items.len() - 2,
        "neither is listed any more"
    );
    expect_problem(&app, &format!("/api/v1/summaries/{unlisted_id}"), 404).await;
    expect_problem(&app, &format!("/api/v1/summaries/{unlisted_id}?share=wrong"), 404).await;
    let shared: Summary = app
        .get_json(&format!("/api/v1/summaries/{unlisted_id}?share=k3y-for-sharing"))
        .await;
    assert_eq!(&shared.id, unlisted_id);
    expect_problem(&app, &format!("/api/v1/summaries/{private_id}"), 404).await;
}

async fn unchanged_lists_revalidate_with_304(app: TestApp) {
    let head = app
        .client
        .head(app.url("/api/v1/summaries"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200, "HEAD works wherever GET does");
    assert!(head.headers().contains_key("etag"));
    assert!(head.bytes().await.unwrap().is_empty(), "and sends no body");
    let first = app.get("/api/v1/summaries").await;
    let etag = first.headers()["etag"].clone();
    assert!(
        first.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-cache")
    );
    let again = app
        .client
        .get(app.url("/api/v1/summaries"))
        .header("If-None-Match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag);
    let other = app
        .client
        .get(app.url("/api/v1/summaries?sort=top"))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "a different body has a different ETag");
}

async fn health_readiness_and_metrics_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
    assert_eq!(app.get("/readyz").await.status(), 200);
    let echoed = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-me-42");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics
            .contains("shortscience_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
        "{metrics}"
    );
}

async fn pages_stay_stable_when_new_summaries_arrive(app: TestApp) {
    use api::db::entity::{summaries, users};
    let first: Page<Summary> = app.get_json("/api/v1/summaries?limit=2").await;
    let cursor = first.next_cursor.clone().unwrap();
    let expected: Page<Summary> = app
        .get_json(&format!("/api/v1/summaries?limit=2&cursor={cursor}"))
        .await;
    // A new summary arrives at the top of the list between two page loads.
    let newest = summaries::Entity::find_by_id(first.items[0].id.parse::<i64>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let writer = users::ActiveModel {
        username: Set("newcomer".to_owned()),
        email: Set("newcomer@example.org".to_owned()),
        display_name: Set("Newcomer".to_owned()),
        role: Set(shared::accounts::Role::User),
        notify_on_comment: Set(true),
        created_at: Set(api::db::now()),
        updated_at: Set(api::db::now()),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let newcomer = summaries::ActiveModel {
        paper_id: Set(newest.paper_id),
        author_id: Set(writer.id),
        body_markdown: Set("A fresh take.".to_owned()),
        body_html: Set("<p>A fresh take.</p>".to_owned()),
        visibility: Set(shared::api::Visibility::Public),
        created_at: Set(api::db::now()),
        updated_at: Set(api::db::now()),
        ..Default::default()
    };
    newcomer.insert(&app.db).await.unwrap();
    let second: Page<Summary> = app
        .get_json(&format!("/api/v1/summaries?limit=2&cursor={cursor}"))
        .await;
    assert_eq!(second, expected, "the second page does not shift");
}

async fn bad_bodies_are_explained(app: TestApp) {
    let url = app.url("/api/v1/auth/login");
    let send = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(url.clone())
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: [(Vec<u8>, &str, u16); 4] = [
        (b"{\"login\": \"ada\", ".to_vec(), "application/json", 400),
        (
            b"{\"login\": 5, \"password\": \"x\"}".to_vec(),
            "application/json",
            422,
        ),
        (
            b"login=ada&password=x".to_vec(),
            "application/x-www-form-urlencoded",
            415,
        ),
        (vec![b' '; 2 << 20], "application/json", 413),
    ];
    for (body, content_type, expected) in cases {
        let response = send(body, content_type).await.unwrap();
        assert_eq!(response.status(), expected, "{content_type}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Problem = response.json().await.unwrap();
        assert_eq!(problem.status, expected);
        assert!(problem.detail.is_some());
    }
}

async fn synthetic_volume_is_consistent_and_later_writes_still_work(app: TestApp) {
    let demo: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    api::demo::generate(&app.db, 200, 7).await.unwrap();
    api::demo::generate(&app.db, 100, 8).await.unwrap();
    let mut seen = 0;
    let mut path = "/api/v1/summaries?sort=top&limit=100".to_owned();
    loop {
        let page: Page<Summary> = app.get_json(&path).await;
        for summary in &page.items {
            assert_eq!(summary.score, summary.upvotes - summary.downvotes);
            assert!(
                summary.body_html.contains("<math"),
                "synthetic bodies carry rendered math"
            );
        }
        seen += page.items.len();
        match page.next_cursor {
            Some(cursor) => path = format!("/api/v1/summaries?sort=top&limit=100&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, demo.items.len() + 300, "two runs add up");
    let papers: Page<Paper> = app.get_json("/api/v1/papers?sort=most_summarized&limit=1").await;
    assert_eq!(
        papers.items[0].summary_count, 5,
        "five summaries per synthetic paper"
    );
    // Ids were assigned in bulk; ordinary inserts afterwards must not collide with them.
    app.register("after-the-bulk").await;
    // The planner knows what was loaded, so that the lists' indexes are chosen at once rather
    // than after the next autovacuum (PostgreSQL) or never (SQLite).
    let backend = app.db.get_database_backend();
    let statistics = match backend {
        DbBackend::Postgres => {
            "SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class WHERE relname = 'summaries'"
        }
        _ => {
            "SELECT CAST(stat AS INTEGER) AS n FROM sqlite_stat1 WHERE tbl = 'summaries' AND idx IS NOT NULL LIMIT 1"
        }
    };
    let row = app
        .db
        .query_one_raw(Statement::from_string(backend, statistics))
        .await
        .expect("the planner's statistics")
        .expect("statistics for summaries");
    let rows: i64 = row.try_get("", "n").unwrap();
    assert!(rows >= 300, "statistics count {rows} summaries");
}

/// PostgreSQL text cannot hold NUL. Wherever a client can send one (paths, queries, JSON
/// bodies), the answer is a clear refusal or "nothing found", never a database error.
async fn nul_characters_never_reach_the_database(app: TestApp) {
    let user = app.register("nully").await;
    for path in [
        "/api/v1/users/a%00b",
        "/api/v1/users/a%00b/summaries",
        "/api/v1/papers?q=a%00b",
        "/api/v1/papers?venue=a%00b",
        "/api/v1/summaries/1?share=a%00b",
    ] {
        let status = app.get(path).await.status().as_u16();
        assert!(matches!(status, 200 | 404), "GET {path}: {status}");
    }
    let nul = "a\u{0}b";
    for (path, body) in [
        ("/api/v1/auth/login", json!({"login": nul, "password": nul})),
        (
            "/api/v1/auth/login",
            json!({"login": format!("{nul}@x.org"), "password": nul}),
        ),
        (
            "/api/v1/auth/password-reset",
            json!({"email": format!("{nul}@x.org")}),
        ),
        ("/api/v1/auth/refresh", json!({"refresh_token": nul})),
        ("/api/v1/auth/confirm-email", json!({"token": nul})),
        (
            "/api/v1/auth/register",
            json!({"username": nul, "email": nul, "password": nul, "display_name": nul}),
        ),
    ] {
        let status = app.post(path, body).await.status().as_u16();
        assert!(
            (400..500).contains(&status) || status == 202,
            "POST {path}: {status}"
        );
    }
    for field in ["display_name", "bio", "orcid", "homepage"] {
        let value = if field == "homepage" {
            format!("https://x.org/{nul}")
        } else {
            nul.to_owned()
        };
        let response = app
            .send(
                reqwest::Method::PATCH,
                "/api/v1/me",
                Some(&user.access_token),
                Some(json!({field: value})),
            )
            .await;
        assert_eq!(response.status(), 422, "PATCH /me {field}");
    }
    let response = app
        .send(
            reqwest::Method::POST,
            "/api/v1/me/tokens",
            Some(&user.access_token),
            Some(json!({"name": nul, "scopes": ["read"]})),
        )
        .await;
    assert_eq!(response.status(), 422, "token name");
}

/// An anonymous read, and the statements it cost.
async fn read(app: &TestApp, path: &str) -> (Page<Summary>, u64) {
    let before = app.statements().await;
    let page = app.get_json(path).await;
    (page, app.statements().await - before)
}

/// Anonymous answers are kept and served for one statement (the content version) until
/// anything they show changes, by whatever process: a write through the API, a direct write to
/// the database, the command line's ban. A page view changes nothing shown; signed-in readers
/// are never served a kept answer.
async fn public_answers_are_kept_until_what_they_show_changes(app: TestApp) {
    let path = "/api/v1/summaries?limit=5";
    // The popularity job's first run, at start, writes the demo's popularity and so moves the
    // version: a pair of reads that straddles it finds nothing kept. It runs once; try again.
    let mut kept = None;
    for _ in 0..20 {
        let (first, _) = read(&app, path).await;
        let (again, cost) = read(&app, path).await;
        if cost == 1 {
            kept = Some((first, again));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (first, again) = kept.expect("a kept answer costs the version read only");
    assert_eq!(
        serde_json::to_value(&first).unwrap(),
        serde_json::to_value(&again).unwrap()
    );
    let response = app.get(path).await;
    let etag = response.headers()["etag"].clone();
    let revalidated = app
        .client
        .get(app.url(path))
        .header("If-None-Match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(revalidated.status(), 304, "a kept answer revalidates");

    let top = &first.items[0];
    let viewed = app
        .post(&format!("/api/v1/summaries/{}/views", top.id), json!(null))
        .await;
    assert_eq!(viewed.status(), 204);
    assert_eq!(read(&app, path).await.1, 1, "a page view changes nothing shown");

    // A vote through the API: the score shows at once.
    let voter = app.register("cached-voter").await;
    let voted = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/summaries/{}/vote", top.id),
            Some(&voter.access_token),
            Some(json!({"value": 1})),
        )
        .await;
    assert_eq!(voted.status(), 200);
    let (page, _) = read(&app, path).await;
    assert_eq!(page.items[0].score, top.score + 1);
    // Signed in, the reader's own vote shows: never a kept answer.
    let mine: Page<Summary> = app
        .send(reqwest::Method::GET, path, Some(&voter.access_token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.items[0].my_vote, Some(1));

    // Behind the service's back: a row hidden by hand, then the author banned from the command line.
    api::db::entity::summaries::ActiveModel {
        id: sea_orm::Unchanged(top.id.parse().unwrap()),
        hidden_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let (page, _) = read(&app, path).await;
    assert!(
        page.items.iter().all(|s| s.id != top.id),
        "a hidden summary leaves at once"
    );
    let author = page
        .items
        .iter()
        .find_map(|s| s.author.clone())
        .expect("a named author");
    assert!(
        api::domain::users::set_banned(&app.db, &author.username, true)
            .await
            .unwrap()
    );
    let (page, cold) = read(&app, path).await;
    assert!(
        page.items
            .iter()
            .all(|s| s.author.as_ref().is_none_or(|a| a.username != author.username)),
        "a banned author's summaries leave at once"
    );

    // After a change, readers arriving together are served one computation of the answer.
    assert!(
        api::domain::users::set_banned(&app.db, &author.username, false)
            .await
            .unwrap()
    );
    let before = app.statements().await;
    let readers = (0..16).map(|_| app.get_json::<Page<Summary>>(path));
    let pages = futures_util::future::join_all(readers).await;
    let spent = app.statements().await - before;
    assert!(pages.iter().all(|p| p.items.len() == 5));
    assert!(
        spent <= 16 + cold,
        "16 readers at once cost {spent} statements; one computation costs {cold}"
    );
}

/// A page of a list, however deep, is found by seeking the order's index to the cursor, so it
/// costs what the first page costs (the NDJSON dump walks every page of the newest-first list).
/// Read from the plan each engine makes of the very statement the list sends.
async fn a_deep_page_seeks_its_cursor_in_the_index(app: TestApp) {
    use api::db::pagination::Cursor;
    use api::domain::scope::{Listing, Scope};
    use sea_orm::{QueryTrait, TransactionTrait};
    use shared::api::SummarySort;

    let backend = app.db.get_database_backend();
    for sort in [SummarySort::New, SummarySort::Top, SummarySort::Popular] {
        let key = match sort {
            SummarySort::New => chrono::Utc::now().timestamp_micros(),
            _ => 1,
        };
        let cursor = Cursor {
            order: "any",
            key,
            id: 1_000_000,
        };
        let condition = Scope::public().listed(Listing::Site);
        let query = api::db::summaries::page_query(condition, sort, Some(cursor), 21).unwrap();
        let statement = query.build(backend);
        // PostgreSQL's plan as text lines; SQLite's `EXPLAIN QUERY PLAN` rows, detail fourth.
        let (explain, detail) = match backend {
            DbBackend::Postgres => ("EXPLAIN", 0),
            _ => ("EXPLAIN QUERY PLAN", 3),
        };
        let txn = app.db.begin().await.unwrap();
        if backend == DbBackend::Postgres {
            // The demo's tables are small enough that a scan and a sort would win anyway;
            // what is asked is whether the cursor bounds a scan of the order's index.
            txn.execute_unprepared("SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off")
                .await
                .unwrap();
        }
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                format!("{explain} {}", statement.sql),
                statement.values.unwrap().0,
            ))
            .await
            .unwrap();
        let plan: Vec<String> = rows
            .iter()
            .map(|r| r.try_get_by_index::<String>(detail).unwrap())
            .collect();
        // The order comes from walking the index from the cursor on: no sort of every row
        // after it (SQLite's plan for the same test spelt with OR), no filter over every row
        // before it (PostgreSQL's).
        let seeks = match backend {
            DbBackend::Postgres => plan.iter().any(|l| l.contains("Index Cond: (ROW(")),
            _ => {
                plan.iter()
                    .any(|l| l.starts_with("SEARCH summaries USING INDEX idx_summaries_"))
                    && !plan.iter().any(|l| l.contains("TEMP B-TREE"))
            }
        };
        assert!(seeks, "{sort:?}: the cursor bounds the index scan: {plan:#?}");
    }
}
