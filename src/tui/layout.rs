//! Where everything sits on screen, computed from the [`App`] alone: the
//! title, body and footer lines, the tab bar of small terminals and each
//! pane's rectangle. The renderer draws into these areas and mouse clicks
//! are resolved against the same ones ([`hit`]), so they cannot disagree.

use ratatui::layout::{Constraint, Layout, Rect};

use super::app::{App, Pane};
use super::view::{findings, flows, ladder};

/// The screen's areas for one frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Areas {
    /// The title line.
    pub title: Rect,
    /// Everything between title and footer.
    pub body: Rect,
    /// The footer line (keys, search line, status).
    pub footer: Rect,
    /// The tab bar, when only one pane shows.
    pub tabs: Option<Rect>,
    /// The panes on screen (none while loading).
    pub panes: Vec<(Pane, Rect)>,
}

/// The areas of a screen of `app.size` (what the mouse sees).
pub fn areas(app: &App) -> Areas {
    areas_in(app, Rect::new(0, 0, app.size.0, app.size.1))
}

/// The areas of `app` drawn into `screen`.
pub fn areas_in(app: &App, screen: Rect) -> Areas {
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(screen);
    let mut out = Areas {
        title,
        body,
        footer,
        tabs: None,
        panes: Vec::new(),
    };
    let Some(loaded) = app.loaded() else {
        return out;
    };
    if app.sessions.open {
        // The sessions view covers the body.
        return out;
    }
    if app.wide() {
        let left_w = left_width(
            body.width,
            ladder::natural_width(loaded),
            findings::natural_width(loaded),
        );
        let [left, right] =
            Layout::horizontal([Constraint::Length(left_w), Constraint::Min(1)]).areas(body);
        let [fi, fl] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(left);
        let [la, de] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right);
        out.panes = vec![
            (Pane::Findings, fi),
            (Pane::Flows, fl),
            (Pane::Ladder, la),
            (Pane::Detail, de),
        ];
    } else {
        let [tabs, pane] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        out.tabs = Some(tabs);
        out.panes = vec![(app.focus, pane)];
    }
    out
}

/// The width of the left column (findings and flows) in a wide body of
/// `width` columns: the columns the ladder leaves over once it has its
/// natural width, or fewer when the findings need fewer; always between 2/5
/// and 1/2 of the body, so the ladder keeps the most room.
pub fn left_width(width: u16, ladder_need: u16, findings_need: u16) -> u16 {
    let lo = width * 2 / 5;
    let hi = width / 2;
    width
        .saturating_sub(ladder_need)
        .min(findings_need)
        .clamp(lo, hi.max(lo))
}

/// The tab labels and their x ranges on the tab bar starting at `x`.
pub fn tab_spans(x: u16) -> Vec<(Pane, u16, u16)> {
    let mut at = x + 1;
    Pane::ALL
        .iter()
        .map(|&p| {
            let w = p.title().chars().count() as u16 + 2;
            let span = (p, at, at + w);
            at += w + 1;
            span
        })
        .collect()
}

/// What a click at (x, y) lands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// A tab of the tab bar.
    Tab(Pane),
    /// A pane, and the list item under the pointer if any (for the ladder:
    /// a position among the visible rows).
    Pane(Pane, Option<usize>),
}

fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.right() && y >= r.y && y < r.bottom()
}

/// Resolves a click at (x, y).
pub fn hit(app: &App, x: u16, y: u16) -> Option<Hit> {
    let a = areas(app);
    if let Some(tabs) = a.tabs.filter(|t| contains(*t, x, y)) {
        return tab_spans(tabs.x)
            .into_iter()
            .find(|(_, lo, hi)| (*lo..*hi).contains(&x))
            .map(|(p, _, _)| Hit::Tab(p));
    }
    let loaded = app.loaded()?;
    let (pane, rect) = a.panes.into_iter().find(|(_, r)| contains(*r, x, y))?;
    let item = match pane {
        Pane::Findings => findings::item_at(loaded, app.findings, rect, y),
        Pane::Flows => flows::item_at(&app.flow_order, app.flows, rect, y),
        Pane::Ladder => ladder::item_at(&app.ladder, rect, y),
        Pane::Detail => None,
    };
    Some(Hit::Pane(pane, item))
}
