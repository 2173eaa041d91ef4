//! The one owner of the terminal: raw mode and the alternate screen in,
//! and out again on quit, error, drop, panic and signal — exactly once.

use std::io::{self, Stdout};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};
use std::thread::{self, ThreadId};

use crossterm::cursor::Show;
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static UI_THREAD: OnceLock<Mutex<Option<ThreadId>>> = OnceLock::new();

pub type Tty = Terminal<CrosstermBackend<Stdout>>;

/// The terminal in TUI mode; dropping it gives the terminal back.
pub struct TerminalGuard {
    pub terminal: Tty,
}

impl TerminalGuard {
    /// Fails (rather than panics) when stdout is not a terminal.
    pub fn enter() -> io::Result<Self> {
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
        Ok(Self { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Give the terminal back, once; later calls do nothing.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
        let _ = disable_raw_mode();
    }
}

/// A panic on the UI thread restores the terminal before the message is
/// printed. A panic in a background task must not tear the screen down:
/// it is logged, and the task's supervisor reports it in the app.
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
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let on_ui = UI_THREAD
            .get()
            .and_then(|m| m.lock().ok().and_then(|g| *g))
            .is_some_and(|id| id == thread::current().id());
        if on_ui || !ACTIVE.load(Ordering::SeqCst) {
            restore();
            previous(info);
        } else {
            tracing::error!("background task panicked: {info}");
        }
    }));
}
