//! The Markdown + math renderer shared by the server and the browser: turns a summary or comment
//! body into HTML that can be inserted as is, with formulas as MathML.
//!
//! The output is safe by construction, because the browser app renders without a sanitizer (it
//! would not fit the wasm budget): raw HTML is shown as text, link and image URLs pass an
//! allow-list, and math output is checked tag by tag. With the `sanitize` feature (the server)
//! the result additionally passes an ammonia allow-list, as defence in depth.

mod allow;
pub mod corpus;
mod latex;
mod links;
mod math;
mod mathml;
#[cfg(feature = "sanitize")]
mod sanitize;

use std::collections::HashMap;

use pulldown_cmark::{
    Alignment, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream,
};

use links::Video;

/// Renders a summary/comment body to safe HTML with math as MathML.
pub fn render_markdown(source: &str) -> String {
    defend(render_unsanitized(source))
}

#[cfg(feature = "sanitize")]
fn defend(html: String) -> String {
    sanitize::clean(&html)
}

#[cfg(not(feature = "sanitize"))]
fn defend(html: String) -> String {
    html
}

fn render_unsanitized(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_MATH;
    // Raw HTML turns into text before adjacent texts are merged, so it is escaped on output and
    // a `\cite{…}` next to it is still found. HTML blocks become paragraphs of that text.
    let parsed = Parser::new_ext(source, options).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        event => event,
    });
    let events: Vec<Event<'_>> = TextMergeStream::new(parsed).collect();

    let embeds: Vec<(usize, usize, Video)> = (0..events.len())
        .filter_map(|start| {
            let (len, video) = bare_video(&events[start..])?;
            Some((start, len, video))
        })
        .collect();
    let mut embeds = embeds.into_iter().peekable();

    let mut renderer = Renderer::new(source);
    let mut out = Vec::with_capacity(events.len());
    let mut skip = 0;
    for (index, event) in events.into_iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Some((_, len, video)) = embeds.next_if(|(start, _, _)| *start == index) {
            let mut html = String::new();
            video.push_embed(&mut html);
            out.push(Event::Html(html.into()));
            skip = len - 1;
            continue;
        }
        renderer.event(event, &mut out);
    }

    let mut html = String::with_capacity(source.len() * 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

/// A paragraph holding only a video link (bare, or as `<…>` autolink): its length in events and
/// the video.
fn bare_video(events: &[Event<'_>]) -> Option<(usize, Video)> {
    match events {
        [
            Event::Start(Tag::Paragraph),
            Event::Text(text),
            Event::End(TagEnd::Paragraph),
            ..,
        ] => Some((3, Video::from_url(text.trim())?)),
        [
            Event::Start(Tag::Paragraph),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url,
                ..
            }),
            Event::Text(_),
            Event::End(TagEnd::Link),
            Event::End(TagEnd::Paragraph),
            ..,
        ] => Some((5, Video::from_url(dest_url)?)),
        _ => None,
    }
}

/// Rewrites pulldown-cmark's events into the ones the HTML writer should see.
struct Renderer<'a> {
    /// Footnote ids start with a hash of the source, so two summaries on one page (each numbering
    /// its footnotes from 1) do not share ids, and no id is chosen by the author.
    footnote_prefix: String,
    footnote_numbers: HashMap<CowStr<'a>, usize>,
    /// For each open link: whether its `<a>` was written (unsafe links show only their text).
    links: Vec<bool>,
    /// Nesting depth inside an image the HTML writer turns into `alt` text; events there are
    /// passed on untouched because the writer keeps only their text.
    alt_depth: usize,
    code_block: bool,
    table_alignments: Vec<Alignment>,
    table_head: bool,
    table_cell: usize,
    /// Equations numbered so far (`align`, `equation`): LaTeX numbers them through the document.
    equations: u32,
}

impl<'a> Renderer<'a> {
    fn new(source: &str) -> Self {
        Self {
            footnote_prefix: format!("fn-{:08x}", fnv1a(source.as_bytes())),
            footnote_numbers: HashMap::new(),
            links: Vec::new(),
            alt_depth: 0,
            code_block: false,
            table_alignments: Vec::new(),
            table_head: false,
            table_cell: 0,
            equations: 0,
        }
    }

    fn event(&mut self, event: Event<'a>, out: &mut Vec<Event<'a>>) {
        if self.alt_depth > 0 {
            match event {
                Event::Start(_) => self.alt_depth += 1,
                Event::End(_) => self.alt_depth -= 1,
                _ => {}
            }
            out.push(event);
            return;
        }
        match event {
            Event::Text(text) if !self.code_block && self.links.is_empty() => {
                push_text_with_cites(text, out);
            }
            Event::InlineMath(tex) => out.push(math_event(&tex, false, &mut self.equations)),
            Event::DisplayMath(tex) => out.push(math_event(&tex, true, &mut self.equations)),
            Event::FootnoteReference(name) => {
                let number = self.footnote_number(name);
                let prefix = &self.footnote_prefix;
                out.push(html(format!(
                    "<sup class=\"footnote-reference\"><a href=\"#{prefix}-{number}\">{number}</a></sup>"
                )));
            }
            Event::Start(tag) => self.start(tag, out),
            Event::End(tag) => self.end(tag, out),
            event => out.push(event),
        }
    }

    fn start(&mut self, tag: Tag<'a>, out: &mut Vec<Event<'a>>) {
        match tag {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => out.push(Event::Start(Tag::Heading {
                level: shifted(level),
                id,
                classes,
                attrs,
            })),
            Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            } => {
                let href = links::link_href(&dest_url, link_type == LinkType::Email);
                if let Some(href) = &href {
                    let mut anchor = String::from("<a href=\"");
                    links::push_href(&mut anchor, &href.url);
                    anchor.push('"');
                    if !title.is_empty() {
                        anchor.push_str(" title=\"");
                        escape_html(&mut anchor, &title);
                        anchor.push('"');
                    }
                    if href.external {
                        anchor.push_str(" rel=\"nofollow noopener\"");
                    }
                    anchor.push('>');
                    out.push(html(anchor));
                }
                self.links.push(href.is_some());
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                // An image that may not load is left out, so its alt text reads as plain text;
                // its end tag is dropped in `end`.
                if let Some(src) = links::image_src(&dest_url) {
                    self.alt_depth = 1;
                    out.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url: src.into(),
                        title,
                        id,
                    }));
                }
            }
            Tag::CodeBlock(kind) => {
                self.code_block = true;
                out.push(Event::Start(Tag::CodeBlock(kind)));
            }
            // pulldown-cmark aligns cells with `style`, which the sanitizer strips; the `align`
            // attribute survives it and browsers still honour it.
            Tag::Table(alignments) => {
                self.table_alignments = alignments;
                out.push(html("<table>"));
            }
            Tag::TableHead => {
                self.table_head = true;
                self.table_cell = 0;
                out.push(html("<thead><tr>"));
            }
            Tag::TableRow => {
                self.table_cell = 0;
                out.push(html("<tr>"));
            }
            Tag::TableCell => {
                let element = if self.table_head { "th" } else { "td" };
                let align = match self.table_alignments.get(self.table_cell) {
                    Some(Alignment::Left) => " align=\"left\"",
                    Some(Alignment::Center) => " align=\"center\"",
                    Some(Alignment::Right) => " align=\"right\"",
                    Some(Alignment::None) | None => "",
                };
                out.push(html(format!("<{element}{align}>")));
            }
            Tag::FootnoteDefinition(name) => {
                let number = self.footnote_number(name);
                let prefix = &self.footnote_prefix;
                out.push(html(format!(
                    "<div class=\"footnote-definition\" id=\"{prefix}-{number}\">\
                     <sup class=\"footnote-definition-label\">{number}</sup>"
                )));
            }
            tag => out.push(Event::Start(tag)),
        }
    }

    fn end(&mut self, tag: TagEnd, out: &mut Vec<Event<'a>>) {
        match tag {
            TagEnd::Heading(level) => out.push(Event::End(TagEnd::Heading(shifted(level)))),
            TagEnd::Link => {
                if self.links.pop() == Some(true) {
                    out.push(html("</a>"));
                }
            }
            // Ends of shown images are passed on while `alt_depth > 0`; this is a left-out one.
            TagEnd::Image => {}
            TagEnd::CodeBlock => {
                self.code_block = false;
                out.push(Event::End(TagEnd::CodeBlock));
            }
            TagEnd::Table => out.push(html("</tbody></table>\n")),
            TagEnd::TableHead => {
                self.table_head = false;
                out.push(html("</tr></thead><tbody>\n"));
            }
            TagEnd::TableRow => out.push(html("</tr>\n")),
            TagEnd::TableCell => {
                self.table_cell += 1;
                out.push(html(if self.table_head { "</th>" } else { "</td>" }));
            }
            TagEnd::FootnoteDefinition => out.push(html("</div>\n")),
            tag => out.push(Event::End(tag)),
        }
    }

    /// Footnotes are numbered in order of first mention, reference or definition.
    fn footnote_number(&mut self, name: CowStr<'a>) -> usize {
        let next = self.footnote_numbers.len() + 1;
        *self.footnote_numbers.entry(name).or_insert(next)
    }
}

fn html<'a>(html: impl Into<CowStr<'a>>) -> Event<'a> {
    Event::Html(html.into())
}

fn math_event<'a>(tex: &str, display: bool, equations: &mut u32) -> Event<'a> {
    let mut html = String::new();
    math::push_math(&mut html, tex, display, equations);
    Event::Html(html.into())
}

/// Summaries sit below the page's own `<h1>`/`<h2>`, so their headings start at `<h3>`.
fn shifted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        HeadingLevel::H4 | HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

/// Splits `text` around `\cite{key}` (or `\cite{a, b}`), which become links to the cited papers.
fn push_text_with_cites<'a>(text: CowStr<'a>, out: &mut Vec<Event<'a>>) {
    const CITE: &str = r"\cite{";
    if !text.contains(CITE) {
        out.push(Event::Text(text));
        return;
    }
    let mut plain = String::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find(CITE) {
        let after = &rest[at + CITE.len()..];
        // Keys are scanned only while they look like keys, so a stray `\cite{` costs little.
        let keys_len = after
            .bytes()
            .take_while(|&b| is_key_byte(b) || b == b',' || b == b' ')
            .count();
        let keys: Vec<&str> = after[..keys_len].split(',').map(str::trim).collect();
        let valid = after[keys_len..].starts_with('}')
            && keys
                .iter()
                .all(|key| !key.is_empty() && key.bytes().all(is_key_byte));
        if !valid {
            plain.push_str(&rest[..at + CITE.len()]);
            rest = after;
            continue;
        }
        plain.push_str(&rest[..at]);
        if !plain.is_empty() {
            out.push(Event::Text(std::mem::take(&mut plain).into()));
        }
        let mut links = String::new();
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                links.push_str(", ");
            }
            links.push_str("<a class=\"cite\" href=\"/paper?bibtexKey=");
            for b in key.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                    links.push(char::from(b));
                } else {
                    links.push_str(&format!("%{b:02X}"));
                }
            }
            links.push_str("\">[");
            links.push_str(key);
            links.push_str("]</a>");
        }
        out.push(html(links));
        rest = &after[keys_len + 1..];
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Event::Text(plain.into()));
    }
}

/// Characters of a BibTeX key as ShortScience stores them.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b':' | b'/' | b'.' | b'_' | b'-')
}

/// Escapes text for HTML content and quoted attribute values.
fn escape_html(out: &mut String, text: &str) {
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
}

/// FNV-1a: a stable hash, identical on the server and in the browser.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start tags in `html` as (name, attributes), for checking what a browser would run.
    fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            rest = &rest[at + 1..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if name.is_empty() {
                continue;
            }
            let end = rest.find('>').unwrap_or(rest.len());
            let mut attributes = Vec::new();
            let mut inside = &rest[name.len()..end];
            loop {
                inside = inside.trim_start_matches([' ', '/', '\n']);
                if inside.is_empty() {
                    break;
                }
                let attribute_len = inside.find(['=', ' ']).unwrap_or(inside.len());
                let attribute = inside[..attribute_len].to_ascii_lowercase();
                inside = &inside[attribute_len..];
                let value = match inside.strip_prefix("=\"") {
                    Some(quoted) => {
                        let value_len = quoted.find('"').unwrap_or(quoted.len());
                        inside = quoted.get(value_len + 1..).unwrap_or_default();
                        quoted[..value_len].to_owned()
                    }
                    None => String::new(),
                };
                attributes.push((attribute, value));
            }
            tags.push((name.to_ascii_lowercase(), attributes));
        }
        tags
    }

    /// Fails if `html` holds anything a browser would execute or load from a disallowed place.
    fn assert_inert(html: &str) {
        for (name, attributes) in start_tags(html) {
            assert!(
                ![
                    "script", "style", "object", "embed", "svg", "form", "base", "meta", "link", "frame"
                ]
                .contains(&name.as_str()),
                "<{name}> in {html}"
            );
            for (attribute, value) in &attributes {
                assert!(
                    !attribute.starts_with("on"),
                    "event handler {attribute} in {html}"
                );
                if attribute == "style" {
                    let value = value.to_ascii_lowercase();
                    assert!(
                        !["url(", "expression", "javascript", "position"]
                            .iter()
                            .any(|bad| value.contains(bad)),
                        "style {value} in {html}"
                    );
                }
                assert!(!attribute.starts_with("srcdoc"), "srcdoc in {html}");
                if ["href", "src", "action", "formaction", "xlink:href"].contains(&attribute.as_str()) {
                    let value = value.to_ascii_lowercase().replace(['\t', '\n', '\r'], "");
                    let value = value.trim_start();
                    let safe = value.starts_with("http://")
                        || value.starts_with("https://")
                        || value.starts_with("mailto:")
                        || value.starts_with('/')
                        || value.starts_with('#')
                        || !value.contains(':');
                    assert!(safe, "{attribute}={value} in {html}");
                }
            }
            if name == "iframe" {
                let src = attributes
                    .iter()
                    .find(|(attribute, _)| attribute == "src")
                    .map(|(_, value)| value.as_str())
                    .unwrap_or_default();
                assert!(
                    src.starts_with("https://www.youtube-nocookie.com/embed/")
                        || src.starts_with("https://player.vimeo.com/video/"),
                    "iframe from {src} in {html}"
                );
            }
        }
    }

    #[test]
    fn inline_math_becomes_inline_mathml() {
        let html = render_markdown("Energy is $E = mc^2$ here.");
        assert!(html.contains("<math display=\"inline\">"), "{html}");
        assert!(html.contains("<msup><mi>c</mi><mn>2</mn></msup>"), "{html}");
        assert!(html.contains("Energy is") && html.contains("here."), "{html}");
    }

    #[test]
    fn display_math_becomes_block_mathml() {
        let html = render_markdown("$$\n\\sum_{i=1}^n x_i\n$$");
        assert!(html.contains("<math display=\"block\">"), "{html}");
        assert!(html.contains('∑'), "{html}");
        // In a box keyboard users can reach and scroll, named for screen readers.
        assert!(
            html.contains(
                "<span class=\"math-display\" tabindex=\"0\" role=\"group\" aria-label=\"Formula\">\
                 <math display=\"block\">"
            ),
            "{html}"
        );
    }

    #[test]
    fn display_math_with_bare_line_breaks_renders_as_lines() {
        let html = render_markdown("$$\na = 1 \\\\\nb = 2\n$$");
        assert!(html.contains("<mtable"), "{html}");
        assert!(!html.contains("math-error"), "{html}");
    }

    #[test]
    fn broken_formula_is_shown_as_source_and_the_rest_still_renders() {
        let html = render_markdown("Before $\\frac{1}$ middle $\\notacommand{x}$ after **bold** $y$.");
        assert_eq!(html.matches("class=\"math-error\"").count(), 2, "{html}");
        assert!(html.contains("$\\frac{1}$"), "source shown: {html}");
        assert!(html.contains("$\\notacommand{x}$"), "source shown: {html}");
        assert!(html.contains("title=\""), "reason given: {html}");
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(
            html.contains("<math display=\"inline\"><mi>y</mi></math>"),
            "{html}"
        );
    }

    #[test]
    fn formula_errors_escape_their_source() {
        let html = render_markdown("$\\badcommand <script>alert(1)</script>$");
        assert!(html.contains("math-error"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert_inert(&html);
    }

    #[test]
    fn markup_inside_formulas_never_becomes_html() {
        for source in [
            "$\\operatorname{<img src=x onerror=alert(1)>}$",
            "$\\text{<script>alert(1)</script>}$",
            "$\\mathrm{<b>} < \\mathop{<} x$",
            "$$\\operatorname{</math><img src=x onerror=alert(1)>}$$",
            "$\\color{red\" onmouseover=\"alert(1)}{x}$",
        ] {
            let html = render_markdown(source);
            assert!(
                !html.contains("<img") && !html.contains("<script") && !html.contains("<b>"),
                "{html}"
            );
            assert_inert(&html);
        }
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\nHi <img src=x onerror=alert(1)> there <b>bold</b>\n\n\
             <iframe src=\"https://evil.example/\"></iframe>\n\n<div onclick=\"alert(1)\">block</div>",
        );
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "{html}");
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"), "{html}");
        assert!(html.contains("&lt;iframe"), "{html}");
        assert!(
            !html.contains("<script") && !html.contains("<img") && !html.contains("<iframe"),
            "{html}"
        );
        assert_inert(&html);
    }

    #[test]
    fn links_with_dangerous_schemes_show_only_their_text() {
        for source in [
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](java&#x09;script:alert(1))",
            "[click](jav&#x0A;ascript:alert(1))",
            "[click](&#106;avascript:alert(1))",
            "[click](javascript&colon;alert(1))",
            "[click](<  javascript:alert(1)>)",
            "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[click](vbscript:msgbox(1))",
            "[click](file:///etc/passwd)",
            "[click][ref]\n\n[ref]: javascript:alert(1)",
        ] {
            let html = render_markdown(source);
            assert!(!html.contains("<a"), "{source} gave {html}");
            assert!(html.contains("click"), "link text kept for {source}: {html}");
            assert_inert(&html);
        }
        let html = render_markdown("<javascript:alert(1)>");
        assert!(!html.contains("<a"), "{html}");
    }

    #[test]
    fn safe_links_keep_their_href_and_external_ones_get_rel() {
        let html = render_markdown("[x](https://example.org/a?b=1&c=2 \"Title\")");
        assert!(
            html.contains(
                "<a href=\"https://example.org/a?b=1&amp;c=2\" title=\"Title\" rel=\"nofollow noopener\">x</a>"
            ),
            "{html}"
        );
        let html = render_markdown("[paper](/paper/12) [top](#intro) [rel](other/page)");
        assert!(html.contains("<a href=\"/paper/12\">paper</a>"), "{html}");
        assert!(html.contains("<a href=\"#intro\">top</a>"), "{html}");
        assert!(html.contains("<a href=\"other/page\">rel</a>"), "{html}");
        let html =
            render_markdown("<https://arxiv.org/abs/1703.06870> <someone@example.org> [m](mailto:a@b.org)");
        assert!(
            html.contains("href=\"https://arxiv.org/abs/1703.06870\" rel=\"nofollow noopener\""),
            "{html}"
        );
        assert!(html.contains("href=\"mailto:someone@example.org\""), "{html}");
        assert!(html.contains("href=\"mailto:a@b.org\""), "{html}");
        let html = render_markdown("[x](//example.org/a)");
        assert!(
            html.contains("rel=\"nofollow noopener\""),
            "scheme-relative is external: {html}"
        );
    }

    #[test]
    fn images_load_only_from_http_or_own_uploads() {
        let html = render_markdown("![a plot](https://example.org/plot.png \"Plot\")");
        assert!(
            html.contains("<img src=\"https://example.org/plot.png\" alt=\"a plot\" title=\"Plot\""),
            "{html}"
        );
        let html = render_markdown("![upload](/uploads/3f/ab12.png)");
        assert!(
            html.contains("<img src=\"/uploads/3f/ab12.png\" alt=\"upload\""),
            "{html}"
        );
        for source in [
            "![alt text](javascript:alert(1))",
            "![alt text](data:image/svg+xml;base64,PHN2Zz4=)",
            "![alt text](/uploads/../api/v1/me)",
            "![alt text](/api/v1/logout)",
            "![alt text](//evil.example/x.png)",
            "![alt text](JaVaScRiPt:alert(1))",
        ] {
            let html = render_markdown(source);
            assert!(!html.contains("<img"), "{source} gave {html}");
            assert!(html.contains("alt text"), "alt shown for {source}: {html}");
            assert_inert(&html);
        }
    }

    #[test]
    fn headings_are_shifted_down_two_levels() {
        let html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six");
        for expected in [
            "<h3>One</h3>",
            "<h4>Two</h4>",
            "<h5>Three</h5>",
            "<h6>Four</h6>",
            "<h6>Six</h6>",
        ] {
            assert!(html.contains(expected), "{expected} in {html}");
        }
        assert!(!html.contains("<h1") && !html.contains("<h2"), "{html}");
    }

    #[test]
    fn tables_render_with_alignment_and_no_style() {
        let html = render_markdown("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | $x$ | 3 | 4 |");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<th align=\"left\">a</th>"), "{html}");
        assert!(html.contains("<th align=\"center\">b</th>"), "{html}");
        assert!(html.contains("<td align=\"right\">3</td>"), "{html}");
        assert!(html.contains("<td>4</td>"), "{html}");
        assert!(
            html.contains("<td align=\"center\"><math"),
            "math in cells: {html}"
        );
        assert!(!html.contains("style=\"text-align"), "{html}");
    }

    #[test]
    fn strikethrough_renders_as_del() {
        let html = render_markdown("~~old claim~~ new claim");
        assert!(html.contains("<del>old claim</del>"), "{html}");
    }

    #[test]
    fn footnotes_link_to_their_definitions() {
        let html = render_markdown("A claim[^src] and another[^2].\n\n[^src]: The source.\n\n[^2]: More.");
        let prefix = format!(
            "fn-{:08x}",
            fnv1a(b"A claim[^src] and another[^2].\n\n[^src]: The source.\n\n[^2]: More.")
        );
        assert!(
            html.contains(&format!(
                "<sup class=\"footnote-reference\"><a href=\"#{prefix}-1\">1</a></sup>"
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!("<div class=\"footnote-definition\" id=\"{prefix}-1\">")),
            "{html}"
        );
        assert!(html.contains(&format!("<a href=\"#{prefix}-2\">2</a>")), "{html}");
        assert!(html.contains("The source."), "{html}");
        // Authors do not choose ids, and two summaries on one page do not share them.
        assert!(!html.contains("id=\"src\""), "{html}");
        let other = render_markdown("Other[^src].\n\n[^src]: Elsewhere.");
        assert!(!other.contains(&prefix), "{other}");
    }

    #[test]
    fn cite_becomes_a_link_to_the_paper() {
        let html = render_markdown("As in \\cite{journals/corr/LinDGHHB16}, masks help.");
        assert!(
            html.contains(
                "As in <a class=\"cite\" href=\"/paper?bibtexKey=journals%2Fcorr%2FLinDGHHB16\">\
                 [journals/corr/LinDGHHB16]</a>, masks help."
            ),
            "{html}"
        );
        let html = render_markdown("See \\cite{arxiv:1703.06870, He_2016}.");
        assert!(
            html.contains("href=\"/paper?bibtexKey=arxiv%3A1703.06870\">[arxiv:1703.06870]</a>"),
            "{html}"
        );
        assert!(
            html.contains("href=\"/paper?bibtexKey=He_2016\">[He_2016]</a>"),
            "{html}"
        );
        let html = render_markdown("**bold \\cite{a}** and _\\cite{b}_");
        assert_eq!(html.matches("class=\"cite\"").count(), 2, "{html}");
    }

    #[test]
    fn cite_is_left_alone_in_code_math_links_and_when_malformed() {
        let html = render_markdown(
            "`\\cite{a}`\n\n```\n\\cite{b}\n```\n\n$\\text{\\cite{c}}$ [\\cite{d}](/x) \\cite{bad key} \\cite{<x>} \\cite{}",
        );
        assert!(!html.contains("class=\"cite\""), "{html}");
        assert!(html.contains("<code>\\cite{a}</code>"), "{html}");
        assert!(html.contains("\\cite{b}"), "{html}");
        assert!(
            html.contains("\\cite{bad key}") && html.contains("\\cite{&lt;x&gt;}"),
            "{html}"
        );
    }

    #[test]
    fn bare_video_links_become_privacy_enhanced_embeds() {
        for (source, src) in [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "https://youtu.be/dQw4w9WgXcQ",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "<https://youtu.be/dQw4w9WgXcQ>",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            ),
            (
                "https://youtube.com/watch?v=dQw4w9WgXcQ&t=1m30s",
                "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=90",
            ),
            (
                "https://vimeo.com/76979871",
                "https://player.vimeo.com/video/76979871?dnt=1",
            ),
            (
                "https://vimeo.com/76979871/4a5b6c",
                "https://player.vimeo.com/video/76979871?dnt=1&amp;h=4a5b6c",
            ),
        ] {
            let html = render_markdown(&format!("Intro.\n\n{source}\n\nOutro."));
            assert!(
                html.contains(&format!("<div class=\"embed\"><iframe src=\"{src}\"")),
                "{source} gave {html}"
            );
            assert!(
                html.contains("allowfullscreen") && html.contains("loading=\"lazy\""),
                "{html}"
            );
            assert!(!html.contains("<p><div"), "embed replaces the paragraph: {html}");
            assert!(
                html.contains("<p>Intro.</p>") && html.contains("<p>Outro.</p>"),
                "{html}"
            );
            assert_inert(&html);
        }
    }

    #[test]
    fn other_links_are_not_embedded() {
        for source in [
            "Watch https://youtu.be/dQw4w9WgXcQ first.",
            "[the talk](https://youtu.be/dQw4w9WgXcQ)",
            "https://youtu.be/dQw4w9WgXc",
            "https://youtu.be/dQw4w9WgXcQ\"onload=\"alert(1)",
            "https://www.youtube.com/watch?v=dQw4w9WgXc%22",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://vimeo.com/channels/staffpicks",
            "javascript://youtu.be/dQw4w9WgXcQ",
        ] {
            let html = render_markdown(source);
            assert!(!html.contains("<iframe"), "{source} gave {html}");
            assert_inert(&html);
        }
        let html = render_markdown("[the talk](https://youtu.be/dQw4w9WgXcQ)");
        assert!(
            html.contains("<a href=\"https://youtu.be/dQw4w9WgXcQ\" rel=\"nofollow noopener\">the talk</a>"),
            "{html}"
        );
    }

    #[test]
    fn code_is_escaped_and_not_interpreted() {
        let html = render_markdown("```python\nif a < b and $x$: print('<b>')\n```\n\n`$y$ <i>`");
        assert!(html.contains("<pre><code class=\"language-python\">"), "{html}");
        assert!(html.contains("&lt;b&gt;") && html.contains("&lt;i&gt;"), "{html}");
        assert!(!html.contains("<math"), "no math in code: {html}");
    }

    #[test]
    fn an_xss_cheat_sheet_renders_inert() {
        let vectors = [
            "<svg onload=alert(1)>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](javascript:alert(1) \"title\\\" onmouseover=\\\"alert(1)\")",
            "![x\" onerror=\"alert(1)](https://example.org/x.png)",
            "[x](https://example.org/\"onmouseover=\"alert(1))",
            "<style>body{display:none}</style>",
            "<object data=\"javascript:alert(1)\">",
            "<<script>script>alert(1)<</script>/script>",
            "<!-- --><script>alert(1)</script>",
            "$$\\href{javascript:alert(1)}{x}$$",
            "$\\url{javascript:alert(1)}$",
            "[x](\u{0}javascript:alert(1))",
            "<details open ontoggle=alert(1)>",
            "\\cite{x\"onmouseover=\"alert(1)}",
            // images and links with other schemes, casings and encodings
            "<img src=x onerror=alert(1)>",
            "<img src=\"javascript:alert(1)\">",
            "![x](javascript:alert(1))",
            "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java&#x09;script:alert(1))",
            "<a href=\"&#106;avascript:alert(1)\">x</a>",
            "<a href=\" javascript:alert(1)\">x</a>",
            "[x](<javascript:alert(1)>)",
            "[ref]: javascript:alert(1)\n\n[x][ref]",
            "<a href=\"https://example.org\" onclick=\"alert(1)\">x</a>",
            // frames other than the embed hosts
            "<iframe src=\"https://evil.example/\"></iframe>",
            "<iframe src=\"javascript:alert(1)\"></iframe>",
            "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
            "https://www.youtube.com/watch?v=x\"onload=\"alert(1)",
            "<embed src=javascript:alert(1)>",
            "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">",
            // forms, documents and the page around them
            "<form action=javascript:alert(1)><button>x</button></form>",
            "<button formaction=javascript:alert(1)>x</button>",
            "<input onfocus=alert(1) autofocus>",
            "<body onload=alert(1)>",
            "<base href=\"javascript:alert(1)//\">",
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
            "<link rel=stylesheet href=javascript:alert(1)>",
            "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
            "<template><script>alert(1)</script></template>",
            "<video><source onerror=alert(1)></video>",
            "<audio src=x onerror=alert(1)>",
            "<marquee onstart=alert(1)>x</marquee>",
            // SVG and MathML tricks
            "<svg><script>alert(1)</script></svg>",
            "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
            "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
            "<math href=\"javascript:alert(1)\"><mi>x</mi></math>",
            "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
            "$\\href{data:text/html,x}{y}$",
            "$x$<math><mi onmouseover=alert(1)>y</mi></math>",
            // CSS injection
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<span style=\"position:fixed;top:0;left:0;width:100%;height:100%\">x</span>",
            "$\\style{background:url(javascript:alert(1))}{x}$",
            "<p style=\"width:expression(alert(1))\">x</p>",
        ];
        assert!(vectors.len() >= 55);
        for vector in vectors {
            assert_inert(&render_markdown(vector));
        }
    }

    #[test]
    fn large_input_renders_in_linear_time() {
        // Pathological repetitions that a quadratic pass would choke on.
        let source = [
            "\\cite{".repeat(20_000),
            "$".repeat(20_000),
            "[".repeat(20_000),
            "$a & b & c$ ".repeat(2_000),
            "> ".repeat(5_000),
        ]
        .join("\n\n");
        let started = std::time::Instant::now();
        let html = render_markdown(&source);
        assert!(!html.is_empty());
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "took {:?}",
            started.elapsed()
        );
    }
}
