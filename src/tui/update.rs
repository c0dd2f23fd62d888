//! The only mutator of [`App`]: applies one [`Action`]. Selection stays in
//! range whatever the action; loader messages replace the load state. Work
//! with side effects (re-reading frames, writing an export) is queued as an
//! [`Effect`] for the run loop, so update itself never does I/O.

use super::action::Action;
use super::app::{App, Effect, FilterMenu, HexState, ListState, LoadState, Pane};
use super::flows_sort::{self, FlowItem, FlowOrder};
use super::layout;
use super::sessions_sort::SessionOrder;
use super::update_sessions;
use crate::ladder::filter::RowFilter;
use edgecap_capture::FrameNo;

/// Rows the mouse wheel moves per notch.
const WHEEL_ROWS: isize = 3;
/// Longest search query kept.
const MAX_QUERY_CHARS: usize = 64;
/// Longest go-to line: a frame number is a u64, whose largest value has 20
/// digits.
const MAX_GOTO_DIGITS: usize = 20;

fn len_of(app: &App, pane: Pane) -> usize {
    let Some(l) = app.loaded() else { return 0 };
    match pane {
        Pane::Findings => l.diagnosis.findings.len(),
        Pane::Flows => app.flow_order.items.len(),
        Pane::Ladder => app.ladder.visible.len(),
        Pane::Detail => 0,
    }
}

fn list_mut(app: &mut App, pane: Pane) -> Option<&mut ListState> {
    match pane {
        Pane::Findings => Some(&mut app.findings),
        Pane::Flows => Some(&mut app.flows),
        Pane::Ladder | Pane::Detail => None,
    }
}

pub(super) fn clamp_move(selected: usize, delta: isize, len: usize) -> usize {
    let max = len.saturating_sub(1) as isize;
    (selected as isize).saturating_add(delta).clamp(0, max) as usize
}

/// Moves `pane`'s selection by `delta` rows (clamped), or scrolls the detail.
fn move_by(app: &mut App, pane: Pane, delta: isize) {
    let len = len_of(app, pane);
    match pane {
        Pane::Ladder => {
            app.ladder.selected = clamp_move(app.ladder.selected, delta, len);
            app.detail.scroll = 0;
        }
        Pane::Detail => {
            let s = (app.detail.scroll as isize)
                .saturating_add(delta)
                .clamp(0, 10_000);
            app.detail.scroll = s as u16;
        }
        _ => {
            if let Some(list) = list_mut(app, pane) {
                list.selected = clamp_move(list.selected, delta, len);
            }
        }
    }
}

/// Selects ladder row `row` (an index into `index.rows`); when the filter
/// (or the session the ladder is narrowed to) hides it, it is cleared first
/// and the footer says so.
fn show_row(app: &mut App, row: usize) {
    if !app.ladder.select_row(row) {
        set_filter(app, RowFilter::All);
        app.status = Some("filter cleared to show the evidence".to_string());
        if !app.ladder.select_row(row) && app.ladder.session.take().is_some() {
            // The row is another session's: show every session's rows.
            set_filter(app, RowFilter::All);
            app.ladder.select_row(row);
            app.status = Some("session and filter cleared to show the evidence".to_string());
        }
    }
    app.detail.scroll = 0;
}

/// Moves the focus to the ladder, remembering where it came from for Esc.
fn focus_ladder(app: &mut App) {
    if app.focus != Pane::Ladder {
        app.back.push(app.focus);
        app.focus = Pane::Ladder;
    }
}

/// A character in the go-to line: digits are kept; `g` / `G` on an empty
/// line go to the first / last row (so `gg` works as in vi and less).
fn goto_char(app: &mut App, c: char) {
    let Some(line) = &mut app.goto else { return };
    match c {
        '0'..='9' if line.len() < MAX_GOTO_DIGITS => line.push(c),
        'g' | 'G' if line.is_empty() => {
            app.goto = None;
            let to = if c == 'g' { isize::MIN } else { isize::MAX };
            move_by(app, app.focus, to / 2);
        }
        _ => {}
    }
}

/// Enter in the go-to line: selects the ladder row of exactly that frame.
fn goto_done(app: &mut App) {
    let Some(line) = app.goto.take() else { return };
    let Ok(n) = line.parse::<u64>() else {
        app.status = Some("go to frame: type a frame number, then Enter".to_string());
        return;
    };
    let Some(l) = app.loaded() else { return };
    let packets = l.analysis.capture.packets;
    match l.index.row_at_frame(FrameNo(n)) {
        Some(row) => {
            app.status = None;
            show_row(app, row);
            focus_ladder(app);
        }
        None if (1..=packets).contains(&n) => {
            app.status = Some(format!(
                "frame {n} has no ladder row (no decoded message or TCP control)"
            ));
        }
        None => app.status = Some(format!("no frame {n}: the capture has {packets} frames")),
    }
}

/// `]` / `[`: the selected finding's evidence frame after (before) the
/// selected ladder row, like "next error" in an editor. From the findings
/// or flows pane the walk starts at the finding's first evidence frame.
fn step_evidence(app: &mut App, forward: bool) {
    let Some(l) = app.loaded() else { return };
    let Some(f) = l.diagnosis.findings.get(app.findings.selected) else {
        app.status = Some("no finding selected".to_string());
        return;
    };
    let n = f.frames.len();
    let in_ladder = matches!(app.focus, Pane::Ladder | Pane::Detail);
    let current = app.ladder.row().map(|r| &l.index.rows[r]);
    let pick = match current.filter(|_| in_ladder) {
        None => f.frames.iter().enumerate().min_by_key(|(_, fr)| **fr),
        Some(row) if forward => f
            .frames
            .iter()
            .enumerate()
            .filter(|(_, fr)| **fr > row.frame)
            .min_by_key(|(_, fr)| **fr),
        Some(row) => f
            .frames
            .iter()
            .enumerate()
            .filter(|(_, fr)| **fr < row.first_frame)
            .max_by_key(|(_, fr)| **fr),
    };
    let Some((k, &frame)) = pick else {
        let which = if forward { "after" } else { "before" };
        app.status = Some(match n {
            0 => format!("{} has no evidence frames", f.id),
            _ => format!(
                "no evidence frame of {} {which} this row ({n} in all)",
                f.id
            ),
        });
        return;
    };
    let msg = format!("evidence frame {} ({}/{n}) of {}", frame.0, k + 1, f.id);
    let Some(row) = l.index.row_for_frame(frame) else {
        return;
    };
    app.status = None;
    show_row(app, row);
    app.status = Some(match app.status.take() {
        Some(cleared) => format!("{msg} · {cleared}"),
        None => msg,
    });
    focus_ladder(app);
}

/// `F`: only the selected row's flow, or all rows when already there.
fn follow_flow(app: &mut App) {
    let Some(l) = app.loaded() else { return };
    let Some(row) = app.ladder.row().and_then(|r| l.index.rows.get(r)) else {
        app.status = Some("no ladder row selected".to_string());
        return;
    };
    let flow = RowFilter::Flow(row.flow);
    set_filter(
        app,
        if app.ladder.filter == flow {
            RowFilter::All
        } else {
            flow
        },
    );
    app.status = None;
    focus_ladder(app);
}

/// Recomputes which visible rows match the search (for the counter).
pub(super) fn recount(app: &mut App) {
    let search = app.search.search();
    let matches = match app.loaded() {
        Some(l) if !app.search.query.is_empty() => app
            .ladder
            .visible
            .iter()
            .enumerate()
            .filter(|(_, &i)| search.matches(&l.index, &l.index.rows[i]))
            .map(|(pos, _)| pos)
            .collect(),
        _ => Vec::new(),
    };
    app.search.matches = matches;
}

/// Applies `filter`, keeping the selected row when it stays visible, else
/// the first visible row after it.
pub(super) fn set_filter(app: &mut App, filter: RowFilter) {
    let current = app.ladder.row();
    let Some(l) = app.loaded() else { return };
    let mut visible = filter.apply(&l.index, &l.analysis);
    update_sessions::narrow(app, &mut visible);
    let pos = current.map_or(0, |row| visible.partition_point(|&r| r < row));
    app.ladder.filter = filter;
    app.ladder.selected = pos.min(visible.len().saturating_sub(1));
    app.ladder.visible = visible;
    recount(app);
}

fn request_hex(app: &mut App) {
    let Some(row) = app.ladder.row() else { return };
    let have = match &app.hex {
        HexState::Pending(r) | HexState::Ready(r, _) | HexState::Failed(r, _) => *r == row,
        HexState::None => false,
    };
    if !have {
        app.hex = HexState::Pending(row);
        app.effects.push(Effect::LoadHex(row));
    }
}

fn drill_in(app: &mut App) {
    let from = app.focus;
    let target = match (from, app.loaded()) {
        (_, None) => None,
        (Pane::Findings, Some(l)) => l
            .diagnosis
            .findings
            .get(app.findings.selected)
            .and_then(|f| f.frames.first())
            .and_then(|&frame| l.index.row_for_frame(frame))
            .map(|row| (Pane::Ladder, Some(row))),
        (Pane::Flows, Some(l)) => match app.flow_order.items.get(app.flows.selected) {
            Some(FlowItem::Heading(g)) => l
                .index
                .groups
                .get(*g)
                .and_then(|g| l.index.first_row_of(&l.analysis, &g.flows)),
            Some(FlowItem::Flow(f)) => l.index.first_row_of(&l.analysis, &[*f]),
            None => None,
        }
        .map(|row| (Pane::Ladder, Some(row))),
        (Pane::Ladder, Some(_)) if app.ladder.row().is_some() => Some((Pane::Detail, None)),
        _ => None,
    };
    let Some((pane, row)) = target else {
        let flow = match app.flow_order.items.get(app.flows.selected) {
            Some(FlowItem::Flow(f)) => app.loaded().and_then(|l| l.analysis.flows.get(*f)),
            _ => None,
        };
        if let (Pane::Flows, Some(f)) = (from, flow) {
            app.status = Some(format!(
                "flow {} has no ladder row (no decoded message or TCP control)",
                f.id
            ));
        }
        return;
    };
    if let Some(row) = row {
        show_row(app, row);
    }
    app.back.push(from);
    app.focus = pane;
    if pane == Pane::Detail {
        app.detail.scroll = 0;
        request_hex(app);
    }
}

/// Jumps to the next (or previous) row matching the search, from the row
/// after (before) the selection.
fn find(app: &mut App, forward: bool) {
    let search = app.search.search();
    let Some(l) = app.loaded() else { return };
    let n = app.ladder.visible.len();
    if app.search.query.is_empty() || n == 0 {
        app.status = Some("no search yet: press / to search".to_string());
        return;
    }
    let sel = app.ladder.selected;
    let from = if forward {
        (sel + 1) % n
    } else {
        (sel + n - 1) % n
    };
    match search.next_in(&l.index, &app.ladder.visible, from, forward) {
        Some(pos) => {
            app.ladder.selected = pos;
            app.detail.scroll = 0;
            app.focus = Pane::Ladder;
            app.status = None;
        }
        None => app.status = Some(format!("no match for \"{search}\"")),
    }
}

/// Incremental search while typing: the first match at or after the selection.
fn find_from_selection(app: &mut App) {
    let search = app.search.search();
    let Some(l) = app.loaded() else { return };
    if app.search.query.is_empty() || app.ladder.visible.is_empty() {
        app.status = None;
        return;
    }
    match search.next_in(&l.index, &app.ladder.visible, app.ladder.selected, true) {
        Some(pos) => {
            app.ladder.selected = pos;
            app.status = None;
        }
        None => app.status = Some(format!("no match for \"{search}\"")),
    }
}

fn open_menu(app: &mut App) {
    let Some(l) = app.loaded() else { return };
    let choices = RowFilter::choices(&l.index, &l.analysis, app.ladder.row());
    let selected = choices
        .iter()
        .position(|c| *c == app.ladder.filter)
        .unwrap_or(0);
    app.menu = Some(FilterMenu { choices, selected });
}

fn menu_action(app: &mut App, action: Action) {
    let Some(menu) = &mut app.menu else { return };
    let len = menu.choices.len();
    match action {
        Action::Up => menu.selected = clamp_move(menu.selected, -1, len),
        Action::Down => menu.selected = clamp_move(menu.selected, 1, len),
        Action::Top => menu.selected = 0,
        Action::Bottom => menu.selected = len.saturating_sub(1),
        Action::Enter => {
            let choice = menu.choices.get(menu.selected).copied();
            app.menu = None;
            if let Some(f) = choice {
                set_filter(app, f);
                app.focus = Pane::Ladder;
                app.status = None;
            }
        }
        Action::Back | Action::FilterMenu => app.menu = None,
        _ => {}
    }
}

/// Horizontal movement: the ladder scrolls its lanes; elsewhere it moves
/// between panes.
fn sideways(app: &mut App, step: isize) {
    if app.focus == Pane::Ladder {
        let lanes = app.loaded().map_or(1, |l| l.index.columns.len());
        app.ladder.first_lane = clamp_move(app.ladder.first_lane, step, lanes);
    } else {
        app.back.clear();
        app.focus = app.focus.cycle(step);
    }
}

fn click(app: &mut App, x: u16, y: u16) {
    if app.help {
        app.help = false;
        return;
    }
    if app.sessions.open {
        return update_sessions::action(app, Action::Click(x, y));
    }
    match layout::hit(app, x, y) {
        Some(layout::Hit::Tab(pane)) => {
            app.back.clear();
            app.focus = pane;
        }
        Some(layout::Hit::Pane(pane, item)) => {
            if app.focus != pane {
                app.back.clear();
                app.focus = pane;
            }
            match (pane, item) {
                (Pane::Ladder, Some(i)) => {
                    app.ladder.selected = i;
                    app.detail.scroll = 0;
                }
                (_, Some(i)) => {
                    if let Some(list) = list_mut(app, pane) {
                        list.selected = i;
                    }
                }
                _ => {}
            }
        }
        None => {}
    }
}

fn wheel(app: &mut App, x: u16, y: u16, down: bool) {
    let pane = match layout::hit(app, x, y) {
        Some(layout::Hit::Pane(pane, _)) => pane,
        _ => app.focus,
    };
    move_by(app, pane, if down { WHEEL_ROWS } else { -WHEEL_ROWS });
}

/// Applies `action` to `app`.
pub fn update(app: &mut App, action: Action) {
    match action {
        Action::Quit => app.quit = true,
        Action::Resize(w, h) => app.size = (w, h),
        Action::Progress(p) => {
            if let LoadState::Loading { progress, .. } = &mut app.load {
                *progress = p;
            }
        }
        Action::Loaded(l) => {
            app.ladder.visible = (0..l.index.rows.len()).collect();
            app.ladder.selected = 0;
            app.flow_order = FlowOrder::new(&l, app.flow_order.key, app.flow_order.reverse);
            let (key, reverse) = (app.session_order.key, app.session_order.reverse);
            app.session_order = SessionOrder::new(&l, key, reverse);
            app.load = LoadState::Ready(l);
        }
        Action::LoadFailed(msg) => app.load = LoadState::Failed(msg),
        Action::Live(l, status) => super::live::apply(app, l, status),
        Action::HexLoaded(row, result) => {
            if app.hex == HexState::Pending(row) {
                app.hex = match result {
                    Ok(lines) => HexState::Ready(row, lines),
                    Err(msg) => HexState::Failed(row, msg),
                };
            }
        }
        Action::Exported(result) => {
            app.status = Some(match result {
                Ok(paths) => format!("exported {paths}"),
                Err(msg) => msg,
            })
        }
        Action::ToggleHelp => app.help = !app.help,
        Action::Back if app.help => app.help = false,
        Action::Click(x, y) => click(app, x, y),
        // Navigation waits for the data and is hidden behind the help.
        _ if app.help || app.loaded().is_none() => {}
        a if app.menu.is_some() => menu_action(app, a),
        a if app.sessions.open => update_sessions::action(app, a),
        Action::Sessions => update_sessions::toggle(app),
        Action::SortNext => flows_sort::on_key(app, true),
        Action::SortReverse => flows_sort::on_key(app, false),
        Action::SearchStart => {
            app.search.editing = true;
            app.search.query.clear();
            app.search.matches.clear();
            app.focus = Pane::Ladder;
            app.status = None;
        }
        Action::SearchChar(c) => {
            if !c.is_control() && app.search.query.chars().count() < MAX_QUERY_CHARS {
                app.search.query.push(c);
                recount(app);
                find_from_selection(app);
            }
        }
        Action::SearchBackspace => {
            app.search.query.pop();
            recount(app);
            find_from_selection(app);
        }
        Action::SearchDone => app.search.editing = false,
        Action::SearchCancel => {
            app.search.editing = false;
            app.search.query.clear();
            app.search.matches.clear();
            app.status = None;
        }
        Action::GotoStart => {
            app.goto = Some(String::new());
            app.status = None;
        }
        Action::GotoChar(c) => goto_char(app, c),
        Action::GotoBackspace => {
            if let Some(line) = &mut app.goto {
                line.pop();
            }
        }
        Action::GotoDone => goto_done(app),
        Action::GotoCancel => app.goto = None,
        Action::NextEvidence => step_evidence(app, true),
        Action::PrevEvidence => step_evidence(app, false),
        Action::NextMatch => find(app, true),
        Action::PrevMatch => find(app, false),
        Action::FilterMenu => open_menu(app),
        Action::FollowFlow => follow_flow(app),
        Action::Export => app.effects.push(Effect::Export),
        Action::Back => {
            app.status = None;
            if let Some(p) = app.back.pop() {
                app.focus = p;
            } else {
                update_sessions::back_to_list(app);
            }
        }
        Action::Up => move_by(app, app.focus, -1),
        Action::Down => move_by(app, app.focus, 1),
        Action::PageUp => move_by(app, app.focus, -(app.page() as isize)),
        Action::PageDown => move_by(app, app.focus, app.page() as isize),
        Action::Top => move_by(app, app.focus, isize::MIN / 2),
        Action::Bottom => move_by(app, app.focus, isize::MAX / 2),
        Action::Wheel(x, y, down) => wheel(app, x, y, down),
        Action::Left => sideways(app, -1),
        Action::Right => sideways(app, 1),
        Action::NextPane => {
            app.back.clear();
            app.focus = app.focus.cycle(1);
        }
        Action::PrevPane => {
            app.back.clear();
            app.focus = app.focus.cycle(-1);
        }
        Action::Enter => drill_in(app),
        Action::CycleTime => app.time = app.time.next(),
    }
}
