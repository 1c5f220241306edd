//! Venues: the list of every venue with its years, and one venue's summaries, by year.

use serde::Deserialize;
use shared::api::{Venue, VenueYear};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::nav_link::PathLink;
use crate::components::status::{ErrorBox, Loading};
use crate::components::summary_feed::{FeedSource, SummaryFeed};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::pages::not_found::NotFound;

/// `/venue/{key}?year=2017`: the path of one venue (and year).
pub fn venue_path(venue_key: &str, year: Option<i32>) -> String {
    let path = Route::Venue {
        key: venue_key.to_owned(),
    }
    .to_path();
    match year {
        Some(year) => format!("{path}?year={year}"),
        None => path,
    }
}

fn counts(year: &VenueYear) -> String {
    let papers = match year.paper_count {
        1 => "1 paper".to_owned(),
        n => format!("{n} papers"),
    };
    match year.summary_count {
        0 => papers,
        1 => format!("{papers}, 1 summary"),
        n => format!("{papers}, {n} summaries"),
    }
}

#[function_component(VenuesPage)]
pub fn venues_page() -> Html {
    use_document_title(Some("Venues".to_owned()));
    let (venues, retry) = use_fetch((), |()| async move { api::list_venues().await });
    html! {
        <>
            <div class="page-intro">
                <h1>{ "Venues" }</h1>
                <p class="lede">{ "Conferences and journals of the papers summarised here." }</p>
            </div>
            { match venues {
                Fetch::Loading => html! { <Loading label="Loading venues…" /> },
                Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
                Fetch::Ready(venues) if venues.is_empty() => html! { <p class="empty">{ "No venues yet." }</p> },
                Fetch::Ready(venues) => html! {
                    <ul class="venue-list">
                        { for venues.iter().map(venue_item) }
                    </ul>
                },
            } }
        </>
    }
}

fn venue_item(venue: &Venue) -> Html {
    html! {
        <li class="venue-item">
            <PathLink to={venue_path(&venue.venue_key, None)} classes="venue-name">{ &venue.name }</PathLink>
            <ul class="venue-years">
                { for venue.years.iter().map(|year| match year.year {
                    Some(y) => html! {
                        <li>
                            <PathLink to={venue_path(&venue.venue_key, Some(y))}>{ y }</PathLink>
                            <span class="count">{ format!(" ({})", counts(year)) }</span>
                        </li>
                    },
                    None => html! { <li class="count">{ format!("Undated ({})", counts(year)) }</li> },
                }) }
            </ul>
        </li>
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Properties, PartialEq)]
pub struct VenuePageProps {
    pub venue_key: String,
}

/// One venue's summaries, newest first, for all years or one.
#[function_component(VenuePage)]
pub fn venue_page(props: &VenuePageProps) -> Html {
    let year = use_location()
        .and_then(|location| location.query::<YearQuery>().ok())
        .unwrap_or_default()
        .year;
    let (venues, retry) = use_fetch((), |()| async move { api::list_venues().await });
    let venue = match &venues {
        Fetch::Ready(venues) => venues.iter().find(|v| v.venue_key == props.venue_key).cloned(),
        _ => None,
    };
    use_document_title(venue.as_ref().map(|v| match year {
        Some(year) => format!("{} {year}", v.name),
        None => v.name.clone(),
    }));
    let venue = match (venues, venue) {
        (Fetch::Loading, _) => return html! { <Loading label="Loading venue…" /> },
        (Fetch::Failed(error), _) => return html! { <ErrorBox {error} on_retry={retry} /> },
        (Fetch::Ready(_), None) => return html! { <NotFound what="venue" /> },
        (Fetch::Ready(_), Some(venue)) => venue,
    };
    let tab = |label: String, to: Option<i32>| {
        html! {
            <li>
                <PathLink to={venue_path(&venue.venue_key, to)} classes="tab" current={to == year}>
                    { label }
                </PathLink>
            </li>
        }
    };
    html! {
        <>
            <div class="page-intro">
                <p class="eyebrow"><PathLink to={Route::Venues.to_path()}>{ "Venues" }</PathLink></p>
                <h1>{ &venue.name }{ year.map(|y| format!(" {y}")).unwrap_or_default() }</h1>
            </div>
            <nav class="tabs" aria-label="Year">
                <ul>
                    { tab("All years".to_owned(), None) }
                    { for venue.years.iter().filter_map(|y| y.year).map(|y| tab(y.to_string(), Some(y))) }
                </ul>
            </nav>
            <SummaryFeed
                source={FeedSource::Venue { venue_key: venue.venue_key.clone(), year }}
                empty_text="No summaries of this venue's papers yet."
            />
        </>
    }
}
