use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph, Wrap};

use super::device;
use super::popup::filter_title;
use super::time::relative;
use crate::identity::visible;
use crate::tui::action::Action;
use crate::tui::model::{BrowserState, Level, LoginScreen, Lookup, Model, PendingFlow};
use crate::tui::theme;

pub fn draw(frame: &mut Frame, area: Rect, model: &Model, login: &LoginScreen) {
    let area = super::accounts::draw_offers(frame, area, model, login);
    let on_offer = login.offers.selected.is_some() && login.pending.is_none();
    let rows = model.login_rows();
    let shown = model.visible_logins(&login.filter);
    let list_height = shown.len().max(1) as u16 + 2;
    let [list_area, status_area] =
        Layout::vertical([Constraint::Length(list_height), Constraint::Min(1)]).areas(area);

    let items: Vec<ListItem> = shown
        .iter()
        .filter_map(|&i| rows.get(i))
        .filter_map(|row| {
            let p = model.providers.get(row.provider)?;
            let note = match &p.lookup {
                Lookup::Failed(e) => {
                    Span::styled(format!("  ✗ {}", visible(&e.to_string())), theme::error())
                }
                _ => Span::styled(format!("  {}", p.issuer), theme::dim()),
            };
            Some(ListItem::new(Line::from(vec![
                Span::raw(format!(" {}", model.login_line(*row))),
                note,
            ])))
        })
        .collect();
    let items = if items.is_empty() && !login.filter.text.is_empty() {
        vec![ListItem::new(Line::styled(
            format!(
                " No way to log in matches “{}”.",
                visible(&login.filter.text)
            ),
            theme::dim(),
        ))]
    } else {
        items
    };
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(login.pending.is_none() && !on_offer))
        .title(Span::styled(" Log in with ", theme::title()));
    if login.filter.shown() {
        block = block.title_bottom(filter_title(&login.filter, ""));
    }
    let mut state = ListState::default().with_selected(
        shown
            .iter()
            .position(|&i| i == login.selected)
            .filter(|_| !on_offer),
    );
    frame.render_stateful_widget(
        List::new(items)
            .block(block)
            .highlight_style(theme::selected(login.pending.is_none()))
            .highlight_symbol("› ")
            // The column stays while the cursor is on an account above.
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always),
        list_area,
        &mut state,
    );

    let mut lines = Vec::new();
    if let Some(notice) = &login.notice {
        let style = match notice.level {
            Level::Error => theme::error(),
            Level::Info => theme::ok(),
        };
        lines.push(Line::styled(visible(&notice.text).into_owned(), style));
        lines.push(Line::raw(""));
    }
    match &login.pending {
        None => lines.push(Line::styled(
            format!(
                "Choose {} a way to log in, then press {}.",
                if model.login_offers(login).is_empty() {
                    "a provider and"
                } else {
                    "an account or"
                },
                first_key(model, Action::Confirm)
            ),
            theme::dim(),
        )),
        Some(pending) => {
            let label = model
                .provider(&pending.provider)
                .map(|p| p.label.as_str())
                .unwrap_or(&pending.provider);
            match &pending.flow {
                PendingFlow::Device(code) => {
                    let text_height = lines.len() as u16;
                    let [notice_area, device_area] =
                        Layout::vertical([Constraint::Length(text_height), Constraint::Min(1)])
                            .areas(status_area.inner(Margin::new(1, 0)));
                    frame.render_widget(Paragraph::new(lines), notice_area);
                    device::draw(frame, device_area, model, label, code.as_ref());
                    return;
                }
                PendingFlow::Browser { url, browser } => {
                    browser_lines(&mut lines, model, label, pending.started, browser);
                    if let Some(url) = url {
                        draw_with_url(frame, status_area, model, lines, url, None);
                        return;
                    }
                }
                PendingFlow::Paste { url, input } => {
                    lines.push(Line::from(vec![
                        Span::styled("Sign in to ", theme::warn()),
                        Span::styled(label.to_owned(), theme::title()),
                        Span::styled(
                            format!(
                                " in a browser on any machine (started {}):",
                                relative(model.now, pending.started)
                            ),
                            theme::warn(),
                        ),
                    ]));
                    // Short lines: the URL's place is computed from their count.
                    lines.push(Line::raw(
                        "then copy the address it lands on (it will not load) and paste it below.",
                    ));
                    match url {
                        Some(url) => {
                            draw_with_url(frame, status_area, model, lines, url, Some(input));
                            return;
                        }
                        None => lines.push(Line::raw("Contacting the provider…")),
                    }
                }
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        status_area.inner(Margin::new(1, 0)),
    );
}

fn browser_lines(
    lines: &mut Vec<Line<'static>>,
    model: &Model,
    label: &str,
    started: chrono::DateTime<chrono::Utc>,
    browser: &BrowserState,
) {
    lines.push(Line::from(vec![
        Span::styled("Waiting for you to sign in to ", theme::warn()),
        Span::styled(label.to_owned(), theme::title()),
        Span::styled(
            format!(
                " in your browser (started {})",
                relative(model.now, started)
            ),
            theme::warn(),
        ),
    ]));
    lines.push(Line::raw(""));
    match browser {
        BrowserState::Preparing => lines.push(Line::raw("Contacting the provider…")),
        BrowserState::Opened => lines.push(Line::raw(
            "The browser was asked to open the login page. If nothing appeared, open this URL yourself:",
        )),
        BrowserState::Failed(reason) => {
            lines.push(Line::styled(
                format!("Could not open a browser ({}).", visible(reason)),
                theme::error(),
            ));
            lines.push(Line::raw(
                "Open this URL in a browser on this machine, or press Esc and choose the code on another device:",
            ));
        }
    }
}

/// The text, then the URL from the very first column across the whole
/// width, so that selecting it in the terminal (over SSH too) copies no
/// margin, then the keys.
/// With `pasted`, a paste-back login: the address typed so far, and its keys.
fn draw_with_url(
    frame: &mut Frame,
    area: Rect,
    model: &Model,
    lines: Vec<Line<'static>>,
    url: &str,
    pasted: Option<&str>,
) {
    let width = area.width.max(1) as usize;
    let text_height = lines.len() as u16 + 1;
    let url_height = url.chars().count().div_ceil(width) as u16;
    let [text_area, url_area, keys_area] = Layout::vertical([
        Constraint::Length(text_height),
        Constraint::Length(url_height),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        text_area.inner(Margin::new(1, 0)),
    );
    // Cut by characters, not words: a URL has no spaces to wrap at.
    let chunks: Vec<Line> = url
        .chars()
        .collect::<Vec<_>>()
        .chunks(width)
        .map(|c| Line::styled(c.iter().collect::<String>(), theme::ok()))
        .collect();
    let rows: Vec<u16> = chunks.iter().map(|c| c.width() as u16).collect();
    frame.render_widget(Paragraph::new(chunks), url_area);
    if model.hyperlinks {
        for (i, width) in rows.into_iter().enumerate() {
            let row = Rect::new(url_area.x, url_area.y + i as u16, width, 1);
            if url_area.contains(row.as_position()) {
                super::text::hyperlink(frame.buffer_mut(), row, url);
            }
        }
    }
    let key = |action| Span::styled(first_key(model, action), theme::key());
    let keys = match pasted {
        None => vec![
            Line::raw(""),
            Line::from(vec![
                key(Action::OpenBrowser),
                Span::styled(" open it again   ", theme::dim()),
                key(Action::Paste),
                Span::styled(" paste the address back   ", theme::dim()),
                key(Action::Back),
                Span::styled(" cancel", theme::dim()),
            ]),
        ],
        Some(input) => vec![
            Line::raw(""),
            Line::from(vec![
                Span::styled("Address: ", theme::title()),
                // What the person typed, shown as typed: control characters
                // never reach the terminal.
                Span::raw(visible(input).into_owned()),
                Span::styled("▏", theme::key()),
            ]),
            Line::raw(""),
            Line::from(vec![
                key(Action::Confirm),
                Span::styled(" finish the login   ", theme::dim()),
                key(Action::Back),
                Span::styled(" cancel", theme::dim()),
            ]),
        ],
    };
    frame.render_widget(
        Paragraph::new(keys).wrap(Wrap { trim: false }),
        keys_area.inner(Margin::new(1, 0)),
    );
}

/// The key the person presses for `action` (the config may rebind it).
fn first_key(model: &Model, action: Action) -> String {
    model
        .keymap
        .keys(action)
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}
