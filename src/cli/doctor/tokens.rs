//! `doctor --tokens`: with a logged-in session, each configured API gets
//! a token whose audience is that API's (asked for under the store lock
//! as a panel would; a valid one held is used as it is).

use chrono::Utc;

use super::Check;
use crate::identity::visible;
use crate::session::{SessionService, provider_for};

const TOKENS: &str = "api tokens";

pub(crate) async fn token_checks(service: &SessionService) -> Vec<Check> {
    let mut checks = Vec::new();
    let accounts = match service.accounts().await {
        Ok(a) => a,
        Err(e) => {
            checks.push(Check::fail(
                TOKENS,
                "session",
                format!("the store cannot be read: {e}"),
                "see the store checks above",
            ));
            return checks;
        }
    };
    let Some(mut session) = service.resumable(&accounts, Utc::now()) else {
        checks.push(Check::warn(
            TOKENS,
            "session",
            "no session of this config to ask with",
            "log in (`authdash login`), then run `authdash doctor --tokens` again",
        ));
        return checks;
    };
    let apis = match provider_for(&service.config, &session) {
        Ok(p) => service.configured_apis(p),
        Err(e) => {
            checks.push(Check::fail(
                TOKENS,
                "session",
                e.to_string(),
                "log in again",
            ));
            return checks;
        }
    };
    if apis.is_empty() {
        checks.push(Check::ok(
            TOKENS,
            "apis",
            "the config names no API (`resource`): every panel uses the login's token",
        ));
        return checks;
    }
    for api in apis {
        let name = visible(&api.resource).into_owned();
        match service.api_token(&session, &api, None, None).await {
            Ok(access) => {
                if let Some(stored) = access.session {
                    session = stored;
                }
                let t = access.token;
                let scopes = if t.scopes.is_empty() {
                    "no scopes said".to_owned()
                } else {
                    format!("scopes {}", t.scopes.join(" "))
                };
                let expires = t
                    .expires_at
                    .map(|at| format!(", expires {}", at.format("%Y-%m-%d %H:%M:%S UTC")))
                    .unwrap_or_default();
                if t.audience.is_empty() {
                    checks.push(Check::warn(
                        TOKENS,
                        &name,
                        format!("a token came ({scopes}{expires}), opaque: its audience cannot be read here"),
                        "check at the API that it accepts it (r on its panel)",
                    ));
                } else {
                    checks.push(Check::ok(
                        TOKENS,
                        &name,
                        format!(
                            "a token for audience {} ({scopes}{expires})",
                            visible(&t.audience.join(", "))
                        ),
                    ));
                }
            }
            Err(e) => {
                let (detail, fix) = match &e {
                    crate::session::SessionError::Api(r) => (r.reason.clone(), r.fix.clone()),
                    other => (
                        other.to_string(),
                        "see the provider checks above".to_owned(),
                    ),
                };
                checks.push(Check::fail(TOKENS, &name, detail, fix));
            }
        }
    }
    checks
}
