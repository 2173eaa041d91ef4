//! Numbers a provider sends, clamped before anything computes with them:
//! a negative, fractional, textual or astronomically large `expires_in` or
//! `interval` must neither panic (Duration and DateTime arithmetic do on
//! overflow) nor make authdash wait for ever.

use serde_json::{Map, Number, Value};

/// The longest lifetime believed: a year. Longer is a mistake or a lie,
/// and a year still fits any clock arithmetic.
const MAX_EXPIRES_IN_SECS: u64 = 365 * 24 * 60 * 60;
/// Device polls at least every minute, whatever the provider asks: a
/// longer interval would outlast the code it polls for.
pub const MAX_INTERVAL_SECS: u64 = 60;
/// And at most every second: `0` would poll as fast as the network goes.
const MIN_INTERVAL_SECS: u64 = 1;

/// A JSON object's `expires_in` and `interval` as integers in range; a
/// value that is no number at all is dropped (as if not sent). Any other
/// body is returned unchanged, byte for byte.
pub(crate) fn clamp_provider_numbers(body: Vec<u8>) -> Vec<u8> {
    let Ok(mut object) = serde_json::from_slice::<Map<String, Value>>(&body) else {
        return body;
    };
    let mut changed = false;
    for (key, min, max) in [
        ("expires_in", 0, MAX_EXPIRES_IN_SECS),
        ("refresh_expires_in", 0, MAX_EXPIRES_IN_SECS),
        ("interval", MIN_INTERVAL_SECS, MAX_INTERVAL_SECS),
    ] {
        let Some(value) = object.get(key) else {
            continue;
        };
        let clamped = clamp_seconds(value, min, max);
        match clamped {
            Some(n) if value.as_u64() == Some(n) => {}
            Some(n) => {
                tracing::debug!("the provider's `{key}` was out of range; clamped to {n}");
                object.insert(key.to_owned(), Value::Number(Number::from(n)));
                changed = true;
            }
            None => {
                tracing::debug!("the provider's `{key}` is not a number; ignored");
                object.remove(key);
                changed = true;
            }
        }
    }
    if !changed {
        return body;
    }
    serde_json::to_vec(&object).unwrap_or(body)
}

/// Seconds from a JSON number or numeric string, clamped to `min..=max`;
/// `None` for anything else (NaN, words, objects).
fn clamp_seconds(value: &Value, min: u64, max: u64) -> Option<u64> {
    let n = match value {
        Value::Number(n) => n
            .as_u64()
            .map(|u| u as f64)
            .or_else(|| n.as_i64().map(|i| i as f64))
            .or_else(|| n.as_f64())?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if n.is_nan() {
        return None;
    }
    // Float comparison saturates: 1e308 and +inf land on `max`.
    let secs = if n <= min as f64 {
        min
    } else if n >= max as f64 {
        max
    } else {
        n as u64
    };
    Some(secs)
}

/// An integer of seconds from header text (`max-age`, `Retry-After`),
/// saturating at `max`; `None` when it is not digits.
pub(crate) fn header_seconds(text: &str, max: u64) -> Option<u64> {
    let text = text.trim().trim_matches('"');
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Too many digits for a u64 is simply "a lot".
    Some(text.parse::<u64>().unwrap_or(u64::MAX).min(max))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn absurd_numbers_are_clamped_or_dropped() {
        let cases = [
            (json!(3600), Some(3600)),
            (json!(-5), Some(0)),
            (json!(u64::MAX), Some(MAX_EXPIRES_IN_SECS)),
            (json!(i64::MIN), Some(0)),
            (json!(1e308), Some(MAX_EXPIRES_IN_SECS)),
            (json!(-1e308), Some(0)),
            (json!(0.5), Some(0)),
            (json!("3600"), Some(3600)),
            (
                json!(" 99999999999999999999999 "),
                Some(MAX_EXPIRES_IN_SECS),
            ),
            (json!("NaN"), None),
            (json!("soon"), None),
            (json!(null), None),
            (json!({"a": 1}), None),
        ];
        for (value, expected) in cases {
            assert_eq!(
                clamp_seconds(&value, 0, MAX_EXPIRES_IN_SECS),
                expected,
                "{value}"
            );
        }
    }

    #[test]
    fn a_token_response_is_rewritten_only_where_needed() {
        let good = br#"{"access_token":"a","expires_in":60}"#.to_vec();
        assert_eq!(clamp_provider_numbers(good.clone()), good);
        let bad = serde_json::to_vec(&json!({
            "access_token": "a",
            "expires_in": 1e308,
            "interval": u64::MAX,
            "refresh_expires_in": "never",
        }))
        .unwrap();
        let fixed: Value = serde_json::from_slice(&clamp_provider_numbers(bad)).unwrap();
        assert_eq!(fixed["expires_in"], json!(MAX_EXPIRES_IN_SECS));
        assert_eq!(fixed["interval"], json!(MAX_INTERVAL_SECS));
        assert!(fixed.get("refresh_expires_in").is_none());
        assert_eq!(fixed["access_token"], json!("a"));
        let zero = clamp_provider_numbers(br#"{"interval":0}"#.to_vec());
        assert_eq!(zero, br#"{"interval":1}"#.to_vec());
        let text = b"not json".to_vec();
        assert_eq!(clamp_provider_numbers(text.clone()), text);
    }

    #[test]
    fn header_seconds_saturate() {
        assert_eq!(header_seconds("120", 1000), Some(120));
        assert_eq!(header_seconds("\"120\"", 1000), Some(120));
        assert_eq!(
            header_seconds("99999999999999999999999999", 1000),
            Some(1000)
        );
        assert_eq!(header_seconds("-1", 1000), None);
        assert_eq!(header_seconds("1e9", 1000), None);
        assert_eq!(header_seconds("", 1000), None);
    }
}
