//! Demo content: a small hand-written set for trying the site, and a generator of synthetic
//! summaries in volume for load and pagination testing.

mod content;
mod synthetic;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use shared::accounts::Role;
use shared::api::{Category, Visibility};
use shared::markdown::render_markdown;

use crate::db::entity::{papers, summaries, summary_revisions, summary_tags, users, votes};
use crate::db::{self, papers::to_json_list};

pub use synthetic::generate;

/// Loads the demo set unless it is there already. Returns whether anything was added.
pub async fn load(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let first_key = format!("arxiv:{}", content::PAPERS[0].arxiv_id);
    if papers::Entity::find()
        .filter(papers::Column::Key.eq(first_key))
        .count(db)
        .await?
        > 0
    {
        return Ok(false);
    }
    let now = db::now();
    let txn = db::begin_write(db).await?;
    let mut user_ids = Vec::new();
    for user in content::USERS {
        let created = users::ActiveModel {
            username: Set(user.username.to_owned()),
            email: Set(format!("{}@demo.invalid", user.username)),
            password_hash: Set(None),
            display_name: Set(user.display_name.to_owned()),
            bio: Set(Some(user.bio.to_owned())),
            role: Set(Role::User),
            notify_on_comment: Set(true),
            created_at: Set(now - Duration::days(60)),
            updated_at: Set(now - Duration::days(60)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        user_ids.push(created.id);
    }
    let mut paper_ids = Vec::new();
    for (i, paper) in content::PAPERS.iter().enumerate() {
        let summary_count = content::SUMMARIES.iter().filter(|s| s.paper == i).count();
        let created = papers::ActiveModel {
            key: Set(format!("arxiv:{}", paper.arxiv_id)),
            title: Set(paper.title.to_owned()),
            authors: Set(to_json_list(
                &paper.authors.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(),
            )),
            r#abstract: Set(Some(paper.abstract_text.to_owned())),
            venue: Set(Some(paper.venue.to_owned())),
            venue_key: Set(Some(paper.venue.to_lowercase())),
            year: Set(Some(paper.year)),
            published_at: Set(paper.published.parse::<DateTime<Utc>>().ok()),
            category: Set(Category::Cs),
            arxiv_id: Set(Some(paper.arxiv_id.to_owned())),
            doi: Set(paper.doi.map(str::to_owned)),
            dblp_key: Set(paper.dblp_key.map(str::to_owned)),
            urls: Set(to_json_list(&[format!(
                "https://arxiv.org/abs/{}",
                paper.arxiv_id
            )])),
            pdf_url: Set(Some(format!("https://arxiv.org/pdf/{}", paper.arxiv_id))),
            summary_count: Set(i32::try_from(summary_count)?),
            created_at: Set(now - Duration::days(30)),
            updated_at: Set(now - Duration::days(30)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        db::papers::add_keys(&txn, created.id, &crate::domain::papers::keys_of_paper(&created)).await?;
        paper_ids.push(created.id);
    }
    for summary in content::SUMMARIES {
        let at = now - Duration::days(summary.days_ago) - Duration::minutes(7 * summary.paper as i64);
        let upvotes = summary.votes.iter().filter(|(_, v)| *v > 0).count() as i32;
        let downvotes = summary.votes.len() as i32 - upvotes;
        let created = summaries::ActiveModel {
            paper_id: Set(paper_ids[summary.paper]),
            author_id: Set(user_ids[summary.author]),
            anonymous: Set(summary.anonymous),
            visibility: Set(Visibility::Public),
            body_markdown: Set(summary.body.to_owned()),
            body_html: Set(render_markdown(summary.body)),
            score: Set(upvotes - downvotes),
            upvotes: Set(upvotes),
            downvotes: Set(downvotes),
            created_at: Set(at),
            updated_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        summary_revisions::ActiveModel {
            summary_id: Set(created.id),
            revision: Set(1),
            body_markdown: Set(summary.body.to_owned()),
            editor_id: Set(user_ids[summary.author]),
            created_at: Set(at),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for tag in summary.tags {
            summary_tags::ActiveModel {
                summary_id: Set(created.id),
                tag: Set((*tag).to_owned()),
            }
            .insert(&txn)
            .await?;
        }
        for (voter, value) in summary.votes {
            votes::ActiveModel {
                summary_id: Set(created.id),
                user_id: Set(user_ids[*voter]),
                value: Set(*value),
                created_at: Set(at),
                updated_at: Set(at),
            }
            .insert(&txn)
            .await?;
        }
    }
    // The rows were written directly: the directory's counters are counted once here.
    db::accounts::recount_profiles(&txn).await?;
    txn.commit().await?;
    Ok(true)
}
