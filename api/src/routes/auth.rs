//! `/api/v1/auth`: signing up, in and out, refreshing sessions, and mailed links (password
//! reset, email confirmation). Browser sessions keep the refresh token in an HttpOnly cookie.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use shared::accounts::{
    AuthResponse, ConfirmEmailRequest, LoginRequest, PasswordResetConfirm, PasswordResetRequest,
    RefreshRequest, RegisterRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::domain::accounts::{self, Limited, SignedIn};
use crate::error::ApiError;
use crate::startup::AppState;

use super::{client_ip, with_limits};

/// The refresh-token cookie of browser sessions; sent only to these routes.
const REFRESH_COOKIE: &str = "ss_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";
/// Beside it, readable by the SPA and holding no secret: "this browser has a session", so that
/// the app asks `/auth/refresh` only then, and an anonymous visit sends no request that fails.
const SESSION_MARKER: &str = "ss_session";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(register)
        .service(login)
        .service(refresh)
        .service(logout)
        .service(request_password_reset)
        .service(confirm_password_reset)
        .service(confirm_email);
}

/// Create an account and sign in. A confirmation link is mailed to the address.
#[utoipa::path(
    tag = "auth",
    operation_id = "register_account",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Signed up and signed in", body = AuthResponse),
        (status = 400, response = super::BadRequest),
        (status = 409, response = super::Conflict),
        (status = 422, response = super::Unprocessable),
        (status = 429, response = super::TooManyRequests),
    )
)]
#[post("/auth/register")]
async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RegisterRequest>,
) -> HttpResponse {
    let signed_up = accounts::register(&state, &client_ip(&state, &req), &body).await;
    session_answer(&state, StatusCode::CREATED, signed_up, body.cookie)
}

/// Sign in with a username or email and a password.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_session",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 422, response = super::Unprocessable),
        (status = 429, response = super::TooManyRequests),
    )
)]
#[post("/auth/login")]
async fn login(state: web::Data<AppState>, req: HttpRequest, body: web::Json<LoginRequest>) -> HttpResponse {
    let signed_in = accounts::login(&state, &client_ip(&state, &req), &body).await;
    session_answer(&state, StatusCode::OK, signed_in, body.cookie)
}

/// Exchange a refresh token (body, or the session cookie) for new tokens. Each refresh token
/// works once; presenting a used one ends the whole session.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_session",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = AuthResponse),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    // Whether a refusal ends this browser's cookie session: it sent no token, or the cookie's.
    let mut browser_session = true;
    let refreshed = async {
        let (secret, from_cookie) = refresh_secret(&req, &body)?;
        browser_session = from_cookie;
        Ok((accounts::refresh(&state, &secret).await?, from_cookie))
    };
    let outcome = refreshed.await;
    match outcome {
        Ok((signed_in, from_cookie)) => Ok(session_response(&state, StatusCode::OK, signed_in, from_cookie)),
        // A browser whose session is over (ended by a reset, expired, or its cookie gone) loses
        // its marker too, so that its next visit does not ask again only to be refused.
        Err(error @ ApiError::Unauthorized { .. })
            if browser_session && req.cookie(SESSION_MARKER).is_some() =>
        {
            let mut response = actix_web::ResponseError::error_response(&error);
            for cookie in removals() {
                response
                    .add_cookie(&cookie)
                    .map_err(|e| ApiError::Internal(e.into()))?;
            }
            Ok(response)
        }
        Err(error) => Err(error),
    }
}

/// Cookies that remove the refresh cookie and the session marker.
fn removals() -> [Cookie<'static>; 2] {
    let mut token = Cookie::build(REFRESH_COOKIE, "")
        .path(COOKIE_PATH)
        .http_only(true)
        .finish();
    token.make_removal();
    let mut marker = Cookie::build(SESSION_MARKER, "").path("/").finish();
    marker.make_removal();
    [token, marker]
}

/// End the session a refresh token belongs to.
#[utoipa::path(
    tag = "auth",
    operation_id = "end_session",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 400, response = super::BadRequest),
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    if let Ok((secret, _)) = refresh_secret(&req, &body) {
        accounts::logout(&state, &secret).await?;
    }
    let mut response = HttpResponse::NoContent();
    for cookie in removals() {
        response.cookie(cookie);
    }
    Ok(response.finish())
}

/// Mail a password-reset link. Always 202, whether or not the address has an account.
#[utoipa::path(
    tag = "auth",
    operation_id = "request_password_reset",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 400, response = super::BadRequest),
        (status = 429, response = super::TooManyRequests),
    )
)]
#[post("/auth/password-reset")]
async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<PasswordResetRequest>,
) -> HttpResponse {
    let queued = accounts::request_password_reset(&state, &client_ip(&state, &req), &body.email).await;
    with_limits(
        queued.outcome.map(|()| HttpResponse::Accepted().finish()),
        &queued.quota,
    )
}

/// Set a new password with a mailed link. Every session of the account ends.
#[utoipa::path(
    tag = "auth",
    operation_id = "confirm_password_reset",
    request_body = PasswordResetConfirm,
    responses(
        (status = 204, description = "Password changed; all sessions ended"),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
    )
)]
#[post("/auth/password-reset/confirm")]
async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: web::Json<PasswordResetConfirm>,
) -> Result<HttpResponse, ApiError> {
    accounts::confirm_password_reset(&state, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Confirm the email address with the mailed link.
#[utoipa::path(
    tag = "auth",
    operation_id = "confirm_email",
    request_body = ConfirmEmailRequest,
    responses(
        (status = 204, description = "Email address confirmed"),
        (status = 400, response = super::BadRequest),
        (status = 422, response = super::Unprocessable),
    )
)]
#[post("/auth/confirm-email")]
async fn confirm_email(
    state: web::Data<AppState>,
    body: web::Json<ConfirmEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    accounts::confirm_email(&state, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Answers a sign-up or sign-in with its session, or its error, and the rate-limit quotas.
fn session_answer(
    state: &AppState,
    status: StatusCode,
    outcome: Limited<SignedIn>,
    cookie: bool,
) -> HttpResponse {
    let response = outcome
        .outcome
        .map(|signed_in| session_response(state, status, signed_in, cookie));
    with_limits(response, &outcome.quota)
}

/// The tokens of a session: the refresh token in the body, or for browsers in an HttpOnly
/// cookie that lives as long as the session.
fn session_response(state: &AppState, status: StatusCode, signed_in: SignedIn, cookie: bool) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header(("Cache-Control", "no-store"));
    let body_token = if cookie {
        let remaining = (signed_in.session_expires_at - crate::db::now())
            .num_seconds()
            .max(0);
        response.cookie(
            Cookie::build(REFRESH_COOKIE, signed_in.refresh_token)
                .path(COOKIE_PATH)
                .http_only(true)
                .secure(state.config.is_https())
                .same_site(SameSite::Strict)
                .max_age(CookieDuration::seconds(remaining))
                .finish(),
        );
        response.cookie(
            Cookie::build(SESSION_MARKER, "1")
                .path("/")
                .secure(state.config.is_https())
                .same_site(SameSite::Strict)
                .max_age(CookieDuration::seconds(remaining))
                .finish(),
        );
        None
    } else {
        Some(signed_in.refresh_token)
    };
    response.json(AuthResponse {
        user: signed_in.user,
        access_token: signed_in.access_token,
        refresh_token: body_token,
        expires_in: signed_in.expires_in,
    })
}

/// The refresh token of a request (body first, else the cookie) and whether it came as a cookie.
fn refresh_secret(req: &HttpRequest, body: &RefreshRequest) -> Result<(String, bool), ApiError> {
    if let Some(token) = body.refresh_token.as_deref().filter(|t| !t.is_empty()) {
        return Ok((token.to_owned(), false));
    }
    req.cookie(REFRESH_COOKIE)
        .map(|c| (c.value().to_owned(), true))
        .filter(|(value, _)| !value.is_empty())
        .ok_or(ApiError::Unauthorized {
            token_presented: false,
        })
}
