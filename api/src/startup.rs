//! Builds the HTTP service from configuration: state, middleware, routes, docs and the SPA.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use anyhow::Context;
use sea_orm::DatabaseConnection;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::auth::jwt::JwtKeys;
use crate::auth::{MaybeAuthUser, password};
use crate::config::{Config, Secret};
use crate::db::summaries::Reader;
use crate::error::{json_error, normalize_error_response, path_error, query_error};
use crate::mail::Mailer;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::routes::{self, ApiDoc};
use crate::{db, middleware};

/// JSON bodies above this size get 413.
const JSON_LIMIT: usize = 1 << 20;

/// What every handler can reach.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Config,
    pub metrics: Metrics,
    pub jwt: JwtKeys,
    pub mailer: Mailer,
    pub limits: RateLimits,
    /// Verified against when a login names no account, so both failures take the same time.
    pub decoy_hash: String,
}

impl AppState {
    /// Who is reading, for summary queries.
    pub fn reader<'a>(&'a self, user: &'a MaybeAuthUser) -> Reader<'a> {
        Reader {
            user: user.0.as_ref(),
            public_url: &self.config.public_url,
        }
    }
}

/// A bound, not yet running server.
pub struct Application {
    address: SocketAddr,
    server: Server,
}

impl Application {
    /// Connects to the configured database, migrates it and binds the listener.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        Application::with_database(config, db).await
    }

    /// Binds the service over an already migrated database. Port 0 picks a free port.
    pub async fn with_database(config: Config, db: DatabaseConnection) -> anyhow::Result<Application> {
        let limits = RateLimits::new(config.rate_limits, None);
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
        let state = web::Data::new(AppState {
            jwt: JwtKeys::from_config(&config)?,
            mailer: Mailer::new(config.smtp_url.as_ref().map(Secret::expose), &config.mail_from)?,
            decoy_hash: password::decoy().await?,
            limits,
            db,
            config,
            metrics: Metrics::new()?,
        });
        let spec = openapi();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .configure(routes::configure)
                .split_for_parts();
            app.app_data(state.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(JSON_LIMIT)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", spec.clone()))
                .service(web::redirect("/docs", "/docs/"))
                .default_service(web::to(routes::spa::fallback))
                .wrap(ErrorHandlers::new().default_handler(normalize_error_response))
                .wrap(from_fn(middleware::conditional_get))
                .wrap(from_fn(middleware::head_as_get))
                .wrap(Compress::default())
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
        .listen(listener)?
        .run();
        Ok(Application { address, server })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Serves until the process is asked to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The OpenAPI document of the service, collected from the routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(routes::configure)
        .split_for_parts();
    spec
}
