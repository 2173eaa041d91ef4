//! One organization, Acme (`org-1`), as a PropelAuth-shaped provider names
//! it, and what a session holds in it: for the renewal attacks, which
//! give and take away roles there.

use authdash::auth::Session;
use authdash::identity::RoleOrder;
use authdash::panels::{Access, Requirement};
use chrono::{TimeDelta, Utc};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

/// PropelAuth's claim: one org, Acme, with `role`.
pub fn orgs(role: &str) -> Value {
    json!({
        "org_id_to_org_info": {
            "org-1": { "org_id": "org-1", "org_name": "Acme", "user_role": role },
        },
    })
}

/// `a` with the fields of `b` over it (both JSON objects).
pub fn with(mut a: Value, b: Value) -> Value {
    if let (Value::Object(a), Value::Object(b)) = (&mut a, b) {
        a.extend(b);
    }
    a
}

/// The session's role in Acme, if it is a member.
pub fn role(s: &Session) -> Option<&str> {
    s.user
        .orgs
        .iter()
        .find(|o| o.org_id == "org-1")
        .map(|o| o.role.as_str())
}

/// Whether a panel asking "at least Admin" opens in the session's first org.
pub fn admin_panel_opens(s: &Session) -> bool {
    let admin = Requirement {
        min_role: Some("Admin".into()),
        ..Requirement::default()
    };
    admin.check(s.user.orgs.first(), &RoleOrder::default()) == Access::Allowed
}

/// The session with its access token expired five minutes ago: the next
/// use renews it.
pub fn expired(mut s: Session) -> Session {
    s.tokens.expires_at = Some(Utc::now() - TimeDelta::minutes(5));
    s
}

/// The session's refresh token, or "" when it has none.
pub fn refresh_token(s: &Session) -> String {
    s.tokens
        .refresh_token
        .as_ref()
        .map(|t| t.expose_secret().to_owned())
        .unwrap_or_default()
}
