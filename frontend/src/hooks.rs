//! Hooks shared by the pages: loading one API resource with retry, a paged list with "Load
//! more", naming the browser tab, and where to go after signing in.

use std::future::Future;
use std::rc::Rc;

use shared::api::Page;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::ApiError;
use crate::components::nav_link::{NextQuery, replace_with_path, safe_next};
use crate::state::use_session;

/// Where a single-resource request stands.
pub enum Fetch<T> {
    Loading,
    Ready(Rc<T>),
    Failed(ApiError),
}

// By hand: a derive would demand `T: Clone`, but only the `Rc` is cloned.
impl<T> Clone for Fetch<T> {
    fn clone(&self) -> Self {
        match self {
            Fetch::Loading => Fetch::Loading,
            Fetch::Ready(value) => Fetch::Ready(Rc::clone(value)),
            Fetch::Failed(error) => Fetch::Failed(error.clone()),
        }
    }
}

/// Loads `fetch(key)` whenever `key` changes; the returned callback loads it again (the retry
/// button). A response that arrives after the key has changed is dropped, so a slow answer for
/// the previous page never overwrites the current one.
#[hook]
pub fn use_fetch<K, T, F, Fut>(key: K, fetch: F) -> (Fetch<T>, Callback<()>)
where
    K: PartialEq + Clone + 'static,
    T: 'static,
    F: FnOnce(K) -> Fut + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let state = use_state(|| Fetch::<T>::Loading);
    let attempt = use_state(|| 0_u32);
    let generation = use_mut_ref(|| 0_u64);
    {
        let state = state.clone();
        use_effect_with((key, *attempt), move |(key, _)| {
            let mine = generation.borrow().wrapping_add(1);
            *generation.borrow_mut() = mine;
            state.set(Fetch::Loading);
            let request = fetch(key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = request.await;
                if *generation.borrow() == mine {
                    state.set(match outcome {
                        Ok(value) => Fetch::Ready(Rc::new(value)),
                        Err(error) => Fetch::Failed(error),
                    });
                }
            });
        });
    }
    let retry = Callback::from(move |()| attempt.set(attempt.wrapping_add(1)));
    ((*state).clone(), retry)
}

/// Sets `document.title` to "`page` · ShortScience" (or just the site name) when `page` changes.
#[hook]
pub fn use_document_title(page: Option<String>) {
    use_effect_with(page, |page| {
        let title = match page {
            Some(page) => format!("{page} · ShortScience"),
            None => "ShortScience".to_owned(),
        };
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            document.set_title(&title);
        }
    });
}

/// Where the account pages send the reader once signed in: their `?next=` if it is a path on
/// this site, else home.
#[hook]
pub fn use_next() -> String {
    let next = use_location()
        .and_then(|location| location.query::<NextQuery>().ok())
        .and_then(|query| query.next);
    safe_next(next.as_deref())
}

/// Sends a signed-in reader on to `next`, replacing the current entry: the sign-in and join
/// pages have nothing to offer them, and Back should not return there.
#[hook]
pub fn use_leave_when_signed_in(next: String) {
    let signed_in = use_session().session().is_some();
    let navigator = use_navigator();
    use_effect_with((signed_in, next), move |(signed_in, next)| {
        if *signed_in && let Some(navigator) = navigator {
            replace_with_path(&navigator, next);
        }
    });
}

/// Where a paged list stands.
#[derive(Clone, PartialEq)]
pub enum PageStatus {
    Loading,
    Idle,
    Failed(ApiError),
}

/// The pages of a list loaded so far. `generation` names the list they belong to, so answers
/// for a list the reader has already left are dropped.
pub struct Pages<T> {
    generation: u64,
    pub items: Vec<Rc<T>>,
    pub next_cursor: Option<String>,
    pub status: PageStatus,
}

// By hand: a derive would demand `T: Clone`, but only the `Rc`s are cloned.
impl<T> Clone for Pages<T> {
    fn clone(&self) -> Self {
        Pages {
            generation: self.generation,
            items: self.items.clone(),
            next_cursor: self.next_cursor.clone(),
            status: self.status.clone(),
        }
    }
}

pub enum PagesAction<T> {
    /// A new list: forget everything and wait for its first page.
    Reset {
        generation: u64,
    },
    /// The next page was asked for.
    Loading {
        generation: u64,
    },
    Loaded {
        generation: u64,
        page: Page<T>,
    },
    Failed {
        generation: u64,
        error: ApiError,
    },
}

impl<T: 'static> Reducible for Pages<T> {
    type Action = PagesAction<T>;

    fn reduce(self: Rc<Self>, action: PagesAction<T>) -> Rc<Self> {
        let generation = match &action {
            PagesAction::Reset { generation }
            | PagesAction::Loading { generation }
            | PagesAction::Loaded { generation, .. }
            | PagesAction::Failed { generation, .. } => *generation,
        };
        let is_reset = matches!(action, PagesAction::Reset { .. });
        if generation != self.generation && !is_reset {
            return self;
        }
        let mut state = Rc::unwrap_or_clone(self);
        match action {
            PagesAction::Reset { generation } => {
                state = Pages {
                    generation,
                    items: Vec::new(),
                    next_cursor: None,
                    status: PageStatus::Loading,
                };
            }
            PagesAction::Loading { .. } => state.status = PageStatus::Loading,
            PagesAction::Loaded { page, .. } => {
                state.items.extend(page.items.into_iter().map(Rc::new));
                state.next_cursor = page.next_cursor;
                state.status = PageStatus::Idle;
            }
            PagesAction::Failed { error, .. } => state.status = PageStatus::Failed(error),
        }
        Rc::new(state)
    }
}

/// Loads the first page of `fetch(key, None)` whenever `key` changes. The callback loads the
/// page after the last one ("Load more"), or the first again after a failure ("Try again").
#[hook]
pub fn use_pages<K, T, F, Fut>(key: K, fetch: F) -> (UseReducerHandle<Pages<T>>, Callback<()>)
where
    K: PartialEq + Clone + 'static,
    T: 'static,
    F: Fn(K, Option<String>) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let pages = use_reducer(|| Pages {
        generation: 0,
        items: Vec::new(),
        next_cursor: None,
        status: PageStatus::Loading,
    });
    let generations = use_mut_ref(|| 0_u64);
    {
        let dispatcher = pages.dispatcher();
        let fetch = fetch.clone();
        use_effect_with(key.clone(), move |key| {
            let generation = {
                let mut counter = generations.borrow_mut();
                *counter = counter.wrapping_add(1);
                *counter
            };
            dispatcher.dispatch(PagesAction::Reset { generation });
            load_page(dispatcher, fetch, key.clone(), None, generation);
        });
    }
    let load_next = {
        let dispatcher = pages.dispatcher();
        let cursor = pages.next_cursor.clone();
        let generation = pages.generation;
        let busy = matches!(pages.status, PageStatus::Loading);
        Callback::from(move |()| {
            if !busy {
                load_page(
                    dispatcher.clone(),
                    fetch.clone(),
                    key.clone(),
                    cursor.clone(),
                    generation,
                );
            }
        })
    };
    (pages, load_next)
}

fn load_page<K, T, F, Fut>(
    dispatcher: UseReducerDispatcher<Pages<T>>,
    fetch: F,
    key: K,
    cursor: Option<String>,
    generation: u64,
) where
    T: 'static,
    F: Fn(K, Option<String>) -> Fut + 'static,
    Fut: Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    dispatcher.dispatch(PagesAction::Loading { generation });
    let request = fetch(key, cursor);
    wasm_bindgen_futures::spawn_local(async move {
        dispatcher.dispatch(match request.await {
            Ok(page) => PagesAction::Loaded { generation, page },
            Err(error) => PagesAction::Failed { generation, error },
        });
    });
}

/// For pages that need an account: a signed-out reader is sent to sign in, and brought back to
/// `here` after.
#[hook]
pub fn use_sign_in_required(here: String) {
    let session = use_session();
    let navigator = use_navigator();
    let signed_out = matches!(session.state(), crate::state::SessionState::SignedOut);
    use_effect_with(signed_out, move |signed_out| {
        if *signed_out && let Some(navigator) = navigator {
            replace_with_path(
                &navigator,
                &crate::components::nav_link::with_next(&crate::app::Route::Login.to_path(), &here),
            );
        }
    });
}
