//! A paper's page: its metadata and abstract, then its summaries, best first.

use shared::api::{Paper, SummarySort};
use yew::prelude::*;

use crate::api;
use crate::components::paper_meta::{paper_links, venue_year};
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::pages::not_found::NotFound;

/// Beyond this many authors (large collaborations list hundreds) the rest sit behind a toggle.
const AUTHORS_SHOWN: usize = 12;

#[derive(Properties, PartialEq)]
pub struct PaperPageProps {
    pub id: String,
}

#[function_component(PaperPage)]
pub fn paper_page(props: &PaperPageProps) -> Html {
    let (paper, retry) = use_fetch(props.id.clone(), |id| async move { api::get_paper(&id).await });
    use_document_title(match &paper {
        Fetch::Ready(paper) => Some(paper.title.clone()),
        Fetch::Failed(error) if error.is_not_found() => Some("Not found".to_owned()),
        Fetch::Failed(_) | Fetch::Loading => None,
    });
    match paper {
        Fetch::Loading => html! { <Loading label="Loading paper…" /> },
        Fetch::Failed(error) if error.is_not_found() => html! { <NotFound what="paper" /> },
        Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
        Fetch::Ready(paper) => html! {
            <article class="paper">
                { paper_header(&paper) }
                if let Some(text) = paper.abstract_text.as_deref().filter(|text| !text.trim().is_empty()) {
                    <section class="abstract" aria-labelledby="abstract-heading">
                        <h2 id="abstract-heading">{ "Abstract" }</h2>
                        <p>{ text }</p>
                    </section>
                }
                <section class="paper-summaries" aria-labelledby="summaries-heading">
                    <h2 id="summaries-heading">
                        { "Summaries" }
                        if paper.summary_count > 0 {
                            <span class="count">{ format!(" ({})", paper.summary_count) }</span>
                        }
                    </h2>
                    <SummaryFeed
                        source={FeedSource::Paper { id: paper.id.clone(), sort: SummarySort::Top }}
                        show_paper=false
                        empty_text="No one has summarised this paper yet."
                    />
                </section>
            </article>
        },
    }
}

fn paper_header(paper: &Paper) -> Html {
    let (shown, hidden) = if paper.authors.len() > AUTHORS_SHOWN {
        paper.authors.split_at(AUTHORS_SHOWN - 2)
    } else {
        (paper.authors.as_slice(), &[][..])
    };
    let links = paper_links(paper);
    html! {
        <header class="paper-header">
            if let Some(venue) = venue_year(paper.venue.as_deref(), paper.year) {
                <p class="eyebrow">{ venue }</p>
            }
            <h1>{ &paper.title }</h1>
            if !paper.authors.is_empty() {
                <div class="paper-authors">
                    <p>{ shown.join(", ") }</p>
                    if !hidden.is_empty() {
                        <details>
                            <summary>{ format!("and {} more", hidden.len()) }</summary>
                            <p>{ hidden.join(", ") }</p>
                        </details>
                    }
                </div>
            }
            if !links.is_empty() {
                <ul class="paper-links" aria-label="Read the paper">
                    { for links.into_iter().map(|link| html! {
                        <li><a href={link.href} rel="noopener">{ link.label }</a></li>
                    }) }
                </ul>
            }
        </header>
    }
}
