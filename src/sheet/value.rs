//! Dates of v2 table cells: phase dates (`08/01/2024`, `03/2024`, `marzo 2024`).
//! (Their numbers, weights and achievements, are read by [`crate::number`].)

use super::doc::re;
use std::sync::OnceLock;

/// Which end of a month a month-only date stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum MonthEnd {
    First,
    Last,
}

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn full_year(y: i32) -> i32 {
    if y < 100 {
        2000 + y
    } else {
        y
    }
}

fn iso(year: i32, month: u32, day: u32) -> Option<String> {
    ((1..=12).contains(&month) && day >= 1 && day <= days_in(year, month) && (1900..=2100).contains(&year))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// The ISO date in a phase's date cell: a day (`08/01/2024`, `8-1-24`, `08.01.2024`,
/// `8 gennaio 2024`), else a month (`03/2024`, `marzo 2024`, `mar. 2024`) as its
/// first or last day (`end`).
pub(super) fn date_cell(raw: &str, end: MonthEnd) -> Option<String> {
    static DAY: OnceLock<regex::Regex> = OnceLock::new();
    static MONTH: OnceLock<regex::Regex> = OnceLock::new();
    static NAMED: OnceLock<regex::Regex> = OnceLock::new();
    let lower = raw.to_lowercase();
    if let Some(c) = re(&DAY, r"(?:^|[^\d])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:$|[^\d])").captures(&lower) {
        return iso(full_year(c[3].parse().ok()?), c[2].parse().ok()?, c[1].parse().ok()?);
    }
    let month_day = |year: i32, month: u32| match end {
        MonthEnd::First => iso(year, month, 1),
        MonthEnd::Last => iso(year, month, days_in(year, month)),
    };
    if let Some(c) =
        re(&NAMED, r"(?:^|[^\p{L}\d])(?:(\d{1,2})\s+)?(\p{L}{3,})\.?\s+(\d{4})(?:$|[^\d])").captures(&lower)
    {
        let name = &c[2];
        if let Some(m) = MONTHS.iter().position(|m| *m == name || (name.len() == 3 && m.starts_with(name))) {
            let year: i32 = c[3].parse().ok()?;
            return match c.get(1) {
                Some(d) => iso(year, m as u32 + 1, d.as_str().parse().ok()?),
                None => month_day(year, m as u32 + 1),
            };
        }
    }
    if let Some(c) = re(&MONTH, r"(?:^|[^\d/.\-])(\d{1,2})[/.\-](\d{4})(?:$|[^\d])").captures(&lower) {
        return month_day(c[2].parse().ok()?, c[1].parse().ok()?);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_dates_days_and_months() {
        use MonthEnd::*;
        assert_eq!(date_cell("08/01/2024", First).as_deref(), Some("2024-01-08"));
        assert_eq!(date_cell("8-1-24", Last).as_deref(), Some("2024-01-08"));
        assert_eq!(date_cell("entro il 31.12.2024", Last).as_deref(), Some("2024-12-31"));
        assert_eq!(date_cell("03/2024", First).as_deref(), Some("2024-03-01"));
        assert_eq!(date_cell("03/2024", Last).as_deref(), Some("2024-03-31"));
        assert_eq!(date_cell("02/2024", Last).as_deref(), Some("2024-02-29"), "leap year");
        assert_eq!(date_cell("02/2023", Last).as_deref(), Some("2023-02-28"));
        assert_eq!(date_cell("02/2100", Last).as_deref(), Some("2100-02-28"), "no leap century");
        assert_eq!(date_cell("Marzo 2024", First).as_deref(), Some("2024-03-01"));
        assert_eq!(date_cell("giugno 2024", Last).as_deref(), Some("2024-06-30"));
        assert_eq!(date_cell("feb. 2024", Last).as_deref(), Some("2024-02-29"));
        assert_eq!(date_cell("15 aprile 2024", Last).as_deref(), Some("2024-04-15"));
        assert_eq!(date_cell("31/02/2024", First), None, "no such day");
        assert_eq!(date_cell("13/2024", First), None);
        assert_eq!(date_cell("in corso", First), None);
        assert_eq!(date_cell("", First), None);
    }
}
