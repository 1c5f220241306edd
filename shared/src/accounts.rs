//! Accounts: sign-up, sign-in, profiles and API tokens — their request/response bodies and the
//! field rules, which the server enforces and the SPA shows inline under its form fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::Summary;
use crate::ids::Username;
use crate::problem::FieldErrors;

/// Shortest accepted password.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longest accepted password (hashing cost grows with length).
pub const MAX_PASSWORD_LEN: usize = 1024;

fn add(errors: &mut FieldErrors, field: &str, message: impl Into<String>) {
    errors.entry(field.to_owned()).or_default().push(message.into());
}

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum Role {
    #[default]
    User,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        [Role::User, Role::Moderator, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == name)
    }

    /// Moderators and admins may act on other people's content.
    pub fn moderates(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }
}

/// What a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    Write,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    pub fn parse(name: &str) -> Option<TokenScope> {
        [TokenScope::Read, TokenScope::Write]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// An email address, trimmed and lowercased. Deliberately simple: the confirmation mail is the
/// real test of an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let email = input.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            });
        if valid {
            Ok(Email(email))
        } else {
            Err("must be an email address such as ada@example.org")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An ORCID iD (`0000-0002-1825-0097`), checked with its ISO 7064 11,2 check digit. Accepts the
/// `https://orcid.org/` form too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Orcid(String);

impl Orcid {
    pub fn parse(input: &str) -> Result<Orcid, &'static str> {
        const MESSAGE: &str = "must be an ORCID iD such as 0000-0002-1825-0097";
        let trimmed = input.trim();
        let bare = trimmed
            .strip_prefix("https://orcid.org/")
            .or_else(|| trimmed.strip_prefix("http://orcid.org/"))
            .or_else(|| trimmed.strip_prefix("orcid.org/"))
            .unwrap_or(trimmed)
            .to_uppercase();
        let groups: Vec<&str> = bare.split('-').collect();
        if groups.len() != 4 || groups.iter().any(|g| g.len() != 4) {
            return Err(MESSAGE);
        }
        let chars: Vec<char> = groups.concat().chars().collect();
        let (body, check) = chars.split_at(15);
        let mut total: u32 = 0;
        for c in body {
            total = (total + c.to_digit(10).ok_or(MESSAGE)?) * 2;
        }
        let expected = match (12 - total % 11) % 11 {
            10 => 'X',
            digit => char::from_digit(digit, 10).ok_or(MESSAGE)?,
        };
        if check[0] != expected {
            return Err("is not a valid ORCID iD (check digit mismatch)");
        }
        Ok(Orcid(bare))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a new password: length, and not the username or email.
pub fn check_password(password: &str, username: &str, email: &str) -> Result<(), &'static str> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err("must be at least 10 characters");
    }
    if length > MAX_PASSWORD_LEN {
        return Err("must be at most 1024 characters");
    }
    let lowered = password.trim().to_lowercase();
    if lowered == username.trim().to_lowercase() || lowered == email.trim().to_lowercase() {
        return Err("must not be your username or email");
    }
    Ok(())
}

/// Checks a homepage link: http(s) only, so profiles never carry script URLs.
pub fn check_homepage(input: &str) -> Result<String, &'static str> {
    let url = input.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host)
            if !host.is_empty()
                && input.chars().count() <= 300
                && !url.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(url.to_owned())
        }
        _ => Err("must be a web address starting with https://"),
    }
}

fn check_display_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() || raw.chars().count() > 80 || raw.chars().any(char::is_control) {
        return Err("must be 1 to 80 characters");
    }
    Ok(name.to_owned())
}

/// `POST /auth/register`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–32 characters: a–z, 0–9, `_`, `-` (case-insensitive).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_-]{3,32}$"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(format = "email", max_length = 254))]
    pub email: String,
    /// 10 to 1024 characters; not the username or email.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub password: String,
    /// 1 to 80 characters, not only spaces, no control characters; the username if absent.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub display_name: Option<String>,
    /// Browser sessions: keep the refresh token in an HttpOnly cookie instead of the body.
    #[serde(default)]
    pub cookie: bool,
}

/// A registration that passed every field rule.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: Username,
    pub email: Email,
    pub display_name: String,
}

impl RegisterRequest {
    /// Applies every field rule at once, so a form can show all messages together.
    pub fn validate(&self) -> Result<NewAccount, FieldErrors> {
        let mut errors = FieldErrors::new();
        // Exactly as typed: the form trims, and the API states the format without slack.
        let username = match Username::parse(&self.username) {
            Ok(name) if name.as_str().len() == self.username.len() => Ok(name),
            Ok(_) => Err("must not start or end with spaces".to_owned()),
            Err(e) => Err(e.to_string()),
        }
        .map_err(|e| add(&mut errors, "username", e));
        let email = match Email::parse(&self.email) {
            Ok(_) if self.email.trim() != self.email => Err("must not start or end with spaces"),
            parsed => parsed,
        }
        .map_err(|e| add(&mut errors, "email", e));
        if let Err(e) = check_password(&self.password, &self.username, &self.email) {
            add(&mut errors, "password", e);
        }
        let display_name = match self.display_name.as_deref() {
            Some(name) => check_display_name(name)
                .map_err(|e| add(&mut errors, "display_name", e))
                .ok(),
            None => None,
        };
        match (username, email) {
            (Ok(username), Ok(email)) if errors.is_empty() => Ok(NewAccount {
                display_name: display_name.unwrap_or_else(|| username.as_str().to_owned()),
                username,
                email,
            }),
            _ => Err(errors),
        }
    }
}

/// `POST /auth/login`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email.
    pub login: String,
    pub password: String,
    /// Browser sessions: keep the refresh token in an HttpOnly cookie instead of the body.
    #[serde(default)]
    pub cookie: bool,
}

/// `POST /auth/refresh` and `POST /auth/logout`. Browser sessions send no token: the cookie
/// carries it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: Option<String>,
}

/// A signed-in session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    pub user: Me,
    /// JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque, single-use; exchange it at `/auth/refresh`. `null` when it was set as a cookie.
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: u64,
}

/// The caller's own account, with private fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub email_confirmed: bool,
    pub role: Role,
    pub bio: Option<String>,
    pub orcid: Option<String>,
    pub homepage: Option<String>,
    pub notify_on_comment: bool,
    /// Mail replies to my comments.
    pub notify_on_reply: bool,
    /// Mail new summaries of papers I follow.
    pub notify_on_follow: bool,
    pub created_at: DateTime<Utc>,
}

/// `PATCH /me`: only the fields present change; an empty string clears bio, ORCID or homepage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMeRequest {
    /// 1 to 80 characters, not only spaces, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub display_name: Option<String>,
    /// At most 2000 characters, no control characters but line breaks and tabs; empty clears it.
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 2000, pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$")
    )]
    pub bio: Option<String>,
    /// An ORCID iD (`0000-0002-1825-0097`, or its `https://orcid.org/` link) whose check digit
    /// is right; empty clears it.
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = r"^\s*$|^\s*(https?://orcid\.org/|orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9Xx]\s*$"
        )
    )]
    pub orcid: Option<String>,
    /// A web address starting with `http://` or `https://`, at most 300 characters; empty clears it.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = r"^\s*$|^\s*https?://[^\s\x00-\x1f\x7f-\x9f]+\s*$"
        )
    )]
    pub homepage: Option<String>,
    pub notify_on_comment: Option<bool>,
    pub notify_on_reply: Option<bool>,
    pub notify_on_follow: Option<bool>,
    /// Required with `new_password`.
    pub current_password: Option<String>,
    pub new_password: Option<String>,
}

/// A profile change that passed every field rule; `Some(None)` clears a field.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileChange {
    pub display_name: Option<String>,
    pub bio: Option<Option<String>>,
    pub orcid: Option<Option<String>>,
    pub homepage: Option<Option<String>>,
    pub notify_on_comment: Option<bool>,
    pub notify_on_reply: Option<bool>,
    pub notify_on_follow: Option<bool>,
    /// (current, new)
    pub password: Option<(String, String)>,
}

impl UpdateMeRequest {
    /// Applies the field rules; `username` and `email` are the account's, for the password rule.
    pub fn validate(&self, username: &str, email: &str) -> Result<ProfileChange, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cleared = |v: &str| v.trim().is_empty();
        let mut change = ProfileChange {
            notify_on_comment: self.notify_on_comment,
            notify_on_reply: self.notify_on_reply,
            notify_on_follow: self.notify_on_follow,
            ..ProfileChange::default()
        };
        if let Some(name) = &self.display_name {
            change.display_name = check_display_name(name)
                .map_err(|e| add(&mut errors, "display_name", e))
                .ok();
        }
        if let Some(bio) = &self.bio {
            if bio.chars().count() > 2000 {
                add(&mut errors, "bio", "must be at most 2000 characters");
            }
            if bio
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                add(&mut errors, "bio", "must not contain control characters");
            }
            change.bio = Some((!cleared(bio)).then(|| bio.trim().to_owned()));
        }
        if let Some(orcid) = &self.orcid {
            change.orcid = if cleared(orcid) {
                Some(None)
            } else {
                Orcid::parse(orcid)
                    .map_err(|e| add(&mut errors, "orcid", e))
                    .ok()
                    .map(|o| Some(o.0))
            };
        }
        if let Some(homepage) = &self.homepage {
            change.homepage = if cleared(homepage) {
                Some(None)
            } else {
                check_homepage(homepage)
                    .map_err(|e| add(&mut errors, "homepage", e))
                    .ok()
                    .map(Some)
            };
        }
        match (&self.current_password, &self.new_password) {
            (Some(current), Some(new)) => {
                if let Err(e) = check_password(new, username, email) {
                    add(&mut errors, "new_password", e);
                }
                change.password = Some((current.clone(), new.clone()));
            }
            (None, Some(_)) => add(&mut errors, "current_password", "is needed to set a new password"),
            (Some(_), None) => add(&mut errors, "new_password", "is missing"),
            (None, None) => {}
        }
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }
}

/// `POST /auth/password-reset`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /auth/password-reset/confirm`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The token from the mailed link.
    pub token: String,
    /// 10 to 1024 characters; not the username or email.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024))]
    pub new_password: String,
}

/// `POST /auth/confirm-email`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmEmailRequest {
    /// The token from the mailed link.
    pub token: String,
}

/// A public profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserProfile {
    pub username: String,
    pub display_name: String,
    pub bio: Option<String>,
    pub orcid: Option<String>,
    pub homepage: Option<String>,
    pub joined: DateTime<Utc>,
    /// Public, non-anonymous summaries.
    pub summary_count: i64,
    /// Mean score per public summary; `null` without summaries.
    pub score: Option<f64>,
}

/// Order of the user directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    /// Highest mean score first.
    #[default]
    Score,
    /// Most summaries first.
    Summaries,
    /// Newest members first.
    New,
}

/// Query of `GET /users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UserListQuery {
    #[serde(default)]
    pub sort: UserSort,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A personal API token as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// When the token stops working; `null`: until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /me/tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// 1 to 80 characters, not only spaces, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// `["read"]` or `["read", "write"]`.
    pub scopes: Vec<TokenScope>,
    /// When the token stops working (in the future); absent or `null`: until revoked.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token request that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<TokenScope>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl CreateTokenRequest {
    /// The name, trimmed, the scopes, sorted (`write` needs `read`), and an expiry after `now`.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<NewToken, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.expires_at.is_some_and(|at| at <= now) {
            add(&mut errors, "expires_at", "must be in the future");
        }
        let name = self.name.trim();
        if name.is_empty() || self.name.chars().count() > 80 || self.name.chars().any(char::is_control) {
            add(&mut errors, "name", "must be 1 to 80 characters");
        }
        let mut scopes = self.scopes.clone();
        scopes.sort();
        scopes.dedup();
        if scopes != [TokenScope::Read] && scopes != [TokenScope::Read, TokenScope::Write] {
            add(
                &mut errors,
                "scopes",
                "must be [\"read\"] or [\"read\", \"write\"]",
            );
        }
        if errors.is_empty() {
            Ok(NewToken {
                name: name.to_owned(),
                scopes,
                expires_at: self.expires_at,
            })
        } else {
            Err(errors)
        }
    }
}

/// A newly created token: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    pub token: ApiToken,
    /// Use as `Authorization: Bearer <secret>`. Not retrievable later.
    pub secret: String,
}

/// A comment in the account export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedComment {
    pub id: String,
    pub summary_id: String,
    pub parent_id: Option<String>,
    pub body_markdown: String,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
}

/// The two shapes of `GET /me/export`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// An [`AccountExport`] document.
    #[default]
    Json,
    /// One row per summary and comment.
    Csv,
}

impl ExportFormat {
    /// The value of `?format=` and the file extension.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
        }
    }
}

/// Query of `GET /me/export`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `json` (default) or `csv`.
    #[serde(default)]
    pub format: ExportFormat,
}

/// Query of `GET /users/{username}/summaries` (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UserSummariesQuery {
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `GET /me/export`: everything the caller wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountExport {
    pub user: Me,
    pub summaries: Vec<Summary>,
    pub comments: Vec<ExportedComment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orcid_check_digits_are_verified() {
        assert_eq!(
            Orcid::parse("0000-0002-1825-0097").unwrap().as_str(),
            "0000-0002-1825-0097"
        );
        assert_eq!(
            Orcid::parse("https://orcid.org/0000-0001-5109-3700")
                .unwrap()
                .as_str(),
            "0000-0001-5109-3700"
        );
        assert_eq!(
            Orcid::parse("0000-0002-1694-233x").unwrap().as_str(),
            "0000-0002-1694-233X"
        );
        assert!(Orcid::parse("0000-0002-1825-0098").is_err());
        assert!(Orcid::parse("0000-0002-1825").is_err());
        assert!(Orcid::parse("000A-0002-1825-0097").is_err());
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@@example.org",
            "ada@example..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_and_must_not_be_the_name() {
        assert!(check_password("correct horse", "ada", "ada@example.org").is_ok());
        assert!(check_password("short", "ada", "ada@example.org").is_err());
        assert!(check_password("ada_lovelace", "ada_lovelace", "ada@example.org").is_err());
        assert!(check_password("Ada@Example.org", "ada", "ada@example.org").is_err());
        assert!(
            check_password("ünïcödé-pw", "ada", "ada@example.org").is_ok(),
            "counted in characters"
        );
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let request = RegisterRequest {
            username: "a".to_owned(),
            email: "nope".to_owned(),
            password: "short".to_owned(),
            ..RegisterRequest::default()
        };
        let errors = request.validate().unwrap_err();
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["email", "password", "username"]
        );
        let ok = RegisterRequest {
            username: "Ada_L".to_owned(),
            email: "ada@example.org".to_owned(),
            password: "analytical engine".to_owned(),
            ..RegisterRequest::default()
        };
        let account = ok.validate().unwrap();
        assert_eq!(account.username.as_str(), "ada_l");
        assert_eq!(account.display_name, "ada_l");
    }

    #[test]
    fn profile_changes_clear_with_empty_strings_and_need_the_current_password() {
        let change = UpdateMeRequest {
            bio: Some(" ".to_owned()),
            homepage: Some("https://ada.example".to_owned()),
            ..Default::default()
        }
        .validate("ada", "ada@example.org")
        .unwrap();
        assert_eq!(change.bio, Some(None));
        assert_eq!(change.homepage, Some(Some("https://ada.example".to_owned())));
        let errors = UpdateMeRequest {
            new_password: Some("a new long password".to_owned()),
            ..Default::default()
        }
        .validate("ada", "ada@example.org")
        .unwrap_err();
        assert!(errors.contains_key("current_password"));
        let errors = UpdateMeRequest {
            homepage: Some("javascript:alert(1)".to_owned()),
            ..Default::default()
        }
        .validate("ada", "ada@example.org")
        .unwrap_err();
        assert!(errors.contains_key("homepage"));
    }

    #[test]
    fn tokens_are_read_or_read_write() {
        let request = |scopes: Vec<TokenScope>| CreateTokenRequest {
            name: "script".to_owned(),
            scopes,
            expires_at: None,
        };
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        assert!(request(vec![TokenScope::Read]).validate(now).is_ok());
        assert_eq!(
            request(vec![TokenScope::Write, TokenScope::Read])
                .validate(now)
                .unwrap()
                .scopes,
            [TokenScope::Read, TokenScope::Write]
        );
        assert!(request(vec![TokenScope::Write]).validate(now).is_err());
        assert!(request(vec![]).validate(now).is_err());
        let expired = CreateTokenRequest {
            expires_at: Some(now - chrono::Duration::seconds(1)),
            ..request(vec![TokenScope::Read])
        };
        assert!(expired.validate(now).unwrap_err().contains_key("expires_at"));
    }
}
