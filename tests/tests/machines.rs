//! What bots, crawlers and link previews read, on SQLite and PostgreSQL: the feeds, parsed with a
//! real feed parser (feedparser, as the Reddit bot does: `shortscience:arxivid` on the items
//! whose papers have one, anonymous authors named "Anonymous" and nowhere else, only public
//! summaries, conditional GETs), and the head of pages fetched without running scripts (Open
//! Graph, JSON-LD, 404 for what does not exist).

use reqwest::Method;
use serde_json::{Value, json};
use shared::api::{Paper, Summary};
use tests::{TestApp, TestUser, on_both_backends, python_tool};

on_both_backends!(with_demo =>
    the_rss_feed_carries_what_the_bots_read,
    atom_feeds_follow_a_paper_an_author_and_a_venue,
    pages_show_crawlers_their_head_without_scripts,
    the_sitemap_lists_what_crawlers_may_index,
    a_summary_is_cited_in_bibtex,
    the_export_streams_every_public_summary,
    random_opens_a_public_summary,
);

/// The `content` of the `<meta property|name="{name}">` tag in `html`.
fn meta_content(html: &str, name: &str) -> Option<String> {
    let pattern = format!("=\"{name}\" content=\"");
    let rest = &html[html.find(&pattern)? + pattern.len()..];
    let value = &rest[..rest.find('"')?];
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// The page's JSON-LD.
fn json_ld(html: &str) -> Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD in the head")
        + "<script type=\"application/ld+json\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

async fn pages_show_crawlers_their_head_without_scripts(app: TestApp) {
    let paper: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let html = app.page(&format!("/paper/{}", paper.id), 200).await;
    assert_eq!(
        meta_content(&html, "og:title").as_deref(),
        Some(format!("{} · ShortScience", paper.title).as_str()),
        "{html}"
    );
    assert_eq!(meta_content(&html, "og:type").as_deref(), Some("article"));
    assert!(
        html.contains(&format!("<title>{} · ShortScience</title>", paper.title)),
        "{html}"
    );
    let canonical = format!("http://shortscience.test/paper/{}", paper.id);
    assert!(
        html.contains(&format!("<link rel=\"canonical\" href=\"{canonical}\">")),
        "{html}"
    );
    assert_eq!(meta_content(&html, "og:url"), Some(canonical));
    let article = json_ld(&html);
    assert_eq!(article["@type"], "ScholarlyArticle", "{article}");
    assert_eq!(article["name"], paper.title.as_str(), "{article}");
    assert_eq!(
        article["author"][0]["name"],
        paper.authors[0].as_str(),
        "{article}"
    );
    assert!(meta_content(&html, "description").is_some_and(|d| !d.is_empty()));

    let (workshop, anonymous, private) = anonymous_and_private_summaries(&app).await;
    let html = app.page(&format!("/summary/{}", anonymous.id), 200).await;
    assert!(
        meta_content(&html, "og:title").unwrap().contains(&workshop.title),
        "{html}"
    );
    let review = json_ld(&html);
    assert_eq!(review["author"]["name"], "Anonymous", "{review}");
    assert_eq!(
        review["itemReviewed"]["name"],
        workshop.title.as_str(),
        "{review}"
    );
    assert!(
        !html.contains("secretwriter"),
        "an anonymous author is named nowhere"
    );
    // What a stranger may not see is not there, for crawlers too.
    let hidden = app.page(&format!("/summary/{}", private.id), 404).await;
    assert!(!hidden.contains("My private notes"), "{hidden}");

    let writer = app.register("profiled").await;
    let html = app.page(&format!("/user/{}", writer.username), 200).await;
    assert_eq!(json_ld(&html)["@type"], "ProfilePage");
    for missing in [
        "/paper/999999",
        "/paper/x",
        "/summary/999999",
        "/user/nobody-here",
        "/venue/no-such-venue",
        "/no/such/page",
    ] {
        let html = app.page(missing, 404).await;
        assert!(html.contains("<title>ShortScience</title>"), "{missing}: {html}");
    }
}

/// Parses `path`'s feed with feedparser; returns what it read.
async fn parsed(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let file = app.data_dir.join("feed.xml");
    std::fs::write(&file, response.bytes().await.unwrap()).unwrap();
    let output = python_tool("feed_check.py", &[file.to_str().unwrap()]).await;
    let feed: Value = serde_json::from_str(output.lines().last().unwrap()).unwrap();
    assert_eq!(feed["bozo"], false, "{path} parses cleanly: {feed}");
    feed
}

async fn publish(app: &TestApp, author: &TestUser, body: Value) -> Summary {
    let response = app
        .send(
            Method::POST,
            "/api/v1/summaries",
            Some(&author.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn upvote(app: &TestApp, voter: &TestUser, summary: &Summary) {
    let path = format!("/api/v1/summaries/{}/vote", summary.id);
    let response = app
        .send(
            Method::PUT,
            &path,
            Some(&voter.access_token),
            Some(json!({"value": 1})),
        )
        .await;
    assert!(response.status().is_success());
}

/// A paper without an arXiv id, with an upvoted summary by `hidden_name` published anonymously
/// and a private one; returns the anonymous summary.
async fn anonymous_and_private_summaries(app: &TestApp) -> (Paper, Summary, Summary) {
    let adder = app.register("adder").await;
    let response = app
        .send(
            Method::POST,
            "/api/v1/papers",
            Some(&adder.access_token),
            Some(json!({"title": "A Workshop Paper Without an arXiv Id", "authors": ["Ada Author"]})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let paper: Paper = response.json().await.unwrap();
    let secret = app.register("secretwriter").await;
    let anonymous = publish(
        app,
        &secret,
        json!({"paper_id": paper.id, "body_markdown": "An anonymous take, $x^2$.", "anonymous": true}),
    )
    .await;
    upvote(app, &adder, &anonymous).await;
    let private = publish(
        app,
        &adder,
        json!({"paper_id": paper.id, "body_markdown": "My private notes.", "visibility": "private"}),
    )
    .await;
    (paper, anonymous, private)
}

async fn the_rss_feed_carries_what_the_bots_read(app: TestApp) {
    let (_, anonymous, private) = anonymous_and_private_summaries(&app).await;
    let feed = parsed(&app, "/rss.xml").await;
    assert_eq!(feed["version"], "rss20", "{feed}");
    let entries = feed["entries"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.len() <= 100, "{feed}");
    let mut with_arxiv_id = 0;
    for entry in entries {
        let link = entry["link"].as_str().unwrap();
        let id = link.rsplit('/').next().unwrap();
        assert!(link.ends_with(&format!("/summary/{id}")), "{entry}");
        let summary: Summary = app.get_json(&format!("/api/v1/summaries/{id}")).await;
        let paper: Paper = app
            .get_json(&format!("/api/v1/papers/{}", summary.paper.id))
            .await;
        assert_eq!(entry["arxivid"].as_str(), paper.arxiv_id.as_deref(), "{entry}");
        with_arxiv_id += usize::from(paper.arxiv_id.is_some());
        assert_eq!(entry["bibtexkey"], paper.key.as_str(), "{entry}");
        assert_eq!(entry["votes"], summary.score.to_string().as_str(), "{entry}");
        assert!(summary.score > 0, "only summaries voted above zero: {entry}");
        assert_eq!(entry["title"], paper.title.as_str());
        assert!(entry["text"].as_str().unwrap().chars().count() <= 501, "{entry}");
    }
    assert!(
        with_arxiv_id > 0,
        "the demo's arXiv papers carry their ids: {feed}"
    );
    let anonymous_entry = entries
        .iter()
        .find(|e| {
            e["link"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/summary/{}", anonymous.id))
        })
        .unwrap_or_else(|| panic!("the upvoted anonymous summary is in the feed: {feed}"));
    assert_eq!(anonymous_entry["author"], "Anonymous");
    assert!(anonymous_entry["arxivid"].is_null(), "{anonymous_entry}");
    let raw = app.get("/rss.xml").await.text().await.unwrap();
    assert!(
        !raw.contains("secretwriter"),
        "an anonymous author is named nowhere"
    );
    assert!(
        !raw.contains(&format!("/summary/{}", private.id)),
        "private summaries are not listed"
    );

    // The full feed carries the rendered text, math included.
    let full = parsed(&app, "/rss-full.xml").await;
    let full_entry = full["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["link"] == anonymous_entry["link"])
        .unwrap();
    assert!(
        full_entry["text"].as_str().unwrap().contains("<math"),
        "{full_entry}"
    );

    // Conditional GETs: the tag and the date each answer 304 until a summary is voted in.
    let first = app.get("/rss.xml").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let modified = first.headers()["last-modified"].to_str().unwrap().to_owned();
    let again = |header: &'static str, value: String| {
        let client = reqwest::Client::new();
        let url = app.url("/rss.xml");
        async move {
            client
                .get(url)
                .header(header, value)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(again("if-none-match", etag.clone()).await, 304);
    // A vote or a moderator changes a feed without changing any item's edit time, so the date
    // informs but never answers 304 by itself.
    assert!(
        chrono::DateTime::parse_from_rfc2822(&modified).is_ok(),
        "{modified}"
    );
    assert_eq!(again("if-modified-since", modified).await, 200);
    let voter = app.register("latevoter").await;
    let writer = app.register("latewriter").await;
    let paper: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let late = publish(
        &app,
        &writer,
        json!({"paper_id": paper.id, "body_markdown": "Late."}),
    )
    .await;
    upvote(&app, &voter, &late).await;
    assert_eq!(
        again("if-none-match", etag).await,
        200,
        "a summary voted in changes the feed"
    );
}

async fn atom_feeds_follow_a_paper_an_author_and_a_venue(app: TestApp) {
    let (paper, anonymous, private) = anonymous_and_private_summaries(&app).await;
    let site = parsed(&app, "/feeds/summaries.atom").await;
    assert_eq!(site["version"], "atom10", "{site}");
    let links = |feed: &Value| -> Vec<String> {
        feed["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["link"].as_str().unwrap().to_owned())
            .collect()
    };
    let has = |feed: &Value, summary: &Summary| {
        links(feed)
            .iter()
            .any(|l| l.ends_with(&format!("/summary/{}", summary.id)))
    };
    assert!(has(&site, &anonymous) && !has(&site, &private), "{site}");

    let of_paper = parsed(&app, &format!("/feeds/papers/{}.atom", paper.id)).await;
    assert_eq!(
        links(&of_paper).len(),
        1,
        "the paper's one public summary: {of_paper}"
    );
    assert_eq!(of_paper["entries"][0]["author"], "Anonymous");

    // An author's feed never holds their anonymous summaries.
    let secret = parsed(&app, "/feeds/users/secretwriter.atom").await;
    assert!(links(&secret).is_empty(), "{secret}");
    let mask: Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let named = app.register("namedwriter").await;
    let signed = publish(
        &app,
        &named,
        json!({"paper_id": mask.id, "body_markdown": "Signed."}),
    )
    .await;
    let by_author = parsed(&app, "/feeds/users/namedwriter.atom").await;
    assert!(has(&by_author, &signed), "{by_author}");

    if let Some(venue) = mask.venue_key.as_deref() {
        let encoded = shared::percent::encode(venue, b"");
        let of_venue = parsed(&app, &format!("/feeds/venues/{encoded}.atom")).await;
        assert!(has(&of_venue, &signed), "{of_venue}");
    }

    for missing in [
        "/feeds/papers/999999.atom".to_owned(),
        "/feeds/papers/x.atom".to_owned(),
        "/feeds/users/nobody-here.atom".to_owned(),
        "/feeds/venues/no-such-venue.atom".to_owned(),
    ] {
        assert_eq!(app.get(&missing).await.status(), 404, "{missing}");
    }
}

async fn the_sitemap_lists_what_crawlers_may_index(app: TestApp) {
    let (workshop, anonymous, private) = anonymous_and_private_summaries(&app).await;
    let robots = app.get("/robots.txt").await.text().await.unwrap();
    assert!(
        robots.contains("Sitemap: http://shortscience.test/sitemap.xml"),
        "{robots}"
    );
    assert!(robots.contains("Disallow: /api/"), "{robots}");
    let index = app.get("/sitemap.xml").await;
    assert_eq!(index.status(), 200);
    assert!(
        index.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/xml")
    );
    let index = index.text().await.unwrap();
    let mut all = String::new();
    for section in ["papers", "summaries", "users", "venues"] {
        let loc = format!("<loc>http://shortscience.test/sitemaps/{section}-1.xml</loc>");
        assert!(index.contains(&loc), "{index}");
        let file = app.get(&format!("/sitemaps/{section}-1.xml")).await;
        assert_eq!(file.status(), 200, "{section}");
        all.push_str(&file.text().await.unwrap());
    }
    let url = |path: String| format!("<loc>http://shortscience.test{path}</loc>");
    assert!(all.contains(&url(format!("/summary/{}", anonymous.id))), "{all}");
    assert!(
        !all.contains(&url(format!("/summary/{}", private.id))),
        "private summaries are not listed"
    );
    assert!(all.contains(&url(format!("/paper/{}", workshop.id))), "{all}");
    assert!(all.contains(&url("/user/secretwriter".to_owned())), "{all}");
    assert!(all.contains(&url("/venue/iccv".to_owned())), "{all}");
    assert!(all.contains("<lastmod>"), "{all}");
    for missing in [
        "/sitemaps/summaries-2.xml",
        "/sitemaps/summaries-0.xml",
        "/sitemaps/summaries-01.xml",
        "/sitemaps/papers-200000000000000.xml",
        "/sitemaps/papers-18446744073709551615.xml",
        "/sitemaps/nothing-1.xml",
        "/sitemaps/x.xml",
    ] {
        assert_eq!(app.get(missing).await.status(), 404, "{missing}");
    }
}

/// `GET /summaries/{id}/bibtex` parses in a real BibTeX parser (bibtexparser), names the author
/// only where the summary does, and exists only where the summary may be read.
async fn a_summary_is_cited_in_bibtex(app: TestApp) {
    let (workshop, anonymous, private) = anonymous_and_private_summaries(&app).await;
    let response = app
        .get(&format!("/api/v1/summaries/{}/bibtex", anonymous.id))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/x-bibtex")
    );
    let text = response.text().await.unwrap();
    assert!(!text.contains("secretwriter"), "{text}");
    let path = app.data_dir.join("summary.bib");
    std::fs::write(&path, &text).unwrap();
    let output = python_tool("bibtex_check.py", &[path.to_str().unwrap()]).await;
    let entry: Value = serde_json::from_str(output.lines().last().unwrap()).unwrap();
    assert_eq!(entry["ENTRYTYPE"], "misc", "{entry}");
    assert_eq!(entry["author"], "Anonymous", "{entry}");
    assert!(
        entry["title"].as_str().unwrap().contains(&workshop.title),
        "{entry}"
    );
    assert_eq!(
        entry["url"],
        format!("http://shortscience.test/summary/{}", anonymous.id).as_str(),
        "{entry}"
    );
    assert_eq!(entry["license"], anonymous.license.as_str(), "{entry}");
    assert!(entry["note"].as_str().unwrap().contains("Revision 1"), "{entry}");
    let private_entry = app.get(&format!("/api/v1/summaries/{}/bibtex", private.id)).await;
    assert_eq!(private_entry.status(), 404);
}

/// `GET /export/summaries.ndjson` holds every summary the public lists hold, each once, across
/// several of the export's batches, and nothing private.
async fn the_export_streams_every_public_summary(app: TestApp) {
    let (_, anonymous, private) = anonymous_and_private_summaries(&app).await;
    api::demo::generate(&app.db, 250, 11).await.unwrap();
    let listed: std::collections::BTreeSet<String> = app
        .every_page::<Summary>("/api/v1/summaries?limit=100")
        .await
        .into_iter()
        .map(|s| s.id)
        .collect();
    let response = app.get("/api/v1/export/summaries.ndjson").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let exported: Vec<Summary> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let ids: std::collections::BTreeSet<String> = exported.iter().map(|s| s.id.clone()).collect();
    assert!(listed.len() > 250, "several batches: {}", listed.len());
    assert_eq!(ids.len(), exported.len(), "each summary once");
    assert_eq!(ids, listed, "the export holds what the lists hold");
    assert!(!ids.contains(&private.id));
    let anonymous = exported.iter().find(|s| s.id == anonymous.id).unwrap();
    assert!(
        anonymous.author.is_none(),
        "anonymous authors stay anonymous in the export"
    );
    assert!(!text.contains("secretwriter"));
    // A client that accepts only text gets the same lines as text.
    let as_text = reqwest::Client::new()
        .get(app.url("/api/v1/export/summaries.ndjson"))
        .header("accept", "text/plain")
        .send()
        .await
        .unwrap();
    assert_eq!(as_text.headers()["content-type"], "text/plain; charset=utf-8");
    assert_eq!(as_text.text().await.unwrap().lines().count(), exported.len());
}

/// `/random` sends readers to a public summary, and over many draws to more than one.
async fn random_opens_a_public_summary(app: TestApp) {
    let (_, _, private) = anonymous_and_private_summaries(&app).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let response = client.get(app.url("/random")).send().await.unwrap();
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let id = location.strip_prefix("/summary/").unwrap().to_owned();
        assert_ne!(id, private.id);
        let summary = app.get(&format!("/api/v1/summaries/{id}")).await;
        assert_eq!(summary.status(), 200, "{location} is readable by anyone");
        seen.insert(id);
    }
    assert!(seen.len() > 1, "{seen:?}");
}
