//! The site header: skip link, site name, the main navigation and the reader's account links.

use yew::prelude::*;
use yew_router::prelude::*;

use crate::app::Route;
use crate::components::nav_link::{NavLink, NextQuery, PathLink, safe_next, with_next};
use crate::hooks::{Fetch, use_fetch};
use crate::state::{SessionState, use_session};

#[function_component(SiteHeader)]
pub fn site_header() -> Html {
    let route = use_route::<Route>();
    let at_home = route == Some(Route::Home);
    let at_users = route == Some(Route::Users);
    let at_venues = matches!(route, Some(Route::Venues | Route::Venue { .. }));
    let at_search = route == Some(Route::Search);
    html! {
        <header class="site-header">
            // First focusable element, so keyboard readers skip the navigation in one step.
            <a class="skip-link" href="#content">{ "Skip to content" }</a>
            <div class="site-header-inner">
                <NavLink to={Route::Home} classes="site-name">{ "ShortScience" }</NavLink>
                <AccountNav />
                <div class="header-links">
                    <nav class="site-nav" aria-label="Main">
                        <ul>
                            <li><NavLink to={Route::Home} current={at_home}>{ "Home" }</NavLink></li>
                            <li><NavLink to={Route::Venues} current={at_venues}>{ "Venues" }</NavLink></li>
                            <li><NavLink to={Route::Users} current={at_users}>{ "Users" }</NavLink></li>
                            <li><NavLink to={Route::Search} current={at_search}>{ "Add a paper" }</NavLink></li>
                            // The server picks one: a plain link, not a route of the app.
                            <li><a href="/random">{ "Random" }</a></li>
                        </ul>
                    </nav>
                    <form class="header-search" role="search" action="/search">
                        <input type="search" name="q" aria-label="Search papers and summaries" placeholder="Search" />
                    </form>
                </div>
            </div>
        </header>
    }
}

/// Sign in / Join, or who is signed in with Settings and Sign out. Empty while the session is
/// being restored, so a signed-in reader never sees "Sign in" flash by.
#[function_component(AccountNav)]
fn account_nav() -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let location = use_location();
    let navigator = use_navigator();
    let signing_out = use_state(|| false);

    match session.state() {
        SessionState::Restoring => html! { <div class="account-nav" aria-hidden="true"></div> },
        SessionState::SignedOut => {
            let next = match &location {
                Some(location) => return_path(route.as_ref(), location.path(), location.query_str(), || {
                    location.query::<NextQuery>().ok().and_then(|query| query.next)
                }),
                None => "/".to_owned(),
            };
            html! {
                <nav class="account-nav" aria-label="Account">
                    <ul>
                        <li>
                            <PathLink
                                to={with_next(&Route::Login.to_path(), &next)}
                                id="sign-in-link"
                                current={route == Some(Route::Login)}
                            >
                                { "Sign in" }
                            </PathLink>
                        </li>
                        <li>
                            <PathLink
                                to={with_next(&Route::Register.to_path(), &next)}
                                classes="join"
                                current={route == Some(Route::Register)}
                            >
                                { "Join" }
                            </PathLink>
                        </li>
                    </ul>
                </nav>
            }
        }
        SessionState::SignedIn(current) => {
            let me = &current.me;
            let onclick = {
                let session = session.clone();
                let signing_out = signing_out.clone();
                let leave_page = route.as_ref().is_some_and(Route::needs_account);
                Callback::from(move |_: MouseEvent| {
                    if *signing_out {
                        return;
                    }
                    // Leave pages that need an account first, so they do not send the reader
                    // to the sign-in form on the way out.
                    if leave_page && let Some(navigator) = &navigator {
                        navigator.push(&Route::Home);
                    }
                    signing_out.set(true);
                    let session = session.clone();
                    let signing_out = signing_out.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        session.sign_out().await;
                        signing_out.set(false);
                    });
                })
            };
            let own_profile = route
                == Some(Route::User {
                    username: me.username.clone(),
                });
            html! {
                <nav class="account-nav" aria-label="Account">
                    <ul>
                        <li>
                            <span class="visually-hidden">{ "Signed in as " }</span>
                            <NavLink
                                to={Route::User { username: me.username.clone() }}
                                current={own_profile}
                                classes="signed-in-as"
                                id="signed-in-as"
                            >
                                { &me.display_name }
                            </NavLink>
                        </li>
                        <li><NotificationsLink current={route == Some(Route::Notifications)} /></li>
                        <li>
                            <NavLink to={Route::MySummaries} current={route == Some(Route::MySummaries)}>
                                { "My summaries" }
                            </NavLink>
                        </li>
                        if me.role.moderates() {
                            <li>
                                <NavLink to={Route::Moderation} current={route == Some(Route::Moderation)}>
                                    { "Moderation" }
                                </NavLink>
                            </li>
                        }
                        <li>
                            <NavLink to={Route::Settings} current={route == Some(Route::Settings)}>
                                { "Settings" }
                            </NavLink>
                        </li>
                        <li>
                            <button
                                type="button"
                                id="sign-out"
                                class="link-button"
                                disabled={*signing_out}
                                {onclick}
                            >
                                { "Sign out" }
                            </button>
                        </li>
                    </ul>
                </nav>
            }
        }
    }
}

/// Where "Sign in" and "Join" bring the reader back to: the page they are on, except on the
/// account pages themselves, which pass on the `next` they were given (and a mailed link's
/// page, whose token is spent once used, never comes back at all).
fn return_path(
    route: Option<&Route>,
    path: &str,
    query: &str,
    next_param: impl FnOnce() -> Option<String>,
) -> String {
    match route {
        Some(Route::Login | Route::Register | Route::ForgotPassword) => safe_next(next_param().as_deref()),
        Some(Route::ResetPassword | Route::ConfirmEmail) => "/".to_owned(),
        _ => safe_next(Some(&format!("{path}{query}"))),
    }
}

// Native only, like its tokio and ServerRenderer dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use std::rc::Rc;

    use shared::accounts::Me;
    use yew_router::history::{AnyHistory, MemoryHistory};

    use super::*;
    use crate::state::{Session, SessionHandle};
    use crate::test_support::me;

    /// The session to render with, as something `ServerRenderer` can send to its thread.
    #[derive(Clone, PartialEq)]
    enum Given {
        Restoring,
        SignedOut,
        SignedIn(Me),
    }

    #[derive(Properties, PartialEq)]
    struct Props {
        given: Given,
        path: &'static str,
    }

    #[function_component(Harness)]
    fn harness(props: &Props) -> Html {
        let history = AnyHistory::from(MemoryHistory::with_entries([props.path]));
        let session = SessionHandle::detached(match &props.given {
            Given::Restoring => SessionState::Restoring,
            Given::SignedOut => SessionState::SignedOut,
            Given::SignedIn(me) => SessionState::SignedIn(Rc::new(Session {
                access_token: "jwt".into(),
                me: me.clone(),
                expires_at: 0.0,
            })),
        });
        html! {
            <Router {history}>
                <ContextProvider<SessionHandle> context={session}>
                    <SiteHeader />
                </ContextProvider<SessionHandle>>
            </Router>
        }
    }

    async fn render(given: Given, path: &'static str) -> String {
        yew::ServerRenderer::<Harness>::with_props(move || Props { given, path })
            .render()
            .await
    }

    #[tokio::test]
    async fn signed_out_readers_see_sign_in_and_join_leading_back_here() {
        let html = render(Given::SignedOut, "/paper/3").await;
        assert!(html.contains(r#"href="/login?next=/paper/3""#), "{html}");
        assert!(html.contains(r#"id="sign-in-link""#), "{html}");
        assert!(html.contains(r#"href="/register?next=/paper/3""#), "{html}");
        assert!(!html.contains("sign-out"), "{html}");
    }

    #[tokio::test]
    async fn signed_in_readers_see_their_name_settings_and_sign_out() {
        let html = render(Given::SignedIn(me()), "/").await;
        assert!(html.contains(r#"id="signed-in-as""#), "{html}");
        assert!(html.contains("Ada Lovelace"), "{html}");
        assert!(html.contains(r#"href="/user/ada""#), "{html}");
        assert!(html.contains(r#"href="/settings""#), "{html}");
        assert!(html.contains(r#"id="sign-out""#), "{html}");
        assert!(!html.contains("sign-in-link"), "{html}");
    }

    #[tokio::test]
    async fn nothing_account_related_shows_while_the_session_is_restored() {
        let html = render(Given::Restoring, "/").await;
        assert!(!html.contains("Sign in"), "{html}");
        assert!(!html.contains("sign-out"), "{html}");
    }

    #[test]
    fn account_pages_pass_their_next_on_and_mailed_links_are_not_returned_to() {
        let next = || Some("/settings".to_owned());
        assert_eq!(
            return_path(Some(&Route::Login), "/login", "?next=/settings", next),
            "/settings"
        );
        assert_eq!(
            return_path(Some(&Route::ConfirmEmail), "/confirm-email", "?token=x", next),
            "/"
        );
        assert_eq!(
            return_path(Some(&Route::Home), "/", "?sort=top", next),
            "/?sort=top"
        );
    }
}

#[derive(Properties, PartialEq)]
struct NotificationsLinkProps {
    current: bool,
}

/// "Notifications", with the number unread; counted again on every page the reader opens.
#[function_component(NotificationsLink)]
fn notifications_link(props: &NotificationsLinkProps) -> Html {
    let session = use_session();
    let route = use_route::<Route>();
    let (page, _) = use_fetch(route, move |_| async move {
        crate::api::list_notifications(&session, 1).await
    });
    let unread = match page {
        Fetch::Ready(page) => page.unread,
        _ => 0,
    };
    html! {
        <NavLink to={Route::Notifications} current={props.current} id="notifications-link">
            { "Notifications" }
            if unread > 0 {
                { " " }
                <span class="unread-count" aria-label={format!("{unread} unread")}>{ unread }</span>
            }
        </NavLink>
    }
}
