//! Argon2id password hashes. Hashing runs on the blocking pool: it is slow on purpose.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use crate::error::ApiError;

/// Hashes computed at once over all requests, one per core: each takes a core and 19 MiB
/// (Argon2id's default memory cost), so more at once would only queue for the CPU while holding
/// the memory. Unbounded, a burst of sign-ins could run one per blocking thread (up to 512),
/// and each thread's allocator arena keeps what its hash freed.
static HASHING: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// Runs `work` on the blocking pool once a hashing slot is free.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let _slot = HASHING
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Hashes a password into a PHC string (`$argon2id$v=19$…`).
pub async fn hash(password: String) -> Result<String, ApiError> {
    hashing(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("encoding a salt: {e}")))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await?
}

/// Whether `password` matches `stored`. Without a stored hash the password is checked against
/// `decoy` anyway, so unknown accounts take as long to refuse as wrong passwords.
pub async fn verify(password: String, stored: Option<String>, decoy: &str) -> bool {
    let is_real = stored.is_some();
    let hash = stored.unwrap_or_else(|| decoy.to_owned());
    let matches = hashing(move || {
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
