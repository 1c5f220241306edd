//! Account rows: users by id, name or email, profile and password changes, roles and bans, and
//! the profile rows of the directory with their counted summaries.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, Set,
};
use shared::accounts::{NewAccount, ProfileChange, Role, UserSort};

use super::entity::users;
use super::pagination::Cursor;

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<users::Model>, sea_orm::DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    if !storable(username) {
        return Ok(None);
    }
    users::Entity::find()
        .filter(users::Column::Username.eq(username.trim().to_lowercase()))
        .one(db)
        .await
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    if !storable(email) {
        return Ok(None);
    }
    users::Entity::find()
        .filter(users::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// Whether text can be stored at all: PostgreSQL text cannot hold NUL, so a name with one names
/// nobody (and must not reach the database, which would refuse the query).
pub fn storable(text: &str) -> bool {
    !text.contains('\0')
}

/// The account a login names: an email if it has an `@`, else a username.
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<users::Model>, sea_orm::DbErr> {
    if login.contains('@') {
        find_by_email(db, login).await
    } else {
        find_by_username(db, login).await
    }
}

/// Users by id, for attaching authors to rows.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, users::Model>, sea_orm::DbErr> {
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

/// Inserts a new account; a taken username or email fails with a unique violation.
pub async fn insert(
    db: &impl ConnectionTrait,
    account: &NewAccount,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<users::Model, sea_orm::DbErr> {
    users::ActiveModel {
        username: Set(account.username.as_str().to_owned()),
        email: Set(account.email.as_str().to_owned()),
        password_hash: Set(Some(password_hash)),
        display_name: Set(account.display_name.clone()),
        role: Set(Role::User),
        notify_on_comment: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Applies a validated profile change (the password is [`set_password`]'s).
pub async fn update_profile(
    db: &impl ConnectionTrait,
    user: users::Model,
    change: ProfileChange,
    now: DateTime<Utc>,
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
    if let Some(notify) = change.notify_on_reply {
        active.notify_on_reply = Set(notify);
    }
    if let Some(notify) = change.notify_on_follow {
        active.notify_on_follow = Set(notify);
    }
    active.updated_at = Set(now);
    active.update(db).await
}

/// Stores a new password hash. With `tokens_valid_after`, access tokens issued before that
/// instant are refused from now on.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i64,
    password_hash: String,
    tokens_valid_after: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let mut active = users::ActiveModel {
        id: sea_orm::Unchanged(user_id),
        password_hash: Set(Some(password_hash)),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(cutoff) = tokens_valid_after {
        active.tokens_valid_after = Set(Some(cutoff));
    }
    active.update(db).await?;
    Ok(())
}

/// Gives a user a role; `Ok(false)` when no such user exists.
pub async fn set_role(db: &impl ConnectionTrait, username: &str, role: Role) -> Result<bool, sea_orm::DbErr> {
    let Some(user) = find_by_username(db, username).await? else {
        return Ok(false);
    };
    let mut active: users::ActiveModel = user.into();
    active.role = Set(role);
    active.updated_at = Set(super::now());
    active.update(db).await?;
    Ok(true)
}

/// Bans or unbans a user; `Ok(false)` when no such user exists.
pub async fn set_banned(
    db: &impl ConnectionTrait,
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

pub async fn confirm_email(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    users::ActiveModel {
        id: sea_orm::Unchanged(user_id),
        email_confirmed_at: Set(Some(now)),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(())
}

/// A user with the count and score of the summaries that count towards a profile.
#[derive(Debug, FromQueryResult)]
pub struct ProfileRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub orcid: Option<String>,
    pub homepage: Option<String>,
    pub created_at: DateTime<Utc>,
    pub summary_count: i64,
    /// Mean score × 10⁶, integer so that it sorts and pages exactly on both backends;
    /// [`NO_SCORE`] without summaries.
    pub score_micros: i64,
}

/// What users without summaries sort as by score: after everyone with one.
pub const NO_SCORE: i64 = -9_000_000_000_000;

/// The column of a directory order.
fn sort_column(sort: UserSort) -> users::Column {
    match sort {
        UserSort::Score => users::Column::ScoreMicros,
        UserSort::Summaries => users::Column::ProfileSummaries,
        UserSort::New => users::Column::Id,
    }
}

/// A page of the directory: `fetch` users who are not banned after `after`, best first, by the
/// counters kept on their rows (an index per order).
pub async fn directory_rows(
    db: &impl ConnectionTrait,
    sort: UserSort,
    after: Option<Cursor>,
    fetch: u64,
) -> Result<Vec<ProfileRow>, sea_orm::DbErr> {
    let key = sort_column(sort);
    let mut query = profiles();
    if let Some(after) = after {
        query.cond_where(after.rows_after(key, users::Column::Id, after.key));
    }
    query
        .order_by((users::Entity, key), Order::Desc)
        .order_by((users::Entity, users::Column::Id), Order::Desc)
        .limit(fetch);
    ProfileRow::find_by_statement(db.get_database_backend().build(&query))
        .all(db)
        .await
}

/// Users who are not banned, with their profile counters.
fn profiles() -> SelectStatement {
    Query::select()
        .columns([
            users::Column::Id,
            users::Column::Username,
            users::Column::DisplayName,
            users::Column::Bio,
            users::Column::Orcid,
            users::Column::Homepage,
            users::Column::CreatedAt,
            users::Column::ScoreMicros,
        ])
        .expr_as(
            Expr::col((users::Entity, users::Column::ProfileSummaries)),
            Alias::new("summary_count"),
        )
        .from(users::Entity)
        .and_where(Expr::col((users::Entity, users::Column::BannedAt)).is_null())
        .to_owned()
}

/// Moves the author's profile counters by what a change of one of their summaries did to
/// them: `counted` says whether the summary counted before and after, `score` its score then.
/// Increments, so that concurrent writers cannot lose one another's: on PostgreSQL the second
/// waits for the first's row lock and adds to its result.
pub async fn adjust_profile(
    db: &impl ConnectionTrait,
    author_id: i64,
    (counted_before, score_before): (bool, i32),
    (counted_after, score_after): (bool, i32),
) -> Result<(), sea_orm::DbErr> {
    let part = |counted: bool, score: i32| if counted { (1, i64::from(score)) } else { (0, 0) };
    let (count_before, sum_before) = part(counted_before, score_before);
    let (count_after, sum_after) = part(counted_after, score_after);
    let (count, sum) = (count_after - count_before, sum_after - sum_before);
    if count == 0 && sum == 0 {
        return Ok(());
    }
    let new_count = Expr::col(users::Column::ProfileSummaries).add(count);
    let new_sum = Expr::col(users::Column::ProfileScore).add(sum);
    let mean = Expr::case(
        new_count.clone().gt(0),
        new_sum.clone().mul(1_000_000).div(new_count.clone()),
    )
    .finally(NO_SCORE);
    users::Entity::update_many()
        .col_expr(users::Column::ProfileSummaries, new_count)
        .col_expr(users::Column::ProfileScore, new_sum)
        .col_expr(users::Column::ScoreMicros, mean.into())
        .filter(users::Column::Id.eq(author_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Recomputes every user's counters from their summaries: after bulk loads, which write rows
/// without going through the writes that keep them.
pub async fn recount_profiles(db: &impl ConnectionTrait) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared(migrations::RECOUNT_PROFILES).await?;
    Ok(())
}

/// The profile row of one user who is not banned.
pub async fn profile_row(
    db: &impl ConnectionTrait,
    username: &str,
) -> Result<Option<ProfileRow>, sea_orm::DbErr> {
    if !storable(username) {
        return Ok(None);
    }
    let query = profiles()
        .and_where(Expr::col((users::Entity, users::Column::Username)).eq(username.trim().to_lowercase()))
        .to_owned();
    ProfileRow::find_by_statement(db.get_database_backend().build(&query))
        .one(db)
        .await
}

/// The sort key of a profile row in a directory order.
pub fn key_of(row: &ProfileRow, sort: UserSort) -> i64 {
    match sort {
        UserSort::Score => row.score_micros,
        UserSort::Summaries => row.summary_count,
        UserSort::New => row.id,
    }
}
