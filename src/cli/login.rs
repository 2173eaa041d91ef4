use std::io::Write;
use std::sync::Mutex;

use super::{CliError, Outcome};
use crate::auth::{AuthError, FlowEnvironment, FlowPreference, PollState};
use crate::session::SessionService;
use crate::session::{self, LoginEvent, PasteHelp, PasteInput, PasteMode};

/// How `login` was asked to run, beyond the config.
#[derive(Debug, Clone, Copy)]
pub struct LoginRequest<'a> {
    pub provider: Option<&'a str>,
    /// Ask the provider for a fresh login (`prompt=login`) so single
    /// sign-on does not hand back the same person.
    pub add_account: bool,
    /// `--browser` / `--device`; `None` follows the provider's `flow`.
    pub flow: Option<FlowPreference>,
    /// What the binary found out about this machine (device support is
    /// filled in after discovery).
    pub environment: FlowEnvironment,
    /// `--paste`: finish by pasting back the address the browser ended at.
    /// Without it, pasting is offered when `auto` finds no other way and
    /// stdin is a terminal.
    pub paste: bool,
}

/// Log in and make the account active: in the browser, or with a code on
/// another device, as the session service decides. Messages go to `err`:
/// stdout stays clean for scripts.
pub async fn login(
    ctx: &SessionService,
    request: LoginRequest<'_>,
    err: &mut (dyn Write + Send),
) -> Result<Outcome, CliError> {
    let paste = if request.paste {
        PasteMode::Chosen(stdin_lines())
    } else if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        PasteMode::Available(stdin_lines())
    } else {
        PasteMode::Off
    };
    let request = session::LoginRequest {
        provider: request.provider.map(str::to_owned),
        flow: request.flow,
        environment: request.environment,
        add_account: request.add_account,
        paste,
        scopes: Vec::new(),
    };
    let printer = Printer {
        out: Mutex::new(err),
        label: Mutex::new(String::new()),
        slowed: Mutex::new(false),
    };
    let show = |event| printer.show(event);
    let result = tokio::select! {
        result = ctx.login(request, &show) => result,
        _ = tokio::signal::ctrl_c() => Err(AuthError::Cancelled.into()),
    };
    let logged_in = result?;
    logged_in.saved?;
    let session = logged_in.session;
    let err = printer.out.into_inner().unwrap_or_else(|p| p.into_inner());
    writeln!(
        err,
        "Logged in to {} as {}.",
        crate::identity::visible(
            &printer
                .label
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
        ),
        crate::identity::visible(
            session
                .user
                .email
                .as_deref()
                .unwrap_or(session.user.display_name())
        )
    )?;
    Ok(Outcome::Ok)
}

/// Prints a login's progress as it comes.
struct Printer<'a> {
    out: Mutex<&'a mut (dyn Write + Send)>,
    label: Mutex<String>,
    /// `slow_down` is said once.
    slowed: Mutex<bool>,
}

impl Printer<'_> {
    fn show(&self, event: LoginEvent) {
        let mut out = self.out.lock().unwrap_or_else(|p| p.into_inner());
        // A closed stderr must not stop a login.
        let _ = self.write(&mut **out, event);
    }

    fn write(&self, err: &mut dyn Write, event: LoginEvent) -> std::io::Result<()> {
        let label = self.label.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match event {
            LoginEvent::Provider { label, .. } => {
                *self.label.lock().unwrap_or_else(|p| p.into_inner()) = label;
            }
            LoginEvent::BrowserUrl {
                url,
                paste: Some(help),
                ..
            } => paste_help(err, &label, &url, &help)?,
            LoginEvent::FallingBackToPaste(why) => writeln!(
                err,
                "{}: paste the address back instead.\n",
                crate::identity::visible(&why)
            )?,
            LoginEvent::BrowserUrl {
                url, opening: true, ..
            } => writeln!(
                err,
                "Log in to {} in your browser. If it does not open, visit:\n\n  {url}\n",
                crate::identity::visible(&label)
            )?,
            LoginEvent::BrowserUrl {
                url,
                opening: false,
                ..
            } => writeln!(
                err,
                "No browser can be opened here and {} offers no device login.\n\
                 Open this URL in a browser on this machine:\n\n  {url}\n\nWaiting (Ctrl-C cancels)…",
                crate::identity::visible(&label)
            )?,
            LoginEvent::BrowserOpened(Ok(())) => {
                writeln!(err, "Waiting for the browser (Ctrl-C cancels)…")?
            }
            LoginEvent::BrowserOpened(Err(e)) => writeln!(
                err,
                "{e}. Open the URL above yourself; waiting (Ctrl-C cancels)…"
            )?,
            LoginEvent::FallingBackToDevice(e) => writeln!(
                err,
                "{e}: logging in with a code on another device instead.\n"
            )?,
            LoginEvent::DeviceCode(code) => device_code(err, &label, &code)?,
            LoginEvent::DevicePoll(PollState::SlowingDown { interval, .. }) => {
                let mut slowed = self.slowed.lock().unwrap_or_else(|p| p.into_inner());
                if !*slowed {
                    *slowed = true;
                    tracing::info!("the provider asked to poll every {} s", interval.as_secs());
                }
            }
            LoginEvent::DevicePoll(_) => {}
            LoginEvent::Refused(why) => writeln!(err, "! {}", crate::identity::visible(&why))?,
            LoginEvent::WaitingForOtherLogin { holder } => writeln!(
                err,
                "Another login to {} is under way ({holder}): waiting for it to finish, then \
                 using its session (Ctrl-C cancels)…",
                crate::identity::visible(&label)
            )?,
        }
        Ok(())
    }
}

/// Lines typed or pasted on stdin, read on a thread of their own (stdin
/// has no async reader that can be abandoned); the thread ends with the
/// process.
fn stdin_lines() -> PasteInput {
    let (input, tx) = PasteInput::channel();
    std::thread::spawn(move || {
        let mut stdin = std::io::stdin().lock();
        while let Some(line) = bounded_line(&mut stdin) {
            if tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    input
}

/// The most of one stdin line kept: far more than an address (the paste
/// check refuses it as such), far less than a file piped in by mistake.
const MAX_STDIN_LINE: u64 = 64 * 1024;

/// The next line, at most [`MAX_STDIN_LINE`] bytes of it (the rest is read
/// and dropped), invalid UTF-8 replaced; `None` at the end of input.
fn bounded_line(input: &mut impl std::io::BufRead) -> Option<String> {
    use std::io::BufRead as _;
    let mut line = Vec::new();
    let read = std::io::Read::take(&mut *input, MAX_STDIN_LINE)
        .read_until(b'\n', &mut line)
        .ok()?;
    if read == 0 {
        return None;
    }
    if !line.ends_with(b"\n") {
        // Too long: skip to the end of this line without keeping it.
        while let Ok(buf) = input.fill_buf() {
            if buf.is_empty() {
                break;
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    input.consume(i + 1);
                    break;
                }
                None => {
                    let n = buf.len();
                    input.consume(n);
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&line);
    Some(text.trim_end_matches(['\n', '\r']).to_owned())
}

fn paste_help(
    err: &mut dyn Write,
    label: &str,
    url: &str,
    help: &PasteHelp,
) -> std::io::Result<()> {
    let back = help.redirect_uri.split('?').next().unwrap_or_default();
    writeln!(
        err,
        "Open this URL in a browser on any machine and log in to {}:\n\n  {url}\n\n\
         The browser then goes to {back}?… which will not load there. Copy that whole address \
         from its address bar, paste it here and press Enter.\n\n\
         Or forward the port over SSH, and the login finishes by itself:\n  {}{}\n\n\
         Waiting (Ctrl-C cancels)…",
        crate::identity::visible(label),
        help.ssh_forward,
        if help.fixed_port {
            ""
        } else {
            "\n  (this login's port only: a fixed port in redirect_uri makes one forward serve every login)"
        }
    )
}

fn device_code(
    err: &mut dyn Write,
    label: &str,
    code: &session::DeviceCodeInfo,
) -> std::io::Result<()> {
    let minutes = (code.expires_at - chrono::Utc::now()).num_minutes().max(1);
    writeln!(
        err,
        "Log in to {} on another device (a phone, another computer):\n\n  \
         1. Open   {}\n  2. Enter  {}\n",
        crate::identity::visible(label),
        crate::identity::visible(&code.verification_uri),
        crate::identity::visible(&code.user_code)
    )?;
    let target = code
        .verification_uri_complete
        .as_deref()
        .unwrap_or(&code.verification_uri);
    if std::io::IsTerminal::is_terminal(&std::io::stderr())
        && let Some(rows) = crate::qr::rows(target)
    {
        writeln!(err, "  Or scan this with your phone:\n")?;
        for row in rows {
            // Black on white, whatever the terminal's colours.
            writeln!(err, "  \x1b[30;47m{row}\x1b[0m")?;
        }
        writeln!(err)?;
    }
    writeln!(
        err,
        "The code expires in {minutes} min. Waiting for you (Ctrl-C cancels)…"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_lines_are_bounded_and_lossy() {
        let long = "A".repeat(3 * MAX_STDIN_LINE as usize);
        let text = format!("one\r\n{long}\n\u{1b}é-ish\ntwo");
        let mut bytes = text.into_bytes();
        let at = bytes.iter().position(|&b| b == 0xc3).unwrap();
        bytes[at] = 0xff;
        let mut input = std::io::Cursor::new(bytes);
        assert_eq!(bounded_line(&mut input).as_deref(), Some("one"));
        let kept = bounded_line(&mut input).unwrap();
        assert_eq!(kept.len() as u64, MAX_STDIN_LINE);
        assert!(bounded_line(&mut input).unwrap().contains('\u{fffd}'));
        assert_eq!(bounded_line(&mut input).as_deref(), Some("two"));
        assert_eq!(bounded_line(&mut input), None);
    }
}
