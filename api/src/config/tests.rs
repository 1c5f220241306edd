use super::*;

#[test]
fn defaults_match_the_contract() {
    let config = Config::from_lookup(|_| None).unwrap();
    assert_eq!(config.database_url, "sqlite://./data/shortscience.db?mode=rwc");
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(config.public_url, "http://127.0.0.1:8080");
    assert_eq!(config.data_dir, PathBuf::from("./data"));
    assert!(config.jwt_secret.is_none() && config.smtp_url.is_none());
    assert_eq!(config.mail_from, "ShortScience <noreply@localhost>");
    assert!(config.rate_limits);
    assert_eq!(config.session_lifetime, chrono::Duration::days(30));
    assert!(config.is_local_site() && !config.is_https());
}

#[test]
fn only_loopback_public_urls_are_local_sites() {
    let with_url = |url: &'static str| {
        Config::from_lookup(move |n| (n == "SHORTSCIENCE_PUBLIC_URL").then(|| url.to_owned())).unwrap()
    };
    for local in ["http://localhost:8080", "http://127.0.0.2", "http://[::1]:80"] {
        assert!(with_url(local).is_local_site(), "{local}");
    }
    for public in [
        "https://shortscience.org",
        "http://127.0.0.1.example.org",
        "http://10.0.0.1",
    ] {
        assert!(!with_url(public).is_local_site(), "{public}");
    }
    assert!(with_url("https://shortscience.org").is_https());
}

#[test]
fn secrets_never_reach_debug_output() {
    let config = Config::from_lookup(|name| match name {
        "SHORTSCIENCE_JWT_SECRET" => Some("jwt-hunter2".to_owned()),
        "SHORTSCIENCE_SMTP_URL" => Some("smtp://me:mail-hunter2@mx:587".to_owned()),
        "SHORTSCIENCE_RATE_LIMITS" => Some("off".to_owned()),
        _ => None,
    })
    .unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!config.rate_limits);
    assert!(Config::from_lookup(|n| (n == "SHORTSCIENCE_RATE_LIMITS").then(|| "maybe".to_owned())).is_err());
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
