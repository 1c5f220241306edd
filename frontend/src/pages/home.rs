//! The front page: every public summary, newest or best first, a page at a time.

use serde::{Deserialize, Serialize};
use shared::api::SummarySort;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::sort_name;
use crate::app::Route;
use crate::components::nav_link::spa_click;
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::use_document_title;

/// The tab lives in the URL (`/?sort=top`) so it survives reloads, sharing and the back button.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
struct HomeQuery {
    #[serde(default)]
    sort: SummarySort,
}

const TABS: [(SummarySort, &str); 2] = [(SummarySort::New, "New"), (SummarySort::Top, "Top")];

#[function_component(Home)]
pub fn home() -> Html {
    // A missing or unknown `sort` means the default tab rather than an error.
    let sort = use_location()
        .and_then(|location| location.query::<HomeQuery>().ok())
        .unwrap_or_default()
        .sort;
    use_document_title(match sort {
        SummarySort::New => None,
        SummarySort::Top => Some("Top summaries".to_owned()),
    });
    let navigator = use_navigator();

    let tabs = TABS.iter().map(|&(tab, label)| {
        let href = match tab {
            SummarySort::New => Route::Home.to_path(),
            SummarySort::Top => format!("{}?sort={}", Route::Home.to_path(), sort_name(tab)),
        };
        let onclick = spa_click(navigator.clone(), move |navigator| match tab {
            SummarySort::New => navigator.push(&Route::Home),
            SummarySort::Top => {
                // Only fails to serialise the query, which cannot happen for this struct.
                if navigator
                    .push_with_query(&Route::Home, &HomeQuery { sort: tab })
                    .is_err()
                {
                    navigator.push(&Route::Home);
                }
            }
        });
        html! {
            <li>
                <a class="tab" {href} aria-current={(tab == sort).then_some("page")} {onclick}>
                    { label }
                </a>
            </li>
        }
    });

    html! {
        <>
            <div class="page-intro">
                <h1>{ "Paper summaries" }</h1>
                <p class="lede">
                    { "Short, readable summaries of research papers, written and voted on by researchers." }
                </p>
            </div>
            <nav class="tabs" aria-label="Order of summaries">
                <ul>{ for tabs }</ul>
            </nav>
            <SummaryFeed
                source={FeedSource::All(sort)}
                clamp=true
                empty_text="No summaries yet."
            />
        </>
    }
}
