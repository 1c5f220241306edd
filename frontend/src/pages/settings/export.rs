//! Downloading everything the reader wrote. The export needs the bearer token, so a plain link
//! cannot fetch it: the file is fetched here and handed to the browser as a Blob URL.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use shared::accounts::ExportFormat;

use crate::api::{self, ApiError};
use crate::state::use_session;

#[function_component(ExportSection)]
pub fn export_section() -> Html {
    let session = use_session();
    let pending = use_state(|| None::<ExportFormat>);
    let error = use_state(|| None::<String>);
    let username = session.me().map(|me| me.username.clone()).unwrap_or_default();

    let button = |format: ExportFormat, id: &'static str, label: &'static str| {
        let onclick = {
            let session = session.clone();
            let pending = pending.clone();
            let error = error.clone();
            let filename = format!("shortscience-{username}.{}", format.as_str());
            Callback::from(move |_: MouseEvent| {
                if pending.is_some() {
                    return;
                }
                pending.set(Some(format));
                error.set(None);
                let session = session.clone();
                let pending = pending.clone();
                let error = error.clone();
                let filename = filename.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let outcome = match api::export(&session, format).await {
                        Ok(blob) => save(&blob, &filename),
                        Err(failure) => Err(failure),
                    };
                    if let Err(failure) = outcome {
                        error.set(Some(failure.detail.unwrap_or(failure.title)));
                    }
                    pending.set(None);
                });
            })
        };
        let busy = *pending == Some(format);
        html! {
            <button type="button" class="button" {id} disabled={pending.is_some()} aria-busy={busy.then_some("true")} {onclick}>
                { if busy { "Preparing…" } else { label } }
            </button>
        }
    };

    html! {
        <section class="settings-section" aria-labelledby="export-heading">
            <h2 id="export-heading">{ "Export" }</h2>
            <p>{ "Download your account details, summaries and comments." }</p>
            <div class="form-actions">
                { button(ExportFormat::Json, "export-json", "Download JSON") }
                { button(ExportFormat::Csv, "export-csv", "Download CSV") }
            </div>
            <div class="form-message" role="alert">
                if let Some(message) = &*error {
                    <p class="form-error">{ message }</p>
                }
            </div>
        </section>
    }
}

/// Saves `blob` as `filename` through a temporary `<a download>`; the object URL is released a
/// minute later, long after the browser has started the download.
fn save(blob: &web_sys::Blob, filename: &str) -> Result<(), ApiError> {
    let failed = || ApiError::browser("Your browser did not start the download");
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or_else(failed)?;
    let body = document.body().ok_or_else(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| failed())?;
    let anchor = document
        .create_element("a")
        .ok()
        .and_then(|element| element.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(failed)?;
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.set_hidden(true);
    body.append_child(&anchor).map_err(|_| failed())?;
    anchor.click();
    anchor.remove();
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_secs(60)).await;
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    Ok(())
}
