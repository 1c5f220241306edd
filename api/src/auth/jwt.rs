//! Access tokens: HS256 JWTs, 15 minutes, claims `sub`, `sid`, `exp`, `iat`, `jti`, `role`. The
//! algorithm is fixed here; tokens naming any other (including `none`) are refused. `sid` names
//! the session, which every request checks is still live.

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
    /// The session the token belongs to; it dies with it (logout, reuse, reset).
    pub sid: String,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> anyhow::Result<JwtKeys> {
        let mut validation = Validation::new(ALGORITHM);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "sid"]);
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
        // Every instance on one database must verify the others' tokens, and a secret generated
        // into one instance's data folder is that instance's alone.
        anyhow::ensure!(
            !config.is_postgres() || config.single_instance,
            "on PostgreSQL set SHORTSCIENCE_JWT_SECRET (the same in every instance), or \
             SHORTSCIENCE_SINGLE_INSTANCE=on if this instance runs alone"
        );
        JwtKeys::new(&load_or_create_secret(&config.data_dir)?)
    }

    /// A signed access token for the user and its lifetime in seconds.
    pub fn issue(&self, user_id: i64, role: Role, session_id: &str) -> anyhow::Result<(String, u64)> {
        let now = chrono::Utc::now();
        let ttl = ACCESS_TOKEN_TTL.as_secs();
        let claims = Claims {
            sub: user_id.to_string(),
            iat: millis_to_numeric_date(now.timestamp_millis()),
            exp: now.timestamp() + i64::try_from(ttl)?,
            jti: uuid::Uuid::new_v4().to_string(),
            role,
            sid: session_id.to_owned(),
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

/// Bytes a signing key must have at least (HS256 wants 256 bits).
const MIN_SECRET_BYTES: usize = 32;

/// The signing key kept in the data folder: refused when it is short or others may read it;
/// created atomically (written to a private temporary file, then linked into place), so a crash
/// or a second instance starting at the same moment never leaves a partial or second key.
fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    let path = data_dir.join(SECRET_FILE);
    if path.exists() {
        return read_secret(&path);
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let mut secret = vec![0u8; 64];
    rand::rng().fill_bytes(&mut secret);
    let temporary = data_dir.join(format!(".{SECRET_FILE}.{}", uuid::Uuid::new_v4().simple()));
    write_private(&temporary, STANDARD.encode(&secret).as_bytes())
        .with_context(|| format!("writing {}", temporary.display()))?;
    let linked = std::fs::hard_link(&temporary, &path);
    let _ = std::fs::remove_file(&temporary);
    match linked {
        Ok(()) => {
            tracing::info!(path = %path.display(), "generated a new token signing secret");
            Ok(secret)
        }
        // Another instance created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read_secret(&path),
        Err(err) => Err(err).with_context(|| format!("creating {}", path.display())),
    }
}

fn read_secret(path: &Path) -> anyhow::Result<Vec<u8>> {
    check_private(path)?;
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let secret = STANDARD
        .decode(text.trim())
        .with_context(|| format!("{} is not base64", path.display()))?;
    anyhow::ensure!(
        secret.len() >= MIN_SECRET_BYTES,
        "{} holds {} bytes; a signing key needs at least {MIN_SECRET_BYTES}",
        path.display(),
        secret.len()
    );
    Ok(secret)
}

#[cfg(unix)]
fn check_private(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .permissions()
        .mode();
    anyhow::ensure!(
        mode & 0o077 == 0,
        "{} may be read by other users (mode {:o}); run `chmod 600` on it",
        path.display(),
        mode & 0o777
    );
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> anyhow::Result<()> {
    Ok(())
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
