//! The service as a whole: its API description, interactive docs and the SPA shell.

use tests::{Backend, TestApp, on_both_backends, python_tool};

on_both_backends!(with_demo =>
    the_served_spec_validates_and_a_generated_client_works,
    schemathesis_finds_nothing_anonymous_or_signed_in,
);

/// openapi-spec-validator accepts the served document, and openapi-python-client generates a
/// client from it without warnings that lists summaries and reads a paper, unmodified.
async fn the_served_spec_validates_and_a_generated_client_works(app: TestApp) {
    let output = python_tool("validate_spec.py", &[&app.address]).await;
    assert!(output.contains("valid:"), "{output}");
    let work = app.data_dir.join("client");
    let work = work.to_str().expect("a UTF-8 temp path");
    let output = python_tool("client_smoke.py", &[&app.address, work]).await;
    assert!(output.contains("read paper"), "{output}");
}

/// Schemathesis over every operation, with its default checks, as an anonymous caller and as a
/// signed-in user: no server error, no answer the spec does not describe, no input the spec
/// forbids accepted or one it allows refused, 405 with `Allow` for undeclared methods.
async fn schemathesis_finds_nothing_anonymous_or_signed_in(app: TestApp) {
    let user = app.register("fuzzer").await;
    let spec = format!("{}/openapi.json", app.address);
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/python/schemathesis.toml");
    let authorization = format!("Authorization: Bearer {}", user.access_token);
    for extra in [None, Some(authorization.as_str())] {
        let mut args = vec!["--config-file", config, "run", spec.as_str()];
        if let Some(header) = extra {
            args.extend(["--header", header]);
        }
        // A failure makes schemathesis exit non-zero (python_tool fails the test with its report).
        let output = python_tool("schemathesis", &args).await;
        assert!(
            output.contains("Test cases:") && !output.contains("FAILURES"),
            "{output}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checked_in_openapi_file_matches_the_served_spec() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served: serde_json::Value = app.get_json("/openapi.json").await;
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json"))
        .expect("openapi/openapi.json exists");
    let checked_in: serde_json::Value = serde_json::from_str(&file).expect("openapi/openapi.json is JSON");
    assert!(
        served == checked_in,
        "openapi/openapi.json is out of date: run `cargo xtask openapi` and commit the result"
    );
    let text = served.to_string();
    for reference in text.split("\"$ref\":\"#/components/").skip(1) {
        let target = reference.split('"').next().unwrap();
        let (kind, name) = target.split_once('/').unwrap();
        assert!(
            served["components"][kind].get(name).is_some(),
            "#/components/{target} is referenced and never defined"
        );
    }
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(
                !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{method} {path} needs a snake_case operationId, has {id:?}"
            );
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{method} {path} needs a tag"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_docs_are_served_without_network() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let redirect = app.get("/docs").await;
    assert!(redirect.status().is_redirection());
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Its script and stylesheet come from this server, not a CDN.
    assert!(!html.contains("https://"), "no external assets: {html}");
    assert_eq!(app.get("/docs/swagger-ui-bundle.js").await.status(), 200);
}

/// What a reader downloads before the first page shows (the wasm, its JS glue and the
/// stylesheet, as the server sends them to a client that accepts only gzip) stays within the
/// 400 KB budget. The build is deterministic, so this is a size check, not a timing.
#[test]
fn the_readers_bundle_stays_within_its_budget() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    let shell = std::fs::read_to_string(dist.join("index.html"))
        .unwrap_or_else(|e| panic!("index.html ({e}): `cargo xtask test` builds the SPA first"));
    let mut total = 0;
    for (stem, extension) in [("frontend_bg", "wasm"), ("frontend", "js"), ("style", "css")] {
        let file = format!("{}.gz", shell_asset(&shell, stem, extension));
        total += std::fs::metadata(dist.join(&file))
            .unwrap_or_else(|e| panic!("{file}: {e}"))
            .len();
    }
    assert!(total <= 400_000, "the reader's bundle is {total} bytes gzipped");
}

/// The name the shell gives one of the app's files: `stem.<content hash>.extension`.
fn shell_asset(shell: &str, stem: &str, extension: &str) -> String {
    shell
        .split(['"', '\''])
        .filter_map(|part| part.strip_prefix('/'))
        .find(|name| {
            name.strip_prefix(stem)
                .and_then(|rest| rest.strip_prefix('.'))
                .and_then(|rest| rest.strip_suffix(extension))
                .and_then(|hash| hash.strip_suffix('.'))
                .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        })
        .unwrap_or_else(|| panic!("the shell names no {stem}.….{extension}: {shell}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_links_get_the_spa_shell() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for (path, status) in [
        ("/", 200),
        ("/paper/1", 200),
        ("/summary/3", 200),
        ("/search?q=x", 200),
        ("/venue/iccv", 200),
        ("/some/unknown/page", 404),
        ("/paper/999999", 404),
        ("/summary/999999", 404),
    ] {
        app.page(path, status).await;
    }
    assert_eq!(app.get("/missing-file.png").await.status(), 404);
    let shell = app.get("/").await;
    assert_eq!(shell.headers()["cache-control"], "no-cache");
    assert_eq!(shell.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        shell.headers()["x-frame-options"],
        "DENY",
        "other sites cannot frame our pages"
    );
}

/// The app's files are named by their content and kept by browsers for a year; each is sent
/// brotli- or gzip-compressed as the client accepts (compressed at build time), and revalidates
/// with 304. Names the build no longer makes are 404s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_files_are_cached_for_good_and_sent_compressed() {
    use std::io::Read;
    let app = TestApp::spawn(Backend::Sqlite).await;
    let shell = app.page("/", 200).await;
    let get = |path: String, accept: &'static str| {
        let request = app.client.get(app.url(&path));
        async move {
            let request = if accept.is_empty() {
                request
            } else {
                request.header("accept-encoding", accept)
            };
            request.send().await.expect("request failed")
        }
    };
    let style = shell_asset(&shell, "style", "css");
    for (stem, extension, mime) in [
        ("frontend_bg", "wasm", "application/wasm"),
        ("frontend", "js", "text/javascript"),
        ("style", "css", "text/css"),
    ] {
        let path = format!("/{}", shell_asset(&shell, stem, extension));
        let plain = get(path.clone(), "").await;
        assert_eq!(plain.status(), 200, "{path}");
        assert_eq!(
            plain.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            plain.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with(mime),
            "{path}"
        );
        assert_eq!(plain.headers()["content-encoding"], "identity", "{path}");
        let tag = plain.headers()["etag"].clone();
        let plain = plain.bytes().await.unwrap();
        // An encoding without a variant is not made per request: the bytes are the file's.
        let deflate = get(path.clone(), "deflate").await;
        assert_eq!(deflate.headers()["content-encoding"], "identity", "{path}");
        assert_eq!(deflate.headers()["etag"], tag, "{path}");
        assert_eq!(deflate.bytes().await.unwrap(), plain, "{path}");

        let brotli = get(path.clone(), "gzip, deflate, br").await;
        assert_eq!(brotli.headers()["content-encoding"], "br", "{path}");
        assert_eq!(brotli.headers()["vary"], "Accept-Encoding");
        let packed = brotli.bytes().await.unwrap();
        assert!(
            packed.len() < plain.len() / 2,
            "{path}: {} of {}",
            packed.len(),
            plain.len()
        );
        let mut unpacked = Vec::new();
        brotli::Decompressor::new(packed.as_ref(), 4096)
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, plain, "{path}");

        for accept in ["gzip", "br;q=0, gzip;q=0.5"] {
            let gzip = get(path.clone(), accept).await;
            assert_eq!(gzip.headers()["content-encoding"], "gzip", "{path}: {accept}");
            let packed = gzip.bytes().await.unwrap();
            let mut unpacked = Vec::new();
            flate2::read::GzDecoder::new(packed.as_ref())
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(unpacked, plain, "{path}: {accept}");
        }

        let again = app
            .client
            .get(app.url(&path))
            .header("if-none-match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path}");
        assert_eq!(
            again.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        // The old fixed name, and the variants as files of their own.
        assert_eq!(app.get(&format!("/{stem}.{extension}")).await.status(), 404);
        assert_eq!(app.get(&format!("{path}.br")).await.status(), 404);
    }
    // The math font ships in the binary, taken from the renderer's package at build time; the
    // stylesheet names it by its hash too.
    let css = app.get(&format!("/{style}")).await.text().await.unwrap();
    let font = css
        .split('"')
        .find(|part| part.starts_with("/math/latinmodern-math.") && part.ends_with(".woff2"))
        .unwrap_or_else(|| panic!("the stylesheet names the math font: {css}"))
        .to_owned();
    // A browser accepts gzip, but the font is compressed already and is sent as it is.
    let font = get(font, "gzip, deflate, br").await;
    assert_eq!(font.status(), 200);
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert_eq!(font.headers()["content-encoding"], "identity");
    assert_eq!(
        font.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(font.bytes().await.unwrap().starts_with(b"wOF2"));
    // The editor's renderer is imported by its name, so it is revalidated instead.
    let renderer = app.get("/renderer.js").await;
    assert_eq!(renderer.status(), 200);
    assert_eq!(renderer.headers()["cache-control"], "no-cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_html_page_has_a_policy_and_https_sites_send_hsts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for page in ["/", "/docs/"] {
        let response = app.get(page).await;
        assert_eq!(response.status(), 200, "{page}");
        let policy = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("script-src 'self'"), "{page}: {policy}");
        assert!(
            !policy.contains("script-src 'self' 'unsafe-inline'"),
            "{page}: no inline scripts"
        );
        assert!(
            !response.headers().contains_key("strict-transport-security"),
            "not over http"
        );
    }
    let https = TestApp::spawn_with(
        Backend::Sqlite,
        tests::Options {
            public_url: Some("https://shortscience.example".to_owned()),
            ..tests::Options::default()
        },
    )
    .await;
    for path in ["/", "/docs/", "/api/v1/summaries", "/healthz"] {
        let response = https.get(path).await;
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undeclared_methods_get_405_with_allow() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/api/v1/summaries", "GET, HEAD, POST"),
        (
            reqwest::Method::POST,
            "/api/v1/summaries/7",
            "GET, HEAD, PATCH, DELETE",
        ),
        (reqwest::Method::PUT, "/api/v1/me", "GET, HEAD, PATCH"),
        (reqwest::Method::GET, "/api/v1/auth/login", "POST"),
        (reqwest::Method::POST, "/api/v1/papers/7", "GET, HEAD, PATCH"),
        (reqwest::Method::POST, "/openapi.json", "GET, HEAD"),
        (reqwest::Method::POST, "/paper/7", "GET, HEAD"),
    ] {
        let response = app.send(method.clone(), path, None, None).await;
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }
}
