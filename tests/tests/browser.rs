//! The SPA in real headless Chromium, driven over WebDriver: the home page shows demo summaries
//! fetched from the API with their math as MathML, accounts live through the browser, sessions
//! survive several windows, and share links open unlisted summaries.

use tests::browser::Browser;
use tests::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_summaries_with_mathml() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/")).await.unwrap();
    browser
        .wait_for_text("main", "Denoising Diffusion Probabilistic Models")
        .await;
    browser.wait_for_text("main", "Mira Okafor").await;
    // Chromium draws MathML natively: the formulas arrive as <math> elements.
    browser.find(".summary-body math").await;
    browser.close().await;
}

/// Our papers and summaries show as words are typed on the search page, with their matched
/// words marked; the front page's tab, period and field live in its URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_shows_hits_as_you_type_and_the_front_page_keeps_its_choices() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/search")).await.unwrap();
    browser.fill("#paper-query", "diffusion").await;
    browser
        .wait_for_text(".site-hit-list", "Denoising Diffusion Probabilistic Models")
        .await;
    let mark = browser.find(".site-hit-snippet mark").await;
    let marked = mark.text().await.unwrap().to_lowercase();
    assert!(marked.starts_with("diffus"), "{marked}");
    browser
        .client
        .goto(&app.url("/?sort=top&period=week&category=cs"))
        .await
        .unwrap();
    browser
        .wait_for_text(".tabs [aria-current=page]", "Highest rated")
        .await;
    let period = browser.find("#period").await;
    assert_eq!(period.prop("value").await.unwrap().as_deref(), Some("week"));
    let category = browser.find("#category").await;
    assert_eq!(category.prop("value").await.unwrap().as_deref(), Some("cs"));
    browser.close().await;
}

/// Sign up, sign out, sign in by email, survive a reload, sign out; then forget the password,
/// follow the mailed link, and find the old sessions dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_lives_through_the_browser() {
    use serde_json::json;

    let app = TestApp::spawn(Backend::Sqlite).await;
    let browser = Browser::start().await;
    let page = |path: &str| app.url(path);

    browser.client.goto(&page("/register")).await.unwrap();
    browser.fill("#username", "marie").await;
    browser.fill("#email", "marie@example.org").await;
    browser.fill("#password", "radium and polonium").await;
    browser.click("#register-submit").await;
    browser.wait_for_text("#signed-in-as", "marie").await;
    // The confirmation mail got lost: settings can send it again.
    browser.client.goto(&page("/settings")).await.unwrap();
    browser.click("#resend-confirmation").await;
    browser.wait_for_text(".resend-confirmation", "Sent").await;
    let mut confirmations = 0;
    while confirmations < 2 {
        let mail = app
            .mail
            .wait_for("marie@example.org", std::time::Duration::from_secs(15))
            .await;
        confirmations += usize::from(mail.subject().contains("Confirm"));
    }
    browser.click("#sign-out").await;
    browser.find("#sign-in-link").await;

    browser.client.goto(&page("/login")).await.unwrap();
    browser.fill("#login", "marie@example.org").await;
    browser.fill("#password", "radium and polonium").await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#signed-in-as", "marie").await;
    // The access token lives in memory only; a reload restores the session from the cookie.
    browser.client.refresh().await.unwrap();
    browser.wait_for_text("#signed-in-as", "marie").await;
    let storage = browser
        .client
        .execute(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        !storage.to_string().contains("eyJ"),
        "no token readable by page scripts: {storage}"
    );
    browser.click("#sign-out").await;
    browser.find("#sign-in-link").await;
    browser.client.refresh().await.unwrap();
    browser.find("#sign-in-link").await;

    // A session elsewhere (a script), which the password reset must end.
    let script: shared::accounts::AuthResponse = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "marie", "password": "radium and polonium"}),
        )
        .await
        .json()
        .await
        .unwrap();

    browser.client.goto(&page("/forgot-password")).await.unwrap();
    browser.fill("#email", "marie@example.org").await;
    browser.click("#forgot-submit").await;
    let mail = loop {
        let mail = app
            .mail
            .wait_for("marie@example.org", std::time::Duration::from_secs(15))
            .await;
        if mail.subject().contains("Reset") {
            break mail;
        }
    };
    let link = mail
        .find_link("http://shortscience.test/reset-password?token=")
        .expect("a reset link");
    browser
        .client
        .goto(&link.replace("http://shortscience.test", &app.address))
        .await
        .unwrap();
    browser
        .fill("#new-password", "a new radioactive passphrase")
        .await;
    browser.click("#reset-submit").await;
    browser.find("#reset-done").await;

    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": script.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status(), 401, "old sessions are dead");
    browser.client.goto(&page("/login")).await.unwrap();
    browser.fill("#login", "marie").await;
    browser.fill("#password", "a new radioactive passphrase").await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#signed-in-as", "marie").await;
    browser.close().await;
}

/// Two windows of one browser share the single-use refresh cookie. Reloaded together while the
/// server is slow, both restore their session at once: they must take turns, since presenting
/// the token the other just spent would end the session everywhere. A sign-out in one window
/// then reaches the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_windows_refreshing_at_once_stay_signed_in() {
    use std::time::Duration;

    use tests::PASSWORD;

    let app = TestApp::spawn(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/register")).await.unwrap();
    browser.fill("#username", "lise").await;
    browser.fill("#email", "lise@example.org").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("#register-submit").await;
    browser.wait_for_text("#signed-in-as", "lise").await;
    let first = browser.client.window().await.unwrap();
    let second = browser.client.new_window(false).await.unwrap().handle;
    browser.client.switch_to_window(second.clone()).await.unwrap();
    browser.client.goto(&app.url("/")).await.unwrap();
    browser.wait_for_text("#signed-in-as", "lise").await;

    // The test holds SQLite's write lock, so every refresh that reaches the server waits there:
    // both windows' start-up refreshes are in flight together unless the app keeps them apart.
    let slow = api::db::begin_write(&app.db).await.unwrap();
    for window in [&first, &second] {
        browser.client.switch_to_window(window.clone()).await.unwrap();
        browser
            .client
            .execute("setTimeout(() => location.reload());", vec![])
            .await
            .unwrap();
    }
    for window in [&first, &second] {
        browser.client.switch_to_window(window.clone()).await.unwrap();
        // The placeholder shown while the start-up refresh is under way.
        browser.find(".account-nav[aria-hidden='true']").await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.rollback().await.unwrap();

    for window in [&first, &second] {
        browser.client.switch_to_window(window.clone()).await.unwrap();
        browser.wait_for_text("#signed-in-as", "lise").await;
    }
    // Still the live session, not one the server revoked after handing out its access tokens.
    browser.client.refresh().await.unwrap();
    browser.wait_for_text("#signed-in-as", "lise").await;

    browser.click("#sign-out").await;
    browser.find("#sign-in-link").await;
    browser.client.switch_to_window(first).await.unwrap();
    browser.find("#sign-in-link").await;
    browser.client.refresh().await.unwrap();
    browser.find("#sign-in-link").await;
    browser.close().await;
}

/// A share link opens an unlisted summary in the app; without its token the summary is not found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_share_link_opens_an_unlisted_summary() {
    use api::db::entity::summaries;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};

    let app = TestApp::with_demo(Backend::Sqlite).await;
    let summary = summaries::Entity::find().one(&app.db).await.unwrap().unwrap();
    let id = summary.id;
    let first_words: String = summary
        .body_markdown
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let mut unlisted: summaries::ActiveModel = summary.into();
    unlisted.visibility = Set(shared::api::Visibility::Unlisted);
    unlisted.share_token = Set(Some("letmein-0123456789".to_owned()));
    unlisted.update(&app.db).await.unwrap();

    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url(&format!("/summary/{id}?share=letmein-0123456789")))
        .await
        .unwrap();
    browser.find(".summary-body").await;
    browser
        .wait_for_text(".summary-body", first_words.trim_start_matches('#').trim())
        .await;
    browser
        .client
        .goto(&app.url(&format!("/summary/{id}")))
        .await
        .unwrap();
    browser
        .wait_for_text(".not-found", "could not find that summary")
        .await;
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css(".summary-body"))
            .await
            .is_err()
    );
    browser.close().await;
}

/// The original site's `/paper?bibtexKey=…` links and a summary's `\cite{…}` link both end on
/// the paper's page in the app.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_paper_links_and_cite_links_open_the_paper() {
    use api::db::entity::{papers, summaries};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

    let app = TestApp::with_demo(Backend::Sqlite).await;
    let browser = Browser::start().await;
    browser
        .client
        .goto(&app.url("/paper?bibtexKey=1703.06870"))
        .await
        .unwrap();
    browser.wait_for_text(".paper h1", "Mask R-CNN").await;
    let at = browser.client.current_url().await.unwrap();
    assert!(at.path().starts_with("/paper/"), "{at}");

    // A summary of another paper that cites Mask R-CNN by its arXiv id.
    let other = papers::Entity::find()
        .filter(papers::Column::ArxivId.eq("1706.03762"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let writer = summaries::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .author_id;
    let body = "Instance masks as in \\cite{1703.06870} come for free.";
    let now = api::db::now();
    let citing = summaries::ActiveModel {
        paper_id: Set(other.id),
        author_id: Set(writer),
        visibility: Set(shared::api::Visibility::Public),
        body_markdown: Set(body.to_owned()),
        body_html: Set(shared::markdown::render_markdown(body)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    let citing = match citing.insert(&app.db).await {
        Ok(row) => row,
        // The demo author may have summarised that paper already: cite from theirs instead.
        Err(_) => {
            let mut mine: summaries::ActiveModel = summaries::Entity::find()
                .filter(summaries::Column::PaperId.eq(other.id))
                .filter(summaries::Column::AuthorId.eq(writer))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap()
                .into();
            mine.body_markdown = Set(body.to_owned());
            mine.body_html = Set(shared::markdown::render_markdown(body));
            mine.update(&app.db).await.unwrap()
        }
    };
    browser
        .client
        .goto(&app.url(&format!("/summary/{}", citing.id)))
        .await
        .unwrap();
    browser.wait_for_text(".summary-body", "come for free").await;
    browser.click(".summary-body a.cite").await;
    browser.wait_for_text(".paper h1", "Mask R-CNN").await;
    browser.close().await;
}

/// A `\cite{…}` of a paper we do not have ends on the search page, which looks the key up and
/// offers to add the paper; adding it opens its page, whose venue link leads to the venue, and
/// whose follow button follows it. A title search then finds it as ours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_paper_is_found_added_followed_and_listed_by_venue() {
    use tests::upstream::{Reply, Upstream, fixture};

    let upstream = Upstream::start().await;
    upstream.on(
        "/rec/conf/icml/FinnAL17.xml",
        Reply::ok(fixture("dblp-rec-conf_icml_FinnAL17.xml")),
    );
    upstream.on(
        "/search/publ/api?",
        Reply::ok(fixture("dblp-search-publ-api-maml.json")),
    );
    let options = tests::Options {
        upstream: Some(upstream.url.clone()),
        ..tests::Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options).await;
    let reader = app.register("reader").await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/login")).await.unwrap();
    browser.fill("#login", "reader").await;
    browser.fill("#password", tests::PASSWORD).await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#signed-in-as", "reader").await;

    browser
        .client
        .goto(&app.url("/paper?bibtexKey=conf/icml/FinnAL17"))
        .await
        .unwrap();
    browser
        .wait_for_text("#paper-query-reading", "DBLP key conf/icml/FinnAL17")
        .await;
    browser
        .wait_for_text(".paper-result-title", "Model-Agnostic Meta-Learning")
        .await;
    browser.click(".import-paper").await;
    browser
        .wait_for_text(".paper h1", "Model-Agnostic Meta-Learning")
        .await;
    let at = browser.client.current_url().await.unwrap();
    let paper_id = at
        .path()
        .strip_prefix("/paper/")
        .expect("on the paper's page")
        .to_owned();

    browser.find("#follow-paper[aria-pressed=false]").await;
    browser.click("#follow-paper").await;
    browser.find("#follow-paper[aria-pressed=true]").await;
    let follow = app
        .send(
            reqwest::Method::GET,
            &format!("/api/v1/papers/{paper_id}/follow"),
            Some(&reader.access_token),
            None,
        )
        .await;
    assert_eq!(follow.status(), 204, "the click was stored");

    browser.click("#paper-venue").await;
    browser.wait_for_text(".page-intro h1", "ICML 2017").await;
    browser.find(".tabs a[aria-current=page]").await;

    browser.client.goto(&app.url("/search")).await.unwrap();
    browser.fill("#paper-query", "model agnostic meta learning").await;
    browser.wait_for_text("#paper-query-reading", "Title words").await;
    browser.click("#paper-search").await;
    browser
        .wait_for_text(".paper-result-source", "On ShortScience")
        .await;
    let results = browser
        .client
        .find_all(fantoccini::Locator::Css(".paper-result"))
        .await
        .unwrap();
    assert_eq!(results.len(), 1, "DBLP's find is the paper we have");
    let offers = browser
        .client
        .find_all(fantoccini::Locator::Css(".import-paper"))
        .await
        .unwrap();
    assert!(offers.is_empty(), "nothing to add");
    browser.click(".paper-result-action a").await;
    browser
        .wait_for_text(".paper h1", "Model-Agnostic Meta-Learning")
        .await;
    browser.close().await;
}

/// A reader signs in, opens a paper and writes a summary with math, a table and a citation: the
/// preview shows MathML while they type, and the published page shows exactly the preview's
/// HTML. Then they comment under it, and edit the comment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_summary_is_written_with_a_live_preview_and_published_as_previewed() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    app.register("writer").await;
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let browser = Browser::start().await;
    browser.client.goto(&app.url("/login")).await.unwrap();
    browser.fill("#login", "writer").await;
    browser.fill("#password", tests::PASSWORD).await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#signed-in-as", "writer").await;

    browser
        .client
        .goto(&app.url(&format!("/paper/{}", paper.id)))
        .await
        .unwrap();
    browser.click("#write-summary").await;
    browser.find("#summary-markdown").await;
    let markdown = "The mask loss picks $\\arg\\min_r \\|r\\|_2$ per class.\n\n$$L = L_{cls} + L_{box} + L_{mask}$$\n\n$$\\begin{align} L &= L_{cls} + L_{box} \\nonumber \\\\ &= \\overline{L'} \\tag{M} \\\\ x &= \\cancel{y} \\end{align}$$\n\n| head | AP |\n|---|---|\n| mask | 37.1 |\n\nBuilds on \\cite{1703.06870}.\n";
    browser.fill("#summary-markdown", markdown).await;
    browser.find("#summary-preview math").await;
    browser.find("#summary-preview table").await;
    let preview_html = || async {
        browser
            .client
            .execute(
                "return document.querySelector('#summary-preview').innerHTML;",
                vec![],
            )
            .await
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The preview follows the last keystroke; wait until it holds the citation at the end.
    let mut preview = preview_html().await;
    for _ in 0..50 {
        if preview.contains("cite") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        preview = preview_html().await;
    }
    // Then it settles: the render of the whole text.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let preview = preview_html().await;
    assert!(
        preview.contains("math-eqno") && preview.contains("math-cancel"),
        "{preview}"
    );
    // The preview came from the renderer module in the browser, not from the server.
    let fetched = browser
        .client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    let fetched = fetched.as_str().unwrap();
    assert!(fetched.contains("/renderer_bg."), "{fetched}");
    assert!(!fetched.contains("/api/v1/render"), "{fetched}");
    browser.click("#summary-publish").await;
    browser
        .wait_for_text(".summary-page .summary-body", "per class")
        .await;
    let published = browser
        .client
        .execute(
            "return document.querySelector('.summary-page .summary-body').innerHTML;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        published.as_str().unwrap(),
        preview,
        "the page shows what the preview showed"
    );

    browser
        .fill("#new-comment", "Does the $L_{mask}$ term need a weight?")
        .await;
    browser.click(".comment-form button[type=submit]").await;
    browser.wait_for_text(".comment-body", "term need a weight").await;
    browser.find(".comment-body math").await;
    // The commenter edits it in place.
    browser.click(".edit-comment").await;
    browser
        .fill("textarea[id^='edit-']", "Does $L_{mask}$ need a weight? (edited)")
        .await;
    browser
        .click("form:has(textarea[id^='edit-']) button[type=submit]")
        .await;
    browser.wait_for_text(".comment-body", "(edited)").await;
    browser.wait_for_text(".comment-meta", "edited").await;
    browser.close().await;
}

async fn sign_in(browser: &Browser, app: &TestApp, username: &str) {
    browser.client.goto(&app.url("/login")).await.unwrap();
    browser.fill("#login", username).await;
    browser.fill("#password", tests::PASSWORD).await;
    browser.click("#login-submit").await;
    browser.wait_for_text("#signed-in-as", username).await;
}

/// A reader reports a summary from its page; a moderator finds it in the queue at /moderation
/// and hides it with a note, the log records it, and the summary is gone for everyone else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_reports_a_summary_and_a_moderator_hides_it() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let reader = app.register("reader").await;
    let warden = app.register("warden").await;
    api::db::accounts::set_role(&app.db, "warden", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    let page: shared::api::Page<shared::api::Summary> = app.get_json("/api/v1/summaries").await;
    let id = page.items[0].id.clone();
    // The reader has a summary of their own, and the warden has commented on it.
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let own: shared::api::Summary = app
        .send(
            reqwest::Method::POST,
            "/api/v1/summaries",
            Some(&reader.access_token),
            Some(serde_json::json!({"paper_id": paper.id, "body_markdown": "Mine."})),
        )
        .await
        .json()
        .await
        .unwrap();
    let commented = app
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/summaries/{}/comments", own.id),
            Some(&warden.access_token),
            Some(serde_json::json!({"body_markdown": "Nice."})),
        )
        .await;
    assert_eq!(commented.status(), 201);

    let browser = Browser::start().await;
    sign_in(&browser, &app, "reader").await;
    // The header counts the unread notification; the page says what happened and marks it read.
    browser
        .wait_for_text("#notifications-link .unread-count", "1")
        .await;
    browser.click("#notifications-link").await;
    browser
        .wait_for_text(".notification.unread", "commented on your summary")
        .await;
    browser.click("#mark-read").await;
    browser.find(".notification:not(.unread)").await;
    browser
        .client
        .goto(&app.url(&format!("/summary/{id}")))
        .await
        .unwrap();
    browser.click(".summary-report .report-button").await;
    browser
        .fill(&format!("#report-summary-{id}"), "Copied from the abstract.")
        .await;
    browser
        .click(".summary-report .report-form button[type=submit]")
        .await;
    browser
        .wait_for_text(".summary-report .reported", "Reported")
        .await;
    // Readers have no queue.
    browser.client.goto(&app.url("/moderation")).await.unwrap();
    browser.wait_for_text(".page-intro", "for moderators").await;
    browser.click("#sign-out").await;
    browser.find("#sign-in-link").await;

    sign_in(&browser, &app, "warden").await;
    browser.click("a[href='/moderation']").await;
    browser
        .wait_for_text(".report-item", "Copied from the abstract.")
        .await;
    browser.fill(".report-item input", "Plagiarism.").await;
    browser.click(".report-item button.hide").await;
    browser.wait_for_text(".moderation", "No open reports.").await;
    browser.close().await;
    let log: shared::api::Page<shared::moderation::ModerationLogEntry> = app
        .send(
            reqwest::Method::GET,
            "/api/v1/moderation/log",
            Some(&warden.access_token),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log.items[0].action, shared::moderation::ModerationAction::Hide);
    assert_eq!(log.items[0].note.as_deref(), Some("Plagiarism."));
    assert_eq!(
        app.get(&format!("/api/v1/summaries/{id}")).await.status(),
        404,
        "hidden from everyone else"
    );
}

/// In the editor, an image picked from disk is uploaded and lands in the text as Markdown, and
/// the preview shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_is_uploaded_from_the_editor() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    app.register("writer").await;
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let file = app.data_dir.join("figure.png");
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(4, 3)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&file, png).unwrap();

    let browser = Browser::start().await;
    sign_in(&browser, &app, "writer").await;
    browser
        .client
        .goto(&app.url(&format!("/write?paper={}", paper.id)))
        .await
        .unwrap();
    browser.fill("#summary-markdown", "The architecture: ").await;
    browser
        .find("#summary-image")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    for _ in 0..100 {
        let text = browser
            .client
            .execute(
                "return document.querySelector('#summary-markdown').value;",
                vec![],
            )
            .await
            .unwrap();
        if text.as_str().is_some_and(|t| t.contains("![figure.png](")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let image = browser.find("#summary-preview img").await;
    let src = image.attr("src").await.unwrap().unwrap();
    assert!(src.starts_with("/uploads/") && src.ends_with(".png"), "{src}");
    browser.close().await;
}

/// Formulas as LaTeX sets them, measured from the layout in Chromium on a machine without a
/// math font (the bundled one is the only one): aligned columns, growing fences and radicals,
/// limits under and over, rules and boxes drawn, equation numbers in their rows; and the font
/// itself fetched only by a page with math.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formulas_are_laid_out_as_latex_sets_them_in_the_bundled_font() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let author = app.register("typesetter").await;
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1703.06870").await;
    let markdown = r"Inline $\left(\frac{QK^\top}{\sqrt{d_k}}\right)$, $\overline{AB}$ and $\color{red}{r}$.

$$\begin{aligned} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{aligned}$$

$$\begin{split} a &= b + c + d \\ &= e \end{split}$$

$$f(x) = \begin{cases} 1 & x > 0 \\ -1000 & \text{otherwise} \end{cases}$$

$$\sqrt{\sum_{i=1}^{n} x_i^2}$$

$$\sum_{i=1}^{n} x_i$$

$$\boxed{x = 1}$$

$$\begin{align} a &= b + c \\ d &= e \end{align}$$

$$x_{1} + x_{2} + x_{3} + x_{4} + x_{5} + x_{6} + x_{7} + x_{8} + x_{9} + x_{10} + x_{11} + x_{12} + x_{13} + x_{14} + x_{15} + x_{16} + x_{17} + x_{18} + x_{19} + x_{20} + x_{21} + x_{22} + x_{23} + x_{24} + x_{25} + x_{26} + x_{27} + x_{28} + x_{29} + x_{30} + x_{31} + x_{32} + x_{33} + x_{34} + x_{35} + x_{36} + x_{37} + x_{38} + x_{39} + x_{40} + x_{41} + x_{42} + x_{43} + x_{44} + x_{45} + x_{46} + x_{47} + x_{48} + x_{49} + x_{50} + x_{51} + x_{52} + x_{53} + x_{54} + x_{55} + x_{56} + x_{57} + x_{58} + x_{59} + x_{60}$$
";
    let response = app
        .send(
            reqwest::Method::POST,
            "/api/v1/summaries",
            Some(&author.access_token),
            Some(serde_json::json!({"paper_id": paper.id, "body_markdown": markdown})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let summary: shared::api::Summary = response.json().await.unwrap();

    let browser = Browser::start().await;
    let font_fetched = || async {
        browser
            .client
            .execute(
                "return performance.getEntriesByType('resource').some(e => /\\/math\\/latinmodern-math\\.[0-9a-f]{16}\\.woff2$/.test(e.name));",
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            .unwrap()
    };
    browser.client.goto(&app.url("/login")).await.unwrap();
    browser.find("#login").await;
    assert!(
        !font_fetched().await,
        "a page without math does not fetch the math font"
    );

    browser
        .client
        .goto(&app.url(&format!("/summary/{}", summary.id)))
        .await
        .unwrap();
    browser.find(".summary-body .math-eqno").await;
    let measured = browser
        .client
        .execute_async(MEASURE_FORMULAS, vec![])
        .await
        .unwrap();
    let m: serde_json::Value = serde_json::from_str(measured.as_str().unwrap()).unwrap();
    let close = |a: &serde_json::Value, b: &serde_json::Value| {
        (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 0.5
    };
    let f = |key: &str| m[key].as_f64().unwrap_or_else(|| panic!("{key} in {m}"));
    for block in ["aligned", "split"] {
        let xs = m[block].as_array().unwrap();
        assert!(
            xs.len() == 2 && close(&xs[0], &xs[1]),
            "the = of {block} share one x: {m}"
        );
    }
    let cases = m["cases"].as_array().unwrap();
    assert!(
        cases.len() == 2 && close(&cases[0], &cases[1]),
        "cases are left-aligned: {m}"
    );
    assert!(
        f("fence") > 1.3 * f("textLine"),
        "\\left( grows past the text line: {m}"
    );
    assert!(f("fence") >= 0.95 * f("frac"), "\\left( covers the fraction: {m}");
    assert!(
        f("sqrtTop") < f("radicandTop")
            && f("sqrtBottom") > f("radicandBottom") + 1.0
            && f("sqrtLeft") < f("radicandLeft") - 2.0,
        "the radical spans its radicand: {m}"
    );
    assert!(
        f("underTop") >= f("sumBottom") - 0.5 && f("overBottom") <= f("sumTop") + 0.5,
        "display limits sit below and above: {m}"
    );
    assert!(
        f("sumBottom") - f("sumTop") > 1.25 * f("textLine"),
        "a display sum is larger than text: {m}"
    );
    assert!(
        f("overlineBorder") > 0.0
            && f("overlineLeft") <= f("aLeft") + 0.5
            && f("overlineRight") >= f("bRight") - 0.5,
        "\\overline spans both letters: {m}"
    );
    assert!(f("boxBorder") > 0.0, "\\boxed has a border: {m}");
    assert_eq!(m["red"], "rgb(255, 0, 0)", "\\color is drawn: {m}");
    assert_eq!(
        m["numbers"],
        serde_json::json!(["(1)", "(2)"]),
        "align numbers its rows: {m}"
    );
    assert!(
        m["numbersRight"].as_bool().unwrap(),
        "numbers sit right of their rows, level with them: {m}"
    );

    // A formula wider than the page scrolls in a box keyboard users reach and scroll.
    let wide = browser
        .client
        .execute(
            "const wide = [...document.querySelectorAll('.summary-body .math-display')] \
               .find(b => b.scrollWidth > b.clientWidth + 100); \
             if (!wide) return null; wide.id = 'wide-formula'; \
             return [wide.tabIndex, wide.getAttribute('aria-label'), wide.scrollLeft];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        wide,
        serde_json::json!([0, "Formula", 0]),
        "a focusable, named box"
    );
    browser
        .find("#wide-formula")
        .await
        .send_keys("\u{e014}\u{e014}\u{e014}\u{e014}")
        .await
        .unwrap();
    let scrolled = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             const wide = document.getElementById('wide-formula'); \
             const started = performance.now(); \
             (function settled() { \
               if (wide.scrollLeft > 0 || performance.now() - started > 3000) \
                 done([document.activeElement === wide, wide.scrollLeft > 0]); \
               else requestAnimationFrame(settled); \
             })();",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        scrolled,
        serde_json::json!([true, true]),
        "focused and scrolled by the arrow key (the scroll is animated)"
    );

    assert!(font_fetched().await, "a page with math fetches the bundled font");
    let loaded = browser
        .client
        .execute(
            "return [...document.fonts].some(f => f.family.replace(/\"/g, '') === 'Latin Modern Math' && f.status === 'loaded');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(loaded, true, "the bundled math font loaded");
    // The font Chromium drew a formula with, as its DevTools report it.
    browser.devtools("DOM.enable", serde_json::json!({})).await;
    browser.devtools("CSS.enable", serde_json::json!({})).await;
    let document = browser
        .devtools("DOM.getDocument", serde_json::json!({"depth": 0}))
        .await;
    let node = browser
        .devtools(
            "DOM.querySelector",
            serde_json::json!({"nodeId": document["root"]["nodeId"], "selector": ".summary-body math[display=\"block\"] mi"}),
        )
        .await;
    let fonts = browser
        .devtools(
            "CSS.getPlatformFontsForNode",
            serde_json::json!({"nodeId": node["nodeId"]}),
        )
        .await;
    let used = &fonts["fonts"][0];
    assert_eq!(used["familyName"], "Latin Modern Math", "{fonts}");
    assert_eq!(
        used["isCustomFont"], true,
        "the math font is the web font, not a system one: {fonts}"
    );
    browser.close().await;
}

/// Measures the formulas of the layout test once the fonts are ready; returns JSON.
const MEASURE_FORMULAS: &str = r#"
const done = arguments[arguments.length - 1];
document.fonts.ready.then(() => {
  const rect = (e) => e.getBoundingClientRect();
  const body = document.querySelector('.summary-body');
  const blocks = [...body.querySelectorAll('math[display="block"]')];
  const equalsX = (block) => [...block.querySelectorAll('mtr')].map((row) =>
    rect([...row.querySelectorAll('mo')].find((mo) => mo.textContent === '=')).left);
  const fence = [...body.querySelectorAll('mo')].find((mo) => mo.textContent === '(' && mo.getAttribute('stretchy') === 'true');
  const text = document.createRange();
  text.selectNodeContents(body.querySelector('p').firstChild);
  const sqrt = blocks[3].querySelector('msqrt');
  const [sum, under, over] = blocks[4].querySelector('munderover').children;
  const overline = body.querySelector('.math-overline');
  const letters = overline.querySelectorAll('mi');
  const align = [...blocks[6].querySelectorAll('mtr')];
  const numbers = align.map((row) => row.querySelector('.math-eqno')?.textContent);
  const numbersRight = align.every((row) => {
    const number = rect(row.querySelector('.math-eqno'));
    const content = rect(row.querySelector('mtd:nth-child(2)'));
    return number.left > content.right + 20 && number.top < content.bottom && number.bottom > content.top;
  });
  done(JSON.stringify({
    aligned: equalsX(blocks[0]),
    split: equalsX(blocks[1]),
    cases: [...blocks[2].querySelectorAll('mtr')].map((row) => rect(row.querySelector('mtd').firstElementChild).left),
    fence: rect(fence).height,
    frac: rect(fence.parentElement.querySelector('mfrac')).height,
    textLine: text.getBoundingClientRect().height,
    sqrtTop: rect(sqrt).top, sqrtBottom: rect(sqrt).bottom, sqrtLeft: rect(sqrt).left,
    radicandTop: rect(sqrt.firstElementChild).top, radicandBottom: rect(sqrt.firstElementChild).bottom,
    radicandLeft: rect(sqrt.firstElementChild).left,
    sumTop: rect(sum).top, sumBottom: rect(sum).bottom, underTop: rect(under).top, overBottom: rect(over).bottom,
    overlineBorder: parseFloat(getComputedStyle(overline).borderTopWidth),
    overlineLeft: rect(overline).left, overlineRight: rect(overline).right,
    aLeft: rect(letters[0]).left, bRight: rect(letters[1]).right,
    boxBorder: parseFloat(getComputedStyle(body.querySelector('.math-boxed')).borderTopWidth),
    red: getComputedStyle(body.querySelector('[style*="color"]')).color,
    numbers, numbersRight,
  }));
});
"#;

/// Collects the page's layout shifts so far (the buffered `layout-shift` entries) not caused by
/// input: their sum, which is never less than the page's CLS, and what moved; and the requests
/// that failed.
const LAYOUT_SHIFTS: &str = r#"
const done = arguments[arguments.length - 1];
const report = (entries) => {
  const shifts = entries.filter((e) => !e.hadRecentInput);
  done(JSON.stringify({
    total: shifts.reduce((sum, e) => sum + e.value, 0),
    failed: performance.getEntriesByType('resource').filter((e) => e.responseStatus >= 400).map((e) => e.name),
    shifts: shifts.map((e) => ({
      value: e.value,
      moved: e.sources.map((s) => s.node ? `${s.node.nodeName}.${s.node.className || ''}` : '?'),
    })),
  }));
};
new PerformanceObserver((list) => report(list.getEntries())).observe({ type: 'layout-shift', buffered: true });
setTimeout(() => report([]), 1000);
"#;

/// A cold load of the page over a slow network, as a phone and as a desktop sees it: the sum of
/// its layout shifts once it has settled.
async fn layout_shift(browser: &Browser, url: &str, ready: &str, phone: bool) -> serde_json::Value {
    use serde_json::json;
    browser.devtools("Network.enable", json!({})).await;
    browser
        .devtools("Network.setCacheDisabled", json!({"cacheDisabled": true}))
        .await;
    // Roughly a fast 3G connection: every request waits, and the wasm takes a while.
    browser
        .devtools(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": 150, "downloadThroughput": 750_000, "uploadThroughput": 250_000}),
        )
        .await;
    let (width, height) = if phone { (412, 823) } else { (1280, 900) };
    browser
        .devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": if phone { 2 } else { 1 }, "mobile": phone}),
        )
        .await;
    browser.client.goto("about:blank").await.unwrap();
    browser.client.goto(url).await.unwrap();
    browser.find(ready).await;
    // Late arrivals (fonts, the session check, images) have had time to land.
    tokio::time::sleep(std::time::Duration::from_millis(2000)).await;
    let measured = browser.client.execute_async(LAYOUT_SHIFTS, vec![]).await.unwrap();
    serde_json::from_str(measured.as_str().unwrap()).unwrap()
}

/// The home and paper pages do not move under the reader while they load, on a phone or a
/// desktop, signed out or signed in: cumulative layout shift at most 0.1 (Web Vitals' "good"),
/// measured with the layout-shift API. And an anonymous visit asks for nothing that fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_and_paper_pages_hold_still_while_they_load() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let paper: shared::api::Paper = app.get_json("/api/v1/papers/resolve?key=1706.03762").await;
    let browser = Browser::start().await;
    let pages = [
        ("/".to_owned(), ".summary-card"),
        (format!("/paper/{}", paper.id), ".summary-card"),
    ];
    check_layout_shifts(&browser, &app, &pages, false).await;
    app.register("steady").await;
    sign_in(&browser, &app, "steady").await;
    check_layout_shifts(&browser, &app, &pages, true).await;
    browser.close().await;
}

async fn check_layout_shifts(browser: &Browser, app: &TestApp, pages: &[(String, &str)], signed_in: bool) {
    for (path, ready) in pages {
        for phone in [true, false] {
            let shifts = layout_shift(browser, &app.url(path), ready, phone).await;
            let total = shifts["total"].as_f64().unwrap();
            let seen = format!(
                "{path}, {}, {}",
                if signed_in { "signed in" } else { "signed out" },
                if phone { "phone" } else { "desktop" }
            );
            assert!(
                total <= 0.1,
                "{seen}: layout shift {total:.3}: {}",
                shifts["shifts"]
            );
            if !signed_in {
                assert_eq!(shifts["failed"], serde_json::json!([]), "{seen}: failed requests");
            }
        }
    }
}
