//! Access tokens: HS256 JWTs, 15 minutes, claims `sub`, `exp`, `iat`, `jti`, `role`. The
//! algorithm is fixed here; tokens naming any other (including `none`) are refused.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use shared::accounts::Role;

use crate::config::Config;

/// Lifetime of an access token.
pub const ACCESS_TOKEN_TTL: Duration = Duration::from_secs(15 * 60);
const ALGORITHM: Algorithm = Algorithm::HS256;
/// Name of the generated secret in the data folder.
const SECRET_FILE: &str = "jwt-secret";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub exp: i64,
    /// Issue time with millisecond precision (a NumericDate may be fractional), so that a
    /// password reset can refuse every token issued before it, even within the same second.
    pub iat: f64,
    pub jti: String,
    pub role: Role,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> anyhow::Result<JwtKeys> {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_required_spec_claims(&["exp", "iat", "sub"]);
        validation.leeway = 5;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            validation,
        })
    }

    /// Keys from `SHORTSCIENCE_JWT_SECRET`, or from a secret generated on first start and kept in
    /// the data folder (readable by the owner only).
    pub fn from_config(config: &Config) -> anyhow::Result<JwtKeys> {
        if let Some(secret) = &config.jwt_secret {
            anyhow::ensure!(
                secret.expose().len() >= 32,
                "SHORTSCIENCE_JWT_SECRET must be at least 32 characters"
            );
            return JwtKeys::new(secret.expose().as_bytes());
        }
        JwtKeys::new(&load_or_create_secret(&config.data_dir)?)
    }

    /// A signed access token for the user and its lifetime in seconds.
    pub fn issue(&self, user_id: i64, role: Role) -> anyhow::Result<(String, u64)> {
        let now = chrono::Utc::now();
        let ttl = ACCESS_TOKEN_TTL.as_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            iat: millis_to_numeric_date(now.timestamp_millis()),
            exp: now.timestamp() + i64::try_from(ttl)?,
            jti: uuid::Uuid::new_v4().to_string(),
            role,
        };
        let token = jsonwebtoken::encode(&Header::new(ALGORITHM), &claims, &self.encoding)?;
        Ok((token, ttl))
    }

    /// The claims of a valid, unexpired token signed with our key and algorithm.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

/// Seconds since the epoch, with millisecond precision.
pub fn millis_to_numeric_date(millis: i64) -> f64 {
    millis as f64 / 1000.0
}

fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(SECRET_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return STANDARD
            .decode(text.trim())
            .with_context(|| format!("{} is not base64", path.display()));
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    write_private(&path, STANDARD.encode(&secret).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new token signing secret");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests;
