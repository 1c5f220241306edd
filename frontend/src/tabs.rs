//! What the app's tabs (and windows) of one origin must agree on.
//!
//! They all share one cookie jar, so one single-use refresh token: if two tabs refreshed at once,
//! the second would present the token the first just spent, and the server, taking that for
//! theft, would end the session in every tab. [`exclusively`] therefore runs the requests that
//! spend or replace the cookie under a Web Lock held by one tab at a time; a tab that waited
//! sends the cookie the previous holder left behind, which is the fresh one.
//!
//! A [`Channel`] also tells the other tabs of each new session (they adopt it, and when waiting
//! for the lock to refresh, skip their own refresh) and of a sign-out (they sign out too).

use std::future::Future;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::js_sys::{Array, Function, Promise, Reflect};
use web_sys::{BroadcastChannel, MessageEvent};

use crate::state::Session;

/// The Web Lock every tab takes around requests that spend or replace the refresh cookie.
const LOCK: &str = "shortscience-refresh";
/// The BroadcastChannel the tabs tell each other about sessions on.
const CHANNEL: &str = "shortscience-session";

// web-sys binds `LockManager` only under `--cfg=web_sys_unstable_apis`; the one method needed is
// bound here instead, so the build needs no flags.
#[wasm_bindgen]
extern "C" {
    type LockManager;

    #[wasm_bindgen(method)]
    fn request(this: &LockManager, name: &str, callback: &Function) -> Promise;
}

/// `navigator.locks`, missing in old browsers and outside secure contexts (plain HTTP to another
/// host than localhost).
fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    locks.is_object().then(|| locks.unchecked_into())
}

/// Runs `work` while holding the app's Web Lock, so no other tab runs such work meanwhile. Where
/// the browser has no Web Locks, or refuses this one, `work` runs at once: as before, only the
/// tab's own requests are kept apart then.
pub async fn exclusively<F: Future>(work: F) -> F::Output {
    let Some(locks) = lock_manager() else {
        return work.await;
    };
    // The lock is held until the promise its callback returns settles: `held`, settled by
    // `Release` once `work` is done (or dropped). `granted` tells this side the callback ran.
    // (`Promise::new` runs its executor at once, so both resolvers are set after it.)
    let mut grant = None;
    let granted = Promise::new(&mut |resolve, _| grant = Some(resolve));
    let mut release = None;
    let held = Promise::new(&mut |resolve, _| release = Some(resolve));
    let (Some(grant), Some(release)) = (grant, release) else {
        return work.await;
    };
    let callback = Closure::once(move |_lock: JsValue| -> Promise {
        let _ = grant.call0(&JsValue::UNDEFINED);
        held
    });
    // `request` settles only after the lock was released, unless the browser refuses the lock
    // (it then rejects at once and the callback never runs).
    let request = locks.request(LOCK, callback.as_ref().unchecked_ref());
    if JsFuture::from(Promise::race(&Array::of2(&granted, &request)))
        .await
        .is_err()
    {
        return work.await;
    }
    let _release = Release(release);
    work.await
}

/// Releases the lock when dropped, so a cancelled `work` cannot keep it from the other tabs.
struct Release(Function);

impl Drop for Release {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// What one tab tells the others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Message {
    /// A session just given by the server (refresh, sign-in) or changed (account details).
    SignedIn(Session),
    /// The reader signed out.
    SignedOut,
}

/// The app's BroadcastChannel, listening for the other tabs until dropped.
pub struct Channel {
    channel: BroadcastChannel,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    /// Opens the channel; `None` where the browser has no BroadcastChannel (tabs then learn of
    /// each other's sessions only through the cookie, at their next refresh).
    pub fn open(hear: impl Fn(Message) + 'static) -> Option<Channel> {
        let channel = BroadcastChannel::new(CHANNEL).ok()?;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Other versions of the app may speak differently: what does not parse is ignored.
            let message = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str(&text).ok());
            if let Some(message) = message {
                hear(message);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Some(Channel {
            channel,
            _listener: listener,
        })
    }

    /// Tells every other tab; this one does not hear itself.
    pub fn tell(&self, message: &Message) {
        if let Ok(text) = serde_json::to_string(message) {
            let _ = self.channel.post_message(&JsValue::from_str(&text));
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_survive_the_trip_between_tabs() {
        let session = Session {
            access_token: "token".into(),
            me: crate::test_support::me(),
            expires_at: 1_700_000_000_000.0,
        };
        for message in [Message::SignedIn(session), Message::SignedOut] {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<Message>(&text).unwrap(), message);
        }
    }
}
