//! Test harness: starts the real service on port 0 over a fresh SQLite file or a fresh
//! PostgreSQL database and talks to it over HTTP.

use std::path::PathBuf;

use api::config::Config;
use api::startup::Application;
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The database engines every test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running service and a client for it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The service's own database, for setting up states the API cannot create (yet).
    pub db: DatabaseConnection,
    pub data_dir: PathBuf,
}

impl TestApp {
    /// Starts the service on a fresh database of the given engine.
    pub async fn spawn(backend: Backend) -> TestApp {
        let name = format!("sstest_{}", uuid::Uuid::new_v4().simple());
        let data_dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&data_dir).expect("creating the test data folder");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rwc", data_dir.join("test.db").display()),
            Backend::Postgres => fresh_postgres_database(&name).await,
        };
        let config = Config::from_lookup(|var| match var {
            "SHORTSCIENCE_DATABASE_URL" => Some(database_url.clone()),
            "SHORTSCIENCE_BIND" => Some("127.0.0.1:0".to_owned()),
            "SHORTSCIENCE_DATA_DIR" => Some(data_dir.display().to_string()),
            _ => None,
        })
        .expect("test configuration");
        let db = api::db::connect(&config.database_url).await.expect("connecting");
        api::db::migrate(&db).await.expect("migrating");
        let app = Application::with_database(config, db.clone()).expect("starting the service");
        let address = format!("http://{}", app.address());
        tokio::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        TestApp {
            address,
            client,
            db,
            data_dir,
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
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }
}

/// Creates an empty database on the server named by `SHORTSCIENCE_TEST_POSTGRES_URL` and
/// returns its URL. A missing variable or server fails the test: PostgreSQL is never skipped.
async fn fresh_postgres_database(name: &str) -> String {
    let base = std::env::var("SHORTSCIENCE_TEST_POSTGRES_URL").expect(
        "SHORTSCIENCE_TEST_POSTGRES_URL must name a PostgreSQL server, \
         e.g. postgres://postgres@127.0.0.1:5432/postgres (`cargo xtask test` sets it)",
    );
    let admin = sea_orm::Database::connect(base.as_str())
        .await
        .expect("connecting to SHORTSCIENCE_TEST_POSTGRES_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("creating a test database");
    let _ = admin.close().await;
    let (server, _) = base.rsplit_once('/').expect("the URL names a database");
    format!("{server}/{name}")
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
