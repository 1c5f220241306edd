//! Typed configuration read from `SHORTSCIENCE_*` environment variables (see the README table).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

use crate::client::TrustedProxies;

/// Everything the service needs to start.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`; may hold a password, so it is never logged whole.
    pub database_url: String,
    pub bind: SocketAddr,
    /// Base of absolute links the service hands out (share links, feeds).
    pub public_url: String,
    /// Uploads and generated secrets live here.
    pub data_dir: PathBuf,
    /// Tracing filter, e.g. `info` or `api=debug,info`.
    pub log: String,
    /// Signs access tokens; generated into the data folder when not configured.
    pub jwt_secret: Option<Secret>,
    /// `smtp://user:pass@host:587`; without it mails are logged for the operator instead.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// `false` only for load tests and benchmarks (`SHORTSCIENCE_RATE_LIMITS=off`).
    pub rate_limits: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`SHORTSCIENCE_TRUSTED_PROXIES`).
    pub trusted_proxies: TrustedProxies,
    /// The arXiv Atom API (`SHORTSCIENCE_ARXIV_API_URL`, ending in `/api/query`).
    pub arxiv_api_url: String,
    /// Crossref's REST API (`SHORTSCIENCE_CROSSREF_API_URL`).
    pub crossref_api_url: String,
    /// DBLP (`SHORTSCIENCE_DBLP_API_URL`).
    pub dblp_api_url: String,
    /// How long one request to a metadata service may take (`SHORTSCIENCE_UPSTREAM_TIMEOUT_SECONDS`).
    pub upstream_timeout: std::time::Duration,
    /// How long a session lasts from sign-in, however often it is refreshed
    /// (`SHORTSCIENCE_SESSION_DAYS`).
    pub session_lifetime: chrono::Duration,
    /// Redis shared by every instance for rate limits (`SHORTSCIENCE_REDIS_URL`); may hold a
    /// password.
    pub redis_url: Option<Secret>,
    /// Prefix of this site's keys in that Redis (`SHORTSCIENCE_REDIS_PREFIX`), so several sites
    /// (or test runs) can share one server.
    pub redis_prefix: String,
    /// The operator's word that this is the only instance on its database
    /// (`SHORTSCIENCE_SINGLE_INSTANCE=on`): then PostgreSQL may use a secret generated into the
    /// data folder, which other instances could not share.
    pub single_instance: bool,
}

/// A configuration value that must never reach logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can supply their own values.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let get = |name: &str, default: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .unwrap_or_else(|| default.to_owned())
        };
        let secret = |name: &str| lookup(name).filter(|v| !v.trim().is_empty()).map(Secret);
        let rate_limits = match get("SHORTSCIENCE_RATE_LIMITS", "on").as_str() {
            "on" => true,
            "off" => false,
            other => anyhow::bail!("SHORTSCIENCE_RATE_LIMITS must be `on` or `off`, got {other:?}"),
        };
        let single_instance = match get("SHORTSCIENCE_SINGLE_INSTANCE", "off").as_str() {
            "on" => true,
            "off" => false,
            other => anyhow::bail!("SHORTSCIENCE_SINGLE_INSTANCE must be `on` or `off`, got {other:?}"),
        };
        let days = get("SHORTSCIENCE_SESSION_DAYS", "30");
        let session_days: i64 = days
            .parse()
            .ok()
            .filter(|d| (1..=365).contains(d))
            .with_context(|| {
                format!("SHORTSCIENCE_SESSION_DAYS must be a number of days from 1 to 365, got {days:?}")
            })?;
        let timeout = get("SHORTSCIENCE_UPSTREAM_TIMEOUT_SECONDS", "10");
        let upstream_timeout = timeout
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=120).contains(s))
            .map(std::time::Duration::from_secs)
            .with_context(|| {
                format!("SHORTSCIENCE_UPSTREAM_TIMEOUT_SECONDS must be 1 to 120, got {timeout:?}")
            })?;
        let bind = get("SHORTSCIENCE_BIND", "127.0.0.1:8080");
        let bind = bind
            .parse()
            .with_context(|| format!("SHORTSCIENCE_BIND must be host:port, got {bind:?}"))?;
        Ok(Config {
            database_url: get(
                "SHORTSCIENCE_DATABASE_URL",
                "sqlite://./data/shortscience.db?mode=rwc",
            ),
            bind,
            public_url: get("SHORTSCIENCE_PUBLIC_URL", "http://127.0.0.1:8080")
                .trim_end_matches('/')
                .to_owned(),
            data_dir: PathBuf::from(get("SHORTSCIENCE_DATA_DIR", "./data")),
            log: get("SHORTSCIENCE_LOG", "info"),
            jwt_secret: secret("SHORTSCIENCE_JWT_SECRET"),
            smtp_url: secret("SHORTSCIENCE_SMTP_URL"),
            mail_from: get("SHORTSCIENCE_MAIL_FROM", "ShortScience <noreply@localhost>"),
            rate_limits,
            trusted_proxies: TrustedProxies::parse(&get("SHORTSCIENCE_TRUSTED_PROXIES", ""))
                .map_err(|e| anyhow::anyhow!("SHORTSCIENCE_TRUSTED_PROXIES: {e}"))?,
            session_lifetime: chrono::Duration::days(session_days),
            arxiv_api_url: get("SHORTSCIENCE_ARXIV_API_URL", "https://export.arxiv.org/api/query"),
            crossref_api_url: get("SHORTSCIENCE_CROSSREF_API_URL", "https://api.crossref.org"),
            dblp_api_url: get("SHORTSCIENCE_DBLP_API_URL", "https://dblp.org"),
            upstream_timeout,
            redis_url: secret("SHORTSCIENCE_REDIS_URL"),
            redis_prefix: get("SHORTSCIENCE_REDIS_PREFIX", "shortscience"),
            single_instance,
        })
    }

    /// Whether the site is served to this machine only (its public URL names a loopback host):
    /// then, without SMTP, mails may go to the log.
    pub fn is_local_site(&self) -> bool {
        let Ok(url) = url::Url::parse(&self.public_url) else {
            return false;
        };
        match url.host() {
            Some(url::Host::Domain(name)) => name == "localhost",
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    /// Whether the site is served over TLS (then HSTS is sent).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Whether the database is PostgreSQL, which several instances may share.
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    /// The database URL without credentials, for logs.
    pub fn database_label(&self) -> String {
        redact_url(&self.database_url)
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &self.database_label())
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("data_dir", &self.data_dir)
            .field("log", &self.log)
            .field("jwt_secret", &self.jwt_secret)
            .field("smtp_url", &self.smtp_url)
            .field("mail_from", &self.mail_from)
            .field("rate_limits", &self.rate_limits)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("session_lifetime", &self.session_lifetime)
            .field("arxiv_api_url", &self.arxiv_api_url)
            .field("crossref_api_url", &self.crossref_api_url)
            .field("dblp_api_url", &self.dblp_api_url)
            .field("upstream_timeout", &self.upstream_timeout)
            .field("redis_url", &self.redis_url)
            .field("redis_prefix", &self.redis_prefix)
            .field("single_instance", &self.single_instance)
            .finish()
    }
}

/// Replaces the `user:password@` part of a URL.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***@{}", &url[..scheme_end], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests;
