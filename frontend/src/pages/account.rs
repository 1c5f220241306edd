//! The pages behind "Forgot password?" and the two mailed links: asking for a reset link,
//! choosing a new password with it, and confirming an email address.

use serde::Deserialize;
use shared::accounts::{
    ConfirmEmailRequest, Email, PasswordResetConfirm, PasswordResetRequest, check_password,
};
use shared::problem::FieldErrors;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::field::{FormMessage, SubmitButton, TextField};
use crate::components::nav_link::NavLink;
use crate::components::status::Loading;
use crate::forms::{FieldRef, field_error, on_blur, on_input, on_submit, use_form};
use crate::hooks::{Fetch, use_document_title, use_fetch};
use crate::state::use_session;

/// `?token=` of the mailed links.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[hook]
fn use_token() -> Option<String> {
    use_location()
        .and_then(|location| location.query::<TokenQuery>().ok())
        .and_then(|query| query.token)
        .map(|token| token.trim().to_owned())
        .filter(|token| !token.is_empty())
}

// ---------------------------------------------------------------------------------------------
// Forgot password
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForgotForm {
    pub email: String,
}

pub fn forgot_rules(form: &ForgotForm) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(message) = Email::parse(&form.email) {
        field_error(&mut errors, "email", message);
    }
    errors
}

const FORGOT_FIELDS: &[FieldRef] = &[FieldRef {
    name: "email",
    id: "email",
}];

#[function_component(ForgotPasswordPage)]
pub fn forgot_password_page() -> Html {
    use_document_title(Some("Reset your password".to_owned()));
    let form = use_form(ForgotForm::default);
    let sent = use_state(|| false);
    let rules = forgot_rules(&form.values);
    let onsubmit = {
        let sent = sent.clone();
        on_submit(&form, FORGOT_FIELDS, forgot_rules, move |values: ForgotForm| {
            let sent = sent.clone();
            async move {
                let request = PasswordResetRequest {
                    email: values.email.trim().to_owned(),
                };
                api::request_password_reset(&request).await?;
                sent.set(true);
                Ok(())
            }
        })
    };
    html! {
        <div class="account-page">
            <h1>{ "Reset your password" }</h1>
            <p class="lede">{ "Enter the email address of your account and we will mail you a link to choose a new password." }</p>
            <form id="forgot-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="email"
                    label="Email"
                    kind="email"
                    value={form.values.email.clone()}
                    autocomplete="email"
                    required=true
                    verbatim=true
                    errors={form.errors(&rules, "email")}
                    oninput={on_input(&form, "email", |f, v| f.email = v)}
                    onblur={on_blur(&form, "email")}
                />
                <FormMessage message={form.message.clone()} />
                <SubmitButton id="forgot-submit" label="Send link" pending_label="Sending…" pending={form.pending} />
            </form>
            <div class="form-status" role="status">
                if *sent {
                    // The same answer whether or not the address has an account, so the form
                    // cannot be used to find out who is a member.
                    <p id="forgot-done" class="form-success">
                        { "If that address has an account, we sent a link. It is valid for one hour." }
                    </p>
                }
            </div>
            <p class="form-aside"><NavLink to={Route::Login}>{ "Back to sign in" }</NavLink></p>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Reset password (the mailed link)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResetForm {
    pub new_password: String,
}

/// The length rules; that it is not the username or email only the server can check here.
pub fn reset_rules(form: &ResetForm) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(message) = check_password(&form.new_password, "", "") {
        field_error(&mut errors, "new_password", message);
    }
    errors
}

const RESET_FIELDS: &[FieldRef] = &[FieldRef {
    name: "new_password",
    id: "new-password",
}];

#[function_component(ResetPasswordPage)]
pub fn reset_password_page() -> Html {
    use_document_title(Some("Choose a new password".to_owned()));
    let token = use_token();
    let form = use_form(ResetForm::default);
    let done = use_state(|| false);
    let rules = reset_rules(&form.values);
    let onsubmit = {
        let done = done.clone();
        let token = token.clone().unwrap_or_default();
        on_submit(&form, RESET_FIELDS, reset_rules, move |values: ResetForm| {
            let done = done.clone();
            let request = PasswordResetConfirm {
                token: token.clone(),
                new_password: values.new_password,
            };
            async move {
                api::confirm_password_reset(&request).await?;
                done.set(true);
                Ok(())
            }
        })
    };
    let body = if token.is_none() {
        html! {
            <div class="error-box" role="alert">
                <p class="error-title">{ "This link is incomplete" }</p>
                <p class="error-detail">
                    { "Open the link from the email exactly as it was sent, or " }
                    <NavLink to={Route::ForgotPassword}>{ "ask for a new one" }</NavLink>
                    { "." }
                </p>
            </div>
        }
    } else if *done {
        html! {}
    } else {
        html! {
            <form id="reset-form" class="form" novalidate=true {onsubmit}>
                <TextField
                    id="new-password"
                    label="New password"
                    kind="password"
                    value={form.values.new_password.clone()}
                    autocomplete="new-password"
                    hint="At least 10 characters, and not your username or email."
                    required=true
                    errors={form.errors(&rules, "new_password")}
                    oninput={on_input(&form, "new_password", |f, v| f.new_password = v)}
                    onblur={on_blur(&form, "new_password")}
                />
                <FormMessage message={form.message.clone()} />
                if form.message.is_some() {
                    <p class="field-aside">
                        <NavLink to={Route::ForgotPassword}>{ "Ask for a new link" }</NavLink>
                    </p>
                }
                <SubmitButton
                    id="reset-submit"
                    label="Change password"
                    pending_label="Changing password…"
                    pending={form.pending}
                />
            </form>
        }
    };
    html! {
        <div class="account-page">
            <h1>{ "Choose a new password" }</h1>
            { body }
            <div class="form-status" role="status">
                if *done {
                    <p id="reset-done" class="form-success">
                        { "Your password has been changed and all your sessions were signed out. " }
                        <NavLink to={Route::Login}>{ "Sign in with your new password" }</NavLink>
                        { "." }
                    </p>
                }
            </div>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Confirm email (the mailed link)
// ---------------------------------------------------------------------------------------------

#[function_component(ConfirmEmailPage)]
pub fn confirm_email_page() -> Html {
    use_document_title(Some("Confirm your email address".to_owned()));
    let session = use_session();
    let token = use_token();
    let (outcome, retry) = use_fetch(token.clone(), move |token| async move {
        let Some(token) = token else {
            return Ok(false);
        };
        api::confirm_email(&ConfirmEmailRequest { token }).await?;
        // A signed-in reader's settings should say so at once.
        if session.access_token().is_some()
            && let Ok(me) = api::get_me(&session).await
        {
            session.set_me(me);
        }
        Ok(true)
    });
    let body = match outcome {
        Fetch::Loading => html! { <Loading label="Confirming your email address…" /> },
        Fetch::Ready(confirmed) if *confirmed => html! {
            <p id="confirm-done" class="form-success" role="status">
                { "Your email address is confirmed. Thank you!" }
            </p>
        },
        Fetch::Ready(_) => html! {
            <div class="error-box" role="alert">
                <p class="error-title">{ "This link is incomplete" }</p>
                <p class="error-detail">{ "Open the link from the email exactly as it was sent." }</p>
            </div>
        },
        Fetch::Failed(error) if matches!(error.status, Some(400 | 404 | 410 | 422)) => {
            // The token's own message says more than a 422's generic detail.
            let detail = match error.errors.get("token") {
                Some(messages) => Some(messages.join(" ")),
                None => error.detail.clone(),
            };
            html! {
                <div class="error-box" role="alert">
                    <p class="error-title">{ "This link has expired or was already used" }</p>
                    if let Some(detail) = detail {
                        <p class="error-detail">{ detail }</p>
                    }
                </div>
            }
        }
        Fetch::Failed(error) => html! { <crate::components::status::ErrorBox {error} on_retry={retry} /> },
    };
    html! {
        <div class="account-page">
            <h1>{ "Confirm your email address" }</h1>
            { body }
            <p class="form-aside"><NavLink to={Route::Home}>{ "Go to the latest summaries" }</NavLink></p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_form_asks_for_an_email_address() {
        let errors = forgot_rules(&ForgotForm { email: "ada".into() });
        assert_eq!(
            errors["email"],
            ["must be an email address such as ada@example.org"]
        );
        assert!(
            forgot_rules(&ForgotForm {
                email: " Ada@Example.org ".into()
            })
            .is_empty()
        );
    }

    #[test]
    fn a_new_password_needs_ten_characters() {
        let errors = reset_rules(&ResetForm {
            new_password: "short".into(),
        });
        assert_eq!(errors["new_password"], ["must be at least 10 characters"]);
        assert!(
            reset_rules(&ResetForm {
                new_password: "a long new password".into()
            })
            .is_empty()
        );
    }
}
