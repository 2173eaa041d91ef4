//! The provider's in-memory state: pending sign-ins, codes, tokens, demo
//! browser sessions. Expired entries are pruned lazily on each access.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::RngCore as _;

/// How long the sign-in page stays valid.
const PENDING_TTL: Duration = Duration::from_secs(10 * 60);
/// How long a refresh token lives.
const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How long the demo browser session lives.
const SESSION_TTL: Duration = Duration::from_secs(8 * 60 * 60);
/// How long a redeemed code is remembered, to detect its replay.
const USED_CODE_MEMORY: Duration = Duration::from_secs(10 * 60);
/// How long an expired device code is remembered, to answer `expired_token`
/// (rather than "unknown") to a client that polls on.
const EXPIRED_DEVICE_MEMORY: Duration = Duration::from_secs(10 * 60);
/// `slow_down` adds this to a device code's interval (RFC 8628 §3.5).
pub(crate) const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The letters of user codes: no vowels (no words), no look-alikes
/// (0/O, 1/I/L, 5/S, 2/Z, 8/B), as RFC 8628 §6.1 suggests.
const USER_CODE_ALPHABET: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";

/// A fresh random value: 256 bits, base64url without padding.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A user code: 8 letters from [`USER_CODE_ALPHABET`], `BCDF-GHJK`.
pub(crate) fn random_user_code() -> String {
    use rand::Rng as _;
    let mut rng = rand::rngs::OsRng;
    let letters: String = (0..8)
        .map(|_| char::from(USER_CODE_ALPHABET[rng.gen_range(0..USER_CODE_ALPHABET.len())]))
        .collect();
    format!("{}-{}", &letters[..4], &letters[4..])
}

/// A user code as typed (any case, with or without the dash or spaces) in
/// its canonical form, or `None` when it cannot be one.
pub(crate) fn normalize_user_code(typed: &str) -> Option<String> {
    let letters: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (letters.len() == 8 && letters.bytes().all(|b| USER_CODE_ALPHABET.contains(&b)))
        .then(|| format!("{}-{}", &letters[..4], &letters[4..]))
}

/// Where a device authorization stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    /// Nobody has answered on the verification page yet.
    Pending,
    Approved {
        user: String,
        auth_time: DateTime<Utc>,
    },
    Denied,
}

/// A device authorization (RFC 8628) waiting for the user and the polls.
#[derive(Debug, Clone)]
struct DeviceGrant {
    user_code: String,
    scope: String,
    /// The interval the client must keep (grows with each `slow_down`).
    interval: Duration,
    /// The gap the demo demands between two polls: `interval`, or more
    /// when [`crate::demo::DemoSettings::device_enforced_interval`] says so.
    enforced: Duration,
    /// [`crate::demo::DemoSettings::device_poll_speedup`]: the gaps are
    /// measured this many times shorter.
    speedup: u32,
    last_poll: Option<Instant>,
    status: DeviceStatus,
    expires: Instant,
}

/// A new device authorization, as handed to the client.
pub(crate) struct DeviceIssued {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
}

/// The token endpoint's answer to one device-code poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DevicePoll {
    Pending,
    /// Polled sooner than the interval: it grows by [`SLOW_DOWN_STEP`].
    SlowDown,
    Denied,
    Expired,
    /// Unknown, or already redeemed.
    Unknown,
    Approved(Continuation),
}

/// What the verification page may do with a user code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserCodeState {
    Pending,
    /// Unknown, expired, or already answered.
    Unusable,
}

/// An authorization request waiting for the user's choice.
#[derive(Debug, Clone)]
pub(crate) struct PendingAuth {
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: String,
    pub(crate) scope: String,
    pub(crate) expires: Instant,
}

/// An issued, not yet redeemed authorization code.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub(crate) user: String,
    pub(crate) redirect_uri: String,
    pub(crate) code_challenge: String,
    pub(crate) nonce: Option<String>,
    pub(crate) scope: String,
    pub(crate) auth_time: DateTime<Utc>,
    pub(crate) expires: Instant,
}

/// What an access token stands for.
#[derive(Debug, Clone)]
pub(crate) struct AccessGrant {
    pub(crate) user: String,
    pub(crate) expires: Instant,
    /// The grant family (one per code redemption, shared along refreshes).
    pub(crate) family: String,
    /// The demo API it was asked for (`resource`); none for the login's.
    pub(crate) audience: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefreshStatus {
    Active,
    /// Replaced by a newer token in the same family.
    Rotated,
    Revoked,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    user: String,
    scope: String,
    auth_time: DateTime<Utc>,
    family: String,
    status: RefreshStatus,
    expires: Instant,
}

/// A grant a refresh token may continue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Continuation {
    pub(crate) user: String,
    pub(crate) scope: String,
    pub(crate) auth_time: DateTime<Utc>,
    pub(crate) family: String,
}

/// Why a refresh token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefreshRefusal {
    Unknown,
    /// Already rotated away: a replay. The whole family is revoked.
    Reused,
    Revoked,
}

/// Tokens issued together.
pub(crate) struct Issued {
    pub(crate) access_token: String,
    pub(crate) refresh_token: Option<String>,
}

#[derive(Debug, Clone)]
struct Session {
    user: String,
    expires: Instant,
}

/// All mutable provider state. Guarded by one mutex; never held across
/// an `.await`.
#[derive(Default)]
pub(crate) struct Store {
    pending: HashMap<String, PendingAuth>,
    codes: HashMap<String, CodeGrant>,
    used_codes: HashMap<String, (String, Instant)>,
    access: HashMap<String, AccessGrant>,
    refresh: HashMap<String, RefreshGrant>,
    sessions: HashMap<String, Session>,
    /// Device authorizations by `device_code`.
    devices: HashMap<String, DeviceGrant>,
}

impl Store {
    fn prune(&mut self, now: Instant) {
        self.pending.retain(|_, p| p.expires > now);
        self.codes.retain(|_, c| c.expires > now);
        self.used_codes.retain(|_, (_, until)| *until > now);
        self.access.retain(|_, a| a.expires > now);
        self.refresh.retain(|_, r| r.expires > now);
        self.sessions.retain(|_, s| s.expires > now);
        self.devices
            .retain(|_, d| d.expires + EXPIRED_DEVICE_MEMORY > now);
    }

    /// Keeps an authorization request for the sign-in page; returns its id.
    pub(crate) fn add_pending(&mut self, mut pending: PendingAuth) -> String {
        let now = Instant::now();
        self.prune(now);
        pending.expires = now + PENDING_TTL;
        let id = random_token();
        self.pending.insert(id.clone(), pending);
        id
    }

    /// Takes (consumes) a pending request.
    pub(crate) fn take_pending(&mut self, id: &str) -> Option<PendingAuth> {
        self.prune(Instant::now());
        self.pending.remove(id)
    }

    /// Issues a code for a grant; returns the code.
    pub(crate) fn add_code(&mut self, grant: CodeGrant) -> String {
        self.prune(Instant::now());
        let code = random_token();
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Redeems a code (single use). A replayed code revokes what it issued
    /// (RFC 6749 §4.1.2) and yields `None`, as does an unknown or expired one.
    pub(crate) fn redeem_code(&mut self, code: &str) -> Option<CodeGrant> {
        let now = Instant::now();
        self.prune(now);
        if let Some((family, _)) = self.used_codes.remove(code) {
            tracing::warn!("authorization code replayed; revoking the tokens it issued");
            self.revoke_family(&family);
            return None;
        }
        self.codes.remove(code)
    }

    /// Remembers that a redeemed code started `family`.
    pub(crate) fn note_redeemed(&mut self, code: &str, family: &str) {
        self.used_codes.insert(
            code.to_string(),
            (family.to_string(), Instant::now() + USED_CODE_MEMORY),
        );
    }

    /// Issues an access token (and optionally a refresh token) for a family.
    pub(crate) fn issue(
        &mut self,
        grant: &Continuation,
        access_ttl: Duration,
        with_refresh: bool,
    ) -> Issued {
        self.issue_with(grant, access_ttl, with_refresh, random_token(), None)
    }

    /// [`Self::issue`] with an access token the caller made: the signed
    /// JWT for one demo API (`audience`). It is kept too, so that
    /// `/userinfo` and the other panels can say whose it is.
    pub(crate) fn issue_with(
        &mut self,
        grant: &Continuation,
        access_ttl: Duration,
        with_refresh: bool,
        access_token: String,
        audience: Option<String>,
    ) -> Issued {
        let now = Instant::now();
        self.access.insert(
            access_token.clone(),
            AccessGrant {
                user: grant.user.clone(),
                expires: now + access_ttl,
                family: grant.family.clone(),
                audience,
            },
        );
        let refresh_token = with_refresh.then(|| {
            let token = random_token();
            self.refresh.insert(
                token.clone(),
                RefreshGrant {
                    user: grant.user.clone(),
                    scope: grant.scope.clone(),
                    auth_time: grant.auth_time,
                    family: grant.family.clone(),
                    status: RefreshStatus::Active,
                    expires: now + REFRESH_TTL,
                },
            );
            token
        });
        Issued {
            access_token,
            refresh_token,
        }
    }

    /// Checks a refresh token. With `rotate`, the token is retired (a later
    /// use is a replay); without, it stays valid.
    pub(crate) fn use_refresh(
        &mut self,
        token: &str,
        rotate: bool,
    ) -> Result<Continuation, RefreshRefusal> {
        self.prune(Instant::now());
        let Some(grant) = self.refresh.get_mut(token) else {
            return Err(RefreshRefusal::Unknown);
        };
        match grant.status {
            RefreshStatus::Active => {}
            RefreshStatus::Revoked => return Err(RefreshRefusal::Revoked),
            RefreshStatus::Rotated => {
                let family = grant.family.clone();
                self.revoke_family(&family);
                return Err(RefreshRefusal::Reused);
            }
        }
        if rotate {
            grant.status = RefreshStatus::Rotated;
        }
        Ok(Continuation {
            user: grant.user.clone(),
            scope: grant.scope.clone(),
            auth_time: grant.auth_time,
            family: grant.family.clone(),
        })
    }

    /// The scope of an active refresh token's grant, the token left as it
    /// is (`None`: unknown, revoked or rotated; [`Self::use_refresh`]
    /// says which).
    pub(crate) fn active_refresh_scope(&mut self, token: &str) -> Option<String> {
        self.prune(Instant::now());
        self.refresh
            .get(token)
            .filter(|g| matches!(g.status, RefreshStatus::Active))
            .map(|g| g.scope.clone())
    }

    /// A valid access token's grant.
    pub(crate) fn access(&mut self, token: &str) -> Option<AccessGrant> {
        self.prune(Instant::now());
        self.access.get(token).cloned()
    }

    /// Revokes a token (RFC 7009). A refresh token takes its whole family
    /// along, access tokens included. Unknown tokens are ignored. Returns
    /// whether something was revoked.
    /// Tokens are unique random values, so `token_type_hint` is not needed
    /// to find one.
    pub(crate) fn revoke(&mut self, token: &str) -> bool {
        self.prune(Instant::now());
        if let Some(family) = self.refresh.get(token).map(|r| r.family.clone()) {
            self.revoke_family(&family);
            return true;
        }
        self.access.remove(token).is_some()
    }

    /// Ends every grant of a user (log out everywhere); how many.
    pub(crate) fn revoke_user(&mut self, user: &str) -> usize {
        let mut families: Vec<String> = self
            .refresh
            .values()
            .filter(|r| r.user == user && r.status == RefreshStatus::Active)
            .map(|r| r.family.clone())
            .collect();
        families.sort();
        families.dedup();
        for family in &families {
            self.revoke_family(family);
        }
        self.sessions.retain(|_, s| s.user != user);
        families.len()
    }

    fn revoke_family(&mut self, family: &str) {
        for grant in self.refresh.values_mut() {
            if grant.family == family {
                grant.status = RefreshStatus::Revoked;
            }
        }
        self.access.retain(|_, a| a.family != family);
    }

    /// Starts a device authorization (RFC 8628 §3.2).
    pub(crate) fn add_device(
        &mut self,
        scope: String,
        ttl: Duration,
        interval: Duration,
        enforced: Duration,
        speedup: u32,
    ) -> DeviceIssued {
        let now = Instant::now();
        self.prune(now);
        let user_code = loop {
            let code = random_user_code();
            if !self.devices.values().any(|d| d.user_code == code) {
                break code;
            }
        };
        let device_code = random_token();
        self.devices.insert(
            device_code.clone(),
            DeviceGrant {
                user_code: user_code.clone(),
                scope,
                interval,
                enforced: enforced.max(interval),
                speedup: speedup.max(1),
                last_poll: None,
                status: DeviceStatus::Pending,
                expires: now + ttl,
            },
        );
        DeviceIssued {
            device_code,
            user_code,
        }
    }

    fn live_device_by_user_code(&mut self, user_code: &str) -> Option<&mut DeviceGrant> {
        let now = Instant::now();
        self.prune(now);
        self.devices
            .values_mut()
            .find(|d| d.user_code == user_code && d.expires > now)
    }

    /// Whether the verification page may ask about `user_code` (canonical).
    pub(crate) fn user_code_state(&mut self, user_code: &str) -> UserCodeState {
        match self.live_device_by_user_code(user_code) {
            Some(d) if d.status == DeviceStatus::Pending => UserCodeState::Pending,
            _ => UserCodeState::Unusable,
        }
    }

    /// The user's answer on the verification page: `Some(user)` approves,
    /// `None` denies. False when the code is not (or no longer) pending.
    pub(crate) fn answer_device(&mut self, user_code: &str, user: Option<&str>) -> bool {
        match self.live_device_by_user_code(user_code) {
            Some(d) if d.status == DeviceStatus::Pending => {
                d.status = match user {
                    Some(user) => DeviceStatus::Approved {
                        user: user.to_string(),
                        auth_time: Utc::now(),
                    },
                    None => DeviceStatus::Denied,
                };
                true
            }
            _ => false,
        }
    }

    /// One poll of the token endpoint with `device_code` (RFC 8628 §3.5).
    /// An approved or denied code answers once, then is gone.
    pub(crate) fn poll_device(&mut self, device_code: &str) -> DevicePoll {
        let now = Instant::now();
        self.prune(now);
        let Some(grant) = self.devices.get_mut(device_code) else {
            return DevicePoll::Unknown;
        };
        if grant.expires <= now {
            return DevicePoll::Expired;
        }
        let too_soon = grant
            .last_poll
            .is_some_and(|last| now.duration_since(last) < grant.enforced / grant.speedup);
        grant.last_poll = Some(now);
        if too_soon {
            grant.interval += SLOW_DOWN_STEP;
            grant.enforced += SLOW_DOWN_STEP;
            return DevicePoll::SlowDown;
        }
        match grant.status.clone() {
            DeviceStatus::Pending => DevicePoll::Pending,
            DeviceStatus::Denied => {
                self.devices.remove(device_code);
                DevicePoll::Denied
            }
            DeviceStatus::Approved { user, auth_time } => {
                let scope = grant.scope.clone();
                self.devices.remove(device_code);
                DevicePoll::Approved(Continuation {
                    user,
                    scope,
                    auth_time,
                    family: random_token(),
                })
            }
        }
    }

    /// The interval a device code must keep now (for tests and logs).
    #[cfg(test)]
    fn device_interval(&self, device_code: &str) -> Option<Duration> {
        self.devices.get(device_code).map(|d| d.interval)
    }

    /// Starts a demo browser session; returns its cookie value.
    pub(crate) fn start_session(&mut self, user: &str) -> String {
        self.prune(Instant::now());
        let id = random_token();
        self.sessions.insert(
            id.clone(),
            Session {
                user: user.to_string(),
                expires: Instant::now() + SESSION_TTL,
            },
        );
        id
    }

    /// The user signed in to a demo browser session.
    pub(crate) fn session_user(&mut self, id: &str) -> Option<String> {
        self.prune(Instant::now());
        self.sessions.get(id).map(|s| s.user.clone())
    }

    /// Ends a demo browser session.
    pub(crate) fn end_session(&mut self, id: &str) {
        self.sessions.remove(id);
    }
}

#[cfg(test)]
mod tests;
