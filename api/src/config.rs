//! Typed configuration read from `SHORTSCIENCE_*` environment variables (see the README table).

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;

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
        })
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
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_contract() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, "sqlite://./data/shortscience.db?mode=rwc");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.public_url, "http://127.0.0.1:8080");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
    }

    #[test]
    fn database_passwords_never_reach_debug_output() {
        let config = Config::from_lookup(|name| {
            (name == "SHORTSCIENCE_DATABASE_URL").then(|| "postgres://app:hunter2@db:5432/ss".to_owned())
        })
        .unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("db:5432/ss"));
    }

    #[test]
    fn a_bad_bind_address_is_reported() {
        let err =
            Config::from_lookup(|name| (name == "SHORTSCIENCE_BIND").then(|| "nope".to_owned())).unwrap_err();
        assert!(err.to_string().contains("SHORTSCIENCE_BIND"));
    }
}
