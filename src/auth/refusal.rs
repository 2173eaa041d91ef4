//! A response at the login callback that was not for this login: said at
//! once (the login keeps waiting for the real one), logged a bounded
//! number of times.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;

/// Refusals logged one by one; after these, only counted.
pub(crate) const LOGGED_REFUSALS: usize = 5;
/// Refusals the caller may leave unread before more are dropped.
const QUEUED_REFUSALS: usize = 16;
/// How much of a stranger's value a message quotes.
const QUOTED_CHARS: usize = 120;

/// Why a response at the callback was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefusalReason {
    /// Its `state` is not the one this login sent.
    WrongState,
    /// It carries no `state` at all.
    NoState,
    /// Its `iss` names another provider (a mix-up attack, RFC 9207).
    WrongIssuer { expected: String, got: String },
    /// The provider announces `iss` in responses, but this one has none.
    MissingIssuer { expected: String },
    /// It carries a response parameter more than once (RFC 6749 §3.1):
    /// which one counts would be a guess.
    Repeated(String),
}

/// A response refused while the login goes on waiting.
///
/// Its text is safe for a terminal: what the sender wrote is quoted with
/// control characters made visible, and shortened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub reason: RefusalReason,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongState => f.write_str("its state does not match the one this login sent"),
            Self::NoState => f.write_str("it has no state"),
            Self::WrongIssuer { expected, got } => write!(
                f,
                "it came from issuer `{}`, not from `{}` (RFC 9207)",
                quoted(got),
                quoted(expected)
            ),
            Self::MissingIssuer { expected } => write!(
                f,
                "it has no `iss`, though `{}` always sends one (RFC 9207)",
                quoted(expected)
            ),
            Self::Repeated(name) => write!(
                f,
                "it carries `{}` more than once (RFC 6749 §3.1)",
                quoted(name)
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a sign-in response that was not for this login was refused; still waiting ({})",
            self.reason
        )
    }
}

/// Control characters as escapes (`\u{1b}`), at most [`QUOTED_CHARS`].
fn quoted(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == QUOTED_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The callback's side: reports each refusal to the caller and the log.
pub(crate) struct Refusals {
    tx: mpsc::Sender<Refusal>,
    count: AtomicUsize,
}

impl Refusals {
    pub(crate) fn new() -> (Self, mpsc::Receiver<Refusal>) {
        let (tx, rx) = mpsc::channel(QUEUED_REFUSALS);
        (
            Self {
                tx,
                count: AtomicUsize::new(0),
            },
            rx,
        )
    }

    pub(crate) fn report(&self, reason: RefusalReason) {
        let refusal = Refusal { reason };
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some(line) = log_line(n, &refusal) {
            tracing::warn!("{line}");
        }
        // A caller that does not read loses the surplus, never memory.
        let _ = self.tx.try_send(refusal);
    }

    pub(crate) fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

impl Drop for Refusals {
    fn drop(&mut self) {
        if let Some(line) = summary_line(self.count()) {
            tracing::warn!("{line}");
        }
    }
}

/// What the log says of the `n`-th refusal: the first few one by one,
/// then once that the rest are counted (a flood of forged responses
/// writes a bounded number of lines).
fn log_line(n: usize, refusal: &Refusal) -> Option<String> {
    if n <= LOGGED_REFUSALS {
        Some(format!("login callback: {refusal}"))
    } else if n == LOGGED_REFUSALS + 1 {
        Some(
            "login callback: more responses refused; they are counted, not logged one by one"
                .to_owned(),
        )
    } else {
        None
    }
}

/// What the log says when the login ends after `n` refusals.
fn summary_line(n: usize) -> Option<String> {
    (n > LOGGED_REFUSALS)
        .then(|| format!("login callback: {n} responses refused in all during this login"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_says_refused_and_still_waiting_and_quotes_safely() {
        let refusal = Refusal {
            reason: RefusalReason::WrongIssuer {
                expected: "https://op.example".into(),
                got: "https://evil.example/\u{1b}[2J".into(),
            },
        };
        let text = refusal.to_string();
        assert!(
            text.starts_with(
                "a sign-in response that was not for this login was refused; still waiting ("
            ),
            "{text}"
        );
        assert!(text.contains("https://evil.example/\\u{1b}[2J"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        let long = quoted(&"x".repeat(10_000));
        assert_eq!(long.chars().count(), QUOTED_CHARS + 1);
    }

    /// The lines are decided apart from tracing: a test that counted them
    /// through a subscriber of its own raced other tests' threads over
    /// tracing's global callsite cache, and once counted none.
    #[test]
    fn a_thousand_forged_responses_write_a_bounded_number_of_log_lines() {
        let (refusals, _rx) = Refusals::new();
        let mut lines = Vec::new();
        for _ in 0..1000 {
            let n = refusals.count.fetch_add(1, Ordering::SeqCst) + 1;
            lines.extend(log_line(
                n,
                &Refusal {
                    reason: RefusalReason::NoState,
                },
            ));
        }
        lines.extend(summary_line(refusals.count()));
        // Five one by one, one saying the rest are counted, one total.
        assert_eq!(lines.len(), LOGGED_REFUSALS + 2, "{lines:#?}");
        assert!(lines[0].contains("was refused"), "{lines:#?}");
        assert!(lines[LOGGED_REFUSALS].contains("counted"), "{lines:#?}");
        assert!(
            lines[LOGGED_REFUSALS + 1].contains("1000 responses refused"),
            "{lines:#?}"
        );
        assert_eq!(summary_line(LOGGED_REFUSALS), None);
    }

    #[tokio::test]
    async fn an_unread_channel_holds_a_bounded_number() {
        let (refusals, mut rx) = Refusals::new();
        for _ in 0..1000 {
            refusals.report(RefusalReason::WrongState);
        }
        assert_eq!(refusals.count(), 1000);
        let mut queued = 0;
        while rx.try_recv().is_ok() {
            queued += 1;
        }
        assert_eq!(queued, QUEUED_REFUSALS);
    }
}
