//! The SPA's routes and the page shell (header, main landmark, footer) every page sits in.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::footer::SiteFooter;
use crate::components::header::SiteHeader;
use crate::pages::account::{ConfirmEmailPage, ForgotPasswordPage, ResetPasswordPage};
use crate::pages::home::Home;
use crate::pages::login::LoginPage;
use crate::pages::moderation::ModerationPage;
use crate::pages::not_found::NotFound;
use crate::pages::notifications::{MySummariesPage, NotificationsPage};
use crate::pages::paper::PaperPage;
use crate::pages::register::RegisterPage;
use crate::pages::search::SearchPage;
use crate::pages::settings::SettingsPage;
use crate::pages::summary::SummaryPage;
use crate::pages::user::UserPage;
use crate::pages::users::UsersPage;
use crate::pages::venues::{VenuePage, VenuesPage};
use crate::pages::write::WritePage;
use crate::state::SessionProvider;

/// Paths as in the API contract's "SPA routes"; ids are the API's opaque strings.
#[derive(Debug, Clone, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/paper/:id")]
    Paper { id: String },
    #[at("/summary/:id")]
    Summary { id: String },
    #[at("/user/:username")]
    User { username: String },
    #[at("/users")]
    Users,
    /// Find or add a paper: `?q=` an identifier or title words.
    #[at("/search")]
    Search,
    #[at("/venues")]
    Venues,
    /// The editor: `?paper=` for a new summary, `?summary=` to edit one.
    #[at("/write")]
    Write,
    /// One venue (its key percent-encoded as one segment), `?year=` for one year.
    #[at("/venue/:key")]
    Venue { key: String },
    #[at("/login")]
    Login,
    #[at("/register")]
    Register,
    #[at("/forgot-password")]
    ForgotPassword,
    /// The mailed password reset link: `?token=…`.
    #[at("/reset-password")]
    ResetPassword,
    /// The mailed address confirmation link: `?token=…`.
    #[at("/confirm-email")]
    ConfirmEmail,
    #[at("/settings")]
    Settings,
    #[at("/notifications")]
    Notifications,
    /// Everything the reader wrote.
    #[at("/me/summaries")]
    MySummaries,
    /// The moderators' queue.
    #[at("/moderation")]
    Moderation,
    #[not_found]
    #[at("/404")]
    NotFound,
}

impl Route {
    /// Pages that only make sense signed in; signing out leaves them.
    pub fn needs_account(&self) -> bool {
        matches!(
            self,
            Route::Settings | Route::Notifications | Route::MySummaries | Route::Moderation
        )
    }
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Paper { id } => html! { <PaperPage {id} /> },
        Route::Summary { id } => html! { <SummaryPage {id} /> },
        Route::User { username } => html! { <UserPage {username} /> },
        Route::Users => html! { <UsersPage /> },
        Route::Search => html! { <SearchPage /> },
        Route::Venues => html! { <VenuesPage /> },
        Route::Write => html! { <WritePage /> },
        Route::Venue { key } => html! { <VenuePage venue_key={key} /> },
        Route::Login => html! { <LoginPage /> },
        Route::Register => html! { <RegisterPage /> },
        Route::ForgotPassword => html! { <ForgotPasswordPage /> },
        Route::ResetPassword => html! { <ResetPasswordPage /> },
        Route::ConfirmEmail => html! { <ConfirmEmailPage /> },
        Route::Settings => html! { <SettingsPage /> },
        Route::Notifications => html! { <NotificationsPage /> },
        Route::MySummaries => html! { <MySummariesPage /> },
        Route::Moderation => html! { <ModerationPage /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[function_component(App)]
pub fn app() -> Html {
    html! {
        <BrowserRouter>
            <SessionProvider>
                <Shell />
            </SessionProvider>
        </BrowserRouter>
    }
}

/// Inside the router, so it can react to page changes.
#[function_component(Shell)]
fn shell() -> Html {
    let main_ref = use_node_ref();
    let path = use_location().map(|location| location.path().to_owned());
    let first_page = use_mut_ref(|| true);
    {
        let main_ref = main_ref.clone();
        // A new page starts at its top, and focus moves to it so screen readers and keyboards
        // continue there rather than on a link that may be gone. Not on the first page: the
        // browser has just put focus and scroll where the reader expects them.
        use_effect_with(path, move |_| {
            if std::mem::replace(&mut *first_page.borrow_mut(), false) {
                return;
            }
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
            if let Some(main) = main_ref.cast::<web_sys::HtmlElement>() {
                let _ = main.focus();
            }
        });
    }
    html! {
        <>
            <SiteHeader />
            <main id="content" tabindex="-1" ref={main_ref}>
                <Switch<Route> render={switch} />
            </main>
            <SiteFooter />
        </>
    }
}
