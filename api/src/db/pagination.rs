//! Keyset pagination: opaque cursors holding the sort key and id of the last item of a page,
//! so pages stay stable under inserts and no query scans past skipped rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Value};
use shared::api::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

use crate::error::ApiError;

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<Cursor>,
}

/// The position after the last item of the previous page: the sort key and the row id that
/// breaks ties. `order` names the ordering it belongs to, so a cursor from another ordering is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub order: &'static str,
    pub key: i64,
    pub id: i64,
}

impl PageRequest {
    /// Validates `?limit=` and decodes `?cursor=` for the given ordering.
    pub fn parse(limit: Option<u64>, cursor: Option<&str>, order: &'static str) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) {
            return Err(ApiError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE_SIZE}"),
            ));
        }
        let after = cursor.map(|c| Cursor::decode(c, order)).transpose()?;
        Ok(PageRequest { limit, after })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> u64 {
        self.limit + 1
    }
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}:{}", self.order, self.key, self.id))
    }

    fn decode(text: &str, order: &'static str) -> Result<Cursor, ApiError> {
        let invalid = || ApiError::BadRequest("The cursor is not valid for this list and order.".to_owned());
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let text = String::from_utf8(bytes).map_err(|_| invalid())?;
        let mut parts = text.splitn(3, ':');
        if parts.next() != Some(order) {
            return Err(invalid());
        }
        let key = parts.next().and_then(|k| k.parse().ok()).ok_or_else(invalid)?;
        let id = parts.next().and_then(|k| k.parse().ok()).ok_or_else(invalid)?;
        Ok(Cursor { order, key, id })
    }

    /// The sort key read as a timestamp (orders by time store microseconds since the epoch).
    pub fn key_time(&self) -> Result<chrono::DateTime<chrono::Utc>, ApiError> {
        chrono::DateTime::from_timestamp_micros(self.key)
            .ok_or_else(|| ApiError::BadRequest("The cursor is not valid.".to_owned()))
    }

    /// Rows after this cursor in a `(sort_column DESC, id DESC)` ordering, as one row-value
    /// comparison, `(sort_column, id) < (key, id)`: both engines seek an index on the two
    /// columns to it. The same test spelt `sort_column < key OR (sort_column = key AND id < …)`
    /// is one SQLite cannot seek with: it walked the index from the top, so a page cost as much
    /// as every row before it (the 100,000th row of the NDJSON dump took 9 ms per page of 100;
    /// with the row values, 0.7 ms).
    pub fn rows_after<C: ColumnTrait>(
        &self,
        sort_column: C,
        id_column: C,
        key: impl Into<Value>,
    ) -> Condition {
        let columns = Expr::tuple([
            Expr::col(sort_column.as_column_ref()),
            Expr::col(id_column.as_column_ref()),
        ]);
        let cursor = Expr::tuple([Expr::val(key), Expr::val(self.id)]);
        Condition::all().add(columns.lt(cursor))
    }
}

/// Cuts the extra row off a fetched page and makes the cursor of the next page from the last item.
pub fn finish_page<T>(
    mut rows: Vec<T>,
    page: &PageRequest,
    cursor_of: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() as u64 > page.limit;
    rows.truncate(page.limit as usize);
    let next = if more {
        rows.last().map(|r| cursor_of(r).encode())
    } else {
        None
    };
    (rows, next)
}

#[cfg(test)]
mod tests;
