//! The RFC 9457 problem+json body that every API error uses.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Per-field validation messages, as in the `errors` member of a 422 problem.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Media type of [`Problem`] bodies.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An API error as clients receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "https://shortscience.org/problems/validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "One or more fields are invalid.",
    "errors": {"username": ["must be 3 to 32 characters: a-z, 0-9, _ or -"]}
})))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, human-readable summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Per-field validation messages (422 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<FieldErrors>,
}
