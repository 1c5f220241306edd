//! The editor's preview renderer: the server's renderer compiled to a wasm module of its own
//! (`/renderer.js`, from the `renderer` crate), imported the first time the editor renders, so
//! readers never download it. Should the module fail to load or to render, the editor asks the
//! server (`POST /render`) instead.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn import_module(url: &str) -> Result<js_sys::Promise, JsValue>;
}

/// Where the module stands in this page.
#[derive(Clone)]
enum Module {
    NotLoaded,
    Ready(js_sys::Function),
    /// It could not be loaded, or it trapped: the server renders from now on.
    Broken,
}

thread_local! {
    static MODULE: RefCell<Module> = const { RefCell::new(Module::NotLoaded) };
}

async fn load() -> Result<js_sys::Function, JsValue> {
    let module = JsFuture::from(import_module("/renderer.js")?).await?;
    let init: js_sys::Function = js_sys::Reflect::get(&module, &"default".into())?.dyn_into()?;
    JsFuture::from(init.call0(&JsValue::UNDEFINED)?.dyn_into::<js_sys::Promise>()?).await?;
    js_sys::Reflect::get(&module, &"render".into())?.dyn_into()
}

/// The HTML the server would publish for this text, rendered here; `None` when the module is
/// not available (the caller asks the server).
pub async fn render(markdown: &str) -> Option<String> {
    let render = match MODULE.with(|m| m.borrow().clone()) {
        Module::Ready(render) => render,
        Module::Broken => return None,
        Module::NotLoaded => {
            let loaded = load().await;
            let state = loaded.map_or(Module::Broken, Module::Ready);
            MODULE.with(|m| *m.borrow_mut() = state.clone());
            match state {
                Module::Ready(render) => render,
                _ => return None,
            }
        }
    };
    match render.call1(&JsValue::UNDEFINED, &JsValue::from_str(markdown)) {
        Ok(html) => html.as_string(),
        Err(_) => {
            MODULE.with(|m| *m.borrow_mut() = Module::Broken);
            None
        }
    }
}
