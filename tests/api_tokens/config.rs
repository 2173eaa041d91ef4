//! The config's keys for per-panel APIs, and the errors that name the
//! file, the key and the fix.
