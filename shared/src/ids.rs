//! Validated identifiers: usernames and the ways papers are named (arXiv ids, DOIs, DBLP keys).
//!
//! Each type's `parse` is the only place its format is checked, so holding a value is proof that it
//! is well formed; the server parses at the edge and the SPA's forms show the very same messages.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why an identifier was rejected.
///
/// The messages are shown under form fields and in 422 problem bodies after the field's name, so
/// they are short, user-facing and never mention internals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must be 3 to 32 characters: a-z, 0-9, _ or -")]
    Username,
    #[error("must be an arXiv id such as 1703.06870, 1703.06870v2 or hep-th/9711200")]
    ArxivId,
    #[error("must be a DOI such as 10.1109/iccv.2017.322")]
    Doi,
    #[error("must be a DBLP key such as conf/icml/FinnAL17")]
    DblpKey,
    #[error("must be a paper key such as arxiv:1703.06870, without spaces, ? or #")]
    PaperKey,
    #[error("must be an arXiv id, a DOI or a DBLP key, or a link to one")]
    Identifier,
}

/// Conversions shared by the string-backed newtypes. Everything funnels into `parse`, so a value
/// deserialized from JSON or read from a form is checked exactly like one built in code.
macro_rules! string_newtype_impls {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(s: String) -> Result<Self, IdError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Username
// ---------------------------------------------------------------------------------------------

/// A username: 3 to 32 characters from `a-z`, `0-9`, `_` and `-`. Input is case-insensitive and
/// stored in lowercase, so `Alice` and `alice` are the same account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(value_type = String, pattern = "^[A-Za-z0-9_-]{3,32}$", examples("alice_42"))
)]
pub struct Username(String);

impl Username {
    const MIN_LEN: usize = 3;
    const MAX_LEN: usize = 32;

    /// Checks the format and lowercases; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        // Byte checks on purpose: Unicode case folding would let look-alikes (e.g. the Kelvin
        // sign, which lowercases to `k`) impersonate other users.
        let well_formed = (Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !well_formed {
            return Err(IdError::Username);
        }
        Ok(Self(s.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_impls!(Username);

// ---------------------------------------------------------------------------------------------
// arXiv
// ---------------------------------------------------------------------------------------------

/// An arXiv identifier, new style (`1703.06870`, `0704.0001`) or old style (`hep-th/9711200`,
/// `math/0309136`), with an optional version (`v2`).
///
/// Shown and serialized with its version, if any. Old-style ids lose their subject class
/// (`math.GT/0309136` becomes `math/0309136`), as in arXiv's own preferred form, so both spellings
/// name the same paper.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = String,
        pattern = r"^([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7})(v[1-9][0-9]*)?$",
        examples("1703.06870", "1703.06870v3", "hep-th/9711200")
    )
)]
pub struct ArxivId(String);

impl ArxivId {
    /// The longest archive name is 8 characters (`astro-ph`); the bound keeps junk out of URLs.
    const MAX_ARCHIVE_LEN: usize = 16;

    /// Accepts exactly an arXiv id (optionally versioned); surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_exact(non_empty(input)?)
    }

    /// Also accepts what people paste: an `arXiv:` prefix (any case) and arxiv.org `/abs/` and
    /// `/pdf/` links (with or without scheme, `www.` or `export.`, `.pdf`, trailing slash, query).
    pub fn parse_loose(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        Self::parse_marked(s).unwrap_or_else(|| Self::parse_exact(s))
    }

    /// The id without its version, e.g. `1703.06870`: what names the paper.
    pub fn as_str(&self) -> &str {
        split_arxiv_version(&self.0).0
    }

    /// Same as [`ArxivId::as_str`].
    pub fn base(&self) -> &str {
        self.as_str()
    }

    /// The version given in the input, if any (`1703.06870v3` → 3).
    pub fn version(&self) -> Option<u32> {
        split_arxiv_version(&self.0).1.and_then(|v| v.parse().ok())
    }

    /// The same id without version: versions of one arXiv id are one paper.
    pub fn unversioned(&self) -> Self {
        Self(self.as_str().to_owned())
    }

    /// `None` when nothing marks `s` as meant to be an arXiv id (no prefix, no arxiv.org link),
    /// so callers can try other kinds; otherwise the outcome for that id.
    fn parse_marked(s: &str) -> Option<Result<Self, IdError>> {
        if let Some(rest) = strip_prefix_ignore_case(s, "arxiv:") {
            return Some(Self::parse_exact(rest.trim_start()));
        }
        let (host, path) = split_url(s)?;
        if !host_is_one_of(host, &["arxiv.org", "www.arxiv.org", "export.arxiv.org"]) {
            return None;
        }
        let path = path.strip_suffix('/').unwrap_or(path);
        let id = if let Some(id) = path.strip_prefix("/abs/") {
            Some(id)
        } else {
            path.strip_prefix("/pdf/")
                .map(|id| id.strip_suffix(".pdf").unwrap_or(id))
        };
        Some(id.ok_or(IdError::ArxivId).and_then(Self::parse_exact))
    }

    fn parse_exact(s: &str) -> Result<Self, IdError> {
        let (id, version) = split_arxiv_version(s);
        if let Some(version) = version {
            // arXiv never writes `v0` or `v01`; rejecting them keeps one spelling per version.
            let canonical =
                all_digits(version) && !version.starts_with('0') && version.parse::<u32>().is_ok();
            if !canonical {
                return Err(IdError::ArxivId);
            }
        }
        let mut canonical = if is_new_style_arxiv(id) {
            id.to_owned()
        } else {
            let (archive, number) = old_style_arxiv_parts(id).ok_or(IdError::ArxivId)?;
            format!("{archive}/{number}")
        };
        if let Some(version) = version {
            canonical.push('v');
            canonical.push_str(version);
        }
        Ok(Self(canonical))
    }
}

string_newtype_impls!(ArxivId);

/// Splits `1703.06870v2` into the id and `2`. Only the part after the last `/` can hold the
/// version, because old-style archive names may contain a `v` (`solv-int/9701001`).
fn split_arxiv_version(s: &str) -> (&str, Option<&str>) {
    let tail_start = s.rfind('/').map_or(0, |i| i + 1);
    match s[tail_start..].find('v') {
        Some(i) => (&s[..tail_start + i], Some(&s[tail_start + i + 1..])),
        None => (s, None),
    }
}

/// `YYMM.NNNN` from April 2007 (0704) to December 2014, `YYMM.NNNNN` since January 2015.
fn is_new_style_arxiv(id: &str) -> bool {
    let Some((yymm, number)) = id.split_once('.') else {
        return false;
    };
    if yymm.len() != 4 || !all_digits(yymm) || !all_digits(number) {
        return false;
    }
    let Ok(yymm) = yymm.parse::<u32>() else {
        return false;
    };
    let width = match yymm {
        ..704 => return false,
        704..=1412 => 4,
        _ => 5,
    };
    // Sequence numbers start at 1.
    (1..=12).contains(&(yymm % 100)) && number.len() == width && number.bytes().any(|b| b != b'0')
}

/// `archive(.SC)?/YYMMNNN` (1991 to March 2007) as `(archive, YYMMNNN)`.
fn old_style_arxiv_parts(id: &str) -> Option<(&str, &str)> {
    let (archive, number) = id.split_once('/')?;
    let archive = match archive.split_once('.') {
        Some((archive, subject)) => {
            let subject_ok = subject.len() == 2 && subject.bytes().all(|b| b.is_ascii_uppercase());
            subject_ok.then_some(archive)?
        }
        None => archive,
    };
    let archive_ok = (1..=ArxivId::MAX_ARCHIVE_LEN).contains(&archive.len())
        && archive.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !archive.starts_with('-')
        && !archive.ends_with('-');
    if !archive_ok || number.len() != 7 || !all_digits(number) {
        return None;
    }
    let yymm: u32 = number.get(..4)?.parse().ok()?;
    let in_old_scheme = yymm >= 9100 || yymm <= 703;
    let sequence_ok = number.get(4..)? != "000";
    (in_old_scheme && (1..=12).contains(&(yymm % 100)) && sequence_ok).then_some((archive, number))
}

// ---------------------------------------------------------------------------------------------
// DOI
// ---------------------------------------------------------------------------------------------

/// A DOI such as `10.1109/iccv.2017.322`, stored in lowercase because DOIs are case-insensitive
/// and one paper must have one spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = String,
        pattern = r"^10\.[0-9]+(\.[0-9]+)*/\S+$",
        examples("10.1109/iccv.2017.322")
    )
)]
pub struct Doi(String);

impl Doi {
    /// Real DOIs stay far below this; the bound keeps keys and URLs built from them sane.
    const MAX_LEN: usize = 300;

    /// Accepts exactly a DOI (`10.<registrant>/<suffix>`); surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_exact(non_empty(input)?)
    }

    /// Also accepts a `doi:` prefix (any case) and doi.org / dx.doi.org links, percent-decoded.
    pub fn parse_loose(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        Self::parse_marked(s).unwrap_or_else(|| Self::parse_exact(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `None` when nothing marks `s` as meant to be a DOI (no prefix, no doi.org link).
    fn parse_marked(s: &str) -> Option<Result<Self, IdError>> {
        if let Some(rest) = strip_prefix_ignore_case(s, "doi:") {
            return Some(Self::parse_exact(rest.trim_start()));
        }
        let (host, path) = split_url(s)?;
        if !host_is_one_of(host, &["doi.org", "dx.doi.org", "www.doi.org"]) {
            return None;
        }
        // Links often encode the slash and brackets of the suffix (`10.1000%2Fxyz`).
        let doi = path.strip_prefix('/').and_then(percent_decode);
        Some(doi.ok_or(IdError::Doi).and_then(|doi| Self::parse_exact(&doi)))
    }

    fn parse_exact(s: &str) -> Result<Self, IdError> {
        check_len(s, Self::MAX_LEN)?;
        let (registrant, suffix) = s
            .strip_prefix("10.")
            .and_then(|rest| rest.split_once('/'))
            .ok_or(IdError::Doi)?;
        let well_formed = registrant.split('.').all(all_digits)
            && !suffix.is_empty()
            && !suffix.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(IdError::Doi);
        }
        // ASCII only: the DOI handbook makes ASCII letters case-insensitive, nothing more.
        Ok(Self(s.to_ascii_lowercase()))
    }
}

string_newtype_impls!(Doi);

// ---------------------------------------------------------------------------------------------
// DBLP
// ---------------------------------------------------------------------------------------------

/// A DBLP record key such as `conf/icml/FinnAL17` or `journals/corr/LinDGHHB16`. Case matters to
/// DBLP, so it is kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::ToSchema),
    schema(
        value_type = String,
        pattern = r"^(conf|journals|books|phd|series|reference|tr|www|ms|persons|homepages)(/[A-Za-z0-9_.-]+){2,}$",
        examples("conf/icml/FinnAL17")
    )
)]
pub struct DblpKey(String);

impl DblpKey {
    const MAX_LEN: usize = 200;
    /// DBLP's record kinds; anything else is a typo or not a DBLP key at all.
    const KINDS: [&str; 11] = [
        "conf",
        "journals",
        "books",
        "phd",
        "series",
        "reference",
        "tr",
        "www",
        "ms",
        "persons",
        "homepages",
    ];

    /// Accepts exactly a DBLP key; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_exact(non_empty(input)?)
    }

    /// Also accepts a `dblp:` prefix (any case; DBLP's own BibTeX keys look like
    /// `DBLP:conf/icml/FinnAL17`) and `dblp.org/rec/<key>` links with `.html`, `.xml` or `.bib`.
    pub fn parse_loose(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        Self::parse_marked(s).unwrap_or_else(|| Self::parse_exact(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `None` when nothing marks `s` as meant to be a DBLP key (no prefix, no dblp.org link).
    fn parse_marked(s: &str) -> Option<Result<Self, IdError>> {
        if let Some(rest) = strip_prefix_ignore_case(s, "dblp:") {
            return Some(Self::parse_exact(rest.trim_start()));
        }
        let (host, path) = split_url(s)?;
        if !host_is_one_of(host, &["dblp.org", "www.dblp.org", "dblp.uni-trier.de"]) {
            return None;
        }
        let key = path.strip_prefix("/rec/").map(|key| {
            let key = key.strip_suffix('/').unwrap_or(key);
            [".html", ".xml", ".bib"]
                .iter()
                .find_map(|ext| key.strip_suffix(ext))
                .unwrap_or(key)
        });
        Some(key.ok_or(IdError::DblpKey).and_then(Self::parse_exact))
    }

    fn parse_exact(s: &str) -> Result<Self, IdError> {
        check_len(s, Self::MAX_LEN)?;
        let mut segments = s.split('/');
        let kind_ok = segments.next().is_some_and(|kind| Self::KINDS.contains(&kind));
        let (count, all_ok) = segments.fold((0, true), |(count, ok), segment| {
            (count + 1, ok && is_dblp_segment(segment))
        });
        if !(kind_ok && all_ok && count >= 2) {
            return Err(IdError::DblpKey);
        }
        Ok(Self(s.to_owned()))
    }
}

string_newtype_impls!(DblpKey);

fn is_dblp_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
        // Keys end up in upstream URLs (`dblp.org/rec/<key>.xml`): no `.`/`..` path tricks.
        && segment.bytes().any(|b| b != b'.')
}

// ---------------------------------------------------------------------------------------------
// Paper keys
// ---------------------------------------------------------------------------------------------

/// A key from the original site that is not an arXiv id or DOI, e.g. `journals/corr/LinDGHHB16`:
/// 1 to 200 printable ASCII characters without spaces, `?` or `#`.
///
/// Only [`PaperKey::parse`] makes one, so a legacy key can never be mistaken for another kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegacyKey(String);

impl LegacyKey {
    const MAX_LEN: usize = 200;

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parse_exact(s: &str) -> Result<Self, IdError> {
        check_len(s, Self::MAX_LEN)?;
        // `?` and `#` would break the legacy `/paper?bibtexKey=` redirect URLs built from keys.
        let well_formed = s.bytes().all(|b| b.is_ascii_graphic() && b != b'?' && b != b'#');
        if !well_formed {
            return Err(IdError::PaperKey);
        }
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for LegacyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The canonical key of a paper: `arxiv:1703.06870`, `doi:10.1109/iccv.2017.322`,
/// `dblp:conf/icml/FinnAL17`, or a legacy key from the original site kept as it was.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum PaperKey {
    /// Unversioned when built by `parse`, `identify` or `From<ArxivId>`; the key never shows
    /// a version either way.
    Arxiv(ArxivId),
    Doi(Doi),
    Dblp(DblpKey),
    Legacy(LegacyKey),
}

impl PaperKey {
    /// Reads a stored or linked key: `arxiv:`, `doi:` and `dblp:` keys (prefix in any case;
    /// arXiv versions dropped), a bare arXiv id or DOI, and otherwise a legacy key.
    ///
    /// A bare DBLP-looking key stays a legacy key here, because that is how the original site's
    /// keys (`journals/corr/LinDGHHB16`) were stored. For user input use [`PaperKey::identify`].
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        if let Some(rest) = strip_prefix_ignore_case(s, "arxiv:") {
            return ArxivId::parse_exact(rest).map(Self::from);
        }
        if let Some(rest) = strip_prefix_ignore_case(s, "doi:") {
            return Doi::parse_exact(rest).map(Self::Doi);
        }
        if let Some(rest) = strip_prefix_ignore_case(s, "dblp:") {
            return DblpKey::parse_exact(rest).map(Self::Dblp);
        }
        if let Ok(id) = ArxivId::parse_exact(s) {
            return Ok(Self::from(id));
        }
        if let Ok(doi) = Doi::parse_exact(s) {
            return Ok(Self::Doi(doi));
        }
        LegacyKey::parse_exact(s).map(Self::Legacy)
    }

    /// Recognises any identifier a user might paste: arXiv id or link, DOI or doi.org link,
    /// DBLP key or dblp.org link, or a prefixed key. Never returns [`PaperKey::Legacy`]: the
    /// import endpoint needs something it can fetch, and resolve also tries [`PaperKey::parse`]
    /// for legacy keys.
    pub fn identify(input: &str) -> Result<Self, IdError> {
        let s = non_empty(input)?;
        // Precedence: a prefix or a known host states what the user meant, so its kind decides
        // and its error is reported (`arxiv:1713.00001` is a bad arXiv id, not "unknown").
        // Bare forms come next; they cannot overlap (a new-style arXiv id has no `/`, an
        // old-style one has two segments, a DOI starts with `10.`, a DBLP key with its kind),
        // so their order only fixes which is tried first. A bare `journals/corr/...` is
        // therefore a DBLP key here, unlike in `parse`.
        if let Some(result) = ArxivId::parse_marked(s) {
            return result.map(Self::from);
        }
        if let Some(result) = Doi::parse_marked(s) {
            return result.map(Self::Doi);
        }
        if let Some(result) = DblpKey::parse_marked(s) {
            return result.map(Self::Dblp);
        }
        if let Ok(id) = ArxivId::parse_exact(s) {
            return Ok(Self::from(id));
        }
        if let Ok(doi) = Doi::parse_exact(s) {
            return Ok(Self::Doi(doi));
        }
        DblpKey::parse_exact(s)
            .map(Self::Dblp)
            .map_err(|_| IdError::Identifier)
    }

    /// The key as stored and shown; the same as `to_string()`.
    pub fn as_string(&self) -> String {
        self.to_string()
    }
}

impl From<ArxivId> for PaperKey {
    fn from(id: ArxivId) -> Self {
        Self::Arxiv(id.unversioned())
    }
}

impl From<Doi> for PaperKey {
    fn from(doi: Doi) -> Self {
        Self::Doi(doi)
    }
}

impl From<DblpKey> for PaperKey {
    fn from(key: DblpKey) -> Self {
        Self::Dblp(key)
    }
}

impl fmt::Display for PaperKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Arxiv(id) => write!(f, "arxiv:{}", id.as_str()),
            Self::Doi(doi) => write!(f, "doi:{doi}"),
            Self::Dblp(key) => write!(f, "dblp:{key}"),
            Self::Legacy(key) => f.write_str(key.as_str()),
        }
    }
}

impl FromStr for PaperKey {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PaperKey {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, IdError> {
        Self::parse(&s)
    }
}

impl From<PaperKey> for String {
    fn from(key: PaperKey) -> String {
        key.to_string()
    }
}

// The derive cannot describe an enum serialized as one string, so the schema is written out.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for PaperKey {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "The canonical key of a paper: `arxiv:<id>`, `doi:<doi>`, `dblp:<key>`, \
                 or a legacy key from the original site.",
            ))
            .examples([
                "arxiv:1703.06870",
                "doi:10.1109/iccv.2017.322",
                "dblp:conf/icml/FinnAL17",
                "journals/corr/LinDGHHB16",
            ])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for PaperKey {}

// ---------------------------------------------------------------------------------------------
// Small parsing helpers
// ---------------------------------------------------------------------------------------------

fn non_empty(input: &str) -> Result<&str, IdError> {
    let s = input.trim();
    if s.is_empty() { Err(IdError::Empty) } else { Ok(s) }
}

fn check_len(s: &str, max: usize) -> Result<(), IdError> {
    if s.chars().count() > max {
        Err(IdError::TooLong { max })
    } else {
        Ok(())
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.get(..prefix.len())?.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Splits `[http[s]://]host/path[?query][#fragment]` into host and path (starting with `/`).
/// The scheme is optional because people copy links from address bars that hide it.
fn split_url(s: &str) -> Option<(&str, &str)> {
    let rest = strip_prefix_ignore_case(s, "https://")
        .or_else(|| strip_prefix_ignore_case(s, "http://"))
        .unwrap_or(s);
    let (host, path) = rest.split_at(rest.find('/')?);
    let path = path.find(['?', '#']).map_or(path, |end| &path[..end]);
    Some((host, path))
}

fn host_is_one_of(host: &str, hosts: &[&str]) -> bool {
    hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(s.len());
    let mut input = s.bytes();
    while let Some(b) = input.next() {
        if b == b'%' {
            let high = hex_value(input.next()?)?;
            let low = hex_value(input.next()?)?;
            bytes.push((high << 4) | low);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

fn hex_value(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    // ---- Username ----------------------------------------------------------------------------

    #[test]
    fn username_accepts_and_lowercases() {
        let longest = "x".repeat(32);
        let cases = [
            ("alice", "alice"),
            ("Alice_42", "alice_42"),
            ("  bob-smith \n", "bob-smith"),
            ("abc", "abc"),
            ("___", "___"),
            ("a-b", "a-b"),
            ("0123456789", "0123456789"),
            (longest.as_str(), longest.as_str()),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"),
        ];
        for (input, expected) in cases {
            let name = Username::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(name.as_str(), expected, "{input:?}");
            assert_eq!(name.to_string(), expected, "{input:?}");
        }
    }

    #[test]
    fn username_rejects() {
        let too_long = "x".repeat(33);
        let cases = [
            ("", IdError::Empty),
            ("   ", IdError::Empty),
            ("ab", IdError::Username),
            (too_long.as_str(), IdError::Username),
            ("al.ice", IdError::Username),
            ("al ice", IdError::Username),
            ("álice", IdError::Username),
            ("ali\u{212A}e", IdError::Username), // Kelvin sign lowercases to `k`
            ("日本語の名前", IdError::Username),
            ("alice!", IdError::Username),
            ("alice@example.com", IdError::Username),
            ("a/b/c", IdError::Username),
        ];
        for (input, expected) in cases {
            assert_eq!(Username::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn username_is_case_insensitive() {
        assert_eq!(Username::parse("Alice"), Username::parse("aLiCe"));
    }

    // ---- arXiv -------------------------------------------------------------------------------

    /// (input, as_str/base, version, Display)
    const ARXIV_ACCEPTED: &[(&str, &str, Option<u32>, &str)] = &[
        ("1703.06870", "1703.06870", None, "1703.06870"),
        ("1703.06870v3", "1703.06870", Some(3), "1703.06870v3"),
        ("1703.06870v12", "1703.06870", Some(12), "1703.06870v12"),
        (" 1703.06870 ", "1703.06870", None, "1703.06870"),
        ("0704.0001", "0704.0001", None, "0704.0001"),
        ("0704.0001v1", "0704.0001", Some(1), "0704.0001v1"),
        ("1412.7878", "1412.7878", None, "1412.7878"),
        ("1501.00001", "1501.00001", None, "1501.00001"),
        ("2312.99999", "2312.99999", None, "2312.99999"),
        ("9912.12345v2", "9912.12345", Some(2), "9912.12345v2"),
        ("hep-th/9711200", "hep-th/9711200", None, "hep-th/9711200"),
        ("hep-th/9901001v1", "hep-th/9901001", Some(1), "hep-th/9901001v1"),
        ("hep-th/9108001", "hep-th/9108001", None, "hep-th/9108001"),
        ("math.GT/0309136", "math/0309136", None, "math/0309136"),
        ("math.CA/0611800v2", "math/0611800", Some(2), "math/0611800v2"),
        ("cs/0112017", "cs/0112017", None, "cs/0112017"),
        ("cond-mat/0011092", "cond-mat/0011092", None, "cond-mat/0011092"),
        (
            "solv-int/9701001v10",
            "solv-int/9701001",
            Some(10),
            "solv-int/9701001v10",
        ),
        ("quant-ph/0703999", "quant-ph/0703999", None, "quant-ph/0703999"),
    ];

    #[test]
    fn arxiv_accepts() {
        for &(input, base, version, display) in ARXIV_ACCEPTED {
            let id = ArxivId::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(id.as_str(), base, "{input:?}");
            assert_eq!(id.base(), base, "{input:?}");
            assert_eq!(id.version(), version, "{input:?}");
            assert_eq!(id.to_string(), display, "{input:?}");
            assert_eq!(id.unversioned().to_string(), base, "{input:?}");
            assert_eq!(id.unversioned().version(), None, "{input:?}");
            // The loose parser accepts everything the strict one does, identically.
            assert_eq!(ArxivId::parse_loose(input), Ok(id), "{input:?}");
        }
    }

    #[test]
    fn arxiv_rejects() {
        let cases = [
            ("", IdError::Empty),
            ("1713.00001", IdError::ArxivId),  // month 13
            ("1700.00001", IdError::ArxivId),  // month 00
            ("1703.0687", IdError::ArxivId),   // 4-digit number after 2014
            ("1412.78780", IdError::ArxivId),  // 5-digit number before 2015
            ("0703.0001", IdError::ArxivId),   // before the new scheme
            ("1703.00000", IdError::ArxivId),  // numbers start at 1
            ("0704.0000", IdError::ArxivId),   // numbers start at 1
            ("1703.068700", IdError::ArxivId), // 6 digits
            ("17030.6870", IdError::ArxivId),
            ("1703-06870", IdError::ArxivId),
            ("1703.06870.", IdError::ArxivId),
            ("1703.06870v0", IdError::ArxivId),
            ("1703.06870v01", IdError::ArxivId),
            ("1703.06870v", IdError::ArxivId),
            ("1703.06870V2", IdError::ArxivId),
            ("1703.06870v2x", IdError::ArxivId),
            ("1703.06870v99999999999", IdError::ArxivId), // overflows u32
            ("1703 .06870", IdError::ArxivId),
            ("1703.068 70", IdError::ArxivId),
            ("1703.06870 v2", IdError::ArxivId),
            ("HEP-TH/9711200", IdError::ArxivId), // uppercase archive
            ("Hep-th/9711200", IdError::ArxivId),
            ("hep_th/9711200", IdError::ArxivId),
            ("-th/9711200", IdError::ArxivId),
            ("hep-/9711200", IdError::ArxivId),
            ("/9711200", IdError::ArxivId),
            ("abcdefghijklmnopq/9711200", IdError::ArxivId), // archive too long
            ("math.gt/0309136", IdError::ArxivId),           // subject class must be uppercase
            ("math.GTX/0309136", IdError::ArxivId),
            ("math./0309136", IdError::ArxivId),
            ("hep-th/971120", IdError::ArxivId),   // 6 digits
            ("hep-th/97112001", IdError::ArxivId), // 8 digits
            ("hep-th/9713200", IdError::ArxivId),  // month 13
            ("hep-th/9700200", IdError::ArxivId),  // month 00
            ("hep-th/0704001", IdError::ArxivId),  // old scheme ended March 2007
            ("hep-th/8912001", IdError::ArxivId),  // before arXiv
            ("hep-th/9711000", IdError::ArxivId),  // numbers start at 1
            ("hep-th/9711200/1", IdError::ArxivId),
            ("hep-th/9711200v0", IdError::ArxivId),
            ("arXiv:1703.06870", IdError::ArxivId), // prefixes only in parse_loose
            ("https://arxiv.org/abs/1703.06870", IdError::ArxivId),
            ("v1", IdError::ArxivId),
        ];
        for (input, expected) in cases {
            assert_eq!(ArxivId::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn arxiv_loose_accepts() {
        let cases = [
            ("arXiv:1703.06870", "1703.06870"),
            ("ARXIV:1703.06870v2", "1703.06870v2"),
            ("arxiv: 1703.06870", "1703.06870"),
            (" arXiv:hep-th/9711200 ", "hep-th/9711200"),
            ("https://arxiv.org/abs/1703.06870", "1703.06870"),
            ("http://arxiv.org/abs/1703.06870v3", "1703.06870v3"),
            ("https://www.arxiv.org/abs/1703.06870", "1703.06870"),
            ("https://export.arxiv.org/abs/1703.06870/", "1703.06870"),
            ("HTTPS://ArXiv.org/abs/1703.06870", "1703.06870"),
            ("arxiv.org/abs/1703.06870", "1703.06870"),
            ("https://arxiv.org/pdf/1703.06870", "1703.06870"),
            ("https://arxiv.org/pdf/1703.06870v2", "1703.06870v2"),
            ("https://arxiv.org/pdf/1703.06870v2.pdf", "1703.06870v2"),
            ("http://export.arxiv.org/pdf/1703.06870.pdf/", "1703.06870"),
            ("https://arxiv.org/abs/hep-th/9711200", "hep-th/9711200"),
            ("https://arxiv.org/pdf/math.GT/0309136v1.pdf", "math/0309136v1"),
            ("https://arxiv.org/abs/1703.06870?context=cs", "1703.06870"),
            ("https://arxiv.org/abs/1703.06870#S2", "1703.06870"),
        ];
        for (input, expected) in cases {
            let id = ArxivId::parse_loose(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(id.to_string(), expected, "{input:?}");
        }
    }

    #[test]
    fn arxiv_loose_rejects() {
        let cases = [
            ("", IdError::Empty),
            ("arXiv:", IdError::ArxivId),
            ("arXiv:1713.00001", IdError::ArxivId),
            ("https://arxiv.org/abs/", IdError::ArxivId),
            ("https://arxiv.org/abs/1713.00001", IdError::ArxivId),
            ("https://arxiv.org/abs/1703.06870.pdf", IdError::ArxivId), // `.pdf` only on /pdf/
            ("https://arxiv.org/list/cs.LG/recent", IdError::ArxivId),
            ("https://example.org/abs/1703.06870", IdError::ArxivId),
            ("https://arxiv.org.evil.com/abs/1703.06870", IdError::ArxivId),
            ("ftp://arxiv.org/abs/1703.06870", IdError::ArxivId),
            ("doi:10.48550/arXiv.1703.06870", IdError::ArxivId),
            ("1703.06870 extra", IdError::ArxivId),
        ];
        for (input, expected) in cases {
            assert_eq!(ArxivId::parse_loose(input), Err(expected), "{input:?}");
        }
    }

    // ---- DOI ---------------------------------------------------------------------------------

    #[test]
    fn doi_accepts_and_lowercases() {
        let cases = [
            ("10.1109/ICCV.2017.322", "10.1109/iccv.2017.322"),
            ("10.1000/xyz123", "10.1000/xyz123"),
            (" 10.1/a ", "10.1/a"),
            ("10.1000.10/abc", "10.1000.10/abc"),
            ("10.1000/a/b/c", "10.1000/a/b/c"),
            ("10.48550/arXiv.1703.06870", "10.48550/arxiv.1703.06870"),
            (
                "10.1002/(SICI)1097-4636(199709)36:3<424::AID-JBM17>3.0.CO;2-M",
                "10.1002/(sici)1097-4636(199709)36:3<424::aid-jbm17>3.0.co;2-m",
            ),
            ("10.1000/Café", "10.1000/café"),
        ];
        for (input, expected) in cases {
            let doi = Doi::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(doi.as_str(), expected, "{input:?}");
            assert_eq!(doi.to_string(), expected, "{input:?}");
            assert_eq!(Doi::parse_loose(input), Ok(doi), "{input:?}");
        }
    }

    #[test]
    fn doi_rejects() {
        let too_long = format!("10.1000/{}", "a".repeat(300));
        let cases = [
            ("", IdError::Empty),
            ("10.abc/x", IdError::Doi),
            ("10./x", IdError::Doi),
            ("10.1000./x", IdError::Doi),
            ("10..1000/x", IdError::Doi),
            ("10.1000/", IdError::Doi), // missing suffix
            ("10.1000", IdError::Doi),
            ("11.1000/x", IdError::Doi),
            ("1.1000/x", IdError::Doi),
            ("10 .1000/x", IdError::Doi),
            ("10.1000/has space", IdError::Doi),
            ("10.1000/tab\there", IdError::Doi),
            ("10.1000/nul\u{0}", IdError::Doi),
            ("doi:10.1000/x", IdError::Doi), // prefixes only in parse_loose
            ("https://doi.org/10.1000/x", IdError::Doi),
            (too_long.as_str(), IdError::TooLong { max: 300 }),
        ];
        for (input, expected) in cases {
            assert_eq!(Doi::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn doi_loose_accepts() {
        let cases = [
            ("doi:10.1109/ICCV.2017.322", "10.1109/iccv.2017.322"),
            ("DOI: 10.1109/iccv.2017.322", "10.1109/iccv.2017.322"),
            ("https://doi.org/10.1109/ICCV.2017.322", "10.1109/iccv.2017.322"),
            ("http://dx.doi.org/10.1109/iccv.2017.322", "10.1109/iccv.2017.322"),
            (
                "https://dx.doi.org/10.1109/iccv.2017.322",
                "10.1109/iccv.2017.322",
            ),
            (
                "https://www.doi.org/10.1109/iccv.2017.322",
                "10.1109/iccv.2017.322",
            ),
            ("doi.org/10.1109/iccv.2017.322", "10.1109/iccv.2017.322"),
            ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
            ("https://doi.org/10.1000%2fxyz", "10.1000/xyz"),
            (
                "https://doi.org/10.1002/%28SICI%291097-4636",
                "10.1002/(sici)1097-4636",
            ),
            ("https://doi.org/10.1000/xyz?ref=x#top", "10.1000/xyz"),
        ];
        for (input, expected) in cases {
            let doi = Doi::parse_loose(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(doi.as_str(), expected, "{input:?}");
        }
    }

    #[test]
    fn doi_loose_rejects() {
        let cases = [
            ("doi:", IdError::Doi),
            ("doi:10.abc/x", IdError::Doi),
            ("https://doi.org/", IdError::Doi),
            ("https://doi.org/10.1000/x%2", IdError::Doi),
            ("https://doi.org/10.1000/x%zz", IdError::Doi),
            ("https://doi.org/10.1000/a%20b", IdError::Doi), // decodes to a space
            ("https://doi.org/10.1000/%FF", IdError::Doi),   // not UTF-8
            ("https://example.org/10.1000/x", IdError::Doi),
        ];
        for (input, expected) in cases {
            assert_eq!(Doi::parse_loose(input), Err(expected), "{input:?}");
        }
    }

    // ---- DBLP --------------------------------------------------------------------------------

    #[test]
    fn dblp_accepts_and_keeps_case() {
        let cases = [
            "conf/icml/FinnAL17",
            "journals/corr/LinDGHHB16",
            "journals/corr/abs-1703-06870",
            "conf/nips/KingmaW13",
            "books/sp/18/Smith18",
            "phd/us/Smith2010",
            "series/lncs/Foo",
            "reference/ml/Bar",
            "tr/cmu/CMU-CS-01-101",
            "www/org/w3",
            "ms/Foo/Bar",
            "persons/a/Ley",
            "homepages/f/ChelseaFinn",
            "journals/x/A.B_c-d",
        ];
        for input in cases {
            let key = DblpKey::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(key.as_str(), input);
            assert_eq!(key.to_string(), input);
            assert_eq!(DblpKey::parse_loose(input), Ok(key), "{input:?}");
        }
        assert_eq!(
            DblpKey::parse(" conf/icml/FinnAL17\t").map(String::from),
            Ok("conf/icml/FinnAL17".to_owned())
        );
    }

    #[test]
    fn dblp_rejects() {
        let too_long = format!("conf/icml/{}", "a".repeat(200));
        let cases = [
            ("", IdError::Empty),
            ("conf/icml", IdError::DblpKey), // 2 segments
            ("conf", IdError::DblpKey),
            ("foo/icml/FinnAL17", IdError::DblpKey), // unknown kind
            ("Conf/icml/FinnAL17", IdError::DblpKey),
            ("conf//FinnAL17", IdError::DblpKey),
            ("conf/icml/FinnAL17/", IdError::DblpKey),
            ("/conf/icml/FinnAL17", IdError::DblpKey),
            ("conf/icml/Finn AL17", IdError::DblpKey),
            ("conf/icml/O'Brien17", IdError::DblpKey),
            ("conf/icml/Finné17", IdError::DblpKey),
            ("conf/../x", IdError::DblpKey),
            ("conf/icml/..", IdError::DblpKey),
            ("conf/icml/.", IdError::DblpKey),
            ("dblp:conf/icml/FinnAL17", IdError::DblpKey), // prefixes only in parse_loose
            (too_long.as_str(), IdError::TooLong { max: 200 }),
        ];
        for (input, expected) in cases {
            assert_eq!(DblpKey::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn dblp_loose_accepts() {
        let cases = [
            "dblp:conf/icml/FinnAL17",
            "DBLP:conf/icml/FinnAL17",
            "https://dblp.org/rec/conf/icml/FinnAL17",
            "https://dblp.org/rec/conf/icml/FinnAL17.html",
            "https://dblp.org/rec/conf/icml/FinnAL17.xml",
            "https://dblp.org/rec/conf/icml/FinnAL17.bib",
            "https://dblp.org/rec/conf/icml/FinnAL17.bib?param=1",
            "https://dblp.org/rec/conf/icml/FinnAL17/",
            "http://dblp.org/rec/conf/icml/FinnAL17",
            "https://www.dblp.org/rec/conf/icml/FinnAL17",
            "https://dblp.uni-trier.de/rec/conf/icml/FinnAL17.html",
            "dblp.org/rec/conf/icml/FinnAL17",
        ];
        for input in cases {
            let key = DblpKey::parse_loose(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(key.as_str(), "conf/icml/FinnAL17", "{input:?}");
        }
    }

    #[test]
    fn dblp_loose_rejects() {
        let cases = [
            ("dblp:", IdError::DblpKey),
            ("dblp:conf/icml", IdError::DblpKey),
            ("https://dblp.org/pid/123/456", IdError::DblpKey),
            ("https://dblp.org/rec/conf/icml", IdError::DblpKey),
            ("https://dblp.org/rec/", IdError::DblpKey),
            ("https://dblp.org/rec/foo/icml/FinnAL17", IdError::DblpKey),
            ("https://example.org/rec/conf/icml/FinnAL17", IdError::DblpKey),
        ];
        for (input, expected) in cases {
            assert_eq!(DblpKey::parse_loose(input), Err(expected), "{input:?}");
        }
    }

    // ---- PaperKey ----------------------------------------------------------------------------

    #[derive(Debug, PartialEq)]
    enum Kind {
        Arxiv,
        Doi,
        Dblp,
        Legacy,
    }

    fn kind(key: &PaperKey) -> Kind {
        match key {
            PaperKey::Arxiv(_) => Kind::Arxiv,
            PaperKey::Doi(_) => Kind::Doi,
            PaperKey::Dblp(_) => Kind::Dblp,
            PaperKey::Legacy(_) => Kind::Legacy,
        }
    }

    #[test]
    fn paper_key_parse_accepts() {
        let cases = [
            ("arxiv:1703.06870", Kind::Arxiv, "arxiv:1703.06870"),
            ("arXiv:1703.06870v3", Kind::Arxiv, "arxiv:1703.06870"),
            ("ARXIV:hep-th/9711200", Kind::Arxiv, "arxiv:hep-th/9711200"),
            ("arxiv:math.GT/0309136", Kind::Arxiv, "arxiv:math/0309136"),
            (
                "doi:10.1109/iccv.2017.322",
                Kind::Doi,
                "doi:10.1109/iccv.2017.322",
            ),
            (
                "DOI:10.1109/ICCV.2017.322",
                Kind::Doi,
                "doi:10.1109/iccv.2017.322",
            ),
            ("dblp:conf/icml/FinnAL17", Kind::Dblp, "dblp:conf/icml/FinnAL17"),
            ("DBLP:conf/icml/FinnAL17", Kind::Dblp, "dblp:conf/icml/FinnAL17"),
            ("1703.06870", Kind::Arxiv, "arxiv:1703.06870"),
            ("1703.06870v2", Kind::Arxiv, "arxiv:1703.06870"),
            ("cs/0112017", Kind::Arxiv, "arxiv:cs/0112017"),
            ("10.1109/ICCV.2017.322", Kind::Doi, "doi:10.1109/iccv.2017.322"),
            (" arxiv:1703.06870 ", Kind::Arxiv, "arxiv:1703.06870"),
            // The original site's keys stay as they were, even when they look like DBLP keys.
            (
                "journals/corr/LinDGHHB16",
                Kind::Legacy,
                "journals/corr/LinDGHHB16",
            ),
            ("conf/nips/KingmaW13", Kind::Legacy, "conf/nips/KingmaW13"),
            ("some-old:Key_1", Kind::Legacy, "some-old:Key_1"),
            // Not valid as an arXiv id or DOI, so opaque legacy keys rather than errors.
            ("1713.00001", Kind::Legacy, "1713.00001"),
            ("10.abc/x", Kind::Legacy, "10.abc/x"),
            // `parse` does not interpret links; `identify` does.
            (
                "https://arxiv.org/abs/1703.06870",
                Kind::Legacy,
                "https://arxiv.org/abs/1703.06870",
            ),
        ];
        for (input, expected_kind, expected) in cases {
            let key = PaperKey::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(kind(&key), expected_kind, "{input:?}");
            assert_eq!(key.to_string(), expected, "{input:?}");
            assert_eq!(key.as_string(), expected, "{input:?}");
            // Canonical keys read back as themselves.
            assert_eq!(PaperKey::parse(expected), Ok(key), "{input:?}");
        }
        let longest = "k".repeat(200);
        assert_eq!(PaperKey::parse(&longest).map(String::from), Ok(longest));
    }

    #[test]
    fn paper_key_parse_rejects() {
        let too_long = "k".repeat(201);
        let cases = [
            ("", IdError::Empty),
            (" \t", IdError::Empty),
            ("arxiv:1713.00001", IdError::ArxivId),
            ("arxiv:", IdError::ArxivId),
            ("arxiv: 1703.06870", IdError::ArxivId),
            ("arxiv:https://arxiv.org/abs/1703.06870", IdError::ArxivId),
            ("doi:10.abc/x", IdError::Doi),
            ("doi:", IdError::Doi),
            ("dblp:conf/icml", IdError::DblpKey),
            ("dblp:foo/bar/baz", IdError::DblpKey),
            ("has space", IdError::PaperKey),
            ("key?x=1", IdError::PaperKey),
            ("key#frag", IdError::PaperKey),
            ("ünïcode", IdError::PaperKey),
            ("tab\tinside", IdError::PaperKey),
            ("del\u{7f}", IdError::PaperKey),
            (too_long.as_str(), IdError::TooLong { max: 200 }),
        ];
        for (input, expected) in cases {
            assert_eq!(PaperKey::parse(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn paper_key_identify_accepts() {
        let cases = [
            ("1703.06870", Kind::Arxiv, "arxiv:1703.06870"),
            ("1703.06870v3", Kind::Arxiv, "arxiv:1703.06870"),
            ("arXiv:1703.06870", Kind::Arxiv, "arxiv:1703.06870"),
            ("arxiv:1703.06870", Kind::Arxiv, "arxiv:1703.06870"),
            ("cs/0112017", Kind::Arxiv, "arxiv:cs/0112017"),
            (
                "https://arxiv.org/abs/1703.06870v2",
                Kind::Arxiv,
                "arxiv:1703.06870",
            ),
            (
                "https://arxiv.org/pdf/cs/0112017v1.pdf",
                Kind::Arxiv,
                "arxiv:cs/0112017",
            ),
            ("10.1109/ICCV.2017.322", Kind::Doi, "doi:10.1109/iccv.2017.322"),
            (
                "doi:10.1109/ICCV.2017.322",
                Kind::Doi,
                "doi:10.1109/iccv.2017.322",
            ),
            (
                "https://doi.org/10.1109/ICCV.2017.322",
                Kind::Doi,
                "doi:10.1109/iccv.2017.322",
            ),
            ("http://dx.doi.org/10.1000%2Fxyz", Kind::Doi, "doi:10.1000/xyz"),
            // DataCite's arXiv DOIs are DOIs: the user gave a DOI, so it is resolved as one.
            (
                "10.48550/arXiv.1703.06870",
                Kind::Doi,
                "doi:10.48550/arxiv.1703.06870",
            ),
            // Unlike `parse`, a bare DBLP-shaped key is a DBLP key here.
            (
                "journals/corr/LinDGHHB16",
                Kind::Dblp,
                "dblp:journals/corr/LinDGHHB16",
            ),
            ("conf/icml/FinnAL17", Kind::Dblp, "dblp:conf/icml/FinnAL17"),
            ("DBLP:conf/icml/FinnAL17", Kind::Dblp, "dblp:conf/icml/FinnAL17"),
            (
                "https://dblp.org/rec/conf/icml/FinnAL17.html",
                Kind::Dblp,
                "dblp:conf/icml/FinnAL17",
            ),
        ];
        for (input, expected_kind, expected) in cases {
            let key = PaperKey::identify(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(kind(&key), expected_kind, "{input:?}");
            assert_eq!(key.to_string(), expected, "{input:?}");
        }
    }

    #[test]
    fn paper_key_identify_rejects() {
        let cases = [
            ("", IdError::Empty),
            ("hello world", IdError::Identifier),
            ("some-legacy-key", IdError::Identifier),
            ("1713.00001", IdError::Identifier),
            ("https://example.org/paper/1", IdError::Identifier),
            // A prefix or known host says what was meant, so that kind's message is shown.
            ("arxiv:1713.00001", IdError::ArxivId),
            ("https://arxiv.org/abs/", IdError::ArxivId),
            ("doi:10.abc/x", IdError::Doi),
            ("https://doi.org/", IdError::Doi),
            ("https://dblp.org/rec/conf/icml", IdError::DblpKey),
            ("dblp:journals/corr", IdError::DblpKey),
        ];
        for (input, expected) in cases {
            assert_eq!(PaperKey::identify(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn paper_key_from_arxiv_id_drops_version() {
        let id = ArxivId::parse("1703.06870v3").unwrap();
        assert_eq!(PaperKey::from(id), PaperKey::parse("arxiv:1703.06870").unwrap());
    }

    // ---- serde, Display, FromStr -------------------------------------------------------------

    fn round_trip<T>(value: &T, json: &str)
    where
        T: Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
    {
        assert_eq!(serde_json::to_string(value).unwrap(), json);
        assert_eq!(&serde_json::from_str::<T>(json).unwrap(), value);
    }

    #[test]
    fn serde_round_trips_as_plain_strings() {
        round_trip(&Username::parse("Alice").unwrap(), r#""alice""#);
        round_trip(&ArxivId::parse("1703.06870v3").unwrap(), r#""1703.06870v3""#);
        round_trip(&ArxivId::parse("hep-th/9711200").unwrap(), r#""hep-th/9711200""#);
        round_trip(
            &Doi::parse("10.1109/ICCV.2017.322").unwrap(),
            r#""10.1109/iccv.2017.322""#,
        );
        round_trip(
            &DblpKey::parse("conf/icml/FinnAL17").unwrap(),
            r#""conf/icml/FinnAL17""#,
        );
        for key in [
            "arxiv:1703.06870",
            "doi:10.1109/iccv.2017.322",
            "dblp:conf/icml/FinnAL17",
            "journals/corr/LinDGHHB16",
        ] {
            round_trip(&PaperKey::parse(key).unwrap(), &format!("\"{key}\""));
        }
    }

    #[test]
    fn deserialize_normalises_like_parse() {
        let name: Username = serde_json::from_str(r#""Alice""#).unwrap();
        assert_eq!(name.as_str(), "alice");
        let key: PaperKey = serde_json::from_str(r#""arXiv:1703.06870v2""#).unwrap();
        assert_eq!(key.to_string(), "arxiv:1703.06870");
    }

    #[test]
    fn deserialize_rejects_invalid_with_the_user_facing_message() {
        let err = serde_json::from_str::<Username>(r#""a b""#).unwrap_err();
        assert!(err.to_string().contains(&IdError::Username.to_string()), "{err}");
        let err = serde_json::from_str::<ArxivId>(r#""1713.00001""#).unwrap_err();
        assert!(err.to_string().contains(&IdError::ArxivId.to_string()), "{err}");
        let err = serde_json::from_str::<Doi>(r#""10.abc/x""#).unwrap_err();
        assert!(err.to_string().contains(&IdError::Doi.to_string()), "{err}");
        let err = serde_json::from_str::<DblpKey>(r#""conf/icml""#).unwrap_err();
        assert!(err.to_string().contains(&IdError::DblpKey.to_string()), "{err}");
        let err = serde_json::from_str::<PaperKey>(r#""has space""#).unwrap_err();
        assert!(err.to_string().contains(&IdError::PaperKey.to_string()), "{err}");
        assert!(serde_json::from_str::<PaperKey>(r#""""#).is_err());
        assert!(serde_json::from_str::<Username>("42").is_err());
        assert!(serde_json::from_str::<ArxivId>("null").is_err());
    }

    #[test]
    fn from_str_matches_parse() {
        assert_eq!("Alice".parse::<Username>(), Username::parse("Alice"));
        assert_eq!("1703.06870v3".parse::<ArxivId>(), ArxivId::parse("1703.06870v3"));
        assert_eq!("10.1/X".parse::<Doi>(), Doi::parse("10.1/X"));
        assert_eq!("conf/a/B".parse::<DblpKey>(), DblpKey::parse("conf/a/B"));
        assert_eq!("doi:10.1/X".parse::<PaperKey>(), PaperKey::parse("doi:10.1/X"));
        assert_eq!("a b".parse::<PaperKey>(), Err(IdError::PaperKey));
    }

    #[test]
    fn error_messages_are_user_facing() {
        // The problem+json example in `problem.rs` shows this exact text.
        assert_eq!(
            IdError::Username.to_string(),
            "must be 3 to 32 characters: a-z, 0-9, _ or -"
        );
        assert_eq!(
            IdError::TooLong { max: 200 }.to_string(),
            "must be at most 200 characters"
        );
        assert_eq!(IdError::Empty.to_string(), "must not be empty");
    }

    #[cfg(feature = "openapi")]
    #[test]
    fn openapi_schemas_are_plain_strings() {
        use utoipa::PartialSchema;

        for schema in [
            Username::schema(),
            ArxivId::schema(),
            Doi::schema(),
            DblpKey::schema(),
            PaperKey::schema(),
        ] {
            let json = serde_json::to_value(schema).unwrap();
            assert_eq!(json["type"], "string", "{json}");
            assert!(json["examples"].is_array(), "{json}");
        }
    }
}
