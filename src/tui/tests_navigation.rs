//! Unit tests of navigation: go to frame (`:` / `g` + number + Enter, the
//! exact frame), the search's match counter, stepping through the
//! selected finding's evidence frames with `]` / `[`, following a flow (`F`).

use super::app::{InputMode, Pane};
use super::tests::{app_with, field, screen};
use super::{update, Action, App};
use crate::ladder::filter::RowFilter;

fn frame_of_selection(app: &App) -> u64 {
    let l = app.loaded().expect("loaded");
    l.index.rows[app.ladder.row().expect("a row")].frame.0
}

fn goto(app: &mut App, start: Action, digits: &str) {
    update(app, start);
    assert_eq!(app.input_mode(), InputMode::Goto);
    for c in digits.chars() {
        update(app, Action::GotoChar(c));
    }
    update(app, Action::GotoDone);
    assert_eq!(app.input_mode(), InputMode::Normal);
}

#[test]
fn go_to_frame_selects_that_exact_frame_not_a_substring() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    // Frames 1 and 10-17 all contain "1"; going to 1 must land on frame 1,
    // even from below it.
    app.ladder.selected = app.ladder.visible.len() - 1;
    goto(&mut app, Action::GotoStart, "1");
    assert_eq!(frame_of_selection(&app), 1);
    assert_eq!(app.focus, Pane::Ladder);
    // From the ladder, Esc goes back to the findings.
    update(&mut app, Action::Back);
    assert_eq!(app.focus, Pane::Findings);
    goto(&mut app, Action::GotoStart, "13");
    assert_eq!(frame_of_selection(&app), 13);
    let s = screen(&app);
    assert!(s.contains("RST (refused)"), "{s}");
    // Letters are ignored; Backspace edits.
    update(&mut app, Action::GotoStart);
    for c in "1x5".chars() {
        update(&mut app, Action::GotoChar(c));
    }
    assert_eq!(app.goto.as_deref(), Some("15"));
    update(&mut app, Action::GotoBackspace);
    update(&mut app, Action::GotoChar('6'));
    assert!(screen(&app).contains("go to frame: 16▏"));
    update(&mut app, Action::GotoDone);
    assert_eq!(frame_of_selection(&app), 16);
}

#[test]
fn go_to_frame_explains_misses_and_clears_a_hiding_filter() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let before = app.ladder.selected;
    // Frame 3 is the handshake's ACK: in the capture, but no ladder row.
    goto(&mut app, Action::GotoStart, "3");
    assert_eq!(app.ladder.selected, before);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("frame 3 has no ladder row")),
        "{:?}",
        app.status
    );
    goto(&mut app, Action::GotoStart, "999");
    assert_eq!(
        app.status.as_deref(),
        Some("no frame 999: the capture has 20 frames")
    );
    goto(&mut app, Action::GotoStart, "");
    assert!(app.status.is_some());
    // Problems only hides the SYN-ACK of frame 2; going there clears it.
    update(&mut app, Action::FilterMenu);
    update(&mut app, Action::Down);
    update(&mut app, Action::Enter);
    assert_eq!(app.ladder.filter, RowFilter::Problems);
    goto(&mut app, Action::GotoStart, "2");
    assert_eq!(app.ladder.filter, RowFilter::All);
    assert_eq!(frame_of_selection(&app), 2);
    // Esc cancels the line without moving.
    update(&mut app, Action::GotoStart);
    update(&mut app, Action::GotoChar('9'));
    update(&mut app, Action::GotoCancel);
    assert!(app.goto.is_none());
    assert_eq!(frame_of_selection(&app), 2);
}

#[test]
fn gg_goes_to_the_first_row_and_g_shift_g_to_the_last() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    update(&mut app, Action::NextPane);
    update(&mut app, Action::NextPane);
    assert_eq!(app.focus, Pane::Ladder);
    update(&mut app, Action::GotoStart);
    update(&mut app, Action::GotoChar('G'));
    assert!(app.goto.is_none());
    assert_eq!(app.ladder.selected, app.ladder.visible.len() - 1);
    update(&mut app, Action::GotoStart);
    update(&mut app, Action::GotoChar('g'));
    assert_eq!(app.ladder.selected, 0);
    // After a digit, g is just ignored.
    update(&mut app, Action::GotoStart);
    update(&mut app, Action::GotoChar('5'));
    update(&mut app, Action::GotoChar('g'));
    assert_eq!(app.goto.as_deref(), Some("5"));
}

#[test]
fn the_search_counts_its_matches() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    update(&mut app, Action::SearchStart);
    for c in "rst (refused)".chars() {
        update(&mut app, Action::SearchChar(c));
    }
    assert_eq!(app.search.matches.len(), 3);
    assert_eq!(
        app.search.counter(app.ladder.selected).as_deref(),
        Some("1/3")
    );
    assert!(screen(&app).contains("/rst (refused)▏  1/3"));
    update(&mut app, Action::SearchDone);
    update(&mut app, Action::NextMatch);
    let s = screen(&app);
    assert!(s.contains("Ladder (16 messages) · match 2/3"), "{s}");
    update(&mut app, Action::PrevMatch);
    update(&mut app, Action::PrevMatch);
    assert!(screen(&app).contains("match 3/3"));
    // Off a match, the counter says so; a filter recounts.
    update(&mut app, Action::Up);
    assert!(screen(&app).contains("match –/3"));
    update(&mut app, Action::SearchStart);
    update(&mut app, Action::SearchChar('z'));
    update(&mut app, Action::SearchChar('z'));
    assert!(screen(&app).contains("0/0"), "{}", screen(&app));
    update(&mut app, Action::SearchCancel);
    assert!(app.search.matches.is_empty());
    assert!(!screen(&app).contains("match"));
}

#[test]
fn brackets_step_through_the_findings_evidence_frames() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let l = app.loaded().expect("loaded");
    let f = &l.diagnosis.findings[0];
    assert_eq!(f.id, "tcp.connection_refused");
    let frames: Vec<u64> = f.frames.iter().map(|f| f.0).collect();
    assert_eq!(frames.len(), 6, "{frames:?}");
    let mut seen = Vec::new();
    for _ in 0..frames.len() {
        update(&mut app, Action::NextEvidence);
        assert_eq!(app.focus, Pane::Ladder);
        seen.push(frame_of_selection(&app));
    }
    assert_eq!(seen, frames);
    assert_eq!(
        app.status.as_deref(),
        Some("evidence frame 17 (6/6) of tcp.connection_refused")
    );
    update(&mut app, Action::NextEvidence);
    assert_eq!(frame_of_selection(&app), 17);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("no evidence frame of tcp.connection_refused after")),
        "{:?}",
        app.status
    );
    update(&mut app, Action::PrevEvidence);
    assert_eq!(frame_of_selection(&app), frames[4]);
    // From anywhere in the ladder, `]` goes to the next evidence after the
    // selection: from frame 1 (before all of it) to frame 12.
    update(&mut app, Action::Top);
    assert_eq!(frame_of_selection(&app), 1);
    update(&mut app, Action::PrevEvidence);
    assert_eq!(frame_of_selection(&app), 1);
    update(&mut app, Action::NextEvidence);
    assert_eq!(frame_of_selection(&app), 12);
    // Back to the findings, pick another finding: `]` starts at its first frame.
    update(&mut app, Action::Back);
    assert_eq!(app.focus, Pane::Findings);
    update(&mut app, Action::Down);
    let l = app.loaded().expect("loaded");
    let first = l.diagnosis.findings[1].frames.iter().min().copied();
    let row = first.and_then(|f| l.index.row_for_frame(f));
    assert!(row.is_some());
    update(&mut app, Action::NextEvidence);
    assert_eq!(app.ladder.row(), row);
}

#[test]
fn after_enter_on_a_finding_brackets_walk_on_from_there() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    update(&mut app, Action::Enter);
    assert_eq!(frame_of_selection(&app), 12);
    update(&mut app, Action::NextEvidence);
    assert_eq!(frame_of_selection(&app), 13);
    update(&mut app, Action::PrevEvidence);
    assert_eq!(frame_of_selection(&app), 12);
}

#[test]
fn f_follows_the_selected_rows_flow_and_back() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let total = app.ladder.visible.len();
    goto(&mut app, Action::GotoStart, "15");
    let l = app.loaded().expect("loaded");
    let flow = l.index.rows[app.ladder.row().expect("a row")].flow;
    update(&mut app, Action::FollowFlow);
    assert_eq!(app.ladder.filter, RowFilter::Flow(flow));
    assert_eq!(frame_of_selection(&app), 15);
    let l = app.loaded().expect("loaded");
    let frames: Vec<u64> = app
        .ladder
        .visible
        .iter()
        .map(|&i| l.index.rows[i].frame.0)
        .collect();
    // The second refused attempt: its SYN and its RST only.
    assert_eq!(frames, [14, 15]);
    let s = screen(&app);
    assert!(
        s.contains(&format!("Ladder (2 of {total}: flow {flow})")),
        "{s}"
    );
    update(&mut app, Action::FollowFlow);
    assert_eq!(app.ladder.filter, RowFilter::All);
    assert_eq!(app.ladder.visible.len(), total);
    assert_eq!(frame_of_selection(&app), 15);
}
