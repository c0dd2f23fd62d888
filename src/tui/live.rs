//! The live timeline (`edgecap -` from a pipe, `edgecap --follow FILE`):
//! a loader thread runs the live driver ([`crate::follow`]) and sends one
//! [`Action::Live`] per tick — a fresh [`Loaded`] of the snapshot, whose
//! findings are only those already certain, with the [`LiveStatus`]
//! counters — and [`apply`] swaps it in without moving the user:
//!
//! * the selected ladder row stays the same row (found again by frame and
//!   label in the new index) and the filter stays applied;
//! * when the selection was on the last row, it follows the new last row
//!   (as `less +F` or `tail -f`); otherwise the rows that arrived below are
//!   counted and the footer says "N new rows — press End to follow" (End or
//!   `G` selects the last row, which follows again; `F` already follows a
//!   flow in the ladder);
//! * the title says `LIVE` with the findings still waiting to become
//!   certain, then `ENDED` once the input has ended.
//!
//! It runs for hours: each tick's ladder keeps the newest [`LIVE_MAX_ROWS`]
//! rows plus every row that is evidence of a finding ([`trim`]); the rows
//! left out are counted in the title. The analysis behind the rows is
//! bounded by the engine's own named caps (flow records, kept messages and
//! their bytes, anomaly examples).
//!
//! The hex dump needs a frame index, which a live capture does not keep:
//! it says so instead.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::mpsc::Sender;
use std::thread::{self, JoinHandle};

use ratatui::text::Span;

use super::action::Action;
use super::app::{App, LoadState};
use super::flows_sort::FlowOrder;
use super::loaded::Loaded;
use super::sessions_sort::SessionOrder;
use super::theme::Theme;
use crate::follow::{self, Next};
use edgecap_analyze::{AnalyzeOptions, Diagnosis, EdgeConfig};
use edgecap_capture::{open_follow, FrameNo, StopFlag};

/// Ladder rows a live view keeps besides the evidence of findings: the
/// newest ones, some 150 screens of a 66-row ladder pane, at about 200
/// bytes a row (its label and places) 2 MB at most.
pub const LIVE_MAX_ROWS: usize = 10_000;

/// The counters of a live capture shown in the title.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveStatus {
    /// Findings seen but not yet certain.
    pub pending: usize,
    /// Older ladder rows not kept ([`trim`]).
    pub dropped: usize,
    /// The input ended: this is the final analysis.
    pub done: bool,
}

/// The live view's state in the [`App`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LiveState {
    /// The latest counters.
    pub status: LiveStatus,
    /// Rows that arrived below the selection since the user stopped
    /// following.
    pub new_rows: usize,
}

/// Starts the live loader on `path` (`-` = standard input); it stops when
/// the input ends, when `stop` is raised or when the UI has gone.
pub fn spawn(
    path: PathBuf,
    opts: AnalyzeOptions,
    cfg: EdgeConfig,
    tx: Sender<Action>,
    stop: StopFlag,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name(super::loader::LOADER_THREAD.to_string())
        .spawn(move || {
            let reader = match open_follow(&path, opts.inflate, stop.clone()) {
                Ok(r) => r,
                Err(e) => {
                    let _ = tx.send(Action::LoadFailed(format!("edgecap: {e}")));
                    return;
                }
            };
            let name = edgecap_core::safe::path_bytes(&path);
            follow::run(reader, &name, &opts, &cfg, &stop, &mut |tick| {
                let mut flags = tick.certain.iter();
                let findings = tick
                    .diagnosis
                    .findings
                    .into_iter()
                    .filter(|_| flags.next().copied().unwrap_or(false))
                    .collect();
                let diagnosis = Diagnosis {
                    roles: tick.diagnosis.roles,
                    findings,
                };
                let mut loaded = Box::new(Loaded::new(tick.analysis, diagnosis));
                let status = LiveStatus {
                    pending: tick.pending,
                    dropped: trim(&mut loaded, LIVE_MAX_ROWS),
                    done: tick.done,
                };
                match tx.send(Action::Live(loaded, status)) {
                    Ok(()) => Next::Continue,
                    Err(_) => Next::Stop,
                }
            });
        })
}

/// Keeps the newest `max` ladder rows of `loaded` and every row that is
/// evidence of one of its findings; returns how many rows were left out.
pub fn trim(loaded: &mut Loaded, max: usize) -> usize {
    let rows = loaded.index.rows.len();
    let Some(old) = rows.checked_sub(max) else {
        return 0;
    };
    let evidence: HashSet<FrameNo> = loaded
        .diagnosis
        .findings
        .iter()
        .flat_map(|f| f.frames.iter().copied())
        .collect();
    let mut i = 0;
    loaded.index.rows.retain(|r| {
        i += 1;
        i > old || evidence.contains(&r.frame) || evidence.contains(&r.first_frame)
    });
    rows - loaded.index.rows.len()
}

/// Swaps in the `loaded` of a new tick, keeping the selection (see the
/// module docs).
pub fn apply(app: &mut App, loaded: Box<Loaded>, status: LiveStatus) {
    let old = app.loaded().and_then(|l| {
        let row = &l.index.rows[app.ladder.row()?];
        Some((row.frame, row.label.clone()))
    });
    let following = app.ladder.selected + 1 >= app.ladder.visible.len();
    let before = app.ladder.visible.len();
    let visible = app.ladder.filter.apply(&loaded.index, &loaded.analysis);
    let found = old.and_then(|(frame, label)| {
        let rows = &loaded.index.rows;
        visible
            .iter()
            .position(|&r| rows[r].frame == frame && rows[r].label == label)
    });
    let new_rows = app.live.map_or(0, |l| l.new_rows);
    let (selected, new_rows) = match found {
        Some(pos) if !following => (pos, new_rows + visible.len().saturating_sub(before)),
        _ => (visible.len().saturating_sub(1), 0),
    };
    let findings = loaded.diagnosis.findings.len();
    app.findings.selected = app.findings.selected.min(findings.saturating_sub(1));
    let groups = loaded.index.groups.len();
    app.flows.selected = app.flows.selected.min(groups.saturating_sub(1));
    app.ladder.visible = visible;
    app.ladder.selected = selected;
    // The flows pane's order lists the flows of the previous snapshot.
    app.flow_order = FlowOrder::new(&loaded, app.flow_order.key, app.flow_order.reverse);
    let (key, reverse) = (app.session_order.key, app.session_order.reverse);
    app.session_order = SessionOrder::new(&loaded, key, reverse);
    app.load = LoadState::Ready(loaded);
    app.live = Some(LiveState { status, new_rows });
    super::update::recount(app);
    app.status = (new_rows > 0).then(|| format!("{new_rows} new rows — press End to follow"));
}

/// The title's live part: `LIVE` and the findings still settling, or `ENDED`.
pub fn title_spans(app: &App, theme: Theme) -> Vec<Span<'static>> {
    let Some(live) = app.live else {
        return Vec::new();
    };
    if live.status.done {
        return vec![Span::styled(" ENDED", theme.dim())];
    }
    let mut spans = vec![Span::styled(" LIVE", theme.key())];
    if live.status.pending > 0 {
        spans.push(Span::styled(
            format!(" ({} settling)", live.status.pending),
            theme.dim(),
        ));
    }
    if live.status.dropped > 0 {
        spans.push(Span::styled(
            format!(" {} older rows not kept", live.status.dropped),
            theme.dim(),
        ));
    }
    spans
}

#[cfg(test)]
mod tests;
