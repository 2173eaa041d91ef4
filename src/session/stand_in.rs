//! Something other than a browser taking a login's authorization URL to
//! its loopback callback ([`SessionService::login_with_stand_in`]). The
//! engine knows only this contract; the demo's sign-in from the terminal
//! (`crate::demo`) is one, handed to a face by `authdash demo`.
//!
//! [`SessionService::login_with_stand_in`]: super::SessionService::login_with_stand_in

use futures::future::BoxFuture;

/// Plays the browser for one login.
pub trait BrowserStandIn: Send + Sync {
    /// Open `authorize_url` as a browser would, sign in, and follow the
    /// provider's redirect to the loopback callback. `Ok` once the
    /// callback has answered; `Err` says, in a sentence, why not.
    fn open<'a>(&'a self, authorize_url: &'a str) -> BoxFuture<'a, Result<(), String>>;
}
