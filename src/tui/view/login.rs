//! The login screens: each provider as a heading with its ways to log in
//! beneath, what the selected way does next (or the demo user picker), and
//! the waiting screens of a login under way. Everything sits in one column
//! sized to what it holds and centred, so no size shows a wall of empty
//! rows under two lines.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::login_parts::{forward, notice, stack};
use super::login_text::{Text, middle_cut};
use super::popup::filter_title;
use super::text::truncate;
use super::waiting;
use crate::identity::visible;
use crate::tui::model::{LoginFlow, LoginScreen, Lookup, Model, is_loopback_url};
use crate::tui::theme;

/// The column's widest: sentences stay readable on a wide terminal. A
/// login under way gets more, for the address and a QR code beside it.
const CHOICE_WIDTH: u16 = 84;
const WAITING_WIDTH: u16 = 100;

pub(crate) fn draw(frame: &mut Frame, area: Rect, model: &Model, login: &LoginScreen) {
    let most = match login.pending {
        None => CHOICE_WIDTH,
        Some(_) => WAITING_WIDTH,
    };
    let width = area.width.min(most);
    let column = Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    };
    match &login.pending {
        None => choose(frame, column, model, login),
        Some(pending) => waiting::draw(frame, column, model, login, pending),
    }
}

/// The screen before a login: the providers and their ways, and below,
/// what the selected way does or whom the demo signs in as.
fn choose(frame: &mut Frame, area: Rect, model: &Model, login: &LoginScreen) {
    // The stored accounts first (log in again, switch), then the ways.
    let area = super::accounts::draw_offers(frame, area, model, login);
    let on_offer = login.offers.selected.is_some();
    let inner_width = area.width.saturating_sub(4);
    let notice = notice(login, area.width.saturating_sub(2));
    let picking = login.picking.is_some();
    let (ways, selected_line) = ways(model, login, inner_width, !picking && !on_offer);
    let notice_h = notice.height();
    let room = area.height.saturating_sub(notice_h);
    let ways_full = u16::try_from(ways.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    // The ways keep at least their heading and the selected one.
    let ways_least = ways_full.min(4);
    let (ways_h, detail) = match login.picking {
        // Picking a person: the people first, the ways as small as need be.
        Some(cursor) => {
            let people_h = u16::try_from(model.demo_people().len())
                .unwrap_or(u16::MAX)
                .saturating_add(2);
            let ways_h = ways_full.min(room.saturating_sub(people_h)).max(ways_least);
            let rows = room.saturating_sub(ways_h + 2);
            (ways_h, people(model, cursor, inner_width, rows))
        }
        // Otherwise the ways whole, and what happens in the room left.
        None => {
            let ways_h = ways_full.min(room.saturating_sub(3)).max(ways_least);
            let rows = room.saturating_sub(ways_h + 2);
            let parts = what_happens(model, login, inner_width, rows);
            (ways_h, Text::paragraphs(inner_width, parts, rows))
        }
    };
    let detail_h = (detail.height() + 2).min(room.saturating_sub(ways_h));
    let parts = stack(area, &[notice_h, ways_h, detail_h]);
    notice.draw(frame, parts[0].inner(Margin::new(1, 0)), false);

    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(!picking && !on_offer))
        .border_type(theme::border_type(!picking && !on_offer))
        .title(Span::styled(" Log in ", theme::title()));
    if login.filter.shown() {
        block = block.title_bottom(filter_title(&login.filter, ""));
    }
    let inner = block.inner(parts[1]);
    frame.render_widget(block, parts[1]);
    let offset = selected_line
        .map(|s| (s + 1).saturating_sub(usize::from(inner.height)))
        .unwrap_or(0);
    frame.render_widget(
        Paragraph::new(ways).scroll((u16::try_from(offset).unwrap_or(0), 0)),
        inner.inner(Margin::new(1, 0)),
    );

    let title = if picking {
        " Sign in as "
    } else {
        " What happens "
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme::border(picking))
        .border_type(theme::border_type(picking))
        .title(Span::styled(title, theme::title()));
    let inner = block.inner(parts[2]);
    frame.render_widget(block, parts[2]);
    detail.draw(frame, inner.inner(Margin::new(1, 0)), model.hyperlinks);
}

/// The ways to log in, under their providers' headings, and which line
/// is the selected way.
fn ways(
    model: &Model,
    login: &LoginScreen,
    width: u16,
    focused: bool,
) -> (Vec<Line<'static>>, Option<usize>) {
    let width = usize::from(width);
    let rows = model.login_rows();
    let shown = model.visible_logins(&login.filter);
    if shown.is_empty() && !login.filter.text.is_empty() {
        let text = format!(
            "No way to log in matches “{}”.",
            visible(&login.filter.text)
        );
        return (
            vec![Line::styled(truncate(&text, width), theme::dim())],
            None,
        );
    }
    let mut lines = Vec::new();
    let mut selected_line = None;
    let mut provider = None;
    for &i in &shown {
        let Some(&row) = rows.get(i) else {
            continue;
        };
        if provider != Some(row.provider) {
            if provider.is_some() {
                lines.push(Line::raw(""));
            }
            provider = Some(row.provider);
            lines.extend(heading(model, row.provider, width));
        }
        // The cursor on an account above: no way is selected.
        let selected = i == login.selected && login.offers.selected.is_none();
        let text = format!(
            "{}{}",
            if selected { "› " } else { "  " },
            model.way_name(row)
        );
        let text = truncate(&text, width);
        if selected {
            selected_line = Some(lines.len());
            let pad = width.saturating_sub(text.width());
            lines.push(Line::styled(
                format!("{text}{}", " ".repeat(pad)),
                theme::selected(focused),
            ));
        } else {
            lines.push(Line::raw(text));
        }
    }
    (lines, selected_line)
}

/// A provider's label, its issuer beside it where there is room, and the
/// reason when it could not be reached.
fn heading(model: &Model, index: usize, width: usize) -> Vec<Line<'static>> {
    let Some(p) = model.providers.get(index) else {
        return Vec::new();
    };
    let label = truncate(&visible(&p.label), width);
    let room = width.saturating_sub(label.width() + 2);
    let mut spans = vec![Span::styled(label, theme::title())];
    if room >= 12 {
        spans.push(Span::styled(
            format!("  {}", middle_cut(&visible(&p.issuer), room)),
            theme::dim(),
        ));
    }
    let mut lines = vec![Line::from(spans)];
    if let Lookup::Failed(e) = &p.lookup {
        let text = format!("✗ cannot be reached: {}", visible(e));
        lines.push(Line::styled(truncate(&text, width), theme::error()));
    }
    lines
}

/// What the selected way does next, in sentences; for the demo, what the
/// demo is and (over SSH) how a browser elsewhere reaches it. Paragraphs,
/// the most useful first: a small terminal shows the first ones whole.
fn what_happens(model: &Model, login: &LoginScreen, width: u16, room: u16) -> Vec<Text> {
    let para = |text: String, style: Style| {
        let mut t = Text::new(width);
        t.say(text, style);
        t
    };
    let rows = model.login_rows();
    let Some(&row) = rows.get(login.selected).filter(|_| {
        model
            .visible_logins(&login.filter)
            .contains(&login.selected)
    }) else {
        return vec![para(
            "No way to log in is selected: clear the filter with Esc.".into(),
            theme::dim(),
        )];
    };
    let Some(p) = model.providers.get(row.provider) else {
        return Vec::new();
    };
    let mut parts = Vec::new();
    let label = visible(&p.label).into_owned();
    let loopback = is_loopback_url(&p.issuer);
    let what = match row.flow {
        LoginFlow::Terminal => "Pick a demo user next. authdash then plays the browser \
             against the demo provider — its sign-in page, the redirect to authdash's callback \
             — and exchanges the code and verifies the ID token as in any login. No browser \
             needed."
            .to_owned(),
        LoginFlow::Browser if model.browser_available => format!(
            "Your browser opens {label}'s sign-in page. Once you have signed in, it comes \
             back to authdash and the dashboard opens."
        ),
        LoginFlow::Browser => format!(
            "No browser can be opened here: the address of {label}'s sign-in page is shown, \
             to open in a browser on this machine. Once you have signed in, the dashboard opens."
        ),
        LoginFlow::Device if loopback => format!(
            "authdash shows a code and an address on {}, which only this machine reaches: \
             open it in a browser here and enter the code. The dashboard opens by itself.",
            host_port(&p.issuer)
        ),
        LoginFlow::Device => "authdash shows a code and an address: open the address on your \
             phone or another computer and enter the code there. The dashboard opens by itself."
            .to_owned(),
        LoginFlow::Paste => "For a browser that cannot reach this machine: open the address \
             shown anywhere and sign in, then paste back here the address the browser lands on \
             (it will not load)."
            .to_owned(),
    };
    // Why the provider could not be reached first, in half the rows at
    // most; then the way's own words, whole sentences in the rest.
    let mut room = usize::from(room);
    if let Lookup::Failed(e) = &p.lookup {
        let mut failed = Text::new(width);
        failed.say_within(
            &format!("{label} could not be reached: {}", visible(e)),
            theme::error(),
            (room / 2).max(2),
        );
        room = room.saturating_sub(usize::from(failed.height()) + 1);
        parts.push(failed);
    }
    let mut way = Text::new(width);
    way.say_fitting(&what, Style::new(), room);
    parts.push(way);
    // The code is entered on the provider's own port: forwarded, a
    // browser on the person's computer reaches it.
    if row.flow == LoginFlow::Device && loopback && model.over_ssh {
        let mut t = Text::new(width);
        forward(&mut t, &p.issuer);
        parts.push(t);
    }
    if model.demo_sign_in_for(row.provider).is_some() || (model.demo && loopback) {
        parts.push(about_the_demo(model, &p.issuer, width));
    }
    parts
}

/// What the demo is.
fn about_the_demo(model: &Model, issuer: &str, width: u16) -> Text {
    let people: Vec<&str> = model.demo_people().iter().map(|p| p.id.as_str()).collect();
    let who = match people.as_slice() {
        [] => "made-up users".to_owned(),
        [only] => format!("one made-up user, {only}"),
        [first @ .., last] => format!("made-up users {} and {last}", first.join(", ")),
    };
    let mut text = Text::new(width);
    text.wrap(
        vec![
            Span::styled("The demo: ", theme::title()),
            Span::raw(format!(
                "an OpenID provider inside authdash on {} (this machine only), with {who}.",
                host_port(issuer)
            )),
        ],
        0,
    );
    text
}

/// `127.0.0.1:4040` of `http://127.0.0.1:4040/…`.
fn host_port(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            let host = u.host_str()?.to_owned();
            Some(match u.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        })
        .unwrap_or_else(|| visible(url).into_owned())
}

/// The demo users to sign in as, the cursor's highlighted.
fn people(model: &Model, cursor: usize, width: u16, rows: u16) -> Text {
    let mut text = Text::new(width);
    let people = model.demo_people();
    // The cursor stays in the rows there are.
    let rows = usize::from(rows.max(1));
    let first = (cursor + 1).saturating_sub(rows);
    let id_width = people.iter().map(|p| p.id.width()).max().unwrap_or(0);
    let name_width = people.iter().map(|p| p.name.width()).max().unwrap_or(0);
    let width = usize::from(width);
    for (i, person) in people.iter().enumerate().skip(first).take(rows) {
        let selected = i == cursor;
        let line = format!(
            "{}{:id_width$}  {:name_width$}  ",
            if selected { "› " } else { "  " },
            person.id,
            person.name,
        );
        let line = truncate(&line, width);
        let orgs = truncate(&person.orgs, width.saturating_sub(line.width()));
        if selected {
            let shown = format!("{line}{orgs}");
            let pad = width.saturating_sub(shown.width());
            text.line(Line::styled(
                format!("{shown}{}", " ".repeat(pad)),
                theme::selected(true),
            ));
        } else {
            text.line(Line::from(vec![
                Span::raw(line),
                Span::styled(orgs, theme::dim()),
            ]));
        }
    }
    text
}
