//! Personal API tokens for scripts: the list, creating one (whose secret is shown this once)
//! and revoking one after a confirmation.

use std::rc::Rc;

use shared::accounts::{ApiToken, CreateTokenRequest, CreatedToken, TokenScope};
use shared::problem::FieldErrors;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::components::field::{Checkbox, FormMessage, SubmitButton, TextField};
use crate::components::status::{ErrorBox, Loading};
use crate::forms::{FieldRef, FormAction, on_blur, on_input, on_submit, use_form};
use crate::state::use_session;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokenForm {
    pub name: String,
    pub allow_writing: bool,
}

impl TokenForm {
    fn request(&self) -> CreateTokenRequest {
        let mut scopes = vec![TokenScope::Read];
        if self.allow_writing {
            scopes.push(TokenScope::Write);
        }
        CreateTokenRequest {
            name: self.name.trim().to_owned(),
            scopes,
            expires_at: None,
        }
    }
}

pub fn token_rules(form: &TokenForm) -> FieldErrors {
    // The form sets no expiry, so the clock the rule compares it with does not matter here.
    form.request()
        .validate(chrono::DateTime::UNIX_EPOCH)
        .err()
        .unwrap_or_default()
}

const FIELDS: &[FieldRef] = &[FieldRef {
    name: "name",
    id: "token-name",
}];

/// "Read only" or "Read and write".
pub fn scopes_label(scopes: &[TokenScope]) -> &'static str {
    if scopes.contains(&TokenScope::Write) {
        "Read and write"
    } else {
        "Read only"
    }
}

#[derive(Clone, PartialEq)]
enum List {
    Loading,
    Ready(Vec<ApiToken>),
    Failed(ApiError),
}

#[function_component(TokensSection)]
pub fn tokens_section() -> Html {
    let session = use_session();
    let list = use_state(|| List::Loading);
    let attempt = use_state(|| 0_u32);
    let created = use_state(|| None::<Rc<CreatedToken>>);
    let confirming = use_state(|| None::<String>);
    let revoke_error = use_state(|| None::<String>);
    let form = use_form(TokenForm::default);
    {
        let list = list.clone();
        let session = session.clone();
        use_effect_with(*attempt, move |_| {
            list.set(List::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                list.set(match api::list_tokens(&session).await {
                    Ok(tokens) => List::Ready(tokens),
                    Err(error) => List::Failed(error),
                });
            });
        });
    }

    let shown = token_rules(&form.values);
    let onsubmit = {
        let session = session.clone();
        let list = list.clone();
        let created = created.clone();
        let dispatcher = form.dispatcher();
        on_submit(&form, FIELDS, token_rules, move |values: TokenForm| {
            let session = session.clone();
            let list = list.clone();
            let created = created.clone();
            let dispatcher = dispatcher.clone();
            async move {
                let token = api::create_token(&session, &values.request()).await?;
                if let List::Ready(tokens) = &*list {
                    let mut tokens = tokens.clone();
                    tokens.insert(0, token.token.clone());
                    list.set(List::Ready(tokens));
                }
                created.set(Some(Rc::new(token)));
                dispatcher.dispatch(FormAction::Reset(TokenForm::default()));
                Ok(())
            }
        })
    };
    let on_write = {
        let dispatcher = form.dispatcher();
        Callback::from(move |checked: bool| {
            dispatcher.dispatch(FormAction::Edit {
                field: "scopes",
                apply: Box::new(move |form: &mut TokenForm| form.allow_writing = checked),
            });
        })
    };

    let revoke = {
        let session = session.clone();
        let list = list.clone();
        let confirming = confirming.clone();
        let revoke_error = revoke_error.clone();
        Callback::from(move |id: String| {
            let session = session.clone();
            let list = list.clone();
            let confirming = confirming.clone();
            let revoke_error = revoke_error.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::delete_token(&session, &id).await {
                    // Gone either way: a 404 means it was revoked elsewhere.
                    Ok(()) => remove(&list, &id),
                    Err(error) if error.is_not_found() => remove(&list, &id),
                    Err(error) => {
                        revoke_error.set(Some(error.detail.unwrap_or(error.title)));
                    }
                }
                confirming.set(None);
            });
        })
    };

    let listing = match &*list {
        List::Loading => html! { <Loading label="Loading your tokens…" /> },
        List::Failed(error) => {
            let attempt = attempt.clone();
            html! { <ErrorBox error={error.clone()} on_retry={Callback::from(move |()| attempt.set(*attempt + 1))} /> }
        }
        List::Ready(tokens) if tokens.is_empty() => {
            html! { <p class="empty">{ "You have no API tokens." }</p> }
        }
        List::Ready(tokens) => html! {
            <ul class="token-list">
                { for tokens.iter().map(|token| html! {
                    <TokenRow
                        key={token.id.clone()}
                        token={token.clone()}
                        confirming={confirming.as_deref() == Some(token.id.as_str())}
                        on_ask={{
                            let confirming = confirming.clone();
                            let revoke_error = revoke_error.clone();
                            Callback::from(move |id: Option<String>| {
                                revoke_error.set(None);
                                confirming.set(id);
                            })
                        }}
                        on_revoke={revoke.clone()}
                    />
                }) }
            </ul>
        },
    };

    html! {
        <section class="settings-section" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{ "API tokens" }</h2>
            <p>
                { "Tokens let your scripts use the " }
                <a href="/docs">{ "ShortScience API" }</a>
                { " as you, with " }
                <code>{ "Authorization: Bearer <token>" }</code>
                { "." }
            </p>
            if let Some(token) = &*created {
                <SecretBox token={Rc::clone(token)} on_done={{
                    let created = created.clone();
                    Callback::from(move |()| created.set(None))
                }} />
            }
            { listing }
            if let Some(message) = &*revoke_error {
                <p class="form-error" role="alert">{ message }</p>
            }
            <h3>{ "New token" }</h3>
            <form id="token-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="token-name"
                    label="Name"
                    value={form.values.name.clone()}
                    autocomplete="off"
                    hint="What it is for, such as “reading list script”."
                    required=true
                    maxlength="80"
                    errors={form.errors(&shown, "name")}
                    oninput={on_input(&form, "name", |f, v| f.name = v)}
                    onblur={on_blur(&form, "name")}
                />
                <Checkbox
                    id="token-write"
                    label="Allow writing"
                    hint="Lets the token write summaries, comments and votes as you. Without it, it can only read."
                    checked={form.values.allow_writing}
                    onchange={on_write}
                />
                <FormMessage message={form.message.clone()} />
                <SubmitButton id="token-submit" label="Create token" pending_label="Creating…" pending={form.pending} />
            </form>
        </section>
    }
}

fn remove(list: &UseStateHandle<List>, id: &str) {
    if let List::Ready(tokens) = &**list {
        list.set(List::Ready(
            tokens.iter().filter(|token| token.id != id).cloned().collect(),
        ));
    }
}

#[derive(Properties, PartialEq)]
struct TokenRowProps {
    token: ApiToken,
    confirming: bool,
    /// `Some(id)` to ask for confirmation, `None` to cancel.
    on_ask: Callback<Option<String>>,
    on_revoke: Callback<String>,
}

#[function_component(TokenRow)]
fn token_row(props: &TokenRowProps) -> Html {
    let token = &props.token;
    let busy = use_state(|| false);
    let confirm_ref = use_node_ref();
    {
        // Focus follows the question, so keyboard readers can answer it at once.
        let confirm_ref = confirm_ref.clone();
        use_effect_with(props.confirming, move |confirming| {
            if *confirming && let Some(button) = confirm_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let created = crate::dates::day(&token.created_at);
    let last_used = token.last_used_at.map_or_else(
        || "Never used".to_owned(),
        |at| format!("Last used {}", crate::dates::day(&at)),
    );
    let actions = if props.confirming {
        let on_revoke = {
            let id = token.id.clone();
            let callback = props.on_revoke.clone();
            let busy = busy.clone();
            Callback::from(move |_: MouseEvent| {
                busy.set(true);
                callback.emit(id.clone());
            })
        };
        let on_cancel = props.on_ask.reform(|_: MouseEvent| None);
        html! {
            <div class="token-confirm" role="group" aria-label={format!("Revoke {}?", token.name)}>
                <p>{ "Scripts using this token will stop working. Revoke it?" }</p>
                <button type="button" class="button danger" ref={confirm_ref} disabled={*busy} onclick={on_revoke}>
                    { if *busy { "Revoking…" } else { "Revoke token" } }
                </button>
                <button type="button" class="button" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        }
    } else {
        let id = token.id.clone();
        let on_ask = props.on_ask.reform(move |_: MouseEvent| Some(id.clone()));
        html! {
            <button type="button" class="button" onclick={on_ask}>
                { "Revoke" }
                <span class="visually-hidden">{ format!(" {}", token.name) }</span>
            </button>
        }
    };
    html! {
        <li class="token">
            <div class="token-info">
                <p class="token-name">{ &token.name }</p>
                <p class="token-meta">
                    <span>{ scopes_label(&token.scopes) }</span>
                    <span>{ format!("Created {created}") }</span>
                    <span>{ last_used }</span>
                    if let Some(at) = token.expires_at {
                        <span>{ format!("Expires {}", crate::dates::day(&at)) }</span>
                    }
                </p>
            </div>
            { actions }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct SecretBoxProps {
    pub token: Rc<CreatedToken>,
    pub on_done: Callback<()>,
}

/// The new token's secret, with a copy button; the server never shows it again.
#[function_component(SecretBox)]
pub fn secret_box(props: &SecretBoxProps) -> Html {
    let copied = use_state(|| None::<bool>);
    let box_ref = use_node_ref();
    {
        let box_ref = box_ref.clone();
        use_effect_with(props.token.token.id.clone(), move |_| {
            if let Some(element) = box_ref.cast::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        });
    }
    let on_copy = {
        let secret = props.token.secret.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            let secret = secret.clone();
            let copied = copied.clone();
            wasm_bindgen_futures::spawn_local(async move {
                copied.set(Some(crate::clipboard::copy(&secret).await));
            });
        })
    };
    let on_done = props.on_done.reform(|_: MouseEvent| ());
    html! {
        <div class="secret-box" tabindex="-1" ref={box_ref} aria-labelledby="secret-heading">
            <p class="secret-heading" id="secret-heading">
                { format!("Your new token “{}”", props.token.token.name) }
            </p>
            <p class="secret-warning">
                <strong>{ "Copy it now: you will not see it again." }</strong>
                { " Store it like a password; anyone who has it can act as you." }
            </p>
            <code class="secret" id="token-secret">{ &props.token.secret }</code>
            <div class="form-actions">
                <button type="button" class="button primary" id="copy-secret" onclick={on_copy}>{ "Copy" }</button>
                <button type="button" class="button" onclick={on_done}>{ "Done" }</button>
                <span class="form-status" role="status">
                    { match *copied {
                        Some(true) => "Copied to the clipboard.",
                        Some(false) => "Could not copy: select the token and copy it by hand.",
                        None => "",
                    } }
                </span>
            </div>
        </div>
    }
}

// Native only, like its tokio and ServerRenderer dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn writing_adds_the_write_scope_to_read() {
        let form = TokenForm {
            name: " script ".into(),
            allow_writing: true,
        };
        assert_eq!(form.request().scopes, [TokenScope::Read, TokenScope::Write]);
        assert_eq!(form.request().name, "script");
        assert!(token_rules(&form).is_empty());
        assert_eq!(scopes_label(&form.request().scopes), "Read and write");
    }

    #[test]
    fn a_token_needs_a_name() {
        let errors = token_rules(&TokenForm::default());
        assert_eq!(errors["name"], ["must be 1 to 80 characters"]);
    }

    #[tokio::test]
    async fn the_secret_is_shown_once_with_a_warning() -> serde_json::Result<()> {
        let token: CreatedToken = serde_json::from_value(serde_json::json!({
            "token": {
                "id": "7", "name": "script", "scopes": ["read"],
                "created_at": "2024-03-05T10:00:00Z", "last_used_at": null
            },
            "secret": "ss_secret_value"
        }))?;
        let html = yew::ServerRenderer::<SecretBox>::with_props(move || SecretBoxProps {
            token: Rc::new(token),
            on_done: Callback::noop(),
        })
        .render()
        .await;
        assert!(html.contains("ss_secret_value"), "{html}");
        assert!(html.contains("you will not see it again"), "{html}");
        assert!(html.contains(r#"id="copy-secret""#), "{html}");
        Ok(())
    }
}
