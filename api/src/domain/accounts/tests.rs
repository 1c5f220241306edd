use super::*;

#[test]
fn formula_cells_are_neutralised_and_others_kept() {
    for formula in ["=HYPERLINK(\"http://evil\")", "+1", "-2+3", "@SUM(A1)", "\t=1"] {
        assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
    }
    for plain in ["A summary", "$x^2$", "", "1-2"] {
        assert_eq!(spreadsheet_safe(plain), plain);
    }
}
