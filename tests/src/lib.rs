//! Test harness: starts the real service on port 0 over a fresh SQLite file or a fresh
//! PostgreSQL database and talks to it over HTTP. Mail goes to a local SMTP sink.

pub mod browser;
pub mod smtp_sink;
pub mod upstream;

use std::path::PathBuf;
use std::time::Duration;

use api::config::Config;
use api::rate_limit::RateLimits;
use api::startup::{Application, ServerHandle};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use shared::accounts::AuthResponse;

use crate::smtp_sink::SmtpSink;

/// The signing secret of test apps, so tests can forge tokens the way an attacker holding
/// the key would (and prove the server's checks beyond the signature).
pub const TEST_JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A password that passes the rules.
pub const PASSWORD: &str = "correct horse battery staple";

/// The database engines every test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// How to start a test app.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Rate limits with every window shortened to this; `None` turns limits off.
    pub rate_limit_window: Option<Duration>,
    /// Mail goes to this SMTP URL instead of the app's own sink (e.g. a server that is down).
    pub smtp_url: Option<String>,
    /// The site's public URL (default `http://shortscience.test`).
    pub public_url: Option<String>,
    /// Base URL of a stand-in for arXiv (`…/api/query`), Crossref and DBLP. Without one the
    /// metadata services are a closed port on 127.0.0.1: tests never reach the internet.
    pub upstream: Option<String>,
    /// Count rate limits in the Redis at `SHORTSCIENCE_TEST_REDIS_URL` (default
    /// `redis://127.0.0.1:6379`), under a prefix of this app's own, shared with the instances
    /// started beside it ([`TestApp::spawn_beside`]).
    pub redis: bool,
}

/// A running service and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The service's own database, for setting up states the API cannot create (yet).
    pub db: DatabaseConnection,
    pub data_dir: PathBuf,
    pub mail: SmtpSink,
    /// The PostgreSQL database this app owns, dropped with it.
    postgres_database: Option<String>,
    config: Config,
    options: Options,
    server: ServerHandle,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot block on async work: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(drop_statement(&name)).ok()
        });
        let _ = dropped.join();
    }
}

/// A signed-up user and their session.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub username: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    /// Starts the service on a fresh database of the given engine.
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> TestApp {
        let name = format!("sstest_{}", uuid::Uuid::new_v4().simple());
        let data_dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&data_dir).expect("creating the test data folder");
        let (database_url, postgres_database) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}?mode=rwc", data_dir.join("test.db").display()),
                None,
            ),
            Backend::Postgres => (fresh_postgres_database(&name).await, Some(name.clone())),
        };
        let mail = SmtpSink::start().await;
        let smtp_url = options.smtp_url.clone().unwrap_or_else(|| mail.url());
        let upstream = options
            .upstream
            .clone()
            .unwrap_or_else(|| "http://127.0.0.1:9".to_owned());
        let public_url = options
            .public_url
            .clone()
            .unwrap_or_else(|| "http://shortscience.test".to_owned());
        let redis_url = options.redis.then(|| {
            std::env::var("SHORTSCIENCE_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
        });
        let rate_limits = if options.rate_limit_window.is_some() {
            "on"
        } else {
            "off"
        };
        let config = Config::from_lookup(|var| match var {
            "SHORTSCIENCE_DATABASE_URL" => Some(database_url.clone()),
            "SHORTSCIENCE_BIND" => Some("127.0.0.1:0".to_owned()),
            "SHORTSCIENCE_DATA_DIR" => Some(data_dir.display().to_string()),
            "SHORTSCIENCE_JWT_SECRET" => Some(TEST_JWT_SECRET.to_owned()),
            "SHORTSCIENCE_SMTP_URL" => Some(smtp_url.clone()),
            "SHORTSCIENCE_PUBLIC_URL" => Some(public_url.clone()),
            "SHORTSCIENCE_ARXIV_API_URL" => Some(format!("{upstream}/api/query")),
            "SHORTSCIENCE_CROSSREF_API_URL" | "SHORTSCIENCE_DBLP_API_URL" => Some(upstream.clone()),
            "SHORTSCIENCE_UPSTREAM_TIMEOUT_SECONDS" => Some("2".to_owned()),
            "SHORTSCIENCE_RATE_LIMITS" => Some(rate_limits.to_owned()),
            "SHORTSCIENCE_REDIS_URL" => redis_url.clone(),
            "SHORTSCIENCE_REDIS_PREFIX" => Some(name.clone()),
            _ => None,
        })
        .expect("test configuration");
        let db = api::db::connect_migrated(&config.database_url)
            .await
            .expect("connecting and migrating");
        let (address, server) = start(&config, &db, &options).await;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        TestApp {
            address,
            client,
            db,
            data_dir,
            mail,
            postgres_database,
            config,
            options,
            server,
        }
    }

    /// Stops the service (its outbox worker too) and starts it again on the same database,
    /// sending mail to `smtp_url` from now on: a restart after an outage.
    pub async fn restart_with_smtp(&mut self, smtp_url: String) {
        self.server.stop(true).await;
        self.config.smtp_url = Some(api::config::Secret::new(smtp_url));
        let (address, server) = start(&self.config, &self.db, &self.options).await;
        self.address = address;
        self.server = server;
    }

    /// Starts a second instance of the service on this one's database, as a load balancer's
    /// second backend would run: its own process state (connections, caches, local rate-limit
    /// windows, data folder) and the same configuration otherwise. It migrates on start like any
    /// instance. The first app owns the database; this one leaves it when dropped.
    pub async fn spawn_beside(&self) -> TestApp {
        let name = format!("sstest_{}", uuid::Uuid::new_v4().simple());
        let data_dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&data_dir).expect("creating the test data folder");
        let mut config = self.config.clone();
        config.data_dir = data_dir.clone();
        let db = api::db::connect_migrated(&config.database_url)
            .await
            .expect("connecting and migrating");
        let (address, server) = start(&config, &db, &self.options).await;
        TestApp {
            address,
            client: self.client.clone(),
            db,
            data_dir,
            mail: SmtpSink::start().await,
            postgres_database: None,
            config,
            options: self.options.clone(),
            server,
        }
    }

    /// Starts the service and loads the demo set.
    pub async fn with_demo(backend: Backend) -> TestApp {
        let app = TestApp::spawn(backend).await;
        assert!(api::demo::load(&app.db).await.expect("loading the demo set"));
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// GETs a path and decodes a 200 JSON body.
    /// Fetches an app page as a crawler would (no scripts run): it must answer `status` with
    /// the app's HTML shell. Returns the HTML.
    pub async fn page(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), status, "{path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        let html = response.text().await.unwrap();
        assert!(html.contains("/frontend."), "{path} serves the app");
        html
    }

    /// Statements the handlers have sent so far, from `/metrics`.
    pub async fn statements(&self) -> u64 {
        let metrics = self.get("/metrics").await.text().await.unwrap();
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("shortscience_db_queries_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the query counter in /metrics")
    }

    /// Every item of a paginated list, following `next_cursor` from `path` (which has a query).
    pub async fn every_page<T: serde::de::DeserializeOwned>(&self, path: &str) -> Vec<T> {
        let mut items = Vec::new();
        let mut page: shared::api::Page<T> = self.get_json(path).await;
        loop {
            items.append(&mut page.items);
            match page.next_cursor {
                Some(cursor) => page = self.get_json(&format!("{path}&cursor={cursor}")).await,
                None => return items,
            }
        }
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request failed")
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, None, Some(body)).await
    }

    /// Signs up `username` with [`PASSWORD`] and returns the session.
    /// A personal API token of `user` that may only read (its secret), as the authorization
    /// matrices try every write with.
    pub async fn read_only_token(&self, user: &TestUser) -> String {
        let response = self
            .send(
                reqwest::Method::POST,
                "/api/v1/me/tokens",
                Some(&user.access_token),
                Some(json!({"name": "read", "scopes": ["read"]})),
            )
            .await;
        assert_eq!(response.status(), 201, "creating a read-only token");
        let created: shared::accounts::CreatedToken = response.json().await.expect("a created token");
        created.secret
    }

    pub async fn register(&self, username: &str) -> TestUser {
        let email = format!("{username}@example.org");
        let response = self
            .post(
                "/api/v1/auth/register",
                json!({"username": username, "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status(), 201, "registering {username}");
        let auth: AuthResponse = response.json().await.expect("auth response");
        TestUser {
            username: username.to_owned(),
            email,
            access_token: auth.access_token,
            refresh_token: auth.refresh_token.expect("a refresh token in the body"),
        }
    }
}

/// Binds and starts the service; returns its base URL and a handle that stops it.
async fn start(config: &Config, db: &DatabaseConnection, options: &Options) -> (String, ServerHandle) {
    let limits = RateLimits::from_config(config, options.rate_limit_window)
        .await
        .expect("connecting the rate limits' store");
    let app = Application::with_limits(config.clone(), db.clone(), limits)
        .await
        .expect("starting the service");
    let address = format!("http://{}", app.address());
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());
    (address, server)
}

/// Creates an empty database on the server named by `SHORTSCIENCE_TEST_POSTGRES_URL` and
/// returns its URL. A missing variable or server fails the test: PostgreSQL is never skipped.
fn postgres_admin_url() -> String {
    std::env::var("SHORTSCIENCE_TEST_POSTGRES_URL").expect(
        "SHORTSCIENCE_TEST_POSTGRES_URL must name a PostgreSQL server, \
         e.g. postgres://postgres@127.0.0.1:5432/postgres (`cargo xtask test` sets it)",
    )
}

/// Creates an empty PostgreSQL database `name` and returns its URL (see [`drop_postgres_database`]).
pub async fn fresh_postgres_database(name: &str) -> String {
    on_admin(&format!("CREATE DATABASE {name}"))
        .await
        .expect("creating a test database");
    let base = postgres_admin_url();
    let (server, _) = base.rsplit_once('/').expect("the URL names a database");
    format!("{server}/{name}")
}

/// Drops a database made by [`fresh_postgres_database`], closing its connections.
pub async fn drop_postgres_database(name: &str) {
    drop_statement(name).await.expect("dropping a test database");
}

async fn drop_statement(name: &str) -> Result<(), sea_orm::DbErr> {
    on_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
}

/// Runs one statement on the server's admin database (`SHORTSCIENCE_TEST_POSTGRES_URL`).
async fn on_admin(sql: &str) -> Result<(), sea_orm::DbErr> {
    let admin = sea_orm::Database::connect(postgres_admin_url().as_str()).await?;
    let done = admin.execute_unprepared(sql).await.map(drop);
    let _ = admin.close().await;
    done
}

/// Runs each named async test function `fn(TestApp)` once on SQLite and once on PostgreSQL,
/// starting the app with the `TestApp` constructor named first (e.g. `with_demo`).
#[macro_export]
macro_rules! on_both_backends {
    ($start:ident => $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestApp::$start($crate::Backend::Sqlite).await).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::TestApp::$start($crate::Backend::Postgres).await).await
                }
            )*
        }
    };
}

/// Runs a Python test tool from the virtualenv that `cargo xtask test` makes (it sets
/// `SHORTSCIENCE_TEST_PYTHON`). `program` is a script in `tests/python/` (`*.py`) or a command
/// the virtualenv installed (e.g. `schemathesis`). A missing virtualenv fails the test: these
/// checks are never skipped. Returns the combined output; panics with it when the tool fails.
pub async fn python_tool(program: &str, args: &[&str]) -> String {
    let python = PathBuf::from(std::env::var("SHORTSCIENCE_TEST_PYTHON").expect(
        "SHORTSCIENCE_TEST_PYTHON must name the Python of the test tools' virtualenv \
         (`cargo xtask test` makes it from tests/python/requirements.txt and sets it)",
    ));
    let here = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/python"));
    let mut command = if program.ends_with(".py") {
        let mut command = tokio::process::Command::new(&python);
        command.arg(here.join(program));
        command
    } else {
        tokio::process::Command::new(python.with_file_name(program))
    };
    // The tools call each other (openapi-python-client runs ruff): the virtualenv comes first.
    let bin = python.parent().map(PathBuf::from).unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::var_os("PATH").iter().flat_map(std::env::split_paths)),
    )
    .expect("a PATH");
    let output = command
        .args(args)
        .env("PATH", path)
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .unwrap_or_else(|e| panic!("starting {program}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{program} {args:?} failed:\n{text}");
    text
}
