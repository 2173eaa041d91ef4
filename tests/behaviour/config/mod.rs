//! The configuration: its errors, secrets in it, and attacks on it.

mod attacks;
mod errors;
mod secrets;
