//! The sessions view and the flows pane's keys through update: `s` opens
//! the list, Enter narrows the ladder to the session, Esc comes back; `o` /
//! `r` sort the flows; Enter on a flow line selects that flow's first row.

use super::app::Pane;
use super::flows_sort::{FlowItem, SortKey};
use super::tests::{app_with, field, screen};
use super::{update, Action};

#[test]
fn s_enter_esc_walks_from_the_list_to_a_sessions_ladder_and_back() {
    let mut app = app_with(field("coturn-loopback.pcap"), (120, 40));
    let all = app.ladder.visible.len();
    update(&mut app, Action::Sessions);
    assert!(app.sessions.open);
    // Keys move the list's selection, not the panes'.
    update(&mut app, Action::Bottom);
    assert_eq!(app.sessions.selected, 5);
    update(&mut app, Action::Up);
    update(&mut app, Action::Enter);
    assert!(!app.sessions.open);
    assert_eq!((app.focus, app.ladder.session), (Pane::Ladder, Some(4)));
    let l = app.loaded().expect("loaded");
    let s = &l.sessions[4];
    assert!(app.ladder.visible.len() < all);
    assert!(app
        .ladder
        .visible
        .iter()
        .all(|&i| s.flows.contains(&l.index.rows[i].flow)));
    // A filter still applies inside the session; the detail and back.
    update(&mut app, Action::Enter);
    assert_eq!(app.focus, Pane::Detail);
    update(&mut app, Action::Back);
    assert_eq!(app.focus, Pane::Ladder);
    update(&mut app, Action::Back);
    assert!(app.sessions.open, "Esc from the ladder returns to the list");
    assert_eq!(app.ladder.session, None);
    assert_eq!(app.ladder.visible.len(), all);
    assert_eq!(app.sessions.selected, 4, "the selection stays");
    update(&mut app, Action::Back);
    assert!(!app.sessions.open);
    assert!(screen(&app).contains("Ladder (190 messages)"));
}

#[test]
fn going_to_a_frame_of_another_session_leaves_the_session() {
    let mut app = app_with(field("coturn-loopback.pcap"), (120, 40));
    update(&mut app, Action::Sessions);
    update(&mut app, Action::Enter);
    assert_eq!(app.ladder.session, Some(0));
    // Frame 44 is the third session's (TCP) Allocate.
    update(&mut app, Action::GotoStart);
    for c in "44".chars() {
        update(&mut app, Action::GotoChar(c));
    }
    update(&mut app, Action::GotoDone);
    assert_eq!(app.ladder.session, None);
    let l = app.loaded().expect("loaded");
    let row = &l.index.rows[app.ladder.row().expect("a row")];
    assert_eq!(row.frame.0, 44);
    assert!(screen(&app).contains("session and filter cleared"));
}

#[test]
fn clicks_and_the_wheel_select_sessions() {
    let mut app = app_with(field("coturn-loopback.pcap"), (120, 40));
    update(&mut app, Action::Sessions);
    // Title line, border, column titles: the third session is on line 5.
    update(&mut app, Action::Click(10, 5));
    assert_eq!(app.sessions.selected, 2);
    assert!(app.sessions.open);
    update(&mut app, Action::Click(10, 30));
    assert_eq!(app.sessions.selected, 2, "below the list: no change");
    update(&mut app, Action::Wheel(10, 10, true));
    assert_eq!(app.sessions.selected, 5);
    update(&mut app, Action::Wheel(10, 10, false));
    assert_eq!(app.sessions.selected, 2);
}

#[test]
fn a_capture_without_sessions_says_so() {
    let mut app = app_with(field("tcp-outcomes.pcap"), (80, 24));
    update(&mut app, Action::Sessions);
    assert!(screen(&app).contains("No TURN allocation or SIP call"));
    update(&mut app, Action::Enter);
    assert!(app.sessions.open, "nothing to open");
    assert_eq!(app.ladder.session, None);
    update(&mut app, Action::Sessions);
    assert!(!app.sessions.open);
}

#[test]
fn o_and_r_sort_the_flows_and_enter_opens_a_flow() {
    let mut app = app_with(field("tcp-outcomes.pcap"), (80, 24));
    assert_eq!(app.flow_order.key, SortKey::Group);
    update(&mut app, Action::SortNext);
    assert_eq!((app.focus, app.flow_order.key), (Pane::Flows, SortKey::Id));
    update(&mut app, Action::SortReverse);
    assert!(app.flow_order.reverse);
    assert_eq!(app.flow_order.items[0], FlowItem::Flow(7));
    assert!(screen(&app).contains("by id ▼"));
    // Flow 7 is one undecoded UDP packet: no ladder row, and the footer
    // says so.
    update(&mut app, Action::Enter);
    assert_eq!(app.focus, Pane::Flows);
    assert!(screen(&app).contains("flow 7 has no ladder row"));
    // Ascending again: flow 0 first, whose SYN is its first row.
    update(&mut app, Action::SortReverse);
    assert_eq!(app.flow_order.items[0], FlowItem::Flow(0));
    update(&mut app, Action::Enter);
    assert_eq!(app.focus, Pane::Ladder);
    let l = app.loaded().expect("loaded");
    let row = &l.index.rows[app.ladder.row().expect("a row")];
    assert_eq!(row.flow, l.analysis.flows[0].id);
    assert!(row.label.starts_with("SYN"), "{row:?}");
    // Cycling back to the grouped order restores the headings.
    update(&mut app, Action::Back);
    for _ in 1..SortKey::ALL.len() {
        update(&mut app, Action::SortNext);
    }
    assert_eq!(app.flow_order.key, SortKey::Group);
    assert!(!app.flow_order.reverse, "a new key sorts ascending");
    assert!(matches!(app.flow_order.items[0], FlowItem::Heading(0)));
}

#[test]
fn tiny_terminals_draw_every_view_without_panicking() {
    for name in ["coturn-loopback.pcap", "sip-signalling.pcap"] {
        for size in [(1, 1), (7, 3), (12, 5), (25, 8), (40, 12), (60, 20)] {
            let mut app = app_with(field(name), size);
            for _ in 0..4 {
                let _ = screen(&app);
                update(&mut app, Action::NextPane);
            }
            update(&mut app, Action::SortNext);
            let _ = screen(&app);
            update(&mut app, Action::Sessions);
            let _ = screen(&app);
            update(&mut app, Action::Enter);
            let s = screen(&app);
            assert_eq!(s.lines().count(), usize::from(size.1), "{name} {size:?}");
        }
    }
}
