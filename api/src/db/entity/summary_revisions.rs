//! One revision of a summary's markdown, kept so readers can see how a summary changed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub summary_id: i64,
    /// 1 for the first version; unique per summary.
    pub revision: i32,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    /// The author, or the moderator who edited it.
    pub editor_id: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::summaries::Entity",
        from = "Column::SummaryId",
        to = "super::summaries::Column::Id",
        on_delete = "Cascade"
    )]
    Summary,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::EditorId",
        to = "super::users::Column::Id",
        on_delete = "NoAction"
    )]
    Editor,
}

impl Related<super::summaries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Summary.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Editor.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
