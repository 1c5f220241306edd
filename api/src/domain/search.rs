//! `GET /search`: ranked full-text hits over papers and summaries, with highlighted snippets.
//! Summaries are searched within the visibility scope's site listing, as every list is: a
//! private, unlisted, hidden or deleted summary is never a hit. Ranked lists are paged by
//! position, down to [`MAX_SEARCH_DEPTH`].

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait};
use shared::api::{HitKind, MAX_SEARCH_DEPTH, MAX_SEARCH_QUERY, Page, SearchHit, SearchQuery, SearchType};

use super::scope::{Listing, Scope};
use crate::db::entity::{papers, summaries};
use crate::db::pagination::{Cursor, PageRequest};
use crate::db::search::{MARK_END, MARK_START, Ranked, Target, TextQuery};
use crate::db::{self};
use crate::error::ApiError;

const ORDER: &str = "search";

/// One page of hits, best first.
pub async fn search(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    query: &SearchQuery,
) -> Result<Page<SearchHit>, ApiError> {
    let length = query.q.chars().count();
    if length == 0 || length > MAX_SEARCH_QUERY {
        return Err(ApiError::invalid(
            "q",
            format!("between 1 and {MAX_SEARCH_QUERY} characters"),
        ));
    }
    let page = PageRequest::parse(query.limit, query.cursor.as_deref(), ORDER)?;
    let offset = match page.after {
        None => 0,
        Some(after) => u64::try_from(after.key)
            .ok()
            .filter(|o| *o <= MAX_SEARCH_DEPTH)
            .ok_or_else(|| ApiError::BadRequest("The cursor is not valid.".to_owned()))?,
    };
    let nothing = Page {
        items: Vec::new(),
        next_cursor: None,
    };
    let Some(words) = TextQuery::parse(&query.q) else {
        return Ok(nothing);
    };
    let fetch = Ord::min(page.fetch(), MAX_SEARCH_DEPTH + 1 - offset);
    // With both kinds, each list's best `offset + fetch` hold the merged list's.
    let mut hits: Vec<(HitKind, Ranked)> = Vec::new();
    let both = query.kind == SearchType::All;
    let (from, depth) = if both {
        (0, offset + fetch)
    } else {
        (offset, fetch)
    };
    if query.kind != SearchType::Summaries {
        let condition = paper_filters(query);
        for hit in db::search::ranked(db, Target::Papers, &words, condition, from, depth).await? {
            hits.push((HitKind::Paper, hit));
        }
    }
    if query.kind != SearchType::Papers {
        let mut condition = scope.listed(Listing::Site);
        if query.category.is_some() || query.year.is_some() {
            let of_papers = Query::select()
                .column(papers::Column::Id)
                .from(papers::Entity)
                .cond_where(paper_filters(query))
                .to_owned();
            condition = condition.add(summaries::Column::PaperId.in_subquery(of_papers));
        }
        for hit in db::search::ranked(db, Target::Summaries, &words, condition, from, depth).await? {
            hits.push((HitKind::Summary, hit));
        }
    }
    // Best first; ties: papers first, then the newer row.
    hits.sort_by(|(ka, a), (kb, b)| {
        b.relevance
            .total_cmp(&a.relevance)
            .then_with(|| (*ka == HitKind::Summary).cmp(&(*kb == HitKind::Summary)))
            .then_with(|| b.id.cmp(&a.id))
    });
    if both {
        hits.drain(..(offset as usize).min(hits.len()));
    }
    let more = hits.len() as u64 > page.limit && offset + page.limit < MAX_SEARCH_DEPTH;
    // Past the depth, a page is cut short (only that many hits are ranked exactly).
    hits.truncate(Ord::min(page.limit, fetch) as usize);
    let next_cursor = more.then(|| {
        Cursor {
            order: ORDER,
            key: (offset + page.limit) as i64,
            id: 0,
        }
        .encode()
    });
    Ok(Page {
        items: hydrate(db, scope, public_url, &words, hits).await?,
        next_cursor,
    })
}

/// Live papers, of the field and year asked for.
fn paper_filters(query: &SearchQuery) -> Condition {
    let mut condition =
        Condition::all().add(Expr::col((papers::Entity, papers::Column::MergedInto)).is_null());
    if let Some(category) = query.category {
        condition = condition.add(Expr::col((papers::Entity, papers::Column::Category)).eq(category));
    }
    if let Some(year) = query.year {
        condition = condition.add(Expr::col((papers::Entity, papers::Column::Year)).eq(year));
    }
    condition
}

/// The hits with their papers, summaries and snippets (one query per table).
async fn hydrate(
    db: &impl ConnectionTrait,
    scope: Scope<'_>,
    public_url: &str,
    words: &TextQuery,
    hits: Vec<(HitKind, Ranked)>,
) -> Result<Vec<SearchHit>, ApiError> {
    let ids_of = |kind: HitKind| -> Vec<i64> {
        hits.iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, hit)| hit.id)
            .collect()
    };
    let paper_ids = ids_of(HitKind::Paper);
    let summary_ids = ids_of(HitKind::Summary);
    let mut snippets = std::collections::HashMap::new();
    for (kind, target, ids) in [
        (HitKind::Paper, Target::Papers, paper_ids.clone()),
        (HitKind::Summary, Target::Summaries, summary_ids.clone()),
    ] {
        for snippet in db::search::snippets(db, target, words, ids).await? {
            snippets.insert((kind, snippet.id), snippet_html(&snippet.snippet));
        }
    }
    let rows = db::summaries::by_ids(db, summary_ids).await?;
    let mut summaries: std::collections::HashMap<String, shared::api::Summary> =
        super::summaries::hydrate(db, scope, public_url, rows.into_values().collect())
            .await?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
    let papers = db::papers::by_ids(db, paper_ids).await?;
    let mut out = Vec::with_capacity(hits.len());
    for (kind, hit) in hits {
        let snippet = snippets.remove(&(kind, hit.id)).unwrap_or_default();
        let (paper, summary) = match kind {
            HitKind::Paper => {
                let Some(paper) = papers.get(&hit.id) else {
                    continue;
                };
                (super::papers::to_paper_ref(paper)?, None)
            }
            HitKind::Summary => {
                let Some(summary) = summaries.remove(&hit.id.to_string()) else {
                    continue;
                };
                (summary.paper.clone(), Some(summary))
            }
        };
        out.push(SearchHit {
            kind,
            rank: hit.relevance,
            snippet,
            paper,
            summary,
        });
    }
    Ok(out)
}

/// A snippet as HTML: the text escaped, each marked passage in `<mark>`, always balanced
/// whatever marks the text itself held.
pub fn snippet_html(raw: &str) -> String {
    let mut html = String::with_capacity(raw.len() + 32);
    let mut open = false;
    for c in raw.chars() {
        match c {
            MARK_START if !open => {
                html.push_str("<mark>");
                open = true;
            }
            MARK_END if open => {
                html.push_str("</mark>");
                open = false;
            }
            MARK_START | MARK_END => {}
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => html.push(c),
        }
    }
    if open {
        html.push_str("</mark>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marks_balanced() {
        let raw = format!("a {MARK_START}<b>{MARK_END} & {MARK_END}c {MARK_START}{MARK_START}d");
        assert_eq!(
            snippet_html(&raw),
            "a <mark>&lt;b&gt;</mark> &amp; c <mark>d</mark>"
        );
    }

    #[test]
    fn queries_are_words_only() {
        assert!(TextQuery::parse("\"*:() & | ! -").is_none());
        let words = TextQuery::parse("Deep  résidual\" NET*").expect("words");
        assert_eq!(
            words.split_last(),
            (&["deep".to_owned(), "résidual".to_owned()][..], "net")
        );
    }
}
