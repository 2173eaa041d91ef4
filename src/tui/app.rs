//! The app: the model, the runtime that carries out its commands, and the
//! loop that joins them to a terminal. Tests drive [`App`] headless.

use std::io;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::effects::{Effects, Services};
use super::message::Msg;
use super::model::{Level, Model, Toast, account_entries};
use super::terminal::TerminalGuard;
use super::update::{enter_dashboard, tick, update};
use super::view;
use crate::store::Preferences;

pub struct App {
    pub model: Model,
    effects: Effects,
    rx: UnboundedReceiver<Msg>,
}

impl App {
    pub fn new(services: Services, demo: bool, now: DateTime<Utc>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut model = Model::new(&services.config, now);
        model.demo = demo;
        model.preferences = Preferences::load(&services.data_dir);
        model.browser_available = services.browser_available;
        model.store_description = services.store.describe();
        Self {
            model,
            effects: Effects::new(services, tx),
            rx,
        }
    }

    /// Go straight to the dashboard when a stored session is still alive
    /// (or can be renewed) for a configured provider: the active account
    /// first, then any other.
    pub fn resume_stored_session(&mut self) {
        let services = self.effects.services();
        let accounts = match services.store.accounts() {
            Ok(a) => a,
            Err(e) => {
                self.model.toast = Some(Toast {
                    level: Level::Error,
                    text: e.to_string(),
                });
                return;
            }
        };
        if let Some(text) = &accounts.recovered {
            self.model.toast = Some(Toast {
                level: Level::Error,
                text: text.clone(),
            });
        }
        self.model.accounts = account_entries(&accounts, &services.config);
        let now = self.model.now;
        let usable = |s: &&crate::auth::Session| {
            services.config.provider(&s.provider).is_some_and(|p| {
                crate::auth::is_issuer_of(&s.issuer, &p.server_metadata_url)
                    && s.client_id == p.client_id
            }) && s.is_alive(now)
        };
        let chosen = accounts
            .active_session()
            .filter(usable)
            .or_else(|| accounts.sessions.iter().find(usable))
            .cloned();
        let commands = match chosen {
            Some(session) => enter_dashboard(&mut self.model, session),
            // The login screen: find out what the providers offer now.
            None => tick(&mut self.model, now),
        };
        self.run(commands);
    }

    pub fn handle(&mut self, msg: Msg) {
        let commands = update(&mut self.model, msg);
        self.run(commands);
    }

    pub fn tick(&mut self, now: DateTime<Utc>) {
        let commands = tick(&mut self.model, now);
        self.run(commands);
    }

    /// The next result of background work.
    pub async fn next_message(&mut self) -> Option<Msg> {
        self.rx.recv().await
    }

    pub fn try_next_message(&mut self) -> Option<Msg> {
        self.rx.try_recv().ok()
    }

    fn run(&self, commands: Vec<super::message::Command>) {
        for c in commands {
            self.effects.run(c);
        }
    }
}

/// Run the TUI until the person quits. The terminal is restored on every
/// way out.
pub async fn run(services: Services, demo: bool) -> io::Result<()> {
    let mut app = App::new(services, demo, Utc::now());
    app.resume_stored_session();
    let mut guard = TerminalGuard::enter()?;
    let result = event_loop(&mut app, &mut guard).await;
    drop(guard);
    result
}

async fn event_loop(app: &mut App, guard: &mut TerminalGuard) -> io::Result<()> {
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new()?;
    let mut dirty = true;
    loop {
        if app.model.quit {
            return Ok(());
        }
        if dirty {
            guard.terminal.draw(|f| view::draw(f, &app.model))?;
            dirty = false;
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    app.handle(Msg::Key(key));
                    dirty = true;
                }
                Some(Ok(Event::Resize(..))) => {
                    app.handle(Msg::Resize);
                    dirty = true;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(msg) = app.next_message() => {
                app.handle(msg);
                dirty = true;
            }
            _ = ticker.tick() => {
                app.tick(Utc::now());
                dirty = true;
            }
            _ = signals.recv() => {
                tracing::info!("signal received: quitting");
                return Ok(());
            }
        }
        // Coalesce: apply every result already waiting, then draw once.
        while let Some(msg) = app.try_next_message() {
            app.handle(msg);
        }
    }
}

/// SIGTERM, SIGHUP and SIGINT end the app like `q` does.
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                streams: vec![
                    signal(SignalKind::terminate())?,
                    signal(SignalKind::hangup())?,
                    signal(SignalKind::interrupt())?,
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let futures = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures::future::select_all(futures).await;
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
