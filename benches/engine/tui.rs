//! One dashboard frame, and one keystroke of the organization filter, for
//! a person in 10,000 organizations (TestBackend, 200x60).

use std::hint::black_box;
use std::time::{Duration, Instant};

use authdash::config::Config;
use authdash::tui::message::Msg;
use authdash::tui::model::{Focus, Model, NavItem, Screen};
use authdash::tui::update::{enter_dashboard, update};
use authdash::tui::view;
use chrono::Utc;
use criterion::Criterion;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::figures::{self, Budget, Unit};
use super::orgs;

const ORGS: usize = 10_000;
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
const FRAME_BUDGET: Duration = Duration::from_millis(1);
const KEYSTROKE_BUDGET: Duration = Duration::from_millis(1);

/// The dashboard on Organizations (the list focused), for a person in
/// `orgs` orgs, the selection halfway down the list.
fn model_on_organizations(orgs: usize) -> Model {
    let config = Config::parse(
        std::path::Path::new("bench.toml"),
        &authdash::demo::config_toml("http://127.0.0.1:1"),
        &|_| None,
    )
    .unwrap_or_else(|e| panic!("the demo config parses: {e}"));
    let mut model = Model::new(&config, Utc::now());
    model.utc = true;
    model.demo = true;
    // No panel is open on Organizations: nothing to fetch.
    let _ = enter_dashboard(&mut model, orgs::session(orgs));
    let nav = model
        .nav_items()
        .iter()
        .position(|i| *i == NavItem::Organizations)
        .unwrap_or(1);
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.nav = nav;
        dash.focus = Focus::Content;
        dash.orgs.selected = orgs / 2;
    }
    model
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT))
        .unwrap_or_else(|e| panic!("a test terminal: {e}"))
}

fn draw(terminal: &mut Terminal<TestBackend>, model: &Model) {
    if let Err(e) = terminal.draw(|frame| view::draw(frame, model)) {
        panic!("draw: {e}");
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// `id`: one frame of `model`, timed against the frame budget.
fn bench_frame(c: &mut Criterion, id: &str, name: String, model: &Model) {
    let mut terminal = terminal();
    c.bench_function(id, |b| {
        b.iter_custom(|iterations| {
            let started = Instant::now();
            for _ in 0..iterations {
                draw(&mut terminal, black_box(model));
            }
            let total = started.elapsed();
            figures::record(
                &name,
                Budget::AtMost(FRAME_BUDGET),
                Unit::Time,
                figures::per_iteration(total, iterations),
            );
            total
        })
    });
}

/// One frame of the dashboard with the organization list visible.
pub fn render(c: &mut Criterion) {
    let model = model_on_organizations(ORGS);
    let name = format!("render: dashboard frame {WIDTH}x{HEIGHT}, {ORGS} orgs");
    bench_frame(c, "render", name, &model);
}

/// One frame of Profile (every claim) for a person in 1,000 orgs, whose
/// claims hold the orgs again as PropelAuth's `org_id_to_org_member_info`.
pub fn profile(c: &mut Criterion) {
    let mut model = model_on_organizations(1_000);
    if let Screen::Dashboard(dash) = &mut model.screen {
        dash.nav = 0;
        dash.focus = Focus::Nav;
    }
    let name = format!("render: Profile frame {WIDTH}x{HEIGHT}, 1000 orgs");
    bench_frame(c, "profile", name, &model);
}

/// One keystroke in the organization filter: the update for the key and
/// the next frame. Each iteration types a digit and takes it back (two
/// keystrokes: one narrowing the list, one widening it again).
pub fn filter(c: &mut Criterion) {
    let mut model = model_on_organizations(ORGS);
    let _ = update(&mut model, key(KeyCode::Char('/')));
    let mut terminal = terminal();
    draw(&mut terminal, &model);
    let name = format!("filter: one keystroke + frame, {ORGS} orgs");
    c.bench_function("filter", |b| {
        b.iter_custom(|iterations| {
            let started = Instant::now();
            for _ in 0..iterations {
                black_box(update(&mut model, key(KeyCode::Char('7'))));
                draw(&mut terminal, &model);
                black_box(update(&mut model, key(KeyCode::Backspace)));
                draw(&mut terminal, &model);
            }
            let total = started.elapsed() / 2;
            figures::record(
                &name,
                Budget::AtMost(KEYSTROKE_BUDGET),
                Unit::Time,
                figures::per_iteration(total, iterations),
            );
            total
        })
    });
}
