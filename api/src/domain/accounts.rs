//! Accounts: signing up, in and out, sessions and their refresh tokens, mailed links, profile and
//! password changes, personal API tokens and the export. Every credential rule lives here.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use shared::accounts::{
    AccountExport, ApiToken, CreateTokenRequest, CreatedToken, ExportFormat, ExportedComment, LoginRequest,
    Me, PasswordResetConfirm, RegisterRequest, TokenScope, UpdateMeRequest, check_password,
};
use shared::problem::FieldErrors;

use super::mail::{self, Mail};
use super::scope::Scope;
use super::summaries;
use crate::auth::{AuthUser, Credential, password};
use crate::db::credentials::Sessions;
use crate::db::entity::user_tokens::Purpose;
use crate::db::entity::{api_tokens, users};
use crate::db::{self, backend};
use crate::error::ApiError;
use crate::rate_limit::{Allowed, Limited as Over, Limiter};
use crate::startup::AppState;

/// An outcome together with the rate-limit quotas to report beside it.
pub struct Limited<T> {
    pub outcome: Result<T, ApiError>,
    pub quota: Vec<Allowed>,
}

impl<T> Limited<T> {
    fn new(outcome: Result<T, ApiError>, quota: Vec<Allowed>) -> Limited<T> {
        Limited { outcome, quota }
    }

    fn over(over: Over) -> Limited<T> {
        Limited::new(Err(ApiError::RateLimited(over)), Vec::new())
    }
}

/// A started session: the caller's account and its tokens.
pub struct SignedIn {
    pub user: Me,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    /// When the session ends, however often it is refreshed.
    pub session_expires_at: DateTime<Utc>,
}

/// Creates an account, signs it in and mails the confirmation link.
pub async fn register(state: &AppState, client: &str, body: &RegisterRequest) -> Limited<SignedIn> {
    let allowed = match state.limits.register_ip.check(client).await {
        Ok(allowed) => allowed,
        Err(over) => return Limited::over(over),
    };
    Limited::new(create_account(state, body).await, vec![allowed])
}

async fn create_account(state: &AppState, body: &RegisterRequest) -> Result<SignedIn, ApiError> {
    let account = body.validate().map_err(ApiError::Validation)?;
    let hash = password::hash(body.password.clone()).await?;
    let txn = db::begin_write(&state.db).await?;
    let taken = |field: &str| ApiError::Conflict {
        detail: format!("That {field} is already taken."),
        errors: Some(FieldErrors::from([(
            field.to_owned(),
            vec!["is already taken".to_owned()],
        )])),
        location: None,
    };
    if db::accounts::find_by_username(&txn, account.username.as_str())
        .await?
        .is_some()
    {
        return Err(taken("username"));
    }
    if db::accounts::find_by_email(&txn, account.email.as_str())
        .await?
        .is_some()
    {
        return Err(taken("email"));
    }
    let now = db::now();
    let user = match db::accounts::insert(&txn, &account, hash, now).await {
        Ok(user) => user,
        // Two sign-ups raced for the same name between the check and the insert.
        Err(err) if db::is_unique_violation(&err) => return Err(taken("username or email")),
        Err(err) => return Err(err.into()),
    };
    mail::queue_confirmation(&txn, user.id, now).await?;
    let signed_in = start_session(state, &txn, &user, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    tracing::info!(user_id = user.id, "account created");
    Ok(signed_in)
}

/// Signs in with a username or email and a password. Failures count against the client's
/// address and the account; successes do not. Every attempt is counted before the password is
/// checked, so a burst of parallel guesses cannot all slip through, and a success gives its
/// attempt back. The account's quota is reported only when it is used up.
pub async fn login(state: &AppState, client: &str, body: &LoginRequest) -> Limited<SignedIn> {
    let limits = &state.limits;
    let by_ip = match limits.login_ip.check(client).await {
        Ok(allowed) => allowed,
        Err(over) => return Limited::over(over),
    };
    let user = match db::accounts::find_by_login(&state.db, &body.login).await {
        Ok(user) => user,
        Err(err) => {
            limits.login_ip.refund(client).await;
            return Limited::new(Err(err.into()), vec![by_ip.refunded()]);
        }
    };
    // Keyed by the account, so guessing through its username and its email shares one quota.
    let account_key = match &user {
        Some(user) => format!("user:{}", user.id),
        None => format!("login:{}", body.login.trim().to_lowercase()),
    };
    if let Err(over) = limits.login_account.check(&account_key).await {
        // No guess was made: the address keeps its attempt.
        limits.login_ip.refund(client).await;
        return Limited::new(Err(ApiError::RateLimited(over)), vec![by_ip.refunded()]);
    }
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    // Unknown accounts are checked against a decoy hash: same answer, same time.
    let valid = password::verify(body.password.clone(), stored, &state.decoy_hash).await;
    match user {
        Some(user) if valid => {
            limits.login_ip.refund(client).await;
            limits.login_account.refund(&account_key).await;
            Limited::new(sign_in(state, &user).await, vec![by_ip.refunded()])
        }
        _ => Limited::new(Err(ApiError::InvalidCredentials), vec![by_ip]),
    }
}

/// Starts the session of a login whose password was checked against `user`'s hash. The row is
/// locked and read again first: if a reset or a change replaced the password meanwhile, the
/// login was checked against a password that no longer exists and gets no session.
async fn sign_in(state: &AppState, user: &users::Model) -> Result<SignedIn, ApiError> {
    let txn = db::begin_write(&state.db).await?;
    backend::lock_user(&txn, user.id).await?;
    let current = db::accounts::find_by_id(&txn, user.id)
        .await?
        .filter(|current| current.password_hash == user.password_hash)
        .ok_or(ApiError::InvalidCredentials)?;
    let signed_in = start_session(state, &txn, &current, db::now()).await?;
    txn.commit().await?;
    Ok(signed_in)
}

/// Starts a session for the user inside `txn` and issues its tokens.
async fn start_session(
    state: &AppState,
    txn: &impl ConnectionTrait,
    user: &users::Model,
    now: DateTime<Utc>,
) -> Result<SignedIn, ApiError> {
    let expires_at = now + state.config.session_lifetime;
    let session_id = db::credentials::insert_session(txn, user.id, now, expires_at).await?;
    let refresh_token =
        db::credentials::insert_refresh_token(txn, user.id, &session_id, now, expires_at).await?;
    signed_in(state, user, session_id, refresh_token, expires_at)
}

fn signed_in(
    state: &AppState,
    user: &users::Model,
    session_id: String,
    refresh_token: String,
    session_expires_at: DateTime<Utc>,
) -> Result<SignedIn, ApiError> {
    let (access_token, expires_in) = state.jwt.issue(user.id, user.role, &session_id)?;
    Ok(SignedIn {
        user: to_me(user),
        access_token,
        refresh_token,
        expires_in,
        session_expires_at,
    })
}

/// Exchanges a refresh token for new tokens of the same session. A token that was already used
/// or revoked is proof of theft: the whole session ends. The account's row is locked first, so
/// a refresh and a password reset of one account happen one after the other, and a session
/// started before the last reset never refreshes again.
pub async fn refresh(state: &AppState, secret: &str) -> Result<SignedIn, ApiError> {
    let unauthorized = || ApiError::Unauthorized {
        token_presented: true,
    };
    let txn = db::begin_write(&state.db).await?;
    let token = db::credentials::find_refresh_token(&txn, secret)
        .await?
        .ok_or_else(unauthorized)?;
    backend::lock_user(&txn, token.user_id).await?;
    let now = db::now();
    let session = db::credentials::find_session(&txn, &token.family_id).await?;
    let user = db::accounts::find_by_id(&txn, token.user_id)
        .await?
        .ok_or_else(unauthorized)?;
    let session_live = session.as_ref().is_some_and(|s| {
        s.revoked_at.is_none()
            && s.expires_at > now
            && user
                .tokens_valid_after
                .is_none_or(|cutoff| s.created_at >= cutoff)
    });
    if !session_live || token.expires_at <= now {
        return Err(unauthorized());
    }
    if !db::credentials::claim_refresh_token(&txn, token.id, now).await? {
        db::credentials::revoke_sessions(&txn, Sessions::One(&token.family_id), now).await?;
        txn.commit().await?;
        tracing::warn!(user_id = token.user_id, "refresh token reused: session ended");
        return Err(unauthorized());
    }
    let expires_at = session.map_or(now, |s| s.expires_at);
    let next =
        db::credentials::insert_refresh_token(&txn, user.id, &token.family_id, now, expires_at).await?;
    let signed_in = signed_in(state, &user, token.family_id, next, expires_at)?;
    txn.commit().await?;
    Ok(signed_in)
}

/// Ends the session a refresh token belongs to, its access tokens included. Unknown tokens are
/// ignored: signing out is idempotent.
pub async fn logout(state: &AppState, secret: &str) -> Result<(), ApiError> {
    let txn = db::begin_write(&state.db).await?;
    if let Some(token) = db::credentials::find_refresh_token(&txn, secret).await? {
        db::credentials::revoke_sessions(&txn, Sessions::One(&token.family_id), db::now()).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Queues a password-reset link for an address. The worker looks the address up, so the
/// answer and its timing are the same whether or not it has an account.
pub async fn request_password_reset(state: &AppState, client: &str, email: &str) -> Limited<()> {
    let allowed = match state.limits.password_reset_ip.check(client).await {
        Ok(allowed) => allowed,
        Err(over) => return Limited::over(over),
    };
    // Also limited per address, so nobody can flood someone's inbox from many clients; the
    // answer stays 202 so it says nothing about the address.
    if state
        .limits
        .password_reset_email
        .check(&email.trim().to_lowercase())
        .await
        .is_err()
    {
        tracing::warn!("password reset mails to one address rate limited");
        return Limited::new(Ok(()), vec![allowed]);
    }
    let queued = async {
        let txn = db::begin_write(&state.db).await?;
        mail::queue_reset_request(&txn, email, db::now()).await?;
        txn.commit().await?;
        state.outbox.wake();
        Ok(())
    }
    .await;
    Limited::new(queued, vec![allowed])
}

/// The reset mail for an address, if it has an account (run by the outbox worker, which sends
/// it): the link is made here, so no secret waits in the outbox.
pub async fn reset_mail(
    db: &DatabaseConnection,
    public_url: &str,
    email: &str,
) -> Result<Option<Mail>, ApiError> {
    let txn = db::begin_write(db).await?;
    let Some(user) = db::accounts::find_by_email(&txn, email).await? else {
        return Ok(None);
    };
    let link = db::credentials::insert_link(&txn, user.id, Purpose::PasswordReset, db::now()).await?;
    txn.commit().await?;
    Ok(Some(mail::password_reset(&user, public_url, &link)))
}

/// The confirmation mail of an account whose address is not confirmed yet (run by the outbox
/// worker): the link is made here, so no secret waits in the outbox.
pub async fn confirmation_mail(
    db: &DatabaseConnection,
    public_url: &str,
    user_id: i64,
) -> Result<Option<Mail>, ApiError> {
    let txn = db::begin_write(db).await?;
    let Some(user) = db::accounts::find_by_id(&txn, user_id)
        .await?
        .filter(|u| u.email_confirmed_at.is_none())
    else {
        return Ok(None);
    };
    let link = db::credentials::insert_link(&txn, user.id, Purpose::EmailConfirm, db::now()).await?;
    txn.commit().await?;
    Ok(Some(mail::confirmation(&user, public_url, &link)))
}

/// A password-reset link for the operator to hand on (`shortscience user reset-link`).
pub async fn reset_link(
    db: &impl ConnectionTrait,
    public_url: &str,
    username: &str,
) -> Result<Option<String>, ApiError> {
    let Some(user) = db::accounts::find_by_username(db, username).await? else {
        return Ok(None);
    };
    let token = db::credentials::insert_link(db, user.id, Purpose::PasswordReset, db::now()).await?;
    Ok(Some(format!("{public_url}/reset-password?token={token}")))
}

/// Sets a new password with a mailed link, and ends every credential issued before it: every
/// session with its access and refresh tokens, and every API token.
pub async fn confirm_password_reset(state: &AppState, body: &PasswordResetConfirm) -> Result<(), ApiError> {
    let invalid_link = || {
        ApiError::invalid(
            "token",
            "This link is invalid, used or expired; ask for a new one.",
        )
    };
    // The slow part (checking and hashing the new password) runs before any write lock is taken.
    let user_id = db::credentials::link_user(&state.db, &body.token, Purpose::PasswordReset, db::now())
        .await?
        .ok_or_else(invalid_link)?;
    let user = db::accounts::find_by_id(&state.db, user_id)
        .await?
        .ok_or_else(invalid_link)?;
    check_password(&body.new_password, &user.username, &user.email)
        .map_err(|message| ApiError::invalid("new_password", message))?;
    let hash = password::hash(body.new_password.clone()).await?;
    let txn = db::begin_write(&state.db).await?;
    // The link works once: of two uses racing, one wins.
    let consumed =
        db::credentials::consume_link(&txn, &body.token, Purpose::PasswordReset, db::now()).await?;
    if consumed != Some(user_id) {
        return Err(invalid_link());
    }
    // Locked before the cutoff is taken: a refresh in flight finishes first, and its session
    // is then ended below with the rest.
    backend::lock_user(&txn, user_id).await?;
    let now = db::now();
    db::accounts::set_password(&txn, user.id, hash, Some(now), now).await?;
    db::credentials::revoke_sessions(
        &txn,
        Sessions::AllOf {
            user_id,
            except: None,
        },
        now,
    )
    .await?;
    db::credentials::revoke_api_tokens(&txn, user_id, None, now).await?;
    // Any other reset link (an attacker may hold one) dies with this reset.
    db::credentials::expire_links(&txn, user_id, Purpose::PasswordReset, now).await?;
    txn.commit().await?;
    tracing::info!(user_id, "password reset; every session and API token ended");
    Ok(())
}

/// Confirms the email address with the mailed link.
pub async fn confirm_email(state: &AppState, token: &str) -> Result<(), ApiError> {
    let txn = db::begin_write(&state.db).await?;
    let now = db::now();
    let user_id = db::credentials::consume_link(&txn, token, Purpose::EmailConfirm, now)
        .await?
        .ok_or_else(|| ApiError::invalid("token", "This link is invalid, used or expired."))?;
    db::accounts::confirm_email(&txn, user_id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Mails the confirmation link again; 409 once the address is confirmed.
pub async fn resend_confirmation(state: &AppState, caller: &AuthUser) -> Limited<()> {
    let account = match current(&state.db, caller).await {
        Ok(account) => account,
        Err(err) => return Limited::new(Err(err), Vec::new()),
    };
    if account.email_confirmed_at.is_some() {
        let conflict = ApiError::Conflict {
            detail: "This email address is already confirmed.".to_owned(),
            errors: None,
            location: None,
        };
        return Limited::new(Err(conflict), Vec::new());
    }
    let allowed = match state
        .limits
        .confirmation_mail_account
        .check(&account.username)
        .await
    {
        Ok(allowed) => allowed,
        Err(over) => return Limited::over(over),
    };
    let queued = async {
        let txn = db::begin_write(&state.db).await?;
        mail::queue_confirmation(&txn, account.id, db::now()).await?;
        txn.commit().await?;
        state.outbox.wake();
        Ok(())
    }
    .await;
    Limited::new(queued, vec![allowed])
}

/// The caller's account; 401 when it no longer exists.
async fn current(db: &impl ConnectionTrait, caller: &AuthUser) -> Result<users::Model, ApiError> {
    db::accounts::find_by_id(db, caller.id)
        .await?
        .ok_or(ApiError::Unauthorized {
            token_presented: true,
        })
}

pub async fn me(state: &AppState, caller: &AuthUser) -> Result<Me, ApiError> {
    Ok(to_me(&current(&state.db, caller).await?))
}

/// Changes profile fields, and the password when the current one is given. A password change
/// needs a signed-in session (not an API token), is limited per account like login, ends the
/// account's other sessions and mails the owner.
pub async fn update_me(state: &AppState, caller: &AuthUser, body: &UpdateMeRequest) -> Result<Me, ApiError> {
    let account = current(&state.db, caller).await?;
    let mut change = body
        .validate(&account.username, &account.email)
        .map_err(ApiError::Validation)?;
    let new_password = match change.password.take() {
        Some((current_password, new_password)) => {
            let Credential::Session { session_id } = &caller.credential else {
                return Err(ApiError::Forbidden(
                    "Change the password from a signed-in session, not with an API token.".to_owned(),
                ));
            };
            // Counted before the check, given back on success: like login, failures count.
            let key = format!("user:{}", account.id);
            let limiter: &Limiter = &state.limits.password_change_account;
            limiter.check(&key).await.map_err(ApiError::RateLimited)?;
            if !password::verify(current_password, account.password_hash.clone(), &state.decoy_hash).await {
                return Err(ApiError::invalid("current_password", "is not correct"));
            }
            limiter.refund(&key).await;
            Some((password::hash(new_password).await?, session_id.clone()))
        }
        None => None,
    };
    let txn = db::begin_write(&state.db).await?;
    let now = db::now();
    if let Some((hash, kept_session)) = &new_password {
        db::accounts::set_password(&txn, account.id, hash.clone(), None, now).await?;
        let others = Sessions::AllOf {
            user_id: account.id,
            except: Some(kept_session),
        };
        db::credentials::revoke_sessions(&txn, others, now).await?;
        // A reset link mailed before the change must not undo it.
        db::credentials::expire_links(&txn, account.id, Purpose::PasswordReset, now).await?;
        mail::queue(
            &txn,
            &mail::password_changed(&account, &state.config.public_url),
            now,
        )
        .await?;
    }
    let updated = db::accounts::update_profile(&txn, account, change, now).await?;
    txn.commit().await?;
    if new_password.is_some() {
        state.outbox.wake();
        tracing::info!(user_id = updated.id, "password changed; other sessions ended");
    }
    Ok(to_me(&updated))
}

/// The caller's live API tokens, newest first (never their secrets).
pub async fn tokens(state: &AppState, caller: &AuthUser) -> Result<Vec<ApiToken>, ApiError> {
    db::credentials::api_tokens_of(&state.db, caller.id)
        .await?
        .into_iter()
        .map(to_api_token)
        .collect()
}

/// Creates a personal API token and mails the owner about it. Needs a signed-in session: API
/// tokens cannot mint more tokens.
pub async fn create_token(
    state: &AppState,
    caller: &AuthUser,
    body: &CreateTokenRequest,
) -> Result<CreatedToken, ApiError> {
    require_session(caller)?;
    let now = db::now();
    let valid = body.validate(now).map_err(ApiError::Validation)?;
    let account = current(&state.db, caller).await?;
    let scopes: Vec<&str> = valid.scopes.iter().map(|s| s.as_str()).collect();
    let txn = db::begin_write(&state.db).await?;
    let (token, secret) = db::credentials::insert_api_token(
        &txn,
        caller.id,
        valid.name.clone(),
        serde_json::Value::from(scopes.clone()).to_string(),
        valid.expires_at,
        now,
    )
    .await?;
    let notice = mail::token_created(&account, &state.config.public_url, &valid.name, &scopes.join("+"));
    mail::queue(&txn, &notice, now).await?;
    txn.commit().await?;
    state.outbox.wake();
    Ok(CreatedToken {
        token: to_api_token(token)?,
        secret,
    })
}

/// Revokes one of the caller's tokens; 404 when it is not theirs or already revoked.
pub async fn revoke_token(state: &AppState, caller: &AuthUser, token_id: i64) -> Result<(), ApiError> {
    require_session(caller)?;
    match db::credentials::revoke_api_tokens(&state.db, caller.id, Some(token_id), db::now()).await? {
        0 => Err(ApiError::NotFound),
        _ => Ok(()),
    }
}

fn require_session(caller: &AuthUser) -> Result<(), ApiError> {
    match caller.credential {
        Credential::Session { .. } => Ok(()),
        Credential::ApiToken { .. } => Err(ApiError::Forbidden(
            "Manage API tokens from a signed-in session.".to_owned(),
        )),
    }
}

/// The caller's export as a file to download.
pub struct ExportFile {
    /// `shortscience-<username>.json` or `.csv`.
    pub filename: String,
    pub body: ExportBody,
}

pub enum ExportBody {
    Json(Box<AccountExport>),
    Csv(Vec<u8>),
}

/// Everything the caller wrote: summaries (all visibilities) and comments, read in one
/// snapshot, as JSON or CSV.
pub async fn export(
    state: &AppState,
    caller: &AuthUser,
    format: ExportFormat,
) -> Result<ExportFile, ApiError> {
    let export = gather_export(state, caller).await?;
    let filename = format!("shortscience-{}.{}", export.user.username, format.as_str());
    let body = match format {
        ExportFormat::Json => ExportBody::Json(Box::new(export)),
        ExportFormat::Csv => ExportBody::Csv(export_csv(&export)?),
    };
    Ok(ExportFile { filename, body })
}

async fn gather_export(state: &AppState, caller: &AuthUser) -> Result<AccountExport, ApiError> {
    let txn = db::begin_read(&state.db).await?;
    let account = current(&txn, caller).await?;
    let export = AccountExport {
        user: to_me(&account),
        summaries: summaries::own(&txn, Scope::new(Some(caller)), &state.config.public_url).await?,
        comments: db::comments::all_by_author(&txn, caller.id)
            .await?
            .into_iter()
            .map(|c| ExportedComment {
                id: c.id.to_string(),
                summary_id: c.summary_id.to_string(),
                parent_id: c.parent_id.map(|p| p.to_string()),
                body_markdown: c.body_markdown,
                created_at: c.created_at,
                deleted: c.deleted_at.is_some(),
            })
            .collect(),
    };
    txn.commit().await?;
    Ok(export)
}

/// The export as CSV: one row per summary and comment, with the Markdown source. Cells that a
/// spreadsheet would run as a formula are neutralised.
fn export_csv(export: &AccountExport) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    out.write_record([
        "kind",
        "id",
        "paper_key",
        "paper_title",
        "summary_id",
        "visibility",
        "created_at",
        "body_markdown",
    ])
    .map_err(fail)?;
    for s in &export.summaries {
        out.write_record(
            [
                "summary",
                &s.id,
                &s.paper.key,
                &s.paper.title,
                "",
                s.visibility.as_str(),
                &s.created_at.to_rfc3339(),
                &s.body_markdown,
            ]
            .map(|cell| spreadsheet_safe(cell).into_owned()),
        )
        .map_err(fail)?;
    }
    for c in &export.comments {
        out.write_record(
            [
                "comment",
                &c.id,
                "",
                "",
                &c.summary_id,
                "",
                &c.created_at.to_rfc3339(),
                &c.body_markdown,
            ]
            .map(|cell| spreadsheet_safe(cell).into_owned()),
        )
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("finishing CSV: {e}")))
}

/// A cell that starts like a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before
/// one) gets a leading apostrophe, so spreadsheets show it as text instead of running it.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// The caller's own view of their account.
pub fn to_me(user: &users::Model) -> Me {
    Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        email_confirmed: user.email_confirmed_at.is_some(),
        role: user.role,
        bio: user.bio.clone(),
        orcid: user.orcid.clone(),
        homepage: user.homepage.clone(),
        notify_on_comment: user.notify_on_comment,
        notify_on_reply: user.notify_on_reply,
        notify_on_follow: user.notify_on_follow,
        created_at: user.created_at,
    }
}

fn to_api_token(model: api_tokens::Model) -> Result<ApiToken, ApiError> {
    Ok(ApiToken {
        id: model.id.to_string(),
        name: model.name,
        scopes: token_scopes(&model.scopes)?,
        created_at: model.created_at,
        last_used_at: model.last_used_at,
        expires_at: model.expires_at,
    })
}

/// The stored scope list of a token; an unknown scope is an error, never dropped silently.
pub fn token_scopes(stored: &str) -> Result<Vec<TokenScope>, ApiError> {
    serde_json::from_str(stored)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored token scopes {stored:?}: {e}")))
}

#[cfg(test)]
mod tests;
