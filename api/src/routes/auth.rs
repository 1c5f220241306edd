//! `/api/v1/auth`: signing up, in and out, refreshing sessions, and mailed links (password
//! reset, email confirmation). Browser sessions keep the refresh token in an HttpOnly cookie.

use actix_web::ResponseError;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use sea_orm::EntityTrait;
use shared::accounts::{
    AuthResponse, ConfirmEmailRequest, LoginRequest, PasswordResetConfirm, PasswordResetRequest,
    RefreshRequest, RegisterRequest, Role, check_password,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::password;
use crate::db::credentials::{self, LinkPurpose, REFRESH_TOKEN_TTL};
use crate::db::{self, entity::users};
use crate::error::ApiError;
use crate::rate_limit::{Allowed, Limiter, ip_key};
use crate::startup::AppState;

/// The refresh-token cookie of browser sessions; sent only to these routes.
const REFRESH_COOKIE: &str = "ss_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

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
) -> Result<HttpResponse, ApiError> {
    let allowed = limit(&state.limits.register_ip, &client_ip(&state, &req))?;
    Ok(with_limits(create_account(&state, &body).await, &[allowed]))
}

async fn create_account(
    state: &web::Data<AppState>,
    body: &RegisterRequest,
) -> Result<HttpResponse, ApiError> {
    let account = body.validate().map_err(ApiError::Validation)?;
    let hash = password::hash(body.password.clone()).await?;
    let user = db::accounts::create(&state.db, &account, hash).await?;
    mail_confirmation_link(state, &user).await?;
    tracing::info!(user_id = user.id, "account created");
    signed_in(state, StatusCode::CREATED, &user, body.cookie).await
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
async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let by_ip = limit(&state.limits.login_ip, &client_ip(&state, &req))?;
    let user = db::accounts::find_by_login(&state.db, &body.login).await?;
    // Keyed by the account, so guessing through its username and its email shares one quota.
    let account_key = match &user {
        Some(user) => format!("user:{}", user.id),
        None => format!("login:{}", body.login.trim().to_lowercase()),
    };
    let by_account = limit(&state.limits.login_account, &account_key)?;
    Ok(with_limits(
        sign_in(&state, &body, user).await,
        &[by_ip, by_account],
    ))
}

async fn sign_in(
    state: &AppState,
    body: &LoginRequest,
    user: Option<users::Model>,
) -> Result<HttpResponse, ApiError> {
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // Unknown accounts are checked against a decoy hash: same answer, same time.
    let valid = password::verify(body.password.clone(), stored, &state.decoy_hash).await;
    match user {
        Some(user) if valid => signed_in(state, StatusCode::OK, &user, body.cookie).await,
        _ => Err(ApiError::InvalidCredentials),
    }
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
    let (secret, from_cookie) = refresh_secret(&req, &body)?;
    let (user, next) = credentials::rotate(&state.db, &secret).await?;
    session_response(&state, StatusCode::OK, &user, next, from_cookie)
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
        credentials::end_session(&state.db, &secret).await?;
    }
    let mut removal = Cookie::build(REFRESH_COOKIE, "")
        .path(COOKIE_PATH)
        .http_only(true)
        .finish();
    removal.make_removal();
    Ok(HttpResponse::NoContent().cookie(removal).finish())
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
) -> Result<HttpResponse, ApiError> {
    let allowed = limit(&state.limits.password_reset_ip, &client_ip(&state, &req))?;
    // The lookup and the mail happen after the answer, so timing says nothing about the address.
    let state_for_task = state.clone();
    let email = body.email.clone();
    tokio::spawn(async move {
        if let Err(err) = mail_reset_link(&state_for_task, &email).await {
            tracing::error!(error = %format!("{err:#}"), "password reset mail failed");
        }
    });
    Ok(with_limits(Ok(HttpResponse::Accepted().finish()), &[allowed]))
}

async fn mail_reset_link(state: &AppState, email: &str) -> anyhow::Result<()> {
    // Also limited per address, so nobody can flood someone's inbox from many clients.
    if state
        .limits
        .password_reset_email
        .check(&email.trim().to_lowercase())
        .is_err()
    {
        tracing::warn!("password reset mails to one address rate limited");
        return Ok(());
    }
    let Some(user) = db::accounts::find_by_email(&state.db, email).await? else {
        return Ok(());
    };
    let link = credentials::create_link(&state.db, user.id, LinkPurpose::PasswordReset).await?;
    let text = format!(
        "Someone asked to reset the password of your ShortScience account {}.\n\nSet a new password within an hour:\n{}/reset-password?token={link}\n\nIf it was not you, ignore this mail; your password stays as it is.\n",
        user.username, state.config.public_url
    );
    state
        .mailer
        .send(&user.email, "Reset your ShortScience password", &text)
        .await
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
    let txn = db::begin_write(&state.db).await?;
    let user_id = credentials::consume_link(&txn, &body.token, LinkPurpose::PasswordReset)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "token",
                "This link is invalid, used or expired; ask for a new one.",
            )
        })?;
    let user = users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    check_password(&body.new_password, &user.username, &user.email)
        .map_err(|message| ApiError::invalid("new_password", message))?;
    let hash = password::hash(body.new_password.clone()).await?;
    db::accounts::set_password(&txn, user.id, hash, true).await?;
    txn.commit().await?;
    tracing::info!(user_id = user.id, "password reset; all sessions ended");
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
    let txn = db::begin_write(&state.db).await?;
    let user_id = credentials::consume_link(&txn, &body.token, LinkPurpose::EmailConfirm)
        .await?
        .ok_or_else(|| ApiError::invalid("token", "This link is invalid, used or expired."))?;
    db::accounts::confirm_email(&txn, user_id).await?;
    txn.commit().await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mails a link that confirms the account's email address (in the background).
pub async fn mail_confirmation_link(
    state: &web::Data<AppState>,
    user: &users::Model,
) -> Result<(), ApiError> {
    let link = credentials::create_link(&state.db, user.id, LinkPurpose::EmailConfirm).await?;
    send_mail(
        state,
        user.email.clone(),
        "Confirm your ShortScience email address",
        format!(
            "Welcome to ShortScience, {}!\n\nConfirm your email address by opening this link:\n{}/confirm-email?token={link}\n\nIf you did not sign up, ignore this mail.\n",
            user.display_name, state.config.public_url
        ),
    );
    Ok(())
}

/// Starts a session and answers with its tokens.
async fn signed_in(
    state: &AppState,
    status: StatusCode,
    user: &users::Model,
    cookie: bool,
) -> Result<HttpResponse, ApiError> {
    let refresh_token = credentials::start_session(&state.db, user.id).await?;
    session_response(state, status, user, refresh_token, cookie)
}

fn session_response(
    state: &AppState,
    status: StatusCode,
    user: &users::Model,
    refresh_token: String,
    cookie: bool,
) -> Result<HttpResponse, ApiError> {
    let role = Role::parse(&user.role).unwrap_or_default();
    let (access_token, expires_in) = state.jwt.issue(user.id, role)?;
    let mut response = HttpResponse::build(status);
    response.insert_header(("Cache-Control", "no-store"));
    let body_token = if cookie {
        let secure = state.config.public_url.starts_with("https://");
        response.cookie(
            Cookie::build(REFRESH_COOKIE, refresh_token)
                .path(COOKIE_PATH)
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Strict)
                .max_age(CookieDuration::seconds(REFRESH_TOKEN_TTL.num_seconds()))
                .finish(),
        );
        None
    } else {
        Some(refresh_token)
    };
    Ok(response.json(AuthResponse {
        user: db::accounts::to_me(user),
        access_token,
        refresh_token: body_token,
        expires_in,
    }))
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

/// The rate-limit key of the client's address.
fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    state
        .config
        .trusted_proxies
        .client_address(req)
        .map(ip_key)
        .unwrap_or_default()
}

fn limit(limiter: &Limiter, key: &str) -> Result<Allowed, ApiError> {
    limiter.check(key).map_err(ApiError::RateLimited)
}

/// The response (or error response) with the rate-limit headers of every policy of the route
/// (both headers are lists, so each policy adds a line).
fn with_limits(result: Result<HttpResponse, ApiError>, policies: &[Allowed]) -> HttpResponse {
    let mut response = result.unwrap_or_else(|err| err.error_response());
    for allowed in policies {
        for (name, value) in allowed.headers() {
            response.headers_mut().append(name, value);
        }
    }
    response
}

/// Sends a mail in the background: the request does not wait for the mail server, and a mail
/// failure is logged rather than failing the sign-up.
fn send_mail(state: &web::Data<AppState>, to: String, subject: &'static str, text: String) {
    let state = state.clone();
    tokio::spawn(async move {
        if let Err(err) = state.mailer.send(&to, subject, &text).await {
            tracing::error!(error = %format!("{err:#}"), subject, "sending mail failed");
        }
    });
}
