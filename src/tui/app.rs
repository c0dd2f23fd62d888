//! The TUI's state: what is loaded, which pane has the focus, and one small
//! state struct per pane. No I/O and no decoding here; only
//! [`super::update::update`] mutates an [`App`].

use crate::analyze::Diagnosis;
use crate::engine::{Analysis, LoadProgress};
use crate::ladder::Index;

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

/// How the ladder's time column is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMode {
    /// Time of day (UTC).
    Absolute,
    /// Seconds since the first frame.
    Relative,
    /// Seconds since the previous row.
    Delta,
}

impl TimeMode {
    /// The next mode in the `t` cycle.
    pub fn next(self) -> TimeMode {
        match self {
            TimeMode::Absolute => TimeMode::Relative,
            TimeMode::Relative => TimeMode::Delta,
            TimeMode::Delta => TimeMode::Absolute,
        }
    }

    /// Column header.
    pub fn title(self) -> &'static str {
        match self {
            TimeMode::Absolute => "time (UTC)",
            TimeMode::Relative => "time (s)",
            TimeMode::Delta => "delta (s)",
        }
    }
}

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

/// Everything loading produced.
#[derive(Debug)]
pub struct Loaded {
    /// The analysis.
    pub analysis: Analysis,
    /// Roles and findings.
    pub diagnosis: Diagnosis,
    /// Rows, columns and groups for the views.
    pub index: Index,
}

impl Loaded {
    /// Diagnoses nothing: wraps an analysis and its diagnosis, building the index.
    pub fn new(analysis: Analysis, diagnosis: Diagnosis) -> Loaded {
        let index = Index::build(&analysis, &diagnosis);
        Loaded {
            analysis,
            diagnosis,
            index,
        }
    }
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
    /// Flows pane.
    pub flows: ListState,
    /// Ladder pane.
    pub ladder: ListState,
    /// Detail pane.
    pub detail: DetailState,
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
            ladder: ListState::default(),
            detail: DetailState::default(),
        }
    }

    /// The loaded result, once loading is done.
    pub fn loaded(&self) -> Option<&Loaded> {
        match &self.load {
            LoadState::Ready(l) => Some(l),
            _ => None,
        }
    }

    /// True when the layout shows all four panes at once.
    pub fn wide(&self) -> bool {
        self.size.0 >= 140 && self.size.1 >= 36
    }

    /// Rows a page moves: the body height of the focused pane, roughly.
    pub fn page(&self) -> usize {
        let h = usize::from(self.size.1);
        let h = if self.wide() { h / 2 } else { h };
        h.saturating_sub(6).max(1)
    }
}
