//! Stored credentials: sessions and their rotating refresh tokens, personal API tokens, and
//! single-use mailed links. Only SHA-256 digests of secrets are stored. The rules (rotation,
//! reuse detection, lifetimes) live in `domain::accounts`; these are the rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::entity::user_tokens::Purpose;
use super::entity::{api_tokens, refresh_tokens, sessions, user_tokens, users};
use crate::auth::tokens::{API_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, digest, new_secret};

/// Starts a session for the user, live until `expires_at` unless revoked; returns its id.
pub async fn insert_session(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    let id = uuid::Uuid::new_v4().to_string();
    sessions::ActiveModel {
        id: Set(id.clone()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(id)
}

pub async fn find_session(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<sessions::Model>, sea_orm::DbErr> {
    sessions::Entity::find_by_id(id.to_owned()).one(db).await
}

/// A new refresh token of the session; returns its secret.
pub async fn insert_refresh_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    session_id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    let secret = new_secret(REFRESH_TOKEN_PREFIX);
    refresh_tokens::ActiveModel {
        user_id: Set(user_id),
        family_id: Set(session_id.to_owned()),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

pub async fn find_refresh_token(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Option<refresh_tokens::Model>, sea_orm::DbErr> {
    refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(digest(secret)))
        .one(db)
        .await
}

/// Marks a refresh token used if it is still unused and unrevoked; `false` when another request
/// (or a revocation) got there first.
pub async fn claim_refresh_token(
    db: &impl ConnectionTrait,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let claimed = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(token_id))
        .filter(refresh_tokens::Column::UsedAt.is_null())
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// Revokes sessions and their refresh tokens: one session, or every session of a user but one.
pub async fn revoke_sessions(
    db: &impl ConnectionTrait,
    which: Sessions<'_>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let (sessions, tokens) = match which {
        Sessions::One(id) => (
            Condition::all().add(sessions::Column::Id.eq(id)),
            Condition::all().add(refresh_tokens::Column::FamilyId.eq(id)),
        ),
        Sessions::AllOf { user_id, except } => {
            let mut sessions = Condition::all().add(sessions::Column::UserId.eq(user_id));
            let mut tokens = Condition::all().add(refresh_tokens::Column::UserId.eq(user_id));
            if let Some(kept) = except {
                sessions = sessions.add(sessions::Column::Id.ne(kept));
                tokens = tokens.add(refresh_tokens::Column::FamilyId.ne(kept));
            }
            (sessions, tokens)
        }
    };
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions)
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(tokens)
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Which sessions [`revoke_sessions`] ends.
#[derive(Debug, Clone, Copy)]
pub enum Sessions<'a> {
    One(&'a str),
    AllOf { user_id: i64, except: Option<&'a str> },
}

/// The user of an access token's session, if that session is live: one query, on every request.
pub async fn user_of_live_session(
    db: &impl ConnectionTrait,
    user_id: i64,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find_by_id(user_id)
        .inner_join(sessions::Entity)
        .filter(sessions::Column::Id.eq(session_id))
        .filter(sessions::Column::RevokedAt.is_null())
        .filter(sessions::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Creates a personal API token; returns the row and the secret (shown once, never again).
pub async fn insert_api_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    name: String,
    scopes: String,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(api_tokens::Model, String), sea_orm::DbErr> {
    let secret = new_secret(API_TOKEN_PREFIX);
    let model = api_tokens::ActiveModel {
        user_id: Set(user_id),
        name: Set(name),
        token_hash: Set(digest(&secret)),
        scopes: Set(scopes),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((model, secret))
}

/// The user's unrevoked tokens, newest first.
pub async fn api_tokens_of(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<api_tokens::Model>, sea_orm::DbErr> {
    api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await
}

/// Revokes one token of the user, or all of them (`token_id: None`); returns how many.
pub async fn revoke_api_tokens(
    db: &impl ConnectionTrait,
    user_id: i64,
    token_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, sea_orm::DbErr> {
    let mut update = api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(now))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null());
    if let Some(id) = token_id {
        update = update.filter(api_tokens::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// A live (unrevoked, unexpired) API token by its secret, with its user.
pub async fn live_api_token(
    db: &impl ConnectionTrait,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<Option<(api_tokens::Model, users::Model)>, sea_orm::DbErr> {
    let found = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(digest(secret)))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .filter(
            Condition::any()
                .add(api_tokens::Column::ExpiresAt.is_null())
                .add(api_tokens::Column::ExpiresAt.gt(now)),
        )
        .find_also_related(users::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(token, user)| Some((token, user?))))
}

/// Records when a token was last used.
pub async fn touch_api_token(
    db: &impl ConnectionTrait,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
        .filter(api_tokens::Column::Id.eq(token_id))
        .exec(db)
        .await?;
    Ok(())
}

/// A new single-use link token; returns its secret.
pub async fn insert_link(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<String, sea_orm::DbErr> {
    let secret = new_secret("");
    user_tokens::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(digest(&secret)),
        created_at: Set(now),
        expires_at: Set(now + purpose.lifetime()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// Marks every unused link of a purpose used, e.g. all reset links once the password changed.
pub async fn expire_links(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(now))
        .filter(user_tokens::Column::UserId.eq(user_id))
        .filter(user_tokens::Column::Purpose.eq(purpose))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The user of a link token that is valid, unused and unexpired, without using it.
pub async fn link_user(
    db: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sea_orm::DbErr> {
    Ok(live_link(db, secret, purpose, now).await?.map(|t| t.user_id))
}

async fn live_link(
    db: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<user_tokens::Model>, sea_orm::DbErr> {
    user_tokens::Entity::find()
        .filter(user_tokens::Column::TokenHash.eq(digest(secret.trim())))
        .filter(user_tokens::Column::Purpose.eq(purpose))
        .filter(user_tokens::Column::UsedAt.is_null())
        .filter(user_tokens::Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Uses a link token: the user id if it is valid, unused and unexpired; it is marked used at
/// once so that it works only once.
pub async fn consume_link(
    db: &impl ConnectionTrait,
    secret: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<i64>, sea_orm::DbErr> {
    let Some(token) = live_link(db, secret, purpose, now).await? else {
        return Ok(None);
    };
    let claimed = user_tokens::Entity::update_many()
        .col_expr(user_tokens::Column::UsedAt, Expr::value(now))
        .filter(user_tokens::Column::Id.eq(token.id))
        .filter(user_tokens::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok((claimed.rows_affected == 1).then_some(token.user_id))
}
