//! Under an edited summary: "Edited", and what each revision changed, newest first (a line
//! diff computed by the server, `GET /summaries/{id}/revisions/{n}/diff`), one at a time.

use shared::api::{LineChange, RevisionDiff};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::state::use_session;

#[derive(Properties, PartialEq)]
pub struct HistoryProps {
    pub summary_id: String,
    /// The summary's current revision; nothing is shown for an unedited one.
    pub revision: i32,
    /// The share token an unlisted summary was opened with.
    pub share: Option<String>,
}

#[function_component(History)]
pub fn history(props: &HistoryProps) -> Html {
    let session = use_session();
    let diff = use_state(|| None::<Result<RevisionDiff, ApiError>>);
    if props.revision < 2 {
        return Html::default();
    }
    // The diff of `revision`: the latest when opened, then older ones.
    let show = |revision: i32| {
        let (session, diff, id, share) = (
            session.clone(),
            diff.clone(),
            props.summary_id.clone(),
            props.share.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (session, diff, id, share) = (session.clone(), diff.clone(), id.clone(), share.clone());
            wasm_bindgen_futures::spawn_local(async move {
                diff.set(Some(
                    api::revision_diff(&session, &id, revision, share.as_deref()).await,
                ));
            });
        })
    };
    let shown = match &*diff {
        Some(Ok(diff)) => Some(diff),
        _ => None,
    };
    html! {
        <div class="history">
            <span class="edited">{ format!("Edited ({} revisions) · ", props.revision) }</span>
            <button type="button" class="link-button show-diff" onclick={show(props.revision)}>{ "What changed" }</button>
            if let Some(diff) = shown {
                <p class="diff-heading">
                    { format!("Revision {} against {}", diff.revision, diff.previous) }
                    if diff.previous > 1 {
                        { " · " }
                        <button type="button" class="link-button older-diff" onclick={show(diff.previous)}>{ "Older" }</button>
                    }
                </p>
                <pre class="diff">
                    { for diff.lines.iter().map(|line| {
                        let (class, mark) = match line.change {
                            LineChange::Same => ("same", "  "),
                            LineChange::Added => ("added", "+ "),
                            LineChange::Removed => ("removed", "- "),
                        };
                        html! { <span class={class}>{ mark }{ &line.text }{ "\n" }</span> }
                    }) }
                </pre>
            }
            if let Some(Err(error)) = &*diff {
                <p class="form-error" role="alert">{ error.detail.clone().unwrap_or_else(|| error.title.clone()) }</p>
            }
        </div>
    }
}
