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
    /// Without SMTP: whether mails (links included) may go to the log. Only for a site that
    /// serves its own machine; anywhere else the log may be read by others.
    log_bodies: bool,
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
    ///
    /// `local_site` (the public URL is a loopback address) allows logging mails in full when no
    /// SMTP server is configured; otherwise they are dropped with a warning that names no secret.
    pub fn new(smtp_url: Option<&str>, from: &str, local_site: bool) -> anyhow::Result<Mailer> {
        let from: Mailbox = from.parse().map_err(|e| {
            anyhow!("SHORTSCIENCE_MAIL_FROM {from:?} is not like `ShortScience <noreply@example.org>`: {e}")
        })?;
        let Some(smtp_url) = smtp_url.map(str::trim).filter(|url| !url.is_empty()) else {
            let relay = if local_site {
                "none (mails are logged)"
            } else {
                "none (mails are dropped; use `shortscience user reset-link`)"
            };
            return Ok(Mailer {
                from,
                transport: None,
                log_bodies: local_site,
                relay: relay.to_owned(),
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
            log_bodies: false,
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
            if self.log_bodies {
                tracing::info!(
                    to,
                    subject,
                    body = text_body,
                    "no SMTP server configured: mail logged, not sent"
                );
            } else {
                tracing::warn!(
                    subject,
                    "no SMTP server configured: mail dropped (set SHORTSCIENCE_SMTP_URL; \
                     `shortscience user reset-link` prints reset links)"
                );
            }
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
mod tests;
