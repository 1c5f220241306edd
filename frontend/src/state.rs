//! The reader's session, shared with every component through a Yew context.
//!
//! The access token lives only in memory (never localStorage, sessionStorage or a readable
//! cookie), so a script injected into the page finds nothing to steal that outlives the tab.
//! What survives a reload is the refresh token in an HttpOnly cookie only `/api/v1/auth` sees;
//! at start the app trades it for a new access token, and again shortly before that one expires.
//!
//! Every tab of the app shares that cookie: see [`crate::tabs`] for how they take turns spending
//! it and tell each other of new sessions and sign-outs.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, Shared};
use serde::{Deserialize, Serialize};
use shared::accounts::{AuthResponse, Me};
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::tabs::{self, Channel, Message};

/// A signed-in reader.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub access_token: String,
    pub me: Me,
    /// When the access token expires, in milliseconds since the epoch (the browser's clock).
    pub expires_at: f64,
}

impl Session {
    fn from_response(response: AuthResponse) -> Self {
        // `expires_in` counts from the answer; the request time is close enough and errs early.
        let expires_in_ms = response.expires_in.saturating_mul(1000) as f64;
        Session {
            access_token: response.access_token,
            me: response.user,
            expires_at: now_ms() + expires_in_ms,
        }
    }
}

/// Where the session stands.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionState {
    /// The start-up refresh has not answered yet: show nothing that depends on it, so signed-in
    /// readers never see a flash of "Sign in".
    Restoring,
    SignedOut,
    SignedIn(Rc<Session>),
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<Rc<Session>, ApiError>>>;

/// The one mutable session of the app, shared by every [`SessionHandle`].
struct SessionCore {
    /// The latest state, for requests started by callbacks that captured an older render.
    current: RefCell<SessionState>,
    /// The refresh in flight: refresh tokens are single-use, so concurrent refreshes would
    /// present a spent token and get the whole session revoked. Everyone awaits this one.
    refreshing: RefCell<Option<RefreshFuture>>,
    /// Bumped by every sign-in and sign-out, so a refresh that answers afterwards is ignored.
    epoch: Cell<u64>,
    /// Bumped by every (re)scheduling; a timer that wakes to another value was superseded.
    timer: Cell<u64>,
    /// Start-up refreshes tried again after a network or server failure.
    restore_retries: Cell<u32>,
    /// Bumped whenever a session from another tab is adopted.
    adopted: Cell<u64>,
    /// The other tabs, once the provider is mounted (never in native tests).
    tabs: RefCell<Option<Channel>>,
    /// Re-renders the provider with the new state.
    notify: Callback<SessionState>,
}

impl SessionCore {
    fn new(state: SessionState, notify: Callback<SessionState>) -> Rc<Self> {
        Rc::new(SessionCore {
            current: RefCell::new(state),
            refreshing: RefCell::new(None),
            epoch: Cell::new(0),
            timer: Cell::new(0),
            restore_retries: Cell::new(0),
            adopted: Cell::new(0),
            tabs: RefCell::new(None),
            notify,
        })
    }

    fn set(self: &Rc<Self>, state: SessionState) {
        *self.current.borrow_mut() = state.clone();
        match &state {
            SessionState::SignedIn(session) => {
                let delay = refresh_delay_ms(session.expires_at - now_ms());
                self.schedule_refresh(Duration::from_millis(delay));
            }
            SessionState::SignedOut | SessionState::Restoring => {
                self.cancel_timer();
            }
        }
        self.notify.emit(state);
    }

    fn cancel_timer(&self) -> u64 {
        let generation = self.timer.get().wrapping_add(1);
        self.timer.set(generation);
        generation
    }

    fn schedule_refresh(self: &Rc<Self>, delay: Duration) {
        let generation = self.cancel_timer();
        let core = Rc::clone(self);
        yew::platform::spawn_local(async move {
            yew::platform::time::sleep(delay).await;
            if core.timer.get() == generation {
                // Its outcome updates the state; a failure schedules a retry or signs out.
                let _ = core.refresh().await;
            }
        });
    }

    fn next_epoch(&self) {
        self.epoch.set(self.epoch.get().wrapping_add(1));
    }

    fn signed_in(&self) -> Option<Rc<Session>> {
        match &*self.current.borrow() {
            SessionState::SignedIn(session) => Some(Rc::clone(session)),
            SessionState::Restoring | SessionState::SignedOut => None,
        }
    }

    /// Tells the other tabs, if they can be told.
    fn tell(&self, message: &Message) {
        if let Some(channel) = &*self.tabs.borrow() {
            channel.tell(message);
        }
    }

    /// What another tab told: a newer session is adopted (its refresh spent the shared cookie,
    /// so it is the newest there is), a sign-out followed.
    fn hear(self: &Rc<Self>, message: Message) {
        match message {
            Message::SignedIn(session) => {
                // Messages may arrive late; an older session is valid but not worth a switch.
                let newer = self
                    .signed_in()
                    .is_none_or(|current| session.expires_at >= current.expires_at);
                if newer {
                    self.adopted.set(self.adopted.get().wrapping_add(1));
                    self.set(SessionState::SignedIn(Rc::new(session)));
                }
            }
            Message::SignedOut => {
                self.next_epoch();
                self.set(SessionState::SignedOut);
            }
        }
    }

    fn refresh(self: &Rc<Self>) -> RefreshFuture {
        if let Some(running) = self.refreshing.borrow().clone() {
            return running;
        }
        let core = Rc::clone(self);
        let epoch = self.epoch.get();
        let adopted = self.adopted.get();
        // Under the cross-tab lock, and the new session told before it is released: a tab that
        // waited then usually skips its refresh, and otherwise spends the cookie left behind.
        let future = tabs::exclusively(async move {
            if core.adopted.get() != adopted
                && let Some(session) = core.signed_in()
            {
                // Another tab refreshed while this one waited: its session is as new as ours
                // would be, and refreshing again would only spend a token.
                core.refreshing.borrow_mut().take();
                return Ok(session);
            }
            let outcome = api::refresh().await;
            core.refreshing.borrow_mut().take();
            if core.epoch.get() != epoch {
                // Signed in or out while this was under way: that decision stands.
                return match &*core.current.borrow() {
                    SessionState::SignedIn(session) => Ok(Rc::clone(session)),
                    _ => Err(signed_out()),
                };
            }
            match outcome {
                Ok(response) => {
                    let session = Rc::new(Session::from_response(response));
                    core.set(SessionState::SignedIn(Rc::clone(&session)));
                    core.tell(&Message::SignedIn((*session).clone()));
                    Ok(session)
                }
                // No session, or one the server ended: the reader is signed out.
                Err(error) if matches!(error.status, Some(400 | 401 | 403)) => {
                    core.set(SessionState::SignedOut);
                    Err(error)
                }
                // The network or the server failed; the session may well be alive. At start,
                // try again soon (still showing nothing account-related) before giving up.
                Err(error) => {
                    let restoring = matches!(*core.current.borrow(), SessionState::Restoring);
                    let retries = core.restore_retries.get();
                    if !restoring {
                        core.schedule_refresh(RETRY_AFTER_FAILURE);
                    } else if retries < RESTORE_RETRIES {
                        core.restore_retries.set(retries + 1);
                        core.schedule_refresh(RESTORE_RETRY_DELAY * (retries + 1));
                    } else {
                        core.set(SessionState::SignedOut);
                    }
                    Err(error)
                }
            }
        })
        .boxed_local()
        .shared();
        *self.refreshing.borrow_mut() = Some(future.clone());
        future
    }
}

/// How long to wait before trying again when a refresh failed for want of a network.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(30);
/// How often, and how soon, the start-up refresh is tried again after such a failure.
const RESTORE_RETRIES: u32 = 2;
const RESTORE_RETRY_DELAY: Duration = Duration::from_millis(750);

/// Milliseconds to wait before refreshing an access token that expires in `remaining_ms`: a
/// minute before it runs out (a quarter of its life for short-lived tokens), not sooner than a
/// second from now, and within what `setTimeout` can count.
pub fn refresh_delay_ms(remaining_ms: f64) -> u64 {
    const MAX_TIMEOUT_MS: f64 = i32::MAX as f64;
    let lead = (remaining_ms / 4.0).clamp(0.0, 60_000.0);
    (remaining_ms - lead).clamp(1000.0, MAX_TIMEOUT_MS) as u64
}

fn signed_out() -> ApiError {
    ApiError {
        status: Some(401),
        title: "You are signed out".into(),
        detail: Some("Sign in again to continue.".into()),
        errors: Default::default(),
        retry_after: None,
    }
}

/// Whether this browser has a session to restore: the server sets the readable `ss_session`
/// cookie beside the HttpOnly refresh cookie, and clears both when the session ends (sign-out,
/// or a refresh it refuses).
#[cfg(target_arch = "wasm32")]
fn has_session_marker() -> bool {
    let cookies = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| web_sys::js_sys::Reflect::get(&document, &"cookie".into()).ok())
        .and_then(|cookies| cookies.as_string())
        .unwrap_or_default();
    cookies
        .split(';')
        .any(|c| c.trim_start().starts_with("ss_session="))
}

/// Native builds render only in tests, which have no cookies.
#[cfg(not(target_arch = "wasm32"))]
fn has_session_marker() -> bool {
    false
}

#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    web_sys::js_sys::Date::now()
}

/// Native builds only render in tests, where no session is ever created from a response.
#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    0.0
}

/// What components get from the context: the state as of this render, and the actions.
#[derive(Clone)]
pub struct SessionHandle {
    state: SessionState,
    core: Rc<SessionCore>,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        self.state == other.state && Rc::ptr_eq(&self.core, &other.core)
    }
}

impl SessionHandle {
    /// A handle not connected to any provider, for components rendered on their own (tests).
    pub fn detached(state: SessionState) -> Self {
        SessionHandle {
            core: SessionCore::new(state.clone(), Callback::noop()),
            state,
        }
    }

    pub fn state(&self) -> &SessionState {
        &self.state
    }

    pub fn session(&self) -> Option<&Rc<Session>> {
        match &self.state {
            SessionState::SignedIn(session) => Some(session),
            SessionState::Restoring | SessionState::SignedOut => None,
        }
    }

    pub fn me(&self) -> Option<&Me> {
        self.session().map(|session| &session.me)
    }

    /// The newest access token, which may be newer than this render's.
    pub fn access_token(&self) -> Option<String> {
        self.core.signed_in().map(|session| session.access_token.clone())
    }

    /// After a successful login or registration; the other tabs take the new session too (the
    /// login replaced the cookie they share).
    pub fn sign_in(&self, response: AuthResponse) {
        let session = Session::from_response(response);
        self.core.next_epoch();
        self.core.tell(&Message::SignedIn(session.clone()));
        self.core.set(SessionState::SignedIn(Rc::new(session)));
    }

    /// Ends the session on the server (which clears the cookie), then here and in the other
    /// tabs, even if the server could not be reached: the reader asked to be signed out.
    pub async fn sign_out(&self) {
        self.core.next_epoch();
        self.core.cancel_timer();
        // After any refresh another tab has under way, which would otherwise set the cookie
        // again after the server cleared it.
        let _ = tabs::exclusively(api::logout()).await;
        self.core.next_epoch();
        self.core.set(SessionState::SignedOut);
        self.core.tell(&Message::SignedOut);
    }

    /// After `PATCH /me` or `GET /me`: the same session, the new account details.
    pub fn set_me(&self, me: Me) {
        let current = self.core.current.borrow().clone();
        if let SessionState::SignedIn(session) = current {
            let session = Session {
                me,
                ..(*session).clone()
            };
            self.core.tell(&Message::SignedIn(session.clone()));
            self.core.set(SessionState::SignedIn(Rc::new(session)));
        }
    }

    /// Trades the cookie for a new access token; one refresh at a time app-wide.
    pub async fn refresh(&self) -> Result<Rc<Session>, ApiError> {
        self.core.refresh().await
    }
}

#[derive(Properties, PartialEq)]
pub struct SessionProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Holds the session for everything inside it and restores it from the cookie on start.
#[function_component(SessionProvider)]
pub fn session_provider(props: &SessionProviderProps) -> Html {
    // Without a session to restore the reader is signed out from the first render: the account
    // links never change under them, and no refresh is asked for only to fail.
    let restoring = use_memo((), |_| has_session_marker());
    let initial = if *restoring {
        SessionState::Restoring
    } else {
        SessionState::SignedOut
    };
    let state = use_state(|| initial.clone());
    let core = {
        let setter = state.setter();
        use_memo((), move |_| {
            SessionCore::new(initial, Callback::from(move |state| setter.set(state)))
        })
    };
    {
        let core = Rc::clone(&core);
        use_effect_with((), move |_| {
            // Weak: the channel lives in the core, which must not keep itself alive.
            let listener = Rc::downgrade(&core);
            *core.tabs.borrow_mut() = Channel::open(move |message| {
                if let Some(core) = listener.upgrade() {
                    core.hear(message);
                }
            });
            if *restoring {
                yew::platform::spawn_local(async move {
                    let _ = core.refresh().await;
                });
            }
        });
    }
    let handle = SessionHandle {
        state: (*state).clone(),
        core: Rc::clone(&core),
    };
    html! {
        <ContextProvider<SessionHandle> context={handle}>
            { props.children.clone() }
        </ContextProvider<SessionHandle>>
    }
}

/// The session from the nearest provider; signed out when there is none (components rendered on
/// their own in tests).
#[hook]
pub fn use_session() -> SessionHandle {
    use_context::<SessionHandle>().unwrap_or_else(|| SessionHandle::detached(SessionState::SignedOut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifteen_minute_token_is_refreshed_a_minute_early() {
        assert_eq!(refresh_delay_ms(900_000.0), 840_000);
    }

    #[test]
    fn a_short_token_is_refreshed_after_three_quarters_of_its_life() {
        assert_eq!(refresh_delay_ms(60_000.0), 45_000);
    }

    #[test]
    fn an_expired_token_is_refreshed_soon_but_not_in_a_busy_loop() {
        assert_eq!(refresh_delay_ms(-5_000.0), 1000);
        assert_eq!(refresh_delay_ms(0.0), 1000);
    }

    #[test]
    fn very_long_lifetimes_stay_within_what_timers_can_count() {
        assert_eq!(refresh_delay_ms(1e12), i32::MAX as u64);
    }
}
