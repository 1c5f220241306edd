//! The editor, `/write?paper={id}` (a new summary) or `/write?summary={id}` (an edit): Markdown
//! on the left, the preview on the right as the server will publish it (the server's renderer,
//! as a wasm module loaded with the editor, a moment after typing stops), a toolbar for emphasis,
//! links, math and images (picked or dropped), and the summary's settings. The
//! text is kept in the browser until it is published, and leaving with unsaved text asks first.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Deserialize;
use shared::api::{License, NewSummaryRequest, Summary, SummaryChange, Visibility};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Route;
use crate::components::nav_link::{PathLink, with_next};
use crate::components::status::{ErrorBox, Loading};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::state::{SessionHandle, SessionState, use_session};

/// How long typing must pause before the preview is rendered again.
const PREVIEW_DELAY_MS: i32 = 300;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct WriteQuery {
    paper: Option<String>,
    summary: Option<String>,
}

/// What is being written: a new summary of a paper, or an edit of one.
#[derive(Debug, Clone, PartialEq)]
enum Target {
    Paper(String),
    Summary(String),
}

impl Target {
    fn draft_key(&self) -> String {
        match self {
            Target::Paper(id) => format!("shortscience:draft:paper:{id}"),
            Target::Summary(id) => format!("shortscience:draft:summary:{id}"),
        }
    }
}

/// The editor's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub markdown: String,
    pub anonymous: bool,
    pub visibility: Visibility,
    /// Comma-separated, as typed.
    pub tags: String,
    pub license: License,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            markdown: String::new(),
            anonymous: false,
            visibility: Visibility::Public,
            tags: String::new(),
            license: License::default(),
        }
    }
}

impl Draft {
    fn of(summary: &Summary) -> Draft {
        Draft {
            markdown: summary.body_markdown.clone(),
            anonymous: summary.anonymous,
            visibility: summary.visibility,
            tags: summary.tags.join(", "),
            license: License::ALL
                .into_iter()
                .find(|l| l.spdx() == summary.license)
                .unwrap_or_default(),
        }
    }

    pub fn tag_list(&self) -> Vec<String> {
        self.tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

#[function_component(WritePage)]
pub fn write_page() -> Html {
    let session = use_session();
    let query = use_location()
        .and_then(|location| location.query::<WriteQuery>().ok())
        .unwrap_or_default();
    let target = match (query.summary, query.paper) {
        (Some(id), _) => Target::Summary(id),
        (None, Some(id)) => Target::Paper(id),
        (None, None) => {
            return html! {
                <div class="page-intro">
                    <h1>{ "Write a summary" }</h1>
                    <p class="lede">
                        { "Summaries are written from a paper's page. " }
                        <PathLink to={Route::Search.to_path()}>{ "Find the paper first." }</PathLink>
                    </p>
                </div>
            };
        }
    };
    match session.state() {
        SessionState::Restoring => html! { <Loading /> },
        SessionState::SignedOut => {
            let here = match &target {
                Target::Paper(id) => format!("/write?paper={}", api::encode_segment(id)),
                Target::Summary(id) => format!("/write?summary={}", api::encode_segment(id)),
            };
            html! {
                <div class="page-intro">
                    <h1>{ "Write a summary" }</h1>
                    <p class="lede">
                        <PathLink to={with_next(&Route::Login.to_path(), &here)} id="sign-in-to-write">
                            { "Sign in to write a summary." }
                        </PathLink>
                    </p>
                </div>
            }
        }
        SessionState::SignedIn(_) => html! { <Loader {target} /> },
    }
}

#[derive(Properties, PartialEq)]
struct LoaderProps {
    target: Target,
}

/// Loads what the editor starts from: the paper's title, or the summary being edited.
#[function_component(Loader)]
fn loader(props: &LoaderProps) -> Html {
    let session = use_session();
    let (start, retry) = use_fetch(props.target.clone(), move |target| async move {
        match target {
            Target::Paper(id) => api::get_paper(&id).await.map(|p| (p.id, p.title, None)),
            Target::Summary(id) => {
                let summary = api::get_summary(&session, &id, None).await?;
                Ok((
                    summary.paper.id.clone(),
                    summary.paper.title.clone(),
                    Some(summary),
                ))
            }
        }
    });
    match start {
        Fetch::Loading => html! { <Loading label="Opening the editor…" /> },
        Fetch::Failed(error) => html! { <ErrorBox {error} on_retry={retry} /> },
        Fetch::Ready(start) => {
            let (paper_id, title, summary) = (*start).clone();
            html! { <Editor target={props.target.clone()} {paper_id} {title} {summary} /> }
        }
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    target: Target,
    paper_id: String,
    title: String,
    summary: Option<Summary>,
}

#[function_component(Editor)]
fn editor(props: &EditorProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    use_document_title(Some(format!("Summary of {}", props.title)));
    let draft_key = props.target.draft_key();
    let draft = {
        let (key, summary) = (draft_key.clone(), props.summary.clone());
        use_state(move || {
            let saved = load_draft(&key);
            let mut draft = summary.as_ref().map(Draft::of).unwrap_or_default();
            if let Some(text) = saved {
                draft.markdown = text;
            }
            draft
        })
    };
    let original = props
        .summary
        .as_ref()
        .map(|s| s.body_markdown.clone())
        .unwrap_or_default();
    let dirty = draft.markdown != original;
    let preview = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let publishing = use_state(|| false);
    let generation = use_mut_ref(|| 0_u64);
    let textarea = use_node_ref();

    // The preview follows the text, a moment after typing stops; the draft is kept meanwhile.
    {
        let (preview, generation, key) = (preview.clone(), generation.clone(), draft_key.clone());
        use_effect_with(draft.markdown.clone(), move |markdown| {
            let mine = {
                let mut generation = generation.borrow_mut();
                *generation += 1;
                *generation
            };
            let markdown = markdown.clone();
            wasm_bindgen_futures::spawn_local(async move {
                sleep_ms(PREVIEW_DELAY_MS).await;
                if *generation.borrow() != mine {
                    return;
                }
                save_draft(&key, &markdown);
                let html = match crate::preview::render(&markdown).await {
                    Some(html) => Some(html),
                    None => api::render(&markdown).await.ok().map(|r| r.html),
                };
                if let Some(html) = html
                    && *generation.borrow() == mine
                {
                    preview.set(html);
                }
            });
        });
    }
    use_leave_warning(dirty && !*publishing);

    let set = |apply: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |value: String| {
            let mut next = (*draft).clone();
            apply(&mut next, value);
            draft.set(next);
        })
    };
    let on_markdown = set(|d, v| d.markdown = v);
    let on_tags = set(|d, v| d.tags = v);
    let on_visibility = set(|d, v| {
        d.visibility = match v.as_str() {
            "unlisted" => Visibility::Unlisted,
            "private" => Visibility::Private,
            _ => Visibility::Public,
        }
    });
    let on_license = set(|d, v| {
        d.license = License::ALL
            .into_iter()
            .find(|l| l.spdx() == v)
            .unwrap_or_default()
    });
    let on_anonymous = {
        let draft = draft.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            draft.set(Draft {
                anonymous: input.checked(),
                ..(*draft).clone()
            });
        })
    };
    let toolbar = |label: &'static str, title: &'static str, before: &'static str, after: &'static str| {
        let (textarea, draft) = (textarea.clone(), draft.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() {
                let text = area.value();
                let (start, end) = selection(&area, &text);
                let next = format!(
                    "{}{before}{}{after}{}",
                    &text[..start],
                    &text[start..end],
                    &text[end..]
                );
                draft.set(Draft {
                    markdown: next,
                    ..(*draft).clone()
                });
                let _ = area.focus();
            }
        });
        html! {
            <button type="button" class="button tool" title={title} aria-label={title} {onclick}>{ label }</button>
        }
    };
    // An image, from the toolbar's file picker or dropped on the text: uploaded, then put in
    // at the cursor as `![name](url)`.
    let upload_error = use_state(|| None::<ApiError>);
    let insert_image = {
        let (textarea, draft, session, upload_error) = (
            textarea.clone(),
            draft.clone(),
            session.clone(),
            upload_error.clone(),
        );
        Callback::from(move |file: web_sys::File| {
            let (textarea, draft, session, upload_error) = (
                textarea.clone(),
                draft.clone(),
                session.clone(),
                upload_error.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match api::upload_image(&session, &file).await {
                    Ok(upload) => {
                        upload_error.set(None);
                        let Some(area) = textarea.cast::<web_sys::HtmlTextAreaElement>() else {
                            return;
                        };
                        let text = area.value();
                        let (start, end) = selection(&area, &text);
                        let alt: String = file.name().chars().filter(|c| !"[]()".contains(*c)).collect();
                        // The site's own path: the summary keeps working if the site moves.
                        let url = upload
                            .url
                            .find("/uploads/")
                            .map_or(upload.url.as_str(), |at| &upload.url[at..]);
                        let image = format!("![{alt}]({url})");
                        draft.set(Draft {
                            markdown: format!("{}{image}{}", &text[..start], &text[end..]),
                            ..(*draft).clone()
                        });
                    }
                    Err(failure) => upload_error.set(Some(failure)),
                }
            });
        })
    };
    let on_pick = {
        let insert_image = insert_image.clone();
        Callback::from(move |event: Event| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                insert_image.emit(file);
            }
            input.set_value("");
        })
    };
    let on_drop = Callback::from(move |event: DragEvent| {
        let file = event
            .data_transfer()
            .and_then(|data| data.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            event.prevent_default();
            insert_image.emit(file);
        }
    });
    let on_drag_over = Callback::from(|event: DragEvent| event.prevent_default());
    let onsubmit = {
        let (draft, error, publishing) = (draft.clone(), error.clone(), publishing.clone());
        let (target, paper_id, key) = (props.target.clone(), props.paper_id.clone(), draft_key.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *publishing {
                return;
            }
            publishing.set(true);
            error.set(None);
            let (draft, error, publishing) = ((*draft).clone(), error.clone(), publishing.clone());
            let (session, navigator, target, paper_id, key) = (
                session.clone(),
                navigator.clone(),
                target.clone(),
                paper_id.clone(),
                key.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match publish(&session, &target, &paper_id, &draft).await {
                    Ok(summary) => {
                        clear_draft(&key);
                        if let Some(navigator) = navigator {
                            navigator.push(&Route::Summary { id: summary.id });
                        }
                    }
                    Err(failure) => {
                        publishing.set(false);
                        error.set(Some(failure));
                    }
                }
            });
        })
    };
    let visibility = match draft.visibility {
        Visibility::Public => "public",
        Visibility::Unlisted => "unlisted",
        Visibility::Private => "private",
    };
    html! {
        <div class="editor-page">
            <div class="page-intro">
                <p class="eyebrow">{ if props.summary.is_some() { "Editing your summary of" } else { "Summary of" } }</p>
                <h1><PathLink to={Route::Paper { id: props.paper_id.clone() }.to_path()}>{ &props.title }</PathLink></h1>
            </div>
            <form class="editor" id="summary-form" onsubmit={onsubmit}>
                <div class="editor-panes">
                    <div class="editor-source">
                        <div class="toolbar" role="toolbar" aria-label="Formatting">
                            { toolbar("B", "Bold", "**", "**") }
                            { toolbar("I", "Italic", "*", "*") }
                            { toolbar("Link", "Link", "[", "](https://)") }
                            { toolbar("$x$", "Inline math", "$", "$") }
                            { toolbar("$$", "Display math", "\n$$\n", "\n$$\n") }
                            <label class="button tool" title="Image (or drop one on the text)">
                                { "Image" }
                                <input
                                    type="file"
                                    id="summary-image"
                                    class="visually-hidden"
                                    accept="image/png,image/jpeg,image/gif,image/webp"
                                    onchange={on_pick}
                                />
                            </label>
                        </div>
                        if let Some(failure) = &*upload_error {
                            <p class="form-error" role="alert">{ failure.detail.clone().unwrap_or_else(|| failure.title.clone()) }</p>
                        }
                        <label for="summary-markdown" class="visually-hidden">{ "Summary (Markdown and LaTeX)" }</label>
                        <textarea
                            id="summary-markdown"
                            ref={textarea}
                            value={draft.markdown.clone()}
                            placeholder="What does the paper do, and why does it matter? Markdown, $math$ and \\cite{key} work."
                            oninput={on_markdown.reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value())}
                            ondrop={on_drop}
                            ondragover={on_drag_over}
                        />
                    </div>
                    <section class="editor-preview" aria-label="Preview">
                        <div class="summary-body" id="summary-preview">
                            // The server's renderer (safe by construction), as it will publish it.
                            { Html::from_html_unchecked(AttrValue::from((*preview).clone())) }
                        </div>
                    </section>
                </div>
                <div class="editor-settings">
                    <label class="inline">
                        <input type="checkbox" id="summary-anonymous" checked={draft.anonymous} onchange={on_anonymous} />
                        { " Publish anonymously" }
                    </label>
                    <label class="inline">{ "Who can read it " }
                        <select id="summary-visibility" onchange={on_visibility.reform(select_value)}>
                            <option value="public" selected={visibility == "public"}>{ "Everyone" }</option>
                            <option value="unlisted" selected={visibility == "unlisted"}>{ "Anyone with the link" }</option>
                            <option value="private" selected={visibility == "private"}>{ "Only me" }</option>
                        </select>
                    </label>
                    <label class="inline">{ "Licence " }
                        <select id="summary-license" onchange={on_license.reform(select_value)}>
                            { for License::ALL.into_iter().map(|l| html! {
                                <option value={l.spdx()} selected={l == draft.license}>{ l.spdx() }</option>
                            }) }
                        </select>
                    </label>
                    <label class="inline">{ "Tags " }
                        <input
                            id="summary-tags"
                            value={draft.tags.clone()}
                            placeholder="e.g. reinforcement learning, theory"
                            oninput={on_tags.reform(|e: InputEvent| e.target_unchecked_into::<web_sys::HtmlInputElement>().value())}
                        />
                    </label>
                </div>
                if let Some(failure) = &*error {
                    <p class="form-error" role="alert">
                        { &failure.title }
                        if let Some(detail) = &failure.detail { { ": " }{ detail } }
                    </p>
                }
                <div class="form-actions">
                    <button type="submit" class="button primary" id="summary-publish" disabled={*publishing || draft.markdown.trim().is_empty()}>
                        { match (*publishing, props.summary.is_some()) {
                            (true, _) => "Saving…",
                            (false, true) => "Save changes",
                            (false, false) => "Publish",
                        } }
                    </button>
                </div>
            </form>
        </div>
    }
}

async fn publish(
    session: &SessionHandle,
    target: &Target,
    paper_id: &str,
    draft: &Draft,
) -> Result<Summary, ApiError> {
    match target {
        Target::Paper(_) => {
            let request = NewSummaryRequest {
                paper_id: paper_id.to_owned(),
                body_markdown: draft.markdown.clone(),
                anonymous: draft.anonymous,
                visibility: draft.visibility,
                tags: draft.tag_list(),
                license: draft.license,
            };
            api::create_summary(session, &request).await
        }
        Target::Summary(id) => {
            let change = SummaryChange {
                body_markdown: Some(draft.markdown.clone()),
                anonymous: Some(draft.anonymous),
                visibility: Some(draft.visibility),
                tags: Some(draft.tag_list()),
                license: Some(draft.license),
                rotate_share_link: false,
            };
            api::update_summary(session, id, &change).await
        }
    }
}

fn select_value(event: Event) -> String {
    event
        .target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

/// The selection as byte offsets into `text` (the browser counts UTF-16 units).
fn selection(area: &web_sys::HtmlTextAreaElement, text: &str) -> (usize, usize) {
    let to_byte = |units: Option<u32>| {
        let units = units.unwrap_or(0) as usize;
        let mut seen = 0;
        for (at, c) in text.char_indices() {
            if seen >= units {
                return at;
            }
            seen += c.len_utf16();
        }
        text.len()
    };
    let start = to_byte(area.selection_start().ok().flatten());
    let end = to_byte(area.selection_end().ok().flatten()).max(start);
    (start, end)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_draft(key: &str) -> Option<String> {
    storage()?
        .get_item(key)
        .ok()?
        .filter(|text| !text.trim().is_empty())
}

fn save_draft(key: &str, text: &str) {
    if let Some(storage) = storage() {
        let _ = if text.trim().is_empty() {
            storage.remove_item(key)
        } else {
            storage.set_item(key, text)
        };
    }
}

fn clear_draft(key: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}

/// Waits in the browser's event loop.
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// While `active`, leaving the page (closing, reloading, following an outside link) asks first.
#[hook]
fn use_leave_warning(active: bool) {
    let handler = use_mut_ref(|| None::<Closure<dyn FnMut(web_sys::BeforeUnloadEvent)>>);
    use_effect_with(active, move |active| {
        let window = web_sys::window();
        if *active {
            let closure =
                Closure::<dyn FnMut(web_sys::BeforeUnloadEvent)>::new(|event: web_sys::BeforeUnloadEvent| {
                    event.prevent_default();
                    event.set_return_value("You have unsaved text.");
                });
            if let Some(window) = &window {
                window.set_onbeforeunload(Some(closure.as_ref().unchecked_ref()));
            }
            *handler.borrow_mut() = Some(closure);
        }
        let handler: Rc<RefCell<_>> = handler;
        move || {
            if let Some(window) = window {
                window.set_onbeforeunload(None);
            }
            handler.borrow_mut().take();
        }
    });
}

// Native only, like the other component tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn tags_are_split_at_commas() {
        let draft = Draft {
            tags: " deep learning, ,theory ".to_owned(),
            ..Draft::default()
        };
        assert_eq!(draft.tag_list(), ["deep learning", "theory"]);
    }
}
