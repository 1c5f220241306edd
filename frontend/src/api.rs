//! Typed client of the `/api/v1` endpoints the SPA uses, speaking only the `shared` request and
//! response types; every failure becomes an [`ApiError`] the pages can show as it is.
//!
//! Calls made for a signed-in reader go through [`send_authed`], the one place that adds the
//! bearer token and, when the server answers 401, refreshes the session once and retries once.

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::Problem;
use shared::accounts::{
    AuthResponse, ConfirmEmailRequest, CreateTokenRequest, CreatedToken, ExportFormat, LoginRequest, Me,
    PasswordResetConfirm, PasswordResetRequest, RefreshRequest, RegisterRequest, UpdateMeRequest,
    UserProfile, UserSort,
};
use shared::api::{
    Comment, CommentChange, DEFAULT_PAGE_SIZE, ExternalSearchResponse, ImportRequest, NewCommentRequest,
    NewSummaryRequest, NotificationPage, Page, Paper, RenderRequest, RenderResponse, RevisionDiff, SearchHit,
    Summary, SummaryChange, SummaryFeedQuery, SummarySort, Venue, VoteRequest, VoteResponse,
};
use shared::moderation::{Report, ReportAction, ReportRequest, ResolveReportRequest};
use shared::problem::FieldErrors;

use crate::state::SessionHandle;
use crate::tabs;

/// Relative, so the SPA talks to whichever host served it (no CORS, no configuration).
const BASE: &str = "/api/v1";

/// What went wrong with a request, reduced to what a reader needs to see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status; `None` when the server could not be reached at all.
    pub status: Option<u16>,
    pub title: String,
    pub detail: Option<String>,
    /// Per-field messages of a 422 problem, keyed by the request's field names.
    pub errors: FieldErrors,
    /// Seconds to wait, from the `Retry-After` of a 429.
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn is_not_found(&self) -> bool {
        self.status == Some(404)
    }

    pub fn is_unauthorized(&self) -> bool {
        self.status == Some(401)
    }

    fn new(status: Option<u16>, title: &str, detail: Option<String>) -> Self {
        ApiError {
            status,
            title: title.into(),
            detail,
            errors: FieldErrors::new(),
            retry_after: None,
        }
    }

    fn network() -> Self {
        ApiError::new(
            None,
            "Could not reach ShortScience",
            Some("Check your connection and try again.".into()),
        )
    }

    /// For a response that is not the JSON we expected, e.g. a proxy's HTML error page.
    fn unexpected(status: u16) -> Self {
        let title = match status {
            200..=299 => "The server sent an answer we could not read",
            404 => "Not found",
            500..=599 => "The server ran into a problem",
            _ => "The request failed",
        };
        ApiError::new(
            Some(status),
            title,
            Some(format!("HTTP status {status}. Please try again in a moment.")),
        )
    }

    pub(crate) fn from_problem(problem: Problem) -> Self {
        ApiError {
            status: Some(problem.status),
            title: problem.title,
            detail: problem.detail,
            errors: problem.errors.unwrap_or_default(),
            retry_after: None,
        }
    }

    /// What the browser itself refused, e.g. a download it could not save.
    pub fn browser(title: &str) -> Self {
        ApiError::new(None, title, None)
    }
}

// ---------------------------------------------------------------------------------------------
// Papers and summaries (public)
// ---------------------------------------------------------------------------------------------

/// `GET /summaries?sort=…&period=…&category=…&tag=…`: one page of the site's summaries.
pub async fn list_summaries(
    feed: &SummaryFeedQuery,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let mut request = page_query(Request::get(&format!("{BASE}/summaries")), cursor)
        .query([("sort", feed.sort.as_str()), ("period", feed.period.as_str())]);
    if let Some(category) = feed.category {
        request = request.query([("category", category.as_str())]);
    }
    if let Some(tag) = &feed.tag {
        request = request.query([("tag", tag.as_str())]);
    }
    get_json(request).await
}

/// `GET /search?q=…`: the best hits among our papers and summaries, with snippets.
pub async fn search_site(q: &str) -> Result<Page<SearchHit>, ApiError> {
    get_json(Request::get(&format!("{BASE}/search")).query([("q", q), ("limit", "8")])).await
}

/// `POST /summaries/{id}/views` or `/papers/{id}/views`: counts the page being read. What
/// becomes of it does not concern the reader.
pub fn count_view(kind: &str, id: &str, share: Option<&str>) {
    let url = with_share(format!("{BASE}/{kind}/{}/views", encode_segment(id)), share);
    wasm_bindgen_futures::spawn_local(async move {
        if let Ok(request) = Request::post(&url).build() {
            let _ = send(request).await;
        }
    });
}

/// `GET /papers/{id}/summaries?sort=…`: one page of a paper's summaries.
pub async fn list_paper_summaries(
    paper_id: &str,
    sort: SummarySort,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let url = format!("{BASE}/papers/{}/summaries", encode_segment(paper_id));
    get_json(page_query(Request::get(&url), cursor).query([("sort", sort.as_str())])).await
}

/// `GET /papers/{id}`.
pub async fn get_paper(id: &str) -> Result<Paper, ApiError> {
    get_json(Request::get(&format!("{BASE}/papers/{}", encode_segment(id)))).await
}

/// `GET /papers/{id}/bibtex`: the entry as text.
pub async fn get_bibtex(id: &str) -> Result<String, ApiError> {
    let url = format!("{BASE}/papers/{}/bibtex", encode_segment(id));
    let request = Request::get(&url)
        .build()
        .map_err(|_| ApiError::browser("The request could not be prepared"))?;
    let response = send(request).await?;
    let status = response.status();
    if !response.ok() {
        return Err(error_from(response).await);
    }
    response.text().await.map_err(|_| ApiError::unexpected(status))
}

/// `GET /papers/search-external?q=…`: ours first, then what arXiv, Crossref and DBLP found.
pub async fn search_external(q: &str) -> Result<ExternalSearchResponse, ApiError> {
    get_json(Request::get(&format!("{BASE}/papers/search-external")).query([("q", q)])).await
}

/// `GET /venues`.
pub async fn list_venues() -> Result<Vec<Venue>, ApiError> {
    get_json(Request::get(&format!("{BASE}/venues"))).await
}

/// `GET /venues/{key}/summaries[?year=]`, newest first.
pub async fn list_venue_summaries(
    venue_key: &str,
    year: Option<i32>,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let url = format!("{BASE}/venues/{}/summaries", encode_segment(venue_key));
    let request = page_query(Request::get(&url), cursor);
    let year = year.map(|y| y.to_string());
    match &year {
        Some(year) => get_json(request.query([("year", year.as_str())])).await,
        None => get_json(request).await,
    }
}

/// `GET /summaries/{id}`.
pub async fn get_summary(
    session: &SessionHandle,
    id: &str,
    share: Option<&str>,
) -> Result<Summary, ApiError> {
    let url = with_share(format!("{BASE}/summaries/{}", encode_segment(id)), share);
    // Signed in, the reader may see more: their own private or anonymous summaries.
    read_as_reader(session, &url).await
}

/// `GET /summaries/{id}/revisions/{n}/diff`: what revision `n` changed.
pub async fn revision_diff(
    session: &SessionHandle,
    summary_id: &str,
    revision: i32,
    share: Option<&str>,
) -> Result<RevisionDiff, ApiError> {
    let url = with_share(
        format!(
            "{BASE}/summaries/{}/revisions/{revision}/diff",
            encode_segment(summary_id)
        ),
        share,
    );
    read_as_reader(session, &url).await
}

/// `url` with the share token of an unlisted summary, when there is one.
fn with_share(mut url: String, share: Option<&str>) -> String {
    if let Some(token) = share {
        url.push_str(&format!("?share={}", encode_segment(token)));
    }
    url
}

/// A GET as the reader: signed in when they are (their private summaries), anonymous if not.
async fn read_as_reader<T: DeserializeOwned>(session: &SessionHandle, url: &str) -> Result<T, ApiError> {
    if session.session().is_some() {
        read_json(send_authed::<()>(session, Method::GET, url, None).await?).await
    } else {
        get_json(Request::get(url)).await
    }
}

// ---------------------------------------------------------------------------------------------
// Users (public)
// ---------------------------------------------------------------------------------------------

/// The wire name of a user directory order; a match rather than a string copy so that a new
/// variant in `shared` fails to compile here instead of sending a wrong name.
pub fn user_sort_name(sort: UserSort) -> &'static str {
    match sort {
        UserSort::Score => "score",
        UserSort::Summaries => "summaries",
        UserSort::New => "new",
    }
}

/// `GET /users?sort=…`: one page of the user directory.
pub async fn list_users(sort: UserSort, cursor: Option<&str>) -> Result<Page<UserProfile>, ApiError> {
    let request = page_query(Request::get(&format!("{BASE}/users")), cursor);
    get_json(request.query([("sort", user_sort_name(sort))])).await
}

/// `GET /users/{username}`.
pub async fn get_user(username: &str) -> Result<UserProfile, ApiError> {
    get_json(Request::get(&format!(
        "{BASE}/users/{}",
        encode_segment(username)
    )))
    .await
}

/// `GET /users/{username}/summaries`: one page of someone's public summaries.
pub async fn list_user_summaries(username: &str, cursor: Option<&str>) -> Result<Page<Summary>, ApiError> {
    let url = format!("{BASE}/users/{}/summaries", encode_segment(username));
    get_json(page_query(Request::get(&url), cursor)).await
}

// ---------------------------------------------------------------------------------------------
// Signing up and in. Browser sessions keep the refresh token in an HttpOnly cookie scoped to
// `/auth`, which the browser sends by itself; the SPA never sees it. Requests that set it wait
// for any refresh in another tab, whose answer would otherwise overwrite the new cookie.
// ---------------------------------------------------------------------------------------------

/// `POST /auth/register` → 201.
pub async fn register(request: &RegisterRequest) -> Result<AuthResponse, ApiError> {
    let request = RegisterRequest {
        cookie: true,
        ..request.clone()
    };
    let url = format!("{BASE}/auth/register");
    tabs::exclusively(async { read_json(send(post_json(&url, &request)?).await?).await }).await
}

/// `POST /auth/login`; 401 for any bad login.
pub async fn login(request: &LoginRequest) -> Result<AuthResponse, ApiError> {
    let request = LoginRequest {
        cookie: true,
        ..request.clone()
    };
    let url = format!("{BASE}/auth/login");
    tabs::exclusively(async { read_json(send(post_json(&url, &request)?).await?).await }).await
}

/// `POST /auth/refresh` with the cookie: a new access token, or 401 without a live session.
/// Spends the cookie every tab shares: call it only under [`tabs::exclusively`] (as
/// [`SessionHandle::refresh`] does).
pub async fn refresh() -> Result<AuthResponse, ApiError> {
    let request = post_json(&format!("{BASE}/auth/refresh"), &RefreshRequest::default())?;
    read_json(send(request).await?).await
}

/// `POST /auth/logout`: ends the session and clears the cookie.
pub async fn logout() -> Result<(), ApiError> {
    let request = post_json(&format!("{BASE}/auth/logout"), &RefreshRequest::default())?;
    read_empty(send(request).await?).await
}

/// `POST /auth/password-reset` → 202, whether or not the address has an account.
pub async fn request_password_reset(request: &PasswordResetRequest) -> Result<(), ApiError> {
    read_empty(send(post_json(&format!("{BASE}/auth/password-reset"), request)?).await?).await
}

/// `POST /auth/password-reset/confirm` → 204.
pub async fn confirm_password_reset(request: &PasswordResetConfirm) -> Result<(), ApiError> {
    let url = format!("{BASE}/auth/password-reset/confirm");
    read_empty(send(post_json(&url, request)?).await?).await
}

/// `POST /auth/confirm-email` → 204.
pub async fn confirm_email(request: &ConfirmEmailRequest) -> Result<(), ApiError> {
    read_empty(send(post_json(&format!("{BASE}/auth/confirm-email"), request)?).await?).await
}

// ---------------------------------------------------------------------------------------------
// The signed-in reader's own account
// ---------------------------------------------------------------------------------------------

/// `GET /me`.
pub async fn get_me(session: &SessionHandle) -> Result<Me, ApiError> {
    read_json(send_authed::<()>(session, Method::GET, &format!("{BASE}/me"), None).await?).await
}

/// `PATCH /me`.
pub async fn update_me(session: &SessionHandle, request: &UpdateMeRequest) -> Result<Me, ApiError> {
    read_json(send_authed(session, Method::PATCH, &format!("{BASE}/me"), Some(request)).await?).await
}

/// `POST /me/confirmation-mail` → 202: mail the confirmation link again.
pub async fn resend_confirmation(session: &SessionHandle) -> Result<(), ApiError> {
    let url = format!("{BASE}/me/confirmation-mail");
    read_empty(send_authed::<()>(session, Method::POST, &url, None).await?).await
}

/// `GET /me/tokens`.
pub async fn list_tokens(session: &SessionHandle) -> Result<Vec<shared::accounts::ApiToken>, ApiError> {
    read_json(send_authed::<()>(session, Method::GET, &format!("{BASE}/me/tokens"), None).await?).await
}

/// `POST /me/tokens` → 201 with the secret, shown this once.
pub async fn create_token(
    session: &SessionHandle,
    request: &CreateTokenRequest,
) -> Result<CreatedToken, ApiError> {
    let url = format!("{BASE}/me/tokens");
    read_json(send_authed(session, Method::POST, &url, Some(request)).await?).await
}

/// `DELETE /me/tokens/{id}` → 204.
pub async fn delete_token(session: &SessionHandle, id: &str) -> Result<(), ApiError> {
    let url = format!("{BASE}/me/tokens/{}", encode_segment(id));
    read_empty(send_authed::<()>(session, Method::DELETE, &url, None).await?).await
}

/// `GET /me/export[?format=csv]` as a Blob to hand to the browser's download machinery: the
/// bearer token rules out a plain link.
pub async fn export(session: &SessionHandle, format: ExportFormat) -> Result<web_sys::Blob, ApiError> {
    let url = format!("{BASE}/me/export?format={}", format.as_str());
    let response = send_authed::<()>(session, Method::GET, &url, None).await?;
    let status = response.status();
    if !response.ok() {
        return Err(error_from(response).await);
    }
    let promise = web_sys::Response::from(response)
        .blob()
        .map_err(|_| ApiError::unexpected(status))?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| ApiError::network())?;
    wasm_bindgen::JsCast::dyn_into::<web_sys::Blob>(blob).map_err(|_| ApiError::unexpected(status))
}

/// `POST /papers/import`: the paper (new or known already).
pub async fn import_paper(session: &SessionHandle, identifier: &str) -> Result<Paper, ApiError> {
    let request = ImportRequest {
        identifier: identifier.to_owned(),
    };
    let url = format!("{BASE}/papers/import");
    read_json(send_authed(session, Method::POST, &url, Some(&request)).await?).await
}

/// `POST /render`: the HTML a summary with this Markdown would publish.
pub async fn render(markdown: &str) -> Result<RenderResponse, ApiError> {
    let request = RenderRequest {
        markdown: markdown.to_owned(),
    };
    read_json(send(post_json(&format!("{BASE}/render"), &request)?).await?).await
}

/// `POST /summaries` → 201.
pub async fn create_summary(
    session: &SessionHandle,
    request: &NewSummaryRequest,
) -> Result<Summary, ApiError> {
    let url = format!("{BASE}/summaries");
    read_json(send_authed(session, Method::POST, &url, Some(request)).await?).await
}

/// `PATCH /summaries/{id}`: a new revision.
pub async fn update_summary(
    session: &SessionHandle,
    id: &str,
    change: &SummaryChange,
) -> Result<Summary, ApiError> {
    let url = format!("{BASE}/summaries/{}", encode_segment(id));
    read_json(send_authed(session, Method::PATCH, &url, Some(change)).await?).await
}

/// `PUT /summaries/{id}/vote` (with the share token of an unlisted summary).
pub async fn vote(
    session: &SessionHandle,
    id: &str,
    share: Option<&str>,
    value: i8,
) -> Result<VoteResponse, ApiError> {
    let url = with_share(format!("{BASE}/summaries/{}/vote", encode_segment(id)), share);
    read_json(send_authed(session, Method::PUT, &url, Some(&VoteRequest { value })).await?).await
}

/// `GET /summaries/{id}/comments`: one page, oldest first.
pub async fn list_comments(
    session: &SessionHandle,
    summary_id: &str,
    share: Option<&str>,
    cursor: Option<&str>,
) -> Result<Page<Comment>, ApiError> {
    let mut url = format!(
        "{BASE}/summaries/{}/comments?limit=100",
        encode_segment(summary_id)
    );
    for (name, value) in [("share", share), ("cursor", cursor)] {
        if let Some(value) = value {
            url.push_str(&format!("&{name}={}", encode_segment(value)));
        }
    }
    read_as_reader(session, &url).await
}

/// `POST /summaries/{id}/comments` → 201.
pub async fn create_comment(
    session: &SessionHandle,
    summary_id: &str,
    share: Option<&str>,
    request: &NewCommentRequest,
) -> Result<Comment, ApiError> {
    let url = with_share(
        format!("{BASE}/summaries/{}/comments", encode_segment(summary_id)),
        share,
    );
    read_json(send_authed(session, Method::POST, &url, Some(request)).await?).await
}

/// `PATCH /comments/{id}`: new text.
pub async fn update_comment(
    session: &SessionHandle,
    id: &str,
    body_markdown: &str,
) -> Result<Comment, ApiError> {
    let url = format!("{BASE}/comments/{}", encode_segment(id));
    let change = CommentChange {
        body_markdown: body_markdown.to_owned(),
    };
    read_json(send_authed(session, Method::PATCH, &url, Some(&change)).await?).await
}

/// `DELETE /comments/{id}` → 204.
pub async fn delete_comment(session: &SessionHandle, id: &str) -> Result<(), ApiError> {
    let url = format!("{BASE}/comments/{}", encode_segment(id));
    read_empty(send_authed::<()>(session, Method::DELETE, &url, None).await?).await
}

/// `GET /papers/{id}/follow`: whether the reader follows the paper (204 yes, 404 no).
pub async fn get_follow(session: &SessionHandle, paper_id: &str) -> Result<bool, ApiError> {
    let url = format!("{BASE}/papers/{}/follow", encode_segment(paper_id));
    match read_empty(send_authed::<()>(session, Method::GET, &url, None).await?).await {
        Ok(()) => Ok(true),
        Err(error) if error.is_not_found() => Ok(false),
        Err(error) => Err(error),
    }
}

/// `PUT` (follow) or `DELETE` (unfollow) `/papers/{id}/follow` → 204.
pub async fn set_follow(session: &SessionHandle, paper_id: &str, following: bool) -> Result<(), ApiError> {
    let url = format!("{BASE}/papers/{}/follow", encode_segment(paper_id));
    let method = if following { Method::PUT } else { Method::DELETE };
    read_empty(send_authed::<()>(session, method, &url, None).await?).await
}

/// What a report is about: a summary or a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reported {
    Summary(String),
    Comment(String),
}

/// `POST /summaries/{id}/reports` or `/comments/{id}/reports` → 201 (the receipt is not read:
/// every type the SPA decodes costs the reader's bundle).
pub async fn report(
    session: &SessionHandle,
    target: &Reported,
    share: Option<&str>,
    reason: &str,
) -> Result<(), ApiError> {
    let url = with_share(
        match target {
            Reported::Summary(id) => format!("{BASE}/summaries/{}/reports", encode_segment(id)),
            Reported::Comment(id) => format!("{BASE}/comments/{}/reports", encode_segment(id)),
        },
        share,
    );
    let request = ReportRequest {
        reason: reason.to_owned(),
    };
    read_empty(send_authed(session, Method::POST, &url, Some(&request)).await?).await
}

/// `GET /moderation/reports`: the open queue, oldest first.
pub async fn list_reports(session: &SessionHandle) -> Result<Page<Report>, ApiError> {
    let url = format!("{BASE}/moderation/reports?limit=100");
    read_json(send_authed::<()>(session, Method::GET, &url, None).await?).await
}

/// `POST /moderation/reports/{id}/resolve` (the queue is loaded again after, so the answer is
/// not read).
pub async fn resolve_report(
    session: &SessionHandle,
    id: &str,
    action: ReportAction,
    note: Option<String>,
) -> Result<(), ApiError> {
    let url = format!("{BASE}/moderation/reports/{}/resolve", encode_segment(id));
    let request = ResolveReportRequest { action, note };
    read_empty(send_authed(session, Method::POST, &url, Some(&request)).await?).await
}

/// `GET /me/notifications`: newest first, with the unread count.
pub async fn list_notifications(session: &SessionHandle, limit: u64) -> Result<NotificationPage, ApiError> {
    let url = format!("{BASE}/me/notifications?limit={limit}");
    read_json(send_authed::<()>(session, Method::GET, &url, None).await?).await
}

/// `POST /me/notifications/read`: all of them.
pub async fn mark_notifications_read(session: &SessionHandle) -> Result<(), ApiError> {
    let url = format!("{BASE}/me/notifications/read");
    read_empty(send_authed::<()>(session, Method::POST, &url, None).await?).await
}

/// `GET /me/summaries`: all of mine, newest first.
pub async fn my_summaries(session: &SessionHandle, cursor: Option<&str>) -> Result<Page<Summary>, ApiError> {
    let mut url = format!("{BASE}/me/summaries?limit={DEFAULT_PAGE_SIZE}");
    if let Some(cursor) = cursor {
        url.push_str(&format!("&cursor={}", encode_segment(cursor)));
    }
    read_json(send_authed::<()>(session, Method::GET, &url, None).await?).await
}

/// What the editor reads of an [`shared::moderation::Upload`].
#[derive(serde::Deserialize)]
pub struct Uploaded {
    pub url: String,
}

/// `POST /uploads` with the file's bytes → where the image is served.
pub async fn upload_image(session: &SessionHandle, file: &web_sys::File) -> Result<Uploaded, ApiError> {
    let url = format!("{BASE}/uploads");
    read_json(send_authed_with(session, Method::POST, &url, &Body::File(file.clone())).await?).await
}

// ---------------------------------------------------------------------------------------------
// Plumbing
// ---------------------------------------------------------------------------------------------

/// Sends a request for the signed-in reader with `Authorization: Bearer …`. On a 401 the session
/// is refreshed (one refresh at a time across the app, see [`SessionHandle::refresh`]) and the
/// request sent once more with the new token; a second 401 is returned as it is. Without a
/// session at all the answer is the refresh's 401.
pub async fn send_authed<B: Serialize + ?Sized>(
    session: &SessionHandle,
    method: Method,
    url: &str,
    body: Option<&B>,
) -> Result<Response, ApiError> {
    let body = match body {
        Some(body) => Body::Json(
            serde_json::to_string(body)
                .map_err(|_| ApiError::browser("The request could not be prepared"))?,
        ),
        None => Body::Empty,
    };
    send_authed_with(session, method, url, &body).await
}

/// What a request carries. Bodies are prepared before sending, so the sending (with its retry)
/// is one function for every request type, not one copy per type in the reader's bundle.
enum Body {
    Empty,
    Json(String),
    File(web_sys::File),
}

/// [`send_authed`] with any [`Body`].
async fn send_authed_with(
    session: &SessionHandle,
    method: Method,
    url: &str,
    body: &Body,
) -> Result<Response, ApiError> {
    let mut token = match session.access_token() {
        Some(token) => token,
        None => session.refresh().await?.access_token.clone(),
    };
    let mut retried = false;
    loop {
        let request = RequestBuilder::new(url)
            .method(method.clone())
            .header("Accept", "application/json")
            .header("Authorization", &format!("Bearer {token}"));
        let request = match body {
            Body::Empty => request.build(),
            Body::Json(json) => request
                .header("Content-Type", "application/json")
                .body(json.as_str()),
            Body::File(file) => request.header("Content-Type", &file.type_()).body(file.clone()),
        }
        .map_err(|_| ApiError::browser("The request could not be prepared"))?;
        let response = send(request).await?;
        if response.status() != 401 || retried {
            return Ok(response);
        }
        retried = true;
        // Another call may have refreshed meanwhile; its token is as good as a new one.
        token = match session.access_token() {
            Some(current) if current != token => current,
            _ => session.refresh().await?.access_token.clone(),
        };
    }
}

fn post_json<T: Serialize + ?Sized>(url: &str, body: &T) -> Result<Request, ApiError> {
    Request::post(url)
        .header("Accept", "application/json")
        .json(body)
        .map_err(|_| ApiError::browser("The request could not be prepared"))
}

async fn send(request: Request) -> Result<Response, ApiError> {
    request.send().await.map_err(|_| ApiError::network())
}

fn page_query(request: RequestBuilder, cursor: Option<&str>) -> RequestBuilder {
    let limit = DEFAULT_PAGE_SIZE.to_string();
    let request = request.query([("limit", limit.as_str())]);
    match cursor {
        Some(cursor) => request.query([("cursor", cursor)]),
        None => request,
    }
}

async fn get_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    let (status, text) = get_text(request).await?;
    serde_json::from_str(&text).map_err(|_| ApiError::unexpected(status))
}

/// The body of a 2xx answer to a GET, once for every type (see [`read_json`]).
async fn get_text(request: RequestBuilder) -> Result<(u16, String), ApiError> {
    let request = request
        .header("Accept", "application/json")
        .build()
        .map_err(|_| ApiError::browser("The request could not be prepared"))?;
    read_text(send(request).await?).await
}

/// A 2xx answer's body decoded. Only the decoding is generic: the awaiting is in
/// [`read_text`], once for every type, which keeps the reader's bundle small.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let (status, text) = read_text(response).await?;
    serde_json::from_str(&text).map_err(|_| ApiError::unexpected(status))
}

async fn read_text(response: Response) -> Result<(u16, String), ApiError> {
    let status = response.status();
    if !response.ok() {
        return Err(error_from(response).await);
    }
    let text = response.text().await.map_err(|_| ApiError::unexpected(status))?;
    Ok((status, text))
}

/// For 202 and 204 answers, whose body (if any) says nothing.
async fn read_empty(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(error_from(response).await)
    }
}

async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let retry_after = response
        .headers()
        .get("Retry-After")
        .and_then(|value| parse_retry_after(&value));
    // Every API error is problem+json; anything else came from something in between.
    let mut error = match response.json::<Problem>().await {
        Ok(problem) => ApiError::from_problem(problem),
        Err(_) => ApiError::unexpected(status),
    };
    error.retry_after = retry_after;
    error
}

/// `Retry-After` in its delta-seconds form; the HTTP-date form is not worth a date parser here.
fn parse_retry_after(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

/// Percent-encodes an opaque id for use as one path segment: ids are the server's strings and
/// must not be able to add path segments or a query.
pub fn encode_segment(id: &str) -> String {
    percent_encode(id, b"")
}

pub use shared::percent::encode as percent_encode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_escape_their_path_segment() {
        assert_eq!(encode_segment("42"), "42");
        assert_eq!(encode_segment("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }

    #[test]
    fn a_problem_keeps_its_title_detail_and_field_errors() {
        let error = ApiError::from_problem(Problem {
            kind: "about:blank".into(),
            title: "Validation failed".into(),
            status: 422,
            detail: Some("One or more fields are invalid.".into()),
            errors: Some(FieldErrors::from([(
                "username".to_owned(),
                vec!["is taken".to_owned()],
            )])),
        });
        assert_eq!(error.status, Some(422));
        assert_eq!(error.title, "Validation failed");
        assert_eq!(error.detail.as_deref(), Some("One or more fields are invalid."));
        assert_eq!(error.errors["username"], ["is taken"]);
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(parse_retry_after(" 42 "), Some(42));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn sort_names_match_the_contract() {
        assert_eq!(user_sort_name(UserSort::Score), "score");
        assert_eq!(user_sort_name(UserSort::Summaries), "summaries");
        assert_eq!(user_sort_name(UserSort::New), "new");
    }
}
