//! ShortScience single-page app: mounts the root component into the page shell.

mod api;
mod app;
mod clipboard;
mod components;
mod dates;
mod forms;
mod hooks;
mod pages;
mod preview;
mod state;
mod tabs;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod test_support;

fn main() {
    // `#app` holds a "Loading…" note for the time before the wasm runs; Yew replaces it.
    let root = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id("app"));
    match root {
        Some(root) => yew::Renderer::<app::App>::with_root(root).render(),
        None => yew::Renderer::<app::App>::new().render(),
    };
}
