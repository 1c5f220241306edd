//! Page views and popularity.
//!
//! A view counts once per reader, page and hour. The reader (their account, or else their
//! address) is known only by a keyed hash, under a key made fresh each UTC day and kept in the
//! database (so every instance hashes alike); no address is stored, marks are forgotten once
//! their hour is over and keys once their day is, so a mark cannot be traced back later even by
//! guessing addresses.
//!
//! Popularity is what `sort=popular` orders by: views and votes of the last [`WINDOW_DAYS`]
//! days, each worth half as much per [`HALF_LIFE_DAYS`] of age, a vote worth [`VOTE_WEIGHT`]
//! views. [`refresh`] recomputes it; the service runs it every few minutes.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use sha2::Sha256;
use shared::api::{DayViews, ViewStats};

use super::scope::{Listing, Scope};
use crate::auth::AuthUser;
use crate::db::views::Viewed;
use crate::db::{self};
use crate::error::ApiError;

/// Days of the views chart.
const CHART_DAYS: i32 = 30;
/// Views and votes older than this do not count towards popularity.
const WINDOW_DAYS: i32 = 14;
const HALF_LIFE_DAYS: f64 = 2.0;
const VOTE_WEIGHT: f64 = 5.0;
/// Popularity is stored as an integer: thousandths of a view.
const SCALE: f64 = 1000.0;

fn day_number(date: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    i32::try_from((date - epoch).num_days()).unwrap_or(i32::MAX)
}

fn day_date(day: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(i64::from(day))
}

/// Counts a view of a summary the reader may read (404 otherwise), or of a live paper. The
/// reader is their account when signed in, else their address (`client`, as rate limits key
/// it). A view already counted this hour costs two reads and no write.
pub async fn record(
    db: &DatabaseConnection,
    scope: Scope<'_>,
    viewed: Viewed,
    id: i64,
    share_token: Option<&str>,
    client: &str,
) -> Result<(), ApiError> {
    match viewed {
        Viewed::Summary => {
            super::summaries::readable(db, scope, id, share_token).await?;
        }
        Viewed::Paper => {
            super::papers::get(db, id).await?;
        }
    }
    let reader = match scope.reader() {
        Some(user) => format!("user:{}", user.id),
        None => format!("ip:{client}"),
    };
    let now = db::now();
    let day = day_number(now.date_naive());
    let hour = hour_number(now);
    let salt = match db::views::salt(db, day).await? {
        Some(salt) => salt,
        None => {
            let mut fresh = [0u8; 32];
            rand::rng().fill_bytes(&mut fresh);
            let txn = db::begin_write(db).await?;
            let salt = db::views::make_salt(&txn, day, hex(&fresh)).await?;
            txn.commit().await?;
            salt
        }
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(salt.as_bytes())
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("view key: {e}")))?;
    for part in [viewed.as_str(), &id.to_string(), &hour.to_string(), &reader] {
        mac.update(part.as_bytes());
        mac.update(&[0]);
    }
    let mark = hex(&mac.finalize().into_bytes());
    if db::views::marked(db, &mark).await? {
        return Ok(());
    }
    let txn = db::begin_write(db).await?;
    if db::views::mark(&txn, mark, hour).await? {
        db::views::count(&txn, viewed, id, day).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Hours since 1970-01-01.
fn hour_number(at: DateTime<Utc>) -> i32 {
    i32::try_from(at.timestamp().div_euclid(3600)).unwrap_or(i32::MAX)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A summary's views over the last 30 days, for its author and moderators (403 for others,
/// 404 when the reader may not read it at all).
pub async fn stats(db: &impl ConnectionTrait, reader: &AuthUser, id: i64) -> Result<ViewStats, ApiError> {
    let scope = Scope::new(Some(reader));
    let summary = super::summaries::readable(db, scope, id, None).await?;
    if !scope.may_edit(&summary) {
        return Err(ApiError::Forbidden(
            "Only the summary's author sees its readers.".to_owned(),
        ));
    }
    let today = day_number(db::now().date_naive());
    let from = today - (CHART_DAYS - 1);
    let counted: HashMap<i32, i64> = db::views::days_of(db, Viewed::Summary, id, from)
        .await?
        .into_iter()
        .collect();
    Ok(ViewStats {
        total: summary.view_count,
        days: (from..=today)
            .map(|day| DayViews {
                day: day_date(day).format("%Y-%m-%d").to_string(),
                views: counted.get(&day).copied().unwrap_or(0),
            })
            .collect(),
    })
}

/// A view or vote's weight at an age in days.
fn weight(age_days: f64) -> f64 {
    0.5_f64.powf(age_days.max(0.0) / HALF_LIFE_DAYS)
}

/// Recomputes every popularity from the views and votes of the window, writes the ones that
/// changed, and forgets view marks past their day. Idempotent: instances may run it at once.
pub async fn refresh(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), ApiError> {
    let today = day_number(now.date_naive());
    // First, whatever fails after: marks live for their hour, keys for their day.
    db::views::forget_before(db, hour_number(now), today).await?;
    let from = today - (WINDOW_DAYS - 1);
    let mut summaries: HashMap<i64, f64> = HashMap::new();
    let mut papers: HashMap<i64, f64> = HashMap::new();
    for row in db::views::since(db, from).await? {
        // Today's views are a part-day: age 0.
        let value = row.views as f64 * weight(f64::from(today - row.day));
        let into = if row.kind == Viewed::Paper.as_str() {
            &mut papers
        } else {
            &mut summaries
        };
        *into.entry(row.target_id).or_default() += value;
    }
    let since = now - Duration::days(i64::from(WINDOW_DAYS));
    for (summary, value, at) in db::views::votes_since(db, since).await? {
        // By day, as views are: a summary's popularity then changes only with new activity
        // and once a day, not at every run.
        let age = f64::from(today - day_number(at.date_naive()));
        *summaries.entry(summary).or_default() += f64::from(value) * VOTE_WEIGHT * weight(age);
    }
    let summary_values: HashMap<i64, i64> = summaries
        .into_iter()
        .map(|(id, v)| (id, (v * SCALE).round().max(0.0) as i64))
        .filter(|(_, v)| *v > 0)
        .collect();
    // A paper is as popular as its own page and its listed summaries together.
    let ids: Vec<i64> = summary_values.keys().copied().collect();
    let listed = Scope::public().listed(Listing::Site);
    let mut paper_values: HashMap<i64, i64> = papers
        .into_iter()
        .map(|(id, v)| (id, (v * SCALE).round().max(0.0) as i64))
        .collect();
    for (summary, paper) in db::views::papers_of(db, listed, &ids).await? {
        let value = paper_values.entry(paper).or_default();
        *value = value.saturating_add(summary_values[&summary]);
    }
    paper_values.retain(|_, v| *v > 0);
    for (viewed, values) in [(Viewed::Summary, summary_values), (Viewed::Paper, paper_values)] {
        let current = db::views::popular(db, viewed).await?;
        let mut changes: Vec<(i64, i64)> = values
            .iter()
            .filter(|(id, v)| current.get(id) != Some(v))
            .map(|(id, v)| (*id, *v))
            .collect();
        changes.extend(
            current
                .keys()
                .filter(|id| !values.contains_key(id))
                .map(|id| (*id, 0)),
        );
        for batch in changes.chunks(500) {
            let txn = db::begin_write(db).await?;
            for (id, popularity) in batch {
                db::views::set_popularity(&txn, viewed, *id, *popularity).await?;
            }
            txn.commit().await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_number_from_the_epoch() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(day_date(day_number(date)), date);
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }

    #[test]
    fn weight_halves_every_half_life() {
        assert!((weight(0.0) - 1.0).abs() < 1e-9);
        assert!((weight(HALF_LIFE_DAYS) - 0.5).abs() < 1e-9);
        assert!(weight(4.0) < weight(1.0));
    }
}
