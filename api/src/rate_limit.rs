//! Rate limits for the endpoints attackers hammer (login, registration, password reset), reported
//! to clients with the `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-11.
//!
//! Fixed windows per key, hand-written rather than `governor`: governor's GCRA refills one request
//! at a time, so it can report what is left but not when the window ends (the draft's `t`), and its
//! keyed store must be pruned from outside. A fixed window makes `r`, `t` and `Retry-After` exact,
//! and an expired window carries no state, so pruning it loses nothing. The price is the usual
//! fixed-window edge: a client may spend a quota at the end of one window and again at the start
//! of the next, which still bounds password guessing to twice the quota per window.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderName, HeaderValue};

/// Keys a limiter tracks at most. Each costs about 100 bytes, so a flood of distinct keys (a botnet,
/// an IPv6 range) costs each limiter about 10 MB before new keys share one overflow window.
const MAX_KEYS: usize = 100_000;
/// Below this many keys the map is never swept: small maps cost nothing worth reclaiming.
const SWEEP_FLOOR: usize = 1_024;

/// A quota of requests per window, named for the `RateLimit` fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: &'static str,
    pub quota: u32,
    pub window: Duration,
}

impl Policy {
    /// Password guesses from one address, whichever accounts they target.
    pub const LOGIN_IP: Policy = Policy::new("login-ip", 30, 10 * 60);
    /// Password guesses against one account, from however many addresses.
    pub const LOGIN_ACCOUNT: Policy = Policy::new("login-account", 10, 15 * 60);
    pub const REGISTER_IP: Policy = Policy::new("register-ip", 10, 60 * 60);
    pub const PASSWORD_RESET_IP: Policy = Policy::new("password-reset-ip", 5, 60 * 60);
    /// Reset mails to one address, so nobody can flood a victim's inbox from many addresses.
    pub const PASSWORD_RESET_EMAIL: Policy = Policy::new("password-reset-email", 3, 60 * 60);
    /// Confirmation mails an account may ask for again.
    pub const CONFIRMATION_MAIL_ACCOUNT: Policy = Policy::new("confirmation-mail-account", 3, 60 * 60);

    const fn new(name: &'static str, quota: u32, window_secs: u64) -> Policy {
        Policy {
            name,
            quota,
            window: Duration::from_secs(window_secs),
        }
    }

    /// The `RateLimit-Policy` item, e.g. `"login-ip";q=30;w=600`. The draft allows only whole,
    /// non-zero seconds for `w`, so test windows below a second are announced as one second.
    fn policy_item(&self) -> String {
        format!(
            "{};q={};w={}",
            sf_string(self.name),
            self.quota,
            whole_seconds(self.window).max(1)
        )
    }
}

/// A request over its quota: rendered as 429 with [`Limited::headers`].
#[derive(Debug, Clone)]
pub struct Limited {
    pub policy: Policy,
    /// Until the window ends and the key has its full quota again.
    pub retry_after: Duration,
}

/// Quota left after an allowed request, for the headers of the response.
#[derive(Debug, Clone)]
pub struct Allowed {
    pub policy: Policy,
    pub remaining: u32,
    /// Until the window ends and the key has its full quota again.
    pub reset: Duration,
}

impl Allowed {
    /// `RateLimit-Policy: "login-ip";q=30;w=600` and `RateLimit: "login-ip";r=29;t=600`.
    /// Append (not insert) them when a response reports several policies: both fields are lists.
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let limit = format!(
            "{};r={};t={}",
            sf_string(self.policy.name),
            self.remaining,
            whole_seconds(self.reset)
        );
        field_pairs([(RATELIMIT_POLICY, self.policy.policy_item()), (RATELIMIT, limit)])
    }
}

impl Limited {
    /// `Retry-After: 42`, `RateLimit-Policy: "login-ip";q=30;w=600` and `RateLimit: "login-ip";r=0;t=42`.
    /// `Retry-After` is whole seconds rounded up and at least 1, so a client that obeys it never
    /// comes back early; `t` is the same number, as the draft asks Retry-After not to point before
    /// the end of the effective window.
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        let seconds = self.retry_after_seconds();
        let limit = format!("{};r=0;t={seconds}", sf_string(self.policy.name));
        field_pairs([
            (header::RETRY_AFTER.as_str(), seconds.to_string()),
            (RATELIMIT_POLICY, self.policy.policy_item()),
            (RATELIMIT, limit),
        ])
    }

    /// Whole seconds until the client may retry, rounded up, at least 1.
    pub fn retry_after_seconds(&self) -> u64 {
        whole_seconds(self.retry_after).max(1)
    }
}

const RATELIMIT_POLICY: &str = "ratelimit-policy";
const RATELIMIT: &str = "ratelimit";

fn field_pairs<const N: usize>(fields: [(&'static str, String); N]) -> Vec<(HeaderName, HeaderValue)> {
    // Names are lowercase tokens and values printable ASCII by construction (`sf_string`), so
    // nothing is ever dropped here; filtering keeps that invariant free of panics.
    fields
        .into_iter()
        .filter_map(|(name, value)| Some((HeaderName::from_static(name), HeaderValue::try_from(value).ok()?)))
        .collect()
}

/// A structured-field String (RFC 9651 §3.3.3): quoted, with `"` and `\` escaped; characters it
/// cannot carry are left out (policy names are ours and plain ASCII anyway).
fn sf_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars().filter(|c| (' '..='~').contains(c)) {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Seconds rounded up: a client told to wait must never be told too little.
fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

/// The key for per-address limits. IPv6 clients usually hold a whole /64 and can pick any address
/// in it, so they are limited per /64; IPv4-mapped IPv6 addresses count as the IPv4 address.
pub fn ip_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// One policy applied per key (an address, an account name, an email). Clones share the counts.
#[derive(Clone)]
pub struct Limiter {
    policy: Policy,
    enabled: bool,
    windows: Arc<Mutex<Windows>>,
}

impl std::fmt::Debug for Limiter {
    // The keys are addresses and account names: not for logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("policy", &self.policy)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl Limiter {
    pub fn new(policy: Policy) -> Limiter {
        Limiter::build(policy, true, MAX_KEYS)
    }

    /// A limiter that lets everything through (`SHORTSCIENCE_RATE_LIMITS=off`) and stores nothing.
    pub fn disabled(policy: Policy) -> Limiter {
        Limiter::build(policy, false, 0)
    }

    fn build(policy: Policy, enabled: bool, max_keys: usize) -> Limiter {
        let windows = Windows {
            by_key: HashMap::new(),
            overflow: Window::default(),
            max_keys,
            sweep_at: SWEEP_FLOOR.min(max_keys),
            next_full_sweep: None,
        };
        Limiter {
            policy,
            enabled,
            windows: Arc::new(Mutex::new(windows)),
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Counts one request for `key` (compared case-insensitively, surrounding blanks ignored) and
    /// says whether it is within the quota. Requests over the quota are not counted, so a client
    /// that keeps trying is not locked out beyond the window it already used up.
    pub fn check(&self, key: &str) -> Result<Allowed, Limited> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<Allowed, Limited> {
        let policy = self.policy;
        if !self.enabled {
            return Ok(Allowed {
                policy,
                remaining: policy.quota,
                reset: policy.window,
            });
        }
        // A panic elsewhere while holding the lock leaves counts that are still counts: carry on.
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows
            .window_for(key.trim().to_lowercase(), now, policy)
            .count(now, policy)
    }

    #[cfg(test)]
    fn tracked_keys(&self) -> usize {
        self.windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_key
            .len()
    }
}

struct Windows {
    by_key: HashMap<String, Window>,
    /// Shared by every new key while the map is full: a flood of fresh keys then exhausts one
    /// quota together instead of memory; keys already tracked keep their own windows.
    overflow: Window,
    max_keys: usize,
    /// Map size at which the next new key triggers a sweep; doubles with the live keys, so sweeping
    /// costs O(1) per new key on average.
    sweep_at: usize,
    /// While the map is full, when to sweep again (a few times per window, not on every request).
    next_full_sweep: Option<Instant>,
}

impl Windows {
    fn window_for(&mut self, key: String, now: Instant, policy: Policy) -> &mut Window {
        if !self.by_key.contains_key(&key) {
            let full = self.by_key.len() >= self.max_keys;
            let due = if full {
                self.next_full_sweep.is_none_or(|at| now >= at)
            } else {
                self.by_key.len() >= self.sweep_at
            };
            if due {
                // Expired windows hold no information: the next request would start afresh anyway.
                self.by_key
                    .retain(|_, window| !window.expired(now, policy.window));
                self.sweep_at = (2 * self.by_key.len()).clamp(SWEEP_FLOOR, self.max_keys.max(SWEEP_FLOOR));
                self.next_full_sweep = Some(now + policy.window / 4);
                if self.by_key.len() >= self.max_keys {
                    tracing::warn!(
                        policy = policy.name,
                        keys = self.by_key.len(),
                        "rate limiter full: new clients share one overflow quota until windows expire"
                    );
                }
            }
            if self.by_key.len() >= self.max_keys {
                return &mut self.overflow;
            }
        }
        self.by_key.entry(key).or_insert(Window { start: now, count: 0 })
    }
}

#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

impl Default for Window {
    fn default() -> Window {
        Window {
            start: Instant::now(),
            count: 0,
        }
    }
}

impl Window {
    fn expired(&self, now: Instant, length: Duration) -> bool {
        now.saturating_duration_since(self.start) >= length
    }

    fn count(&mut self, now: Instant, policy: Policy) -> Result<Allowed, Limited> {
        if self.expired(now, policy.window) {
            *self = Window { start: now, count: 0 };
        }
        let reset = policy
            .window
            .saturating_sub(now.saturating_duration_since(self.start));
        if self.count >= policy.quota {
            return Err(Limited {
                policy,
                retry_after: reset,
            });
        }
        self.count += 1;
        Ok(Allowed {
            policy,
            remaining: policy.quota - self.count,
            reset,
        })
    }
}

/// Every limit of the service. Clones share the counts.
#[derive(Clone, Debug)]
pub struct RateLimits {
    /// Login attempts per client address ([`ip_key`]).
    pub login_ip: Limiter,
    /// Login attempts per account, keyed by the login name or email as typed.
    pub login_account: Limiter,
    pub register_ip: Limiter,
    pub password_reset_ip: Limiter,
    /// Reset requests per target email.
    pub password_reset_email: Limiter,
    /// Requests to mail the confirmation link again, per account.
    pub confirmation_mail_account: Limiter,
}

impl RateLimits {
    /// The production policies; `enabled = false` lets every request through.
    /// `window_override` replaces every policy's window (quotas stay) so tests can watch a window
    /// end within seconds.
    pub fn new(enabled: bool, window_override: Option<Duration>) -> RateLimits {
        let limiter = |policy: Policy| {
            let policy = Policy {
                window: window_override.unwrap_or(policy.window),
                ..policy
            };
            if enabled {
                Limiter::new(policy)
            } else {
                Limiter::disabled(policy)
            }
        };
        RateLimits {
            login_ip: limiter(Policy::LOGIN_IP),
            login_account: limiter(Policy::LOGIN_ACCOUNT),
            register_ip: limiter(Policy::REGISTER_IP),
            password_reset_ip: limiter(Policy::PASSWORD_RESET_IP),
            password_reset_email: limiter(Policy::PASSWORD_RESET_EMAIL),
            confirmation_mail_account: limiter(Policy::CONFIRMATION_MAIL_ACCOUNT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        name: "test",
        quota: 3,
        window: Duration::from_secs(10),
    };

    fn values(headers: &[(HeaderName, HeaderValue)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
            .collect()
    }

    #[test]
    fn a_burst_up_to_the_quota_passes_and_the_next_request_waits_for_the_window() {
        let limiter = Limiter::new(POLICY);
        let t0 = Instant::now();
        for (i, remaining) in [2, 1, 0].into_iter().enumerate() {
            let allowed = limiter.check_at("k", t0 + Duration::from_secs(i as u64)).unwrap();
            assert_eq!(allowed.remaining, remaining);
            assert_eq!(allowed.reset, Duration::from_secs(10 - i as u64));
        }
        let limited = limiter
            .check_at("k", t0 + Duration::from_millis(3_500))
            .unwrap_err();
        assert_eq!(limited.retry_after, Duration::from_millis(6_500));
        assert_eq!(limited.retry_after_seconds(), 7);
        assert_eq!(limited.policy, POLICY);
    }

    #[test]
    fn keys_are_independent_and_compared_case_insensitively() {
        let limiter = Limiter::new(POLICY);
        let t0 = Instant::now();
        for key in ["Ada@Example.org", "ada@example.org ", "ADA@EXAMPLE.ORG"] {
            limiter.check_at(key, t0).unwrap();
        }
        assert!(limiter.check_at("ada@example.org", t0).is_err());
        assert_eq!(limiter.check_at("grace@example.org", t0).unwrap().remaining, 2);
    }

    #[test]
    fn a_key_gets_its_full_quota_back_when_the_window_ends() {
        let limiter = Limiter::new(POLICY);
        let t0 = Instant::now();
        for _ in 0..3 {
            limiter.check_at("k", t0).unwrap();
        }
        // Rejected requests do not count: hammering on does not push the window out.
        for ms in [1_000, 5_000, 9_999] {
            assert!(limiter.check_at("k", t0 + Duration::from_millis(ms)).is_err());
        }
        let allowed = limiter.check_at("k", t0 + Duration::from_secs(10)).unwrap();
        assert_eq!((allowed.remaining, allowed.reset), (2, Duration::from_secs(10)));
    }

    #[test]
    fn the_real_clock_ends_short_windows() {
        let limiter = Limiter::new(Policy {
            name: "short",
            quota: 2,
            window: Duration::from_millis(200),
        });
        limiter.check("k").unwrap();
        limiter.check("k").unwrap();
        let limited = limiter.check("k").unwrap_err();
        assert!(limited.retry_after <= Duration::from_millis(200) && limited.retry_after_seconds() == 1);
        std::thread::sleep(Duration::from_millis(250));
        assert_eq!(limiter.check("k").unwrap().remaining, 1);
    }

    #[test]
    fn disabled_limits_never_limit_and_remember_nothing() {
        let limits = RateLimits::new(false, None);
        for _ in 0..1_000 {
            limits.login_account.check("ada").unwrap();
        }
        assert_eq!(limits.login_account.tracked_keys(), 0);
    }

    #[test]
    fn the_window_override_shortens_every_policy_and_keeps_the_quotas() {
        let limits = RateLimits::new(true, Some(Duration::from_secs(2)));
        let policies = [
            &limits.login_ip,
            &limits.login_account,
            &limits.register_ip,
            &limits.password_reset_ip,
            &limits.password_reset_email,
        ]
        .map(Limiter::policy);
        assert!(policies.iter().all(|p| p.window == Duration::from_secs(2)));
        assert_eq!(policies.map(|p| p.quota), [30, 10, 10, 5, 3]);
        let production = RateLimits::new(true, None);
        assert_eq!(production.login_ip.policy(), Policy::LOGIN_IP);
        assert_eq!(production.login_account.policy().window, Duration::from_secs(900));
    }

    #[test]
    fn clones_share_the_counts() {
        let limiter = Limiter::new(POLICY);
        let clone = limiter.clone();
        let t0 = Instant::now();
        limiter.check_at("k", t0).unwrap();
        assert_eq!(clone.check_at("k", t0).unwrap().remaining, 1);
    }

    #[test]
    fn expired_keys_are_swept_as_new_keys_arrive() {
        let limiter = Limiter::build(POLICY, true, 2_000);
        let t0 = Instant::now();
        for i in 0..1_500 {
            limiter.check_at(&format!("old-{i}"), t0).unwrap();
        }
        // After the window the old keys are dead weight; the sweep drops them as new keys arrive.
        let later = t0 + POLICY.window;
        for i in 0..1_500 {
            limiter.check_at(&format!("new-{i}"), later).unwrap();
        }
        assert_eq!(limiter.tracked_keys(), 1_500);
    }

    #[test]
    fn a_full_map_stops_growing_until_its_windows_expire() {
        let limiter = Limiter::build(POLICY, true, 2_000);
        let t0 = Instant::now();
        for i in 0..2_000 {
            limiter.check_at(&format!("flood-{i}"), t0).unwrap();
        }
        // Fresh keys now share one overflow window; tracked keys keep their own quota.
        let fresh: Vec<_> = (0..5)
            .map(|i| limiter.check_at(&format!("fresh-{i}"), t0).is_ok())
            .collect();
        assert_eq!(fresh, [true, true, true, false, false]);
        assert_eq!(limiter.tracked_keys(), 2_000);
        assert_eq!(limiter.check_at("flood-7", t0).unwrap().remaining, 1);
        // Once the flood's windows are over, the next fresh key sweeps them away and is tracked.
        let later = t0 + POLICY.window;
        assert_eq!(limiter.check_at("fresh-0", later).unwrap().remaining, 2);
        assert_eq!(limiter.tracked_keys(), 1);
    }

    #[test]
    fn headers_of_an_allowed_request_follow_the_draft() {
        let allowed = Allowed {
            policy: Policy {
                name: "login-ip",
                quota: 30,
                window: Duration::from_secs(600),
            },
            remaining: 29,
            reset: Duration::from_millis(599_200),
        };
        assert_eq!(
            values(&allowed.headers()),
            [
                (
                    "ratelimit-policy".to_owned(),
                    r#""login-ip";q=30;w=600"#.to_owned()
                ),
                ("ratelimit".to_owned(), r#""login-ip";r=29;t=600"#.to_owned()),
            ]
        );
    }

    #[test]
    fn headers_of_a_limited_request_carry_retry_after_in_whole_seconds() {
        let limited = Limited {
            policy: Policy {
                name: "login-account",
                quota: 10,
                window: Duration::from_secs(900),
            },
            retry_after: Duration::from_millis(41_001),
        };
        assert_eq!(
            values(&limited.headers()),
            [
                ("retry-after".to_owned(), "42".to_owned()),
                (
                    "ratelimit-policy".to_owned(),
                    r#""login-account";q=10;w=900"#.to_owned()
                ),
                ("ratelimit".to_owned(), r#""login-account";r=0;t=42"#.to_owned()),
            ]
        );
        // Sub-second test windows: never `Retry-After: 0`, never `w=0`.
        let short = Limited {
            policy: Policy {
                name: "t",
                quota: 1,
                window: Duration::from_millis(200),
            },
            retry_after: Duration::ZERO,
        };
        assert_eq!(
            values(&short.headers()),
            [
                ("retry-after".to_owned(), "1".to_owned()),
                ("ratelimit-policy".to_owned(), r#""t";q=1;w=1"#.to_owned()),
                ("ratelimit".to_owned(), r#""t";r=0;t=1"#.to_owned()),
            ]
        );
    }

    #[test]
    fn policy_names_are_structured_field_strings() {
        assert_eq!(sf_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(sf_string("naïve\n"), r#""nave""#);
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_prefix() {
        let key = |s: &str| ip_key(s.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:bbbb::9"), key("2001:db8:1:2:aaaa::1"));
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    }
}
