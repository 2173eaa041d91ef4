//! Panels: their sources against real servers, their screens, and the
//! attacks on command panels.

mod attacks;
mod screens;
mod sources;
