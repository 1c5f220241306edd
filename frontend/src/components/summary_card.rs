//! One summary as readers meet it in lists and on its own page: which paper, who wrote it, how
//! it was received, and the server-rendered body with its math.

use std::rc::Rc;

use shared::api::Summary;
use yew::prelude::*;

use crate::app::Route;
use crate::components::nav_link::NavLink;
use crate::components::paper_meta::{short_authors, venue_year};

#[derive(Properties, PartialEq)]
pub struct SummaryCardProps {
    pub summary: Rc<Summary>,
    /// Name the paper on the card; off where the page is already about that paper.
    #[prop_or(true)]
    pub show_paper: bool,
    /// Cut long bodies short with a "Read more" link (lists mixing many papers).
    #[prop_or_default]
    pub clamp: bool,
}

/// How long a body is for a list: whether its text needs more than the clamp's height on a
/// phone, or also on a wide screen (an image, table, code block or a second display formula
/// counts as long everywhere). Decided from the body itself, before anything is laid out, so a
/// card never changes height once shown (measuring it in the browser moved every card below it,
/// and forced a reflow per card).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Length {
    Short,
    LongOnPhones,
    Long,
}

pub fn length(body_html: &str) -> Length {
    let html = body_html.as_bytes();
    let mut text = 0;
    let mut in_tag = false;
    for &b in html {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            // Bytes that start a character: its text length in characters.
            _ if !in_tag && b & 0xC0 != 0x80 => text += 1,
            _ => {}
        }
    }
    let count = |needle: &[u8]| html.windows(needle.len()).filter(|w| *w == needle).count();
    let blocks = count(b"<img") + count(b"<table") + count(b"<pre") > 0 || count(b"display=\"block\"") > 1;
    match text {
        _ if blocks || text > 1400 => Length::Long,
        601.. => Length::LongOnPhones,
        _ => Length::Short,
    }
}

#[function_component(SummaryCard)]
pub fn summary_card(props: &SummaryCardProps) -> Html {
    let summary = &props.summary;
    let paper = &summary.paper;
    let author = summary
        .author
        .as_ref()
        .map_or("Anonymous", |author| author.display_name.as_str());
    let length = if props.clamp {
        length(&summary.body_html)
    } else {
        Length::Short
    };
    let clamped = length != Length::Short;
    let narrow_only = (length == Length::LongOnPhones).then_some("narrow-only");
    let body_class = classes!("summary-body", clamped.then_some("clamped"), narrow_only);
    let date = crate::dates::day(&summary.created_at);

    let paper_header = props.show_paper.then(|| {
        html! {
            <header class="card-paper">
                <h2 class="card-paper-title">
                    <NavLink to={Route::Paper { id: paper.id.clone() }}>{ &paper.title }</NavLink>
                </h2>
                <p class="byline">
                    <span class="authors">{ short_authors(&paper.authors) }</span>
                    if let Some(venue) = venue_year(paper.venue.as_deref(), paper.year) {
                        <span class="venue">{ venue }</span>
                    }
                </p>
            </header>
        }
    });
    // Without the paper header the card has no heading of its own; name it for screen readers.
    let label = (!props.show_paper).then(|| format!("Summary by {author}"));

    html! {
        <article class="summary-card" aria-label={label}>
            { paper_header }
            <p class="summary-meta">
                <span class="summary-author">
                    { "Summary by " }
                    if let Some(writer) = &summary.author {
                        <NavLink to={Route::User { username: writer.username.clone() }}>
                            <strong>{ &writer.display_name }</strong>
                        </NavLink>
                    } else {
                        <strong>{ author }</strong>
                    }
                </span>
                <span
                    class="score"
                    title={format!("{} up, {} down", summary.upvotes, summary.downvotes)}
                >
                    <span aria-hidden="true">{ "▲ " }</span>
                    <span class="visually-hidden">{ "Score: " }</span>
                    { summary.score }
                </span>
                // The date doubles as the permalink, as on most discussion sites.
                <NavLink to={Route::Summary { id: summary.id.clone() }} classes="summary-date">
                    <time datetime={summary.created_at.to_rfc3339()}>{ date }</time>
                </NavLink>
                if summary.comment_count > 0 {
                    <span class="comments">{ comments_label(summary.comment_count) }</span>
                }
            </p>
            if !summary.tags.is_empty() {
                <ul class="tags" aria-label="Tags">
                    { for summary.tags.iter().map(|tag| html! {
                        <li class="tag"><a href={format!("/?tag={}", crate::api::percent_encode(tag, b""))}>{ tag }</a></li>
                    }) }
                </ul>
            }
            <div class={body_class}>
                // Sanitised and rendered (math as MathML) by the server; never built here.
                { Html::from_html_unchecked(AttrValue::from(summary.body_html.clone())) }
            </div>
            if clamped {
                // Out of the tab order: keyboards reach the whole summary through its date, the
                // card's permalink, without a second stop for the same place.
                <p class={classes!("read-more", narrow_only)}>
                    <NavLink to={Route::Summary { id: summary.id.clone() }} tabindex="-1">
                        { "Read more" }
                    </NavLink>
                </p>
            }
        </article>
    }
}

fn comments_label(count: i64) -> String {
    if count == 1 {
        "1 comment".to_owned()
    } else {
        format!("{count} comments")
    }
}

// Native only, like its tokio and ServerRenderer dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn summary(author: serde_json::Value) -> serde_json::Result<Summary> {
        let json = serde_json::json!({
            "id": "9",
            "paper": {
                "id": "3", "key": "arxiv:1703.06870", "title": "Mask R-CNN",
                "authors": ["Kaiming He", "Georgia Gkioxari", "Piotr Dollár", "Ross Girshick"],
                "venue": "ICCV", "year": 2017, "category": "cs"
            },
            "author": author,
            "anonymous": author.is_null(),
            "visibility": "public",
            "body_markdown": "$x^2$",
            "body_html": "<p>Loss <math><msup><mi>x</mi><mn>2</mn></msup></math></p>",
            "tags": ["segmentation"],
            "score": 7, "upvotes": 8, "downvotes": 1, "comment_count": 2, "revision": 1,
            "created_at": "2024-03-05T10:00:00Z", "updated_at": "2024-03-05T10:00:00Z",
            "license": "CC-BY-4.0", "hidden": false
        });
        serde_json::from_value(json)
    }

    async fn render(summary: Summary, show_paper: bool) -> String {
        yew::ServerRenderer::<SummaryCard>::with_props(move || SummaryCardProps {
            summary: Rc::new(summary),
            show_paper,
            clamp: true,
        })
        .render()
        .await
    }

    #[test]
    fn long_bodies_are_told_from_their_html_alone() {
        let words = |n: usize| format!("<p>{}</p>", "word ".repeat(n));
        assert_eq!(
            length("<p>Loss <math><msup><mi>x</mi><mn>2</mn></msup></math></p>"),
            Length::Short
        );
        assert_eq!(length(&words(130)), Length::LongOnPhones);
        assert_eq!(length(&words(300)), Length::Long);
        assert_eq!(
            length(r#"<p>A figure</p><p><img src="/uploads/a.png" alt=""></p>"#),
            Length::Long
        );
        let formula = r#"<math display="block"><mi>x</mi></math>"#;
        assert_eq!(length(formula), Length::Short);
        assert_eq!(length(&format!("{formula}{formula}")), Length::Long);
    }

    #[tokio::test]
    async fn a_long_body_is_cut_short_with_one_tab_stop_to_the_whole() -> serde_json::Result<()> {
        let author = serde_json::json!({"username": "ada", "display_name": "Ada L."});
        let mut long = summary(author)?;
        long.body_html = format!("<p>{}</p>", "word ".repeat(300));
        let html = render(long, true).await;
        assert!(html.contains("summary-body clamped"), "{html}");
        assert!(html.contains(r#"<p class="read-more">"#), "{html}");
        assert!(
            html.contains(r#"<a href="/summary/9" tabindex="-1">Read more</a>"#),
            "{html}"
        );
        let short = render(summary(serde_json::Value::Null)?, true).await;
        assert!(
            !short.contains("clamped") && !short.contains("Read more"),
            "{short}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn card_names_paper_authors_and_writer() -> serde_json::Result<()> {
        let author = serde_json::json!({"username": "ada", "display_name": "Ada L."});
        let html = render(summary(author)?, true).await;
        assert!(html.contains(r#"href="/paper/3""#), "{html}");
        assert!(html.contains("Kaiming He, Georgia Gkioxari, Piotr Dollár et al."));
        assert!(html.contains("ICCV 2017"));
        assert!(html.contains("<strong>Ada L.</strong>"));
        assert!(
            html.contains(r#"href="/user/ada""#),
            "author links to their profile: {html}"
        );
        assert!(html.contains(r#"href="/summary/9""#));
        assert!(html.contains("5 Mar 2024"));
        assert!(html.contains("segmentation"));
        Ok(())
    }

    #[tokio::test]
    async fn anonymous_summaries_say_so() -> serde_json::Result<()> {
        let html = render(summary(serde_json::Value::Null)?, true).await;
        assert!(html.contains("<strong>Anonymous</strong>"), "{html}");
        assert!(
            !html.contains("/user/"),
            "anonymous summaries link to no one: {html}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn body_html_is_inserted_as_markup_not_text() -> serde_json::Result<()> {
        let html = render(summary(serde_json::Value::Null)?, false).await;
        assert!(
            html.contains("<math><msup><mi>x</mi><mn>2</mn></msup></math>"),
            "{html}"
        );
        assert!(
            !html.contains("card-paper"),
            "paper header shown on its own page: {html}"
        );
        Ok(())
    }
}
