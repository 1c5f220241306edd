//! Opaque secrets (refresh tokens, API tokens, mailed links): random, shown once, stored only
//! as their SHA-256, so a leaked database holds nothing usable.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// Prefix of personal API tokens; tells them apart from JWTs in `Authorization`.
pub const API_TOKEN_PREFIX: &str = "sspat_";
/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "ssrt_";

/// A new random secret: the prefix and 256 random bits, base64url.
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of a secret. Plain SHA-256 suffices: the secrets have 256 bits of entropy.
pub fn digest(secret: &str) -> String {
    crate::hashing::sha256_hex(secret.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_and_stored_as_digests() {
        let a = new_secret(API_TOKEN_PREFIX);
        let b = new_secret(API_TOKEN_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with(API_TOKEN_PREFIX) && a.len() > 40);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), digest(&b));
        assert!(!digest(&a).contains(&a[API_TOKEN_PREFIX.len()..]));
    }
}
