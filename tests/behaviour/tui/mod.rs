//! The dashboard's surfaces as a person uses them: each module is one
//! surface, driven through `update` with key events and drawn at the four
//! sizes of [`crate::support::screens::SIZES`] at one clock; `screens`
//! holds the older whole-screen snapshots, and `pty*` the real binary in
//! a pseudo-terminal.

mod accounts;
mod charts;
mod header_footer;
mod help;
mod layout_review;
mod lists;
mod lock_advice;
mod login_screens;
mod messages;
mod mouse;
mod palette;
mod profile;
mod pty;
mod pty_accounts;
mod pty_slow;
mod screens;
mod smoke;
mod tables;
