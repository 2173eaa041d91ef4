//! The one owner of the terminal: raw mode, the alternate screen and mouse
//! capture in, and out again on quit, error, drop, panic and signal —
//! exactly once.

use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<Mutex<Option<ThreadId>>> = OnceLock::new();
/// Where a crash report goes, to name it in the message on stderr.
static LOG_FILE: OnceLock<PathBuf> = OnceLock::new();
/// The short line for the person about the last panic, for the binary
/// to print after the terminal is restored.
static PANIC_NOTE: Mutex<Option<String>> = Mutex::new(None);

/// The line to say on stderr about a panic, once (the full report is in
/// the log).
pub fn take_panic_note() -> Option<String> {
    PANIC_NOTE.lock().unwrap_or_else(|p| p.into_inner()).take()
}

type Tty = Terminal<CrosstermBackend<Stdout>>;

/// The terminal in TUI mode; dropping it gives the terminal back.
pub(crate) struct TerminalGuard {
    pub(crate) terminal: Tty,
    mouse: bool,
}

/// Name the log file that a panic's report is written to (the binary
/// knows where it is; the library takes its paths as arguments).
pub fn set_log_file(path: PathBuf) {
    let _ = LOG_FILE.set(path);
}

impl TerminalGuard {
    /// Fails (rather than panics) when stdout is not a terminal; nothing
    /// about the terminal has changed then.
    pub(crate) fn enter() -> io::Result<Self> {
        use std::io::IsTerminal;
        if !io::stdout().is_terminal() {
            return Err(io::Error::other(
                "standard output is not a terminal; run authdash in a terminal, or use `authdash status`",
            ));
        }
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        if let Err(e) = execute!(io::stdout(), EnterAlternateScreen) {
            restore();
            return Err(e);
        }
        let terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(Self {
            terminal,
            mouse: false,
        })
    }

    /// Mouse capture on or off; off lets the person select text with the
    /// mouse (the login URL, the device code).
    pub(crate) fn set_mouse(&mut self, on: bool) -> io::Result<()> {
        if on == self.mouse {
            return Ok(());
        }
        if on {
            execute!(self.terminal.backend_mut(), EnableMouseCapture)?;
        } else {
            execute!(self.terminal.backend_mut(), DisableMouseCapture)?;
        }
        self.mouse = on;
        Ok(())
    }

    /// Write an escape sequence the widgets cannot (OSC 52, for one),
    /// between frames.
    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let out = self.terminal.backend_mut();
        out.write_all(bytes)?;
        out.flush()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Give the terminal back, once; later calls do nothing. Mouse capture is
/// turned off too (ratatui's own `restore` leaves it on).
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            io::stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            Show
        );
        let _ = disable_raw_mode();
    }
}

/// A panic on the UI thread (or anywhere once the UI is gone) restores the
/// terminal first, then writes the full report to the log and keeps one
/// short line for the binary to say on stderr ([`take_panic_note`]). A panic in a background task must not tear the screen
/// down: it is logged, and the task's supervisor reports it in the app.
fn install_panic_hook() {
    let cell = UI_THREAD.get_or_init(|| Mutex::new(None));
    let first = {
        let mut ui = cell.lock().unwrap_or_else(|p| p.into_inner());
        let first = ui.is_none();
        *ui = Some(thread::current().id());
        first
    };
    if !first {
        return;
    }
    std::panic::set_hook(Box::new(move |info| {
        let on_ui = UI_THREAD
            .get()
            .and_then(|m| m.lock().ok().and_then(|g| *g))
            .is_some_and(|id| id == thread::current().id());
        // Only when asked for (RUST_BACKTRACE): the release binary has no
        // symbols to name, and resolving a debug build's takes seconds
        // with a cold cache, which would hold the exit of a crashed UI.
        let backtrace = backtrace_note(std::backtrace::Backtrace::capture());
        if on_ui || !ACTIVE.load(Ordering::SeqCst) {
            restore();
            tracing::error!("authdash panicked: {info}\n{backtrace}");
            let log = LOG_FILE
                .get()
                .map(|p| format!(" The report is in {}.", p.display()))
                .unwrap_or_default();
            // The binary says it on stderr once the panic has left the UI
            // (see `take_panic_note`): nothing here prints.
            let note = format!(
                "authdash stopped on an internal error ({}).{log}",
                short(info)
            );
            *PANIC_NOTE.lock().unwrap_or_else(|p| p.into_inner()) = Some(note);
        } else {
            tracing::error!("background task panicked: {info}\n{backtrace}");
        }
    }));
}

fn backtrace_note(backtrace: std::backtrace::Backtrace) -> String {
    match backtrace.status() {
        std::backtrace::BacktraceStatus::Captured => backtrace.to_string(),
        _ => "(run with RUST_BACKTRACE=1 for a backtrace)".to_owned(),
    }
}

/// The panic's message alone, without its location, cut to one line.
fn short(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    let line = text.lines().next().unwrap_or_default();
    crate::identity::visible(line).chars().take(120).collect()
}
