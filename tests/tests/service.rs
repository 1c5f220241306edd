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
/// stylesheet, gzipped as the server sends them) stays within the 400 KB budget. The build is
/// deterministic, so this is a size check, not a timing.
#[test]
fn the_readers_bundle_stays_within_its_budget() {
    use std::io::Write;
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/dist");
    let mut total = 0;
    for file in ["frontend_bg.wasm", "frontend.js", "style.css"] {
        let bytes = std::fs::read(dist.join(file))
            .unwrap_or_else(|e| panic!("{file} ({e}): `cargo xtask test` builds the SPA first"));
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(&bytes).unwrap();
        total += gzip.finish().unwrap().len();
    }
    assert!(total <= 400_000, "the reader's bundle is {total} bytes gzipped");
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
    let wasm = app.get("/frontend_bg.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(app.get("/missing-file.png").await.status(), 404);
    // The math font ships in the binary, taken from the renderer's package at build time.
    let font = app.get("/math/latinmodern-math.woff2").await;
    assert_eq!(font.status(), 200);
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert!(font.bytes().await.unwrap().starts_with(b"wOF2"));
    let shell = app.get("/").await;
    assert_eq!(shell.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        shell.headers()["x-frame-options"],
        "DENY",
        "other sites cannot frame our pages"
    );
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
