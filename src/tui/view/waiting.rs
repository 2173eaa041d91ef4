//! A login under way: its notice, and a box titled with the provider and
//! the way, holding what to do now — the browser's address on one line,
//! the paste-back steps, the device code, or the demo's sign-in from the
//! terminal — in paragraphs that are shown whole or not at all.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::device;
use super::login_parts::{first_key, notice, stack};
use super::login_text::{Text, tail_cut};
use super::text::truncate;
use super::time::relative;
use crate::identity::visible;
use crate::tui::action::Action;
use crate::tui::model::{
    BrowserState, LoginFlow, LoginRow, LoginScreen, Model, PendingFlow, PendingLogin,
};
use crate::tui::theme;

pub(super) fn draw(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    login: &LoginScreen,
    pending: &PendingLogin,
) {
    let notice = notice(login, area.width.saturating_sub(2));
    let index = model
        .providers
        .iter()
        .position(|p| p.name == pending.provider);
    let label = index
        .and_then(|i| model.providers.get(i))
        .map(|p| visible(&p.label).into_owned())
        .unwrap_or_else(|| visible(&pending.provider).into_owned());
    let flow = match &pending.flow {
        PendingFlow::Browser { .. } => LoginFlow::Browser,
        PendingFlow::Device(_) => LoginFlow::Device,
        PendingFlow::Paste { .. } => LoginFlow::Paste,
        PendingFlow::Terminal { .. } => LoginFlow::Terminal,
    };
    let way = index
        .map(|provider| model.way_name(LoginRow { provider, flow }))
        .unwrap_or_default();
    let inner_width = area.width.saturating_sub(4);
    let notice_h = notice.height();
    let rows = area.height.saturating_sub(notice_h + 2);
    let parts = match &pending.flow {
        PendingFlow::Device(code) => device::text(model, &label, code.as_ref(), inner_width),
        PendingFlow::Browser { url, browser } => {
            browser_text(model, &label, pending, url.as_deref(), browser, inner_width)
        }
        PendingFlow::Paste { url, input } => {
            paste_text(model, &label, pending, url.as_deref(), input, inner_width)
        }
        PendingFlow::Terminal { person, .. } => {
            terminal_text(model, &label, pending, person, inner_width)
        }
    };
    let content = Text::paragraphs(inner_width, parts, rows);
    let box_h = content.height() + 2;
    let parts = stack(area, &[notice_h, box_h]);
    notice.draw(frame, parts[0].inner(Margin::new(1, 0)), false);
    let title = truncate(
        &format!(" {label} · {way} "),
        usize::from(area.width.saturating_sub(2)),
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(true))
        .border_type(theme::border_type(true))
        .title(Span::styled(title, theme::title()));
    let inner = block.inner(parts[1]);
    frame.render_widget(block, parts[1]);
    content.draw(frame, inner.inner(Margin::new(1, 0)), model.hyperlinks);
}

/// "(started 2 min ago)"
fn started(model: &Model, pending: &PendingLogin) -> String {
    format!("(started {})", relative(model.now, pending.started))
}

/// One styled sentence, wrapped to `width`.
fn sentence(width: u16, text: impl Into<String>, style: Style) -> Text {
    let mut t = Text::new(width);
    t.say(text, style);
    t
}

/// The browser login: what was asked of the browser, the address on one
/// line, and the keys that copy, open again or paste back.
fn browser_text(
    model: &Model,
    label: &str,
    pending: &PendingLogin,
    url: Option<&str>,
    browser: &BrowserState,
    width: u16,
) -> Vec<Text> {
    let Some(url) = url else {
        return vec![sentence(
            width,
            format!("Contacting {label}… {}", started(model, pending)),
            theme::warn(),
        )];
    };
    let mut parts = Vec::new();
    let mut address = Text::new(width);
    match browser {
        BrowserState::Preparing => parts.push(sentence(
            width,
            format!(
                "Opening {label}'s sign-in page in your browser {}.",
                started(model, pending)
            ),
            theme::warn(),
        )),
        BrowserState::Opened => parts.push(sentence(
            width,
            format!(
                "Waiting for you to sign in to {label} in your browser {}. The dashboard opens \
                 by itself once you have.",
                started(model, pending)
            ),
            theme::warn(),
        )),
        BrowserState::Failed(reason) => {
            let mut failed = sentence(
                width,
                format!("No browser could be opened ({}).", visible(reason)),
                theme::error(),
            );
            failed.say(
                format!(
                    "Open the address below in a browser on this machine and sign in to \
                     {label} {}; the dashboard opens by itself once you have.",
                    started(model, pending),
                ),
                theme::warn(),
            );
            parts.push(failed);
        }
    }
    if !matches!(browser, BrowserState::Failed(_)) {
        address.say(
            "If nothing appeared, open this address yourself:",
            Style::new(),
        );
    }
    address.url(0, url, theme::ok());
    parts.push(address);
    let key = |action| Span::styled(first_key(model, action), theme::key());
    let mut keys = Text::new(width);
    keys.wrap(
        vec![
            key(Action::Copy),
            Span::styled(" copies the whole address, ", theme::dim()),
            key(Action::OpenBrowser),
            Span::styled(" opens it again, ", theme::dim()),
            key(Action::Paste),
            Span::styled(
                " pastes back the address a browser elsewhere lands on, ",
                theme::dim(),
            ),
            key(Action::Back),
            Span::styled(" chooses another way.", theme::dim()),
        ],
        0,
    );
    parts.push(keys);
    parts
}

/// The paste-back login, step by step: the address to open anywhere, the
/// address to bring back, and the field it goes in.
fn paste_text(
    model: &Model,
    label: &str,
    pending: &PendingLogin,
    url: Option<&str>,
    input: &str,
    width: u16,
) -> Vec<Text> {
    let Some(url) = url else {
        return vec![sentence(
            width,
            format!("Contacting {label}… {}", started(model, pending)),
            theme::warn(),
        )];
    };
    let mut text = Text::new(width);
    text.say(
        format!(
            "Sign in to {label} in a browser on any machine {}:",
            started(model, pending)
        ),
        theme::warn(),
    );
    text.wrap(
        vec![
            Span::raw("1. Open this address there ("),
            Span::styled(first_key(model, Action::Copy), theme::key()),
            Span::raw(" copies it whole):"),
        ],
        3,
    );
    text.url(3, url, theme::ok());
    let lands_on = url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "redirect_uri")
                .map(|(_, v)| visible(&v).into_owned())
        })
        .map(|r| format!("an address starting with {r}"))
        .unwrap_or_else(|| "an address on this machine".into());
    text.wrap(
        vec![Span::raw(format!(
            "2. Sign in. The browser then lands on {lands_on}, which will not load there: \
             copy that address."
        ))],
        3,
    );
    text.wrap(
        vec![
            Span::raw("3. Paste it here and press "),
            Span::styled(first_key(model, Action::Confirm), theme::key()),
            Span::raw(":"),
        ],
        3,
    );
    // What was typed, as typed (control characters never reach the
    // terminal), its newest letters in view.
    let room = text.width().saturating_sub(6);
    text.line(Line::from(vec![
        Span::styled("   › ", theme::title()),
        Span::raw(tail_cut(&visible(input), room)),
        Span::styled("▏", theme::key()),
    ]));
    vec![text]
}

/// The demo's sign-in from the terminal, under way (it takes a moment).
fn terminal_text(
    model: &Model,
    label: &str,
    pending: &PendingLogin,
    person: &str,
    width: u16,
) -> Vec<Text> {
    let who = model
        .demo_people()
        .iter()
        .find(|p| p.id == person)
        .map(|p| format!("{} <{}>", p.name, p.email))
        .unwrap_or_else(|| visible(person).into_owned());
    vec![
        sentence(
            width,
            format!(
                "Signing in to {label} as {who} {}…",
                started(model, pending)
            ),
            theme::warn(),
        ),
        sentence(
            width,
            format!(
                "authdash plays the browser: it opens the demo's sign-in page, picks {} and \
                 follows the redirect to its own callback; then it exchanges the code for \
                 tokens and verifies the ID token, as in any login.",
                visible(person)
            ),
            Style::new(),
        ),
    ]
}
