//! Real headless Chromium for end-to-end tests, driven over WebDriver (chromedriver).

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::process::{Child, Command};

/// A Chrome DevTools Protocol command, sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: serde_json::Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.command, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A browser session; chromedriver is killed when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
}

/// The Chromium binary (`CHROMIUM` overrides).
pub fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn chromedriver() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned())
}

/// The flags that make Chromium start headless and quietly on a machine without a network.
pub const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
];

impl Browser {
    /// Starts chromedriver and a fresh Chromium profile.
    pub async fn start() -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "starting {} (apt-get install chromium-driver): {e}",
                    chromedriver()
                )
            });
        let profile = std::env::temp_dir().join(format!("sstest_profile_{}", uuid::Uuid::new_v4().simple()));
        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".to_owned(),
            json!({"binary": chromium(), "args": args}),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        _driver: driver,
                    };
                }
                Err(err) => last_error = Some(err),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("could not start a Chromium session: {last_error:?}");
    }

    /// Runs a DevTools command (for what WebDriver cannot tell, such as the font a node is
    /// drawn with) and returns its result.
    pub async fn devtools(&self, command: &'static str, params: serde_json::Value) -> serde_json::Value {
        self.client
            .issue_cmd(DevTools { command, params })
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"))
    }

    /// Waits for an element matching the CSS selector.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// Types into the field matching the selector.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clearing a field");
        field.send_keys(text).await.expect("typing");
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Waits until the element's text contains `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        for _ in 0..150 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.text().await.is_ok_and(|t| t.contains(text))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let page = self.client.source().await.unwrap_or_default();
        panic!("{css} never showed {text:?}; page:\n{page}");
    }

    /// Ends the WebDriver session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
