//! A paper's page: its metadata and abstract, then its summaries, best first.

use shared::api::{Paper, SummarySort};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::nav_link::{PathLink, with_next};
use crate::components::paper_meta::{paper_links, venue_year};
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::pages::not_found::NotFound;
use crate::pages::venues::venue_path;
use crate::state::use_session;

/// Beyond this many authors (large collaborations list hundreds) the rest sit behind a toggle.
const AUTHORS_SHOWN: usize = 12;
/// Abstracts longer than this many characters open cut short, with a toggle for the rest.
const ABSTRACT_SHOWN: usize = 600;

#[derive(Properties, PartialEq)]
pub struct PaperPageProps {
    pub id: String,
}

#[function_component(PaperPage)]
pub fn paper_page(props: &PaperPageProps) -> Html {
    let (paper, retry) = use_fetch(props.id.clone(), |id| async move { api::get_paper(&id).await });
    {
        let ready = matches!(paper, Fetch::Ready(_));
        use_effect_with((props.id.clone(), ready), |(id, ready)| {
            if *ready {
                api::count_view("papers", id, None);
            }
        });
    }
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
                <PaperActions paper_id={paper.id.clone()} />
                if let Some(text) = paper.abstract_text.as_deref().filter(|text| !text.trim().is_empty()) {
                    <Abstract text={text.to_owned()} />
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
                <p class="eyebrow">
                    if let Some(key) = &paper.venue_key {
                        <PathLink to={venue_path(key, paper.year)} id="paper-venue">{ venue }</PathLink>
                    } else {
                        { venue }
                    }
                </p>
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

#[derive(Properties, PartialEq)]
struct AbstractProps {
    text: String,
}

/// The abstract, cut at a word boundary when long, with a button for the rest.
#[function_component(Abstract)]
fn abstract_section(props: &AbstractProps) -> Html {
    let expanded = use_state(|| false);
    let cut = cut_at_word(&props.text, ABSTRACT_SHOWN);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    html! {
        <section class="abstract" aria-labelledby="abstract-heading">
            <h2 id="abstract-heading">{ "Abstract" }</h2>
            <p id="abstract-text">
                { if *expanded { props.text.as_str() } else { cut.unwrap_or(&props.text) } }
                if cut.is_some() && !*expanded { { "…" } }
            </p>
            if cut.is_some() {
                <button
                    type="button"
                    class="link-button"
                    id="abstract-toggle"
                    aria-expanded={if *expanded { "true" } else { "false" }}
                    aria-controls="abstract-text"
                    onclick={toggle}
                >
                    { if *expanded { "Show less" } else { "Show the whole abstract" } }
                </button>
            }
        </section>
    }
}

/// The text up to the last word boundary within `max` characters, or `None` when it all fits.
pub fn cut_at_word(text: &str, max: usize) -> Option<&str> {
    let (end, _) = text.char_indices().nth(max)?;
    let head = &text[..end];
    Some(
        head.rfind(char::is_whitespace)
            .map_or(head, |at| &head[..at])
            .trim_end(),
    )
}

#[derive(Properties, PartialEq)]
struct PaperActionsProps {
    paper_id: String,
}

/// Copy the BibTeX entry; follow the paper (to hear of new summaries), or sign in to.
#[function_component(PaperActions)]
fn paper_actions(props: &PaperActionsProps) -> Html {
    let session = use_session();
    let location = use_location();
    let copied = use_state(|| None::<Result<(), ApiError>>);
    let on_copy = {
        let (id, copied) = (props.paper_id.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, copied) = (id.clone(), copied.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = match api::get_bibtex(&id).await {
                    Ok(entry) if crate::clipboard::copy(&entry).await => Ok(()),
                    Ok(_) => Err(ApiError::browser("The browser did not let us copy")),
                    Err(error) => Err(error),
                };
                copied.set(Some(outcome));
            });
        })
    };
    let bibtex_href = format!("/api/v1/papers/{}/bibtex", api::encode_segment(&props.paper_id));
    let follow = if session.session().is_some() {
        html! { <FollowButton paper_id={props.paper_id.clone()} /> }
    } else {
        let here = location.map_or_else(|| "/".to_owned(), |l| l.path().to_owned());
        html! {
            <PathLink to={with_next(&Route::Login.to_path(), &here)} classes="button">
                { "Sign in to follow" }
            </PathLink>
        }
    };
    html! {
        <div class="paper-actions">
            <PathLink to={format!("/write?paper={}", api::encode_segment(&props.paper_id))} classes="button primary" id="write-summary">
                { "Write a summary" }
            </PathLink>
            <button type="button" class="button" id="copy-bibtex" onclick={on_copy}>{ "Copy BibTeX" }</button>
            <a class="button" href={bibtex_href} id="bibtex-link">{ "BibTeX" }</a>
            { follow }
            <span class="form-status" role="status" id="paper-action-status">
                { match &*copied {
                    Some(Ok(())) => "BibTeX copied to the clipboard.".to_owned(),
                    Some(Err(error)) => format!("{}: open the BibTeX link instead.", error.title),
                    None => String::new(),
                } }
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FollowButtonProps {
    paper_id: String,
}

#[function_component(FollowButton)]
fn follow_button(props: &FollowButtonProps) -> Html {
    let session = use_session();
    let following = use_state(|| None::<bool>);
    let error = use_state(|| None::<ApiError>);
    {
        let (session, following) = (session.clone(), following.clone());
        use_effect_with(props.paper_id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(state) = api::get_follow(&session, &id).await {
                    following.set(Some(state));
                }
            });
        });
    }
    let Some(now) = *following else {
        return html! { <button type="button" class="button" disabled=true>{ "Follow" }</button> };
    };
    let onclick = {
        let (id, following, error) = (props.paper_id.clone(), following.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, following, error, session) =
                (id.clone(), following.clone(), error.clone(), session.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::set_follow(&session, &id, !now).await {
                    Ok(()) => {
                        following.set(Some(!now));
                        error.set(None);
                    }
                    Err(failure) => error.set(Some(failure)),
                }
            });
        })
    };
    html! {
        <>
            <button
                type="button"
                class={classes!("button", now.then_some("active"))}
                id="follow-paper"
                aria-pressed={if now { "true" } else { "false" }}
                {onclick}
            >
                { if now { "Following" } else { "Follow" } }
            </button>
            if let Some(failure) = &*error {
                <span class="field-error" role="alert">{ &failure.title }</span>
            }
        </>
    }
}

// Native only, like the other component tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn long_abstracts_are_cut_at_a_word() {
        assert_eq!(cut_at_word("short", 10), None);
        assert_eq!(cut_at_word("one two three", 9), Some("one two"));
        assert_eq!(cut_at_word("αβγ δεζ", 5), Some("αβγ"), "characters, not bytes");
    }
}
