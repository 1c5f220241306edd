//! Authentication: password hashing, access tokens (JWT), opaque tokens (refresh, API, mailed
//! links) and the extractors that turn a request's credentials into a user.

pub mod extractor;
pub mod jwt;
pub mod password;
pub mod tokens;

pub use extractor::{AuthUser, Credential, MaybeAuthUser, Moderator, ModeratorWriter, Writer};
