//! `--min-ttl`: how long a token handed out must still live, kept from
//! turning into a renewal on every call. A credential plugin (kubectl's)
//! runs `token` before every request: asking for more than the provider's
//! tokens ever live would renew each time and hammer the provider.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::auth::{ApiToken, Session};
use crate::identity::visible;

/// When to renew the token a run hands out, and what to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Renew when less than this remains: the smaller of `--min-ttl` and
    /// half the token's lifetime, so that renewals come at most once per
    /// half a lifetime whatever was asked.
    pub(crate) renew_below: Duration,
    /// Said on stderr at each call when `--min-ttl` cannot be honoured:
    /// what was asked and what the provider gives.
    pub(crate) note: Option<String>,
}

/// How long `session`'s access token lives, from when it was issued (the
/// login or the last renewal) to its expiry; `None` when the provider gave
/// no expiry.
pub(crate) fn lifetime(session: &Session) -> Option<Duration> {
    let issued = session.refreshed_at.unwrap_or(session.logged_in_at);
    whole_seconds(issued, session.tokens.expires_at?)
}

/// How long an API's token lives, from when it was obtained to its
/// expiry; `None` when the provider gave no expiry.
pub(crate) fn api_lifetime(token: &ApiToken) -> Option<Duration> {
    whole_seconds(token.obtained_at, token.expires_at?)
}

fn whole_seconds(issued: DateTime<Utc>, expires: DateTime<Utc>) -> Option<Duration> {
    // Whole seconds: the expiry is taken a few milliseconds before the
    // login or renewal is recorded.
    let millis = (expires - issued).num_milliseconds().max(0);
    Some(Duration::from_secs(
        u64::try_from((millis + 500) / 1000).unwrap_or(0),
    ))
}

/// The renewal threshold for `asked` (`--min-ttl`; zero when not given).
pub(crate) fn plan(session: &Session, asked: Duration) -> Plan {
    plan_for(lifetime(session), asked, "access tokens")
}

/// [`plan`] for the token of one API (`--resource`): `--min-ttl` is
/// that token's, weighed against how long the provider's tokens for
/// that API live.
pub(crate) fn api_plan(token: &ApiToken, asked: Duration) -> Plan {
    let what = format!("tokens for {}", visible(&token.resource));
    plan_for(api_lifetime(token), asked, &what)
}

fn plan_for(lifetime: Option<Duration>, asked: Duration, what: &str) -> Plan {
    let Some(lifetime) = lifetime.filter(|l| !l.is_zero()) else {
        return Plan {
            renew_below: asked,
            note: None,
        };
    };
    let half = lifetime / 2;
    if asked <= half {
        return Plan {
            renew_below: asked,
            note: None,
        };
    }
    let asked_text = format_duration(asked);
    let lives = format_duration(lifetime);
    let below = format_duration(half);
    let note = if asked > lifetime {
        format!(
            "--min-ttl {asked_text} is more than the provider gives: its {what} live \
             {lives}. Renewing when less than {below} (half of that) is left; ask the \
             provider for longer-lived tokens, or ask for {below} or less."
        )
    } else {
        format!(
            "--min-ttl {asked_text} is more than half of what the provider's {what} \
             live ({lives}): renewing when less than {below} is left, so a token may have \
             less than {asked_text}."
        )
    };
    Plan {
        renew_below: half,
        note: Some(note),
    }
}

/// A duration as `--min-ttl` takes it: `90s`, `10m`, `1h30m`, `2d`; past
/// two minutes, to the minute.
pub(crate) fn format_duration(d: Duration) -> String {
    let mut secs = d.as_secs();
    if secs >= 120 {
        secs = (secs + 30) / 60 * 60;
    }
    if secs == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::TokenSet;
    use crate::identity::User;
    use chrono::{TimeDelta, TimeZone, Utc};
    use secrecy::SecretString;

    fn session(lifetime_secs: Option<i64>, renewed: bool) -> Session {
        let at = Utc
            .with_ymd_and_hms(2025, 3, 14, 9, 26, 53)
            .single()
            .expect("a date");
        let issued = at + TimeDelta::minutes(if renewed { 30 } else { 0 });
        Session {
            provider: "p".into(),
            issuer: "https://idp.example".into(),
            client_id: "c".into(),
            tokens: TokenSet {
                access_token: SecretString::from("a"),
                refresh_token: Some(SecretString::from("r")),
                id_token: SecretString::from("i"),
                // A few milliseconds before the login is recorded.
                expires_at: lifetime_secs
                    .map(|s| issued + TimeDelta::seconds(s) - TimeDelta::milliseconds(7)),
                scopes: Vec::new(),
            },
            id_claims: Default::default(),
            userinfo: None,
            user: User {
                subject: "s".into(),
                email: None,
                email_verified: None,
                name: None,
                picture: None,
                orgs: Vec::new(),
            },
            logged_in_at: at,
            refreshed_at: renewed.then_some(issued),
            unverified: None,
            apis: Default::default(),
        }
    }

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn the_lifetime_runs_from_the_login_or_the_last_renewal() {
        assert_eq!(lifetime(&session(Some(600), false)), Some(10 * MIN));
        assert_eq!(lifetime(&session(Some(3600), true)), Some(60 * MIN));
        assert_eq!(lifetime(&session(None, false)), None);
    }

    #[test]
    fn a_min_ttl_the_tokens_cannot_meet_renews_at_half_their_lifetime_and_says_so() {
        let plan = plan(&session(Some(600), false), 120 * MIN);
        assert_eq!(plan.renew_below, 5 * MIN);
        let note = plan.note.expect("said");
        assert!(note.contains("--min-ttl 2h"), "{note}");
        assert!(note.contains("live 10m"), "{note}");
        assert!(note.contains("less than 5m"), "{note}");
    }

    #[test]
    fn a_min_ttl_over_half_the_lifetime_is_capped_at_half_and_said() {
        let plan = plan(&session(Some(600), false), 8 * MIN);
        assert_eq!(plan.renew_below, 5 * MIN);
        let note = plan.note.expect("said");
        assert!(note.contains("more than half"), "{note}");
        assert!(note.contains("less than 8m"), "{note}");
    }

    #[test]
    fn a_min_ttl_within_half_the_lifetime_is_kept_silently() {
        for asked in [Duration::ZERO, MIN, 5 * MIN] {
            let plan = plan(&session(Some(600), false), asked);
            assert_eq!(plan.renew_below, asked);
            assert_eq!(plan.note, None);
        }
        // No expiry given: nothing to weigh it against.
        let plan = plan(&session(None, false), 120 * MIN);
        assert_eq!(plan.renew_below, 120 * MIN);
        assert_eq!(plan.note, None);
    }

    #[test]
    fn durations_are_written_as_the_flag_takes_them() {
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_secs(599)), "10m");
        assert_eq!(format_duration(Duration::from_secs(5400)), "1h30m");
        assert_eq!(format_duration(Duration::from_secs(30 * 86_400)), "30d");
        assert_eq!(format_duration(Duration::ZERO), "0s");
    }
}
