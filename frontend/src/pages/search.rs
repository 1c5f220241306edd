//! `/search?q=`: find a paper, or add one. The box takes any identifier form (read as you type
//! by the same `shared` parser the server uses) or title words; the search asks arXiv,
//! Crossref and DBLP at once, shows ours first, and adds any other find in one click.
//! A `\cite{key}` for a paper we do not have lands here too, with the key filled in.

use serde::Deserialize;
use shared::api::{ExternalPaper, ExternalSearchResponse, ExternalSource, MAX_EXTERNAL_QUERY, SourceOutcome};
use shared::ids::{IdError, PaperKey};
use yew::prelude::*;
use yew_router::AnyRoute;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::nav_link::{NavLink, PathLink, with_next};
use crate::components::paper_meta::{short_authors, venue_year};
use crate::components::status::{ErrorBox, Loading};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::state::use_session;

/// The query lives in the URL, so a search can be linked, reloaded and gone back to.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// What the box holds, as the server will read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    Empty,
    /// One identifier: it is looked up, not searched for.
    Identifier(String),
    /// Looks like an identifier of one kind but is not a valid one.
    Invalid(String),
    /// Title words.
    Words,
}

pub fn read_query(q: &str) -> Reading {
    if q.trim().is_empty() {
        return Reading::Empty;
    }
    match PaperKey::identify(q) {
        Ok(PaperKey::Arxiv(id)) => Reading::Identifier(format!("arXiv id {}", id.as_str())),
        Ok(PaperKey::Doi(doi)) => Reading::Identifier(format!("DOI {}", doi.as_str())),
        Ok(PaperKey::Dblp(key)) => Reading::Identifier(format!("DBLP key {}", key.as_str())),
        // `identify` reads what can be fetched; the original site's keys are not among them.
        Ok(PaperKey::Legacy(_)) | Err(IdError::Identifier) => Reading::Words,
        Err(error) => Reading::Invalid(format!("This {error}.")),
    }
}

fn hint(reading: &Reading) -> String {
    match reading {
        Reading::Empty => "An arXiv id or link, a DOI, a DBLP key, or words from the title.".to_owned(),
        Reading::Identifier(what) => format!("Looks like an {what}: we will look it up."),
        Reading::Invalid(message) => message.clone(),
        Reading::Words => {
            "Title words: we will search our papers, arXiv, Crossref and DBLP (ours show as you type)."
                .to_owned()
        }
    }
}

#[function_component(SearchPage)]
pub fn search_page() -> Html {
    let navigator = use_navigator();
    let q = use_location()
        .and_then(|location| location.query::<SearchQuery>().ok())
        .unwrap_or_default()
        .q;
    use_document_title(Some(if q.trim().is_empty() {
        "Find or add a paper".to_owned()
    } else {
        format!("“{}”", q.trim())
    }));
    let typed = use_state(|| q.clone());
    {
        // Back and forward change the URL's query: the box follows it.
        let typed = typed.clone();
        use_effect_with(q.clone(), move |q| typed.set(q.clone()));
    }
    let reading = read_query(&typed);
    let oninput = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            typed.set(input.value());
        })
    };
    let onsubmit = {
        let typed = typed.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let text = typed.trim().to_owned();
            if text.is_empty() || matches!(read_query(&text), Reading::Invalid(_)) {
                return;
            }
            if let Some(navigator) = &navigator {
                let path = format!(
                    "{}?q={}",
                    Route::Search.to_path(),
                    api::percent_encode(&text, b"/:")
                );
                navigator.push(&AnyRoute::new(path));
            }
        })
    };
    let invalid = matches!(reading, Reading::Invalid(_));
    html! {
        <div class="search-page">
            <div class="page-intro">
                <h1>{ "Find or add a paper" }</h1>
                <p class="lede">{ "Every paper on ShortScience has one page, whatever identifier you arrive with." }</p>
            </div>
            <form class="search-form" role="search" {onsubmit}>
                <label for="paper-query">{ "Paper" }</label>
                <div class="search-row">
                    <input
                        id="paper-query"
                        name="q"
                        type="search"
                        value={(*typed).clone()}
                        maxlength={MAX_EXTERNAL_QUERY.to_string()}
                        autocomplete="off"
                        spellcheck="false"
                        aria-describedby="paper-query-reading"
                        aria-invalid={invalid.then_some("true")}
                        {oninput}
                    />
                    <button type="submit" class="button primary" id="paper-search">{ "Search" }</button>
                </div>
                <p id="paper-query-reading" class={classes!("hint", invalid.then_some("field-error"))}>
                    { hint(&reading) }
                </p>
            </form>
            if reading == Reading::Words && typed.trim().chars().count() >= 2 {
                <SiteHits q={typed.trim().to_owned()} />
            }
            if !q.trim().is_empty() {
                <Results q={q.trim().to_owned()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct SiteHitsProps {
    q: String,
}

/// Our papers and summaries matching what is typed, as it is typed, with snippets.
#[function_component(SiteHits)]
fn site_hits(props: &SiteHitsProps) -> Html {
    let (found, _) = use_fetch(props.q.clone(), |q| async move { api::search_site(&q).await });
    let Fetch::Ready(found) = found else {
        return Html::default();
    };
    html! {
        <section class="site-hits" aria-labelledby="site-hits-heading">
            <h2 id="site-hits-heading">{ "On ShortScience" }</h2>
            if found.items.is_empty() {
                <p class="empty">{ "No paper or summary here matches yet." }</p>
            } else {
                <ol class="site-hit-list">
                    { for found.items.iter().map(|hit| {
                        let (route, label) = match &hit.summary {
                            Some(summary) => (Route::Summary { id: summary.id.clone() }, "Summary of "),
                            None => (Route::Paper { id: hit.paper.id.clone() }, ""),
                        };
                        html! {
                            <li class="site-hit">
                                <p class="site-hit-title">
                                    { label }<NavLink to={route}>{ &hit.paper.title }</NavLink>
                                </p>
                                // The server's snippet: escaped text, matched words in <mark>.
                                <p class="site-hit-snippet">{ Html::from_html_unchecked(hit.snippet.clone().into()) }</p>
                            </li>
                        }
                    }) }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ResultsProps {
    q: String,
}

#[function_component(Results)]
fn results(props: &ResultsProps) -> Html {
    let (found, retry) = use_fetch(props.q.clone(), |q| async move { api::search_external(&q).await });
    match found {
        Fetch::Loading => html! { <Loading label="Searching arXiv, Crossref and DBLP…" /> },
        Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
        Fetch::Ready(found) => html! {
            <section class="search-results" aria-labelledby="results-heading">
                <h2 id="results-heading" class="visually-hidden">{ "Results" }</h2>
                { source_notes(&found) }
                if found.results.is_empty() {
                    <p class="empty">{ nothing_found(&props.q) }</p>
                } else {
                    <ol class="paper-results">
                        { for found.results.iter().map(|paper| html! {
                            <ResultItem key={paper.identifier.clone()} paper={paper.clone()} q={props.q.clone()} />
                        }) }
                    </ol>
                }
            </section>
        },
    }
}

fn nothing_found(q: &str) -> String {
    match read_query(q) {
        Reading::Identifier(what) => format!("No paper with the {what} was found, here or upstream."),
        _ => "Nothing matched. Try fewer words, or paste the paper's arXiv id or DOI.".to_owned(),
    }
}

/// One line per service that did not answer: the results may be incomplete.
fn source_notes(found: &ExternalSearchResponse) -> Html {
    let notes: Vec<String> = found
        .sources
        .iter()
        .filter(|s| s.outcome != SourceOutcome::Ok)
        .map(|s| match s.outcome {
            SourceOutcome::Timeout => format!("{} did not answer in time.", source_name(s.source)),
            _ => format!("{} could not be searched just now.", source_name(s.source)),
        })
        .collect();
    if notes.is_empty() {
        return Html::default();
    }
    html! {
        <div class="notice" role="status">
            { for notes.into_iter().map(|note| html! { <p>{ note }</p> }) }
            <p>{ "The results may be incomplete; try again in a moment." }</p>
        </div>
    }
}

pub fn source_name(source: ExternalSource) -> &'static str {
    match source {
        ExternalSource::Local => "ShortScience",
        ExternalSource::Arxiv => "arXiv",
        ExternalSource::Crossref => "Crossref",
        ExternalSource::Dblp => "DBLP",
    }
}

#[derive(Properties, PartialEq)]
struct ResultItemProps {
    paper: ExternalPaper,
    q: String,
}

/// A find: ours link to their page; others can be added (signed in) and then open.
#[function_component(ResultItem)]
fn result_item(props: &ResultItemProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let adding = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let paper = &props.paper;
    let found_by = paper
        .found_by
        .iter()
        .filter(|s| **s != ExternalSource::Local)
        .map(|s| source_name(*s))
        .collect::<Vec<_>>()
        .join(", ");
    let action = match &paper.paper_id {
        Some(id) => html! {
            <NavLink to={Route::Paper { id: id.clone() }} classes="button">
                { match paper.summary_count {
                    0 => "Open".to_owned(),
                    1 => "Open · 1 summary".to_owned(),
                    n => format!("Open · {n} summaries"),
                } }
            </NavLink>
        },
        None if session.session().is_none() => {
            let here = format!(
                "{}?q={}",
                Route::Search.to_path(),
                api::percent_encode(&props.q, b"/:")
            );
            html! {
                <PathLink to={with_next(&Route::Login.to_path(), &here)} classes="button">
                    { "Sign in to add it" }
                </PathLink>
            }
        }
        None => {
            let onclick = {
                let (adding, error) = (adding.clone(), error.clone());
                let identifier = paper.identifier.clone();
                Callback::from(move |_: MouseEvent| {
                    let (adding, error) = (adding.clone(), error.clone());
                    let (session, navigator, identifier) =
                        (session.clone(), navigator.clone(), identifier.clone());
                    adding.set(true);
                    error.set(None);
                    wasm_bindgen_futures::spawn_local(async move {
                        match api::import_paper(&session, &identifier).await {
                            Ok(paper) => {
                                if let Some(navigator) = navigator {
                                    navigator.push(&Route::Paper { id: paper.id });
                                }
                            }
                            Err(failure) => {
                                adding.set(false);
                                error.set(Some(failure));
                            }
                        }
                    });
                })
            };
            html! {
                <button type="button" class="button primary import-paper" disabled={*adding} {onclick}>
                    { if *adding { "Adding…" } else { "Add to ShortScience" } }
                </button>
            }
        }
    };
    html! {
        <li class="paper-result">
            <p class="paper-result-title">{ &paper.title }</p>
            <p class="paper-result-meta">
                { short_authors(&paper.authors) }
                if let Some(venue) = venue_year(paper.venue.as_deref(), paper.year) {
                    { " · " }{ venue }
                }
            </p>
            <p class="paper-result-source">
                { if paper.paper_id.is_some() { "On ShortScience".to_owned() } else { format!("Found by {found_by}") } }
            </p>
            <div class="paper-result-action">{ action }</div>
            if let Some(failure) = &*error {
                <p class="field-error" role="alert">
                    { &failure.title }
                    if let Some(detail) = &failure.detail { { ": " }{ detail } }
                </p>
            }
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_reads_identifiers_as_the_server_does() {
        assert_eq!(
            read_query("https://arxiv.org/abs/1703.06870v2"),
            Reading::Identifier("arXiv id 1703.06870".to_owned())
        );
        assert_eq!(
            read_query("https://doi.org/10.1109/ICCV.2017.322"),
            Reading::Identifier("DOI 10.1109/iccv.2017.322".to_owned())
        );
        assert_eq!(read_query("model agnostic meta learning"), Reading::Words);
        assert_eq!(read_query("  "), Reading::Empty);
        assert!(matches!(read_query("arXiv:1713.00001"), Reading::Invalid(_)));
    }
}
