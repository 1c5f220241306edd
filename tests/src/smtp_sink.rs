//! A local SMTP server standing in for the mail relay: it accepts every message the service sends
//! and keeps it, so a test can read the mail a user would get and follow the link in it.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// One accepted message: the envelope and the raw message (headers and body, CRLF line ends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Default)]
struct Received {
    mails: Vec<Mail>,
    /// Indexes already returned by `wait_for`, so a test expecting two mails gets both in order.
    handed_out: HashSet<usize>,
}

/// The running server; it stops when dropped.
pub struct SmtpSink {
    address: SocketAddr,
    received: Arc<Mutex<Received>>,
    server: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl SmtpSink {
    /// Listens on a free port of 127.0.0.1.
    pub async fn start() -> SmtpSink {
        SmtpSink::start_on(0).await
    }

    /// Listens on a given port of 127.0.0.1 (a mail server that comes back where it was).
    pub async fn start_on(port: u16) -> SmtpSink {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("binding the SMTP sink");
        let address = listener.local_addr().expect("the SMTP sink's address");
        let received = Arc::new(Mutex::new(Received::default()));
        let store = Arc::clone(&received);
        let server = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, Arc::clone(&store)));
            }
        });
        SmtpSink {
            address,
            received,
            server,
        }
    }

    /// The URL for `SHORTSCIENCE_SMTP_URL`: plain SMTP, no TLS, no authentication.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .mails
            .clone()
    }

    /// The oldest mail to `to` (case-insensitive) not returned by an earlier call, waiting for it up
    /// to `timeout`. Panics if none arrives.
    pub async fn wait_for(&self, to: &str, timeout: Duration) -> Mail {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            {
                let mut received = self.received.lock().unwrap_or_else(PoisonError::into_inner);
                let Received { mails, handed_out } = &mut *received;
                let next = mails.iter().enumerate().find(|(index, mail)| {
                    !handed_out.contains(index) && mail.to.iter().any(|rcpt| rcpt.eq_ignore_ascii_case(to))
                });
                if let Some((index, mail)) = next {
                    handed_out.insert(index);
                    return mail.clone();
                }
                if tokio::time::Instant::now() >= deadline {
                    let seen: Vec<_> = mails.iter().map(|mail| mail.to.join(",")).collect();
                    panic!("no new mail to {to} within {timeout:?}; the SMTP sink holds mails to {seen:?}");
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// One SMTP session (RFC 5321), just enough for lettre: no AUTH, no STARTTLS, no pipelining.
async fn serve(stream: TcpStream, store: Arc<Mutex<Received>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut reply = async |text: &str| write.write_all(format!("{text}\r\n").as_bytes()).await.is_ok();
    if !reply("220 smtp-sink ESMTP ready").await {
        return;
    }
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    while let Some(line) = read_line(&mut lines).await {
        let verb = line.split(' ').next().unwrap_or_default().to_ascii_uppercase();
        let answer = match verb.as_str() {
            "EHLO" | "HELO" => {
                (from, to) = (None, Vec::new());
                "250 smtp-sink"
            }
            "MAIL" => {
                (from, to) = (Some(angle_address(&line)), Vec::new());
                "250 OK"
            }
            "RCPT" if from.is_none() => "503 MAIL first",
            "RCPT" => {
                to.push(angle_address(&line));
                "250 OK"
            }
            "DATA" if to.is_empty() => "503 RCPT first",
            "DATA" => {
                if !reply("354 End data with <CR><LF>.<CR><LF>").await {
                    return;
                }
                let Some(data) = read_data(&mut lines).await else {
                    return;
                };
                let mail = Mail {
                    from: from.take().unwrap_or_default(),
                    to: std::mem::take(&mut to),
                    data,
                };
                store
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .mails
                    .push(mail);
                "250 OK queued"
            }
            "RSET" => {
                (from, to) = (None, Vec::new());
                "250 OK"
            }
            "NOOP" => "250 OK",
            "QUIT" => {
                reply("221 Bye").await;
                return;
            }
            _ => "502 Command not implemented",
        };
        if !reply(answer).await {
            return;
        }
    }
}

/// A line without its CRLF; `None` at the end of the connection.
async fn read_line(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut buffer = Vec::new();
    match lines.read_until(b'\n', &mut buffer).await {
        Ok(0) | Err(_) => None,
        Ok(_) => {
            let line = String::from_utf8_lossy(&buffer);
            Some(line.trim_end_matches(['\r', '\n']).to_owned())
        }
    }
}

/// The message after DATA up to the lone `.`, with the dot-stuffing undone (RFC 5321 §4.5.2).
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut data = String::new();
    loop {
        let line = read_line(lines).await?;
        if line == "." {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
        data.push_str("\r\n");
    }
}

/// `MAIL FROM:<a@b> SIZE=12` → `a@b`.
fn angle_address(line: &str) -> String {
    let start = line.find('<').map_or(0, |i| i + 1);
    let end = line[start..].find('>').map_or(line.len(), |i| start + i);
    line[start..end].to_owned()
}

impl Mail {
    /// The first header of that name (case-insensitive), unfolded, encoded words left as they are.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.split();
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            match value.as_mut() {
                Some(value) if line.starts_with([' ', '\t']) => value.push_str(line),
                Some(_) => break,
                None => {
                    if let Some((field, rest)) = line.split_once(':')
                        && field.eq_ignore_ascii_case(name)
                    {
                        value = Some(rest.trim_start().to_owned());
                    }
                }
            }
        }
        value
    }

    /// The Subject as the user reads it (RFC 2047 encoded words decoded).
    pub fn subject(&self) -> String {
        decode_encoded_words(&self.header("Subject").unwrap_or_default())
    }

    /// The text body with its Content-Transfer-Encoding (quoted-printable, base64 or none) undone
    /// and LF line ends. Only single-part mails: the service sends plain text.
    pub fn body_text(&self) -> String {
        let content_type = self
            .header("Content-Type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        assert!(
            !content_type.starts_with("multipart/"),
            "the SMTP sink only decodes single-part mail"
        );
        let (_, body) = self.split();
        let encoding = self
            .header("Content-Transfer-Encoding")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = match encoding.trim() {
            "quoted-printable" => quoted_printable::decode(body, quoted_printable::ParseMode::Robust)
                .expect("a quoted-printable body"),
            "base64" => {
                let compact: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                BASE64.decode(compact).expect("a base64 body")
            }
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8(bytes)
            .expect("a UTF-8 body")
            .replace("\r\n", "\n")
    }

    /// The first link in the body that starts with `prefix`, up to the next blank, quote or angle
    /// bracket, without sentence punctuation right after it.
    pub fn find_link(&self, prefix: &str) -> Option<String> {
        let body = self.body_text();
        let start = body.find(prefix)?;
        let rest = &body[start..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\''))
            .unwrap_or(rest.len());
        Some(
            rest[..end]
                .trim_end_matches(['.', ',', ';', ':', '!', '?', ')'])
                .to_owned(),
        )
    }

    fn split(&self) -> (&str, &str) {
        self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""))
    }
}

/// Decodes `=?utf-8?b?…?=` and `=?utf-8?q?…?=` words (RFC 2047); blanks between two encoded words
/// are dropped, as the RFC says.
fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match decode_word(candidate) {
            Some((text, used)) => {
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &candidate[used..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `word`: its text and the bytes it took.
fn decode_word(word: &str) -> Option<(String, usize)> {
    let inner = word.strip_prefix("=?")?;
    let (charset, rest) = inner.split_once('?')?;
    let (encoding, rest) = rest.split_once('?')?;
    let text = &rest[..rest.find("?=")?];
    if !charset.eq_ignore_ascii_case("utf-8") && !charset.eq_ignore_ascii_case("us-ascii") {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => BASE64.decode(text).ok()?,
        "Q" | "q" => {
            quoted_printable::decode(text.replace('_', " "), quoted_printable::ParseMode::Robust).ok()?
        }
        _ => return None,
    };
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + text.len() + 2;
    Some((String::from_utf8(bytes).ok()?, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(data: &str) -> Mail {
        Mail {
            from: String::new(),
            to: Vec::new(),
            data: data.replace('\n', "\r\n"),
        }
    }

    #[test]
    fn headers_are_unfolded_and_encoded_words_decoded() {
        let mail =
            mail("Subject: =?utf-8?b?UGFzc3dvcnQ=?=\n =?utf-8?q?_zur=C3=BCcksetzen?= now\nTo: a@b\n\nbody\n");
        assert_eq!(
            mail.header("subject").unwrap(),
            "=?utf-8?b?UGFzc3dvcnQ=?= =?utf-8?q?_zur=C3=BCcksetzen?= now"
        );
        assert_eq!(mail.subject(), "Passwort zurücksetzen now");
        assert_eq!(mail.header("Date"), None);
    }

    #[test]
    fn links_end_at_blanks_and_sentence_punctuation() {
        let mail = mail("Content-Type: text/plain\n\nGo to https://x.test/a?b=c=. Or <https://x.test/d>\n");
        assert_eq!(
            mail.find_link("https://x.test/a").unwrap(),
            "https://x.test/a?b=c="
        );
        assert_eq!(mail.find_link("https://x.test/d").unwrap(), "https://x.test/d");
        assert_eq!(mail.find_link("https://y.test"), None);
    }

    #[test]
    fn addresses_come_out_of_the_angle_brackets() {
        assert_eq!(angle_address("MAIL FROM:<a@b.test> SIZE=12"), "a@b.test");
        assert_eq!(angle_address("RCPT TO:<c@d.test>"), "c@d.test");
    }
}
