//! The reader's own account: profile, password, personal API tokens and the export of
//! everything they wrote. Signed-out readers are sent to sign in and brought back here.

mod export;
mod password;
mod profile;
mod tokens;

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::nav_link::{replace_with_path, with_next};
use crate::components::status::Loading;
use crate::hooks::use_document_title;
use crate::state::{SessionState, use_session};

use export::ExportSection;
use password::PasswordSection;
use profile::ProfileSection;
use tokens::TokensSection;

#[function_component(SettingsPage)]
pub fn settings_page() -> Html {
    use_document_title(Some("Settings".to_owned()));
    let session = use_session();
    let navigator = use_navigator();
    let signed_out = matches!(session.state(), SessionState::SignedOut);
    use_effect_with(signed_out, move |signed_out| {
        if *signed_out && let Some(navigator) = navigator {
            replace_with_path(
                &navigator,
                &with_next(&Route::Login.to_path(), &Route::Settings.to_path()),
            );
        }
    });
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
            </div>
            <ProfileSection />
            <PasswordSection />
            <TokensSection />
            <ExportSection />
        </div>
    }
}
