//! Joining: username, email, password and an optional display name, checked with the same
//! rules the server applies before anything is sent.

use shared::accounts::RegisterRequest;
use shared::problem::FieldErrors;
use yew::prelude::*;
use yew_router::Routable;

use crate::api;
use crate::app::Route;
use crate::components::field::{FormMessage, SubmitButton, TextField};
use crate::components::nav_link::{PathLink, with_next};
use crate::components::status::Loading;
use crate::forms::{FieldRef, on_blur, on_input, on_submit, use_form};
use crate::hooks::{use_document_title, use_leave_when_signed_in, use_next};
use crate::state::{SessionState, use_session};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterForm {
    pub username: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
}

impl RegisterForm {
    fn request(&self) -> RegisterRequest {
        let display_name = self.display_name.trim();
        RegisterRequest {
            username: self.username.clone(),
            email: self.email.clone(),
            password: self.password.clone(),
            display_name: (!display_name.is_empty()).then(|| display_name.to_owned()),
            cookie: true,
        }
    }
}

/// The shared registration rules applied to what the form holds.
pub fn register_rules(form: &RegisterForm) -> FieldErrors {
    form.request().validate().err().unwrap_or_default()
}

const FIELDS: &[FieldRef] = &[
    FieldRef {
        name: "username",
        id: "username",
    },
    FieldRef {
        name: "email",
        id: "email",
    },
    FieldRef {
        name: "password",
        id: "password",
    },
    FieldRef {
        name: "display_name",
        id: "display-name",
    },
];

#[function_component(RegisterPage)]
pub fn register_page() -> Html {
    use_document_title(Some("Join".to_owned()));
    let session = use_session();
    let next = use_next();
    use_leave_when_signed_in(next.clone());
    let form = use_form(RegisterForm::default);

    if !matches!(session.state(), SessionState::SignedOut) {
        return html! { <Loading /> };
    }
    let rules = register_rules(&form.values);
    let onsubmit = {
        let session = session.clone();
        on_submit(&form, FIELDS, register_rules, move |values: RegisterForm| {
            let session = session.clone();
            async move {
                let response = api::register(&values.request()).await?;
                session.sign_in(response);
                Ok(())
            }
        })
    };
    html! {
        <div class="account-page">
            <h1>{ "Join ShortScience" }</h1>
            <p class="lede">{ "Write summaries, vote on them and join the discussion." }</p>
            <form id="register-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="username"
                    label="Username"
                    value={form.values.username.clone()}
                    autocomplete="username"
                    hint="3 to 32 characters: a–z, 0–9, _ or -. It is part of your profile's address."
                    required=true
                    verbatim=true
                    errors={form.errors(&rules, "username")}
                    oninput={on_input(&form, "username", |f, v| f.username = v)}
                    onblur={on_blur(&form, "username")}
                />
                <TextField
                    id="email"
                    label="Email"
                    kind="email"
                    value={form.values.email.clone()}
                    autocomplete="email"
                    hint="For confirming your account and resetting your password; never shown."
                    required=true
                    verbatim=true
                    errors={form.errors(&rules, "email")}
                    oninput={on_input(&form, "email", |f, v| f.email = v)}
                    onblur={on_blur(&form, "email")}
                />
                <TextField
                    id="password"
                    label="Password"
                    kind="password"
                    value={form.values.password.clone()}
                    autocomplete="new-password"
                    hint="At least 10 characters."
                    required=true
                    errors={form.errors(&rules, "password")}
                    oninput={on_input(&form, "password", |f, v| f.password = v)}
                    onblur={on_blur(&form, "password")}
                />
                <TextField
                    id="display-name"
                    label="Display name"
                    value={form.values.display_name.clone()}
                    autocomplete="name"
                    hint="Shown with your summaries. Your username if left empty."
                    errors={form.errors(&rules, "display_name")}
                    oninput={on_input(&form, "display_name", |f, v| f.display_name = v)}
                    onblur={on_blur(&form, "display_name")}
                />
                <FormMessage message={form.message.clone()} />
                <SubmitButton
                    id="register-submit"
                    label="Create account"
                    pending_label="Creating account…"
                    pending={form.pending}
                />
            </form>
            <p class="form-aside">
                { "Already have an account? " }
                <PathLink to={with_next(&Route::Login.to_path(), &next)}>{ "Sign in" }</PathLink>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(username: &str, email: &str, password: &str, display_name: &str) -> RegisterForm {
        RegisterForm {
            username: username.into(),
            email: email.into(),
            password: password.into(),
            display_name: display_name.into(),
        }
    }

    #[test]
    fn bad_input_gets_the_shared_validators_messages() {
        let errors = register_rules(&form("a", "nope", "short", ""));
        assert_eq!(
            errors["username"],
            ["must be 3 to 32 characters: a-z, 0-9, _ or -"]
        );
        assert_eq!(
            errors["email"],
            ["must be an email address such as ada@example.org"]
        );
        assert_eq!(errors["password"], ["must be at least 10 characters"]);
        assert!(
            !errors.contains_key("display_name"),
            "an empty display name is allowed"
        );
    }

    #[test]
    fn a_password_equal_to_the_username_is_refused() {
        let errors = register_rules(&form("ada_lovelace", "ada@example.org", "ada_lovelace", ""));
        assert_eq!(errors["password"], ["must not be your username or email"]);
    }

    #[test]
    fn good_input_passes_and_a_blank_display_name_is_left_out() {
        let good = form("Ada_L", "ada@example.org", "analytical engine", "  ");
        assert!(register_rules(&good).is_empty());
        assert_eq!(good.request().display_name, None);
        assert!(
            good.request().cookie,
            "browser sessions keep the refresh token in the cookie"
        );
    }
}
