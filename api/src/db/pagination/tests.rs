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
