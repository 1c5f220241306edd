//! The front page: the site's summaries popular today, most recent first, or highest rated
//! over a period, of one field or one tag (`/?tag=…` is a tag's page), a page at a time.

use shared::api::{Category, Period, SummaryFeedQuery, SummarySort};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::nav_link::spa_click;
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::use_document_title;

const TABS: [(SummarySort, &str); 3] = [
    (SummarySort::Popular, "Popular today"),
    (SummarySort::New, "Most recent"),
    (SummarySort::Top, "Highest rated"),
];

/// The front page's URL for a choice: the choices live in the URL (`/?sort=top&period=week`),
/// so they survive reloads, sharing and the back button. Defaults are left out.
fn home_href(feed: &SummaryFeedQuery) -> String {
    let mut query = Vec::new();
    if feed.sort != SummarySort::New {
        query.push(format!("sort={}", feed.sort.as_str()));
    }
    if feed.sort == SummarySort::Top && feed.period != Period::All {
        query.push(format!("period={}", feed.period.as_str()));
    }
    if let Some(category) = feed.category {
        query.push(format!("category={}", category.as_str()));
    }
    if let Some(tag) = &feed.tag {
        query.push(format!("tag={}", crate::api::percent_encode(tag, b"")));
    }
    match query.is_empty() {
        true => Route::Home.to_path(),
        false => format!("{}?{}", Route::Home.to_path(), query.join("&")),
    }
}

/// The choices the front page reads from its URL.
#[derive(Default, serde::Deserialize)]
struct HomeQuery {
    #[serde(default)]
    sort: SummarySort,
    #[serde(default)]
    period: Period,
    category: Option<Category>,
    tag: Option<String>,
}

#[function_component(Home)]
pub fn home() -> Html {
    // A missing or unknown choice means the default rather than an error.
    let query = use_location()
        .and_then(|location| location.query::<HomeQuery>().ok())
        .unwrap_or_default();
    let feed = SummaryFeedQuery {
        sort: query.sort,
        period: query.period,
        category: query.category,
        tag: query.tag,
        ..SummaryFeedQuery::default()
    };
    use_document_title(match (&feed.tag, feed.sort) {
        (Some(tag), _) => Some(format!("Summaries tagged {tag}")),
        (None, SummarySort::New) => None,
        (None, SummarySort::Top) => Some("Highest rated summaries".to_owned()),
        (None, SummarySort::Popular) => Some("Popular summaries".to_owned()),
    });
    let navigator = use_navigator();
    let go = {
        let navigator = navigator.clone();
        Callback::from(move |feed: SummaryFeedQuery| {
            if let Some(navigator) = &navigator {
                navigator.push(&yew_router::AnyRoute::new(home_href(&feed)));
            }
        })
    };

    let tabs = TABS.iter().map(|&(tab, label)| {
        let target = SummaryFeedQuery {
            sort: tab,
            ..feed.clone()
        };
        let href = home_href(&target);
        let go = go.clone();
        let onclick = spa_click(navigator.clone(), move |_| go.emit(target.clone()));
        html! {
            <li>
                <a class="tab" {href} aria-current={(tab == feed.sort).then_some("page")} {onclick}>
                    { label }
                </a>
            </li>
        }
    });
    let on_period = {
        let (go, feed) = (go.clone(), feed.clone());
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            let period = Period::ALL
                .into_iter()
                .find(|p| p.as_str() == select.value())
                .unwrap_or_default();
            go.emit(SummaryFeedQuery {
                period,
                ..feed.clone()
            });
        })
    };
    let on_category = {
        let (go, feed) = (go.clone(), feed.clone());
        Callback::from(move |event: Event| {
            let select: web_sys::HtmlSelectElement = event.target_unchecked_into();
            go.emit(SummaryFeedQuery {
                category: Category::parse(&select.value()),
                ..feed.clone()
            });
        })
    };
    let heading = match &feed.tag {
        Some(tag) => format!("Summaries tagged “{tag}”"),
        None => "Paper summaries".to_owned(),
    };

    html! {
        <>
            <div class="page-intro">
                <h1>{ heading }</h1>
                if feed.tag.is_none() {
                    <p class="lede">
                        { "Short, readable summaries of research papers, written and voted on by researchers." }
                    </p>
                }
            </div>
            <nav class="tabs" aria-label="Order of summaries">
                <ul>{ for tabs }</ul>
            </nav>
            <div class="feed-filters">
                if feed.sort == SummarySort::Top {
                    <label>
                        { "Written in " }
                        <select id="period" onchange={on_period}>
                            { for Period::ALL.into_iter().map(|p| html! {
                                <option value={p.as_str()} selected={p == feed.period}>{ p.as_str() }</option>
                            }) }
                        </select>
                    </label>
                }
                <label>
                    { "Field " }
                    <select id="category" onchange={on_category}>
                        <option value="" selected={feed.category.is_none()}>{ "All fields" }</option>
                        { for Category::ALL.into_iter().map(|c| html! {
                            <option value={c.as_str()} selected={Some(c) == feed.category}>{ c.as_str() }</option>
                        }) }
                    </select>
                </label>
            </div>
            <SummaryFeed
                source={FeedSource::All(feed)}
                clamp=true
                empty_text="No summaries here yet."
            />
        </>
    }
}
