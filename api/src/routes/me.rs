//! `/api/v1/me`: the caller's own account — profile, password, API tokens and export.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use shared::accounts::{
    AccountExport, ApiToken, CreateTokenRequest, CreatedToken, ExportFormat, ExportQuery, Me, UpdateMeRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::{AuthUser, Writer, password};
use crate::db;
use crate::db::summaries::Reader;
use crate::error::ApiError;
use crate::startup::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_me)
        .service(update_me)
        .service(list_tokens)
        .service(create_token)
        .service(revoke_token)
        .service(export_account)
        .service(resend_confirmation);
}

async fn current(state: &AppState, user: &AuthUser) -> Result<db::entity::users::Model, ApiError> {
    db::accounts::find_by_id(&state.db, user.id)
        .await?
        .ok_or(ApiError::Unauthorized {
            token_presented: true,
        })
}

/// The caller's account, with private fields.
#[utoipa::path(
    tag = "me",
    operation_id = "get_me",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me")]
async fn get_me(state: web::Data<AppState>, user: AuthUser) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(db::accounts::to_me(&current(&state, &user).await?)))
}

/// Change profile fields or the password (which needs the current one).
#[utoipa::path(
    tag = "me",
    operation_id = "update_me",
    request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated account", body = Me),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[patch("/me")]
async fn update_me(
    state: web::Data<AppState>,
    Writer(user): Writer,
    body: web::Json<UpdateMeRequest>,
) -> Result<web::Json<Me>, ApiError> {
    let account = current(&state, &user).await?;
    let mut change = body
        .validate(&account.username, &account.email)
        .map_err(ApiError::Validation)?;
    if let Some((current_password, new_password)) = change.password.take() {
        if !password::verify(current_password, account.password_hash.clone(), &state.decoy_hash).await {
            return Err(ApiError::invalid("current_password", "is not correct"));
        }
        let hash = password::hash(new_password).await?;
        db::accounts::set_password(&state.db, account.id, hash, false).await?;
    }
    let updated = db::accounts::update_profile(&state.db, account, change).await?;
    Ok(web::Json(db::accounts::to_me(&updated)))
}

/// Mail the email-confirmation link again (the first one expires after two days).
#[utoipa::path(
    tag = "me",
    operation_id = "resend_confirmation",
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 401, response = super::Unauthorized),
        (status = 409, response = super::Conflict),
        (status = 429, response = super::TooManyRequests),
    ),
    security(("bearer" = []))
)]
#[post("/me/confirmation-mail")]
async fn resend_confirmation(state: web::Data<AppState>, user: AuthUser) -> Result<HttpResponse, ApiError> {
    let account = current(&state, &user).await?;
    if account.email_confirmed_at.is_some() {
        return Err(ApiError::Conflict {
            detail: "This email address is already confirmed.".to_owned(),
            errors: None,
            location: None,
        });
    }
    let allowed = state
        .limits
        .confirmation_mail_account
        .check(&account.username)
        .map_err(ApiError::RateLimited)?;
    super::auth::mail_confirmation_link(&state, &account).await?;
    let mut response = HttpResponse::Accepted().finish();
    for (name, value) in allowed.headers() {
        response.headers_mut().append(name, value);
    }
    Ok(response)
}

/// The caller's personal API tokens (never their secrets).
#[utoipa::path(
    tag = "me",
    operation_id = "list_tokens",
    responses(
        (status = 200, description = "Live tokens, newest first", body = Vec<ApiToken>),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me/tokens")]
async fn list_tokens(
    state: web::Data<AppState>,
    user: AuthUser,
) -> Result<web::Json<Vec<ApiToken>>, ApiError> {
    Ok(web::Json(
        db::credentials::list_api_tokens(&state.db, user.id).await?,
    ))
}

/// Create a personal API token. Its secret is in this response only. Needs a signed-in
/// session: API tokens cannot mint more tokens.
#[utoipa::path(
    tag = "me",
    operation_id = "create_token",
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "The token and its secret", body = CreatedToken),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 422, response = super::Unprocessable),
    ),
    security(("bearer" = []))
)]
#[post("/me/tokens")]
async fn create_token(
    state: web::Data<AppState>,
    writer: Writer,
    body: web::Json<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = writer.session()?;
    let (name, scopes) = body.validate().map_err(ApiError::Validation)?;
    let (token, secret) = db::credentials::create_api_token(&state.db, user.id, name, &scopes).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(CreatedToken { token, secret }))
}

/// Revoke one of the caller's API tokens.
#[utoipa::path(
    tag = "me",
    operation_id = "revoke_token",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, response = super::Unauthorized),
        (status = 403, response = super::Forbidden),
        (status = 404, response = super::NotFound),
    ),
    security(("bearer" = []))
)]
#[delete("/me/tokens/{id}")]
async fn revoke_token(
    state: web::Data<AppState>,
    writer: Writer,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let user = writer.session()?;
    db::credentials::revoke_api_token(&state.db, user.id, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything the caller wrote: summaries (all visibilities) and comments.
#[utoipa::path(
    tag = "me",
    operation_id = "export_account",
    params(ExportQuery),
    responses(
        (status = 200, description = "The export", body = AccountExport, content_type = "application/json"),
        (status = 200, description = "The export as CSV: one row per summary or comment", body = String, content_type = "text/csv"),
        (status = 400, response = super::BadRequest),
        (status = 401, response = super::Unauthorized),
    ),
    security(("bearer" = []))
)]
#[get("/me/export")]
async fn export_account(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let account = current(&state, &user).await?;
    let reader = Reader {
        user: Some(&user),
        public_url: &state.config.public_url,
    };
    let export = AccountExport {
        user: db::accounts::to_me(&account),
        summaries: db::summaries::all_by_author(&state.db, reader, user.id).await?,
        comments: db::comments::all_by_author(&state.db, user.id).await?,
    };
    let stem = format!("shortscience-{}", account.username);
    Ok(match query.format {
        ExportFormat::Json => HttpResponse::Ok()
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{stem}.json\""),
            ))
            .json(export),
        ExportFormat::Csv => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"{stem}.csv\""),
            ))
            .body(export_csv(&export)?),
    })
}

/// One row per summary and comment, with the Markdown source.
fn export_csv(export: &AccountExport) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| ApiError::Internal(e.into());
    out.write_record([
        "kind",
        "id",
        "paper_key",
        "paper_title",
        "summary_id",
        "visibility",
        "created_at",
        "body_markdown",
    ])
    .map_err(fail)?;
    for s in &export.summaries {
        out.write_record([
            "summary",
            &s.id,
            &s.paper.key,
            &s.paper.title,
            "",
            s.visibility.as_str(),
            &s.created_at.to_rfc3339(),
            &s.body_markdown,
        ])
        .map_err(fail)?;
    }
    for c in &export.comments {
        out.write_record([
            "comment",
            &c.id,
            "",
            "",
            &c.summary_id,
            "",
            &c.created_at.to_rfc3339(),
            &c.body_markdown,
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("finishing CSV: {e}")))
}
