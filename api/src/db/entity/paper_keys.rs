//! A key that resolves to a paper: unique, so one identifier never names two papers.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "paper_keys")]
pub struct Model {
    /// `arxiv:1703.06870`, `doi:…`, `dblp:…` or a legacy bibtexKey.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub key: String,
    pub paper_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::papers::Entity",
        from = "Column::PaperId",
        to = "super::papers::Column::Id",
        on_delete = "Cascade"
    )]
    Paper,
}

impl Related<super::papers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Paper.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
