//! Argon2id password hashes. Hashing runs on the blocking pool: it is slow on purpose.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::error::ApiError;

/// Hashes a password into a PHC string (`$argon2id$v=19$…`).
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding a salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
}

/// Whether `password` matches `stored`. Without a stored hash the password is checked against
/// `decoy` anyway, so unknown accounts take as long to refuse as wrong passwords.
pub async fn verify(password: String, stored: Option<String>, decoy: &str) -> bool {
    let is_real = stored.is_some();
    let hash = stored.unwrap_or_else(|| decoy.to_owned());
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false);
    matches && is_real
}

/// A hash of a random password, made once at start-up, to verify against for unknown accounts.
pub async fn decoy() -> Result<String, ApiError> {
    hash(super::tokens::new_secret("decoy_")).await
}

#[cfg(test)]
mod tests;
