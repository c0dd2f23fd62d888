//! The sessions view's order on real captures: every key checked pair by
//! pair against the raw fields, reversal, and the keys through update (the
//! selection stays on its session, Enter opens that session, the flows
//! pane's order is untouched).

use std::net::SocketAddr;

use super::{SessionKey, SessionOrder};
use crate::tui::app::Pane;
use crate::tui::flows_sort::SortKey;
use crate::tui::loaded::Loaded;
use crate::tui::sessions::{Session, SessionState};
use crate::tui::tests::{app_with, field, screen};
use crate::tui::{update, Action};

/// Whether `a` may come before `b` under `key` ascending, from the raw
/// fields (not through the module's comparator).
fn in_order(key: SessionKey, ka: usize, a: &Session, kb: usize, b: &Session) -> bool {
    let addr = |t: &str| -> Option<SocketAddr> { t.split([' ', ',']).next()?.parse().ok() };
    let rank = |s: SessionState| {
        ["failed", "unanswered", "success"]
            .iter()
            .position(|w| *w == s.word())
    };
    match key {
        SessionKey::Number => ka < kb,
        SessionKey::Kind => a.kind <= b.kind,
        SessionKey::Client => (addr(&a.client), &a.client) <= (addr(&b.client), &b.client),
        SessionKey::Edge => (addr(&a.server), &a.server) <= (addr(&b.server), &b.server),
        SessionKey::State => rank(a.state) <= rank(b.state),
        SessionKey::Relayed => (addr(&a.relayed), &a.relayed) <= (addr(&b.relayed), &b.relayed),
        SessionKey::Frame => a.first_frame <= b.first_frame,
        SessionKey::Errors => (a.errors == "-", &a.errors) <= (b.errors == "-", &b.errors),
    }
}

fn check_all_keys(l: &Loaded) {
    let n = l.sessions.len();
    assert!(n >= 2, "{n} sessions");
    for key in SessionKey::ALL {
        for reverse in [false, true] {
            let o = SessionOrder::new(l, key, reverse);
            let mut seen = o.items.clone();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "{key:?}: a permutation");
            for w in o.items.windows(2) {
                let (x, y) = if reverse { (w[1], w[0]) } else { (w[0], w[1]) };
                assert!(
                    in_order(key, x, &l.sessions[x], y, &l.sessions[y]),
                    "{key:?} reverse={reverse}: {:?} before {:?}",
                    l.sessions[w[0]],
                    l.sessions[w[1]]
                );
            }
        }
    }
}

#[test]
fn every_key_orders_the_allocations_of_the_coturn_capture() {
    let l = field("coturn-loopback.pcap");
    check_all_keys(&l);
    // The default is the list's own order; state puts the failures first.
    assert_eq!(
        SessionOrder::new(&l, SessionKey::Number, false).items,
        [0, 1, 2, 3, 4, 5]
    );
    let by_state = SessionOrder::new(&l, SessionKey::State, false);
    assert_eq!(l.sessions[by_state.items[0]].state, SessionState::Failed);
    assert_eq!(by_state.describe(), "by state ▲");
    let by_errors = SessionOrder::new(&l, SessionKey::Errors, true);
    assert_eq!(
        l.sessions[by_errors.items[0]].errors, "-",
        "reversed: no errors first"
    );
}

#[test]
fn every_key_orders_the_allocations_and_calls_of_the_sip_capture() {
    let l = field("sip-signalling.pcap");
    assert!(l.sessions.iter().any(|s| s.kind == "call"));
    check_all_keys(&l);
}

#[test]
fn o_and_r_sort_the_sessions_and_keep_the_selected_one() {
    let mut app = app_with(field("coturn-loopback.pcap"), (120, 40));
    update(&mut app, Action::Sessions);
    update(&mut app, Action::Bottom);
    let chosen = app.session_order.items[app.sessions.selected];
    assert_eq!(chosen, 5);
    for _ in 0..4 {
        update(&mut app, Action::SortNext);
    }
    assert_eq!(app.session_order.key, SessionKey::State);
    assert!(app.sessions.open, "the keys stay in the sessions view");
    assert_eq!(
        app.flow_order.key,
        SortKey::Group,
        "the flows are not re-sorted"
    );
    assert_eq!(app.session_order.items[app.sessions.selected], chosen);
    let text = screen(&app);
    assert!(text.contains("by state ▲"), "{text}");
    assert!(text.contains("STATE▲"), "{text}");
    update(&mut app, Action::SortReverse);
    assert!(app.session_order.reverse);
    assert_eq!(app.session_order.items[app.sessions.selected], chosen);
    assert!(screen(&app).contains("STATE▼"));
    // Enter opens the selected session, wherever the sort put it.
    update(&mut app, Action::Top);
    let first = app.session_order.items[0];
    assert_ne!(
        first, 0,
        "reversed by state: a success first, not session 1"
    );
    update(&mut app, Action::Enter);
    assert_eq!((app.focus, app.ladder.session), (Pane::Ladder, Some(first)));
}
