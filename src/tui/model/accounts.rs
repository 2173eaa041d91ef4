//! What the screen keeps about accounts between screens: the stored
//! accounts the login screen offers after a session ended, where the
//! person was on the dashboard (to come back to after a switch, a step-up
//! or a new login), the scopes a step-up asked for and those the provider
//! would not grant.

use super::*;

/// Where the person was on the dashboard: the list's entry and the focus.
/// The entries are the config's, the same for every account and org, so
/// the place exists wherever the person comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub(crate) nav: usize,
    pub(crate) focus: Focus,
}

impl Place {
    pub(crate) fn of(dash: &Dashboard) -> Self {
        Self {
            nav: dash.nav,
            focus: dash.focus,
        }
    }
}

/// Why the login screen shows after a dashboard: what the header and the
/// notice say instead of a renewal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Another process (`authdash logout`, another dashboard) logged the
    /// account out: its tokens are gone from the store.
    Elsewhere,
    /// The provider ended it (`invalid_grant`: revoked, expired for good).
    Refused(String),
    /// Nothing is left to renew it with.
    Expired,
    /// The person logged out from the menu.
    LoggedOut,
}

/// The stored accounts on the login screen, above the ways to log in:
/// the account just ended (to log in again) and every other stored one
/// (Enter switches to it, no new login).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginOffers {
    /// The account whose session ended here, offered first, and the
    /// provider (its name in the config) it logs in again at.
    pub(crate) again: Option<AccountEntry>,
    pub(crate) provider: Option<String>,
    pub ended: Option<Ended>,
    /// The cursor is on this offer (see [`Model::login_offers`]), not on
    /// the ways to log in.
    pub selected: Option<usize>,
}

/// A line of the login screen's accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer<'a> {
    /// Log in again as the account that just ended.
    Again(&'a AccountEntry),
    /// Switch to another stored account.
    Switch(&'a AccountEntry),
}

impl<'a> Offer<'a> {
    pub fn entry(self) -> &'a AccountEntry {
        match self {
            Offer::Again(e) | Offer::Switch(e) => e,
        }
    }
}

/// A login asking for more scopes (`u` on a panel that needs one): what
/// was asked, to say what the provider did not grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepUp {
    pub(crate) account: AccountId,
    pub(crate) scopes: Vec<String>,
}

impl Model {
    /// The login screen's accounts: the one that ended first, then the
    /// other stored ones. None while a login is under way.
    pub fn login_offers<'a>(&'a self, login: &'a LoginScreen) -> Vec<Offer<'a>> {
        if login.pending.is_some() {
            return Vec::new();
        }
        let again = login.offers.again.as_ref();
        again
            .map(Offer::Again)
            .into_iter()
            .chain(
                self.accounts
                    .iter()
                    .filter(|a| again.is_none_or(|e| e.id != a.id))
                    .map(Offer::Switch),
            )
            .collect()
    }

    /// Scopes of `account` the provider did not grant when a step-up
    /// asked for them.
    pub(crate) fn refused_scopes(&self, account: &AccountId) -> Vec<&str> {
        self.refused_scopes
            .iter()
            .filter(|(id, _)| id == account)
            .map(|(_, s)| s.as_str())
            .collect()
    }
}
