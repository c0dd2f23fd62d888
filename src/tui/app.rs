//! The TUI's state: what is loaded, which pane has the focus, and one small
//! state struct per pane. No I/O and no decoding here; only
//! [`super::update::update`] mutates an [`App`].

use super::flows_sort::FlowOrder;
use super::loaded::Loaded;
use super::sessions_sort::SessionOrder;
use crate::ladder::filter::{RowFilter, RowSearch};
use edgecap_analyze::LoadProgress;

/// The panes, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Findings by severity.
    Findings,
    /// Flows grouped by role pair.
    Flows,
    /// The ladder timeline.
    Ladder,
    /// Decoded fields of the selected ladder row.
    Detail,
}

impl Pane {
    /// Every pane, in Tab order.
    pub const ALL: [Pane; 4] = [Pane::Findings, Pane::Flows, Pane::Ladder, Pane::Detail];

    /// Title for tabs and borders.
    pub fn title(self) -> &'static str {
        match self {
            Pane::Findings => "Findings",
            Pane::Flows => "Flows",
            Pane::Ladder => "Ladder",
            Pane::Detail => "Detail",
        }
    }

    /// The pane `step` places further in Tab order (wrapping).
    pub fn cycle(self, step: isize) -> Pane {
        let n = Pane::ALL.len() as isize;
        let i = Pane::ALL.iter().position(|p| *p == self).unwrap_or(0) as isize;
        Pane::ALL[(i + step).rem_euclid(n) as usize]
    }
}

/// How the ladder's time column is shown (shared with `edgecap ladder`).
pub use crate::ladder::TimeFormat as TimeMode;

/// A selectable list: the selected index (views scroll to keep it visible).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    /// Selected row.
    pub selected: usize,
}

/// The detail pane's vertical scroll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DetailState {
    /// First line shown.
    pub scroll: u16,
}

/// The ladder's rows on screen: the filter, the rows it keeps, the selection
/// among them, and the first lane shown when the lanes do not all fit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LadderState {
    /// The quick filter (`f`).
    pub filter: RowFilter,
    /// Indices into `index.rows` that pass the filter, in ladder order.
    pub visible: Vec<usize>,
    /// Position of the selection in `visible`.
    pub selected: usize,
    /// First lane (column) shown; lanes scroll with ← → when they overflow.
    pub first_lane: usize,
    /// The session (index into `Loaded::sessions`) the rows are narrowed
    /// to, when one was opened from the sessions view.
    pub session: Option<usize>,
}

impl LadderState {
    /// The selected row, as an index into `index.rows`.
    pub fn row(&self) -> Option<usize> {
        self.visible
            .get(self.selected.min(self.visible.len().saturating_sub(1)))
            .copied()
    }

    /// Selects `row` (an index into `index.rows`) if it is visible.
    pub fn select_row(&mut self, row: usize) -> bool {
        match self.visible.binary_search(&row) {
            Ok(pos) => {
                self.selected = pos;
                true
            }
            Err(_) => false,
        }
    }
}

/// The search line (`/`): what is typed, whether it is being typed, and
/// the rows it matches (for `n` / `N` and the `3/17` counter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchState {
    /// The query (kept after Enter for `n` / `N`).
    pub query: String,
    /// The search line has the keyboard.
    pub editing: bool,
    /// Positions in `LadderState::visible` of the matching rows, ascending;
    /// recomputed when the query or the filter changes (at most one entry
    /// per ladder row).
    pub matches: Vec<usize>,
}

impl SearchState {
    /// The compiled search.
    pub fn search(&self) -> RowSearch {
        RowSearch::new(&self.query)
    }

    /// The match counter for the selection at `selected` (a position in the
    /// visible rows): `3/17` on the third match, `–/17` between matches,
    /// `0/0` when nothing matches; `None` without a query.
    pub fn counter(&self, selected: usize) -> Option<String> {
        if self.query.is_empty() {
            return None;
        }
        let n = self.matches.len();
        if n == 0 {
            return Some("0/0".to_string());
        }
        Some(match self.matches.binary_search(&selected) {
            Ok(i) => format!("{}/{n}", i + 1),
            Err(_) => format!("–/{n}"),
        })
    }
}

/// The filter menu (`f`): the filters offered and the highlighted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterMenu {
    /// Choices, in menu order.
    pub choices: Vec<RowFilter>,
    /// Highlighted choice.
    pub selected: usize,
}

/// The hex dump of the selected row's frames, re-read from the file on
/// demand (never kept for other rows).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum HexState {
    /// Nothing asked for yet.
    #[default]
    None,
    /// The run loop is reading the frames of this row.
    Pending(usize),
    /// The dump of this row.
    Ready(usize, Vec<super::hexdump::HexLine>),
    /// Reading failed (message already escaped).
    Failed(usize, String),
}

/// Work with side effects that [`super::update::update`] asks the run loop
/// to do (update itself does no I/O); results come back as actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Re-read the frames of this ladder row for the hex dump.
    LoadHex(usize),
    /// Write the visible ladder as text and Mermaid next to the capture's name.
    Export,
}

/// The sessions view (`s`): open or not, and the selected session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionsState {
    /// The view covers the panes.
    pub open: bool,
    /// Selected row.
    pub selected: usize,
}

/// How the keyboard is interpreted right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    /// Panes and navigation.
    Normal,
    /// Typing into the search line.
    Search,
    /// Typing a frame number into the go-to line.
    Goto,
    /// Choosing in the filter menu.
    Menu,
}

/// Where loading is.
#[derive(Debug)]
pub enum LoadState {
    /// Still reading.
    Loading {
        /// How far.
        progress: LoadProgress,
        /// The file's size, when known (not for standard input).
        total_bytes: Option<u64>,
    },
    /// Done.
    Ready(Box<Loaded>),
    /// Failed with this (escaped) message.
    Failed(String),
}

/// The whole UI state.
#[derive(Debug)]
pub struct App {
    /// The capture's name as given (escaped when shown).
    pub name: String,
    /// Loading state and result.
    pub load: LoadState,
    /// The focused pane.
    pub focus: Pane,
    /// Panes Enter came from, for Esc.
    pub back: Vec<Pane>,
    /// The time column mode.
    pub time: TimeMode,
    /// The help overlay is open.
    pub help: bool,
    /// The user asked to quit.
    pub quit: bool,
    /// Colours allowed (false under NO_COLOR).
    pub color: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// Findings pane.
    pub findings: ListState,
    /// Flows pane (the selection among `flow_order.items`).
    pub flows: ListState,
    /// The flows pane's sort order and lines.
    pub flow_order: FlowOrder,
    /// The sessions view (the selection among `session_order.items`).
    pub sessions: SessionsState,
    /// The sessions view's sort order.
    pub session_order: SessionOrder,
    /// Ladder pane.
    pub ladder: LadderState,
    /// Detail pane.
    pub detail: DetailState,
    /// The hex dump in the detail pane.
    pub hex: HexState,
    /// The search line.
    pub search: SearchState,
    /// The filter menu, while open.
    pub menu: Option<FilterMenu>,
    /// The go-to-frame line (digits typed so far), while open.
    pub goto: Option<String>,
    /// A one-line message for the footer (search misses, export paths).
    pub status: Option<String>,
    /// Effects for the run loop, oldest first.
    pub effects: Vec<Effect>,
    /// The live view's counters, when the capture is live.
    pub live: Option<super::live::LiveState>,
}

impl App {
    /// A new app, loading `name` (of `total_bytes`, when known).
    pub fn new(name: &str, total_bytes: Option<u64>, color: bool, size: (u16, u16)) -> App {
        App {
            name: name.to_string(),
            load: LoadState::Loading {
                progress: LoadProgress::default(),
                total_bytes,
            },
            focus: Pane::Findings,
            back: Vec::new(),
            time: TimeMode::Relative,
            help: false,
            quit: false,
            color,
            size,
            findings: ListState::default(),
            flows: ListState::default(),
            flow_order: FlowOrder::default(),
            sessions: SessionsState::default(),
            session_order: SessionOrder::default(),
            ladder: LadderState::default(),
            detail: DetailState::default(),
            hex: HexState::default(),
            search: SearchState::default(),
            menu: None,
            goto: None,
            status: None,
            effects: Vec::new(),
            live: None,
        }
    }

    /// The loaded result, once loading is done.
    pub fn loaded(&self) -> Option<&Loaded> {
        match &self.load {
            LoadState::Ready(l) => Some(l),
            _ => None,
        }
    }

    /// How keys are read: the search line, the go-to line and the filter
    /// menu take the keyboard while open.
    pub fn input_mode(&self) -> InputMode {
        if self.search.editing {
            InputMode::Search
        } else if self.goto.is_some() {
            InputMode::Goto
        } else if self.menu.is_some() {
            InputMode::Menu
        } else {
            InputMode::Normal
        }
    }

    /// True when the layout shows all four panes at once (from 120×40:
    /// below that the ladder would have under 70 columns or 20 rows).
    pub fn wide(&self) -> bool {
        self.size.0 >= 120 && self.size.1 >= 40
    }

    /// Rows a page moves: the body height of the focused pane, roughly.
    pub fn page(&self) -> usize {
        let h = usize::from(self.size.1);
        let h = if self.wide() { h / 2 } else { h };
        h.saturating_sub(6).max(1)
    }
}
