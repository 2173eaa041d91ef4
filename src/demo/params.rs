//! Form and query parameters, parsed without ever rejecting the request:
//! handlers decide what is missing or malformed and answer in OAuth terms.

use std::collections::HashMap;

/// `application/x-www-form-urlencoded` parameters.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: HashMap<String, String>,
    duplicated: Option<String>,
}

impl Params {
    pub(crate) fn parse(input: &[u8]) -> Params {
        let mut params = Params::default();
        for (k, v) in url::form_urlencoded::parse(input) {
            // RFC 8707: one `resource` per API the client asks for.
            if k == "resource" && params.values.contains_key("resource") {
                continue;
            }
            if params.values.contains_key(k.as_ref()) {
                params.duplicated.get_or_insert_with(|| k.to_string());
            } else {
                params.values.insert(k.into_owned(), v.into_owned());
            }
        }
        params
    }

    pub(crate) fn from_query(query: Option<&str>) -> Params {
        Params::parse(query.unwrap_or("").as_bytes())
    }

    /// A parameter's value; an empty value counts as absent (RFC 6749 §3.1).
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The first parameter that appeared more than once (RFC 6749 §3.1:
    /// parameters must not be included more than once).
    pub(crate) fn duplicated(&self) -> Option<&str> {
        self.duplicated.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_flags_duplicates() {
        let p = Params::parse(b"a=1&b=&c=x%20y&a=2");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("x y"));
        assert_eq!(p.duplicated(), Some("a"));
    }
}
