//! Sessions and the outbox.
//! - `sessions`: one row per sign-in (a refresh-token family), with an absolute lifetime. Access
//!   tokens name their session, and every request checks it is still live, so logout, reuse
//!   detection and password resets end a session's access tokens at once. Refresh tokens issued
//!   before this migration belong to no session and are removed: those users sign in again.
//! - `outbox`: side effects (mail) recorded in the transaction of the change that causes them,
//!   delivered after the commit by a worker with retries, so none is lost on a crash or restart.
//! - `api_tokens.expires_at`: personal API tokens may carry an expiry.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sessions {
    Table,
    /// The refresh-token family id.
    Id,
    UserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    Kind,
    Payload,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    GaveUpAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(text(Sessions::Id).primary_key())
                    .col(big_integer(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    // Absolute: refreshing never extends it.
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_user_id")
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(super::m20261128_000001_initial::index(
                "idx_sessions_user_id",
                Sessions::Table,
                [Sessions::UserId],
            ))
            .await?;
        manager
            .exec_stmt(Query::delete().from_table(RefreshTokens::Table).to_owned())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Outbox::Table)
                    .col(big_pk_auto(Outbox::Id))
                    // What to do: `mail` (the api owns the list).
                    .col(text(Outbox::Kind))
                    // JSON, never a secret: mails with a link are queued as requests, and the
                    // worker makes the link when it sends. Delivered messages are deleted.
                    .col(text(Outbox::Payload))
                    .col(timestamp_with_time_zone(Outbox::CreatedAt))
                    .col(integer(Outbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                    // A worker's lease while it delivers; expires if that worker dies.
                    .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                    .col(text_null(Outbox::LastError))
                    // Set after the last retry failed; kept for the operator.
                    .col(timestamp_with_time_zone_null(Outbox::GaveUpAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(super::m20261128_000001_initial::index(
                "idx_outbox_next_attempt_at",
                Outbox::Table,
                [Outbox::NextAttemptAt],
            ))
            .await?;

        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .add_column(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ApiTokens::Table)
                    .drop_column(ApiTokens::ExpiresAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Outbox::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
