//! The state changes of the sessions view, kept apart from
//! [`super::update`]'s pane navigation: `s` opens the sessions view, Enter
//! there narrows the ladder to that session's flows (Esc from the ladder
//! comes back to the list); `o` / `r` sort it ([`super::sessions_sort`]).

use super::action::Action;
use super::app::{App, Pane};
use super::layout;
use super::sessions_sort;
use super::update::{clamp_move, set_filter};
use super::view::sessions;

/// Rows the mouse wheel moves per notch (as in the panes).
const WHEEL_ROWS: isize = 3;

/// `s`: opens the sessions view (or closes it).
pub fn toggle(app: &mut App) {
    app.sessions.open = !app.sessions.open;
    app.status = None;
}

/// An action while the sessions view is open.
pub fn action(app: &mut App, action: Action) {
    let len = app.session_order.items.len();
    let page = app.page() as isize;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -page,
        Action::PageDown => page,
        Action::Top => isize::MIN / 2,
        Action::Bottom => isize::MAX / 2,
        Action::Wheel(_, _, down) => {
            if down {
                WHEEL_ROWS
            } else {
                -WHEEL_ROWS
            }
        }
        Action::Click(_, y) => return click(app, y),
        Action::Enter => return open(app),
        Action::SortNext => return sessions_sort::on_key(app, true),
        Action::SortReverse => return sessions_sort::on_key(app, false),
        Action::Back | Action::Sessions => {
            app.sessions.open = false;
            return;
        }
        _ => return,
    };
    app.sessions.selected = clamp_move(app.sessions.selected, delta, len);
}

/// A click on line `y`: selects the session drawn there.
fn click(app: &mut App, y: u16) {
    let len = app.session_order.items.len();
    let body = layout::areas(app).body;
    if let Some(k) = sessions::item_at(app.sessions.selected, len, body, y) {
        app.sessions.selected = k;
    }
}

/// Enter: the selected session's ladder only, from its first row.
fn open(app: &mut App) {
    let Some(&k) = app.session_order.items.get(app.sessions.selected) else {
        return;
    };
    if app.loaded().is_none_or(|l| k >= l.sessions.len()) {
        return;
    }
    app.sessions.open = false;
    app.ladder.session = Some(k);
    app.ladder.selected = 0;
    set_filter(app, app.ladder.filter);
    app.ladder.selected = 0;
    app.back.clear();
    app.focus = Pane::Ladder;
    app.status = if app.ladder.visible.is_empty() {
        Some("no ladder rows for this session".to_string())
    } else {
        None
    };
}

/// Esc with nowhere to go back to: a ladder narrowed to a session returns
/// to the sessions view (all rows again).
pub fn back_to_list(app: &mut App) -> bool {
    if app.ladder.session.is_none() || app.focus != Pane::Ladder {
        return false;
    }
    app.ladder.session = None;
    set_filter(app, app.ladder.filter);
    app.sessions.open = true;
    true
}

/// Keeps only the rows of the session the ladder is narrowed to, if any
/// (`visible` holds indices into `index.rows`).
pub fn narrow(app: &App, visible: &mut Vec<usize>) {
    let Some(l) = app.loaded() else { return };
    let Some(s) = app.ladder.session.and_then(|k| l.sessions.get(k)) else {
        return;
    };
    visible.retain(|&i| s.flows.binary_search(&l.index.rows[i].flow).is_ok());
}
