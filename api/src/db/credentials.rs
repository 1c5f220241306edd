//! Stored credentials: refresh-token families with rotation and reuse detection, personal API
//! tokens, and single-use mailed links. Only SHA-256 digests of secrets are stored.

use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use shared::accounts::{ApiToken, TokenScope};

use super::entity::{api_tokens, refresh_tokens, user_tokens, users};
use crate::auth::tokens::{API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, digest, new_secret};
use crate::error::ApiError;

/// How long a refresh token (and so a browser session) lives unused.
pub const REFRESH_TOKEN_TTL: Duration = Duration::days(30);

/// Starts a new session family for the user and returns its first refresh token.
pub async fn start_session<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<String, sea_orm::DbErr> {
    issue_refresh_token(db, user_id, uuid::Uuid::new_v4().to_string()).await
}

async fn issue_refresh_token<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    family_id: String,
) -> Result<String, sea_orm::DbErr> {
    let secret = new_secret(REFRESH_TOKEN_PREFIX);
    let now = super::now();
    refresh_tokens::ActiveModel {
        user_id: Set(user_id),
        family_id: Set(family_id),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        expires_at: Set(now + REFRESH_TOKEN_TTL),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// Exchanges a refresh token for the user and a new token of the same family. A token that was
/// already used (or revoked) is proof of theft: the whole family is revoked and 401 returned.
pub async fn rotate(db: &DatabaseConnection, secret: &str) -> Result<(users::Model, String), ApiError> {
    let unauthorized = ApiError::Unauthorized {
        token_presented: true,
    };
    let txn = super::begin_write(db).await?;
    let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(digest(secret)))
        .one(&txn)
        .await?
    else {
        return Err(unauthorized);
    };
    let now = super::now();
    if token.used_at.is_some() || token.revoked_at.is_some() {
        revoke_family(&txn, &token.family_id).await?;
        txn.commit().await?;
        tracing::warn!(
            user_id = token.user_id,
            "refresh token reused: session family revoked"
        );
        return Err(unauthorized);
    }
    if token.expires_at <= now {
        return Err(unauthorized);
    }
    // Claim the token atomically: of two concurrent uses, only one may win.
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(token.id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(&txn, &token.family_id).await?;
        txn.commit().await?;
        return Err(unauthorized);
    }
    let user = users::Entity::find_by_id(token.user_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::Unauthorized {
            token_presented: true,
        })?;
    let next = issue_refresh_token(&txn, user.id, token.family_id).await?;
    txn.commit().await?;
    Ok((user, next))
}

/// Ends the session a refresh token belongs to. Unknown tokens are ignored (logout is idempotent).
pub async fn end_session(db: &DatabaseConnection, secret: &str) -> Result<(), sea_orm::DbErr> {
    if let Some(token) = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(digest(secret)))
        .one(db)
        .await?
    {
        revoke_family(db, &token.family_id).await?;
    }
    Ok(())
}

async fn revoke_family<C: ConnectionTrait>(db: &C, family_id: &str) -> Result<(), sea_orm::DbErr> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(super::now()))
        .filter(refresh_tokens::Column::FamilyId.eq(family_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every refresh token of a user (password reset).
pub async fn revoke_all_sessions<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), sea_orm::DbErr> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(super::now()))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

fn to_api_token(model: api_tokens::Model) -> ApiToken {
    let scopes: Vec<String> = serde_json::from_str(&model.scopes).unwrap_or_default();
    ApiToken {
        id: model.id.to_string(),
        name: model.name,
        scopes: scopes.iter().filter_map(|s| TokenScope::parse(s)).collect(),
        created_at: model.created_at,
        last_used_at: model.last_used_at,
    }
}

/// Creates a personal API token; the secret is returned here and never again.
pub async fn create_api_token(
    db: &DatabaseConnection,
    user_id: i64,
    name: String,
    scopes: &[TokenScope],
) -> Result<(ApiToken, String), sea_orm::DbErr> {
    let secret = new_secret(API_TOKEN_PREFIX);
    let scopes: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let model = api_tokens::ActiveModel {
        user_id: Set(user_id),
        name: Set(name),
        token_hash: Set(digest(&secret)),
        scopes: Set(serde_json::Value::from(scopes).to_string()),
        created_at: Set(super::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((to_api_token(model), secret))
}

/// The caller's live tokens, newest first.
pub async fn list_api_tokens(db: &DatabaseConnection, user_id: i64) -> Result<Vec<ApiToken>, sea_orm::DbErr> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_api_token)
        .collect())
}

/// Revokes one of the caller's tokens; 404 when it is not theirs or already revoked.
pub async fn revoke_api_token(db: &DatabaseConnection, user_id: i64, token_id: i64) -> Result<(), ApiError> {
    let result = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(super::now()))
        .filter(api_tokens::Column::Id.eq(token_id))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        Err(ApiError::NotFound)
    } else {
        Ok(())
    }
}

/// The user behind a live API token and its scopes; records when it was last used.
pub async fn use_api_token(
    db: &DatabaseConnection,
    secret: &str,
) -> Result<Option<(users::Model, Vec<TokenScope>)>, sea_orm::DbErr> {
    let Some(token) = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(digest(secret)))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let now = super::now();
    // Minute resolution is plenty for "last used" and spares a write on every request.
    if token
        .last_used_at
        .is_none_or(|at| now - at > Duration::minutes(1))
    {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
            .filter(api_tokens::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    let Some(user) = users::Entity::find_by_id(token.user_id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some((user, to_api_token(token).scopes)))
}

/// What a mailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    PasswordReset,
    EmailConfirm,
}

impl LinkPurpose {
    fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::PasswordReset => "password_reset",
            LinkPurpose::EmailConfirm => "email_confirm",
        }
    }

    fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::PasswordReset => Duration::hours(1),
            LinkPurpose::EmailConfirm => Duration::days(2),
        }
    }
}

/// A new single-use link token.
pub async fn create_link(
    db: &DatabaseConnection,
    user_id: i64,
    purpose: LinkPurpose,
) -> Result<String, sea_orm::DbErr> {
    let secret = new_secret("");
    let now = super::now();
    user_tokens::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_owned()),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// Uses a link token inside `txn`: the user id if it is valid, unused and unexpired; it is
/// marked used at once so that it works only once.
pub async fn consume_link<C: ConnectionTrait>(
    txn: &C,
    secret: &str,
    purpose: LinkPurpose,
) -> Result<Option<i64>, sea_orm::DbErr> {
    let now = super::now();
    let Some(token) = user_tokens::Entity::find()
        .filter(user_tokens::Column::TokenHash.eq(digest(secret.trim())))
        .filter(user_tokens::Column::Purpose.eq(purpose.as_str()))
        .one(txn)
        .await?
    else {
        return Ok(None);
    };
    if token.used_at.is_some() || token.expires_at <= now {
        return Ok(None);
    }
    let claimed = user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(now))
        .filter(user_tokens::Column::Id.eq(token.id))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(token.user_id))
}
