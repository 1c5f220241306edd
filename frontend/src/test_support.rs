//! Fixtures for the native component tests.

use shared::accounts::Me;

/// A signed-in reader's account as `GET /me` returns it.
pub fn me() -> Me {
    let json = serde_json::json!({
        "username": "ada",
        "display_name": "Ada Lovelace",
        "email": "ada@example.org",
        "email_confirmed": true,
        "role": "user",
        "bio": null,
        "orcid": null,
        "homepage": null,
        "notify_on_comment": true,
        "notify_on_reply": true,
        "notify_on_follow": true,
        "created_at": "2024-03-05T10:00:00Z"
    });
    match serde_json::from_value(json) {
        Ok(me) => me,
        Err(error) => panic!("fixture does not match `Me`: {error}"),
    }
}
