//! Finding what is worth reading, on SQLite and PostgreSQL: full-text search (a paper by a title
//! word or an author's surname, a summary by a word of its body, with snippets; nothing private
//! or hidden ever a hit; a common word ranked within its newest 1,000 matches; 1,000 fuzzed
//! queries and not one 5xx), every list order paging through
//! everything while summaries keep arriving, popularity from deduplicated page views and votes,
//! the author's views chart, tags and trending papers, and the number of database statements
//! behind every list.

use std::collections::HashSet;

use reqwest::Method;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, Unchanged};
use serde_json::{Value, json};
use shared::api::{Page, Paper, SearchHit, Summary, TagCount, ViewStats};
use tests::{TestApp, TestUser, on_both_backends};

on_both_backends!(spawn =>
    search_finds_papers_and_summaries_and_nothing_private,
    a_common_word_is_ranked_within_its_newest_matches,
    fuzzed_queries_never_fail_the_server,
    every_order_pages_through_everything_while_summaries_arrive,
    popularity_follows_deduplicated_views_and_votes,
    the_directorys_counters_stay_exact_under_concurrent_writes,
);

mod demo {
    use super::every_list_costs_the_same_few_statements_whatever_its_length;
    tests::on_both_backends!(with_demo =>
        every_list_costs_the_same_few_statements_whatever_its_length,
    );
}

async fn new_paper(app: &TestApp, user: &TestUser, body: Value) -> Paper {
    let response = app
        .send(
            Method::POST,
            "/api/v1/papers",
            Some(&user.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn publish(app: &TestApp, user: &TestUser, body: Value) -> Summary {
    let response = app
        .send(
            Method::POST,
            "/api/v1/summaries",
            Some(&user.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

async fn search(app: &TestApp, query: &str) -> Vec<SearchHit> {
    let response = app.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    let page: Page<SearchHit> = response.json().await.unwrap();
    page.items
}

/// Hides a summary as a moderator would.
async fn hide(app: &TestApp, id: &str) {
    api::db::entity::summaries::ActiveModel {
        id: Unchanged(id.parse().unwrap()),
        hidden_at: Set(Some(chrono::Utc::now())),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("hiding a summary");
}

async fn search_finds_papers_and_summaries_and_nothing_private(app: TestApp) {
    let alice = app.register("alice").await;
    let attention = new_paper(
        &app,
        &alice,
        json!({"title": "Attention Is All You Need", "authors": ["Ashish Vaswani", "Noam Shazeer"],
               "abstract": "The dominant sequence transduction models are based on recurrent networks.",
               "year": 2017, "category": "cs", "urls": []}),
    )
    .await;
    let resnet = new_paper(
        &app,
        &alice,
        json!({"title": "Deep Residual Learning for Image Recognition",
               "authors": ["Kaiming He", "Xiangyu Zhang"], "year": 2016, "category": "cs", "urls": []}),
    )
    .await;
    let summary = publish(
        &app,
        &alice,
        json!({"paper_id": resnet.id, "body_markdown":
            "Very deep networks train when each block learns a residual: $y = \\mathcal{F}(x) + x$ \
             with identity shortcuts."}),
    )
    .await;

    // A paper by a title word, by an author's surname, and by the start of a word (typing).
    for query in [
        "q=attention&type=papers",
        "q=Vaswani",
        "q=shazeer&type=papers",
        "q=transduc",
    ] {
        let hits = search(&app, query).await;
        assert_eq!(
            hits.first().map(|h| h.paper.id.as_str()),
            Some(attention.id.as_str()),
            "{query}: {hits:?}"
        );
    }
    let hits = search(&app, "q=attention&type=papers").await;
    assert!(
        hits[0].snippet.contains("<mark>Attention</mark>"),
        "{}",
        hits[0].snippet
    );
    // A summary by a word of its body, with its snippet; the math source is text too.
    for query in ["q=shortcuts&type=summaries", "q=identity+shortcut", "q=mathcal"] {
        let hits = search(&app, query).await;
        let hit = hits
            .iter()
            .find(|h| h.summary.is_some())
            .unwrap_or_else(|| panic!("{query}: {hits:?}"));
        assert_eq!(hit.summary.as_ref().unwrap().id, summary.id, "{query}");
        assert_eq!(hit.paper.id, resnet.id);
        assert!(hit.snippet.contains("<mark>"), "{query}: {}", hit.snippet);
    }
    // Filters, and the paper list's own search on the same index.
    assert!(search(&app, "q=attention&year=2016").await.is_empty());
    assert_eq!(search(&app, "q=attention&year=2017&category=cs").await.len(), 1);
    assert!(search(&app, "q=attention&category=bio").await.is_empty());
    let listed: Page<Paper> = app.get_json("/api/v1/papers?q=Residual+learning").await;
    assert_eq!(
        listed.items.iter().map(|p| &p.id).collect::<Vec<_>>(),
        [&resnet.id]
    );
    // The last word is the start of a word's stem (`learn` of `learning`); a single letter
    // is a word of its own, not the start of every word.
    let hits = search(&app, "q=residual+learn&type=papers").await;
    assert_eq!(
        hits.first().map(|h| h.paper.id.as_str()),
        Some(resnet.id.as_str())
    );
    assert!(search(&app, "q=residual+l&type=papers").await.is_empty());
    let listed: Page<Paper> = app.get_json("/api/v1/papers?q=kaiming").await;
    assert_eq!(listed.items.len(), 1);

    // The index follows an edit in the same transaction.
    let response = app
        .send(
            Method::PATCH,
            &format!("/api/v1/summaries/{}", summary.id),
            Some(&alice.access_token),
            Some(json!({"body_markdown": "Now about quokkas only."})),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(search(&app, "q=quokka").await.len(), 1);
    assert!(search(&app, "q=shortcuts").await.is_empty());

    // Private, unlisted, hidden and deleted summaries are never hits, for anyone.
    let mut secret = Vec::new();
    for (name, visibility) in [
        ("bob", "private"),
        ("carol", "unlisted"),
        ("dave", "public"),
        ("erin", "public"),
    ] {
        let user = app.register(name).await;
        let written = publish(
            &app,
            &user,
            json!({"paper_id": attention.id, "visibility": visibility,
                   "body_markdown": format!("The zebracorn of {name}.")}),
        )
        .await;
        secret.push((user, written));
    }
    hide(&app, &secret[2].1.id).await;
    let erin = &secret[3];
    let response = app
        .send(
            Method::DELETE,
            &format!("/api/v1/summaries/{}", erin.1.id),
            Some(&erin.0.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 204);
    assert!(search(&app, "q=zebracorn").await.is_empty());
    for (user, _) in &secret {
        let response = app
            .send(
                Method::GET,
                "/api/v1/search?q=zebracorn",
                Some(&user.access_token),
                None,
            )
            .await;
        let page: Page<SearchHit> = response.json().await.unwrap();
        assert!(page.items.is_empty(), "{}: {:?}", user.username, page.items);
    }
    // What the query language of either engine would read as syntax is only words here.
    for query in [
        "q=%22attention",
        "q=attention*+(%22+%5E-",
        "q=!attention%26%7C",
        "q=attention:*",
        "q=%00attention",
    ] {
        let hits = search(&app, query).await;
        assert_eq!(
            hits.first().map(|h| h.paper.id.as_str()),
            Some(attention.id.as_str()),
            "{query}"
        );
    }
    assert_eq!(app.get("/api/v1/search?q=").await.status(), 422);
    assert_eq!(
        app.get(&format!("/api/v1/search?q={}", "a".repeat(201)))
            .await
            .status(),
        422
    );
}

/// A deterministic stream of awkward strings: query operators of both engines, quotes, escapes,
/// NUL and other control characters, non-Latin letters and emoji, words of the indexed text.
struct Fuzz(u64);

impl Fuzz {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn query(&mut self) -> String {
        const PIECES: [&str; 32] = [
            "\"",
            "'",
            "*",
            ":*",
            "&",
            "|",
            "!",
            "(",
            ")",
            "<->",
            "<2>",
            "NEAR(",
            "OR",
            "AND",
            "NOT",
            "^",
            "-",
            "+",
            "\\",
            "%",
            "_",
            "\0",
            "\u{2}",
            "\u{3}",
            "\u{1F600}",
            "ζῆτα",
            "深度学习",
            " ",
            "zebra",
            "deep",
            "networks",
            "$\\alpha$",
        ];
        let length = self.next() % 12;
        let mut text = String::new();
        for _ in 0..=length {
            match self.next() % 3 {
                0 => text.push_str(PIECES[(self.next() % PIECES.len() as u64) as usize]),
                1 => text.push(char::from_u32((self.next() % 0x3000) as u32).unwrap_or('x')),
                _ => text.push_str(&"w".repeat((self.next() % 80) as usize)),
            }
        }
        text
    }
}

async fn fuzzed_queries_never_fail_the_server(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let paper = new_paper(
        &app,
        &alice,
        json!({"title": "Deep networks of zebra stripes", "authors": ["Ada Lovelace"], "urls": []}),
    )
    .await;
    publish(
        &app,
        &alice,
        json!({"paper_id": paper.id, "body_markdown": "Deep networks see zebra stripes."}),
    )
    .await;
    let private = publish(
        &app,
        &bob,
        json!({"paper_id": paper.id, "visibility": "private", "body_markdown": "Deep networks, zebra, secret."}),
    )
    .await;
    let mut fuzz = Fuzz(0x5eed_cafe_f00d_d00d);
    for i in 0..1000 {
        let q = fuzz.query();
        let kind = ["all", "papers", "summaries"][i % 3];
        let response = app
            .client
            .get(
                url::Url::parse_with_params(&app.url("/api/v1/search"), [("q", q.as_str()), ("type", kind)])
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!(
            status == 200 || status == 422,
            "{q:?}: {status} {}",
            response.text().await.unwrap()
        );
        if status == 200 {
            let page: Page<SearchHit> = response.json().await.unwrap();
            assert!(
                page.items
                    .iter()
                    .all(|h| h.summary.as_ref().is_none_or(|s| s.id != private.id)),
                "{q:?} found the private summary"
            );
        }
        if i % 4 == 0 {
            let response = app
                .client
                .get(url::Url::parse_with_params(&app.url("/api/v1/papers"), [("q", q.as_str())]).unwrap())
                .send()
                .await
                .unwrap();
            assert!(
                response.status().as_u16() < 500,
                "/papers?q={q:?}: {}",
                response.status()
            );
        }
    }
}

/// A word in more summaries than search pages go deep: the newest 1,000 matches are ranked,
/// paged without a repeat down to the depth, best first. An older match, however relevant, is
/// found by a narrower query.
async fn a_common_word_is_ranked_within_its_newest_matches(app: TestApp) {
    let alice = app.register("alice").await;
    let paper = new_paper(
        &app,
        &alice,
        json!({"title": "Marsupials at Scale", "authors": ["A. Author"], "year": 2020,
               "category": "bio", "urls": []}),
    )
    .await;
    let old = publish(
        &app,
        &alice,
        json!({"paper_id": paper.id, "body_markdown": "Quokka, quokka, quokka: the wombat study."}),
    )
    .await;
    api::demo::generate(&app.db, 1100, 3)
        .await
        .expect("synthetic summaries");
    app.db
        .execute_unprepared(
            "UPDATE summaries SET body_markdown = body_markdown || ' A quokka.' \
             WHERE author_id IN (SELECT id FROM users WHERE username LIKE 'synth%')",
        )
        .await
        .expect("a common word");
    let bob = app.register("bob").await;
    let newest = publish(
        &app,
        &bob,
        json!({"paper_id": paper.id, "body_markdown": "Quokka quokka quokka quokka."}),
    )
    .await;

    let seen: Vec<SearchHit> = app
        .every_page("/api/v1/search?q=quokka&type=summaries&limit=100")
        .await;
    let ids: Vec<&str> = seen
        .iter()
        .map(|h| h.summary.as_ref().expect("a summary hit").id.as_str())
        .collect();
    assert_eq!(ids.len(), 1000);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 1000, "no hit twice");
    assert_eq!(ids[0], newest.id, "the most relevant of the newest first");
    assert!(seen.windows(2).all(|w| w[0].rank >= w[1].rank), "best first");
    assert!(
        !ids.contains(&old.id.as_str()),
        "older than the newest 1,000 matches"
    );
    let hits = search(&app, "q=quokka+wombat&type=summaries").await;
    assert_eq!(
        hits.iter()
            .map(|h| h.summary.as_ref().unwrap().id.as_str())
            .collect::<Vec<_>>(),
        [old.id.as_str()]
    );
}

/// Pages through `query` four items at a time, publishing a summary after each page; returns the
/// ids in the order seen.
async fn page_through(
    app: &TestApp,
    query: &str,
    writers: &mut Vec<TestUser>,
    paper_id: &str,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/summaries?{query}&limit=4&cursor={c}"),
            None => format!("/api/v1/summaries?{query}&limit=4"),
        };
        let page: Page<Summary> = app.get_json(&path).await;
        seen.extend(page.items.iter().map(|s| s.id.clone()));
        let writer = app.register(&format!("late{}", writers.len())).await;
        publish(
            app,
            &writer,
            json!({"paper_id": paper_id, "body_markdown": "Arrived while paging.", "tags": ["rl"]}),
        )
        .await;
        writers.push(writer);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return seen,
        }
    }
}

async fn every_order_pages_through_everything_while_summaries_arrive(app: TestApp) {
    let mut authors = Vec::new();
    for i in 0..4 {
        authors.push(app.register(&format!("author{i}")).await);
    }
    let mut papers = Vec::new();
    for i in 0..5 {
        let category = if i % 2 == 0 { "cs" } else { "math" };
        papers.push(
            new_paper(
                &app,
                &authors[0],
                json!({"title": format!("Paper number {i}"), "authors": ["A. Author"], "category": category, "urls": []}),
            )
            .await,
        );
    }
    let mut written = Vec::new();
    for (a, author) in authors.iter().enumerate() {
        for (p, paper) in papers.iter().enumerate() {
            let tags = if (a + p) % 2 == 0 {
                json!(["rl"])
            } else {
                json!(["vision"])
            };
            written.push(
                publish(
                    &app,
                    author,
                    json!({"paper_id": paper.id, "body_markdown": format!("Summary {a}/{p}."), "tags": tags}),
                )
                .await,
            );
        }
    }
    // Scores with ties, and popularity from views.
    let voters = [app.register("voter0").await, app.register("voter1").await];
    for (i, summary) in written.iter().enumerate() {
        for (v, voter) in voters.iter().enumerate() {
            let value = match (i + v) % 3 {
                0 => 1,
                1 => -1,
                _ => 0,
            };
            let response = app
                .send(
                    Method::PUT,
                    &format!("/api/v1/summaries/{}/vote", summary.id),
                    Some(&voter.access_token),
                    Some(json!({"value": value})),
                )
                .await;
            assert_eq!(response.status(), 200);
        }
        if i % 3 == 0 {
            let response = app
                .post(&format!("/api/v1/summaries/{}/views", summary.id), json!(null))
                .await;
            assert_eq!(response.status(), 204);
        }
    }
    api::domain::views::refresh(&app.db, api::db::now())
        .await
        .expect("popularity");

    let author = &authors[1].username;
    let paper = &papers[2].id;
    let queries = [
        "sort=new".to_owned(),
        "sort=top".to_owned(),
        "sort=top&period=day".to_owned(),
        "sort=top&period=week".to_owned(),
        "sort=top&period=month".to_owned(),
        "sort=popular".to_owned(),
        "sort=new&category=math".to_owned(),
        "sort=top&tag=rl".to_owned(),
        "sort=popular&category=cs&tag=vision".to_owned(),
        format!("sort=new&author={author}"),
        format!("sort=top&author={author}"),
        format!("sort=popular&paper={paper}"),
    ];
    let mut late = Vec::new();
    for query in &queries {
        let everything: Page<Summary> = app
            .get_json(&format!("/api/v1/summaries?{query}&limit=100"))
            .await;
        let expected: Vec<String> = everything.items.iter().map(|s| s.id.clone()).collect();
        assert!(!expected.is_empty(), "{query}");
        let seen = page_through(&app, query, &mut late, &papers[0].id).await;
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{query}: an item came twice: {seen:?}");
        let original: Vec<&String> = seen.iter().filter(|id| expected.contains(id)).collect();
        assert_eq!(
            original,
            expected.iter().collect::<Vec<_>>(),
            "{query}: gaps or another order"
        );
    }
    // The filters hold what they say.
    let math: Page<Summary> = app.get_json("/api/v1/summaries?category=math&limit=100").await;
    assert!(
        math.items
            .iter()
            .all(|s| s.paper.category == shared::api::Category::Math)
    );
    let tagged: Page<Summary> = app.get_json("/api/v1/summaries?tag=%20Vision&limit=100").await;
    assert_eq!(tagged.items.len(), 10);
    assert!(tagged.items.iter().all(|s| s.tags == ["vision"]));
    let top: Page<Summary> = app.get_json("/api/v1/summaries?sort=top&limit=100").await;
    assert!(top.items.windows(2).all(|w| w[0].score >= w[1].score));
    // A cursor of one order is refused by another.
    let first: Page<Summary> = app
        .get_json("/api/v1/summaries?sort=top&period=week&limit=2")
        .await;
    let cursor = first.next_cursor.unwrap();
    assert_eq!(
        app.get(&format!("/api/v1/summaries?sort=top&cursor={cursor}"))
            .await
            .status(),
        400
    );
    // Unknown authors and papers have no summaries.
    let none: Page<Summary> = app.get_json("/api/v1/summaries?author=nobody").await;
    assert!(none.items.is_empty());
    let none: Page<Summary> = app.get_json("/api/v1/summaries?paper=x").await;
    assert!(none.items.is_empty());
    // Tags, most used first.
    let tags: Vec<TagCount> = app.get_json("/api/v1/tags").await;
    assert_eq!(tags[0].tag, "rl");
    assert!(tags[0].summary_count > 10);
    // Trending: the papers written about this week, the most active first.
    let trending: Vec<Paper> = app.get_json("/api/v1/papers/trending").await;
    assert_eq!(
        trending[0].id, papers[0].id,
        "the paper every late summary went to"
    );
    assert_eq!(trending.len(), 5);
}

/// Counts a view as a reader (signed in, or anonymous by address) and answers its status.
async fn view(app: &TestApp, id: &str, reader: Option<&TestUser>) -> u16 {
    let path = format!("/api/v1/summaries/{id}/views");
    let token = reader.map(|r| r.access_token.as_str());
    app.send(Method::POST, &path, token, None).await.status().as_u16()
}

async fn popularity_follows_deduplicated_views_and_votes(app: TestApp) {
    let alice = app.register("alice").await;
    let bob = app.register("bob").await;
    let paper = new_paper(
        &app,
        &alice,
        json!({"title": "A paper", "authors": ["X"], "urls": []}),
    )
    .await;
    let read = publish(
        &app,
        &alice,
        json!({"paper_id": paper.id, "body_markdown": "Read a lot."}),
    )
    .await;
    let quiet = publish(
        &app,
        &bob,
        json!({"paper_id": paper.id, "body_markdown": "Read less."}),
    )
    .await;
    // Three readers, two signed in and one by address, each more than once within the hour:
    // three views. A browser on another site's page cannot count one.
    let (one, two) = (app.register("readerone").await, app.register("readertwo").await);
    for reader in [Some(&one), Some(&two), None, Some(&one), None, Some(&one)] {
        assert_eq!(view(&app, &read.id, reader).await, 204);
    }
    let cross_site = app
        .client
        .post(app.url(&format!("/api/v1/summaries/{}/views", read.id)))
        .header("Sec-Fetch-Site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(view(&app, &quiet.id, Some(&one)).await, 204);
    api::domain::views::refresh(&app.db, api::db::now())
        .await
        .expect("popularity");
    let popular: Page<Summary> = app.get_json("/api/v1/summaries?sort=popular").await;
    assert_eq!(
        popular.items.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [read.id.as_str(), quiet.id.as_str()]
    );
    let papers: Page<Paper> = app.get_json("/api/v1/papers?sort=popular").await;
    assert_eq!(papers.items[0].id, paper.id);

    // The author's chart: 30 days, today's three views last. Nobody else sees it.
    let path = format!("/api/v1/summaries/{}/views", read.id);
    let response = app
        .send(Method::GET, &path, Some(&alice.access_token), None)
        .await;
    assert_eq!(response.status(), 200);
    let stats: ViewStats = response.json().await.unwrap();
    assert_eq!(stats.total, 3);
    assert_eq!(stats.days.len(), 30);
    assert_eq!(stats.days.last().unwrap().views, 3);
    assert_eq!(
        stats.days.last().unwrap().day,
        chrono::Utc::now().date_naive().to_string()
    );
    assert_eq!(
        app.send(Method::GET, &path, Some(&bob.access_token), None)
            .await
            .status(),
        403
    );
    assert_eq!(app.get(&path).await.status(), 401);

    // Votes with decay lift the quiet one above the much read one.
    let voters = [app.register("voter1").await, app.register("voter2").await];
    for voter in &voters {
        let response = app
            .send(
                Method::PUT,
                &format!("/api/v1/summaries/{}/vote", quiet.id),
                Some(&voter.access_token),
                Some(json!({"value": 1})),
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    api::domain::views::refresh(&app.db, api::db::now())
        .await
        .expect("popularity");
    let popular: Page<Summary> = app.get_json("/api/v1/summaries?sort=popular").await;
    assert_eq!(popular.items[0].id, quiet.id);

    // A summary nobody may read is not counted; nor is a paper that does not exist.
    let private = publish(
        &app,
        &app.register("carol").await,
        json!({"paper_id": paper.id, "visibility": "private", "body_markdown": "Mine."}),
    )
    .await;
    assert_eq!(view(&app, &private.id, None).await, 404);
    // Counting a view is part of reading: whoever may read the page counts, a read-only token
    // and a banned reader included; nobody else, whatever their credential.
    let banned = app.register("banned").await;
    api::db::accounts::set_banned(&app.db, "banned", true)
        .await
        .unwrap();
    let read_only = app.read_only_token(&bob).await;
    let carol = app.register("carol2").await;
    for (who, token, public, private_status) in [
        ("read-only token", read_only.as_str(), 204, 404),
        ("banned", banned.access_token.as_str(), 204, 404),
        ("another reader", carol.access_token.as_str(), 204, 404),
        (
            "the author of another summary",
            alice.access_token.as_str(),
            204,
            404,
        ),
    ] {
        for (id, want) in [(&read.id, public), (&private.id, private_status)] {
            let path = format!("/api/v1/summaries/{id}/views");
            let status = app.send(Method::POST, &path, Some(token), None).await.status();
            assert_eq!(status, want, "{who}: {path}");
        }
    }
    assert_eq!(
        app.post("/api/v1/papers/999999/views", json!(null))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.post(&format!("/api/v1/papers/{}/views", paper.id), json!(null))
            .await
            .status(),
        204
    );
}

/// Every paginated list of the API (the spec's operations with a `limit`), each read with
/// pages of 2 and of 5 items, which must both be full: the statements behind a page do not grow
/// with its length (no query per item).
async fn every_list_costs_the_same_few_statements_whatever_its_length(app: TestApp) {
    api::demo::generate(&app.db, 200, 7)
        .await
        .expect("synthetic summaries");
    let reader = app.register("counted").await;
    let moderator = app.register("counting").await;
    api::db::accounts::set_role(&app.db, "counting", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    let summaries: Page<Summary> = app.get_json("/api/v1/summaries?limit=100").await;
    assert_eq!(summaries.items.len(), 100);
    // A synthetic paper (five summaries each), a synthetic author (twenty summaries each), and a
    // venue for the synthetic papers.
    let summary = summaries
        .items
        .iter()
        .find(|s| {
            s.author
                .as_ref()
                .is_some_and(|a| a.username.starts_with("synth_"))
        })
        .expect("a synthetic summary");
    let paper = &summary.paper.id;
    let author = summaries
        .items
        .iter()
        .find_map(|s| s.author.clone().filter(|a| a.username.starts_with("synth_")))
        .expect("a named author");
    {
        use api::db::entity::papers;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        papers::Entity::update_many()
            .col_expr(
                papers::Column::Venue,
                sea_orm::sea_query::Expr::value("Counted Venue"),
            )
            .col_expr(
                papers::Column::VenueKey,
                sea_orm::sea_query::Expr::value("counted"),
            )
            .filter(papers::Column::Key.starts_with("synthetic/"))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let venue = "counted";
    // The reader's own summaries, comments on one of them (and so notifications for the
    // reader), reports, and moderation actions: enough of each for a full page.
    let mut papers: Vec<&str> = summaries.items.iter().map(|s| s.paper.id.as_str()).collect();
    papers.sort_unstable();
    papers.dedup();
    let mut own = Vec::new();
    for paper in &papers[..8] {
        own.push(
            publish(
                &app,
                &reader,
                json!({"paper_id": paper, "body_markdown": "Counted."}),
            )
            .await,
        );
    }
    for i in 0..8 {
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/summaries/{}/comments", own[0].id),
                Some(&moderator.access_token),
                Some(json!({"body_markdown": format!("Comment {i}")})),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    for (i, reported) in summaries.items[..16].iter().enumerate() {
        let response = app
            .send(
                Method::POST,
                &format!("/api/v1/summaries/{}/reports", reported.id),
                Some(&reader.access_token),
                Some(json!({"reason": "Counted."})),
            )
            .await;
        assert_eq!(response.status(), 201);
        if i % 2 == 0 {
            let id: Value = response.json().await.unwrap();
            let response = app
                .send(
                    Method::POST,
                    &format!(
                        "/api/v1/moderation/reports/{}/resolve",
                        id["id"].as_str().unwrap()
                    ),
                    Some(&moderator.access_token),
                    Some(json!({"action": "dismiss"})),
                )
                .await;
            assert_eq!(response.status(), 200);
        }
    }
    // (path, who reads it, most statements besides the access token's session check)
    let lists: Vec<(String, &TestUser, u64)> = vec![
        ("/api/v1/summaries?sort=new".to_owned(), &reader, 5),
        ("/api/v1/summaries?sort=top&period=month".to_owned(), &reader, 5),
        (
            "/api/v1/summaries?sort=popular&category=cs".to_owned(),
            &reader,
            5,
        ),
        ("/api/v1/summaries?tag=deep-learning".to_owned(), &reader, 5),
        (
            format!("/api/v1/summaries?author={}", author.username),
            &reader,
            6,
        ),
        (format!("/api/v1/summaries?paper={paper}"), &reader, 5),
        ("/api/v1/papers".to_owned(), &reader, 2),
        ("/api/v1/papers?sort=popular".to_owned(), &reader, 2),
        (
            "/api/v1/papers?q=learning&sort=most_summarized".to_owned(),
            &reader,
            2,
        ),
        (format!("/api/v1/papers/{paper}/summaries?sort=top"), &reader, 6),
        ("/api/v1/users?sort=score".to_owned(), &reader, 1),
        ("/api/v1/users?sort=summaries".to_owned(), &reader, 1),
        ("/api/v1/users?sort=new".to_owned(), &reader, 1),
        (format!("/api/v1/users/{}/summaries", author.username), &reader, 6),
        (format!("/api/v1/venues/{venue}/summaries"), &reader, 5),
        (format!("/api/v1/summaries/{}/comments", own[0].id), &reader, 6),
        ("/api/v1/search?q=learning&type=papers".to_owned(), &reader, 4),
        ("/api/v1/search?q=network&type=summaries".to_owned(), &reader, 8),
        ("/api/v1/tags".to_owned(), &reader, 1),
        ("/api/v1/me/summaries".to_owned(), &reader, 5),
        ("/api/v1/me/notifications".to_owned(), &reader, 6),
        ("/api/v1/moderation/reports".to_owned(), &moderator, 5),
        ("/api/v1/moderation/log".to_owned(), &moderator, 3),
    ];
    for (path, user, most) in &lists {
        let mut counts = Vec::new();
        for limit in [2, 5] {
            let separator = if path.contains('?') { '&' } else { '?' };
            let before = app.statements().await;
            let response = app
                .send(
                    Method::GET,
                    &format!("{path}{separator}limit={limit}"),
                    Some(&user.access_token),
                    None,
                )
                .await;
            assert_eq!(response.status(), 200, "{path}");
            counts.push(app.statements().await - before);
            let body: Value = response.json().await.unwrap();
            let items = body.get("items").unwrap_or(&body).as_array().expect("a list");
            assert_eq!(items.len(), limit, "{path}: a full page of {limit}");
        }
        assert_eq!(
            counts[0], counts[1],
            "{path}: statements grow with the page ({counts:?})"
        );
        // Signed in, the access token's session is checked too (one statement).
        assert!(counts[0] <= most + 1, "{path}: {} statements", counts[0]);
    }
    for path in [
        "/api/v1/papers/trending",
        "/api/v1/venues",
        "/api/v1/search?q=learn",
    ] {
        let before = app.statements().await;
        assert_eq!(app.get(path).await.status(), 200);
        let count = app.statements().await - before;
        assert!(count <= 10, "{path}: {count} statements");
    }
}

async fn the_directorys_counters_stay_exact_under_concurrent_writes(app: TestApp) {
    let author = app.register("counted").await;
    let mut papers = Vec::new();
    for i in 0..5 {
        papers.push(
            new_paper(
                &app,
                &author,
                json!({"title": format!("Counted paper {i}"), "authors": ["X"], "urls": []}),
            )
            .await,
        );
    }
    let mut written = Vec::new();
    for (i, paper) in papers.iter().enumerate() {
        let settings = match i {
            3 => json!({"anonymous": true}),
            4 => json!({"visibility": "private"}),
            _ => json!({}),
        };
        let mut body = json!({"paper_id": paper.id, "body_markdown": format!("Counted summary {i}.")});
        body.as_object_mut()
            .unwrap()
            .extend(settings.as_object().unwrap().clone());
        written.push(publish(&app, &author, body).await);
    }
    let mut voters = Vec::new();
    for i in 0..16 {
        voters.push(app.register(&format!("countvoter{i}")).await);
    }
    // Every voter on every readable summary at once, then half of them change their minds.
    for round in 0..2 {
        let app = &app;
        let mut votes = Vec::new();
        for (v, voter) in voters.iter().enumerate() {
            for (s, summary) in written[..4].iter().enumerate() {
                let value = if (v + s + round) % 3 == 0 { -1 } else { 1 };
                let value = if round == 1 && v % 2 == 0 { 0 } else { value };
                let path = format!("/api/v1/summaries/{}/vote", summary.id);
                votes.push(async move {
                    app.send(
                        Method::PUT,
                        &path,
                        Some(&voter.access_token),
                        Some(json!({"value": value})),
                    )
                    .await
                });
            }
        }
        for response in futures_util::future::join_all(votes).await {
            assert_eq!(response.status(), 200);
        }
    }
    let profile: Value = app.get_json("/api/v1/users/counted").await;
    let listed: Page<Summary> = app.get_json("/api/v1/users/counted/summaries").await;
    assert_eq!(listed.items.len(), 3);
    assert_eq!(profile["summary_count"], 3);
    let mean = listed.items.iter().map(|s| s.score as f64).sum::<f64>() / 3.0;
    let score = profile["score"].as_f64().unwrap();
    assert!((score - mean).abs() < 1e-5, "{score} against {mean}");
    // An edit that takes one out of the profile, and a delete.
    let response = app
        .send(
            Method::PATCH,
            &format!("/api/v1/summaries/{}", written[1].id),
            Some(&author.access_token),
            Some(json!({"visibility": "unlisted"})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .send(
            Method::DELETE,
            &format!("/api/v1/summaries/{}", written[2].id),
            Some(&author.access_token),
            None,
        )
        .await;
    assert_eq!(response.status(), 204);

    let profile: Value = app.get_json("/api/v1/users/counted").await;
    // What the profile counts: its public, named summaries, as its page lists them.
    let listed: Page<Summary> = app.get_json("/api/v1/users/counted/summaries").await;
    assert_eq!(listed.items.len(), 1);
    assert_eq!(profile["summary_count"], 1);
    assert_eq!(profile["score"].as_f64(), Some(listed.items[0].score as f64));
    // The counters kept by each write equal a count from scratch.
    let directory: Value = app.get_json("/api/v1/users?sort=score&limit=100").await;
    api::db::accounts::recount_profiles(&app.db).await.unwrap();
    assert_eq!(app.get_json::<Value>("/api/v1/users/counted").await, profile);
    assert_eq!(
        app.get_json::<Value>("/api/v1/users?sort=score&limit=100").await,
        directory
    );
}
