//! Changing the password, which needs the current one.

use shared::accounts::UpdateMeRequest;
use shared::problem::FieldErrors;
use yew::prelude::*;

use crate::api;
use crate::components::field::{FormMessage, SaveActions, TextField};
use crate::forms::{FieldRef, FormAction, field_error, on_blur, on_input, on_submit, use_form};
use crate::state::use_session;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PasswordForm {
    pub current_password: String,
    pub new_password: String,
}

impl PasswordForm {
    fn request(&self) -> UpdateMeRequest {
        UpdateMeRequest {
            current_password: Some(self.current_password.clone()),
            new_password: Some(self.new_password.clone()),
            ..UpdateMeRequest::default()
        }
    }
}

/// The shared rules for a new password, and the current one must be given.
pub fn password_rules(form: &PasswordForm, username: &str, email: &str) -> FieldErrors {
    let mut errors = form.request().validate(username, email).err().unwrap_or_default();
    if form.current_password.is_empty() {
        field_error(&mut errors, "current_password", "is needed");
    }
    errors
}

const FIELDS: &[FieldRef] = &[
    FieldRef {
        name: "current_password",
        id: "current-password",
    },
    FieldRef {
        name: "new_password",
        id: "new-password",
    },
];

#[function_component(PasswordSection)]
pub fn password_section() -> Html {
    let session = use_session();
    let form = use_form(PasswordForm::default);
    let changed = use_state(|| false);
    let Some(me) = session.me().cloned() else {
        return html! {};
    };
    let rules = {
        let (username, email) = (me.username.clone(), me.email.clone());
        move |form: &PasswordForm| password_rules(form, &username, &email)
    };
    let shown = rules(&form.values);
    let onsubmit = {
        let session = session.clone();
        let changed = changed.clone();
        let dispatcher = form.dispatcher();
        on_submit(&form, FIELDS, rules, move |values: PasswordForm| {
            let session = session.clone();
            let changed = changed.clone();
            let dispatcher = dispatcher.clone();
            changed.set(false);
            async move {
                match api::update_me(&session, &values.request()).await {
                    Ok(me) => {
                        session.set_me(me);
                        dispatcher.dispatch(FormAction::Reset(PasswordForm::default()));
                        changed.set(true);
                        Ok(())
                    }
                    // The session was refreshed and the request retried, so a 401 that remains
                    // is about the password given.
                    Err(mut error) if error.is_unauthorized() && error.errors.is_empty() => {
                        let message = error.detail.clone().unwrap_or_else(|| "is not correct".into());
                        error.errors.insert("current_password".into(), vec![message]);
                        Err(error)
                    }
                    Err(error) => Err(error),
                }
            }
        })
    };
    html! {
        <section class="settings-section" aria-labelledby="password-heading">
            <h2 id="password-heading">{ "Password" }</h2>
            <form id="password-form" class="form" novalidate=true {onsubmit}>
                // Tells password managers which account the new password belongs to.
                <input type="text" class="visually-hidden" autocomplete="username" value={me.username.clone()} readonly=true tabindex="-1" aria-hidden="true" />
                <TextField
                    id="current-password"
                    label="Current password"
                    kind="password"
                    value={form.values.current_password.clone()}
                    autocomplete="current-password"
                    required=true
                    errors={form.errors(&shown, "current_password")}
                    oninput={on_input(&form, "current_password", |f, v| f.current_password = v)}
                    onblur={on_blur(&form, "current_password")}
                />
                <TextField
                    id="new-password"
                    label="New password"
                    kind="password"
                    value={form.values.new_password.clone()}
                    autocomplete="new-password"
                    hint="At least 10 characters, and not your username or email."
                    required=true
                    errors={form.errors(&shown, "new_password")}
                    oninput={on_input(&form, "new_password", |f, v| f.new_password = v)}
                    onblur={on_blur(&form, "new_password")}
                />
                <FormMessage message={form.message.clone()} />
                <SaveActions
                    id="password-submit"
                    label="Change password"
                    pending_label="Changing password…"
                    pending={form.pending}
                    done={(*changed).then_some(AttrValue::from("Password changed."))}
                />
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_password_is_needed_and_the_new_one_follows_the_rules() {
        let form = PasswordForm {
            current_password: String::new(),
            new_password: "ada".into(),
        };
        let errors = password_rules(&form, "ada", "ada@example.org");
        assert_eq!(errors["current_password"], ["is needed"]);
        assert_eq!(errors["new_password"], ["must be at least 10 characters"]);
    }

    #[test]
    fn the_new_password_must_not_be_the_email() {
        let form = PasswordForm {
            current_password: "old password".into(),
            new_password: "Ada@Example.org".into(),
        };
        let errors = password_rules(&form, "ada", "ada@example.org");
        assert_eq!(errors["new_password"], ["must not be your username or email"]);
        assert!(!errors.contains_key("current_password"));
    }
}
