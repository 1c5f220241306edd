//! Mail as the recipient gets it: sent through the service's mailer to the local SMTP sink, the
//! recipient, subject and the link in the body must arrive intact whatever encoding lettre picks.
//! (Bodies are compared without trailing line ends: SMTP's `<CRLF>.<CRLF>` terminator adds one.)

use std::time::Duration;

use api::mail::Mailer;
use sea_orm::EntityTrait;
use tests::smtp_sink::SmtpSink;

const FROM: &str = "ShortScience <noreply@shortscience.test>";
const WAIT: Duration = Duration::from_secs(10);

/// A reset link as long and as `=`/`?`/`%`-laden as real ones get, longer than a mail line (76).
fn long_link() -> String {
    format!(
        "http://127.0.0.1:8080/reset-password?token={}%3D%3D&next=%2Fsettings%3Ftab%3Dpassword&sig=a=b==",
        "Zm9vYmFy".repeat(20)
    )
}

async fn sink_and_mailer() -> (SmtpSink, Mailer) {
    let sink = SmtpSink::start().await;
    let mailer = Mailer::new(Some(&sink.url()), FROM, true).expect("a mailer for the sink");
    (sink, mailer)
}

#[tokio::test]
async fn a_mostly_ascii_mail_keeps_its_link_through_quoted_printable() {
    let (sink, mailer) = sink_and_mailer().await;
    let link = long_link();
    let body = format!(
        "Hello Ada,\n\nsomeone — hopefully you — asked to reset your password. Grüße!\n\n{link}\n\n\
         The link works once, for one hour.\n"
    );
    mailer
        .send("ada@example.org", "Reset your ShortScience password", &body)
        .await
        .expect("sending");

    let mail = sink.wait_for("ada@example.org", WAIT).await;
    assert_eq!(mail.from, "noreply@shortscience.test");
    assert_eq!(mail.to, ["ada@example.org"]);
    assert_eq!(mail.header("To").as_deref(), Some("ada@example.org"));
    assert_eq!(mail.header("From").as_deref(), Some(FROM));
    assert_eq!(mail.subject(), "Reset your ShortScience password");
    assert!(mail.header("Date").is_some() && mail.header("Message-ID").is_some());
    assert_eq!(
        mail.header("Content-Transfer-Encoding").as_deref(),
        Some("quoted-printable")
    );
    assert_eq!(
        mail.find_link("http://127.0.0.1:8080/reset-password?"),
        Some(link)
    );
    assert_eq!(mail.body_text().trim_end(), body.trim_end());
}

#[tokio::test]
async fn a_mostly_non_ascii_mail_keeps_subject_and_link_through_base64() {
    let (sink, mailer) = sink_and_mailer().await;
    let link = long_link();
    let body = format!("{}\n{link}\n", "Пароль можно сбросить по ссылке ниже. ".repeat(8));
    mailer
        .send("Ivan@Example.org", "Сброс пароля — ShortScience", &body)
        .await
        .expect("sending");

    // Recipients compare case-insensitively, as mail servers treat them in practice.
    let mail = sink.wait_for("ivan@example.org", WAIT).await;
    assert_eq!(
        mail.header("Content-Transfer-Encoding").as_deref(),
        Some("base64")
    );
    assert_eq!(mail.subject(), "Сброс пароля — ShortScience");
    assert_eq!(mail.find_link("http://127.0.0.1:8080/"), Some(link));
    assert_eq!(mail.body_text().trim_end(), body.trim_end());
}

#[tokio::test]
async fn plain_ascii_lines_starting_with_a_dot_survive_smtp_dot_stuffing() {
    let (sink, mailer) = sink_and_mailer().await;
    let body = ".\n..two dots\n.well-known/x\nhttps://shortscience.test/p?q=1\n";
    mailer
        .send("grace@example.org", "Dots", body)
        .await
        .expect("sending");

    let mail = sink.wait_for("grace@example.org", WAIT).await;
    assert_eq!(mail.header("Content-Transfer-Encoding").as_deref(), Some("7bit"));
    assert_eq!(mail.body_text().trim_end(), body.trim_end());
    assert_eq!(
        mail.find_link("https://"),
        Some("https://shortscience.test/p?q=1".to_owned())
    );
}

#[tokio::test]
async fn successive_mails_to_one_recipient_are_handed_out_in_order() {
    let (sink, mailer) = sink_and_mailer().await;
    for n in 1..=2 {
        mailer
            .send("ada@example.org", &format!("Mail {n}"), "text")
            .await
            .expect("sending");
    }
    mailer
        .send("grace@example.org", "Other", "text")
        .await
        .expect("sending");

    assert_eq!(sink.wait_for("ada@example.org", WAIT).await.subject(), "Mail 1");
    assert_eq!(sink.wait_for("ada@example.org", WAIT).await.subject(), "Mail 2");
    assert_eq!(sink.messages().len(), 3);
}

#[tokio::test]
#[should_panic(expected = "no new mail to nobody@example.org")]
async fn waiting_for_a_mail_that_never_comes_fails_the_test_clearly() {
    let sink = SmtpSink::start().await;
    sink.wait_for("nobody@example.org", Duration::from_millis(100))
        .await;
}

/// The outbox: a mail queued while the mail server is down is not lost. It waits in the
/// database through a restart of the service and goes out once the server is back.
async fn a_mail_queued_while_smtp_is_down_is_delivered_after_a_restart(backend: tests::Backend) {
    // A port nothing listens on, yet: the mail server is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let options = tests::Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..tests::Options::default()
    };
    let mut app = tests::TestApp::spawn_with(backend, options).await;
    let user = app.register("patient").await;
    // The worker tries, fails, and keeps the mail for later.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let queued = api::db::entity::outbox::Entity::find()
            .all(&app.db)
            .await
            .unwrap();
        if queued.iter().any(|m| m.attempts >= 1 && m.last_error.is_some()) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no failed attempt recorded: {queued:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The service goes down; the mail server comes back; the service starts again.
    let sink = SmtpSink::start_on(port).await;
    app.restart_with_smtp(sink.url()).await;
    let mail = sink.wait_for(&user.email, Duration::from_secs(15)).await;
    assert!(mail.subject().contains("Confirm"), "{}", mail.subject());
    assert!(
        mail.find_link("http://shortscience.test/confirm-email?token=")
            .is_some()
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !api::db::entity::outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "delivered mail leaves the outbox"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_mail_queued_while_smtp_is_down_is_delivered_after_a_restart() {
    a_mail_queued_while_smtp_is_down_is_delivered_after_a_restart(tests::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_mail_queued_while_smtp_is_down_is_delivered_after_a_restart() {
    a_mail_queued_while_smtp_is_down_is_delivered_after_a_restart(tests::Backend::Postgres).await;
}
