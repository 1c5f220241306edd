//! The original site's URLs, which papers, blogs and bots still link to: each answers 301 with
//! the page that took its place (`/paper?bibtexKey=…` also serves the renderer's `\cite` links).

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

use shared::percent::encode;

use crate::domain::papers;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(paper).service(user).service(venue);
}

fn moved(location: &str) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// `/paper?bibtexKey=KEY[&a=username]`. A key no paper has is not moved anywhere for good: it
/// goes (302) to the site search for it, since the paper may be imported later.
#[get("/paper")]
async fn paper(
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let Some(key) = query.get("bibtexKey").map(|k| k.trim()).filter(|k| !k.is_empty()) else {
        return Ok(moved("/"));
    };
    Ok(
        match papers::legacy_location(&state.db, key, query.get("a").map(String::as_str)).await? {
            Some(location) => moved(&location),
            None => HttpResponse::Found()
                .insert_header((header::LOCATION, format!("/search?q={}", encode(key, b""))))
                .finish(),
        },
    )
}

/// `/user?name=U`.
#[get("/user")]
async fn user(query: web::Query<HashMap<String, String>>) -> HttpResponse {
    match query.get("name").map(|n| n.trim()).filter(|n| !n.is_empty()) {
        Some(name) => moved(&format!("/user/{}", encode(name, b""))),
        None => moved("/users"),
    }
}

/// `/venue?key=K&year=Y`.
#[get("/venue")]
async fn venue(query: web::Query<HashMap<String, String>>) -> HttpResponse {
    let Some(key) = query.get("key").map(|k| k.trim()).filter(|k| !k.is_empty()) else {
        return moved("/venues");
    };
    let year = query
        .get("year")
        .and_then(|y| y.trim().parse::<i32>().ok())
        .map(|y| format!("?year={y}"))
        .unwrap_or_default();
    moved(&format!("/venue/{}{year}", encode(key, b"")))
}
