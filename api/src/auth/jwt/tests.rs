use super::*;

#[test]
fn issued_tokens_verify_and_carry_their_claims() {
    let keys = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
    let (token, ttl) = keys.issue(42, Role::Moderator, "session-1").unwrap();
    assert_eq!(ttl, 900);
    let claims = keys.verify(&token).unwrap();
    assert_eq!(claims.sub, "42");
    assert_eq!(claims.role, Role::Moderator);
    assert!((claims.exp as f64 - claims.iat - 900.0).abs() < 1.0);
}

#[test]
fn tokens_from_another_key_are_refused() {
    let ours = JwtKeys::new(b"0123456789abcdef0123456789abcdef").unwrap();
    let theirs = JwtKeys::new(b"fedcba9876543210fedcba9876543210").unwrap();
    let (token, _) = theirs.issue(1, Role::Admin, "session-1").unwrap();
    assert!(ours.verify(&token).is_none());
}

#[test]
fn the_generated_secret_is_kept_and_reused() {
    let dir = std::env::temp_dir().join(format!("ss-jwt-{}", uuid::Uuid::new_v4().simple()));
    let first = load_or_create_secret(&dir).unwrap();
    let second = load_or_create_secret(&dir).unwrap();
    assert_eq!(first, second);
    assert_eq!(first.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(SECRET_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the secret");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_key_file_others_can_read_or_too_short_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("ss-jwt-{}", uuid::Uuid::new_v4().simple()));
    load_or_create_secret(&dir).unwrap();
    let path = dir.join(SECRET_FILE);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let error = format!("{:#}", load_or_create_secret(&dir).unwrap_err());
    assert!(error.contains("other users"), "{error}");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, STANDARD.encode([7u8; 16])).unwrap();
    let error = format!("{:#}", load_or_create_secret(&dir).unwrap_err());
    assert!(error.contains("at least 32"), "{error}");
    let leftovers = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary files are left behind");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn postgresql_needs_a_configured_secret_unless_the_instance_runs_alone() {
    let dir = std::env::temp_dir().join(format!("ss-jwt-{}", uuid::Uuid::new_v4().simple()));
    let config = |alone: &'static str, secret: Option<&'static str>| {
        let dir = dir.display().to_string();
        crate::config::Config::from_lookup(move |name| match name {
            "SHORTSCIENCE_DATABASE_URL" => Some("postgres://db.example/shortscience".to_owned()),
            "SHORTSCIENCE_DATA_DIR" => Some(dir.clone()),
            "SHORTSCIENCE_SINGLE_INSTANCE" => Some(alone.to_owned()),
            "SHORTSCIENCE_JWT_SECRET" => secret.map(str::to_owned),
            _ => None,
        })
        .unwrap()
    };
    let refused = JwtKeys::from_config(&config("off", None)).err().expect("refused");
    assert!(
        format!("{refused}").contains("SHORTSCIENCE_JWT_SECRET"),
        "{refused}"
    );
    assert!(!dir.exists(), "no secret is generated when refused");
    JwtKeys::from_config(&config("on", None)).expect("an instance that runs alone may generate one");
    JwtKeys::from_config(&config("off", Some("a-secret-shared-by-every-instance-0123"))).expect("configured");
    let _ = std::fs::remove_dir_all(&dir);
}
