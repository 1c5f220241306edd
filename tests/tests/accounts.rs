//! Accounts over the API: signing up and in, sessions, forged tokens, API tokens, mailed links,
//! profiles and who may change what — on SQLite and PostgreSQL.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};
use shared::Problem;
use shared::accounts::{AccountExport, ApiToken, AuthResponse, CreatedToken, Me, UserProfile};
use shared::api::Page;
use tests::{PASSWORD, TEST_JWT_SECRET, TestApp, TestUser, on_both_backends};

on_both_backends!(spawn =>
    sign_up_sign_in_refresh_and_sign_out,
    a_browser_session_is_marked_for_the_app_and_unmarked_when_it_ends,
    sign_up_reports_bad_and_taken_fields,
    failed_logins_look_the_same,
    forged_access_tokens_are_refused,
    a_reused_refresh_token_ends_the_whole_session,
    api_tokens_have_scopes_and_can_be_revoked,
    a_mailed_link_resets_the_password_and_ends_every_session,
    a_mailed_link_confirms_the_email_address,
    profiles_can_be_edited_and_are_public,
    the_directory_and_a_profile_count_public_summaries,
    the_export_holds_what_the_user_wrote,
    authorization_matrix_of_every_write,
    concurrent_refreshes_all_succeed,
    a_lost_confirmation_mail_can_be_sent_again,
    signing_out_ends_the_sessions_access_tokens_at_once,
    a_password_change_needs_a_session_ends_other_sessions_and_mails_the_owner,
    creating_an_api_token_mails_the_owner,
    a_reused_refresh_token_ends_the_sessions_access_tokens_at_once,
    sessions_and_api_tokens_end_when_their_lifetime_does,
    a_refresh_racing_a_password_reset_never_survives_it,
    a_reset_ends_every_other_reset_link,
);

async fn reset_token(app: &TestApp, user: &TestUser) -> String {
    let requested = app
        .post("/api/v1/auth/password-reset", json!({"email": user.email}))
        .await;
    assert_eq!(requested.status(), 202);
    let mail = mail_about(app, &user.email, "Reset").await;
    let link = mail
        .find_link("http://shortscience.test/reset-password?token=")
        .expect("a reset link");
    link.split("token=").nth(1).unwrap().to_owned()
}

/// An attacker who got hold of one reset link must not keep it past the owner's own reset.
async fn a_reset_ends_every_other_reset_link(app: TestApp) {
    let user = app.register("twice").await;
    let stolen = reset_token(&app, &user).await;
    let owners = reset_token(&app, &user).await;
    let reset = |token: String, password: &str| {
        app.post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": password}),
        )
    };
    assert_eq!(reset(owners, "the owner's own passphrase").await.status(), 204);
    assert_eq!(
        reset(stolen, "the attacker's passphrase").await.status(),
        422,
        "the other link died with the reset"
    );
}

async fn creating_an_api_token_mails_the_owner(app: TestApp) {
    let user = app.register("watchful").await;
    create_token(&app, &user, json!(["read", "write"])).await;
    let mail = mail_about(&app, &user.email, "API token").await;
    assert!(mail.body_text().contains("\"script\""), "{}", mail.body_text());
    assert!(mail.body_text().contains("read+write"), "{}", mail.body_text());
}

async fn a_reused_refresh_token_ends_the_sessions_access_tokens_at_once(app: TestApp) {
    let user = app.register("victim").await;
    let refreshed: AuthResponse = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me(&app, &refreshed.access_token).await.status(), 200);
    // The thief replays the stolen, already used token: the whole session ends, now.
    let replay = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(replay.status(), 401);
    assert_eq!(me(&app, &refreshed.access_token).await.status(), 401);
    assert_eq!(me(&app, &user.access_token).await.status(), 401);
}

async fn sessions_and_api_tokens_end_when_their_lifetime_does(app: TestApp) {
    use api::db::entity::{api_tokens, sessions};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let user = app.register("mortal").await;
    let in_the_past = api::db::now() - chrono::Duration::seconds(1);
    let expired = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&user.access_token),
            Some(json!({"name": "old", "scopes": ["read"], "expires_at": in_the_past})),
        )
        .await;
    assert_eq!(expired.status(), 422, "an expiry must be in the future");
    let soon = api::db::now() + chrono::Duration::hours(1);
    let response = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&user.access_token),
            Some(json!({"name": "short-lived", "scopes": ["read"], "expires_at": soon})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let token: CreatedToken = response.json().await.unwrap();
    assert!(token.token.expires_at.is_some());
    assert_eq!(me(&app, &token.secret).await.status(), 200);
    // Time passes (the clock is the database's rows): the token's hour is over.
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::ExpiresAt, Expr::value(in_the_past))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        me(&app, &token.secret).await.status(),
        401,
        "an expired API token is refused"
    );
    // The session reaches its absolute end: refreshing does not extend it.
    sessions::Entity::update_many()
        .col_expr(sessions::Column::ExpiresAt, Expr::value(in_the_past))
        .filter(sessions::Column::UserId.is_not_null())
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(me(&app, &user.access_token).await.status(), 401);
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status(), 401, "an ended session cannot be refreshed");
}

/// A thief holding a refresh token races the owner's password reset. Whichever commits first,
/// the thief ends up with nothing that works: the reset locks the account's row, ends every
/// session, and a refresh checks its session against the reset under the same lock.
async fn a_refresh_racing_a_password_reset_never_survives_it(app: TestApp) {
    for round in 0..6 {
        let name = format!("raced{round}");
        let user = app.register(&name).await;
        let requested = app
            .post("/api/v1/auth/password-reset", json!({"email": user.email}))
            .await;
        assert_eq!(requested.status(), 202);
        let mail = mail_about(&app, &user.email, "Reset").await;
        let link = mail
            .find_link("http://shortscience.test/reset-password?token=")
            .expect("a reset link");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let refresh = app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token}),
        );
        let reset = app.post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": "the owner's new passphrase"}),
        );
        let (refreshed, reset) = tokio::join!(refresh, reset);
        assert_eq!(reset.status(), 204);
        if refreshed.status() == 200 {
            let stolen: AuthResponse = refreshed.json().await.unwrap();
            assert_eq!(
                me(&app, &stolen.access_token).await.status(),
                401,
                "round {round}"
            );
            let again = app
                .post(
                    "/api/v1/auth/refresh",
                    json!({"refresh_token": stolen.refresh_token}),
                )
                .await;
            assert_eq!(again.status(), 401, "round {round}: the stolen session is over");
        } else {
            assert_eq!(refreshed.status(), 401, "round {round}");
        }
    }
}

async fn signing_out_ends_the_sessions_access_tokens_at_once(app: TestApp) {
    let user = app.register("leaver").await;
    let other = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "leaver", "password": PASSWORD}),
        )
        .await
        .json::<AuthResponse>()
        .await
        .unwrap();
    assert_eq!(me(&app, &user.access_token).await.status(), 200);
    let out = app
        .post(
            "/api/v1/auth/logout",
            json!({"refresh_token": user.refresh_token}),
        )
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        me(&app, &user.access_token).await.status(),
        401,
        "a stolen access token of a signed-out session is dead at once, not in 15 minutes"
    );
    assert_eq!(
        me(&app, &other.access_token).await.status(),
        200,
        "other sessions live on"
    );
}

async fn a_password_change_needs_a_session_ends_other_sessions_and_mails_the_owner(app: TestApp) {
    let user = app.register("changer").await;
    let other = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "changer", "password": PASSWORD}),
        )
        .await
        .json::<AuthResponse>()
        .await
        .unwrap();
    let change = json!({"current_password": PASSWORD, "new_password": "another long passphrase"});
    let token = create_token(&app, &user, json!(["read", "write"])).await;
    let by_token = app
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(&token.secret),
            Some(change.clone()),
        )
        .await;
    assert_eq!(
        by_token.status(),
        403,
        "a write-scoped API token cannot change the password"
    );
    let changed = app
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.access_token),
            Some(change),
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        me(&app, &user.access_token).await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        me(&app, &other.access_token).await.status(),
        401,
        "other sessions end"
    );
    mail_about(&app, &user.email, "password was changed").await;
}

async fn status(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// The next mail to `to` whose subject mentions `topic` (others are skipped).
async fn mail_about(app: &TestApp, to: &str, topic: &str) -> tests::smtp_sink::Mail {
    loop {
        let mail = app.mail.wait_for(to, Duration::from_secs(10)).await;
        if mail.subject().contains(topic) {
            return mail;
        }
    }
}

/// A sign-up attempt: its status and body.
async fn sign_up(app: &TestApp, body: Value) -> (u16, Value) {
    status(app.post("/api/v1/auth/register", body).await).await
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.send(Method::GET, "/api/v1/me", Some(token), None).await
}

async fn sign_up_sign_in_refresh_and_sign_out(app: TestApp) {
    let response = app
        .post(
            "/api/v1/auth/register",
            json!({"username": "Ada_L", "email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada Lovelace"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let auth: AuthResponse = response.json().await.unwrap();
    assert_eq!(
        auth.user.username, "ada_l",
        "usernames are case-insensitive and stored lowercase"
    );
    assert_eq!(auth.user.email, "ada@example.org");
    assert_eq!(auth.expires_in, 900);
    let (code, body) = status(me(&app, &auth.access_token).await).await;
    assert_eq!(code, 200);
    assert_eq!(body["display_name"], "Ada Lovelace");
    assert_eq!(body["role"], "user");

    // Sign in by email, in another case.
    let login = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "ADA@example.org", "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status(), 200);
    let session: AuthResponse = login.json().await.unwrap();
    let refresh = session.refresh_token.unwrap();

    let renewed = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": refresh}))
        .await;
    assert_eq!(renewed.status(), 200);
    let renewed: AuthResponse = renewed.json().await.unwrap();
    assert_eq!(me(&app, &renewed.access_token).await.status(), 200);
    let latest = renewed.refresh_token.unwrap();
    assert_ne!(latest, refresh, "refresh tokens rotate");

    let out = app
        .post("/api/v1/auth/logout", json!({"refresh_token": latest}))
        .await;
    assert_eq!(out.status(), 204);
    let after = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": latest}))
        .await;
    assert_eq!(after.status(), 401, "a signed-out session cannot be refreshed");
}

async fn sign_up_reports_bad_and_taken_fields(app: TestApp) {
    let (code, body) = sign_up(
        &app,
        json!({"username": "x", "email": "nope", "password": "short"}),
    )
    .await;
    assert_eq!(code, 422);
    for field in ["username", "email", "password"] {
        assert!(body["errors"][field].is_array(), "{field} is explained: {body}");
    }
    let (code, body) = sign_up(
        &app,
        json!({"username": "grace", "email": "grace@example.org", "password": "grace@example.org"}),
    )
    .await;
    assert_eq!(code, 422, "the email is not a password");
    assert!(body["errors"]["password"].is_array());

    app.register("grace").await;
    let (code, body) = sign_up(
        &app,
        json!({"username": "GRACE", "email": "other@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(code, 409);
    assert!(body["errors"]["username"].is_array(), "{body}");
    let (code, body) = sign_up(
        &app,
        json!({"username": "grace2", "email": "Grace@example.org", "password": PASSWORD}),
    )
    .await;
    assert_eq!(code, 409);
    assert!(body["errors"]["email"].is_array(), "{body}");
    let (code, _) = sign_up(
        &app,
        json!({"username": "u1", "email": "e@example.org", "password": PASSWORD, "admin": true}),
    )
    .await;
    assert_eq!(code, 422, "unknown fields are refused");
}

async fn failed_logins_look_the_same(app: TestApp) {
    app.register("alan").await;
    let unknown = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "nobody", "password": PASSWORD}),
        )
        .await;
    let wrong = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "alan", "password": "wrong password!"}),
        )
        .await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(wrong.status(), 401);
    assert_eq!(
        unknown.headers()["www-authenticate"],
        wrong.headers()["www-authenticate"]
    );
    let unknown: Problem = unknown.json().await.unwrap();
    let wrong: Problem = wrong.json().await.unwrap();
    assert_eq!(unknown, wrong, "no hint whether the account exists");
}

fn forge(header: Value, claims: Value, key: &[u8]) -> String {
    use jsonwebtoken::crypto::sign;
    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let message = format!("{}.{}", encode(&header), encode(&claims));
    let signature = sign(
        message.as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(key).unwrap(),
        jsonwebtoken::Algorithm::HS256,
    )
    .unwrap();
    format!("{message}.{signature}")
}

async fn forged_access_tokens_are_refused(app: TestApp) {
    let user = app.register("mallory").await;
    let me_id = {
        let parts: Vec<&str> = user.access_token.split('.').collect();
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        claims
    };
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, role: &str| json!({"sub": me_id["sub"], "sid": me_id["sid"], "iat": now - 10, "exp": exp, "jti": "x", "role": role});
    let hs256 = json!({"alg": "HS256", "typ": "JWT"});
    // Sanity: a token made this way with the real key works, so the refusals below are real.
    let genuine = forge(
        hs256.clone(),
        claims(now + 600, "user"),
        TEST_JWT_SECRET.as_bytes(),
    );
    assert_eq!(me(&app, &genuine).await.status(), 200);

    let encode = |v: &Value| URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
    let alg_none = format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "typ": "JWT"})),
        encode(&claims(now + 600, "admin"))
    );
    let parts: Vec<&str> = user.access_token.split('.').collect();
    let altered = format!(
        "{}.{}.{}",
        parts[0],
        encode(&claims(now + 600, "admin")),
        parts[2]
    );
    let wrong_key = forge(
        hs256.clone(),
        claims(now + 600, "user"),
        b"not-the-server-key-not-the-server-key",
    );
    let expired = forge(
        hs256.clone(),
        claims(now - 120, "user"),
        TEST_JWT_SECRET.as_bytes(),
    );
    let other_alg = forge(
        json!({"alg": "HS512", "typ": "JWT"}),
        claims(now + 600, "user"),
        TEST_JWT_SECRET.as_bytes(),
    );
    for (what, token) in [
        ("alg none", alg_none),
        ("altered claims", altered),
        ("wrong key", wrong_key),
        ("expired", expired),
        ("unexpected algorithm", other_alg),
        ("garbage", "not.a.jwt".to_owned()),
    ] {
        let response = me(&app, &token).await;
        assert_eq!(response.status(), 401, "{what}");
        let challenge = response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(challenge.starts_with("Bearer"), "{what}: {challenge}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
    let none = app.get("/api/v1/me").await;
    assert_eq!(none.status(), 401);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
}

async fn a_reused_refresh_token_ends_the_whole_session(app: TestApp) {
    let user = app.register("eve").await;
    let first = user.refresh_token;
    let rotated: AuthResponse = app
        .post("/api/v1/auth/refresh", json!({"refresh_token": first}))
        .await
        .json()
        .await
        .unwrap();
    let newer = rotated.refresh_token.unwrap();
    // The old token is replayed (say, stolen): refused, and the newer one dies with it.
    assert_eq!(
        app.post("/api/v1/auth/refresh", json!({"refresh_token": first}))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.post("/api/v1/auth/refresh", json!({"refresh_token": newer}))
            .await
            .status(),
        401
    );
    // Other sessions of the same user are untouched.
    let other: AuthResponse = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "eve", "password": PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let again = app
        .post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": other.refresh_token}),
        )
        .await;
    assert_eq!(again.status(), 200);
}

async fn create_token(app: &TestApp, user: &TestUser, scopes: Value) -> CreatedToken {
    let response = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&user.access_token),
            Some(json!({"name": "script", "scopes": scopes})),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn api_tokens_have_scopes_and_can_be_revoked(app: TestApp) {
    let user = app.register("scripter").await;
    let read = create_token(&app, &user, json!(["read"])).await;
    let write = create_token(&app, &user, json!(["read", "write"])).await;
    assert_eq!(me(&app, &read.secret).await.status(), 200, "read tokens read");
    let bio = || Some(json!({"bio": "Writes scripts."}));
    let by_reader = app
        .send(Method::PATCH, "/api/v1/me", Some(&read.secret), bio())
        .await;
    assert_eq!(by_reader.status(), 403, "read tokens may not write");
    let by_writer = app
        .send(Method::PATCH, "/api/v1/me", Some(&write.secret), bio())
        .await;
    assert_eq!(by_writer.status(), 200, "write tokens may");
    let minted = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&write.secret),
            Some(json!({"name": "x", "scopes": ["read"]})),
        )
        .await;
    assert_eq!(minted.status(), 403, "tokens cannot mint tokens");

    let listed = app
        .send(Method::GET, "/api/v1/me/tokens", Some(&user.access_token), None)
        .await;
    let text = listed.text().await.unwrap();
    assert!(
        !text.contains(&read.secret) && !text.contains(&write.secret),
        "no list shows secrets"
    );
    let listed: Vec<ApiToken> = serde_json::from_str(&text).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|t| t.last_used_at.is_some()), "use is recorded");

    let revoke = app
        .send(
            Method::DELETE,
            &format!("/api/v1/me/tokens/{}", read.token.id),
            Some(&user.access_token),
            None,
        )
        .await;
    assert_eq!(revoke.status(), 204);
    assert_eq!(
        me(&app, &read.secret).await.status(),
        401,
        "a revoked token is dead"
    );
    let bad = app
        .send(
            Method::POST,
            "/api/v1/me/tokens",
            Some(&user.access_token),
            Some(json!({"name": "w", "scopes": ["write"]})),
        )
        .await;
    assert_eq!(bad.status(), 422, "write needs read");
}

async fn a_mailed_link_resets_the_password_and_ends_every_session(app: TestApp) {
    let user = app.register("forgetful").await;
    // What an attacker who had the account would have left behind.
    let planted = create_token(&app, &user, json!(["read", "write"])).await;
    let unknown = app
        .post(
            "/api/v1/auth/password-reset",
            json!({"email": "nobody@example.org"}),
        )
        .await;
    assert_eq!(
        unknown.status(),
        202,
        "no hint whether the address has an account"
    );
    let known = app
        .post("/api/v1/auth/password-reset", json!({"email": user.email}))
        .await;
    assert_eq!(known.status(), 202);
    let mail = mail_about(&app, &user.email, "Reset").await;
    let link = mail
        .find_link("http://shortscience.test/reset-password?token=")
        .expect("a reset link");
    let token = link.split("token=").nth(1).unwrap().to_owned();

    let weak = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": "short"}),
        )
        .await;
    assert_eq!(
        weak.status(),
        422,
        "the rules apply; the link stays usable for a better password"
    );
    let new_password = "a brand new passphrase";
    let done = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": new_password}),
        )
        .await;
    assert_eq!(done.status(), 204);

    assert_eq!(
        app.post(
            "/api/v1/auth/refresh",
            json!({"refresh_token": user.refresh_token})
        )
        .await
        .status(),
        401
    );
    assert_eq!(
        me(&app, &user.access_token).await.status(),
        401,
        "old access tokens die too"
    );
    assert_eq!(
        me(&app, &planted.secret).await.status(),
        401,
        "API tokens issued before the reset die too"
    );
    let old = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "forgetful", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status(), 401);
    let new = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "forgetful", "password": new_password}),
        )
        .await;
    assert_eq!(new.status(), 200);
    let reused = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            json!({"token": token, "new_password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(reused.status(), 422);
}

async fn a_mailed_link_confirms_the_email_address(app: TestApp) {
    let user = app.register("newbie").await;
    let before: Me = me(&app, &user.access_token).await.json().await.unwrap();
    assert!(!before.email_confirmed);
    let mail = mail_about(&app, &user.email, "Confirm").await;
    let link = mail
        .find_link("http://shortscience.test/confirm-email?token=")
        .expect("a confirmation link");
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        app.post("/api/v1/auth/confirm-email", json!({"token": token}))
            .await
            .status(),
        204
    );
    let after: Me = me(&app, &user.access_token).await.json().await.unwrap();
    assert!(after.email_confirmed);
    assert_eq!(
        app.post("/api/v1/auth/confirm-email", json!({"token": token}))
            .await
            .status(),
        422
    );
    let again = app
        .send(
            Method::POST,
            "/api/v1/me/confirmation-mail",
            Some(&user.access_token),
            None,
        )
        .await;
    assert_eq!(again.status(), 409, "nothing to confirm any more");
}

async fn a_lost_confirmation_mail_can_be_sent_again(app: TestApp) {
    let user = app.register("lost").await;
    mail_about(&app, &user.email, "Confirm").await;
    let again = app
        .send(
            Method::POST,
            "/api/v1/me/confirmation-mail",
            Some(&user.access_token),
            None,
        )
        .await;
    assert_eq!(again.status(), 202);
    let mail = mail_about(&app, &user.email, "Confirm").await;
    let link = mail
        .find_link("http://shortscience.test/confirm-email?token=")
        .expect("a new link");
    let token = link.split("token=").nth(1).unwrap();
    assert_eq!(
        app.post("/api/v1/auth/confirm-email", json!({"token": token}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.post("/api/v1/me/confirmation-mail", json!({})).await.status(),
        401
    );
}

async fn profiles_can_be_edited_and_are_public(app: TestApp) {
    let user = app.register("emmy").await;
    let update = json!({
        "display_name": "Emmy Noether",
        "bio": "Symmetries and conservation laws.",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "homepage": "https://emmy.example.org",
        "notify_on_comment": false,
    });
    let (code, body) = status(
        app.send(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.access_token),
            Some(update),
        )
        .await,
    )
    .await;
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["orcid"], "0000-0002-1825-0097");
    assert_eq!(body["notify_on_comment"], false);
    let profile: UserProfile = app.get_json("/api/v1/users/EMMY").await;
    assert_eq!(profile.display_name, "Emmy Noether");
    assert_eq!(profile.homepage.as_deref(), Some("https://emmy.example.org"));
    assert_eq!(profile.summary_count, 0);
    assert_eq!(profile.score, None);
    let public = app.get("/api/v1/users/emmy").await.text().await.unwrap();
    assert!(!public.contains("emmy@example.org"), "emails are private");

    let (code, body) = status(
        app.send(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.access_token),
            Some(json!({"orcid": "0000-0002-1825-0098", "homepage": "javascript:alert(1)"})),
        )
        .await,
    )
    .await;
    assert_eq!(code, 422);
    assert!(body["errors"]["orcid"].is_array() && body["errors"]["homepage"].is_array());
    let (code, body) = status(
        app.send(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.access_token),
            Some(json!({"current_password": "wrong one!!", "new_password": "a fresh passphrase"})),
        )
        .await,
    )
    .await;
    assert_eq!(code, 422);
    assert!(body["errors"]["current_password"].is_array());
    let changed = app
        .send(
            Method::PATCH,
            "/api/v1/me",
            Some(&user.access_token),
            Some(json!({"current_password": PASSWORD, "new_password": "a fresh passphrase"})),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let login = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "emmy", "password": "a fresh passphrase"}),
        )
        .await;
    assert_eq!(login.status(), 200);
    assert_eq!(app.get("/api/v1/users/nobody-here").await.status(), 404);
}

async fn the_directory_and_a_profile_count_public_summaries(app: TestApp) {
    assert!(api::demo::load(&app.db).await.unwrap());
    let mira: UserProfile = app.get_json("/api/v1/users/mira").await;
    // Mira wrote three demo summaries; the anonymous one does not count.
    assert_eq!(mira.summary_count, 2);
    assert_eq!(mira.score, Some(1.5), "mean of her summaries' scores, 2 and 1");
    let by_count: Page<UserProfile> = app.get_json("/api/v1/users?sort=summaries").await;
    let counts: Vec<i64> = by_count.items.iter().map(|u| u.summary_count).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let by_score: Page<UserProfile> = app.get_json("/api/v1/users?sort=score&limit=1").await;
    assert_eq!(by_score.items.len(), 1);
    let second: Page<UserProfile> = app
        .get_json(&format!(
            "/api/v1/users?sort=score&limit=1&cursor={}",
            by_score.next_cursor.unwrap()
        ))
        .await;
    assert!(by_score.items[0].score >= second.items[0].score);
    assert_ne!(by_score.items[0].username, second.items[0].username);

    let listed: Page<shared::api::Summary> = app.get_json("/api/v1/users/mira/summaries").await;
    assert_eq!(
        listed.items.len(),
        2,
        "anonymous summaries are not listed under the name"
    );
    assert!(listed.items.iter().all(|s| !s.anonymous));
}

async fn the_export_holds_what_the_user_wrote(app: TestApp) {
    // Mira wrote three demo summaries, one of them anonymous; give her a password to sign in.
    assert!(api::demo::load(&app.db).await.unwrap());
    let mira = api::db::accounts::find_by_username(&app.db, "mira")
        .await
        .unwrap()
        .unwrap();
    let hash = api::auth::password::hash(PASSWORD.to_owned()).await.unwrap();
    api::db::accounts::set_password(&app.db, mira.id, hash, None, api::db::now())
        .await
        .unwrap();
    let session: AuthResponse = app
        .post(
            "/api/v1/auth/login",
            json!({"login": "mira", "password": PASSWORD}),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = session.access_token;

    let export: AccountExport = app
        .send(Method::GET, "/api/v1/me/export", Some(&token), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export.user.username, "mira");
    assert_eq!(
        export.summaries.len(),
        3,
        "everything she wrote, the anonymous summary too"
    );
    assert!(
        export
            .summaries
            .iter()
            .all(|s| s.author.as_ref().is_some_and(|a| a.username == "mira"))
    );
    assert!(export.summaries.iter().any(|s| s.anonymous));

    let csv = app
        .send(Method::GET, "/api/v1/me/export?format=csv", Some(&token), None)
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("kind,id,paper_key"), "{text}");
    for summary in &export.summaries {
        assert!(
            text.contains(&summary.paper.key),
            "a row for {}",
            summary.paper.key
        );
    }
    assert!(
        text.contains("$$"),
        "the Markdown source with its math survives CSV quoting"
    );
    assert_eq!(app.get("/api/v1/me/export").await.status(), 401);
}

/// Every write endpoint that exists, tried by everyone who might try it.
async fn authorization_matrix_of_every_write(app: TestApp) {
    let owner = app.register("owner").await;
    let other = app.register("other").await;
    let moderator = app.register("moderator").await;
    let banned = app.register("banned").await;
    api::db::accounts::set_role(&app.db, "moderator", shared::accounts::Role::Moderator)
        .await
        .unwrap();
    api::db::accounts::set_banned(&app.db, "banned", true)
        .await
        .unwrap();
    let owned_token = create_token(&app, &owner, json!(["read"])).await.token.id;
    let read_only = TestUser {
        access_token: create_token(&app, &owner, json!(["read"])).await.secret,
        ..owner.clone()
    };

    struct Write {
        method: Method,
        path: String,
        body: Value,
    }
    let writes = [
        Write {
            method: Method::PATCH,
            path: "/api/v1/me".to_owned(),
            body: json!({"bio": "hello"}),
        },
        Write {
            method: Method::POST,
            path: "/api/v1/me/tokens".to_owned(),
            body: json!({"name": "t", "scopes": ["read"]}),
        },
        Write {
            method: Method::POST,
            path: "/api/v1/me/confirmation-mail".to_owned(),
            body: Value::Null,
        },
        Write {
            method: Method::DELETE,
            path: format!("/api/v1/me/tokens/{owned_token}"),
            body: Value::Null,
        },
    ];
    // (actor, expected status per write); the owner goes last because revoking is final.
    let actors: [(&str, Option<&TestUser>, [u16; 4]); 6] = [
        ("anonymous", None, [401, 401, 401, 401]),
        // Banned users change nothing and send no mail, whatever the credential.
        ("banned", Some(&banned), [403, 403, 403, 403]),
        // A read-scoped API token reads only: no writes, no mail.
        ("read-only token", Some(&read_only), [403, 403, 403, 403]),
        // Others act on their own account; someone else's token is not found for them.
        ("other user", Some(&other), [200, 201, 202, 404]),
        ("moderator", Some(&moderator), [200, 201, 202, 404]),
        ("owner", Some(&owner), [200, 201, 202, 204]),
    ];
    for (who, user, expected) in actors {
        for (write, want) in writes.iter().zip(expected) {
            let body = (!write.body.is_null()).then(|| write.body.clone());
            let response = app
                .send(
                    write.method.clone(),
                    &write.path,
                    user.map(|u| u.access_token.as_str()),
                    body,
                )
                .await;
            assert_eq!(
                response.status().as_u16(),
                want,
                "{who}: {} {}",
                write.method,
                write.path
            );
            if want >= 400 {
                assert_eq!(
                    response.headers()["content-type"],
                    "application/problem+json",
                    "{who}"
                );
            }
        }
    }
    // Banned users can still read their own account.
    assert_eq!(me(&app, &banned.access_token).await.status(), 200);
}

/// Many sessions refreshing at once (each a read-then-write transaction) must all succeed:
/// writers wait for each other instead of failing with "database is locked".
async fn concurrent_refreshes_all_succeed(app: TestApp) {
    app.register("busy").await;
    let mut sessions = Vec::new();
    for _ in 0..8 {
        let auth: AuthResponse = app
            .post(
                "/api/v1/auth/login",
                json!({"login": "busy", "password": PASSWORD}),
            )
            .await
            .json()
            .await
            .unwrap();
        sessions.push(auth.refresh_token.unwrap());
    }
    let refreshes = sessions
        .iter()
        .map(|token| app.post("/api/v1/auth/refresh", json!({"refresh_token": token})));
    let statuses: Vec<u16> = futures_util::future::join_all(refreshes)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses, vec![200; 8]);
}

/// The `Set-Cookie` headers of a response, by cookie name.
fn set_cookies(response: &reqwest::Response) -> Vec<(String, String)> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| {
            c.split_once('=')
                .map(|(name, rest)| (name.to_owned(), rest.to_owned()))
        })
        .collect()
}

/// A browser session comes with the readable `ss_session` marker (the app asks for a refresh
/// only when it is there), which holds no secret; sign-out and a refused cookie refresh remove
/// it, while a refused token sent in the body leaves the browser's own session alone.
async fn a_browser_session_is_marked_for_the_app_and_unmarked_when_it_ends(app: TestApp) {
    let body =
        json!({"username": "marked", "email": "marked@example.org", "password": PASSWORD, "cookie": true});
    let response = app.post("/api/v1/auth/register", body).await;
    assert_eq!(response.status(), 201);
    let cookies = set_cookies(&response);
    let marker = cookies
        .iter()
        .find(|(name, _)| name == "ss_session")
        .map(|(_, rest)| rest.clone())
        .expect("the session marker");
    assert!(
        marker.starts_with("1;") && !marker.contains("HttpOnly"),
        "{marker}"
    );
    let refresh = cookies
        .iter()
        .find(|(name, _)| name == "ss_refresh")
        .map(|(_, rest)| rest.split(';').next().unwrap().to_owned())
        .expect("the refresh cookie");
    assert!(!marker.contains(&refresh), "the marker holds no secret");
    let removed = |response: &reqwest::Response| {
        set_cookies(response)
            .iter()
            .any(|(name, rest)| name == "ss_session" && rest.starts_with(';') && rest.contains("Max-Age=0"))
    };
    let refresh_with = |cookie: String, body: Value| {
        app.client
            .post(app.url("/api/v1/auth/refresh"))
            .header("Cookie", cookie)
            .json(&body)
            .send()
    };
    // A wrong token in the body: refused, and the browser's cookie session stays marked.
    let response = refresh_with(
        format!("ss_refresh={refresh}; ss_session=1"),
        json!({"refresh_token": "wrong"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        !removed(&response),
        "a refused body token left the cookie session marked"
    );
    // A cookie the server refuses: the marker goes with it.
    let response = refresh_with("ss_refresh=spent; ss_session=1".to_owned(), json!({}))
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(removed(&response), "a refused cookie leaves its marker");
    // Signing out removes it too.
    let response = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .header("Cookie", format!("ss_refresh={refresh}; ss_session=1"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(removed(&response), "sign-out leaves the marker");
}
