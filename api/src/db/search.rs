//! Full-text search over papers (title, authors, abstract) and summaries (their Markdown, math
//! source included). The index is the database's own (see the discovery migration); what each
//! backend spells differently is behind [`super::backend::Dialect`]. A user's query never
//! reaches the database as query syntax: it is cut into words first.

use sea_orm::sea_query::{Alias, Order, SelectStatement};
use sea_orm::{Condition, ConnectionTrait, FromQueryResult};

use shared::api::MAX_SEARCH_DEPTH;

use super::backend;

/// Words of one query, at most this many.
const MAX_WORDS: usize = 12;
/// Longest word kept, in characters.
const MAX_WORD: usize = 64;

/// Rows of each kind scored for one query: the newest matches, as deep as search pages go. A
/// query matching more rows is ranked within its newest matches.
pub const CANDIDATES: u64 = MAX_SEARCH_DEPTH;

/// Marks around matched words in snippets, as the database writes them (control characters no
/// stored text is shown with).
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// What is searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Papers,
    Summaries,
}

/// A query as words: letters and digits; anything else separates words. Every word must match;
/// the last may be the start of a word (results while typing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextQuery {
    words: Vec<String>,
}

impl TextQuery {
    /// `None` when the text holds no word at all.
    pub fn parse(text: &str) -> Option<TextQuery> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(|w| w.chars().take(MAX_WORD).collect::<String>().to_lowercase())
            .collect();
        (!words.is_empty()).then_some(TextQuery { words })
    }

    /// Whether the last word is matched as the start of a word: from two characters on (one
    /// character would match most of the index).
    pub fn last_is_prefix(&self) -> bool {
        self.words.last().is_some_and(|w| w.chars().count() >= 2)
    }

    /// Every word but the last, and the last.
    pub fn split_last(&self) -> (&[String], &str) {
        match self.words.split_last() {
            Some((last, head)) => (head, last),
            None => (&[], ""),
        }
    }
}

/// A hit's id and relevance.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Ranked {
    pub id: i64,
    pub relevance: f64,
}

/// A hit's snippet as the database cut it, marks included.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Snippet {
    pub id: i64,
    pub snippet: String,
}

/// Of the newest [`CANDIDATES`] rows matching `query` under `condition` (on the target's
/// table), the hits best first, from position `offset`.
pub async fn ranked(
    db: &impl ConnectionTrait,
    target: Target,
    query: &TextQuery,
    condition: Condition,
    offset: u64,
    fetch: u64,
) -> Result<Vec<Ranked>, sea_orm::DbErr> {
    let dialect = backend::of(db);
    let mut select: SelectStatement = dialect.ranked(target, query, condition, CANDIDATES);
    select
        .order_by(Alias::new("relevance"), Order::Desc)
        .order_by(Alias::new("id"), Order::Desc)
        .offset(offset)
        .limit(fetch);
    Ranked::find_by_statement(db.get_database_backend().build(&select))
        .all(db)
        .await
}

/// The snippets of the given hits.
pub async fn snippets(
    db: &impl ConnectionTrait,
    target: Target,
    query: &TextQuery,
    ids: Vec<i64>,
) -> Result<Vec<Snippet>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = backend::of(db).snippets(target, query, ids);
    Snippet::find_by_statement(db.get_database_backend().build(&select))
        .all(db)
        .await
}

/// A condition on papers: the paper matches `query`.
pub fn paper_matches(db: &impl ConnectionTrait, query: &TextQuery) -> Condition {
    Condition::all().add(backend::of(db).matches(Target::Papers, query))
}

/// The table of a target.
pub fn table(target: Target) -> Alias {
    Alias::new(target.table_name())
}

impl Target {
    /// The rows' table.
    pub fn table_name(self) -> &'static str {
        match self {
            Target::Papers => "papers",
            Target::Summaries => "summaries",
        }
    }

    /// SQLite's full-text table over those rows.
    pub fn fts_table(self) -> &'static str {
        match self {
            Target::Papers => "paper_search",
            Target::Summaries => "summary_search",
        }
    }
}
