//! The browser login: the flow end to end, the loopback servers and the
//! callback, discovery and its cache, and a restart that resumes a session.

mod discovery_cache;
mod flow;
mod loopback_servers;
mod resume;
