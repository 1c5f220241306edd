//! `/robots.txt`, which names the sitemap, and the sitemap itself: `/sitemap.xml` is an index of
//! `/sitemaps/{section}-{n}.xml` files of at most 50,000 URLs each.

use actix_web::{HttpResponse, get, web};

use crate::domain::sitemap;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(robots).service(index).service(file);
}

/// Pages that are someone's own (settings, notifications, drafts) are no use to crawlers.
#[get("/robots.txt")]
async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let body = format!(
        "User-agent: *\nDisallow: /api/\nDisallow: /write\nDisallow: /settings\nDisallow: /notifications\n\
         Disallow: /me/\nDisallow: /moderation\nDisallow: /random\n\nSitemap: {}/sitemap.xml\n",
        state.config.public_url
    );
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

#[get("/sitemap.xml")]
async fn index(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for (section, files) in sitemap::index(&state.db).await? {
        for number in 1..=files {
            out.push_str("<sitemap><loc>");
            out.push_str(&quick_xml::escape::escape(format!(
                "{}/sitemaps/{section}-{number}.xml",
                state.config.public_url
            )));
            out.push_str("</loc></sitemap>");
        }
    }
    out.push_str("</sitemapindex>\n");
    Ok(xml(out))
}

#[get("/sitemaps/{file}.xml")]
async fn file(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let (section, digits) = file.rsplit_once('-').ok_or(ApiError::NotFound)?;
    let number: u64 = digits.parse().map_err(|_| ApiError::NotFound)?;
    // One name per file: `papers-01` is not `papers-1`.
    if number.to_string() != digits {
        return Err(ApiError::NotFound);
    }
    let urls = sitemap::file(&state.db, section, number).await?;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">",
    );
    for url in urls {
        out.push_str("<url><loc>");
        out.push_str(&quick_xml::escape::escape(format!(
            "{}{}",
            state.config.public_url, url.path
        )));
        out.push_str("</loc>");
        if let Some(modified) = url.modified {
            out.push_str("<lastmod>");
            out.push_str(&modified.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            out.push_str("</lastmod>");
        }
        out.push_str("</url>");
    }
    out.push_str("</urlset>\n");
    Ok(xml(out))
}

fn xml(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(body)
}
