//! Any text through the Markdown + math renderer, as the server runs it: it must never panic,
//! and no tag it writes may be executable (script-like elements, event handlers, `javascript:`
//! or `data:` URLs). Text is escaped, so every `<` in the output opens a tag.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::markdown::render_markdown;

const FORBIDDEN_TAGS: &[&str] = &["script", "style", "svg", "object", "embed", "form", "input", "base", "link", "meta"];

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let html = render_markdown(source);
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        let tag = &rest[at + 1..];
        let end = tag.find('>').unwrap_or(tag.len());
        let inside = tag[..end].to_ascii_lowercase();
        let name: String = inside
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(!FORBIDDEN_TAGS.contains(&name.as_str()), "<{name}> in {html}");
        // Attributes are `key="value"`; values never hold a `"`.
        let mut attributes = inside.get(name.len() + 1..).unwrap_or_default();
        while let Some(eq) = attributes.find("=\"") {
            let key = attributes[..eq].trim();
            let value = &attributes[eq + 2..];
            let close = value.find('"').unwrap_or(value.len());
            let value = value[..close].trim_start();
            assert!(!key.starts_with("on"), "{key} in {html}");
            if key == "href" || key == "src" {
                assert!(!value.starts_with("javascript:") && !value.starts_with("data:"), "{key}={value} in {html}");
            }
            attributes = attributes.get(eq + 2 + close + 1..).unwrap_or_default();
        }
        rest = tag.get(end + 1..).unwrap_or_default();
    }
});
