//! Form fields with a real label, an optional hint and their messages, tied together with
//! `aria-describedby` so screen readers read the message with the field.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::forms::sentence;

#[derive(Properties, PartialEq)]
pub struct TextFieldProps {
    /// Element id; the hint and messages get `{id}-hint` and `{id}-error`.
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    /// `type` of the input: text, email, password, url.
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub errors: Vec<String>,
    #[prop_or_default]
    pub required: bool,
    /// A `<textarea>` instead of an `<input>`.
    #[prop_or_default]
    pub multiline: bool,
    /// Identifiers and addresses: no auto-capitalisation, correction or spell checking.
    #[prop_or_default]
    pub verbatim: bool,
    #[prop_or_default]
    pub maxlength: Option<AttrValue>,
    pub oninput: Callback<String>,
    #[prop_or_default]
    pub onblur: Callback<()>,
}

#[function_component(TextField)]
pub fn text_field(props: &TextFieldProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let error_id = format!("{}-error", props.id);
    let invalid = !props.errors.is_empty();
    let described_by = {
        let ids: Vec<&str> = [
            props.hint.is_some().then_some(hint_id.as_str()),
            invalid.then_some(error_id.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    // `change` as well as `input`: scripts and test drivers that clear a field (WebDriver's
    // Element Clear) fire only `change`, and the form must still see the new value.
    let oninput = props
        .oninput
        .reform(|event: InputEvent| control_value(event.target()));
    let onchange = props.oninput.reform(|event: Event| control_value(event.target()));
    let onblur = props.onblur.reform(|_: FocusEvent| ());
    let aria_invalid = invalid.then_some("true");
    let (autocapitalize, spellcheck, autocorrect) = if props.verbatim {
        (Some("none"), Some("false"), Some("off"))
    } else {
        (None, None, None)
    };
    let control = if props.multiline {
        html! {
            <textarea
                id={props.id.clone()}
                name={props.id.clone()}
                value={props.value.clone()}
                rows="5"
                required={props.required}
                maxlength={props.maxlength.clone()}
                aria-invalid={aria_invalid}
                aria-describedby={described_by}
                {oninput}
                {onchange}
                {onblur}
            />
        }
    } else {
        html! {
            <input
                id={props.id.clone()}
                name={props.id.clone()}
                type={props.kind.clone()}
                value={props.value.clone()}
                autocomplete={props.autocomplete.clone()}
                required={props.required}
                maxlength={props.maxlength.clone()}
                autocapitalize={autocapitalize}
                autocorrect={autocorrect}
                spellcheck={spellcheck}
                aria-invalid={aria_invalid}
                aria-describedby={described_by}
                {oninput}
                {onchange}
                {onblur}
            />
        }
    };
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={props.id.clone()}>
                { props.label.clone() }
                if !props.required {
                    <span class="optional">{ " (optional)" }</span>
                }
            </label>
            { control }
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id.clone()}>{ hint.clone() }</p>
            }
            if invalid {
                <ul class="field-errors" id={error_id.clone()}>
                    { for props.errors.iter().map(|message| html! { <li>{ sentence(&props.label, message) }</li> }) }
                </ul>
            }
        </div>
    }
}

/// The text of the `<input>` or `<textarea>` an event came from.
fn control_value(target: Option<web_sys::EventTarget>) -> String {
    if let Some(input) = target
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.value()
    } else {
        target
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
            .map(|area| area.value())
            .unwrap_or_default()
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckboxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub checked: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    pub onchange: Callback<bool>,
}

#[function_component(Checkbox)]
pub fn checkbox(props: &CheckboxProps) -> Html {
    let hint_id = format!("{}-hint", props.id);
    let onchange = props.onchange.reform(|event: Event| {
        event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .is_some_and(|input| input.checked())
    });
    html! {
        <div class="field checkbox">
            <input
                type="checkbox"
                id={props.id.clone()}
                name={props.id.clone()}
                checked={props.checked}
                aria-describedby={props.hint.is_some().then(|| hint_id.clone())}
                {onchange}
            />
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            if let Some(hint) = &props.hint {
                <p class="hint" id={hint_id.clone()}>{ hint.clone() }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FormMessageProps {
    pub message: Option<String>,
}

/// The form-wide message (e.g. "Invalid credentials"). The live region is always present, so
/// screen readers announce the text when it appears.
#[function_component(FormMessage)]
pub fn form_message(props: &FormMessageProps) -> Html {
    html! {
        <div class="form-message" role="alert">
            if let Some(message) = &props.message {
                <p class="form-error">{ message }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SubmitButtonProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// Shown while the request is pending.
    pub pending_label: AttrValue,
    pub pending: bool,
}

/// Disabled while a request is pending, so a double click cannot send it twice.
#[function_component(SubmitButton)]
pub fn submit_button(props: &SubmitButtonProps) -> Html {
    html! {
        <button
            type="submit"
            id={props.id.clone()}
            class="button primary"
            disabled={props.pending}
            aria-busy={props.pending.then_some("true")}
        >
            { if props.pending { props.pending_label.clone() } else { props.label.clone() } }
        </button>
    }
}

// Native only, like its tokio and ServerRenderer dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    async fn render(errors: Vec<String>, hint: Option<&'static str>) -> String {
        yew::ServerRenderer::<TextField>::with_props(move || TextFieldProps {
            id: "username".into(),
            label: "Username".into(),
            value: "a".into(),
            kind: "text".into(),
            autocomplete: Some("username".into()),
            hint: hint.map(AttrValue::Static),
            errors,
            required: true,
            multiline: false,
            verbatim: true,
            maxlength: None,
            oninput: Callback::noop(),
            onblur: Callback::noop(),
        })
        .render()
        .await
    }

    #[tokio::test]
    async fn a_field_with_messages_is_marked_invalid_and_described_by_them() {
        let html = render(
            vec!["must be 3 to 32 characters: a-z, 0-9, _ or -".into()],
            Some("Shown on your profile"),
        )
        .await;
        assert!(html.contains(r#"<label for="username">"#), "{html}");
        assert!(html.contains(r#"aria-invalid="true""#), "{html}");
        assert!(
            html.contains(r#"aria-describedby="username-hint username-error""#),
            "{html}"
        );
        assert!(html.contains(r#"id="username-error""#), "{html}");
        assert!(
            html.contains("Username must be 3 to 32 characters: a-z, 0-9, _ or -"),
            "{html}"
        );
        assert!(html.contains(r#"autocomplete="username""#), "{html}");
    }

    #[tokio::test]
    async fn a_valid_field_carries_no_error_markup() {
        let html = render(Vec::new(), None).await;
        assert!(!html.contains("aria-invalid"), "{html}");
        assert!(!html.contains("aria-describedby"), "{html}");
        assert!(!html.contains("field-errors"), "{html}");
    }
}

#[derive(Properties, PartialEq)]
pub struct SaveActionsProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub pending_label: AttrValue,
    pub pending: bool,
    /// Announced beside the button once the change is saved, e.g. "Profile saved."
    #[prop_or_default]
    pub done: Option<AttrValue>,
}

/// The submit button of a settings form with its status line, which screen readers announce.
#[function_component(SaveActions)]
pub fn save_actions(props: &SaveActionsProps) -> Html {
    html! {
        <div class="form-actions">
            <SubmitButton
                id={props.id.clone()}
                label={props.label.clone()}
                pending_label={props.pending_label.clone()}
                pending={props.pending}
            />
            <span class="form-status" role="status">
                if let Some(done) = &props.done {
                    <span class="saved">{ done }</span>
                }
            </span>
        </div>
    }
}
