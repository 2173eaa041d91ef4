//! The Profile view's text, made once per session: every claim of the ID
//! token and userinfo, nested values as indented JSON, control characters
//! made visible. For a person in 1,000 orgs the claims are megabytes;
//! merging and printing them on every frame cost more than the drawing.

use std::collections::BTreeMap;

use serde_json::Value;
use unicode_width::UnicodeWidthStr;

use crate::auth::Session;
use crate::identity::visible;

/// Claims that are times, shown as dates (Streamlit shows them raw).
const TIME_CLAIMS: [&str; 5] = ["iat", "exp", "auth_time", "nbf", "updated_at"];

/// One claim as the Profile view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileClaim {
    /// `◆◇`, `◆ ` or ` ◇`: from the ID token, userinfo, or both.
    pub source: &'static str,
    /// The claim's name, made visible.
    pub name: String,
    /// A time claim's seconds: drawn as a date in the model's time zone.
    pub(crate) time: Option<i64>,
    /// The value's text, made visible: one line for scalars, nested
    /// values as indented JSON (one `String` per claim, not per line: a
    /// 1,000-org claim is some 15,000 lines).
    pub text: String,
    /// Each line's width in columns, measured once: a frame counts the
    /// rows every line wraps to, and measuring some 15,000 lines of a
    /// 1,000-org claim per frame cost milliseconds.
    pub(crate) widths: Vec<usize>,
}

/// Every claim, in name order, and the width of the name column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileText {
    pub claims: Vec<ProfileClaim>,
    pub(crate) name_width: usize,
}

impl ProfileClaim {
    /// The value's lines.
    pub(crate) fn lines(&self) -> std::str::Lines<'_> {
        self.text.lines()
    }
}

impl ProfileText {
    pub fn of(session: &Session) -> Self {
        // Userinfo over the ID token, by reference: `merged_claims` would
        // copy every value, megabytes for a person in 1,000 orgs.
        let mut merged: BTreeMap<&String, &Value> = session.id_claims.iter().collect();
        merged.extend(session.userinfo.iter().flatten());
        let name_width = merged.keys().map(|k| k.len()).max().unwrap_or(0).min(28);
        let claims = merged
            .iter()
            .map(|(&name, &value)| {
                let in_id = session.id_claims.contains_key(name);
                let in_info = session
                    .userinfo
                    .as_ref()
                    .is_some_and(|u| u.contains_key(name));
                let time = TIME_CLAIMS
                    .contains(&name.as_str())
                    .then(|| value.as_i64())
                    .flatten()
                    .filter(|s| chrono::DateTime::from_timestamp(*s, 0).is_some());
                let text = value_text(value);
                ProfileClaim {
                    widths: text.lines().map(UnicodeWidthStr::width).collect(),
                    source: match (in_id, in_info) {
                        (true, true) => "◆◇",
                        (true, false) => "◆ ",
                        _ => " ◇",
                    },
                    name: visible(name).into_owned(),
                    time,
                    text,
                }
            })
            .collect();
        Self { claims, name_width }
    }
}

/// One line for scalars; nested objects as indented JSON, one line each;
/// each line made visible (so no line break is left but ours).
fn value_text(value: &Value) -> String {
    let raw = match value {
        Value::String(s) => return visible(s).into_owned(),
        Value::Object(_) | Value::Array(_) if longer_than(value, 60) => {
            serde_json::to_string_pretty(value).unwrap_or_default()
        }
        other => other.to_string(),
    };
    let mut text = String::with_capacity(raw.len());
    for (i, line) in raw.lines().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        text.push_str(&visible(line));
    }
    text
}

/// Whether `value` as compact JSON is longer than `limit` bytes, found
/// without writing out all of a value of megabytes.
fn longer_than(value: &Value, limit: usize) -> bool {
    struct Budget(usize);
    impl std::io::Write for Budget {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = self
                .0
                .checked_sub(bytes.len())
                .ok_or(std::io::ErrorKind::WriteZero)?;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(Budget(limit), value).is_err()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn session(id: Value, info: Value) -> Session {
        let map = |v: Value| -> BTreeMap<String, Value> {
            serde_json::from_value(v).expect("an object of claims")
        };
        let mut session: Session = serde_json::from_value(json!({
            "provider": "p", "issuer": "https://issuer.example", "client_id": "c",
            "tokens": {"access_token": "a", "id_token": "i", "expires_at": null},
            "id_claims": {}, "userinfo": null,
            "user": {"subject": "s", "email": null, "email_verified": null, "name": null,
                     "picture": null, "orgs": [], "claims": {}},
            "logged_in_at": "2025-03-14T09:26:53Z", "refreshed_at": null,
        }))
        .expect("a session");
        session.id_claims = map(id);
        session.userinfo = Some(map(info));
        session
    }

    #[test]
    fn each_claim_is_made_once_with_its_source_and_lines() {
        let orgs = json!({"o1": {"org_name": "Acme", "user_role": "Owner", "perms": ["a", "b"]}});
        let text = ProfileText::of(&session(
            json!({"sub": "s", "exp": 1_741_944_413, "name": "Ann\u{1b}[2J"}),
            json!({"sub": "s", "org_id_to_org_member_info": orgs}),
        ));
        let names: Vec<&str> = text.claims.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["exp", "name", "org_id_to_org_member_info", "sub"]);
        let claim = |name: &str| text.claims.iter().find(|c| c.name == name).expect(name);
        assert_eq!(claim("sub").source, "◆◇");
        assert_eq!(claim("exp").source, "◆ ");
        assert_eq!(
            claim("exp").time,
            Some(1_741_944_413),
            "a time, drawn as a date"
        );
        assert_eq!(claim("org_id_to_org_member_info").source, " ◇");
        assert!(
            claim("org_id_to_org_member_info").lines().count() > 3,
            "nested JSON, one line each"
        );
        assert_eq!(
            claim("name").lines().collect::<Vec<_>>(),
            ["Ann\\u{1b}[2J"],
            "control characters made visible"
        );
        assert_eq!(text.name_width, 25);
    }
}
