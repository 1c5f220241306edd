//! Signing in with a username or email and a password, then back to where the reader was.

use shared::accounts::LoginRequest;
use shared::problem::FieldErrors;
use yew::prelude::*;
use yew_router::Routable;

use crate::api;
use crate::app::Route;
use crate::components::field::{FormMessage, SubmitButton, TextField};
use crate::components::nav_link::{NavLink, PathLink, with_next};
use crate::components::status::Loading;
use crate::forms::{FieldRef, field_error, on_blur, on_input, on_submit, use_form};
use crate::hooks::{use_document_title, use_leave_when_signed_in, use_next};
use crate::state::{SessionState, use_session};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
}

/// Both fields are needed; whether they match an account only the server can say, and it
/// answers the same for an unknown name and a wrong password.
pub fn login_rules(form: &LoginForm) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if form.login.trim().is_empty() {
        field_error(&mut errors, "login", "is needed");
    }
    if form.password.is_empty() {
        field_error(&mut errors, "password", "is needed");
    }
    errors
}

const FIELDS: &[FieldRef] = &[
    FieldRef {
        name: "login",
        id: "login",
    },
    FieldRef {
        name: "password",
        id: "password",
    },
];

#[function_component(LoginPage)]
pub fn login_page() -> Html {
    use_document_title(Some("Sign in".to_owned()));
    let session = use_session();
    let next = use_next();
    use_leave_when_signed_in(next.clone());
    let form = use_form(LoginForm::default);

    if !matches!(session.state(), SessionState::SignedOut) {
        return html! { <Loading /> };
    }
    let rules = login_rules(&form.values);
    let onsubmit = {
        let session = session.clone();
        on_submit(&form, FIELDS, login_rules, move |values: LoginForm| {
            let session = session.clone();
            async move {
                let request = LoginRequest {
                    login: values.login.trim().to_owned(),
                    password: values.password,
                    cookie: true,
                };
                session.sign_in(api::login(&request).await?);
                Ok(())
            }
        })
    };
    html! {
        <div class="account-page">
            <h1>{ "Sign in" }</h1>
            <form id="login-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="login"
                    label="Username or email"
                    value={form.values.login.clone()}
                    autocomplete="username"
                    required=true
                    verbatim=true
                    errors={form.errors(&rules, "login")}
                    oninput={on_input(&form, "login", |f, v| f.login = v)}
                    onblur={on_blur(&form, "login")}
                />
                <TextField
                    id="password"
                    label="Password"
                    kind="password"
                    value={form.values.password.clone()}
                    autocomplete="current-password"
                    required=true
                    errors={form.errors(&rules, "password")}
                    oninput={on_input(&form, "password", |f, v| f.password = v)}
                    onblur={on_blur(&form, "password")}
                />
                <p class="field-aside">
                    <NavLink to={Route::ForgotPassword}>{ "Forgot password?" }</NavLink>
                </p>
                <FormMessage message={form.message.clone()} />
                <SubmitButton id="login-submit" label="Sign in" pending_label="Signing in…" pending={form.pending} />
            </form>
            <p class="form-aside">
                { "New to ShortScience? " }
                <PathLink to={with_next(&Route::Register.to_path(), &next)}>{ "Join" }</PathLink>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_needed() {
        let errors = login_rules(&LoginForm::default());
        assert_eq!(errors["login"], ["is needed"]);
        assert_eq!(errors["password"], ["is needed"]);
        let filled = LoginForm {
            login: "ada".into(),
            password: "x".into(),
        };
        assert!(
            login_rules(&filled).is_empty(),
            "length rules are for new passwords only"
        );
    }
}
