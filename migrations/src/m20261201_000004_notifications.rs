//! Notifications come into use (the first schema made their table), with a mail setting for
//! each kind.
//! - `notifications (user_id, id)`: a user's notifications, newest first, by id.
//! - `users.notify_on_reply`, `users.notify_on_follow`: whether those kinds are also mailed
//!   (`notify_on_comment` already covers comments on one's summaries).

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261128_000001_initial::accounts::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
}

#[derive(DeriveIden)]
enum UserSettings {
    NotifyOnReply,
    NotifyOnFollow,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A user's notifications, newest first.
        manager
            .create_index(super::m20261128_000001_initial::index(
                "idx_notifications_user_id_id",
                Notifications::Table,
                [Notifications::UserId, Notifications::Id],
            ))
            .await?;
        // One column per statement: SQLite adds one at a time.
        for column in [UserSettings::NotifyOnReply, UserSettings::NotifyOnFollow] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(boolean(column).default(true))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [UserSettings::NotifyOnReply, UserSettings::NotifyOnFollow] {
            manager
                .alter_table(Table::alter().table(Users::Table).drop_column(column).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_notifications_user_id_id")
                    .table(Notifications::Table)
                    .to_owned(),
            )
            .await
    }
}
