//! Image uploads for summaries and comments. The image is cleaned ([`crate::images`]), stored
//! once under the data directory by the SHA-256 of what is stored, and recorded once per
//! uploader. Each user may store up to [`USER_QUOTA_BYTES`].

use std::path::{Path, PathBuf};

use sea_orm::DatabaseConnection;
use shared::moderation::{MAX_UPLOAD_BYTES, Upload};

use crate::auth::AuthUser;
use crate::db;
use crate::error::ApiError;
use crate::images::{self, Refused};

/// What one user may store in all, after cleaning.
pub const USER_QUOTA_BYTES: i64 = 100 * 1024 * 1024;
/// The largest cleaned file stored: writing an image again can make it larger (a lossy WebP
/// is written lossless), within reason.
const MAX_STORED_BYTES: usize = 2 * MAX_UPLOAD_BYTES;

/// Images cleaned at once, over all requests: decoding takes a core and up to 128 MiB, so
/// more at once would only queue for the CPU while holding the memory.
static CLEANING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Where uploads live under the data directory.
pub fn directory(data_dir: &Path) -> PathBuf {
    data_dir.join("uploads")
}

/// Cleans, stores and records an uploaded image.
pub async fn upload(
    db: &DatabaseConnection,
    data_dir: &Path,
    public_url: &str,
    user: &AuthUser,
    bytes: Vec<u8>,
) -> Result<Upload, ApiError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    let permit = CLEANING
        .acquire()
        .await
        .map_err(|err| ApiError::Internal(err.into()))?;
    let cleaned = tokio::task::spawn_blocking(move || images::clean(&bytes))
        .await
        .map_err(|err| ApiError::Internal(err.into()))?
        .map_err(|refused| match refused {
            Refused::NotAnImage | Refused::Broken(_) => ApiError::NotAnImage(refused.to_string()),
            Refused::TooLarge => ApiError::TooLarge(refused.to_string()),
        })?;
    drop(permit);
    if cleaned.bytes.len() > MAX_STORED_BYTES {
        return Err(ApiError::TooLarge(
            "Without its metadata the image is still too large to store; try a smaller or more compressed one.".to_owned(),
        ));
    }
    let size = i64::try_from(cleaned.bytes.len()).unwrap_or(i64::MAX);
    let sha256 = crate::hashing::sha256_hex(&cleaned.bytes);
    let name = format!("{sha256}.{}", cleaned.extension);
    // The quota is checked under the user's row lock, so uploads at once cannot pass it
    // together; the file is on disk before the row says so.
    let txn = db::begin_write(db).await?;
    db::backend::lock_user(&txn, user.id).await?;
    if db::uploads::bytes_of(&txn, user.id).await?.saturating_add(size) > USER_QUOTA_BYTES {
        return Err(ApiError::TooLarge(format!(
            "Your uploads would pass your quota of {} MiB.",
            USER_QUOTA_BYTES / 1024 / 1024
        )));
    }
    store(&directory(data_dir), &name, &cleaned.bytes)
        .await
        .map_err(|err| ApiError::Internal(anyhow::Error::new(err).context("storing an upload")))?;
    // The same image again is the same row.
    match db::uploads::insert(&txn, user.id, &sha256, cleaned.content_type, size, db::now()).await {
        Ok(()) => {
            txn.commit().await?;
            tracing::info!(user = user.id, file = %name, "image uploaded");
        }
        Err(err) if db::is_unique_violation(&err) => {}
        Err(err) => return Err(err.into()),
    }
    Ok(Upload {
        url: format!("{public_url}/uploads/{name}"),
        content_type: cleaned.content_type.to_owned(),
        byte_size: size,
        width: cleaned.width,
        height: cleaned.height,
    })
}

/// Writes the file unless it is there already, through a temporary name so a reader never sees
/// half of it.
async fn store(directory: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = directory.join(name);
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    tokio::fs::create_dir_all(directory).await?;
    let temporary = directory.join(format!(".{name}.{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&temporary, bytes).await?;
    tokio::fs::rename(&temporary, &path).await
}

/// The stored file behind `/uploads/{name}`, with its content type; `None` for any name we
/// never write (so no path can leave the directory).
pub fn served(data_dir: &Path, name: &str) -> Option<(PathBuf, &'static str)> {
    let (hash, extension) = name.split_once('.')?;
    let content_type = match extension {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    };
    let plain = hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    plain.then(|| (directory(data_dir).join(name), content_type))
}
