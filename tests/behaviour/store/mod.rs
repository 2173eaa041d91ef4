//! The token store: keys, the lock wait, large claims, and which
//! sessions a config may touch (binding). The store between real
//! processes is its own binary (`tests/store_processes.rs`).

mod binding;
mod keys;
mod large_claims;
mod lock_wait;
