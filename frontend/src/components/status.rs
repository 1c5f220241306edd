//! How waiting and failing look: a loading note for screen readers and eyes alike, and an error
//! box that says what the server said and offers to try again.

use yew::prelude::*;

use crate::api::ApiError;

#[derive(Properties, PartialEq)]
pub struct LoadingProps {
    #[prop_or(AttrValue::Static("Loading…"))]
    pub label: AttrValue,
}

/// A polite live region, so screen readers announce the wait without interrupting.
#[function_component(Loading)]
pub fn loading(props: &LoadingProps) -> Html {
    html! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            { props.label.clone() }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct ErrorBoxProps {
    pub error: ApiError,
    /// Called by the "Try again" button.
    pub on_retry: Callback<()>,
}

#[function_component(ErrorBox)]
pub fn error_box(props: &ErrorBoxProps) -> Html {
    let onclick = props.on_retry.reform(|_: MouseEvent| ());
    html! {
        <div class="error-box" role="alert">
            <p class="error-title">{ &props.error.title }</p>
            if let Some(detail) = &props.error.detail {
                <p class="error-detail">{ detail }</p>
            }
            <button type="button" class="button" {onclick}>{ "Try again" }</button>
        </div>
    }
}
