//! Defence in depth for the server: the renderer's output passes an ammonia allow-list naming
//! exactly what the renderer emits. ammonia's defaults strip all MathML, so the MathML part of
//! the list is the renderer's own ([`super::allow`]): the same tags and attributes, and inline
//! styles only of the forms the renderer lets through, so the server's HTML is the browser's.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::Builder;

use super::allow::{MATHML_ATTRIBUTES, MATHML_TAGS, RENDERER_MATHML_TAGS, safe_style};
use super::links::{self, EMBED_ALLOW, VIMEO_PLAYER, YOUTUBE_PLAYER};

const HTML_TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "div",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "iframe",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title", "rel", "class"]),
    ("img", &["src", "alt", "title"]),
    ("ol", &["start"]),
    ("code", &["class"]),
    ("span", &["class", "title", "tabindex", "role", "aria-label"]),
    ("div", &["class", "id"]),
    ("sup", &["class"]),
    ("th", &["align"]),
    ("td", &["align"]),
    (
        "iframe",
        &[
            "src",
            "title",
            "allow",
            "referrerpolicy",
            "allowfullscreen",
            "loading",
        ],
    ),
];

/// Classes the renderer writes; MathML also carries pulldown-latex's (`menv-*`/`cell-*` on
/// tables, [`PULLDOWN_CLASSES`]) and code blocks `language-*`.
const CLASSES: &[&str] = &[
    "cite",
    "embed",
    "footnote-definition",
    "footnote-definition-label",
    "footnote-reference",
    "math-bcancel",
    "math-boxed",
    "math-cancel",
    "math-display",
    "math-eqno",
    "math-error",
    "math-overline",
    "math-tag",
    "math-underline",
    "math-xcancel",
];

/// pulldown-latex's other classes: `\not` over a whole group, and small operators (`\smallint`).
const PULLDOWN_CLASSES: &[&str] = &["mop-negated", "small"];

/// Built once: the allow-list is a few hundred hash-set entries.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(build);

/// Cleans rendered HTML against the allow-list.
pub(super) fn clean(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

fn build() -> Builder<'static> {
    let mut tag_attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    for tag in MATHML_TAGS.iter().chain(RENDERER_MATHML_TAGS) {
        tag_attributes.insert(tag, MATHML_ATTRIBUTES.iter().copied().collect());
    }
    for (tag, attributes) in TAG_ATTRIBUTES {
        tag_attributes
            .entry(tag)
            .or_default()
            .extend(attributes.iter().copied());
    }
    let mut builder = Builder::default();
    builder
        .tags(
            HTML_TAGS
                .iter()
                .chain(MATHML_TAGS)
                .chain(RENDERER_MATHML_TAGS)
                .copied()
                .collect(),
        )
        .tag_attributes(tag_attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        // The renderer sets `rel` on external links itself; ammonia's default would add
        // `noreferrer` to internal ones too.
        .link_rel(None)
        .attribute_filter(filter_attribute);
    builder
}

fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let keep = match (element, attribute) {
        ("iframe", "src") => [YOUTUBE_PLAYER, VIMEO_PLAYER]
            .iter()
            .any(|player| value.starts_with(player)),
        ("iframe", "allow") => value == EMBED_ALLOW,
        ("img", "src") => links::image_src(value).is_some(),
        ("a", "rel") => value == "nofollow noopener",
        // Footnote ids are generated, never chosen by authors.
        ("div", "id") => value.starts_with("fn-"),
        // Only what a displayed formula's scroll box carries (see `math::DISPLAY_OPEN`).
        ("span", "tabindex") => value == "0",
        ("span", "role") => value == "group",
        ("span", "aria-label") => value == "Formula",
        (_, "style") => safe_style(value),
        (_, "class") => return filter_classes(element, value),
        _ => true,
    };
    keep.then_some(Cow::Borrowed(value))
}

fn filter_classes<'u>(element: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let mathml = MATHML_TAGS.contains(&element) || RENDERER_MATHML_TAGS.contains(&element);
    let allowed = |class: &&str| {
        CLASSES.contains(class)
            || (mathml
                && (class.starts_with("menv-")
                    || class.starts_with("cell-")
                    || PULLDOWN_CLASSES.contains(class)))
            || (element == "code" && class.starts_with("language-"))
    };
    let classes: Vec<&str> = value.split_ascii_whitespace().filter(allowed).collect();
    if classes.is_empty() {
        None
    } else if classes.len() == value.split_ascii_whitespace().count() {
        Some(Cow::Borrowed(value))
    } else {
        Some(Cow::Owned(classes.join(" ")))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{render_markdown, render_unsanitized};
    use super::*;

    /// Start-tag names in order, and the text with tags removed and common entities decoded: what
    /// a reader sees, independent of how the HTML was serialized.
    fn structure(html: &str) -> (Vec<String>, String) {
        let mut tags = Vec::new();
        let mut text = String::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            text.push_str(&rest[..at]);
            let tag = &rest[at + 1..];
            let end = tag.find('>').map_or(tag.len(), |end| end + 1);
            let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
            if !name.is_empty() {
                tags.push(name);
            }
            rest = &tag[end..];
        }
        text.push_str(rest);
        let text = text
            .replace("&nbsp;", "\u{a0}")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        (tags, text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    #[test]
    fn benign_summaries_look_the_same_after_sanitizing() {
        let summaries = [
            "# Method\n\nThe loss is $\\mathcal{L}(\\theta) = \\mathbb{E}_{x\\sim p}[\\log q_\\theta(x)]$.\n\n\
             $$\n\\begin{aligned} a &= \\frac{1}{2} \\\\ &= \\sqrt[3]{x} \\end{aligned}\n$$",
            "| model | top-1 |\n|:--|--:|\n| ResNet | $76.1\\%$ |\n\n~~old~~ **new** _it_ `code`",
            "See \\cite{journals/corr/HeZRS15} and [the code](https://github.com/x/y) or [here](/paper/1).\n\n\
             ![fig](https://example.org/fig.png \"Figure\")",
            "A claim[^1].\n\n[^1]: Its source, with $x^2$.\n\n> quoted\n\n1. one\n2. two\n\n- a\n- b\n\n---",
            "https://youtu.be/dQw4w9WgXcQ\n\nhttps://vimeo.com/76979871",
            "$\\boxed{x} \\phantom{y} \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix} \\left( \\frac{a}{b} \\right)$ \
             $\\text{a < b} \\operatorname{argmax} \\hat{y} \\|x\\|_2 \\tag{1}$ $\\notacommand$",
            "```rust\nfn main() { println!(\"<b>\"); }\n```\n\nText with <b>raw</b> html & entities &amp; \\cite{a,b}.",
        ];
        for summary in summaries {
            let plain = render_unsanitized(summary);
            let sanitized = render_markdown(summary);
            assert_eq!(
                structure(&plain),
                structure(&sanitized),
                "\nplain:     {plain}\nsanitized: {sanitized}"
            );
        }
    }

    /// Every opening tag with its attributes (sorted), as the browser would see them: the
    /// serialization (self-closing MathML tags, end tags, attribute order) aside.
    fn tags_and_attributes(html: &str) -> Vec<String> {
        let mut tags = Vec::new();
        let mut rest = html;
        while let Some(at) = rest.find('<') {
            let tag = &rest[at + 1..];
            let end = tag.find('>').unwrap_or(tag.len());
            let inside = tag[..end].trim_end_matches('/').trim();
            let (name, mut attributes) = inside.split_once(' ').unwrap_or((inside, ""));
            let mut found = Vec::new();
            while let Some(eq) = attributes.find("=\"") {
                let key = attributes[..eq].trim();
                let value_and_rest = &attributes[eq + 2..];
                let close = value_and_rest.find('"').unwrap_or(value_and_rest.len());
                found.push(format!("{key}={}", &value_and_rest[..close]));
                attributes = value_and_rest.get(close + 1..).unwrap_or_default();
            }
            found.sort();
            if !name.starts_with('/') {
                tags.push(format!("{name} {}", found.join(" ")));
            }
            rest = tag.get(end + 1..).unwrap_or_default();
        }
        tags
    }

    /// One allow-list: what the renderer writes for any formula (which is what the browser's
    /// preview shows) the server keeps, every attribute and style of it.
    #[test]
    fn the_server_keeps_all_the_math_the_renderer_writes() {
        let display = super::super::corpus::DISPLAY_CORPUS
            .iter()
            .map(|f| format!("$${f}$$"));
        let inline = super::super::corpus::CORPUS.iter().map(|f| format!("${f}$"));
        let styled = [
            r"$\boxed{E = mc^2}$".to_owned(),
            r"$\color{red}{x} + \textcolor{blue}{y} \colorbox{yellow}{z} \fcolorbox{red}{white}{w}$"
                .to_owned(),
            r"$a \! b \mspace{-3mu} c$ $$\begin{aligned} a \\[2ex] b \end{aligned}$$".to_owned(),
        ];
        for source in inline.chain(display).chain(styled) {
            let plain = render_unsanitized(&source);
            let sanitized = render_markdown(&source);
            assert_eq!(
                tags_and_attributes(&plain),
                tags_and_attributes(&sanitized),
                "\nsource:    {source}\nplain:     {plain}\nsanitized: {sanitized}"
            );
        }
        let boxed = render_markdown(r"$\boxed{x}$");
        assert!(boxed.contains("<mrow class=\"math-boxed\">"), "{boxed}");
        let coloured = render_markdown(r"$\color{red}{x}$");
        assert!(coloured.contains("style=\"color: rgb(255 0 0)\""), "{coloured}");
    }

    #[test]
    fn sanitizing_keeps_mathml_embeds_classes_and_alignment() {
        let html = render_markdown(
            "$x^2$ $$\\begin{array}{c|l} a & b \\end{array}$$ \\cite{k} $\\bad$\n\n\
             | a |\n|:-:|\n| 1 |\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nx[^n]\n\n[^n]: n",
        );
        for kept in [
            "<math display=\"inline\"><msup><mi>x</mi><mn>2</mn></msup></math>",
            "<math display=\"block\"><mtable class=\"menv-arraylike\">",
            "class=\"cell-left",
            "<a class=\"cite\" href=\"/paper?bibtexKey=k\">[k]</a>",
            "<span class=\"math-error\" title=\"",
            "<th align=\"center\">a</th>",
            "<iframe src=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\"",
            "allow=\"encrypted-media; picture-in-picture; fullscreen\"",
            "allowfullscreen",
            "<div class=\"footnote-definition\" id=\"fn-",
            "<sup class=\"footnote-reference\"><a href=\"#fn-",
        ] {
            assert!(html.contains(kept), "{kept} missing in {html}");
        }
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn only_the_formula_box_keeps_focus_and_a_role() {
        let cleaned = clean(
            "<span class=\"math-display\" tabindex=\"0\" role=\"group\" aria-label=\"Formula\">f</span>\
             <span tabindex=\"5\" role=\"button\" aria-label=\"Click\">a</span>",
        );
        assert_eq!(
            cleaned,
            "<span class=\"math-display\" tabindex=\"0\" role=\"group\" aria-label=\"Formula\">f</span>\
             <span>a</span>"
        );
    }

    #[test]
    fn the_allow_list_stops_markup_the_renderer_never_emits() {
        let hostile = "<script>alert(1)</script><img src=x onerror=alert(1)>\
            <a href=\"javascript:alert(1)\" onclick=\"x\" rel=\"opener\">a</a>\
            <iframe src=\"https://evil.example/\"></iframe><iframe src=\"https://www.youtube-nocookie.com/embed/x\" allow=\"camera\"></iframe>\
            <math><mi style=\"color:red\" onclick=\"x\" href=\"javascript:alert(1)\">x</mi><mtext><img src=x onerror=alert(1)></mtext></math>\
            <div id=\"root\" class=\"embed evil\">d</div><span class=\"x\">s</span><svg><script>alert(1)</script></svg>\
            <form action=\"/x\"><input name=a></form><style>*{}</style>";
        let cleaned = clean(hostile);
        for gone in [
            "<script",
            "onerror",
            "onclick",
            "javascript:",
            "evil.example",
            "camera",
            "style",
            "<svg",
            "<form",
            "<input",
            "id=\"root\"",
            "evil\"",
            "rel=\"opener\"",
            "src=\"x\"",
        ] {
            assert!(!cleaned.contains(gone), "{gone} kept in {cleaned}");
        }
        assert!(cleaned.contains("<div class=\"embed\">d</div>"), "{cleaned}");
        assert!(
            cleaned.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>"),
            "{cleaned}"
        );
    }
}
