//! How a paper's authors, venue and identifiers are written out, shared by cards and headers.

use shared::api::Paper;

/// Authors as a byline: all of them up to three, else the first three and "et al.".
pub fn short_authors(authors: &[String]) -> String {
    match authors {
        [] => String::new(),
        [_, _, _] | [_, _] | [_] => authors.join(", "),
        [first, second, third, ..] => format!("{first}, {second}, {third} et al."),
    }
}

/// "Venue 2017", "Venue", "2017" or nothing.
pub fn venue_year(venue: Option<&str>, year: Option<i32>) -> Option<String> {
    let venue = venue.map(str::trim).filter(|venue| !venue.is_empty());
    match (venue, year) {
        (Some(venue), Some(year)) => Some(format!("{venue} {year}")),
        (Some(venue), None) => Some(venue.to_owned()),
        (None, Some(year)) => Some(year.to_string()),
        (None, None) => None,
    }
}

/// One outbound link of a paper: where its text, record or PDF lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperLink {
    pub label: String,
    pub href: String,
}

/// The paper's identifiers as links to their home sites, then its PDF and other URLs, without
/// repeating a URL.
pub fn paper_links(paper: &Paper) -> Vec<PaperLink> {
    let mut links = Vec::new();
    if let Some(id) = &paper.arxiv_id {
        links.push(PaperLink {
            label: format!("arXiv:{id}"),
            href: format!("https://arxiv.org/abs/{id}"),
        });
    }
    if let Some(doi) = &paper.doi {
        links.push(PaperLink {
            label: format!("DOI {doi}"),
            href: format!("https://doi.org/{doi}"),
        });
    }
    if let Some(key) = &paper.dblp_key {
        links.push(PaperLink {
            label: "DBLP".into(),
            href: format!("https://dblp.org/rec/{key}"),
        });
    }
    if let Some(pdf) = paper.pdf_url.as_ref().filter(|url| is_web_url(url)) {
        links.push(PaperLink {
            label: "PDF".into(),
            href: pdf.clone(),
        });
    }
    for url in &paper.urls {
        if is_web_url(url) && !links.iter().any(|link| &link.href == url) {
            links.push(PaperLink {
                label: host_of(url).to_owned(),
                href: url.clone(),
            });
        }
    }
    // Citations and related work: both search by title, which every paper has.
    let title = crate::api::percent_encode(&paper.title, b"");
    links.push(PaperLink {
        label: "Google Scholar".into(),
        href: format!("https://scholar.google.com/scholar?q={title}"),
    });
    links.push(PaperLink {
        label: "Semantic Scholar".into(),
        href: format!("https://www.semanticscholar.org/search?q={title}"),
    });
    links
}

/// Only http(s) URLs become links: `urls` and `pdf_url` come from upstream metadata, not from us.
fn is_web_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

fn host_of(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        ["Ada", "Bo", "Cy", "Di", "Ed"][..n]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    #[test]
    fn up_to_three_authors_are_all_named() {
        assert_eq!(short_authors(&names(0)), "");
        assert_eq!(short_authors(&names(1)), "Ada");
        assert_eq!(short_authors(&names(3)), "Ada, Bo, Cy");
    }

    #[test]
    fn more_than_three_authors_end_in_et_al() {
        assert_eq!(short_authors(&names(4)), "Ada, Bo, Cy et al.");
        assert_eq!(short_authors(&names(5)), "Ada, Bo, Cy et al.");
    }

    #[test]
    fn venue_and_year_appear_when_known() {
        assert_eq!(venue_year(Some("ICML"), Some(2017)).as_deref(), Some("ICML 2017"));
        assert_eq!(venue_year(Some(" "), Some(2017)).as_deref(), Some("2017"));
        assert_eq!(venue_year(None, None), None);
    }

    #[test]
    fn only_web_urls_are_linked_and_by_host() {
        assert!(!is_web_url("javascript:alert(1)"));
        assert_eq!(host_of("https://openreview.net/forum?id=x"), "openreview.net");
    }
}
