//! A paged list of summary cards with a "Load more" button, for the home tabs, paper pages and
//! profiles; and that list footer, which the user directory shares.

use std::rc::Rc;

use shared::api::{SummaryFeedQuery, SummarySort};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::status::ErrorBox;
use crate::components::summary_card::SummaryCard;
use crate::hooks::{PageStatus, use_pages};
use crate::state::use_session;

/// Which summaries the feed lists.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedSource {
    /// The site's summaries in one order, of one field or tag.
    All(SummaryFeedQuery),
    Paper {
        id: String,
        sort: SummarySort,
    },
    /// Someone's public summaries, newest first.
    User {
        username: String,
    },
    /// Summaries of a venue's papers (of one year), newest first.
    Venue {
        venue_key: String,
        year: Option<i32>,
    },
    /// The signed-in reader's own, private and unlisted ones included.
    Mine,
}

#[derive(Properties, PartialEq)]
pub struct SummaryFeedProps {
    pub source: FeedSource,
    #[prop_or(true)]
    pub show_paper: bool,
    #[prop_or_default]
    pub clamp: bool,
    /// Shown when there are no summaries at all.
    pub empty_text: AttrValue,
}

#[function_component(SummaryFeed)]
pub fn summary_feed(props: &SummaryFeedProps) -> Html {
    let session = use_session();
    let (feed, load_next) = use_pages(props.source.clone(), move |source, cursor| {
        let session = session.clone();
        async move {
            let cursor = cursor.as_deref();
            match &source {
                FeedSource::All(feed) => api::list_summaries(feed, cursor).await,
                FeedSource::Paper { id, sort } => api::list_paper_summaries(id, *sort, cursor).await,
                FeedSource::User { username } => api::list_user_summaries(username, cursor).await,
                FeedSource::Venue { venue_key, year } => {
                    api::list_venue_summaries(venue_key, *year, cursor).await
                }
                FeedSource::Mine => api::my_summaries(&session, cursor).await,
            }
        }
    });
    html! {
        <div class="summary-feed">
            { for feed.items.iter().map(|summary| html! {
                <SummaryCard
                    key={summary.id.clone()}
                    summary={Rc::clone(summary)}
                    show_paper={props.show_paper}
                    clamp={props.clamp}
                />
            }) }
            <FeedFooter
                status={feed.status.clone()}
                is_empty={feed.items.is_empty()}
                has_more={feed.next_cursor.is_some()}
                on_more={load_next}
                empty_text={props.empty_text.clone()}
                loading_text="Loading summaries…"
                loading_more_text="Loading more summaries…"
            />
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FeedFooterProps {
    pub status: PageStatus,
    pub is_empty: bool,
    pub has_more: bool,
    /// "Load more" and "Try again": the page after the last one we have.
    pub on_more: Callback<()>,
    pub empty_text: AttrValue,
    pub loading_text: AttrValue,
    pub loading_more_text: AttrValue,
}

/// Loading note, error with retry, empty note and "Load more" under a paged list.
#[function_component(FeedFooter)]
pub fn feed_footer(props: &FeedFooterProps) -> Html {
    let loading = matches!(props.status, PageStatus::Loading);
    let failed: Option<ApiError> = match &props.status {
        PageStatus::Failed(error) => Some(error.clone()),
        PageStatus::Loading | PageStatus::Idle => None,
    };
    let more_button = (props.has_more && failed.is_none()).then(|| {
        // Stays in place (aria-disabled, not disabled) while loading so keyboard focus is kept.
        let onclick = props.on_more.reform(|_: MouseEvent| ());
        html! {
            <button
                type="button"
                class="button load-more"
                aria-disabled={loading.then_some("true")}
                {onclick}
            >
                { if loading { "Loading…" } else { "Load more" } }
            </button>
        }
    });
    html! {
        <div class="feed-footer">
            // Always present, so screen readers announce what appears in it.
            <div class="feed-status" role="status" aria-live="polite">
                if loading && props.is_empty {
                    <p class="loading"><span class="spinner" aria-hidden="true"></span>{ props.loading_text.clone() }</p>
                } else if loading {
                    <span class="visually-hidden">{ props.loading_more_text.clone() }</span>
                }
            </div>
            if let Some(error) = failed {
                <ErrorBox {error} on_retry={props.on_more.clone()} />
            }
            if matches!(props.status, PageStatus::Idle) && props.is_empty {
                <p class="empty">{ props.empty_text.clone() }</p>
            }
            { more_button }
        </div>
    }
}
