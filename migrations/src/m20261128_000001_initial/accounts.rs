//! Accounts and their credentials: users, rotating refresh tokens, personal API tokens and
//! single-use mail-link tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveIden)]
pub(crate) enum Users {
    Table,
    Id,
    Username,
    Email,
    PasswordHash,
    DisplayName,
    Bio,
    Orcid,
    Homepage,
    Role,
    BannedAt,
    NotifyOnComment,
    EmailConfirmedAt,
    TokensValidAfter,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Scopes,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum UserTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

pub(super) async fn up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                // Usernames match `^[a-z0-9_-]{3,32}$` case-insensitively and are stored
                // lowercased, so the plain unique index is the case-insensitive one. The CHECK is
                // a backstop against a write path that forgets to lowercase; emails get no such
                // CHECK because `lower()` differs between the backends beyond ASCII.
                .col(text(Users::Username).check(Check::named(
                    "ck_users_username_lowercase",
                    Expr::col(Users::Username).eq(Func::lower(Expr::col(Users::Username))),
                )))
                .col(text(Users::Email))
                // NULL for accounts that cannot log in with a password (demo, synthetic users).
                .col(text_null(Users::PasswordHash))
                // The application fills it with the username when registration leaves it out.
                .col(text(Users::DisplayName))
                .col(text_null(Users::Bio))
                .col(text_null(Users::Orcid))
                .col(text_null(Users::Homepage))
                .col(text(Users::Role).default("user"))
                .col(timestamp_with_time_zone_null(Users::BannedAt))
                .col(boolean(Users::NotifyOnComment).default(true))
                .col(timestamp_with_time_zone_null(Users::EmailConfirmedAt))
                // Access tokens issued before this instant are refused (password reset, sign out everywhere).
                .col(timestamp_with_time_zone_null(Users::TokensValidAfter))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_users_username",
            Users::Table,
            [Users::Username],
        ))
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_users_email",
            Users::Table,
            [Users::Email],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(RefreshTokens::Table)
                .col(big_pk_auto(RefreshTokens::Id))
                .col(big_integer(RefreshTokens::UserId))
                // Every token minted by rotation from one login shares the family; reuse of a
                // dead token revokes the whole family.
                .col(text(RefreshTokens::FamilyId))
                .col(text(RefreshTokens::TokenHash))
                .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::UsedAt))
                .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_refresh_tokens_user_id")
                        .from(RefreshTokens::Table, RefreshTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_refresh_tokens_token_hash",
            RefreshTokens::Table,
            [RefreshTokens::TokenHash],
        ))
        .await?;
    manager
        .create_index(super::index(
            "idx_refresh_tokens_family_id",
            RefreshTokens::Table,
            [RefreshTokens::FamilyId],
        ))
        .await?;
    manager
        .create_index(super::index(
            "idx_refresh_tokens_user_id",
            RefreshTokens::Table,
            [RefreshTokens::UserId],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(big_integer(ApiTokens::UserId))
                .col(text(ApiTokens::Name))
                .col(text(ApiTokens::TokenHash))
                // JSON array of scope names, e.g. `["read","write"]`.
                .col(text(ApiTokens::Scopes))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_api_tokens_user_id")
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_api_tokens_token_hash",
            ApiTokens::Table,
            [ApiTokens::TokenHash],
        ))
        .await?;
    manager
        .create_index(super::index(
            "idx_api_tokens_user_id",
            ApiTokens::Table,
            [ApiTokens::UserId],
        ))
        .await?;

    manager
        .create_table(
            Table::create()
                .table(UserTokens::Table)
                .col(big_pk_auto(UserTokens::Id))
                .col(big_integer(UserTokens::UserId))
                // `password_reset` or `email_confirm`.
                .col(text(UserTokens::Purpose))
                .col(text(UserTokens::TokenHash))
                .col(timestamp_with_time_zone(UserTokens::CreatedAt))
                .col(timestamp_with_time_zone(UserTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(UserTokens::UsedAt))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_user_tokens_user_id")
                        .from(UserTokens::Table, UserTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(super::unique_index(
            "uq_user_tokens_token_hash",
            UserTokens::Table,
            [UserTokens::TokenHash],
        ))
        .await?;
    manager
        .create_index(super::index(
            "idx_user_tokens_user_id",
            UserTokens::Table,
            [UserTokens::UserId],
        ))
        .await
}

pub(super) async fn down(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    super::drop_tables(
        manager,
        [
            UserTokens::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
        ],
    )
    .await
}
