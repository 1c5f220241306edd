//! Hooks shared by the pages: loading one API resource with retry, and naming the browser tab.

use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::ApiError;

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
