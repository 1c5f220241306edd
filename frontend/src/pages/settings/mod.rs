//! The reader's own account: profile, password, personal API tokens and the export of
//! everything they wrote. Signed-out readers are sent to sign in and brought back here.

mod export;
mod password;
mod profile;
mod tokens;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::api;
use crate::app::Route;
use crate::components::status::Loading;
use crate::hooks::{use_document_title, use_sign_in_required};
use crate::state::use_session;

use export::ExportSection;
use password::PasswordSection;
use profile::ProfileSection;
use tokens::TokensSection;

#[function_component(SettingsPage)]
pub fn settings_page() -> Html {
    use_document_title(Some("Settings".to_owned()));
    let session = use_session();
    use_sign_in_required(Route::Settings.to_path());
    let Some(current) = session.session() else {
        return html! { <Loading /> };
    };
    let me = &current.me;
    html! {
        <div class="settings">
            <div class="page-intro">
                <h1>{ "Settings" }</h1>
                <p class="lede">
                    { format!("Signed in as {} (", me.username) }
                    <span class="email">{ &me.email }</span>
                    { ")" }
                    if !me.email_confirmed {
                        <span class="unconfirmed">{ " · email not confirmed yet: follow the link we mailed you" }</span>
                    }
                </p>
                if !me.email_confirmed {
                    <ResendConfirmation />
                }
            </div>
            <ProfileSection />
            <PasswordSection />
            <TokensSection />
            <ExportSection />
        </div>
    }
}

/// What happened to the last request for a new confirmation mail.
#[derive(Clone, PartialEq)]
enum Resend {
    Idle,
    Pending,
    Sent,
    Failed(String),
}

/// Asks for the confirmation link again (the first one expires after two days).
#[function_component(ResendConfirmation)]
fn resend_confirmation() -> Html {
    let session = use_session();
    let state = use_state(|| Resend::Idle);
    let onclick = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let (session, state) = (session.clone(), state.clone());
            state.set(Resend::Pending);
            wasm_bindgen_futures::spawn_local(async move {
                state.set(match api::resend_confirmation(&session).await {
                    Ok(()) => Resend::Sent,
                    Err(err) => Resend::Failed(err.detail.unwrap_or(err.title)),
                });
            });
        })
    };
    html! {
        <p class="resend-confirmation">
            <button type="button" id="resend-confirmation" class="button"
                disabled={*state == Resend::Pending || *state == Resend::Sent} {onclick}>
                { "Mail the link again" }
            </button>
            <span role="status">
                { match &*state {
                    Resend::Sent => " Sent: check your inbox.".to_owned(),
                    Resend::Failed(message) => format!(" {message}"),
                    Resend::Idle | Resend::Pending => String::new(),
                } }
            </span>
        </p>
    }
}
