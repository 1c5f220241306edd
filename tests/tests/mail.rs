//! Mail as the recipient gets it: sent through the service's mailer to the local SMTP sink, the
//! recipient, subject and the link in the body must arrive intact whatever encoding lettre picks.
//! (Bodies are compared without trailing line ends: SMTP's `<CRLF>.<CRLF>` terminator adds one.)

use std::time::Duration;

use api::mail::Mailer;
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
