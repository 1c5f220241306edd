//! Summary queries: keyset-paginated lists, lookup, and assembling the JSON shape with its
//! paper, author and tags (one batched query per related table, never one per row).

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::api::{Page, Summary, SummarySort, UserRef, Visibility};

use super::entity::{papers, summaries, summary_tags, users, votes};
use super::pagination::{Cursor, PageRequest, finish_page};
use crate::auth::AuthUser;
use crate::domain::summaries::{Access, ReaderRights, author_visible, readable};
use crate::error::ApiError;

/// Which summaries a list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryFilter {
    pub paper_id: Option<i64>,
    pub author_id: Option<i64>,
    /// With `author_id`: list their anonymous summaries too (only for that author's own view,
    /// since listing them under a name would give the author away).
    pub include_anonymous: bool,
}

/// Who is reading, for what they may see (anonymous authors, their votes, share links).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    pub user: Option<&'a AuthUser>,
    /// Base of share links.
    pub public_url: &'a str,
}

impl Reader<'_> {
    fn rights(&self, summary: &summaries::Model) -> ReaderRights {
        ReaderRights {
            is_author: self.user.is_some_and(|u| u.id == summary.author_id),
            is_moderator: self.user.is_some_and(AuthUser::is_moderator),
        }
    }
}

/// One page of listed summaries: public, not deleted, not hidden.
pub async fn list(
    db: &DatabaseConnection,
    reader: Reader<'_>,
    filter: SummaryFilter,
    sort: SummarySort,
    limit: Option<u64>,
    cursor: Option<&str>,
) -> Result<Page<Summary>, ApiError> {
    let order = match sort {
        SummarySort::New => "new",
        SummarySort::Top => "top",
    };
    let page = PageRequest::parse(limit, cursor, order)?;
    let mut select = summaries::Entity::find()
        .filter(summaries::Column::Visibility.eq(Visibility::Public.as_str()))
        .filter(summaries::Column::DeletedAt.is_null())
        .filter(summaries::Column::HiddenAt.is_null());
    if let Some(paper_id) = filter.paper_id {
        select = select.filter(summaries::Column::PaperId.eq(paper_id));
    }
    if let Some(author_id) = filter.author_id {
        select = select.filter(summaries::Column::AuthorId.eq(author_id));
        if !filter.include_anonymous {
            select = select.filter(summaries::Column::Anonymous.eq(false));
        }
    }
    let (sort_column, key_of): (summaries::Column, fn(&summaries::Model) -> i64) = match sort {
        SummarySort::New => (summaries::Column::CreatedAt, |s| s.created_at.timestamp_micros()),
        SummarySort::Top => (summaries::Column::Score, |s| i64::from(s.score)),
    };
    if let Some(after) = page.after {
        let condition: Condition = match sort {
            SummarySort::New => after.rows_after(sort_column, summaries::Column::Id, after.key_time()?),
            SummarySort::Top => after.rows_after(sort_column, summaries::Column::Id, after.key),
        };
        select = select.filter(condition);
    }
    let rows = select
        .order_by_desc(sort_column)
        .order_by_desc(summaries::Column::Id)
        .limit(page.fetch())
        .all(db)
        .await?;
    let (rows, next_cursor) = finish_page(rows, &page, |s| Cursor {
        order,
        key: key_of(s),
        id: s.id,
    });
    Ok(Page {
        items: hydrate(db, reader, rows).await?,
        next_cursor,
    })
}

/// One summary as the caller may see it; 404 when it does not exist or may not be seen.
pub async fn get(
    db: &DatabaseConnection,
    reader: Reader<'_>,
    id: i64,
    share_token: Option<&str>,
) -> Result<Summary, ApiError> {
    let summary = summaries::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let access = Access {
        visibility: Visibility::parse(&summary.visibility).unwrap_or(Visibility::Private),
        deleted: summary.deleted_at.is_some(),
        hidden: summary.hidden_at.is_some(),
        share_token: summary.share_token.as_deref(),
    };
    if !readable(&access, reader.rights(&summary), share_token) {
        return Err(ApiError::NotFound);
    }
    hydrate(db, reader, vec![summary])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)
}

/// Everything a user wrote and has not deleted, newest first (for their export).
pub async fn all_by_author(
    db: &DatabaseConnection,
    reader: Reader<'_>,
    author_id: i64,
) -> Result<Vec<Summary>, ApiError> {
    let rows = summaries::Entity::find()
        .filter(summaries::Column::AuthorId.eq(author_id))
        .filter(summaries::Column::DeletedAt.is_null())
        .order_by_desc(summaries::Column::CreatedAt)
        .order_by_desc(summaries::Column::Id)
        .all(db)
        .await?;
    hydrate(db, reader, rows).await
}

/// Builds the JSON shape of each summary, loading papers, authors and tags in one query each.
async fn hydrate(
    db: &DatabaseConnection,
    reader: Reader<'_>,
    rows: Vec<summaries::Model>,
) -> Result<Vec<Summary>, ApiError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let paper_ids: Vec<i64> = rows.iter().map(|s| s.paper_id).collect();
    let author_ids: Vec<i64> = rows
        .iter()
        .filter(|s| !s.anonymous)
        .map(|s| s.author_id)
        .collect();
    let summary_ids: Vec<i64> = rows.iter().map(|s| s.id).collect();

    let papers: HashMap<i64, papers::Model> = papers::Entity::find()
        .filter(papers::Column::Id.is_in(paper_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let authors: HashMap<i64, users::Model> = if author_ids.is_empty() {
        HashMap::new()
    } else {
        users::Entity::find()
            .filter(users::Column::Id.is_in(author_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect()
    };
    let my_votes: HashMap<i64, i16> = match reader.user {
        Some(user) => votes::Entity::find()
            .filter(votes::Column::UserId.eq(user.id))
            .filter(votes::Column::SummaryId.is_in(summary_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|v| (v.summary_id, v.value))
            .collect(),
        None => HashMap::new(),
    };
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for tag in summary_tags::Entity::find()
        .filter(summary_tags::Column::SummaryId.is_in(summary_ids))
        .order_by_asc(summary_tags::Column::Tag)
        .all(db)
        .await?
    {
        tags.entry(tag.summary_id).or_default().push(tag.tag);
    }

    rows.into_iter()
        .map(|s| {
            let paper = papers.get(&s.paper_id).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!(
                    "summary {} points at missing paper {}",
                    s.id,
                    s.paper_id
                ))
            })?;
            let rights = reader.rights(&s);
            let author = if author_visible(s.anonymous, rights) {
                authors.get(&s.author_id).map(|u| UserRef {
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                })
            } else {
                None
            };
            let visibility = Visibility::parse(&s.visibility).unwrap_or(Visibility::Private);
            let share_url = match (&s.share_token, visibility, rights.is_author) {
                (Some(token), Visibility::Unlisted, true) => {
                    Some(format!("{}/summary/{}?share={token}", reader.public_url, s.id))
                }
                _ => None,
            };
            Ok(Summary {
                id: s.id.to_string(),
                paper: super::papers::to_paper_ref(paper),
                author,
                anonymous: s.anonymous,
                visibility,
                tags: tags.remove(&s.id).unwrap_or_default(),
                score: i64::from(s.score),
                upvotes: i64::from(s.upvotes),
                downvotes: i64::from(s.downvotes),
                my_vote: reader.user.map(|_| my_votes.get(&s.id).map_or(0, |v| *v as i8)),
                comment_count: i64::from(s.comment_count),
                revision: s.revision,
                created_at: s.created_at,
                updated_at: s.updated_at,
                share_url,
                license: s.license,
                body_markdown: s.body_markdown,
                body_html: s.body_html,
            })
        })
        .collect()
}
