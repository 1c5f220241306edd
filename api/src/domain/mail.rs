//! The mails the service sends, and recording them in the outbox: a mail is queued in the
//! transaction of the change that causes it and delivered by the outbox worker after the commit.
//! Mails with a link are queued as requests, and the worker makes the link when it sends, so
//! the outbox never holds a secret.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use crate::db;
use crate::db::entity::outbox::Kind;
use crate::db::entity::users;

/// A plain-text mail to one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// What a [`Kind::PasswordReset`] message carries: the address someone asked a link for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResetRequest {
    pub email: String,
}

/// What a [`Kind::ConfirmationMail`] message carries: whose address to confirm.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfirmationRequest {
    pub user_id: i64,
}

/// Records a mail in the outbox.
pub async fn queue(db: &impl ConnectionTrait, mail: &Mail, now: DateTime<Utc>) -> Result<(), sea_orm::DbErr> {
    let payload = serde_json::to_string(mail).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    db::outbox::insert(db, Kind::Mail, payload, now).await
}

/// Records that an account's confirmation link is to be mailed; the worker makes the link.
pub async fn queue_confirmation(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let payload = serde_json::to_string(&ConfirmationRequest { user_id })
        .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    db::outbox::insert(db, Kind::ConfirmationMail, payload, now).await
}

/// Records a reset request in the outbox; the worker looks the address up.
pub async fn queue_reset_request(
    db: &impl ConnectionTrait,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let payload = serde_json::to_string(&ResetRequest {
        email: email.to_owned(),
    })
    .map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
    db::outbox::insert(db, Kind::PasswordReset, payload, now).await
}

pub fn confirmation(user: &users::Model, public_url: &str, token: &str) -> Mail {
    Mail {
        to: user.email.clone(),
        subject: "Confirm your ShortScience email address".to_owned(),
        body: format!(
            "Welcome to ShortScience, {}!\n\nConfirm your email address by opening this link:\n{public_url}/confirm-email?token={token}\n\nIf you did not sign up, ignore this mail.\n",
            user.display_name
        ),
    }
}

pub fn password_reset(user: &users::Model, public_url: &str, token: &str) -> Mail {
    Mail {
        to: user.email.clone(),
        subject: "Reset your ShortScience password".to_owned(),
        body: format!(
            "Someone asked to reset the password of your ShortScience account {}.\n\nSet a new password within an hour:\n{public_url}/reset-password?token={token}\n\nIf it was not you, ignore this mail; your password stays as it is.\n",
            user.username
        ),
    }
}

pub fn password_changed(user: &users::Model, public_url: &str) -> Mail {
    Mail {
        to: user.email.clone(),
        subject: "Your ShortScience password was changed".to_owned(),
        body: format!(
            "The password of your ShortScience account {} was just changed, and your other sessions were signed out.\n\nIf it was not you, reset your password now at {public_url}/forgot-password and check your API tokens in Settings.\n",
            user.username
        ),
    }
}

pub fn token_created(user: &users::Model, public_url: &str, name: &str, scopes: &str) -> Mail {
    Mail {
        to: user.email.clone(),
        subject: "A new ShortScience API token".to_owned(),
        body: format!(
            "A personal API token named \"{name}\" ({scopes}) was just created for your ShortScience account {}.\n\nIf it was not you, revoke it in Settings ({public_url}/settings) and change your password.\n",
            user.username
        ),
    }
}
