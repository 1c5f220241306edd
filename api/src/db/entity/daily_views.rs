//! Page views of one paper or summary on one UTC day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_views")]
pub struct Model {
    /// `paper` or `summary`.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_id: i64,
    /// Days since 1970-01-01.
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: i32,
    pub views: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
