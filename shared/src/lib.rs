//! Types and rules shared by the ShortScience server and its browser app: every API request and
//! response body, the problem+json error body, validated field formats and the Markdown renderer.

pub mod accounts;
pub mod api;
pub mod ids;
pub mod markdown;
pub mod moderation;
pub mod percent;
pub mod problem;

pub use problem::Problem;
