//! A paper: one row per work, whichever identifier (arXiv, DOI, DBLP, legacy key) found it.

use sea_orm::entity::prelude::*;
use shared::api::Category;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "papers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Canonical bibtexKey-style key, e.g. `arxiv:1703.06870`.
    #[sea_orm(column_type = "Text", unique)]
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    /// JSON array of author names, in order.
    #[sea_orm(column_type = "Text")]
    pub authors: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub r#abstract: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub venue: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub venue_key: Option<String>,
    pub year: Option<i32>,
    pub published_at: Option<DateTimeUtc>,
    pub category: Category,
    #[sea_orm(column_type = "Text", nullable, unique)]
    pub arxiv_id: Option<String>,
    #[sea_orm(column_type = "Text", nullable, unique)]
    pub doi: Option<String>,
    #[sea_orm(column_type = "Text", nullable, unique)]
    pub dblp_key: Option<String>,
    /// JSON array of links.
    #[sea_orm(column_type = "Text")]
    pub urls: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub pdf_url: Option<String>,
    /// Kept in step by the write paths that add or remove summaries.
    pub summary_count: i32,
    pub view_count: i64,
    /// Recent views and votes with decay (the popularity job's).
    pub popularity: i64,
    /// Who entered or imported it; `None` once that account is gone.
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The latest arXiv version seen.
    pub arxiv_version: Option<i32>,
    /// arXiv's primary category, e.g. `cs.CV`.
    #[sea_orm(column_type = "Text", nullable)]
    pub arxiv_primary_category: Option<String>,
    /// Set when this paper was merged into another: its URLs redirect there.
    pub merged_into: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::summaries::Entity")]
    Summaries,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::CreatedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    Creator,
}

impl Related<super::summaries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Summaries.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Creator.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
