//! Request and response bodies of the `/api/v1` endpoints. IDs are opaque strings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Default and maximum page sizes of paginated lists.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
pub const MAX_PAGE_SIZE: u64 = 100;

/// One page of a list; pass `next_cursor` back as `?cursor=` for the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Opaque cursor of the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Field of science a paper belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum Category {
    Cs,
    Bio,
    Physics,
    Math,
    Stat,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Cs,
        Category::Bio,
        Category::Physics,
        Category::Math,
        Category::Stat,
        Category::Other,
    ];

    /// The name used in URLs, JSON and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Cs => "cs",
            Category::Bio => "bio",
            Category::Physics => "physics",
            Category::Math => "math",
            Category::Stat => "stat",
            Category::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// Who can read a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum Visibility {
    /// Listed everywhere.
    #[default]
    Public,
    /// Readable by anyone holding the share link; not listed.
    Unlisted,
    /// Only the author (and moderators).
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
        }
    }

    pub fn parse(name: &str) -> Option<Visibility> {
        [Visibility::Public, Visibility::Unlisted, Visibility::Private]
            .into_iter()
            .find(|v| v.as_str() == name)
    }
}

/// A paper's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Paper {
    pub id: String,
    /// Canonical key, e.g. `arxiv:1703.06870`, `doi:10.1109/iccv.2017.322`, `dblp:conf/icml/FinnAL17`.
    pub key: String,
    pub title: String,
    pub authors: Vec<String>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    pub venue: Option<String>,
    /// The venue's key in `/venues` (percent-encode it in paths: it may contain `/`).
    #[serde(default)]
    pub venue_key: Option<String>,
    pub year: Option<i32>,
    pub published_at: Option<DateTime<Utc>>,
    pub category: Category,
    /// Without version: every version of an arXiv id is this one paper.
    pub arxiv_id: Option<String>,
    /// The latest arXiv version seen, e.g. `3` for `1703.06870v3`.
    #[serde(default)]
    pub arxiv_version: Option<i32>,
    /// arXiv's own primary category, e.g. `cs.CV` (the coarse `category` is derived from it).
    #[serde(default)]
    pub arxiv_primary_category: Option<String>,
    pub doi: Option<String>,
    pub dblp_key: Option<String>,
    /// Every key that resolves to this paper: the canonical key, `arxiv:`, `doi:` and `dblp:`
    /// keys, DBLP's CoRR keys and legacy bibtexKeys.
    #[serde(default)]
    pub keys: Vec<String>,
    pub urls: Vec<String>,
    pub pdf_url: Option<String>,
    /// Number of public summaries.
    pub summary_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `POST /papers/import`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// An arXiv id (`1703.06870`, `1703.06870v3`, `arXiv:1703.06870`, `cs/0112017`) or arXiv
    /// abs/pdf link, a DOI or doi.org link, or a DBLP key or dblp.org link.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 400))]
    pub identifier: String,
}

/// A year given as a JSON number: JSON Schema's `integer` includes `2017.0`, so an integral
/// float is accepted as that integer; fractions and out-of-range values are refused.
fn integral_year<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    let Some(number) = Option::<f64>::deserialize(deserializer)? else {
        return Ok(None);
    };
    if number.fract() != 0.0 || number < f64::from(i32::MIN) || number > f64::from(i32::MAX) {
        return Err(serde::de::Error::custom(format!("{number} is not a whole year")));
    }
    Ok(Some(number as i32))
}

/// A vote as a JSON number: `1.0` is the integer 1 (see [`integral_year`]); anything but -1, 0
/// and 1 is refused.
fn integral_vote<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i8, D::Error> {
    let number = f64::deserialize(deserializer)?;
    match number {
        -1.0 => Ok(-1),
        0.0 => Ok(0),
        1.0 => Ok(1),
        _ => Err(serde::de::Error::custom(format!("{number} is not -1, 0 or 1"))),
    }
}

/// An author's name as entered by hand: 1 to 200 characters, not only spaces, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AuthorName(pub String);

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for AuthorName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .max_length(Some(200))
            .pattern(Some(
                r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for AuthorName {}

/// `POST /papers`: a paper entered by hand, for work no metadata service knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPaperRequest {
    /// One line: no control characters, not only spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub title: String,
    /// In order; 1 to 200 names of at most 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub authors: Vec<AuthorName>,
    #[serde(rename = "abstract", default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000, pattern = r"^[^\x00]*$"))]
    pub abstract_text: Option<String>,
    /// One line: no control characters, not only spaces.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub venue: Option<String>,
    #[serde(default, deserialize_with = "integral_year")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1000, maximum = 2100))]
    pub year: Option<i32>,
    #[serde(default)]
    pub category: Option<Category>,
    /// An arXiv id, DOI or DBLP key the paper has; any of them taken by another paper is 409.
    #[serde(default)]
    pub arxiv_id: Option<String>,
    #[serde(default)]
    pub doi: Option<String>,
    #[serde(default)]
    pub dblp_key: Option<String>,
    /// Links to the paper (http or https), at most 10.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub urls: Vec<String>,
}

/// `PATCH /papers/{id}`: fixes to a paper's metadata; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaperChange {
    /// One line: no control characters, not only spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub title: Option<String>,
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 200))]
    pub authors: Option<Vec<AuthorName>>,
    #[serde(rename = "abstract")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20000, pattern = r"^[^\x00]*$"))]
    pub abstract_text: Option<String>,
    /// One line without control characters; empty removes the venue.
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 300,
            pattern = r"^$|^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub venue: Option<String>,
    #[serde(default, deserialize_with = "integral_year")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1000, maximum = 2100))]
    pub year: Option<i32>,
    pub category: Option<Category>,
}

/// `POST /papers/{id}/merge`: the paper that survives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The id of the paper this one is merged into.
    pub into: String,
}

/// A year of a venue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VenueYear {
    pub year: Option<i32>,
    pub paper_count: i64,
    pub summary_count: i64,
}

/// A venue (conference or journal) with its years, for `GET /venues`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Venue {
    /// The key of `/venues/{venue_key}/summaries` (may contain `/`: percent-encode it).
    pub venue_key: String,
    pub name: String,
    /// Newest first.
    pub years: Vec<VenueYear>,
}

/// Query of `GET /venues/{venue_key}/summaries` (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct VenueSummariesQuery {
    /// Only papers of this year.
    pub year: Option<i32>,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /papers/resolve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ResolveQuery {
    /// Any identifier form `POST /papers/import` takes, or a paper key (`arxiv:…`, `doi:…`,
    /// `dblp:…`, or a legacy bibtexKey such as `journals/corr/LinDGHHB16`).
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 400))]
    pub key: String,
}

/// Longest query of `GET /papers/search-external`, in characters.
pub const MAX_EXTERNAL_QUERY: usize = 300;

/// Query of `GET /papers/search-external`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ExternalSearchQuery {
    /// Title words, or one identifier in any form `POST /papers/import` takes.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 300, pattern = r"\S"))]
    pub q: String,
}

/// Where a search result was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExternalSource {
    /// A paper ShortScience has already.
    Local,
    Arxiv,
    Crossref,
    Dblp,
}

/// One paper found by `GET /papers/search-external`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExternalPaper {
    /// `local` for a paper we have (then `paper_id` is set), else the first service that found it.
    pub source: ExternalSource,
    /// Every service that found it.
    pub found_by: Vec<ExternalSource>,
    /// Our paper, when we have it.
    pub paper_id: Option<String>,
    /// What to send to `POST /papers/import` to add it (or the key of our paper).
    pub identifier: String,
    pub title: String,
    pub authors: Vec<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub arxiv_id: Option<String>,
    pub doi: Option<String>,
    pub dblp_key: Option<String>,
    /// Public summaries (0 for papers we do not have).
    pub summary_count: i64,
}

/// How one service answered a search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceOutcome {
    Ok,
    /// Unreachable, an error status, or an answer we could not read.
    Failed,
    /// No answer within the per-source timeout.
    Timeout,
}

/// One service's part in a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceReport {
    pub source: ExternalSource,
    pub outcome: SourceOutcome,
    /// Papers it found (before merging).
    pub found: u32,
    /// What went wrong, when it did.
    pub detail: Option<String>,
}

/// `GET /papers/search-external`: papers we have first, then the services' finds, merged where
/// they are one paper; `sources` says how each service answered, so a slow or failing one is
/// reported rather than fatal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExternalSearchResponse {
    pub results: Vec<ExternalPaper>,
    pub sources: Vec<SourceReport>,
}

/// Most keys one `POST /papers/resolve` takes.
pub const MAX_RESOLVE_KEYS: usize = 500;

/// `POST /papers/resolve`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// Up to 500 keys in any form `GET /papers/resolve` takes.
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub keys: Vec<String>,
}

/// What a key resolves to, for tools that show summary counts beside many papers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolvedKey {
    pub paper_id: String,
    /// Number of public summaries.
    pub summary_count: i64,
}

/// `POST /papers/resolve`: every key given, with `null` for keys no paper has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResolveResponse {
    /// Each key as given, with what it resolves to or `null`.
    #[cfg_attr(feature = "openapi", schema(schema_with = resolve_results_schema))]
    pub results: std::collections::BTreeMap<String, Option<ResolvedKey>>,
}

/// `{key: ResolvedKey | null}`: utoipa cannot derive a map of nullable references by itself.
#[cfg(feature = "openapi")]
fn resolve_results_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Ref, Type};
    let value = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(Ref::from_schema_name("ResolvedKey"))
        .build();
    ObjectBuilder::new()
        .additional_properties(Some(AdditionalProperties::RefOr(utoipa::openapi::RefOr::T(
            value.into(),
        ))))
        .build()
}

/// The short form of a paper embedded in each summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperRef {
    pub id: String,
    pub key: String,
    pub title: String,
    pub authors: Vec<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub category: Category,
}

/// A user as shown beside their work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRef {
    pub username: String,
    pub display_name: String,
}

/// A summary of a paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub id: String,
    pub paper: PaperRef,
    /// `null` when the summary is anonymous (except for its author and moderators).
    pub author: Option<UserRef>,
    pub anonymous: bool,
    pub visibility: Visibility,
    pub body_markdown: String,
    /// The body rendered to sanitised HTML, math as MathML.
    pub body_html: String,
    pub tags: Vec<String>,
    /// Upvotes minus downvotes.
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    /// The caller's vote (-1, 0 or 1); absent for anonymous callers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub my_vote: Option<i8>,
    pub comment_count: i64,
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Link that opens an unlisted summary; shown to its author only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_url: Option<String>,
    pub license: String,
    /// Hidden by a moderator: only its author and moderators still see it.
    pub hidden: bool,
}

/// Longest summary body, in characters.
pub const MAX_SUMMARY_MARKDOWN: usize = 100_000;
/// Most tags on one summary.
pub const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG: usize = 40;

/// The licence a summary is published under (SPDX ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum License {
    #[default]
    #[serde(rename = "CC-BY-4.0")]
    CcBy4,
    #[serde(rename = "CC-BY-SA-4.0")]
    CcBySa4,
    #[serde(rename = "CC-BY-NC-4.0")]
    CcByNc4,
    #[serde(rename = "CC-BY-NC-SA-4.0")]
    CcByNcSa4,
    #[serde(rename = "CC0-1.0")]
    Cc0,
}

impl License {
    pub const ALL: [License; 5] = [
        License::CcBy4,
        License::CcBySa4,
        License::CcByNc4,
        License::CcByNcSa4,
        License::Cc0,
    ];

    /// The SPDX id, as stored and sent.
    pub fn spdx(self) -> &'static str {
        match self {
            License::CcBy4 => "CC-BY-4.0",
            License::CcBySa4 => "CC-BY-SA-4.0",
            License::CcByNc4 => "CC-BY-NC-4.0",
            License::CcByNcSa4 => "CC-BY-NC-SA-4.0",
            License::Cc0 => "CC0-1.0",
        }
    }
}

/// `POST /summaries`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSummaryRequest {
    /// The paper summarised.
    pub paper_id: String,
    /// Markdown with `$…$` / `$$…$$` math and `\cite{key}` links (up to 100,000 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100000, pattern = r"\S")
    )]
    pub body_markdown: String,
    /// Hide the author's name from everyone but the author and moderators.
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub visibility: Visibility,
    /// Up to 10 tags, stored lowercase with spaces as `-` and only letters, digits, `.`, `+`
    /// and `-` kept (at most 40 characters each); repeats and empty ones are dropped.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub tags: Vec<String>,
    #[serde(default)]
    pub license: License,
}

/// `PATCH /summaries/{id}`: what to change; every change makes a new revision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SummaryChange {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 100000, pattern = r"\S")
    )]
    pub body_markdown: Option<String>,
    pub anonymous: Option<bool>,
    pub visibility: Option<Visibility>,
    /// Replaces the tags (cleaned as in `NewSummaryRequest`).
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub tags: Option<Vec<String>>,
    pub license: Option<License>,
    /// A new share link for an unlisted summary; the old one stops working.
    #[serde(default)]
    pub rotate_share_link: bool,
}

/// One entry of `GET /summaries/{id}/revisions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionInfo {
    /// 1 for the first version.
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    /// Made by a moderator rather than the author.
    pub by_moderator: bool,
}

/// `GET /summaries/{id}/revisions/{n}`: one revision's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Revision {
    pub revision: i32,
    pub created_at: DateTime<Utc>,
    pub by_moderator: bool,
    pub body_markdown: String,
}

/// `GET /summaries/{id}/revisions/{n}/diff`: what revision `n` changed in the text of the one
/// before it, line by line (the first revision adds every line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionDiff {
    pub revision: i32,
    /// The revision compared with: `revision - 1`, or 0 (nothing) for the first.
    pub previous: i32,
    pub lines: Vec<DiffLine>,
}

/// One line of a [`RevisionDiff`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffLine {
    pub change: LineChange,
    /// The line, without its line break.
    pub text: String,
}

/// Whether a line of a diff stayed, came or went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Same,
    Added,
    Removed,
}

/// `PUT /summaries/{id}/vote`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// 1 up, -1 down, 0 takes the vote back.
    #[cfg_attr(feature = "openapi", schema(minimum = -1, maximum = 1))]
    #[serde(deserialize_with = "integral_vote")]
    pub value: i8,
}

/// The tallies after a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteResponse {
    pub score: i64,
    pub upvotes: i64,
    pub downvotes: i64,
    pub my_vote: i8,
}

/// `POST /render`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenderRequest {
    #[cfg_attr(feature = "openapi", schema(max_length = 100000))]
    pub markdown: String,
}

/// What `POST /render` made of the markdown: exactly what a summary with it would publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenderResponse {
    pub html: String,
}

/// Longest comment, in characters.
pub const MAX_COMMENT_MARKDOWN: usize = 20_000;

/// A comment on a summary. Replies name their parent; the thread is the list in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: String,
    pub summary_id: String,
    /// The comment this one replies to.
    pub parent_id: Option<String>,
    /// `null` once deleted, and for the author of an anonymous summary commenting on it (except
    /// to that author and moderators).
    pub author: Option<UserRef>,
    /// Written by the summary's author.
    pub by_summary_author: bool,
    /// `[deleted]` once deleted: a deleted comment keeps its place in the thread.
    pub body_markdown: String,
    pub body_html: String,
    pub deleted: bool,
    /// Hidden by a moderator: `[hidden]` in its place for everyone but its author and
    /// moderators.
    pub hidden: bool,
    /// Changed since it was posted.
    pub edited: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /summaries/{id}/comments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCommentRequest {
    /// Markdown with math, as in summaries (up to 20,000 characters).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 20000, pattern = r"\S")
    )]
    pub body_markdown: String,
    /// The comment replied to; it must belong to the same summary.
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// `PATCH /comments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CommentChange {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 20000, pattern = r"\S")
    )]
    pub body_markdown: String,
}

/// Query of `GET /summaries/{id}/comments` (oldest first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CommentListQuery {
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Share token of an unlisted summary (from its `share_url`).
    pub share: Option<String>,
}

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "db",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
pub enum NotificationKind {
    /// A comment on one of my summaries.
    Comment,
    /// A reply to one of my comments.
    Reply,
    /// A new summary of a paper I follow.
    FollowedPaper,
}

/// Something to tell a user about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    pub summary_id: Option<String>,
    pub comment_id: Option<String>,
    pub paper_id: Option<String>,
    /// Who did it; `null` where naming them would unmask an anonymous author.
    pub actor: Option<UserRef>,
    /// One line saying what happened, e.g. "Ada commented on your summary of Mask R-CNN".
    pub text: String,
    /// The SPA path to open, e.g. `/summary/12#comment-40`.
    pub link: String,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

/// `GET /me/notifications`: newest first, with the number still unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<Notification>,
    pub next_cursor: Option<String>,
    pub unread: i64,
}

/// Query of `GET /me/notifications`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct NotificationListQuery {
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `POST /me/notifications/read`: mark notifications read, all of them or up to one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MarkReadQuery {
    /// The newest notification read (it and all older ones); absent: all of them.
    pub up_to: Option<String>,
}

/// Order of a summary list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SummarySort {
    /// Newest first.
    #[default]
    New,
    /// Highest score first.
    Top,
    /// Most read and voted on lately: page views and votes of the last two weeks, each worth
    /// half as much per two days of age (kept current by a job every few minutes).
    Popular,
}

impl SummarySort {
    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            SummarySort::New => "new",
            SummarySort::Top => "top",
            SummarySort::Popular => "popular",
        }
    }
}

/// How far back `sort=top` looks: summaries written in the last day, week or month, or ever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    Week,
    Month,
    #[default]
    All,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::All];

    /// The name used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::All => "all",
        }
    }

    /// Its length in days; `None` for all time.
    pub fn days(self) -> Option<i64> {
        match self {
            Period::Day => Some(1),
            Period::Week => Some(7),
            Period::Month => Some(30),
            Period::All => None,
        }
    }
}

/// Order of a paper list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaperSort {
    /// Most recently added first.
    #[default]
    Recent,
    /// Most summaries first.
    MostSummarized,
    /// Most read lately, with the popularity of its summaries (see `SummarySort::Popular`).
    Popular,
}

/// Query of `GET /summaries` and `GET /papers/{id}/summaries`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SummaryListQuery {
    #[serde(default)]
    pub sort: SummarySort,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /summaries`: the site's summaries in one order, narrowed by any of the filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SummaryFeedQuery {
    #[serde(default)]
    pub sort: SummarySort,
    /// With `sort=top`: only summaries written in this period (default `all`). Ignored by the
    /// other orders.
    #[serde(default)]
    pub period: Period,
    /// Only summaries of papers in this field.
    pub category: Option<Category>,
    /// Only summaries with this tag (as stored: lowercase, `-` for spaces).
    #[cfg_attr(feature = "openapi", param(max_length = 40))]
    pub tag: Option<String>,
    /// Only summaries of this paper (its id).
    pub paper: Option<String>,
    /// Only this author's summaries that carry their name (their username).
    #[cfg_attr(feature = "openapi", param(max_length = 40))]
    pub author: Option<String>,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /summaries/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct GetSummaryQuery {
    /// Share token of an unlisted summary (from its `share_url`).
    pub share: Option<String>,
}

/// Query of `GET /papers`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PaperListQuery {
    /// Words to find in the title, authors or abstract (full-text search; the last word may
    /// be the start of a word). Papers are still listed in `sort` order.
    #[cfg_attr(feature = "openapi", param(max_length = 200))]
    pub q: Option<String>,
    pub venue: Option<String>,
    pub year: Option<i32>,
    pub category: Option<Category>,
    #[serde(default)]
    pub sort: PaperSort,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Body of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when healthy.
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_may_be_integral_floats_but_not_fractions() {
        let change = |json: &str| serde_json::from_str::<PaperChange>(json);
        assert_eq!(change(r#"{"year": 2017}"#).unwrap().year, Some(2017));
        assert_eq!(change(r#"{"year": 2017.0}"#).unwrap().year, Some(2017));
        assert_eq!(change(r#"{"year": null}"#).unwrap().year, None);
        assert_eq!(change("{}").unwrap().year, None);
        assert!(change(r#"{"year": 2017.5}"#).is_err());
        assert!(change(r#"{"year": 1e12}"#).is_err());
    }
}

/// Longest search query, in characters.
pub const MAX_SEARCH_QUERY: usize = 200;
/// Search hits go this deep at most (ranked lists are paged by position).
pub const MAX_SEARCH_DEPTH: u64 = 1000;

/// What `GET /search` looks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SearchType {
    Papers,
    Summaries,
    #[default]
    All,
}

/// Query of `GET /search`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Words to find. Any text is accepted: words are letters and digits, everything else
    /// separates them, all words must match, and the last may be the start of a word.
    #[cfg_attr(feature = "openapi", param(min_length = 1, max_length = 200))]
    pub q: String,
    #[serde(default, rename = "type")]
    pub kind: SearchType,
    /// Only papers (and summaries of papers) in this field.
    pub category: Option<Category>,
    /// Only papers (and summaries of papers) of this year.
    pub year: Option<i32>,
    /// Page size, 1 to 100 (default 20).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Whether a hit is a paper or a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Paper,
    Summary,
}

/// One search hit, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: HitKind,
    /// Relevance: larger is better; comparable within one answer.
    pub rank: f64,
    /// The matching passage as HTML: text escaped, matched words in `<mark>`.
    pub snippet: String,
    /// The paper (for summary hits too: the paper summarised).
    pub paper: PaperRef,
    /// The summary, for summary hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// Page views of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayViews {
    /// The UTC day, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub day: String,
    pub views: i64,
}

/// A summary's readers over the last days (its author and moderators only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ViewStats {
    /// Every view since the summary was written (one per reader per hour).
    pub total: i64,
    /// The last 30 days, oldest first, days without views included.
    pub days: Vec<DayViews>,
}

/// A tag and how many listed summaries carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    pub tag: String,
    pub summary_count: i64,
}
