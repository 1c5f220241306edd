//! Accounts: creating users, finding them by login, changing profiles and passwords, and the
//! public profile with its summary count and score.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement, Value,
};
use shared::accounts::{Me, NewAccount, ProfileChange, Role, UserListQuery, UserProfile, UserSort};
use shared::api::Page;
use shared::problem::FieldErrors;

use super::entity::users;
use super::pagination::{Cursor, PageRequest, finish_page};
use crate::error::ApiError;

pub async fn find_by_id(db: &DatabaseConnection, id: i64) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_username(
    db: &DatabaseConnection,
    username: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find()
        .filter(users::Column::Username.eq(username.trim().to_lowercase()))
        .one(db)
        .await
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find()
        .filter(users::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// The account a login names: an email if it has an `@`, else a username.
pub async fn find_by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    if login.contains('@') {
        find_by_email(db, login).await
    } else {
        find_by_username(db, login).await
    }
}

/// Creates an account; 409 naming the field when the username or email is taken.
pub async fn create(
    db: &DatabaseConnection,
    account: &NewAccount,
    password_hash: String,
) -> Result<users::Model, ApiError> {
    let taken = |field: &str| {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec!["is already taken".to_owned()]);
        ApiError::Conflict {
            detail: format!("That {field} is already taken."),
            errors: Some(errors),
            location: None,
        }
    };
    if find_by_username(db, account.username.as_str()).await?.is_some() {
        return Err(taken("username"));
    }
    if find_by_email(db, account.email.as_str()).await?.is_some() {
        return Err(taken("email"));
    }
    let now = super::now();
    let inserted = users::ActiveModel {
        username: Set(account.username.as_str().to_owned()),
        email: Set(account.email.as_str().to_owned()),
        password_hash: Set(Some(password_hash)),
        display_name: Set(account.display_name.clone()),
        role: Set(Role::User.as_str().to_owned()),
        notify_on_comment: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(user) => Ok(user),
        // Two sign-ups raced for the same name between the check and the insert.
        Err(err) if super::is_unique_violation(&err) => Err(taken("username or email")),
        Err(err) => Err(err.into()),
    }
}

/// Applies a validated profile change (the password part is handled by [`set_password`]).
pub async fn update_profile(
    db: &DatabaseConnection,
    user: users::Model,
    change: ProfileChange,
) -> Result<users::Model, sea_orm::DbErr> {
    let mut active: users::ActiveModel = user.into();
    if let Some(name) = change.display_name {
        active.display_name = Set(name);
    }
    if let Some(bio) = change.bio {
        active.bio = Set(bio);
    }
    if let Some(orcid) = change.orcid {
        active.orcid = Set(orcid);
    }
    if let Some(homepage) = change.homepage {
        active.homepage = Set(homepage);
    }
    if let Some(notify) = change.notify_on_comment {
        active.notify_on_comment = Set(notify);
    }
    active.updated_at = Set(super::now());
    active.update(db).await
}

/// Stores a new password hash. With `sign_out_everywhere`, access tokens issued before now stop
/// working and every refresh token is revoked.
pub async fn set_password<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    password_hash: String,
    sign_out_everywhere: bool,
) -> Result<(), sea_orm::DbErr> {
    let now = super::now();
    let mut active = users::ActiveModel {
        id: sea_orm::Unchanged(user_id),
        password_hash: Set(Some(password_hash)),
        updated_at: Set(now),
        ..Default::default()
    };
    if sign_out_everywhere {
        active.tokens_valid_after = Set(Some(now));
        super::credentials::revoke_all_sessions(db, user_id).await?;
    }
    active.update(db).await?;
    Ok(())
}

/// Gives a user a role; `Ok(false)` when no such user exists.
pub async fn set_role(db: &DatabaseConnection, username: &str, role: Role) -> Result<bool, sea_orm::DbErr> {
    let Some(user) = find_by_username(db, username).await? else {
        return Ok(false);
    };
    let mut active: users::ActiveModel = user.into();
    active.role = Set(role.as_str().to_owned());
    active.updated_at = Set(super::now());
    active.update(db).await?;
    Ok(true)
}

/// Bans or unbans a user; `Ok(false)` when no such user exists.
pub async fn set_banned(
    db: &DatabaseConnection,
    username: &str,
    banned: bool,
) -> Result<bool, sea_orm::DbErr> {
    let Some(user) = find_by_username(db, username).await? else {
        return Ok(false);
    };
    let mut active: users::ActiveModel = user.into();
    active.banned_at = Set(banned.then(super::now));
    active.update(db).await?;
    Ok(true)
}

pub async fn confirm_email<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<(), sea_orm::DbErr> {
    users::ActiveModel {
        id: sea_orm::Unchanged(user_id),
        email_confirmed_at: Set(Some(super::now())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// The caller's own view of their account.
pub fn to_me(user: &users::Model) -> Me {
    Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        email_confirmed: user.email_confirmed_at.is_some(),
        role: Role::parse(&user.role).unwrap_or_default(),
        bio: user.bio.clone(),
        orcid: user.orcid.clone(),
        homepage: user.homepage.clone(),
        notify_on_comment: user.notify_on_comment,
        created_at: user.created_at,
    }
}

/// A user with the numbers of their public, signed summaries.
#[derive(Debug, FromQueryResult)]
struct ProfileRow {
    id: i64,
    username: String,
    display_name: String,
    bio: Option<String>,
    orcid: Option<String>,
    homepage: Option<String>,
    created_at: DateTime<Utc>,
    summary_count: i64,
    /// Mean score × 10⁶, integer so that it sorts and pages exactly on both backends.
    score_micros: Option<i64>,
}

impl ProfileRow {
    fn into_profile(self) -> UserProfile {
        UserProfile {
            username: self.username,
            display_name: self.display_name,
            bio: self.bio,
            orcid: self.orcid,
            homepage: self.homepage,
            joined: self.created_at,
            summary_count: self.summary_count,
            score: self.score_micros.map(|m| m as f64 / 1e6),
        }
    }
}

/// Only public, signed, visible summaries count towards a profile: anonymous ones would give
/// their author away.
const COUNTED: &str = "s.author_id = u.id AND s.visibility = 'public' AND s.anonymous = ? \
                       AND s.deleted_at IS NULL AND s.hidden_at IS NULL";

fn profiles_sql() -> String {
    format!(
        "SELECT * FROM (SELECT u.id, u.username, u.display_name, u.bio, u.orcid, u.homepage, u.created_at, \
         (SELECT COUNT(*) FROM summaries s WHERE {COUNTED}) AS summary_count, \
         (SELECT SUM(s.score) * 1000000 / COUNT(*) FROM summaries s WHERE {COUNTED}) AS score_micros \
         FROM users u WHERE u.banned_at IS NULL) p"
    )
}

/// Writes `?` placeholders the way the backend wants them.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut numbered = String::with_capacity(sql.len() + 16);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    numbered.push_str(&format!("${n}"));
                } else {
                    numbered.push(ch);
                }
            }
            numbered
        }
        _ => sql.to_owned(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// A public profile, or 404 (banned users have none).
pub async fn profile(db: &DatabaseConnection, username: &str) -> Result<UserProfile, ApiError> {
    let sql = format!("{} WHERE p.username = ?", profiles_sql());
    let values = vec![false.into(), false.into(), username.trim().to_lowercase().into()];
    let row = ProfileRow::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .one(db)
        .await?;
    row.map(ProfileRow::into_profile).ok_or(ApiError::NotFound)
}

/// The user directory.
pub async fn directory(
    db: &DatabaseConnection,
    query: &UserListQuery,
) -> Result<Page<UserProfile>, ApiError> {
    let (order, key_sql): (&'static str, &str) = match query.sort {
        // Users without summaries sort after everyone with a score.
        UserSort::Score => ("score", "COALESCE(p.score_micros, -9000000000000)"),
        UserSort::Summaries => ("summaries", "p.summary_count"),
        UserSort::New => ("new", "p.id"),
    };
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), order)?;
    let mut sql = profiles_sql();
    let mut values: Vec<Value> = vec![false.into(), false.into()];
    if let Some(after) = page.after {
        sql.push_str(&format!(" WHERE ({key_sql} < ? OR ({key_sql} = ? AND p.id < ?))"));
        values.extend([after.key.into(), after.key.into(), after.id.into()]);
    }
    sql.push_str(&format!(" ORDER BY {key_sql} DESC, p.id DESC LIMIT ?"));
    values.push(i64::try_from(page.fetch()).unwrap_or(i64::MAX).into());
    let rows = ProfileRow::find_by_statement(statement(db.get_database_backend(), &sql, values))
        .all(db)
        .await?;
    let key_of = |row: &ProfileRow| match query.sort {
        UserSort::Score => row.score_micros.unwrap_or(-9_000_000_000_000),
        UserSort::Summaries => row.summary_count,
        UserSort::New => row.id,
    };
    let (rows, next_cursor) = finish_page(rows, &page, |r| Cursor {
        order,
        key: key_of(r),
        id: r.id,
    });
    Ok(Page {
        items: rows.into_iter().map(ProfileRow::into_profile).collect(),
        next_cursor,
    })
}
