//! Rate limits for the endpoints attackers hammer (login, registration, password reset), reported
//! to clients with the `RateLimit-Policy` and `RateLimit` fields of draft-ietf-httpapi-ratelimit-headers-11.
//!
//! Fixed windows per key, hand-written rather than `governor`: governor's GCRA refills one request
//! at a time, so it can report what is left but not when the window ends (the draft's `t`), and its
//! keyed store must be pruned from outside. A fixed window makes `r`, `t` and `Retry-After` exact,
//! and an expired window carries no state, so pruning it loses nothing. The price is the usual
//! fixed-window edge: a client may spend a quota at the end of one window and again at the start
//! of the next, which still bounds password guessing to twice the quota per window. Login limits
//! count failures only: every attempt is counted before the password is checked (so parallel
//! guesses cannot all slip through), and a success gives its request back ([`Limiter::refund`]),
//! so an account's owner signing in often never locks themselves out.
//!
//! Windows are counted in this process, or, with `SHORTSCIENCE_REDIS_URL`, in Redis, so that every
//! instance behind a load balancer spends one quota ([`SharedStore`]). Should Redis fail, each
//! instance counts in its own memory until it answers again: limits loosen to one quota per
//! instance rather than locking everybody out or letting everything through.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use actix_web::http::header::{self, HeaderName, HeaderValue};

/// Keys a limiter tracks at most. Each costs about 150 bytes, so a flood of distinct keys (a botnet,
/// an IPv6 range) costs each limiter about 15 MB; beyond that the oldest windows are evicted.
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
    /// Wrong current passwords when changing the password, per account: a stolen session must
    /// not become a password oracle.
    pub const PASSWORD_CHANGE_ACCOUNT: Policy = Policy::new("password-change-account", 10, 15 * 60);
    /// Paper imports and refreshes per user: each may cost a request to a metadata service, and
    /// arXiv allows one every three seconds for the whole site.
    pub const IMPORT_USER: Policy = Policy::new("import-user", 60, 60 * 60);
    /// Summaries published, edited or deleted per user.
    pub const SUMMARY_WRITE_USER: Policy = Policy::new("summary-write-user", 60, 60 * 60);
    /// Comments posted or edited per user.
    pub const COMMENT_USER: Policy = Policy::new("comment-user", 120, 60 * 60);
    /// Previews rendered per client address (math rendering costs CPU).
    pub const RENDER_IP: Policy = Policy::new("render-ip", 600, 10 * 60);
    /// Reports filed per user.
    pub const REPORT_USER: Policy = Policy::new("report-user", 30, 60 * 60);
    /// Images uploaded per user.
    pub const UPLOAD_USER: Policy = Policy::new("upload-user", 60, 60 * 60);
    /// Votes per user.
    pub const VOTE_USER: Policy = Policy::new("vote-user", 300, 60 * 60);
    /// Searches of arXiv, Crossref and DBLP per client address: each costs three requests upstream.
    pub const SEARCH_EXTERNAL_IP: Policy = Policy::new("search-external-ip", 60, 10 * 60);
    /// Full-text searches per client address (one per keystroke while typing).
    pub const SEARCH_IP: Policy = Policy::new("search-ip", 600, 10 * 60);
    /// Page views counted per client address.
    pub const VIEW_IP: Policy = Policy::new("view-ip", 600, 60 * 60);

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

impl Allowed {
    /// The quota after the counted request was given back ([`Limiter::refund`]).
    pub fn refunded(&self) -> Allowed {
        Allowed {
            remaining: (self.remaining + 1).min(self.policy.quota),
            ..self.clone()
        }
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

/// Keys longer than this are stored as their SHA-256, so what a client types (a login of a
/// megabyte) never decides how much memory a window costs.
const MAX_KEY_BYTES: usize = 64;

/// The key as stored: compared case-insensitively, surrounding blanks ignored, long ones hashed.
fn stored_key(key: &str) -> String {
    let key = key.trim().to_lowercase();
    if key.len() <= MAX_KEY_BYTES {
        return key;
    }
    crate::hashing::sha256_hex(key.as_bytes())
}

/// Counts one request in a window kept in Redis, atomically: the first request of a window
/// starts its expiry, and a request over the quota is given back at once (not counted).
/// Returns the count including this request and the milliseconds left in the window.
static COUNT_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        local n = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            ttl = tonumber(ARGV[1])
        end
        if n > tonumber(ARGV[2]) then
            redis.call('DECR', KEYS[1])
        end
        return {n, ttl}
        ",
    )
});

/// Gives back one counted request of a window kept in Redis, if the window still exists.
static REFUND_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
        local n = tonumber(redis.call('GET', KEYS[1]) or '0')
        if n > 0 then
            redis.call('DECR', KEYS[1])
        end
        return 0
        ",
    )
});

/// Redis, where every instance counts the same windows (`SHORTSCIENCE_REDIS_URL`). Keys are
/// `<prefix>:rl:<policy>:<key>` and expire with their window.
#[derive(Clone)]
pub struct SharedStore {
    connection: redis::aio::ConnectionManager,
    prefix: Arc<str>,
}

impl SharedStore {
    /// Connects (and reconnects by itself after a failure later on).
    pub async fn connect(url: &str, prefix: &str) -> anyhow::Result<SharedStore> {
        use anyhow::Context;
        let client = redis::Client::open(url).context("SHORTSCIENCE_REDIS_URL is not a Redis URL")?;
        let connection = redis::aio::ConnectionManager::new(client)
            .await
            .context("connecting to Redis (SHORTSCIENCE_REDIS_URL)")?;
        Ok(SharedStore {
            connection,
            prefix: prefix.into(),
        })
    }

    fn key(&self, policy: Policy, key: &str) -> String {
        format!("{}:rl:{}:{key}", self.prefix, policy.name)
    }

    async fn count(&self, policy: Policy, key: &str) -> redis::RedisResult<Result<Allowed, Limited>> {
        let window_ms = u64::try_from(policy.window.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let (count, left_ms): (u64, u64) = COUNT_SCRIPT
            .key(self.key(policy, key))
            .arg(window_ms)
            .arg(policy.quota)
            .invoke_async(&mut self.connection.clone())
            .await?;
        let reset = Duration::from_millis(left_ms);
        Ok(if count > u64::from(policy.quota) {
            Err(Limited {
                policy,
                retry_after: reset,
            })
        } else {
            Ok(Allowed {
                policy,
                remaining: policy.quota - u32::try_from(count).unwrap_or(policy.quota),
                reset,
            })
        })
    }

    async fn refund(&self, policy: Policy, key: &str) -> redis::RedisResult<()> {
        REFUND_SCRIPT
            .key(self.key(policy, key))
            .invoke_async(&mut self.connection.clone())
            .await
    }
}

/// One policy applied per key (an address, an account name, an email). Clones share the counts.
#[derive(Clone)]
pub struct Limiter {
    policy: Policy,
    enabled: bool,
    /// The windows of this instance: all of them, or those counted while Redis failed.
    windows: Arc<Mutex<Windows>>,
    shared: Option<SharedStore>,
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

    /// A limiter whose windows are counted in Redis, shared with every other instance.
    pub fn shared(policy: Policy, store: SharedStore) -> Limiter {
        Limiter {
            shared: Some(store),
            ..Limiter::new(policy)
        }
    }

    /// A limiter that lets everything through (`SHORTSCIENCE_RATE_LIMITS=off`) and stores nothing.
    pub fn disabled(policy: Policy) -> Limiter {
        Limiter::build(policy, false, 0)
    }

    fn build(policy: Policy, enabled: bool, max_keys: usize) -> Limiter {
        let windows = Windows {
            by_key: HashMap::new(),
            by_age: VecDeque::new(),
            max_keys,
            sweep_at: SWEEP_FLOOR.min(max_keys),
        };
        Limiter {
            policy,
            enabled,
            windows: Arc::new(Mutex::new(windows)),
            shared: None,
        }
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Counts one request for `key` (compared case-insensitively, surrounding blanks ignored) and
    /// says whether it is within the quota. Requests over the quota are not counted, so a client
    /// that keeps trying is not locked out beyond the window it already used up.
    /// One unit of a user's quota (key `user:<id>`), as an API error when it is spent.
    pub async fn check_user(&self, user_id: i64) -> Result<Allowed, crate::error::ApiError> {
        self.check(&format!("user:{user_id}"))
            .await
            .map_err(crate::error::ApiError::RateLimited)
    }

    pub async fn check(&self, key: &str) -> Result<Allowed, Limited> {
        if self.enabled
            && let Some(store) = &self.shared
        {
            match store.count(self.policy, &stored_key(key)).await {
                Ok(counted) => return counted,
                Err(err) => tracing::warn!(
                    policy = self.policy.name,
                    error = %err,
                    "rate limits: Redis failed; counting in this instance"
                ),
            }
        }
        self.check_at(key, Instant::now())
    }

    /// Gives back a request counted by [`Limiter::check`] that turned out not to count (a
    /// successful login): limits that count failures only check first and refund successes.
    pub async fn refund(&self, key: &str) {
        if !self.enabled {
            return;
        }
        if let Some(store) = &self.shared {
            match store.refund(self.policy, &stored_key(key)).await {
                Ok(()) => return,
                Err(err) => tracing::warn!(
                    policy = self.policy.name,
                    error = %err,
                    "rate limits: Redis failed; refunding in this instance"
                ),
            }
        }
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(window) = windows.by_key.get_mut(&stored_key(key)) {
            window.count = window.count.saturating_sub(1);
        }
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
            .window_for(stored_key(key), now, policy)
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
    /// Keys in the order their windows started, oldest first, for eviction when the map is
    /// full. A window that restarts is queued again; its older entry is skipped as stale.
    by_age: VecDeque<(Instant, String)>,
    max_keys: usize,
    /// Map size at which the next new key triggers a sweep; doubles with the live keys, so sweeping
    /// costs O(1) per new key on average.
    sweep_at: usize,
}

impl Windows {
    fn window_for(&mut self, key: String, now: Instant, policy: Policy) -> &mut Window {
        if !self.by_key.contains_key(&key) {
            if self.by_key.len() >= self.sweep_at {
                // Expired windows hold no information: the next request would start afresh anyway.
                self.by_key
                    .retain(|_, window| !window.expired(now, policy.window));
                let by_key = &self.by_key;
                self.by_age
                    .retain(|(start, key)| by_key.get(key).is_some_and(|w| w.start == *start));
                self.sweep_at = (2 * self.by_key.len()).clamp(SWEEP_FLOOR, self.max_keys.max(SWEEP_FLOOR));
            }
            // Still full: the oldest windows make room. A flood of fresh keys then costs the
            // flood its own history, never a shared quota that honest newcomers would exhaust.
            while self.by_key.len() >= self.max_keys.max(1) {
                let Some((start, oldest)) = self.by_age.pop_front() else {
                    break;
                };
                if self.by_key.get(&oldest).is_some_and(|w| w.start == start) {
                    self.by_key.remove(&oldest);
                }
            }
            self.by_age.push_back((now, key.clone()));
        }
        let by_age = &mut self.by_age;
        let window = self
            .by_key
            .entry(key.clone())
            .or_insert(Window { start: now, count: 0 });
        if window.expired(now, policy.window) {
            *window = Window { start: now, count: 0 };
            by_age.push_back((now, key));
        }
        window
    }
}

#[derive(Clone, Copy)]
struct Window {
    start: Instant,
    count: u32,
}

impl Window {
    fn expired(&self, now: Instant, length: Duration) -> bool {
        now.saturating_duration_since(self.start) >= length
    }

    /// Whether a request fits in the window; an allowed one uses up one request.
    fn count(&mut self, now: Instant, policy: Policy) -> Result<Allowed, Limited> {
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
    /// Login attempts per account (`user:<id>`, or the login as typed when it names no account).
    pub login_account: Limiter,
    pub register_ip: Limiter,
    pub password_reset_ip: Limiter,
    /// Reset requests per target email.
    pub password_reset_email: Limiter,
    /// Requests to mail the confirmation link again, per account.
    pub confirmation_mail_account: Limiter,
    /// Wrong current passwords in password changes, per account.
    pub password_change_account: Limiter,
    /// Imports and refreshes, per user.
    pub import_user: Limiter,
    /// External searches per client address ([`ip_key`]).
    pub search_external_ip: Limiter,
    /// Full-text searches per client address.
    pub search_ip: Limiter,
    /// Page views counted per client address.
    pub view_ip: Limiter,
    /// Summary writes per user (`user:<id>`).
    pub summary_write_user: Limiter,
    /// Votes per user (`user:<id>`).
    pub vote_user: Limiter,
    /// Comment writes per user (`user:<id>`).
    pub comment_user: Limiter,
    /// Previews per client address ([`ip_key`]).
    pub render_ip: Limiter,
    /// Reports per user (`user:<id>`).
    pub report_user: Limiter,
    /// Uploads per user (`user:<id>`).
    pub upload_user: Limiter,
}

impl RateLimits {
    /// The production policies; `enabled = false` lets every request through.
    /// `window_override` replaces every policy's window (quotas stay) so tests can watch a window
    /// end within seconds.
    /// `shared` counts every window in Redis instead of this process.
    pub fn new(enabled: bool, window_override: Option<Duration>, shared: Option<SharedStore>) -> RateLimits {
        let limiter = |policy: Policy| {
            let policy = Policy {
                window: window_override.unwrap_or(policy.window),
                ..policy
            };
            match (enabled, &shared) {
                (false, _) => Limiter::disabled(policy),
                (true, None) => Limiter::new(policy),
                (true, Some(store)) => Limiter::shared(policy, store.clone()),
            }
        };
        RateLimits {
            login_ip: limiter(Policy::LOGIN_IP),
            login_account: limiter(Policy::LOGIN_ACCOUNT),
            register_ip: limiter(Policy::REGISTER_IP),
            password_reset_ip: limiter(Policy::PASSWORD_RESET_IP),
            password_reset_email: limiter(Policy::PASSWORD_RESET_EMAIL),
            confirmation_mail_account: limiter(Policy::CONFIRMATION_MAIL_ACCOUNT),
            password_change_account: limiter(Policy::PASSWORD_CHANGE_ACCOUNT),
            import_user: limiter(Policy::IMPORT_USER),
            search_external_ip: limiter(Policy::SEARCH_EXTERNAL_IP),
            search_ip: limiter(Policy::SEARCH_IP),
            view_ip: limiter(Policy::VIEW_IP),
            summary_write_user: limiter(Policy::SUMMARY_WRITE_USER),
            vote_user: limiter(Policy::VOTE_USER),
            comment_user: limiter(Policy::COMMENT_USER),
            render_ip: limiter(Policy::RENDER_IP),
            report_user: limiter(Policy::REPORT_USER),
            upload_user: limiter(Policy::UPLOAD_USER),
        }
    }
}

impl RateLimits {
    /// The limits the configuration asks for: on or off, counted here or in Redis.
    pub async fn from_config(
        config: &crate::config::Config,
        window_override: Option<Duration>,
    ) -> anyhow::Result<RateLimits> {
        let shared = match &config.redis_url {
            Some(url) if config.rate_limits => {
                Some(SharedStore::connect(url.expose(), &config.redis_prefix).await?)
            }
            _ => None,
        };
        Ok(RateLimits::new(config.rate_limits, window_override, shared))
    }
}

#[cfg(test)]
mod tests;
