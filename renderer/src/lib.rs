//! The renderer the server publishes with, for the editor's preview: a wasm module of its own,
//! so readers (who get the server's HTML) never download it. The SPA imports `/renderer.js`
//! when the editor opens and calls [`render`] as the author types.

use wasm_bindgen::prelude::wasm_bindgen;

/// A summary or comment body as HTML, math as MathML: what the server stores for this text.
#[wasm_bindgen]
pub fn render(markdown: &str) -> String {
    shared::markdown::render_markdown(&markdown.replace('\0', "\u{FFFD}"))
}
