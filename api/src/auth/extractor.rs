//! The one place where requests are authenticated and write access is decided: handlers take
//! [`AuthUser`] (signed in), [`MaybeAuthUser`] (reading, maybe signed in) or [`Writer`]
//! (signed in, not banned, and with a write-capable credential).

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use shared::accounts::{Role, TokenScope};

use crate::db;
use crate::error::ApiError;
use crate::startup::AppState;

use super::tokens::API_TOKEN_PREFIX;

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An access token from signing in, and the session it belongs to.
    Session { session_id: String },
    /// A personal API token with these scopes.
    ApiToken { scopes: Vec<TokenScope> },
}

/// A signed-in caller.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub banned: bool,
    pub credential: Credential,
}

impl AuthUser {
    /// Moderator rights; a banned moderator has none.
    pub fn is_moderator(&self) -> bool {
        self.role.moderates() && !self.banned
    }
}

/// A caller that may be anonymous (`None`).
#[derive(Debug, Clone)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

/// A caller allowed to change things: banned users and read-only API tokens get 403 here,
/// before any handler runs.
#[derive(Debug, Clone)]
pub struct Writer(pub AuthUser);

/// A moderator (not banned) reading the queue or the log: 403 for anyone else.
#[derive(Debug, Clone)]
pub struct Moderator(pub AuthUser);

/// A moderator acting on a report: a [`Moderator`] with a write-capable credential.
#[derive(Debug, Clone)]
pub struct ModeratorWriter(pub AuthUser);

type Pending<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

impl FromRequest for AuthUser {
    type Error = actix_web::Error;
    type Future = Pending<AuthUser>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        record_route(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let presented = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("app state missing")))?;
            let token = presented.ok_or(ApiError::Unauthorized {
                token_presented: false,
            })?;
            Ok(authenticate(&state, &token).await?)
        })
    }
}

impl FromRequest for MaybeAuthUser {
    type Error = actix_web::Error;
    type Future = Pending<MaybeAuthUser>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        record_route(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let presented = bearer(req);
        Box::pin(async move {
            match (state, presented) {
                // A bad token is an error even on public reads: the client should learn its
                // token is dead rather than silently see the anonymous view.
                (Some(state), Some(token)) => Ok(MaybeAuthUser(Some(authenticate(&state, &token).await?))),
                _ => Ok(MaybeAuthUser(None)),
            }
        })
    }
}

impl FromRequest for Writer {
    type Error = actix_web::Error;
    type Future = Pending<Writer>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let user = user.await?;
            Ok(may_write(user)?)
        })
    }
}

impl FromRequest for Moderator {
    type Error = actix_web::Error;
    type Future = Pending<Moderator>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move { Ok(Moderator(moderates(user.await?)?)) })
    }
}

impl FromRequest for ModeratorWriter {
    type Error = actix_web::Error;
    type Future = Pending<ModeratorWriter>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = AuthUser::from_request(req, payload);
        Box::pin(async move {
            let Writer(user) = may_write(user.await?)?;
            Ok(ModeratorWriter(moderates(user)?))
        })
    }
}

/// The moderation rule: the moderator or admin role, and not banned.
fn moderates(user: AuthUser) -> Result<AuthUser, ApiError> {
    if !user.is_moderator() {
        return Err(ApiError::Forbidden("Only moderators may do this.".to_owned()));
    }
    Ok(user)
}

/// What a banned account is told when it tries to change anything.
pub fn banned() -> ApiError {
    ApiError::Forbidden("This account is banned and cannot make changes.".to_owned())
}

/// The write rule: not banned, and a session or an API token with the `write` scope.
fn may_write(user: AuthUser) -> Result<Writer, ApiError> {
    if user.banned {
        return Err(banned());
    }
    if let Credential::ApiToken { scopes } = &user.credential
        && !scopes.contains(&TokenScope::Write)
    {
        return Err(ApiError::Forbidden("This API token may only read.".to_owned()));
    }
    Ok(Writer(user))
}

/// Names the matched route on the request's span as soon as it is known (routing has happened by
/// the time extractors run), so the handler's own log lines carry it too.
fn record_route(req: &HttpRequest) {
    if let Some(pattern) = req.match_pattern() {
        tracing::Span::current().record("route", pattern.as_str());
    }
}

/// The token of an `Authorization: Bearer …` header, if any.
fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

async fn authenticate(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let invalid = || ApiError::Unauthorized {
        token_presented: true,
    };
    let now = db::now();
    let (user, credential) = if token.starts_with(API_TOKEN_PREFIX) {
        let (api_token, user) = db::credentials::live_api_token(&state.db, token, now)
            .await?
            .ok_or_else(invalid)?;
        // Minute resolution is plenty for "last used" and spares a write on every request.
        if api_token
            .last_used_at
            .is_none_or(|at| now - at > chrono::Duration::minutes(1))
        {
            // Bookkeeping: a busy database must not fail the request it describes.
            if let Err(err) = db::credentials::touch_api_token(&state.db, api_token.id, now).await {
                tracing::warn!(%err, "recording when an API token was last used failed");
            }
        }
        let scopes = crate::domain::accounts::token_scopes(&api_token.scopes)?;
        (user, Credential::ApiToken { scopes })
    } else {
        let claims = state.jwt.verify(token).ok_or_else(invalid)?;
        let id: i64 = claims.sub.parse().map_err(|_| invalid())?;
        // One query: the user, if the token's session is still live (not signed out, not ended
        // by reuse of a refresh token or a password reset, not past its lifetime).
        let user = db::credentials::user_of_live_session(&state.db, id, &claims.sid, now)
            .await?
            .ok_or_else(invalid)?;
        // A password reset sets this; tokens issued before it die with it.
        if user
            .tokens_valid_after
            .is_some_and(|cutoff| claims.iat < super::jwt::millis_to_numeric_date(cutoff.timestamp_millis()))
        {
            return Err(invalid());
        }
        (
            user,
            Credential::Session {
                session_id: claims.sid,
            },
        )
    };
    tracing::Span::current().record("user_id", user.id);
    Ok(AuthUser {
        id: user.id,
        // The stored role wins over the token's: a demoted moderator loses rights at once.
        role: user.role,
        banned: user.banned_at.is_some(),
        username: user.username,
        credential,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(banned: bool, credential: Credential) -> AuthUser {
        AuthUser {
            id: 1,
            username: "ada".to_owned(),
            role: Role::User,
            banned,
            credential,
        }
    }

    fn session() -> Credential {
        Credential::Session {
            session_id: "s".to_owned(),
        }
    }

    #[test]
    fn sessions_and_write_tokens_may_write() {
        assert!(may_write(user(false, session())).is_ok());
        let scopes = vec![TokenScope::Read, TokenScope::Write];
        assert!(may_write(user(false, Credential::ApiToken { scopes })).is_ok());
    }

    #[test]
    fn banned_users_and_read_tokens_may_not() {
        assert!(matches!(
            may_write(user(true, session())),
            Err(ApiError::Forbidden(_))
        ));
        let scopes = vec![TokenScope::Read];
        assert!(matches!(
            may_write(user(false, Credential::ApiToken { scopes })),
            Err(ApiError::Forbidden(_))
        ));
    }
}
