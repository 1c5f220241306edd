//! Papers: importing from arXiv, Crossref and DBLP (stood in for by a local server answering in
//! their recorded formats), resolving every identifier form to one paper, batch resolve, BibTeX
//! and the original site's URLs, on SQLite and PostgreSQL.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use shared::api::{ExternalSearchResponse, ExternalSource, Page, Paper, ResolveResponse, SourceOutcome};
use tests::upstream::{Reply, Upstream, fixture};
use tests::{Backend, Options, TestApp, TestUser, on_both_backends, python_tool};

on_both_backends!(with_demo =>
    a_batch_of_500_keys_resolves_in_one_request_and_a_bounded_number_of_queries,
    the_bibtex_entry_parses_in_a_real_bibtex_parser,
    the_original_sites_urls_redirect,
    papers_by_hand_follows_and_venues,
    every_paper_write_needs_a_writer,
);

/// Anonymous callers get 401; banned users and read-only API tokens 403, on every paper write,
/// before anything is looked up or fetched.
async fn every_paper_write_needs_a_writer(app: TestApp) {
    let paper: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let id = &paper.id;
    let banned = app.register("banned").await;
    api::db::accounts::set_banned(&app.db, "banned", true)
        .await
        .unwrap();
    let reader = app.register("reader").await;
    let read_only = app.read_only_token(&reader).await;
    let writes = [
        (
            Method::POST,
            "/api/v1/papers".to_owned(),
            Some(json!({"title": "T", "authors": ["A"]})),
        ),
        (
            Method::POST,
            "/api/v1/papers/import".to_owned(),
            Some(json!({"identifier": "1703.06870"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/papers/{id}"),
            Some(json!({"year": 2017})),
        ),
        (
            Method::POST,
            format!("/api/v1/papers/{id}/merge"),
            Some(json!({"into": "1"})),
        ),
        (Method::POST, format!("/api/v1/papers/{id}/refresh"), None),
        (Method::PUT, format!("/api/v1/papers/{id}/follow"), None),
        (Method::DELETE, format!("/api/v1/papers/{id}/follow"), None),
    ];
    for (method, path, body) in writes {
        for (who, token, want) in [
            ("anonymous", None, 401),
            ("banned", Some(banned.access_token.as_str()), 403),
            ("read-only token", Some(read_only.as_str()), 403),
        ] {
            let response = app.send(method.clone(), &path, token, body.clone()).await;
            assert_eq!(response.status().as_u16(), want, "{who}: {method} {path}");
        }
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn papers_by_hand_follows_and_venues(app: TestApp) {
    let user = app.register("curator").await;
    let token = Some(user.access_token.as_str());
    let entry = json!({
        "title": "Notes on a Workshop Talk",
        "authors": ["Ada Lovelace", "Charles Babbage"],
        "venue": "Workshops/Analytical Engines",
        "year": 1843,
        "doi": "https://doi.org/10.5555/AE.1843",
        "urls": ["https://example.org/notes"]
    });
    let created = app
        .send(Method::POST, "/api/v1/papers", token, Some(entry.clone()))
        .await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let paper: Paper = created.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/papers/{}", paper.id));
    assert_eq!(paper.key, "doi:10.5555/ae.1843");
    let again = app.send(Method::POST, "/api/v1/papers", token, Some(entry)).await;
    assert_eq!(again.status(), 409, "the DOI is taken");
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let bad = app
        .send(
            Method::POST,
            "/api/v1/papers",
            token,
            Some(json!({"title": "x", "authors": [], "doi": "nope"})),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let errors: Value = bad.json().await.unwrap();
    assert!(
        errors["errors"]["authors"].is_array() && errors["errors"]["doi"].is_array(),
        "{errors}"
    );
    assert_eq!(
        app.send(Method::POST, "/api/v1/papers", None, Some(json!({})))
            .await
            .status(),
        401
    );

    let follow = format!("/api/v1/papers/{}/follow", paper.id);
    for (method, following) in [
        (Method::PUT, 1),
        (Method::PUT, 1),
        (Method::DELETE, 0),
        (Method::DELETE, 0),
    ] {
        assert_eq!(
            app.send(method.clone(), &follow, token, None).await.status(),
            204,
            "{method}: idempotent"
        );
        let rows = {
            use sea_orm::EntityTrait;
            api::db::entity::paper_follows::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
        };
        assert_eq!(
            rows.len(),
            following,
            "after {method}: the follow is stored or gone"
        );
        let asked = app.send(Method::GET, &follow, token, None).await.status();
        assert_eq!(asked, if following == 1 { 204 } else { 404 }, "GET tells");
    }
    assert_eq!(
        app.send(Method::PUT, "/api/v1/papers/999999/follow", token, None)
            .await
            .status(),
        404
    );
    assert_eq!(app.send(Method::PUT, &follow, None, None).await.status(), 401);

    let venues: Vec<shared::api::Venue> = app.get_json("/api/v1/venues").await;
    let slashed = venues
        .iter()
        .find(|v| v.name == "Workshops/Analytical Engines")
        .expect("the new venue is listed");
    assert_eq!(slashed.years[0].year, Some(1843));
    assert_eq!(slashed.years[0].paper_count, 1);
    let empty: Page<shared::api::Summary> = app
        .get_json(&format!(
            "/api/v1/venues/{}/summaries",
            encode(&slashed.venue_key)
        ))
        .await;
    assert!(empty.items.is_empty());
    let busy = venues
        .iter()
        .find(|v| v.years.iter().any(|y| y.summary_count > 0))
        .expect("a demo venue with summaries");
    let year = busy.years.iter().find(|y| y.summary_count > 0).unwrap();
    let listed: Page<shared::api::Summary> = app
        .get_json(&format!(
            "/api/v1/venues/{}/summaries?year={}&limit=100",
            encode(&busy.venue_key),
            year.year.unwrap()
        ))
        .await;
    assert_eq!(listed.items.len() as i64, year.summary_count, "{}", busy.name);
    for summary in &listed.items {
        assert_eq!(summary.paper.venue.as_deref(), Some(busy.name.as_str()));
        assert_eq!(summary.paper.year, year.year);
    }
}

mod sqlite_upstream {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_identifier_form_lands_on_one_paper() {
        super::every_identifier_form_lands_on_one_paper(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn upstream_failures_leave_nothing_behind() {
        super::upstream_failures_leave_nothing_behind(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn papers_are_fixed_merged_and_refreshed() {
        super::papers_are_fixed_merged_and_refreshed(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn external_search_merges_the_services_and_puts_ours_first() {
        super::external_search_merges_the_services_and_puts_ours_first(Backend::Sqlite).await;
    }
}

mod postgres_upstream {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_identifier_form_lands_on_one_paper() {
        super::every_identifier_form_lands_on_one_paper(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn upstream_failures_leave_nothing_behind() {
        super::upstream_failures_leave_nothing_behind(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn papers_are_fixed_merged_and_refreshed() {
        super::papers_are_fixed_merged_and_refreshed(Backend::Postgres).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn external_search_merges_the_services_and_puts_ours_first() {
        super::external_search_merges_the_services_and_puts_ours_first(Backend::Postgres).await;
    }
}

const MASK_RCNN: &str = "/api/query?id_list=1703.06870";
const CROSSREF_MASK_RCNN: &str = "/works/10.1109/iccv.2017.322";
const DBLP_MAML: &str = "/rec/conf/icml/FinnAL17.xml";

/// arXiv's answer for Mask R-CNN, carrying its DOI as arXiv does once a paper is published.
fn arxiv_with_doi() -> String {
    fixture("arxiv-query-id_list-1703.06870.atom.xml").replace(
        "    <arxiv:comment",
        "    <arxiv:doi xmlns:arxiv=\"http://arxiv.org/schemas/atom\">10.1109/ICCV.2017.322</arxiv:doi>\n    <arxiv:comment",
    )
}

async fn app_with(upstream: &Upstream, backend: Backend) -> (TestApp, TestUser) {
    let options = Options {
        upstream: Some(upstream.url.clone()),
        ..Options::default()
    };
    let app = TestApp::spawn_with(backend, options).await;
    let user = app.register("importer").await;
    (app, user)
}

async fn import(app: &TestApp, user: &TestUser, identifier: &str) -> (u16, Value) {
    let response = app
        .send(
            Method::POST,
            "/api/v1/papers/import",
            Some(&user.access_token),
            Some(json!({"identifier": identifier})),
        )
        .await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn paper_count(app: &TestApp) -> usize {
    let page: Page<Paper> = app.get_json("/api/v1/papers?limit=100").await;
    page.items.len()
}

async fn every_identifier_form_lands_on_one_paper(backend: Backend) {
    let upstream = Upstream::start().await;
    upstream.on(MASK_RCNN, Reply::ok(arxiv_with_doi()));
    upstream.on(DBLP_MAML, Reply::ok(fixture("dblp-rec-conf_icml_FinnAL17.xml")));
    let (app, user) = app_with(&upstream, backend).await;

    let (status, first) = import(&app, &user, "arXiv:1703.06870v2").await;
    assert_eq!(status, 201, "{first}");
    let paper: Paper = serde_json::from_value(first).unwrap();
    assert_eq!(paper.key, "arxiv:1703.06870");
    assert_eq!(paper.title, "Mask R-CNN");
    assert_eq!(paper.authors.len(), 4);
    assert_eq!(paper.arxiv_version, Some(3), "the latest version is kept");
    assert_eq!(paper.arxiv_primary_category.as_deref(), Some("cs.CV"));
    assert_eq!(paper.doi.as_deref(), Some("10.1109/iccv.2017.322"));
    assert!(
        paper.keys.contains(&"doi:10.1109/iccv.2017.322".to_owned()),
        "{:?}",
        paper.keys
    );
    let agent = upstream.seen()[0].user_agent.clone().unwrap_or_default();
    assert!(
        agent.starts_with("ShortScience/") && agent.contains("mailto:"),
        "{agent}"
    );

    // A legacy bibtexKey of the original site, as a moderator's merge would add it.
    let id: i64 = paper.id.parse().unwrap();
    api::db::papers::add_keys(&app.db, id, &["journals/corr/HeGDG17".to_owned()])
        .await
        .unwrap();
    let forms = [
        "1703.06870",
        "1703.06870v3",
        "arXiv:1703.06870",
        "https://arxiv.org/abs/1703.06870",
        "https://arxiv.org/pdf/1703.06870v1.pdf",
        "10.1109/iccv.2017.322",
        "https://doi.org/10.1109/ICCV.2017.322",
        "journals/corr/abs-1703-06870",
        "dblp:journals/corr/abs-1703-06870",
    ];
    for form in forms {
        let (status, again) = import(&app, &user, form).await;
        assert_eq!(status, 200, "re-importing {form}: {again}");
        assert_eq!(again["id"], paper.id.as_str(), "{form}");
    }
    for form in forms.iter().chain(&["journals/corr/HeGDG17", "arxiv:1703.06870"]) {
        let query: String = form.bytes().map(|b| format!("%{b:02X}")).collect();
        let resolved: Paper = app.get_json(&format!("/api/v1/papers/resolve?key={query}")).await;
        assert_eq!(resolved.id, paper.id, "resolving {form}");
    }
    assert_eq!(
        upstream.seen().len(),
        1,
        "arXiv was asked once; every later form was known"
    );
    assert_eq!(paper_count(&app).await, 1);

    let (status, maml) = import(&app, &user, "conf/icml/FinnAL17").await;
    assert_eq!(status, 201, "{maml}");
    assert_eq!(maml["key"], "dblp:conf/icml/FinnAL17");
    assert_eq!(maml["venue"], "ICML");
    for form in [
        "https://dblp.org/rec/conf/icml/FinnAL17.html",
        "DBLP:conf/icml/FinnAL17",
    ] {
        let (status, again) = import(&app, &user, form).await;
        assert_eq!((status, &again["id"]), (200, &maml["id"]), "{form}");
    }
    let (status, problem) = import(&app, &user, "not an identifier").await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem["errors"]["identifier"].is_array(), "{problem}");

    // arXiv's terms: a second arXiv request from this process waits out three seconds.
    let other = fixture("arxiv-query-id_list-1703.06870.atom.xml").replace("1703.06870", "1706.03762");
    upstream.on("/api/query?id_list=1706.03762", Reply::ok(other));
    let (status, _) = import(&app, &user, "1706.03762").await;
    assert_eq!(status, 201);
    let arxiv: Vec<_> = upstream
        .seen()
        .into_iter()
        .filter(|s| s.target.starts_with("/api/query"))
        .collect();
    let gap = arxiv[1].at - arxiv[0].at;
    assert!(
        gap >= Duration::from_millis(2_990),
        "arXiv requests {gap:?} apart"
    );
}

async fn upstream_failures_leave_nothing_behind(backend: Backend) {
    let services = [
        (
            "arXiv",
            MASK_RCNN,
            "1703.06870",
            fixture("arxiv-query-id_list-1703.06870.atom.xml"),
        ),
        (
            "Crossref",
            CROSSREF_MASK_RCNN,
            "10.1109/iccv.2017.322",
            fixture("crossref-works-10.1109_iccv.2017.322.json"),
        ),
        (
            "DBLP",
            DBLP_MAML,
            "conf/icml/FinnAL17",
            fixture("dblp-rec-conf_icml_FinnAL17.xml"),
        ),
    ];
    for (service, path, identifier, good) in services {
        let unknown = match service {
            "arXiv" => Reply::ok(fixture("arxiv-query-id_list-0000.00000.atom.xml")),
            "Crossref" => Reply::status(404, "Resource not found."),
            _ => Reply::status(404, "<html><body>Not found</body></html>"),
        };
        let failures = [
            ("unknown id", unknown, 404),
            ("server error", Reply::status(500, "oops"), 502),
            ("garbage body", Reply::ok("<html><body>maintenance</body>"), 502),
            ("closed connection", Reply::Hangup, 502),
            (
                "timeout",
                Reply::Slow(Duration::from_secs(4), Box::new(Reply::ok(good.clone()))),
                504,
            ),
            ("rate limited for good", Reply::rate_limited(1), 502),
        ];
        for (case, reply, want) in failures {
            let upstream = Upstream::start().await;
            upstream.on(path, reply);
            let (app, user) = app_with(&upstream, backend).await;
            let (status, problem) = import(&app, &user, identifier).await;
            assert_eq!(status, want, "{service}, {case}: {problem}");
            assert_eq!(problem["status"], want, "{service}, {case}: problem+json");
            if want != 404 {
                let detail = problem["detail"].as_str().unwrap_or_default();
                assert!(
                    detail.contains(service),
                    "{service}, {case}: the detail names the service: {detail}"
                );
            }
            assert_eq!(
                paper_count(&app).await,
                0,
                "{service}, {case}: nothing half-made is left"
            );
        }
        // 429 with Retry-After, then an answer: the import waits as asked and succeeds.
        let upstream = Upstream::start().await;
        upstream.on(
            path,
            Reply::Then(Box::new(Reply::rate_limited(1)), Box::new(Reply::ok(good))),
        );
        let (app, user) = app_with(&upstream, backend).await;
        let (status, paper) = import(&app, &user, identifier).await;
        assert_eq!(status, 201, "{service} after 429: {paper}");
        let seen = upstream.seen();
        assert_eq!(seen.len(), 2, "{service}: one retry");
        assert!(
            seen[1].at - seen[0].at >= Duration::from_millis(990),
            "{service}: Retry-After honoured"
        );
    }
}

async fn a_batch_of_500_keys_resolves_in_one_request_and_a_bounded_number_of_queries(app: TestApp) {
    let page: Page<Paper> = app.get_json("/api/v1/papers?limit=100").await;
    let known: Vec<&Paper> = page.items.iter().filter(|p| p.arxiv_id.is_some()).collect();
    assert!(known.len() >= 5, "the demo set has arXiv papers");
    let mut keys = Vec::new();
    for paper in &known {
        let id = paper.arxiv_id.clone().unwrap();
        keys.extend([
            id.clone(),
            format!("arXiv:{id}v2"),
            format!("https://arxiv.org/abs/{id}"),
            paper.key.clone(),
        ]);
    }
    let known_count = keys.len();
    let mut n = 0;
    while keys.len() < 500 {
        n += 1;
        keys.push(format!("2401.{n:05}"));
    }
    let queries = |metrics: &str| -> u64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("shortscience_db_queries_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the query counter in /metrics")
    };
    let before = queries(&app.get("/metrics").await.text().await.unwrap());
    let response = app.post("/api/v1/papers/resolve", json!({"keys": keys})).await;
    assert_eq!(response.status(), 200);
    let resolved: ResolveResponse = response.json().await.unwrap();
    let after = queries(&app.get("/metrics").await.text().await.unwrap());
    assert!(after - before <= 3, "{} queries for 500 keys", after - before);
    assert_eq!(resolved.results.len(), 500);
    for (i, key) in keys.iter().enumerate() {
        let result = &resolved.results[key];
        if i < known_count {
            let paper = known[i / 4];
            let hit = result.as_ref().unwrap_or_else(|| panic!("{key} resolves"));
            assert_eq!(hit.paper_id, paper.id, "{key}");
            assert_eq!(hit.summary_count, paper.summary_count, "{key}");
        } else {
            assert!(result.is_none(), "{key} is unknown");
        }
    }
    let too_many: Vec<String> = (0..501).map(|i| format!("key{i}")).collect();
    let response = app
        .post("/api/v1/papers/resolve", json!({"keys": too_many}))
        .await;
    assert_eq!(response.status(), 422);
}

async fn the_bibtex_entry_parses_in_a_real_bibtex_parser(app: TestApp) {
    let paper: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let response = app.get(&format!("/api/v1/papers/{}/bibtex", paper.id)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/x-bibtex"),
        "{:?}",
        response.headers()
    );
    let path = app.data_dir.join("paper.bib");
    std::fs::write(&path, response.text().await.unwrap()).unwrap();
    let output = python_tool("bibtex_check.py", &[path.to_str().unwrap()]).await;
    let entry: Value = serde_json::from_str(output.lines().last().unwrap()).unwrap();
    assert_eq!(entry["title"], paper.title.as_str(), "{entry}");
    assert_eq!(entry["author"], paper.authors.join(" and ").as_str(), "{entry}");
    assert_eq!(entry["year"], paper.year.unwrap().to_string().as_str(), "{entry}");
    assert_eq!(entry["eprint"], "1703.06870", "{entry}");
}

async fn the_original_sites_urls_redirect(app: TestApp) {
    let paper: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let location = |response: &reqwest::Response| response.headers()["location"].to_str().unwrap().to_owned();
    let moved = app.get("/paper?bibtexKey=1703.06870").await;
    assert_eq!(moved.status(), 301);
    assert_eq!(location(&moved), format!("/paper/{}", paper.id));
    let summaries: Page<shared::api::Summary> = app
        .get_json(&format!("/api/v1/papers/{}/summaries", paper.id))
        .await;
    let signed = summaries
        .items
        .iter()
        .find(|s| s.author.is_some())
        .expect("a signed demo summary");
    let author = &signed.author.as_ref().unwrap().username;
    let to_summary = app
        .get(&format!("/paper?bibtexKey=arxiv:1703.06870&a={author}"))
        .await;
    assert_eq!(to_summary.status(), 301);
    assert_eq!(location(&to_summary), format!("/summary/{}", signed.id));
    let unknown = app.get("/paper?bibtexKey=He_2099").await;
    assert_eq!(
        unknown.status(),
        302,
        "an unknown key may be imported later: not moved for good"
    );
    assert_eq!(location(&unknown), "/search?q=He_2099");
    let user = app.get("/user?name=mira").await;
    assert_eq!(
        (user.status().as_u16(), location(&user)),
        (301, "/user/mira".to_owned())
    );
    let venue = app.get("/venue?key=conf/icml&year=2017").await;
    assert_eq!(
        (venue.status().as_u16(), location(&venue)),
        (301, "/venue/conf%2Ficml?year=2017".to_owned())
    );
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    user: &TestUser,
    body: Option<Value>,
) -> reqwest::Response {
    app.send(method, path, Some(&user.access_token), body).await
}

/// A summary written straight into the database (as the original site's imports wrote them).
async fn summary_by(app: &TestApp, username: &str, paper_id: &str) -> i64 {
    use sea_orm::{ActiveModelTrait, Set};
    let author = api::db::accounts::find_by_username(&app.db, username)
        .await
        .unwrap()
        .unwrap();
    let now = api::db::now();
    api::db::entity::summaries::ActiveModel {
        paper_id: Set(paper_id.parse().unwrap()),
        author_id: Set(author.id),
        visibility: Set(shared::api::Visibility::Public),
        body_markdown: Set("A summary.".to_owned()),
        body_html: Set("<p>A summary.</p>".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap()
    .id
}

async fn papers_are_fixed_merged_and_refreshed(backend: Backend) {
    use sea_orm::{EntityTrait, QueryFilter};
    let upstream = Upstream::start().await;
    upstream.on(
        MASK_RCNN,
        Reply::ok(fixture("arxiv-query-id_list-1703.06870.atom.xml")),
    );
    let (app, importer) = app_with(&upstream, backend).await;
    let other = app.register("bystander").await;
    let moderator = app.register("keeper").await;
    api::db::accounts::set_role(&app.db, "keeper", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    let (_, arxiv) = import(&app, &importer, "1703.06870").await;
    let a = arxiv["id"].as_str().unwrap().to_owned();
    let paper_path = format!("/api/v1/papers/{a}");
    // A paper with a source is fixed by moderators (or refreshed), not by whoever imported it.
    let typo = json!({"title": "Mask R-CNN (typo fixed)"});
    let by_importer = call(&app, Method::PATCH, &paper_path, &importer, Some(typo.clone())).await;
    assert_eq!(
        by_importer.status(),
        403,
        "the importer may not rewrite a sourced paper"
    );
    let fixed = call(&app, Method::PATCH, &paper_path, &moderator, Some(typo)).await;
    assert_eq!(fixed.status(), 200, "moderators may");
    // A hand-entered paper without identifiers: its creator may fix it until it is summarised.
    let note: Paper = app
        .send(
            Method::POST,
            "/api/v1/papers",
            Some(&other.access_token),
            Some(json!({"title": "Lecture notes", "authors": ["A. Teacher"]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let note_path = format!("/api/v1/papers/{}", note.id);
    let year = || Some(json!({"year": 2018}));
    assert_eq!(
        call(&app, Method::PATCH, &note_path, &other, year())
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, Method::PATCH, &note_path, &importer, year())
            .await
            .status(),
        403,
        "others may not"
    );
    summary_by(&app, "importer", &note.id).await;
    assert_eq!(
        call(&app, Method::PATCH, &note_path, &other, year())
            .await
            .status(),
        403,
        "not once summarised"
    );

    // The same work entered again by hand under its DOI, with a summary on each.
    let entry = json!({"title": "Mask R-CNN", "authors": ["Kaiming He"], "doi": "10.1109/iccv.2017.322"});
    let b: Paper = app
        .send(
            Method::POST,
            "/api/v1/papers",
            Some(&other.access_token),
            Some(entry),
        )
        .await
        .json()
        .await
        .unwrap();
    summary_by(&app, "bystander", &a).await;
    let twice = summary_by(&app, "bystander", &b.id).await;
    summary_by(&app, "importer", &b.id).await;
    let merge_path = format!("/api/v1/papers/{}/merge", b.id);
    let into = json!({"into": a});
    assert_eq!(
        call(&app, Method::POST, &merge_path, &other, Some(into.clone()))
            .await
            .status(),
        403
    );
    let refused = call(&app, Method::POST, &merge_path, &moderator, Some(into.clone())).await;
    assert_eq!(refused.status(), 409);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("bystander"),
        "{problem}"
    );
    // The author deletes one of the two (a soft delete): it no longer blocks the merge. A new
    // live one on the same paper blocks it again (409, not a clash in the database).
    let delete = |id: i64| {
        api::db::entity::summaries::Entity::update_many()
            .col_expr(
                api::db::entity::summaries::Column::DeletedAt,
                sea_orm::sea_query::Expr::value(api::db::now()),
            )
            .filter(sea_orm::ColumnTrait::eq(
                &api::db::entity::summaries::Column::Id,
                id,
            ))
            .exec(&app.db)
    };
    delete(twice).await.unwrap();
    let again = summary_by(&app, "bystander", &b.id).await;
    let refused = call(&app, Method::POST, &merge_path, &moderator, Some(into.clone())).await;
    assert_eq!(refused.status(), 409, "a live summary of both still blocks");
    delete(again).await.unwrap();
    let merged = call(&app, Method::POST, &merge_path, &moderator, Some(into.clone())).await;
    assert_eq!(merged.status(), 200);
    let survivor: Paper = merged.json().await.unwrap();
    assert_eq!(survivor.id, a);
    assert!(
        survivor.keys.contains(&"doi:10.1109/iccv.2017.322".to_owned()),
        "{:?}",
        survivor.keys
    );
    let moved = app.get(&format!("/api/v1/papers/{}", b.id)).await;
    assert_eq!(moved.status(), 301);
    assert_eq!(
        moved.headers()["location"],
        format!("/api/v1/papers/{a}").as_str()
    );
    let resolved: Paper = app
        .get_json("/api/v1/papers/resolve?key=10.1109/iccv.2017.322")
        .await;
    assert_eq!(resolved.id, a, "the merged paper's keys resolve to the survivor");
    let batch: ResolveResponse = app
        .post(
            "/api/v1/papers/resolve",
            json!({"keys": ["10.1109/iccv.2017.322"]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let hit = batch.results["10.1109/iccv.2017.322"].clone().expect("resolves");
    assert_eq!(hit.paper_id, a, "batch resolve answers with the survivor too");
    let listed: Page<shared::api::Summary> = app.get_json(&format!("/api/v1/papers/{a}/summaries")).await;
    assert_eq!(listed.items.len(), 2, "both summaries are on the survivor");

    let refresh_path = format!("/api/v1/papers/{a}/refresh");
    assert_eq!(
        call(&app, Method::POST, &refresh_path, &importer, None)
            .await
            .status(),
        403
    );
    let refreshed = call(&app, Method::POST, &refresh_path, &moderator, None).await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Paper = refreshed.json().await.unwrap();
    assert_eq!(refreshed.title, "Mask R-CNN", "the source's metadata is back");
}

const ARXIV_GAP: Duration = Duration::from_millis(3_100);
const ARXIV_SEARCH: &str = "/api/query?search_query=";
const CROSSREF_SEARCH: &str = "/works?";
const DBLP_SEARCH: &str = "/search/publ/api?";

/// Crossref's answer to a `/works?query…` search: its one Mask R-CNN work as the only item.
fn crossref_search_mask_rcnn() -> String {
    let work: Value = serde_json::from_str(&fixture("crossref-works-10.1109_iccv.2017.322.json")).unwrap();
    json!({"status": "ok", "message-type": "work-list",
           "message": {"total-results": 1, "items": [work["message"]]}})
    .to_string()
}

async fn search(app: &TestApp, q: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app
        .send(
            Method::GET,
            &format!("/api/v1/papers/search-external?q={}", encode(q)),
            None,
            None,
        )
        .await;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap_or(Value::Null))
}

async fn external_search_merges_the_services_and_puts_ours_first(backend: Backend) {
    let upstream = Upstream::start().await;
    upstream.on(DBLP_MAML, Reply::ok(fixture("dblp-rec-conf_icml_FinnAL17.xml")));
    upstream.on(ARXIV_SEARCH, Reply::ok(arxiv_with_doi()));
    upstream.on(CROSSREF_SEARCH, Reply::ok(crossref_search_mask_rcnn()));
    upstream.on(DBLP_SEARCH, Reply::ok(fixture("dblp-search-publ-api-maml.json")));
    let (app, user) = app_with(&upstream, backend).await;
    let (status, maml) = import(&app, &user, "conf/icml/FinnAL17").await;
    assert_eq!(status, 201, "{maml}");

    let (status, headers, body) = search(&app, "mask meta learning").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        headers["ratelimit-policy"]
            .to_str()
            .unwrap()
            .contains("search-external-ip"),
        "the quota is announced"
    );
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    assert!(
        found
            .sources
            .iter()
            .all(|s| s.outcome == SourceOutcome::Ok && s.found == 1),
        "{:?}",
        found.sources
    );
    assert_eq!(
        found.results.len(),
        2,
        "Crossref's Mask R-CNN is arXiv's: {:?}",
        found.results
    );
    let ours = &found.results[0];
    assert_eq!(ours.source, ExternalSource::Local, "ours first");
    assert_eq!(ours.paper_id.as_deref(), maml["id"].as_str());
    assert_eq!(ours.found_by, [ExternalSource::Local, ExternalSource::Dblp]);
    let mask = &found.results[1];
    assert_eq!(mask.paper_id, None);
    assert_eq!(mask.title, "Mask R-CNN");
    assert_eq!(mask.found_by, [ExternalSource::Arxiv, ExternalSource::Crossref]);
    assert_eq!(mask.identifier, "1703.06870");
    assert_eq!(mask.doi.as_deref(), Some("10.1109/iccv.2017.322"));
    assert_eq!(mask.authors.len(), 4);

    // One click: the identifier a result offers imports it, and the next search has it as ours.
    upstream.on(MASK_RCNN, Reply::ok(arxiv_with_doi()));
    let (status, imported) = import(&app, &user, &mask.identifier).await;
    assert_eq!(status, 201, "{imported}");
    // arXiv takes one request per 3 s from us; the test's upstream timeout is 2 s.
    tokio::time::sleep(ARXIV_GAP).await;
    let (_, _, body) = search(&app, "mask meta learning").await;
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    assert!(
        found.results.iter().all(|r| r.source == ExternalSource::Local),
        "{:?}",
        found.results
    );
    assert_eq!(found.results.len(), 2);

    // An identifier is looked up, not searched: ours, in any of its forms.
    let (status, _, body) = search(&app, "https://arxiv.org/abs/1703.06870v1").await;
    assert_eq!(status, 200);
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    assert_eq!(found.results.len(), 1);
    assert_eq!(found.results[0].paper_id.as_deref(), imported["id"].as_str());
    assert!(found.sources.is_empty(), "no service was asked");

    // A slow service and a failing one are reported; what the third found still comes back,
    // after the per-source timeout (2 s in tests), not the slow one's 6 s.
    upstream.on(
        CROSSREF_SEARCH,
        Reply::Slow(
            Duration::from_secs(6),
            Box::new(Reply::ok(crossref_search_mask_rcnn())),
        ),
    );
    upstream.on(DBLP_SEARCH, Reply::status(500, "oops"));
    upstream.on(
        ARXIV_SEARCH,
        Reply::ok(fixture("arxiv-query-id_list-1703.06870.atom.xml").replace("1703.06870", "1801.00001")),
    );
    tokio::time::sleep(ARXIV_GAP).await;
    let started = std::time::Instant::now();
    let (status, _, body) = search(&app, "segmentation").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    let outcome = |source| found.sources.iter().find(|s| s.source == source).unwrap();
    assert_eq!(outcome(ExternalSource::Arxiv).outcome, SourceOutcome::Ok);
    assert_eq!(outcome(ExternalSource::Crossref).outcome, SourceOutcome::Timeout);
    let dblp = outcome(ExternalSource::Dblp);
    assert_eq!(dblp.outcome, SourceOutcome::Failed);
    assert!(
        dblp.detail.as_deref().unwrap_or_default().contains("DBLP"),
        "{dblp:?}"
    );
    // Ours (matched by the full-text index, the abstract too) come first; the services' after.
    let upstream_finds: Vec<_> = found
        .results
        .iter()
        .filter(|r| r.source != ExternalSource::Local)
        .collect();
    assert_eq!(upstream_finds.len(), 1, "{:?}", found.results);
    assert_eq!(upstream_finds[0].identifier, "1801.00001");
    assert_eq!(upstream_finds[0].source, ExternalSource::Arxiv);

    // An identifier we do not have is looked up at its service, not searched for.
    tokio::time::sleep(ARXIV_GAP).await;
    upstream.on(
        "/api/query?id_list=1801.00001",
        Reply::ok(fixture("arxiv-query-id_list-1703.06870.atom.xml").replace("1703.06870", "1801.00001")),
    );
    let (status, _, body) = search(&app, "arXiv:1801.00001v1").await;
    assert_eq!(status, 200, "{body}");
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    assert_eq!(found.results.len(), 1);
    assert_eq!(found.results[0].paper_id, None);
    assert_eq!(found.results[0].identifier, "1801.00001");
    assert_eq!(
        found.sources.len(),
        1,
        "only arXiv was asked: {:?}",
        found.sources
    );
    // Our own titles are searched too, even when no service answers.
    upstream.on(ARXIV_SEARCH, Reply::status(503, "down"));
    let (_, _, body) = search(&app, "Meta-Learning for fast adaptation").await;
    let found: ExternalSearchResponse = serde_json::from_value(body).unwrap();
    assert_eq!(found.results.len(), 1, "{:?}", found.results);
    assert_eq!(found.results[0].paper_id.as_deref(), maml["id"].as_str());

    // Searching changes nothing: only the two imports made papers.
    assert_eq!(paper_count(&app).await, 2);
    // A query with no word in it, and none at all.
    for bad in ["?!", "arXiv:1713.00001", &"x".repeat(301)] {
        let (status, _, problem) = search(&app, bad).await;
        assert_eq!(status, 422, "{bad}: {problem}");
        assert_eq!(
            problem["errors"]["q"].as_array().map(Vec::len),
            Some(1),
            "{problem}"
        );
    }
    let missing = app
        .send(Method::GET, "/api/v1/papers/search-external", None, None)
        .await;
    assert_eq!(missing.status(), 400);
}
