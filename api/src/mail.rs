//! Outgoing mail (password-reset links and the like) over SMTP, or into the log for the operator
//! when no SMTP server is configured, so a small installation works without one.

use std::time::Duration;

use anyhow::{Context, anyhow};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use url::Url;

/// Each SMTP step (connect, TLS, every command) may take this long...
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);
/// ...and a whole delivery this long, so a stalled server holds a request up for seconds, not minutes.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(15);

/// Sends plain-text mail from one sender address. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// The SMTP URL without its password, for logs and errors.
    relay: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("relay", &self.relay)
            .finish()
    }
}

impl Mailer {
    /// `smtp_url` in the forms lettre understands: `smtps://user:pass@host` (TLS, port 465),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS), `smtp://host:25` (no TLS, for a local
    /// relay); a path segment sets the EHLO name (`smtps://host/mail.example.org`). A plain `smtp://`
    /// URL that carries a password but no `tls` parameter gets `tls=required`: the password must
    /// not cross the network in clear text. `None` (or blank): mails are logged, not sent.
    pub fn new(smtp_url: Option<&str>, from: &str) -> anyhow::Result<Mailer> {
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow!("SHORTSCIENCE_MAIL_FROM {from:?} is not like `ShortScience <noreply@example.org>`: {e}")
        })?;
        let Some(smtp_url) = smtp_url.map(str::trim).filter(|url| !url.is_empty()) else {
            return Ok(Mailer {
                from,
                transport: None,
                relay: "none (mails are logged)".to_owned(),
            });
        };
        let url = secure_url(smtp_url)?;
        let relay = without_password(&url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .with_context(|| format!("SHORTSCIENCE_SMTP_URL ({relay}) cannot be used"))?
            .timeout(Some(COMMAND_TIMEOUT))
            .build();
        Ok(Mailer {
            from,
            transport: Some(transport),
            relay,
        })
    }

    /// Where mail goes, without the password: for the startup log.
    pub fn relay(&self) -> &str {
        &self.relay
    }

    /// Sends a plain-text mail to one address, or logs it (link included) when no SMTP server is
    /// configured. Fails when the server refuses the mail, is unreachable or too slow.
    pub async fn send(&self, to: &str, subject: &str, text_body: &str) -> anyhow::Result<()> {
        let to_mailbox: Mailbox = to
            .parse()
            .with_context(|| format!("{to:?} is not a mail address"))?;
        let Some(transport) = &self.transport else {
            tracing::info!(
                to,
                subject,
                body = text_body,
                "no SMTP server configured: mail logged, not sent"
            );
            return Ok(());
        };
        let message = self.message(to_mailbox, subject, text_body)?;
        match tokio::time::timeout(DELIVERY_TIMEOUT, transport.send(message)).await {
            Ok(Ok(_)) => {
                tracing::info!(to, subject, "mail handed to the SMTP server");
                Ok(())
            }
            Ok(Err(e)) => Err(e).with_context(|| format!("sending mail via {}", self.relay)),
            Err(_) => Err(anyhow!(
                "the SMTP server {} did not take the mail within {DELIVERY_TIMEOUT:?}",
                self.relay
            )),
        }
    }

    fn message(&self, to: Mailbox, subject: &str, text_body: &str) -> anyhow::Result<Message> {
        // lettre adds Date itself but not Message-ID; spam filters frown on mail without one.
        let message_id = format!("<{}@{}>", uuid::Uuid::new_v4().simple(), self.from.email.domain());
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(text_body.to_owned())
            .context("building the mail")
    }
}

/// Parses the URL and adds `tls=required` where a password would otherwise travel in clear text.
/// Parse errors never echo the URL: it may hold the password.
fn secure_url(smtp_url: &str) -> anyhow::Result<Url> {
    let mut url = Url::parse(smtp_url).map_err(|e| anyhow!("SHORTSCIENCE_SMTP_URL is not a URL: {e}"))?;
    let has_tls_choice = url.query_pairs().any(|(key, _)| key == "tls");
    if url.scheme() == "smtp" && url.password().is_some() && !has_tls_choice {
        url.query_pairs_mut().append_pair("tls", "required");
    }
    Ok(url)
}

fn without_password(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Cannot fail: a URL with a password has a host.
        let _ = shown.set_password(Some("redacted"));
    }
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "ShortScience <noreply@shortscience.example>";

    #[test]
    fn the_password_never_shows_in_debug_output_or_errors() {
        let mailer = Mailer::new(Some("smtps://ada:hunter2-secret@mail.example.org"), FROM).unwrap();
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
            let error = format!("{:#}", Mailer::new(Some(bad), FROM).unwrap_err());
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
        assert!(Mailer::new(None, FROM).unwrap().transport.is_none());
        assert!(Mailer::new(Some("  "), FROM).unwrap().transport.is_none());
    }

    #[test]
    fn a_sender_that_is_not_an_address_is_refused_at_startup() {
        let error = Mailer::new(None, "ShortScience").unwrap_err().to_string();
        assert!(error.contains("SHORTSCIENCE_MAIL_FROM"), "{error}");
    }

    #[test]
    fn the_mail_has_the_headers_mail_servers_expect() {
        let mailer = Mailer::new(None, FROM).unwrap();
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
        let mailer = Mailer::new(None, FROM).unwrap();
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
        let mailer = Mailer::new(Some(&format!("smtp://127.0.0.1:{port}")), FROM).unwrap();
        let error = mailer.send("ada@example.org", "Hello", "body").await.unwrap_err();
        assert!(
            format!("{error:#}").contains(&format!("127.0.0.1:{port}")),
            "{error:#}"
        );
    }
}
