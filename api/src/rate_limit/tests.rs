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

#[tokio::test]
async fn the_real_clock_ends_short_windows() {
    let limiter = Limiter::new(Policy {
        name: "short",
        quota: 2,
        window: Duration::from_millis(200),
    });
    limiter.check("k").await.unwrap();
    limiter.check("k").await.unwrap();
    let limited = limiter.check("k").await.unwrap_err();
    assert!(limited.retry_after <= Duration::from_millis(200) && limited.retry_after_seconds() == 1);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(limiter.check("k").await.unwrap().remaining, 1);
}

#[tokio::test]
async fn disabled_limits_never_limit_and_remember_nothing() {
    let limits = RateLimits::new(false, None, None);
    for _ in 0..1_000 {
        limits.login_account.check("ada").await.unwrap();
    }
    assert_eq!(limits.login_account.tracked_keys(), 0);
}

#[test]
fn the_window_override_shortens_every_policy_and_keeps_the_quotas() {
    let limits = RateLimits::new(true, Some(Duration::from_secs(2)), None);
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
    let production = RateLimits::new(true, None, None);
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
fn a_full_map_evicts_its_oldest_windows_instead_of_pooling_new_keys() {
    let limiter = Limiter::build(POLICY, true, 2_000);
    let t0 = Instant::now();
    for i in 0..2_000 {
        limiter
            .check_at(&format!("flood-{i}"), t0 + Duration::from_millis(i))
            .unwrap();
    }
    // Every fresh key gets its own full quota: a flood cannot exhaust a shared one.
    let t1 = t0 + Duration::from_secs(3);
    for i in 0..5 {
        assert_eq!(limiter.check_at(&format!("fresh-{i}"), t1).unwrap().remaining, 2);
    }
    assert_eq!(limiter.tracked_keys(), 2_000, "the map does not grow");
    // The oldest flood keys made room; newer ones keep their counts.
    assert_eq!(limiter.check_at("flood-0", t1).unwrap().remaining, 2, "evicted");
    assert_eq!(limiter.check_at("flood-1999", t1).unwrap().remaining, 1, "kept");
}

#[tokio::test]
async fn refunds_give_a_request_back_and_long_keys_cost_little() {
    let limiter = Limiter::new(POLICY);
    let t0 = Instant::now();
    for _ in 0..10 {
        limiter.check_at("k", t0).unwrap();
        limiter.refund("k").await;
    }
    assert_eq!(
        limiter.check_at("k", t0).unwrap().remaining,
        POLICY.quota - 1,
        "successes do not count"
    );
    let long = "x".repeat(1 << 20);
    limiter.check_at(&long, t0).unwrap();
    assert_eq!(
        limiter.check_at(&long, t0).unwrap().remaining,
        POLICY.quota - 2,
        "one key, however long"
    );
    let stored = limiter
        .windows
        .lock()
        .unwrap()
        .by_key
        .keys()
        .map(String::len)
        .max()
        .unwrap();
    assert!(stored <= 64, "keys are stored in at most 64 bytes, not {stored}");
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
