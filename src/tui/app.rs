//! The app: the model, the runtime that carries out its commands, and the
//! loop that joins them to a terminal. Tests drive [`App`] headless.

use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream, KeyEventKind, MouseEventKind};
use futures::StreamExt;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::clock::Clock;
use super::effects::{Effects, Services};
use super::keymap::Keymap;
use super::message::{Command, Msg};
use super::model::{Level, Model, Screen, Toast};
use super::terminal::TerminalGuard;
use super::update::update;
use super::view;

pub struct App {
    pub model: Model,
    effects: Effects,
    rx: UnboundedReceiver<Msg>,
    clock: Clock,
}

/// Where to report the first dashboard frame, and the process's start
/// (see [`report_first_frame`]).
static FIRST_FRAME_REPORT: OnceLock<(PathBuf, Instant)> = OnceLock::new();

/// A benchmark hook (`AUTHDASH_REPORT_FIRST_FRAME=PATH`, read by the
/// binary): once the first frame showing the dashboard (an identity) has
/// been drawn, write to `path` the microseconds since `started` (taken at
/// the top of `main`) and the wall clock then, in microseconds since the
/// Unix epoch: `first_dashboard_frame_us=… unix_us=…`. Times only, never
/// anything of the session. Off unless set; set once.
pub fn report_first_frame(path: PathBuf, started: Instant) {
    let _ = FIRST_FRAME_REPORT.set((path, started));
}

/// Writes the report [`report_first_frame`] asked for; a failure is
/// logged, not shown (it is a benchmark's, not the person's).
fn write_first_frame_report() {
    let Some((path, started)) = FIRST_FRAME_REPORT.get() else {
        return;
    };
    let since_start = started.elapsed().as_micros();
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or_default();
    let text = format!("first_dashboard_frame_us={since_start} unix_us={unix}\n");
    if let Err(e) = std::fs::write(path, text) {
        tracing::warn!(
            "cannot write the first-frame report to {}: {e}",
            path.display()
        );
    }
}

/// Set by [`arm_test_panic`]: the UI panics after its first frame.
static TEST_PANIC: AtomicBool = AtomicBool::new(false);

/// A test-only trigger (the binary arms it from `AUTHDASH_TEST_PANIC` in
/// debug builds): panic on the UI thread once the terminal is taken, to
/// show that a crash gives the terminal back.
pub fn arm_test_panic() {
    TEST_PANIC.store(true, Ordering::SeqCst);
}

impl App {
    /// An app whose clock stays at `now` until ticked (tests).
    pub fn new(services: Services, demo: bool, now: DateTime<Utc>) -> Self {
        Self::with_clock(services, demo, Clock::fixed(now))
    }

    fn with_clock(services: Services, demo: bool, clock: Clock) -> Self {
        let now = clock.now();
        let (tx, rx) = mpsc::unbounded_channel();
        let Services {
            session,
            browser_available,
            demo_sign_in,
            over_ssh,
        } = services;
        let mut model = Model::new(&session.config, now);
        model.demo = demo;
        model.preferences = session.preferences();
        model.browser_available = browser_available;
        model.over_ssh = over_ssh;
        model.store_description = session.store.describe();
        // Checked before the terminal is taken (`tui::check_keys`); the
        // defaults stand in for tests that skip that.
        model.keymap = Keymap::from_config(&session.config).unwrap_or_default();
        if let Some(warning) = session.config.warnings.first() {
            model.say(Toast {
                level: Level::Error,
                text: format!("Warning: {warning}"),
            });
        }
        let effects =
            Effects::new(session, tx, clock.clone()).with_demo_sign_in(demo_sign_in.clone());
        model.demo_sign_in = demo_sign_in;
        Self {
            model,
            effects,
            rx,
            clock,
        }
    }

    /// Read the store and go straight to the dashboard when a stored
    /// session of this config is still alive (or can be renewed): the
    /// active account first, then any other. Like everything else, the
    /// answer arrives as a message; this waits for it (bounded).
    pub async fn resume_stored_session(&mut self) {
        self.run(vec![Command::Resume]);
        let deadline = tokio::time::Instant::now() + RESUME_WAIT;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.next_message()).await {
            let resumed = matches!(msg, Msg::Resumed(_));
            self.handle(msg);
            if resumed {
                return;
            }
        }
        self.handle(Msg::Resumed(Err(
            "the token store did not answer in time".into()
        )));
    }

    pub fn handle(&mut self, msg: Msg) {
        let commands = update(&mut self.model, msg);
        self.run(commands);
    }

    pub fn tick(&mut self, now: DateTime<Utc>) {
        self.handle(Msg::Tick(now));
    }

    /// A mouse event on a terminal of `area`.
    fn handle_mouse(&mut self, event: crossterm::event::MouseEvent, area: ratatui::layout::Rect) {
        self.handle(Msg::Mouse { event, area });
    }

    /// Notice the store changing under the app (another process logging
    /// an account out): `Msg::StoreChanged`, once a second at most.
    pub fn watch_store(&self) {
        let known = self.model.accounts.iter().map(|a| a.id.clone()).collect();
        self.effects.watch_store(known);
    }

    /// The next result of background work.
    pub async fn next_message(&mut self) -> Option<Msg> {
        self.rx.recv().await
    }

    pub fn try_next_message(&mut self) -> Option<Msg> {
        self.rx.try_recv().ok()
    }

    /// Wait, bounded by the request timeout, for renewals under way: a
    /// rotated refresh token in flight must reach the store.
    async fn finish(&self) {
        let service = self.effects.service();
        service.wait_for_renewals(service.renewal_grace()).await;
    }

    fn run(&self, commands: Vec<Command>) {
        for c in commands {
            self.effects.run(c);
        }
    }
}

/// Reading the store at start waits at most this long (the store's lock
/// is not taken for a read).
const RESUME_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Run the TUI until the person quits. The terminal is restored on every
/// way out.
pub async fn run(services: Services, demo: bool) -> io::Result<()> {
    let mut app = App::with_clock(services, demo, Clock::system());
    // Terminals without OSC 8 ignore it; the URL is plain text either way.
    app.model.hyperlinks = true;
    app.resume_stored_session().await;
    app.watch_store();
    let mut guard = TerminalGuard::enter()?;
    let result = event_loop(&mut app, &mut guard).await;
    drop(guard);
    app.finish().await;
    result
}

async fn event_loop(app: &mut App, guard: &mut TerminalGuard) -> io::Result<()> {
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(std::time::Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new()?;
    let size = guard.terminal.size()?;
    app.handle(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    let mut dirty = true;
    let mut dashboard_drawn = false;
    // Where a table scrolls depends on how many rows it has on screen.
    let size = guard.terminal.size()?;
    app.handle(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    loop {
        if app.model.quit {
            return Ok(());
        }
        if dirty {
            // Capture follows the screen: off on the login screens, so
            // the address and the code can be selected.
            guard.set_mouse(app.model.wants_mouse())?;
            if let Some(text) = app.model.clipboard.take() {
                guard.write_raw(super::clipboard::osc52(&text).as_bytes())?;
            }
            guard.terminal.draw(|f| view::draw(f, &app.model))?;
            dirty = false;
            if !dashboard_drawn && matches!(app.model.screen, Screen::Dashboard(_)) {
                dashboard_drawn = true;
                write_first_frame_report();
            }
            if TEST_PANIC.swap(false, Ordering::SeqCst) {
                panic!("the test-only panic (AUTHDASH_TEST_PANIC)");
            }
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    app.handle(Msg::Key(key));
                    dirty = true;
                }
                // Capture reports every motion; only clicks and the wheel
                // do anything, so only they cost a frame.
                Some(Ok(Event::Mouse(mouse)))
                    if matches!(
                        mouse.kind,
                        MouseEventKind::Down(_)
                            | MouseEventKind::ScrollUp
                            | MouseEventKind::ScrollDown
                    ) =>
                {
                    let size = guard.terminal.size()?;
                    app.handle_mouse(mouse, ratatui::layout::Rect::new(0, 0, size.width, size.height));
                    dirty = true;
                }
                Some(Ok(Event::Resize(width, height))) => {
                    app.handle(Msg::Resize { width, height });
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
                let now = app.clock.now();
                app.tick(now);
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
