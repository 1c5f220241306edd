//! A paged list of summary cards with a "Load more" button, for the home tabs and paper pages.

use std::cell::RefCell;
use std::rc::Rc;

use shared::api::{Page, Summary, SummarySort};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::status::ErrorBox;
use crate::components::summary_card::SummaryCard;

/// Which summaries the feed lists.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedSource {
    All(SummarySort),
    Paper { id: String, sort: SummarySort },
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

#[derive(Clone)]
enum Status {
    Loading,
    Idle,
    Failed(ApiError),
}

/// The pages loaded so far for one source. `generation` names the source they belong to, so
/// answers for a source the reader has already left are dropped.
#[derive(Clone)]
struct FeedState {
    generation: u64,
    items: Vec<Rc<Summary>>,
    next_cursor: Option<String>,
    status: Status,
}

enum FeedAction {
    /// A new source: forget everything and wait for its first page.
    Reset {
        generation: u64,
    },
    /// The next page was asked for.
    Loading {
        generation: u64,
    },
    Loaded {
        generation: u64,
        page: Page<Summary>,
    },
    Failed {
        generation: u64,
        error: ApiError,
    },
}

impl Reducible for FeedState {
    type Action = FeedAction;

    fn reduce(self: Rc<Self>, action: FeedAction) -> Rc<Self> {
        let generation = match &action {
            FeedAction::Reset { generation }
            | FeedAction::Loading { generation }
            | FeedAction::Loaded { generation, .. }
            | FeedAction::Failed { generation, .. } => *generation,
        };
        let is_reset = matches!(action, FeedAction::Reset { .. });
        if generation != self.generation && !is_reset {
            return self;
        }
        let mut state = Rc::unwrap_or_clone(self);
        match action {
            FeedAction::Reset { generation } => {
                state = FeedState {
                    generation,
                    items: Vec::new(),
                    next_cursor: None,
                    status: Status::Loading,
                };
            }
            FeedAction::Loading { .. } => state.status = Status::Loading,
            FeedAction::Loaded { page, .. } => {
                state.items.extend(page.items.into_iter().map(Rc::new));
                state.next_cursor = page.next_cursor;
                state.status = Status::Idle;
            }
            FeedAction::Failed { error, .. } => state.status = Status::Failed(error),
        }
        Rc::new(state)
    }
}

/// Fetches the page after `cursor` (the first when `None`) and reports it to the feed.
fn load(
    dispatcher: UseReducerDispatcher<FeedState>,
    source: FeedSource,
    cursor: Option<String>,
    generation: u64,
) {
    dispatcher.dispatch(FeedAction::Loading { generation });
    wasm_bindgen_futures::spawn_local(async move {
        let cursor = cursor.as_deref();
        let result = match &source {
            FeedSource::All(sort) => api::list_summaries(*sort, cursor).await,
            FeedSource::Paper { id, sort } => api::list_paper_summaries(id, *sort, cursor).await,
        };
        dispatcher.dispatch(match result {
            Ok(page) => FeedAction::Loaded { generation, page },
            Err(error) => FeedAction::Failed { generation, error },
        });
    });
}

#[function_component(SummaryFeed)]
pub fn summary_feed(props: &SummaryFeedProps) -> Html {
    let feed = use_reducer(|| FeedState {
        generation: 0,
        items: Vec::new(),
        next_cursor: None,
        status: Status::Loading,
    });
    let generations = use_mut_ref(|| 0_u64);
    {
        let dispatcher = feed.dispatcher();
        let generations = Rc::clone(&generations);
        use_effect_with(props.source.clone(), move |source| {
            let generation = next_generation(&generations);
            dispatcher.dispatch(FeedAction::Reset { generation });
            load(dispatcher, source.clone(), None, generation);
        });
    }

    // "Load more" and "Try again" are the same request: the page after the last one we have
    // (the first page when none arrived).
    let load_next = {
        let dispatcher = feed.dispatcher();
        let source = props.source.clone();
        let cursor = feed.next_cursor.clone();
        let generation = feed.generation;
        let busy = matches!(feed.status, Status::Loading);
        Callback::from(move |()| {
            if !busy {
                load(dispatcher.clone(), source.clone(), cursor.clone(), generation);
            }
        })
    };

    let loading = matches!(feed.status, Status::Loading);
    let more_button = (feed.next_cursor.is_some() && !matches!(feed.status, Status::Failed(_))).then(|| {
        // Stays in place (aria-disabled, not disabled) while loading so keyboard focus is kept.
        let onclick = load_next.reform(|_: MouseEvent| ());
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
        <div class="summary-feed">
            { for feed.items.iter().map(|summary| html! {
                <SummaryCard
                    key={summary.id.clone()}
                    summary={Rc::clone(summary)}
                    show_paper={props.show_paper}
                    clamp={props.clamp}
                />
            }) }
            <div class="feed-footer">
                // Always present, so screen readers announce what appears in it.
                <div class="feed-status" role="status" aria-live="polite">
                    if loading && feed.items.is_empty() {
                        <p class="loading"><span class="spinner" aria-hidden="true"></span>{ "Loading summaries…" }</p>
                    } else if loading {
                        <span class="visually-hidden">{ "Loading more summaries…" }</span>
                    }
                </div>
                if let Status::Failed(error) = &feed.status {
                    <ErrorBox error={error.clone()} on_retry={load_next.clone()} />
                }
                if matches!(feed.status, Status::Idle) && feed.items.is_empty() {
                    <p class="empty">{ props.empty_text.clone() }</p>
                }
                { more_button }
            </div>
        </div>
    }
}

fn next_generation(counter: &RefCell<u64>) -> u64 {
    let mut counter = counter.borrow_mut();
    *counter = counter.wrapping_add(1);
    *counter
}
