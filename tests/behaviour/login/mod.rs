//! The browser login: the flow end to end, the loopback servers and the
//! callback, discovery and its cache, a restart that resumes a session, and
//! the browser started detached from the terminal.

mod browser;
mod discovery_cache;
mod flow;
mod loopback_servers;
mod resume;
