//! Copying text for the reader: API token secrets, BibTeX entries.

/// The async clipboard API; `false` when the browser refused (no permission, insecure page).
pub async fn copy(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
