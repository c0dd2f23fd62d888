//! The only mutator of [`App`]: applies one [`Action`]. Selection stays in
//! range whatever the action; loader messages replace the load state.

use super::action::Action;
use super::app::{App, ListState, LoadState, Pane};

fn len_of(app: &App, pane: Pane) -> usize {
    let Some(l) = app.loaded() else { return 0 };
    match pane {
        Pane::Findings => l.diagnosis.findings.len(),
        Pane::Flows => l.index.groups.len(),
        Pane::Ladder => l.index.rows.len(),
        Pane::Detail => 0,
    }
}

fn list_mut(app: &mut App, pane: Pane) -> Option<&mut ListState> {
    match pane {
        Pane::Findings => Some(&mut app.findings),
        Pane::Flows => Some(&mut app.flows),
        Pane::Ladder => Some(&mut app.ladder),
        Pane::Detail => None,
    }
}

/// Moves the focused pane's selection by `delta` rows (clamped), or scrolls
/// the detail pane.
fn move_by(app: &mut App, delta: isize) {
    let focus = app.focus;
    let len = len_of(app, focus);
    if focus == Pane::Ladder {
        app.detail.scroll = 0;
    }
    match list_mut(app, focus) {
        Some(list) => {
            let max = len.saturating_sub(1) as isize;
            list.selected = (list.selected as isize + delta).clamp(0, max) as usize;
        }
        None => {
            let s = (app.detail.scroll as isize)
                .saturating_add(delta)
                .clamp(0, 10_000);
            app.detail.scroll = s as u16;
        }
    }
}

fn focus(app: &mut App, pane: Pane) {
    app.focus = pane;
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
            .map(|row| (Pane::Ladder, row)),
        (Pane::Flows, Some(l)) => l
            .index
            .groups
            .get(app.flows.selected)
            .and_then(|g| l.index.first_row_of(&l.analysis, &g.flows))
            .map(|row| (Pane::Ladder, row)),
        (Pane::Ladder, Some(l)) if !l.index.rows.is_empty() => {
            Some((Pane::Detail, app.ladder.selected))
        }
        _ => None,
    };
    if let Some((pane, row)) = target {
        app.ladder.selected = row;
        app.detail.scroll = 0;
        app.back.push(from);
        focus(app, pane);
    }
}

/// Applies `action` to `app`.
pub fn update(app: &mut App, action: Action) {
    match action {
        Action::Quit => app.quit = true,
        Action::ToggleHelp => app.help = !app.help,
        Action::Back if app.help => app.help = false,
        Action::Back => {
            if let Some(p) = app.back.pop() {
                focus(app, p);
            }
        }
        Action::Resize(w, h) => app.size = (w, h),
        Action::Progress(p) => {
            if let LoadState::Loading { progress, .. } = &mut app.load {
                *progress = p;
            }
        }
        Action::Loaded(l) => app.load = LoadState::Ready(l),
        Action::LoadFailed(msg) => app.load = LoadState::Failed(msg),
        // Navigation waits for the data and is hidden behind the help.
        _ if app.help || app.loaded().is_none() => {}
        Action::Up => move_by(app, -1),
        Action::Down => move_by(app, 1),
        Action::PageUp => move_by(app, -(app.page() as isize)),
        Action::PageDown => move_by(app, app.page() as isize),
        Action::Top => move_by(app, isize::MIN / 2),
        Action::Bottom => move_by(app, isize::MAX / 2),
        Action::NextPane => {
            app.back.clear();
            focus(app, app.focus.cycle(1));
        }
        Action::PrevPane => {
            app.back.clear();
            focus(app, app.focus.cycle(-1));
        }
        Action::Enter => drill_in(app),
        Action::CycleTime => app.time = app.time.next(),
    }
}
