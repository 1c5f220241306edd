//! Keyset pagination: opaque cursors holding the sort key and id of the last item of a page,
//! so pages stay stable under inserts and no query scans past skipped rows.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Condition, Value};
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

    /// Rows after this cursor in a `(sort_column DESC, id DESC)` ordering.
    pub fn rows_after<C: ColumnTrait>(
        &self,
        sort_column: C,
        id_column: C,
        key: impl Into<Value> + Clone,
    ) -> Condition {
        Condition::any().add(sort_column.lt(key.clone())).add(
            Condition::all()
                .add(sort_column.eq(key))
                .add(id_column.lt(self.id)),
        )
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
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_are_opaque() {
        let cursor = Cursor {
            order: "top",
            key: -3,
            id: 42,
        };
        let text = cursor.encode();
        assert!(!text.contains("42"), "cursor should not expose ids: {text}");
        let page = PageRequest::parse(Some(5), Some(&text), "top").unwrap();
        assert_eq!(page.after, Some(cursor));
    }

    #[test]
    fn a_cursor_from_another_order_is_refused() {
        let text = Cursor {
            order: "new",
            key: 1,
            id: 2,
        }
        .encode();
        assert!(matches!(
            PageRequest::parse(None, Some(&text), "top"),
            Err(ApiError::BadRequest(_))
        ));
        assert!(matches!(
            PageRequest::parse(None, Some("%%%"), "top"),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn limits_outside_1_to_100_are_validation_errors() {
        assert!(matches!(
            PageRequest::parse(Some(0), None, "new"),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            PageRequest::parse(Some(101), None, "new"),
            Err(ApiError::Validation(_))
        ));
        assert_eq!(PageRequest::parse(None, None, "new").unwrap().limit, 20);
    }

    #[test]
    fn the_last_page_has_no_cursor() {
        let page = PageRequest::parse(Some(2), None, "new").unwrap();
        let cursor = |v: &i64| Cursor {
            order: "new",
            key: *v,
            id: *v,
        };
        let (rows, next) = finish_page(vec![3, 2, 1], &page, cursor);
        assert_eq!(rows, vec![3, 2]);
        assert!(next.is_some());
        let (rows, next) = finish_page(vec![1], &page, cursor);
        assert_eq!(rows, vec![1]);
        assert!(next.is_none());
    }
}
