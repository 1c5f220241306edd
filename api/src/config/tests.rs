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
