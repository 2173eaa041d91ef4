//! The dashboard's surfaces as a person uses them: each module is one
//! surface (tables, lists, header and footer, help, palette, profile,
//! accounts, lock advice, charts, login screens), driven through `update`
//! with key events and drawn at the four sizes of
//! [`support::screens::SIZES`] at one clock.

#[path = "../support/mod.rs"]
mod support;

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
mod readme;
mod smoke;
mod tables;
