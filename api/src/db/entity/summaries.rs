//! A summary of a paper by one author (at most one per author per paper), with its vote tallies.

use sea_orm::entity::prelude::*;
use shared::api::Visibility;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summaries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub paper_id: i64,
    pub author_id: i64,
    pub anonymous: bool,
    pub visibility: Visibility,
    /// The secret in an unlisted summary's share URL.
    #[sea_orm(column_type = "Text", nullable, unique)]
    pub share_token: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    /// `body_markdown` rendered and sanitised when the revision was written.
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// `upvotes - downvotes`, kept in step with `votes` by the vote write path.
    pub score: i32,
    pub upvotes: i32,
    pub downvotes: i32,
    pub comment_count: i32,
    pub revision: i32,
    #[sea_orm(column_type = "Text")]
    pub license: String,
    pub view_count: i64,
    /// Recent views and votes with decay (the popularity job's).
    pub popularity: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Soft delete by the author or a moderator.
    pub deleted_at: Option<DateTimeUtc>,
    /// Hidden by a moderator after a report.
    pub hidden_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::papers::Entity",
        from = "Column::PaperId",
        to = "super::papers::Column::Id",
        on_delete = "NoAction"
    )]
    Paper,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::AuthorId",
        to = "super::users::Column::Id",
        on_delete = "NoAction"
    )]
    Author,
    #[sea_orm(has_many = "super::summary_tags::Entity")]
    Tags,
    #[sea_orm(has_many = "super::summary_revisions::Entity")]
    Revisions,
}

impl Related<super::papers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Paper.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl Related<super::summary_tags::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tags.def()
    }
}

impl Related<super::summary_revisions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Revisions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
