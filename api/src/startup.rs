//! Builds the HTTP service from configuration: state, middleware, routes, docs and the SPA.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
pub use actix_web::dev::ServerHandle;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::{MaybeAuthUser, password};
use crate::config::{Config, Secret};
use crate::domain::scope::Scope;
use crate::error::{json_error, normalize_error_response, path_error, query_error};
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::outbox::Outbox;
use crate::rate_limit::RateLimits;
use crate::routes::{self, AllowedMethods, ApiDoc, StandardResponses};
use crate::upstream::Upstreams;
use crate::{db, middleware};
use tokio::task::JoinHandle;

/// JSON bodies above this size get 413.
const JSON_LIMIT: usize = 1 << 20;

/// What every handler can reach.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    pub metrics: Metrics,
    pub jwt: JwtKeys,
    pub limits: RateLimits,
    /// Wakes the outbox worker after a write queued mail.
    pub outbox: Outbox,
    /// arXiv, Crossref and DBLP.
    pub upstreams: Upstreams,
    /// Verified against when a login names no account, so both failures take the same time.
    pub decoy_hash: String,
    /// Public answers for readers without an account.
    pub cache: crate::cache::ResponseCache,
}

impl AppState {
    /// The visibility scope of a reader.
    pub fn scope<'a>(&self, reader: &'a MaybeAuthUser) -> Scope<'a> {
        Scope::new(reader.0.as_ref())
    }
}

/// A bound, not yet running server with its outbox worker.
pub struct Application {
    address: SocketAddr,
    server: Server,
    worker: JoinHandle<()>,
    popularity: JoinHandle<()>,
}

impl Application {
    /// Connects to the configured database, migrates it and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = db::connect_migrated(&config.database_url).await?;
        Application::with_database(config, db).await
    }

    /// Binds the service over an already migrated database. Port 0 picks a free port.
    pub async fn with_database(config: Config, db: DatabaseConnection) -> anyhow::Result<Application> {
        let limits = RateLimits::from_config(&config, None).await?;
        Application::with_limits(config, db, limits).await
    }

    /// As [`Application::with_database`], with explicit rate limits (tests shorten their windows).
    pub async fn with_limits(
        config: Config,
        db: DatabaseConnection,
        limits: RateLimits,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
        let address = listener.local_addr()?;
        let mailer = Mailer::new(
            config.smtp_url.as_ref().map(Secret::expose),
            &config.mail_from,
            config.is_local_site(),
        )?;
        let outbox = Outbox::default();
        let worker = outbox.spawn_worker(db.clone(), mailer, config.public_url.clone());
        let popularity = spawn_popularity_job(db.clone());
        // Counted from here: the handlers' statements, not the worker's polling.
        let metrics = Metrics::new()?;
        let mut db = db;
        metrics.count_queries(&mut db);
        let state = web::Data::new(AppState {
            jwt: JwtKeys::from_config(&config)?,
            decoy_hash: password::decoy().await?,
            cache: crate::cache::ResponseCache::default(),
            upstreams: Upstreams::new(&config)?,
            limits,
            outbox,
            db,
            config,
            metrics,
        });
        let spec = openapi();
        let allowed = web::Data::new(AllowedMethods::from_spec(&spec));
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(routes::configure)
                .split_for_parts();
            app.app_data(state.clone())
                .app_data(allowed.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(JSON_LIMIT)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", spec.clone()))
                .service(web::redirect("/docs", "/docs/"))
                .configure(routes::feeds::configure)
                .configure(routes::sitemap::configure)
                .configure(routes::pages::configure)
                .configure(routes::legacy::configure)
                .configure(routes::uploads::configure_files)
                .default_service(web::to(routes::spa::fallback))
                .wrap(ErrorHandlers::new().default_handler(normalize_error_response))
                .wrap(from_fn(middleware::conditional_get))
                .wrap(from_fn(crate::cache::serve))
                .wrap(from_fn(middleware::head_as_get))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::security_headers))
                // Defence in depth for every page and response: no MIME sniffing, no framing of
                // our pages by other sites, no full URLs (share tokens) leaked to other sites.
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "strict-origin-when-cross-origin")),
                )
                .wrap(from_fn(middleware::request_context))
        })
        // Answers go out as soon as they are written: with Nagle's algorithm a small answer's
        // last segment waited for the client's delayed ACK (25 ms for a 3 KB page of summaries).
        .tcp_nodelay(true)
        .listen(listener)?
        .run();
        Ok(Application {
            address,
            server,
            worker,
            popularity,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A handle that stops the server (tests restart the service with it).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the process is asked to stop; the outbox worker stops with the server.
    /// Messages it has not delivered stay in the outbox for the next start.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.worker.abort();
        self.popularity.abort();
        served
    }
}

/// How often popularity is recomputed from views and votes.
const POPULARITY_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Recomputes popularity at start and then every [`POPULARITY_EVERY`].
fn spawn_popularity_job(db: DatabaseConnection) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(POPULARITY_EVERY);
        loop {
            ticks.tick().await;
            if let Err(err) = crate::domain::views::refresh(&db, db::now()).await {
                tracing::error!(error = %err, "popularity: recomputing failed");
            }
        }
    })
}

/// The OpenAPI document of the service, collected from the routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    StandardResponses.modify(&mut spec);
    spec
}
