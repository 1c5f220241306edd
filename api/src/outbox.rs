//! The outbox worker: delivers the side effects that write paths recorded in the `outbox` table
//! (mail), after their transaction committed. Deliveries that fail are retried with exponential
//! backoff; messages survive restarts, and a message being delivered by a worker that dies is
//! picked up again when its lease runs out. Several instances share one table safely.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Duration as TimeDelta;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::db::entity::outbox::{self, Kind};
use crate::db::{self};
use crate::domain::accounts;
use crate::domain::mail::{ConfirmationRequest, Mail, ResetRequest};
use crate::mail::Mailer;

/// How often the worker looks for due messages when nobody wakes it.
const POLL: Duration = Duration::from_secs(1);
/// How long a claimed message is the claiming worker's: well beyond one delivery (the mailer
/// gives up after 15 s), so no second worker sends it again while the first still tries.
const LEASE_SECONDS: i64 = 120;
/// Messages taken per round.
const BATCH: u64 = 20;
/// Retries start this many seconds after a failure and double each time, up to an hour...
const FIRST_RETRY_SECONDS: i64 = 2;
const MAX_RETRY_SECONDS: i64 = 60 * 60;
/// ...for this many attempts (about a day in all), after which the message is kept, marked as
/// given up, for the operator.
const MAX_ATTEMPTS: i32 = 30;

/// Wakes the worker when a write has queued something, so mail goes out at once.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
}

impl Outbox {
    /// Call after committing a transaction that queued messages.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Starts the worker; it runs until the handle is aborted.
    pub fn spawn_worker(&self, db: DatabaseConnection, mailer: Mailer, public_url: String) -> JoinHandle<()> {
        let wake = self.wake.clone();
        tokio::spawn(async move {
            loop {
                if let Err(err) = deliver_due(&db, &mailer, &public_url).await {
                    tracing::error!(error = %format!("{err:#}"), "outbox: reading due messages failed");
                }
                tokio::select! {
                    () = wake.notified() => {}
                    () = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }
}

/// Delivers every due message, a batch at a time, each under its own lease.
async fn deliver_due(db: &DatabaseConnection, mailer: &Mailer, public_url: &str) -> anyhow::Result<()> {
    loop {
        let batch = db::outbox::due(db, db::now(), BATCH).await?;
        if batch.is_empty() {
            return Ok(());
        }
        for message in batch {
            let now = db::now();
            let lease_until = now + TimeDelta::seconds(LEASE_SECONDS);
            if !db::outbox::claim(db, message.id, now, lease_until).await? {
                continue; // another worker has it
            }
            match deliver(db, mailer, public_url, &message).await {
                Ok(()) => db::outbox::delete(db, message.id, lease_until).await?,
                Err(err) => {
                    let error = format!("{err:#}");
                    let attempts = message.attempts + 1;
                    let delay = (FIRST_RETRY_SECONDS << (attempts - 1).clamp(0, 20)).min(MAX_RETRY_SECONDS);
                    let now = db::now();
                    let gave_up = (attempts >= MAX_ATTEMPTS).then_some(now);
                    if gave_up.is_some() {
                        tracing::error!(id = message.id, attempts, %error, "outbox: giving up on a message");
                    } else {
                        tracing::warn!(id = message.id, attempts, retry_in_s = delay, %error, "outbox: delivery failed; will retry");
                    }
                    let next = now + TimeDelta::seconds(delay);
                    db::outbox::reschedule(db, &message, lease_until, next, error, gave_up).await?;
                }
            }
        }
    }
}

async fn deliver(
    db: &DatabaseConnection,
    mailer: &Mailer,
    public_url: &str,
    message: &outbox::Model,
) -> anyhow::Result<()> {
    let mail = match message.kind {
        Kind::Mail => Some(serde_json::from_str::<Mail>(&message.payload)?),
        Kind::ConfirmationMail => {
            let request: ConfirmationRequest = serde_json::from_str(&message.payload)?;
            accounts::confirmation_mail(db, public_url, request.user_id)
                .await
                .context("preparing the confirmation mail")?
        }
        Kind::PasswordReset => {
            let request: ResetRequest = serde_json::from_str(&message.payload)?;
            accounts::reset_mail(db, public_url, &request.email)
                .await
                .context("preparing the reset mail")?
        }
    };
    match mail {
        Some(mail) => mailer.send(&mail.to, &mail.subject, &mail.body).await,
        None => Ok(()),
    }
}
