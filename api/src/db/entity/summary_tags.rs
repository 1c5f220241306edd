//! A tag on a summary; the pair is the key, so a tag appears at most once per summary.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "summary_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub summary_id: i64,
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub tag: String,
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
}

impl Related<super::summaries::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Summary.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
