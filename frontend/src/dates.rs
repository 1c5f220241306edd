//! Dates as readers see them ("5 Mar 2024"), written by hand: chrono's strftime machinery would
//! cost the reader's bundle more than all of this.

use chrono::{DateTime, Datelike, Utc};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(at: &DateTime<Utc>) -> &'static str {
    MONTHS[at.month0() as usize]
}

fn short_month(at: &DateTime<Utc>) -> &'static str {
    &month(at)[..3]
}

/// "5 Mar 2024".
pub fn day(at: &DateTime<Utc>) -> String {
    format!("{} {} {}", at.day(), short_month(at), at.year())
}

/// "Mar 2024".
pub fn short_month_year(at: &DateTime<Utc>) -> String {
    format!("{} {}", short_month(at), at.year())
}

/// "March 2024".
pub fn month_year(at: &DateTime<Utc>) -> String {
    format!("{} {}", month(at), at.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_like_the_strftime_forms_they_replace() {
        let at: DateTime<Utc> = "2024-03-05T14:07:00Z".parse().unwrap();
        assert_eq!(day(&at), at.format("%-d %b %Y").to_string());
        assert_eq!(short_month_year(&at), at.format("%b %Y").to_string());
        assert_eq!(month_year(&at), at.format("%B %Y").to_string());
    }
}
