//! The demo's panel data is written as of one day, its latest date; a demo
//! run shows it as of today, so that "the last 14 days" end today and the
//! latest invoice is this month's, in whatever year the binary runs.
//!
//! A series of days moves by days, so that its days stay consecutive; a
//! series of months (`month = "2025-01"`, or dates all on the 1st, such as
//! invoices) moves by whole months, so that it keeps to the 1st.

use chrono::{Datelike, Months, NaiveDate};
use serde_json::{Map, Value};

const DAY: &str = "%Y-%m-%d";

/// How far the data moves: by days for daily series, by months for monthly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shift {
    days: i64,
    months: i32,
}

impl Shift {
    /// From the data's latest day to `today`.
    pub(super) fn between(as_of: NaiveDate, today: NaiveDate) -> Shift {
        Shift {
            days: (today - as_of).num_days(),
            months: month_index(today) - month_index(as_of),
        }
    }

    fn by_days(self, day: NaiveDate) -> Option<NaiveDate> {
        day.checked_add_signed(chrono::TimeDelta::try_days(self.days)?)
    }

    fn by_months(self, day: NaiveDate) -> Option<NaiveDate> {
        let n = Months::new(self.months.unsigned_abs());
        if self.months >= 0 {
            day.checked_add_months(n)
        } else {
            day.checked_sub_months(n)
        }
    }
}

fn month_index(day: NaiveDate) -> i32 {
    day.year() * 12 + day.month0() as i32
}

fn day_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, DAY).ok()
}

fn month_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{text}-01"), DAY)
        .ok()
        .filter(|_| text.len() == 7)
}

/// The points of the series in `extra`: its arrays of tables.
fn points(extra: &Map<String, Value>) -> impl Iterator<Item = &Map<String, Value>> {
    extra
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_object)
}

/// The latest day any series in `extras` names (a month counts as its 1st).
pub(super) fn latest<'a>(
    extras: impl Iterator<Item = &'a Map<String, Value>>,
) -> Option<NaiveDate> {
    extras
        .flat_map(points)
        .filter_map(|point| {
            let text = |key| point.get(key).and_then(Value::as_str);
            text("date")
                .and_then(day_of)
                .or_else(|| text("month").and_then(month_of))
        })
        .max()
}

/// Moves every `date` and `month` of the series in `extra` by `shift`.
/// A value that does not parse, or would leave the calendar, stays as
/// written.
pub(super) fn move_series(extra: &mut Map<String, Value>, shift: Shift) {
    for series in extra.values_mut().filter_map(Value::as_array_mut) {
        let monthly = series
            .iter()
            .filter_map(|p| p.get("date").and_then(Value::as_str).and_then(day_of))
            .all(|day| day.day() == 1);
        for point in series.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::String(text)) = point.get_mut("date")
                && let Some(day) = day_of(text)
            {
                let moved = if monthly {
                    shift.by_months(day)
                } else {
                    shift.by_days(day)
                };
                if let Some(moved) = moved {
                    *text = moved.format(DAY).to_string();
                }
            }
            if let Some(Value::String(text)) = point.get_mut("month")
                && let Some(moved) = month_of(text).and_then(|m| shift.by_months(m))
            {
                *text = moved.format("%Y-%m").to_string();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn day(text: &str) -> NaiveDate {
        day_of(text).expect("a test date")
    }

    fn extra(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn daily_series_end_today_and_stay_consecutive() {
        let mut data = extra(json!({"daily": [
            {"date": "2025-12-01", "users": 1},
            {"date": "2025-12-13", "users": 2},
            {"date": "2025-12-14", "users": 3},
        ]}));
        let shift = Shift::between(day("2025-12-14"), day("2026-03-01"));
        move_series(&mut data, shift);
        assert_eq!(
            data["daily"],
            json!([
                {"date": "2026-02-16", "users": 1},
                {"date": "2026-02-28", "users": 2},
                {"date": "2026-03-01", "users": 3},
            ])
        );
    }

    #[test]
    fn monthly_series_and_invoices_on_the_first_move_by_months() {
        let mut data = extra(json!({
            "usage": [{"month": "2025-11", "amount": 1}, {"month": "2025-12", "amount": 2}],
            "invoices": [{"date": "2025-11-01"}, {"date": "2025-12-01"}],
        }));
        let shift = Shift::between(day("2025-12-14"), day("2027-02-03"));
        move_series(&mut data, shift);
        assert_eq!(
            data["usage"],
            json!([{"month": "2027-01", "amount": 1}, {"month": "2027-02", "amount": 2}])
        );
        assert_eq!(
            data["invoices"],
            json!([{"date": "2027-01-01"}, {"date": "2027-02-01"}])
        );
    }

    #[test]
    fn an_earlier_today_moves_the_data_back() {
        let mut data =
            extra(json!({"usage": [{"month": "2025-12"}], "d": [{"date": "2025-12-14"}]}));
        move_series(
            &mut data,
            Shift::between(day("2025-12-14"), day("2025-03-14")),
        );
        assert_eq!(data["usage"], json!([{"month": "2025-03"}]));
        assert_eq!(data["d"], json!([{"date": "2025-03-14"}]));
    }

    #[test]
    fn the_latest_day_is_found_across_dates_and_months() {
        let a = extra(json!({"usage": [{"month": "2026-01"}]}));
        let b = extra(json!({"daily": [{"date": "2025-12-30"}, {"date": "not a date"}]}));
        assert_eq!(latest([&a, &b].into_iter()), Some(day("2026-01-01")));
        assert_eq!(latest(std::iter::empty()), None);
    }

    #[test]
    fn values_that_are_not_dates_stay_as_written() {
        let mut data = extra(json!({"rows": [
            {"date": "soon", "month": "2025-1"},
            {"date": 20251201, "month": "2025-13"},
        ]}));
        let before = data.clone();
        move_series(
            &mut data,
            Shift::between(day("2025-12-14"), day("2026-12-07")),
        );
        assert_eq!(data, before);
    }
}
