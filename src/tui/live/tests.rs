//! The live view swapping in snapshots: it follows the last row while the
//! selection is there, keeps a row the user selected (counting the rows
//! that arrive below, with the marker), follows again after End, and says
//! LIVE, then ENDED, in the title.

use super::*;
use crate::tui::tests::screen;
use crate::tui::{update, Action};
use edgecap_analyze::live::LiveAnalysis;
use edgecap_analyze::{diagnose, EdgeConfig};
use edgecap_capture::open_capture;

/// `Loaded` snapshots of `captures/NAME` after each of `cuts` frames.
fn snapshots(name: &str, cuts: &[u64]) -> Vec<Loaded> {
    let path = edgecap_testkit::capture_path(name);
    let mut reader = open_capture(&path).expect("opens");
    let mut live = LiveAnalysis::new(b"-", reader.format(), false, &AnalyzeOptions::default());
    let mut out = Vec::new();
    while let Some(frame) = reader.next_frame() {
        live.push(&frame);
        if cuts.contains(&frame.no.0) {
            let a = live.snapshot();
            let d = diagnose(&a, &EdgeConfig::default());
            out.push(Loaded::new(a, d));
        }
    }
    out
}

fn status(done: bool) -> LiveStatus {
    LiveStatus {
        pending: 2,
        dropped: 0,
        done,
    }
}

#[test]
fn the_selection_follows_the_end_or_stays_put_with_a_marker() {
    let mut snaps = snapshots("tcp-outcomes.pcap", &[12, 22, 31]).into_iter();
    let mut app = App::new("-", None, false, (100, 30));
    apply(&mut app, Box::new(snaps.next().expect("12")), status(false));
    let rows = app.ladder.visible.len();
    assert!(rows >= 3);
    // Following from the start: the last row is selected.
    assert_eq!(app.ladder.selected, rows - 1);
    assert!(screen(&app).contains("LIVE (2 settling)"));

    // The user goes to the ladder's first row; rows arrive below it.
    app.focus = crate::tui::Pane::Ladder;
    update(&mut app, Action::Top);
    let first = app.ladder.row().expect("a row");
    let frame = app.loaded().expect("loaded").index.rows[first].frame;
    apply(&mut app, Box::new(snaps.next().expect("22")), status(false));
    let l = app.loaded().expect("loaded");
    assert_eq!(l.index.rows[app.ladder.row().expect("a row")].frame, frame);
    let added = app.ladder.visible.len() - rows;
    assert!(added > 0);
    let marker = format!("{added} new rows — press End to follow");
    assert_eq!(app.status.as_deref(), Some(marker.as_str()));
    assert!(screen(&app).contains(&marker));

    // End follows again: the next rows move the selection to the last one.
    update(&mut app, Action::Bottom);
    apply(&mut app, Box::new(snaps.next().expect("31")), status(true));
    assert_eq!(app.ladder.selected, app.ladder.visible.len() - 1);
    assert_eq!(app.status, None);
    let s = screen(&app);
    assert!(s.contains("ENDED") && !s.contains("LIVE"), "{s}");
}

#[test]
fn trimming_keeps_the_newest_rows_and_the_evidence() {
    let mut loaded = snapshots("tcp-outcomes.pcap", &[31]).remove(0);
    let all: Vec<_> = loaded.index.rows.iter().map(|r| r.frame.0).collect();
    let evidence: Vec<u64> = loaded
        .diagnosis
        .findings
        .iter()
        .flat_map(|f| f.frames.iter().map(|n| n.0))
        .collect();
    assert!(
        all.len() > 8 && evidence.contains(&11),
        "{all:?} {evidence:?}"
    );
    assert_eq!(trim(&mut loaded, all.len()), 0);
    let dropped = trim(&mut loaded, 3);
    let kept: Vec<_> = loaded.index.rows.iter().map(|r| r.frame.0).collect();
    assert_eq!(dropped, all.len() - kept.len());
    assert!(dropped > 0);
    // The last three rows, and every row of a finding's evidence.
    assert_eq!(kept[kept.len() - 3..], all[all.len() - 3..]);
    for (i, frame) in all.iter().enumerate() {
        let newest = i + 3 >= all.len();
        assert_eq!(
            kept.contains(frame),
            newest || evidence.contains(frame),
            "frame {frame}"
        );
    }
    let mut app = App::new("-", None, false, (120, 30));
    apply(
        &mut app,
        Box::new(loaded),
        LiveStatus {
            pending: 0,
            dropped,
            done: false,
        },
    );
    assert!(screen(&app).contains(&format!("LIVE {dropped} older rows not kept")));
}

#[test]
fn the_flows_pane_lists_the_flows_of_the_newest_snapshot_in_its_sort_order() {
    let mut snaps = snapshots("tcp-outcomes.pcap", &[4, 31]).into_iter();
    let mut app = App::new("-", None, false, (120, 40));
    apply(&mut app, Box::new(snaps.next().expect("4")), status(false));
    let early = app.flow_order.items.len();
    // Sorted by another column before the next snapshot arrives.
    app.focus = crate::tui::Pane::Flows;
    update(&mut app, Action::SortNext);
    let key = app.flow_order.key;
    apply(&mut app, Box::new(snaps.next().expect("31")), status(true));
    let l = app.loaded().expect("loaded");
    let fresh = FlowOrder::new(l, key, false);
    assert_eq!(app.flow_order.key, key, "the sort survives the update");
    assert_eq!(app.flow_order.items, fresh.items);
    assert!(app.flow_order.items.len() > early, "{early} flows at first");
    screen(&app);
}
