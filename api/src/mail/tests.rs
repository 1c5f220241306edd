use super::*;

const FROM: &str = "ShortScience <noreply@shortscience.example>";

#[test]
fn the_password_never_shows_in_debug_output_or_errors() {
    let mailer = Mailer::new(Some("smtps://ada:hunter2-secret@mail.example.org"), FROM, true).unwrap();
    let shown = format!("{mailer:?} {}", mailer.relay());
    assert!(
        !shown.contains("hunter2-secret") && shown.contains("mail.example.org"),
        "{shown}"
    );

    for bad in [
        "smtp://ada:hunter2-secret@",
        "ftp://ada:hunter2-secret@mail.example.org",
        "smtp//ada:hunter2-secret",
    ] {
        let error = format!("{:#}", Mailer::new(Some(bad), FROM, true).unwrap_err());
        assert!(!error.contains("hunter2-secret"), "{error}");
    }
}

#[test]
fn a_password_on_plain_smtp_requires_starttls() {
    let url = |s: &str| without_password(&secure_url(s).unwrap());
    assert_eq!(
        url("smtp://ada:pw@mx.example.org:587"),
        "smtp://ada:redacted@mx.example.org:587?tls=required"
    );
    // An explicit choice and password-less local relays stay as they are.
    assert_eq!(
        url("smtp://ada:pw@mx.example.org:587?tls=opportunistic"),
        "smtp://ada:redacted@mx.example.org:587?tls=opportunistic"
    );
    assert_eq!(url("smtp://127.0.0.1:2525"), "smtp://127.0.0.1:2525");
    assert_eq!(
        url("smtps://ada:pw@mx.example.org"),
        "smtps://ada:redacted@mx.example.org"
    );
}

#[test]
fn blank_or_missing_smtp_url_logs_instead_of_sending() {
    assert!(Mailer::new(None, FROM, true).unwrap().transport.is_none());
    assert!(Mailer::new(Some("  "), FROM, true).unwrap().transport.is_none());
}

#[test]
fn without_smtp_only_a_local_site_logs_mail_bodies() {
    assert!(Mailer::new(None, FROM, true).unwrap().log_bodies);
    let public = Mailer::new(None, FROM, false).unwrap();
    assert!(
        !public.log_bodies,
        "reset links must not reach the log of a public site"
    );
    assert!(public.relay().contains("reset-link"), "{}", public.relay());
}

#[test]
fn a_sender_that_is_not_an_address_is_refused_at_startup() {
    let error = Mailer::new(None, "ShortScience", true).unwrap_err().to_string();
    assert!(error.contains("SHORTSCIENCE_MAIL_FROM"), "{error}");
}

#[test]
fn the_mail_has_the_headers_mail_servers_expect() {
    let mailer = Mailer::new(None, FROM, true).unwrap();
    let message = mailer
        .message("ada@example.org".parse().unwrap(), "Reset your password", "Hi\n")
        .unwrap();
    let text = String::from_utf8(message.formatted()).unwrap();
    let header = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.strip_prefix(": ")))
            .unwrap_or_else(|| panic!("no {name} in {text}"))
            .to_owned()
    };
    assert_eq!(header("From"), FROM);
    assert_eq!(header("To"), "ada@example.org");
    assert_eq!(header("Subject"), "Reset your password");
    assert_eq!(header("Content-Type"), "text/plain; charset=utf-8");
    assert!(header("Message-ID").ends_with("@shortscience.example>"));
    assert!(chrono::DateTime::parse_from_rfc2822(&header("Date")).is_ok());
}

#[tokio::test]
async fn without_smtp_sending_succeeds_and_a_bad_recipient_fails() {
    let mailer = Mailer::new(None, FROM, true).unwrap();
    mailer
        .send("ada@example.org", "Hello", "https://example.org/?a=b")
        .await
        .unwrap();
    assert!(mailer.send("not an address", "Hello", "body").await.is_err());
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_not_a_hang() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = Mailer::new(Some(&format!("smtp://127.0.0.1:{port}")), FROM, true).unwrap();
    let error = mailer.send("ada@example.org", "Hello", "body").await.unwrap_err();
    assert!(
        format!("{error:#}").contains(&format!("127.0.0.1:{port}")),
        "{error:#}"
    );
}
