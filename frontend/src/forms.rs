//! What the account forms have in common: which messages show under which field and when, the
//! pending flag, and turning a server's problem into messages in the same places.
//!
//! A field's own rule (the `shared` validators) is shown once the field has lost focus or the
//! form was submitted, and then follows every keystroke, so a fixed mistake clears at once. The
//! server's messages for a field stay until that field is edited.

use std::collections::BTreeSet;
use std::future::Future;
use std::rc::Rc;

use shared::problem::FieldErrors;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::api::ApiError;

/// A form field: its name in the request (and in a 422's `errors`) and its element id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef {
    pub name: &'static str,
    pub id: &'static str,
}

/// What a failed request means for a form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Feedback {
    /// Messages for the form's own fields.
    pub fields: FieldErrors,
    /// Everything else, shown above the submit button.
    pub message: Option<String>,
}

/// Sorts a failed request's messages onto the form's fields; messages for fields the form does
/// not have (a mailed link's `token`) become the form's message, and so does the problem's
/// detail when there is nothing more specific. A 429 says how long to wait.
pub fn feedback(error: &ApiError, fields: &[FieldRef]) -> Feedback {
    if error.status == Some(429) {
        let message = match error.retry_after {
            Some(1) => "Too many attempts, try again in 1 second".to_owned(),
            Some(seconds) => format!("Too many attempts, try again in {seconds} seconds"),
            None => "Too many attempts, try again in a moment".to_owned(),
        };
        return Feedback {
            fields: FieldErrors::new(),
            message: Some(message),
        };
    }
    let mut feedback = Feedback::default();
    let mut elsewhere = Vec::new();
    for (name, messages) in &error.errors {
        if fields.iter().any(|field| field.name == name) {
            feedback.fields.insert(name.clone(), messages.clone());
        } else {
            let label = field_label(name);
            elsewhere.extend(messages.iter().map(|message| sentence(&label, message)));
        }
    }
    feedback.message = if !elsewhere.is_empty() {
        Some(elsewhere.join(" "))
    } else if feedback.fields.is_empty() {
        Some(error.detail.clone().unwrap_or_else(|| error.title.clone()))
    } else {
        None
    };
    feedback
}

/// A rule's message as a sentence of its own: the validators (and the server) word them to follow
/// the field's name ("must be at least 10 characters", "is taken").
pub fn sentence(label: &str, message: &str) -> String {
    if message.starts_with(char::is_lowercase) {
        format!("{label} {message}")
    } else {
        message.to_owned()
    }
}

/// `new_password` → "New password".
fn field_label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// One field's rule as a message list, the shape the shared validators report in.
pub fn field_error(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.to_owned()).or_default().push(message.into());
}

/// A form's values and the bookkeeping around them.
#[derive(Clone)]
pub struct FormState<F> {
    pub values: F,
    touched: BTreeSet<&'static str>,
    submitted: bool,
    server: FieldErrors,
    pub pending: bool,
    pub message: Option<String>,
}

impl<F> FormState<F> {
    pub fn new(values: F) -> Self {
        FormState {
            values,
            touched: BTreeSet::new(),
            submitted: false,
            server: FieldErrors::new(),
            pending: false,
            message: None,
        }
    }

    /// The messages to show under `field`, given the form's current rule violations.
    pub fn errors(&self, rules: &FieldErrors, field: &str) -> Vec<String> {
        let mut shown = Vec::new();
        if self.submitted || self.touched.contains(field) {
            shown.extend(rules.get(field).into_iter().flatten().cloned());
        }
        for message in self.server.get(field).into_iter().flatten() {
            if !shown.contains(message) {
                shown.push(message.clone());
            }
        }
        shown
    }
}

pub enum FormAction<F> {
    /// The reader changed a field.
    Edit {
        field: &'static str,
        apply: Box<dyn FnOnce(&mut F)>,
    },
    /// A field lost focus: its rule shows from now on.
    Blur(&'static str),
    /// A submit was attempted: every rule shows from now on.
    Submit,
    Sending,
    Failed(Feedback),
    /// The request answered and the page took care of the outcome.
    Finished,
    /// Start over with these values (e.g. empty password fields after a change).
    Reset(F),
}

impl<F: Clone + PartialEq + 'static> Reducible for FormState<F> {
    type Action = FormAction<F>;

    fn reduce(self: Rc<Self>, action: FormAction<F>) -> Rc<Self> {
        // `input` and `change` both report edits; only a real change clears the server's say.
        if let FormAction::Edit { apply, field } = action {
            let mut values = self.values.clone();
            apply(&mut values);
            if values == self.values {
                return self;
            }
            let mut state = Rc::unwrap_or_clone(self);
            state.values = values;
            state.server.remove(field);
            state.message = None;
            return Rc::new(state);
        }
        let mut state = Rc::unwrap_or_clone(self);
        match action {
            FormAction::Edit { .. } => {} // Handled above.
            FormAction::Blur(field) => {
                state.touched.insert(field);
            }
            FormAction::Submit => state.submitted = true,
            FormAction::Sending => {
                state.pending = true;
                state.message = None;
                state.server.clear();
            }
            FormAction::Failed(feedback) => {
                state.pending = false;
                state.server = feedback.fields;
                state.message = feedback.message;
            }
            FormAction::Finished => state.pending = false,
            FormAction::Reset(values) => state = FormState::new(values),
        }
        Rc::new(state)
    }
}

pub type FormHandle<F> = UseReducerHandle<FormState<F>>;

#[hook]
pub fn use_form<F, I>(init: I) -> FormHandle<F>
where
    F: Clone + PartialEq + 'static,
    I: FnOnce() -> F,
{
    use_reducer(move || FormState::new(init()))
}

/// The field's `oninput`: stores the text with `set`.
pub fn on_input<F: Clone + PartialEq + 'static>(
    form: &FormHandle<F>,
    field: &'static str,
    set: fn(&mut F, String),
) -> Callback<String> {
    let dispatcher = form.dispatcher();
    Callback::from(move |value: String| {
        dispatcher.dispatch(FormAction::Edit {
            field,
            apply: Box::new(move |values| set(values, value)),
        });
    })
}

/// The field's `onblur`.
pub fn on_blur<F: Clone + PartialEq + 'static>(form: &FormHandle<F>, field: &'static str) -> Callback<()> {
    let dispatcher = form.dispatcher();
    Callback::from(move |()| dispatcher.dispatch(FormAction::Blur(field)))
}

/// The form's `onsubmit`: checks the rules, then runs `send` with the values while the submit
/// button is disabled. Failures land under the fields (focus goes to the first one) or above the
/// button; success is `send`'s to handle.
pub fn on_submit<F, Fut>(
    form: &FormHandle<F>,
    fields: &'static [FieldRef],
    rules: impl Fn(&F) -> FieldErrors + 'static,
    send: impl Fn(F) -> Fut + 'static,
) -> Callback<SubmitEvent>
where
    F: Clone + PartialEq + 'static,
    Fut: Future<Output = Result<(), ApiError>> + 'static,
{
    let dispatcher = form.dispatcher();
    let values = form.values.clone();
    let pending = form.pending;
    Callback::from(move |event: SubmitEvent| {
        event.prevent_default();
        if pending {
            return;
        }
        dispatcher.dispatch(FormAction::Submit);
        let broken = rules(&values);
        if !broken.is_empty() {
            focus_first_error(fields, &broken);
            return;
        }
        dispatcher.dispatch(FormAction::Sending);
        let request = send(values.clone());
        let dispatcher = dispatcher.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match request.await {
                Ok(()) => dispatcher.dispatch(FormAction::Finished),
                Err(error) => {
                    let feedback = feedback(&error, fields);
                    focus_first_error(fields, &feedback.fields);
                    dispatcher.dispatch(FormAction::Failed(feedback));
                }
            }
        });
    })
}

/// Moves focus to the first field (in form order) with a message, once the messages are drawn,
/// so keyboard and screen reader users land on what needs fixing.
fn focus_first_error(fields: &[FieldRef], errors: &FieldErrors) {
    let Some(first) = fields.iter().find(|field| errors.contains_key(field.name)) else {
        return;
    };
    let id = first.id;
    yew::platform::spawn_local(async move {
        let element = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.get_element_by_id(id))
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldRef] = &[
        FieldRef {
            name: "username",
            id: "username",
        },
        FieldRef {
            name: "display_name",
            id: "display-name",
        },
    ];

    fn error(status: u16, errors: &[(&str, &str)]) -> ApiError {
        ApiError {
            status: Some(status),
            title: "Validation failed".into(),
            detail: Some("One or more fields are invalid.".into()),
            errors: errors
                .iter()
                .map(|(field, message)| ((*field).to_owned(), vec![(*message).to_owned()]))
                .collect(),
            retry_after: None,
        }
    }

    #[test]
    fn server_field_errors_land_under_their_fields() {
        let feedback = feedback(&error(422, &[("username", "is taken")]), FIELDS);
        assert_eq!(feedback.fields["username"], ["is taken"]);
        assert_eq!(feedback.message, None);
    }

    #[test]
    fn errors_without_a_field_of_the_form_are_not_lost() {
        let feedback = feedback(
            &error(422, &[("username", "is taken"), ("new_password", "is weak")]),
            FIELDS,
        );
        assert_eq!(feedback.fields.len(), 1);
        assert_eq!(feedback.message.as_deref(), Some("New password is weak"));
        let expired = error(422, &[("token", "This link is invalid, used or expired.")]);
        assert_eq!(
            super::feedback(&expired, FIELDS).message.as_deref(),
            Some("This link is invalid, used or expired."),
            "the specific message, not the generic detail"
        );
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(sentence("Username", "is taken"), "Username is taken");
        assert_eq!(sentence("Password", "Too weak."), "Too weak.");
    }

    #[test]
    fn a_problem_without_field_errors_shows_its_detail() {
        let feedback = feedback(&error(409, &[]), FIELDS);
        assert!(feedback.fields.is_empty());
        assert_eq!(
            feedback.message.as_deref(),
            Some("One or more fields are invalid.")
        );
    }

    #[test]
    fn rate_limits_say_how_long_to_wait() {
        let mut limited = error(429, &[]);
        limited.retry_after = Some(30);
        assert_eq!(
            feedback(&limited, FIELDS).message.as_deref(),
            Some("Too many attempts, try again in 30 seconds")
        );
    }

    #[test]
    fn rules_show_after_blur_or_submit_and_server_messages_until_edited() {
        let rules = FieldErrors::from([("username".to_owned(), vec!["too short".to_owned()])]);
        let state = Rc::new(FormState::new(String::new()));
        assert!(
            state.errors(&rules, "username").is_empty(),
            "not before the reader left the field"
        );
        let state = state.reduce(FormAction::Blur("username"));
        assert_eq!(state.errors(&rules, "username"), ["too short"]);

        let state = Rc::new(FormState::new(String::new())).reduce(FormAction::Submit);
        assert_eq!(state.errors(&rules, "username"), ["too short"]);

        let taken = FieldErrors::from([("username".to_owned(), vec!["is taken".to_owned()])]);
        let state = state.reduce(FormAction::Failed(Feedback {
            fields: taken,
            message: None,
        }));
        let none = FieldErrors::new();
        assert_eq!(state.errors(&none, "username"), ["is taken"]);
        let state = state.reduce(FormAction::Edit {
            field: "username",
            apply: Box::new(|value| value.push('x')),
        });
        assert!(state.errors(&none, "username").is_empty());
        assert_eq!(state.values, "x");
    }
}
