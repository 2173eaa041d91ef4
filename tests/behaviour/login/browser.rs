//! The browser is started detached: in a session (and so a process group)
//! of its own, with no controlling terminal and /dev/null for its
//! standard streams, so that it neither reads the keys meant for the
//! dashboard nor writes over it, and a Ctrl-C in the terminal never
//! reaches it. Seen from the browser itself, started by the real binary
//! in a pseudo-terminal. A program embedding the service may open the
//! address its own way instead.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::pty::Pty;

const BIN: &str = env!("CARGO_BIN_EXE_authdash");
/// Upper bound for anything to show on the screen, or to be written.
const WAIT: Duration = Duration::from_secs(20);

/// Where a process stands: its session, process group and controlling
/// terminal, from /proc/PID/stat (fields 6, 5 and 7).
#[derive(Debug, PartialEq, Eq)]
struct Standing {
    pgrp: u32,
    session: u32,
    tty_nr: u32,
}

impl Standing {
    fn parse(stat: &str) -> Standing {
        // The command name, in parentheses, may hold spaces: count after it.
        let (_, rest) = stat
            .rsplit_once(')')
            .unwrap_or_else(|| panic!("not a /proc stat line: {stat:?}"));
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |n: usize| -> u32 {
            fields
                .get(n)
                .and_then(|f| f.parse().ok())
                .unwrap_or_else(|| panic!("field {n} of {stat:?}"))
        };
        Standing {
            pgrp: field(2),
            session: field(3),
            tty_nr: field(4),
        }
    }

    fn of(pid: u32) -> Standing {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_else(|e| panic!("/proc/{pid}/stat: {e}"));
        Standing::parse(&stat)
    }
}

/// A `$BROWSER` that writes, into `seen`, its own pid, its /proc stat
/// line and where its fds 0, 1 and 2 point (read before any redirection
/// of its own), then exits. Written whole by a rename.
fn standing_browser(dir: &Path, seen: &Path) -> String {
    let script = dir.join("standing-browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             stat=$(cat /proc/$$/stat)\n\
             fd0=$(readlink /proc/$$/fd/0)\n\
             fd1=$(readlink /proc/$$/fd/1)\n\
             fd2=$(readlink /proc/$$/fd/2)\n\
             printf '%s\\n%s\\n%s\\n%s\\n%s\\n' \"$$\" \"$stat\" \"$fd0\" \"$fd1\" \"$fd2\" > '{0}.part'\n\
             mv '{0}.part' '{0}'\n",
            seen.display()
        ),
    )
    .expect("write the browser");
    format!("sh {}", script.display())
}

fn fail(e: String) {
    panic!("{e}")
}

#[test]
fn the_browser_runs_in_a_session_of_its_own_without_the_terminal() {
    let home = tempfile::Builder::new()
        .prefix("authdash-browser-")
        .tempdir()
        .expect("temp dir");
    let seen = home.path().join("seen");
    let mut env = support::pty::home_env(home.path());
    env.push(("BROWSER".into(), standing_browser(home.path(), &seen)));
    let mut app = Pty::spawn(BIN, &["demo"], &env, home.path()).unwrap_or_else(|e| panic!("{e}"));
    app.wait_for("What happens", WAIT).unwrap_or_else(fail);
    let dashboard = Standing::of(app.pid().expect("authdash's pid"));
    assert_ne!(
        dashboard.tty_nr, 0,
        "authdash has the pseudo-terminal as its own: {dashboard:?}"
    );

    app.send("\r").unwrap_or_else(fail);
    let deadline = Instant::now() + WAIT;
    let text = loop {
        if let Ok(text) = std::fs::read_to_string(&seen) {
            break text;
        }
        assert!(
            Instant::now() < deadline,
            "$BROWSER did not run within {WAIT:?}:\n{}",
            app.contents()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let lines: Vec<&str> = text.lines().collect();
    let [pid, stat, fd0, fd1, fd2] = lines[..] else {
        panic!("the browser wrote {text:?}");
    };
    let pid: u32 = pid.parse().expect("a pid");
    let browser = Standing::parse(stat);

    assert_eq!(
        browser.session, pid,
        "the browser leads a session of its own: {browser:?}"
    );
    assert_ne!(
        browser.session, dashboard.session,
        "{browser:?} {dashboard:?}"
    );
    assert_ne!(
        browser.pgrp, dashboard.pgrp,
        "a Ctrl-C in the terminal signals the browser's group too: {browser:?}"
    );
    assert_eq!(
        browser.tty_nr, 0,
        "the browser has a controlling terminal: {browser:?}"
    );
    assert_eq!(
        [fd0, fd1, fd2],
        ["/dev/null"; 3],
        "the browser's stdin, stdout and stderr"
    );
}

/// A program embedding the session service opens the address its own way
/// (`SessionService::with_url_opener`, a GUI's web view): the opener gets
/// the login's address, `$BROWSER` never starts, and an opener that cannot
/// open says why as a browser would.
#[tokio::test]
async fn an_embedding_programs_opener_gets_the_address_and_no_browser_starts() {
    use std::sync::{Arc, Mutex};

    use authdash::session::{LoginEvent, SessionService, SessionSetup};
    use support::home::{DemoHome, login_with};

    let t = DemoHome::start().await;
    let ran = t.home.dir.path().join("browser-ran");
    let opened = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = opened.clone();
    let service = SessionService::new(SessionSetup {
        browser_var: Some(format!("touch {}", ran.display())),
        ..t.home.setup(&t.config)
    })
    .with_url_opener(Arc::new(move |url: &str| {
        seen.lock().unwrap().push(url.to_owned());
        Ok(())
    }));
    let shown = Arc::new(Mutex::new(None::<String>));
    let shown_by_login = shown.clone();
    let session = login_with(&service, move |url| async move {
        *shown_by_login.lock().unwrap() = Some(url.clone());
        support::browser::sign_in(&url, "alice")
            .await
            .expect("alice signs in");
    })
    .await;
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
    let shown = shown.lock().unwrap().clone().expect("the address shown");
    assert_eq!(
        *opened.lock().unwrap(),
        [shown],
        "the opener got the address"
    );
    assert!(!ran.exists(), "$BROWSER started beside the opener");

    // An opener that cannot open: said as a browser that could not start.
    let refusing =
        SessionService::new(t.home.setup(&t.config)).with_url_opener(Arc::new(|_: &str| {
            Err("no web view in this window".to_owned())
        }));
    let said = Arc::new(Mutex::new(Vec::new()));
    let events_said = said.clone();
    let events = move |event: LoginEvent| {
        if let LoginEvent::BrowserOpened(result) = event {
            events_said.lock().unwrap().push(result);
        }
    };
    let login = refusing.login(support::home::browser_login(), &events);
    // Nobody signs in: the login waits until the bound; what was said
    // about opening comes first.
    let _ = tokio::time::timeout(Duration::from_millis(500), login).await;
    assert_eq!(
        *said.lock().unwrap(),
        [Err("no web view in this window".to_owned())]
    );
}

/// An opener may keep the page until its window is closed (a GUI's modal
/// web view): the login still ends as soon as the person has signed in,
/// within the login's own bound, while the opener has not returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attack_an_opener_that_keeps_its_window_open_does_not_hold_the_login() {
    use std::sync::{Arc, Mutex, mpsc};

    use support::home::{DemoHome, login_with};

    let t = DemoHome::start().await;
    let (close_window, closed) = mpsc::channel::<()>();
    let closed = Mutex::new(closed);
    let returned = Arc::new(Mutex::new(false));
    let opener_returned = returned.clone();
    let service = t
        .home
        .new_service(&t.config)
        .with_url_opener(Arc::new(move |_: &str| {
            // Shown until the window is closed; bounded beyond WAIT.
            let _ = closed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .recv_timeout(WAIT * 3);
            *opener_returned.lock().unwrap_or_else(|p| p.into_inner()) = true;
            Ok(())
        }));
    let login = login_with(&service, |url| async move {
        support::browser::sign_in(&url, "alice")
            .await
            .expect("alice signs in");
    });
    let session = tokio::time::timeout(WAIT, login).await;
    let still_open = !*returned.lock().unwrap();
    drop(close_window);
    let session = session.expect("the login waited for the opener to return");
    assert_eq!(session.user.email.as_deref(), Some("alice@example.com"));
    assert!(still_open, "the window was closed before the login ended");
}
