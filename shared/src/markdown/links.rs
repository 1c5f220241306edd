//! Which link and image URLs a summary may use, and which bare video links become embeds.
//!
//! Every URL is judged the way a browser will read it (after HTML entities are decoded, which
//! pulldown-cmark has already done, and with tabs and newlines removed, as the URL parser does),
//! so obfuscations like `java&#x09;script:` are judged as `javascript:`.

use super::escape_html;

/// A link destination a summary may use, ready to be written into an `href`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Href {
    pub url: String,
    /// Leaves the site, so it is marked `rel="nofollow noopener"`.
    pub external: bool,
}

/// The href for a Markdown link to `destination`, or `None` if the link must not be followed
/// (only its text is shown then). `email` is set for `<someone@example.org>` autolinks.
pub(super) fn link_href(destination: &str, email: bool) -> Option<Href> {
    let url = browser_view(destination)?;
    if email {
        // pulldown-cmark only recognises plain addresses as email autolinks.
        return Some(Href {
            url: format!("mailto:{url}"),
            external: true,
        });
    }
    match scheme(&url) {
        Some(scheme) if ["http", "https", "mailto"].contains(&scheme.to_ascii_lowercase().as_str()) => {
            Some(Href { url, external: true })
        }
        Some(_) => None,
        None => {
            // `//host/…` (and `\\host`, which browsers read alike) is relative to the scheme only.
            let external = url.starts_with("//") || url.starts_with("/\\") || url.starts_with('\\');
            Some(Href { url, external })
        }
    }
}

/// The src for a Markdown image at `destination`: only http(s) or the site's own uploads.
pub(super) fn image_src(destination: &str) -> Option<String> {
    let url = browser_view(destination)?;
    if let Some(scheme) = scheme(&url) {
        return ["http", "https"]
            .contains(&scheme.to_ascii_lowercase().as_str())
            .then_some(url);
    }
    let path = url.strip_prefix("/uploads/")?;
    let plain = !path.is_empty()
        && !path
            .split('/')
            .any(|segment| segment.is_empty() || segment == "." || segment == "..")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b));
    plain.then_some(url)
}

/// `url` as a browser's URL parser sees it: without leading and trailing spaces and controls,
/// and without tabs and newlines. URLs holding any other control character are refused.
fn browser_view(url: &str) -> Option<String> {
    let url = url.trim_matches(|c: char| c <= ' ');
    let url: String = url.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    (!url.chars().any(char::is_control)).then_some(url)
}

/// The scheme of `url`, if it has one: whatever precedes a `:` that comes before any `/`, `?` or
/// `#`. Stricter than browsers (which would read `a b:c` as a relative path), never looser.
fn scheme(url: &str) -> Option<&str> {
    let end = url.find([':', '/', '?', '#', '\\'])?;
    url[end..].starts_with(':').then(|| &url[..end])
}

/// Writes `url` for an attribute: escaped for HTML, with characters that are never literal in a
/// URL percent-encoded.
pub(super) fn push_href(out: &mut String, url: &str) {
    let mut encoded = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            ' ' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^' => {
                encoded.push_str(&format!("%{:02X}", u32::from(c)));
            }
            c => encoded.push(c),
        }
    }
    escape_html(out, &encoded);
}

/// A video a paragraph holding nothing but its link is shown as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Video {
    /// An 11-character YouTube id and an optional start time in seconds.
    YouTube { id: String, start: Option<u32> },
    /// A numeric Vimeo id and, for unlisted videos, the hash that unlocks them.
    Vimeo { id: String, hash: Option<String> },
}

impl Video {
    /// Recognises `https://www.youtube.com/watch?v=ID`, `https://youtu.be/ID` and
    /// `https://vimeo.com/ID` (with or without `www.`, over http or https).
    pub(super) fn from_url(url: &str) -> Option<Self> {
        if url.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let rest =
            strip_prefix_ignore_case(url, "https://").or_else(|| strip_prefix_ignore_case(url, "http://"))?;
        let rest = rest.split('#').next().unwrap_or_default();
        let (host_and_path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, path) = host_and_path.split_once('/').unwrap_or((host_and_path, ""));
        let host = host.to_ascii_lowercase();
        match host.as_str() {
            "youtube.com" | "www.youtube.com" | "m.youtube.com" if path == "watch" => Some(Self::YouTube {
                id: youtube_id(query_value(query, "v")?)?,
                start: query_value(query, "t").and_then(start_seconds),
            }),
            "youtu.be" => Some(Self::YouTube {
                id: youtube_id(path)?,
                start: query_value(query, "t").and_then(start_seconds),
            }),
            "vimeo.com" | "www.vimeo.com" => {
                let path = path.strip_suffix('/').unwrap_or(path);
                let (id, hash) = match path.split_once('/') {
                    Some((id, hash)) => (id, Some(hash)),
                    None => (path, None),
                };
                let valid_id = (1..=12).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
                let valid_hash = hash.is_none_or(|hash| {
                    (1..=32).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
                });
                (valid_id && valid_hash).then(|| Self::Vimeo {
                    id: id.to_owned(),
                    hash: hash.map(str::to_owned),
                })
            }
            _ => None,
        }
    }

    /// The embed: a privacy-enhanced player (no cookies before play, no tracking) that loads only
    /// when scrolled near.
    pub(super) fn push_embed(&self, out: &mut String) {
        let (src, title) = match self {
            Self::YouTube { id, start } => {
                let start = start.map(|s| format!("?start={s}")).unwrap_or_default();
                (format!("{YOUTUBE_PLAYER}{id}{start}"), "YouTube video")
            }
            Self::Vimeo { id, hash } => {
                let hash = hash.as_ref().map(|h| format!("&h={h}")).unwrap_or_default();
                (format!("{VIMEO_PLAYER}{id}?dnt=1{hash}"), "Vimeo video")
            }
        };
        out.push_str("<div class=\"embed\"><iframe src=\"");
        escape_html(out, &src);
        out.push_str("\" title=\"");
        out.push_str(title);
        out.push_str("\" allow=\"");
        out.push_str(EMBED_ALLOW);
        out.push_str(
            "\" referrerpolicy=\"strict-origin-when-cross-origin\" allowfullscreen loading=\"lazy\">\
             </iframe></div>\n",
        );
    }
}

/// The permissions embedded players get (and the only `allow` value the sanitizer keeps).
pub(super) const EMBED_ALLOW: &str = "encrypted-media; picture-in-picture; fullscreen";
/// Where the players live: the only iframe sources the sanitizer keeps.
pub(super) const YOUTUBE_PLAYER: &str = "https://www.youtube-nocookie.com/embed/";
pub(super) const VIMEO_PLAYER: &str = "https://player.vimeo.com/video/";

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

fn youtube_id(id: &str) -> Option<String> {
    let valid = id.len() == 11
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| id.to_owned())
}

/// YouTube's `t=` parameter: seconds (`90`, `90s`) or `1h2m3s`.
fn start_seconds(value: &str) -> Option<u32> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().ok();
    }
    let mut total: u32 = 0;
    let mut number: u32 = 0;
    let mut digits = 0;
    for c in value.chars() {
        match c {
            '0'..='9' if digits < 6 => {
                number = number * 10 + c.to_digit(10)?;
                digits += 1;
            }
            'h' | 'm' | 's' if digits > 0 => {
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.checked_add(number.checked_mul(unit)?)?;
                number = 0;
                digits = 0;
            }
            _ => return None,
        }
    }
    (digits == 0 && total > 0).then_some(total)
}
