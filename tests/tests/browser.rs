//! The SPA in real headless Chromium: the home page shows demo summaries fetched from the API,
//! with their math as MathML.

use std::process::Command;

use tests::{Backend, TestApp};

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// The page's DOM after its scripts ran (virtual time lets the wasm app fetch and render).
fn rendered_dom(url: &str) -> String {
    let profile = std::env::temp_dir().join(format!("sstest_chromium_{}", uuid::Uuid::new_v4().simple()));
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=10000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("starting {} (apt-get install chromium): {e}", chromium()));
    let _ = std::fs::remove_dir_all(profile);
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("DOM is UTF-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_shows_summaries_with_mathml() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let url = app.url("/");
    let dom = tokio::task::spawn_blocking(move || rendered_dom(&url))
        .await
        .unwrap();
    assert!(
        dom.contains("Denoising Diffusion Probabilistic Models"),
        "a demo paper title is shown:\n{dom}"
    );
    assert!(
        dom.contains("<math"),
        "summary math is MathML in the page:\n{dom}"
    );
    assert!(dom.contains("Mira Okafor"), "summary authors are shown");
}
