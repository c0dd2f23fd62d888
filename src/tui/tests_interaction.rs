//! Unit tests of the interactive parts of update: the quick-filter menu,
//! search with `n` / `N`, mouse clicks and the wheel resolved through the
//! layout, horizontal lane scrolling, and the effects queued for the run
//! loop (hex dump, export).

use super::app::{Effect, HexState, InputMode, Pane};
use super::tests::{app_with, field, screen};
use super::{update, Action};
use crate::ladder::filter::RowFilter;
use crate::ladder::Outcome;

fn typed(app: &mut super::App, text: &str) {
    update(app, Action::SearchStart);
    for c in text.chars() {
        update(app, Action::SearchChar(c));
    }
}

fn label(app: &super::App) -> String {
    let l = app.loaded().expect("loaded");
    l.index.rows[app.ladder.row().expect("a row")].label.clone()
}

#[test]
fn the_filter_menu_offers_problems_and_applies_instantly() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let total = app.ladder.visible.len();
    update(&mut app, Action::FilterMenu);
    assert_eq!(app.input_mode(), InputMode::Menu);
    let menu = app.menu.clone().expect("menu open");
    assert_eq!(menu.choices[menu.selected], RowFilter::All);
    assert!(screen(&app).contains("problems only"));
    update(&mut app, Action::Down);
    update(&mut app, Action::Enter);
    assert!(app.menu.is_none());
    assert_eq!(app.ladder.filter, RowFilter::Problems);
    assert_eq!(app.focus, Pane::Ladder);
    let l = app.loaded().expect("loaded");
    assert!(app.ladder.visible.len() < total);
    for &i in &app.ladder.visible {
        assert!(matches!(
            l.index.rows[i].outcome,
            Outcome::Bad | Outcome::Warn
        ));
    }
    let s = screen(&app);
    assert!(
        s.contains(&format!(
            "Ladder ({} of {total}: problems only)",
            app.ladder.visible.len()
        )),
        "{s}"
    );
    assert!(!s.contains("SYN-ACK"), "{s}");
    // Esc closes the menu without changing the filter.
    update(&mut app, Action::FilterMenu);
    update(&mut app, Action::Back);
    assert!(app.menu.is_none());
    assert_eq!(app.ladder.filter, RowFilter::Problems);
}

#[test]
fn jumping_to_hidden_evidence_clears_the_filter() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let l = app.loaded().expect("loaded");
    let alloc = l
        .index
        .rows
        .iter()
        .position(|r| r.label.starts_with("Allocate ✓"))
        .expect("allocate row");
    let flow = l.index.rows[alloc].flow;
    let refused_row = l
        .index
        .rows
        .iter()
        .position(|r| r.label == "RST (refused)")
        .expect("rst row");
    app.ladder.select_row(alloc);
    update(&mut app, Action::FilterMenu);
    let pos = app
        .menu
        .as_ref()
        .and_then(|m| m.choices.iter().position(|c| *c == RowFilter::Flow(flow)))
        .expect("this-flow filter offered");
    app.menu.as_mut().expect("menu").selected = pos;
    update(&mut app, Action::Enter);
    assert_eq!(app.ladder.row(), Some(alloc), "selection kept");
    assert!(!app.ladder.visible.contains(&refused_row));
    // The refused finding's evidence is on another flow.
    app.focus = Pane::Findings;
    update(&mut app, Action::Enter);
    assert_eq!(app.ladder.filter, RowFilter::All);
    assert!(label(&app).starts_with("SYN") || label(&app).starts_with("RST"));
    assert!(screen(&app).contains("filter cleared"));
}

#[test]
fn search_is_incremental_and_n_wraps() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    typed(&mut app, "rst");
    assert_eq!(app.input_mode(), InputMode::Search);
    assert!(screen(&app).contains("/rst"));
    let first = app.ladder.selected;
    assert!(label(&app).starts_with("RST"));
    update(&mut app, Action::SearchDone);
    assert_eq!(app.input_mode(), InputMode::Normal);
    let mut seen = vec![first];
    for _ in 0..3 {
        update(&mut app, Action::NextMatch);
        assert!(label(&app).starts_with("RST"));
        seen.push(app.ladder.selected);
    }
    assert_eq!(seen[3], first, "three RSTs, then wraps: {seen:?}");
    update(&mut app, Action::PrevMatch);
    assert_eq!(app.ladder.selected, seen[2]);
    // A miss says so and leaves the selection alone.
    typed(&mut app, "rstx");
    assert!(screen(&app).contains("no match for \"rstx\""));
    update(&mut app, Action::SearchBackspace);
    assert!(label(&app).starts_with("RST"));
    update(&mut app, Action::SearchCancel);
    assert!(app.search.query.is_empty());
    update(&mut app, Action::NextMatch);
    assert!(app.status.as_deref().unwrap_or("").contains("press /"));
}

#[test]
fn control_characters_never_enter_the_query() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    typed(&mut app, "a\u{1b}[2J\u{7}b");
    assert_eq!(app.search.query, "a[2Jb");
}

#[test]
fn clicks_focus_panes_and_select_rows() {
    // Wide layout: all four panes.
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (160, 48));
    let areas = super::layout::areas(&app);
    let (_, ladder) = areas.panes[2];
    // Third row of the ladder: border, two header lines, then rows.
    update(&mut app, Action::Click(ladder.x + 30, ladder.y + 5));
    assert_eq!(app.focus, Pane::Ladder);
    assert_eq!(app.ladder.selected, 2);
    let (_, flows) = areas.panes[1];
    // Border, column titles, then the lines: the third is the second flow
    // under the first role pair's heading.
    update(&mut app, Action::Click(flows.x + 2, flows.y + 4));
    assert_eq!(app.focus, Pane::Flows);
    assert_eq!(app.flows.selected, 2);
    // The wheel scrolls the pane under the pointer.
    update(&mut app, Action::Wheel(ladder.x + 5, ladder.y + 5, true));
    assert_eq!(app.focus, Pane::Flows, "the wheel does not move the focus");
    assert_eq!(app.ladder.selected, 5);
    // Narrow layout: the tab bar switches panes.
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let tabs = super::layout::areas(&app).tabs.expect("tab bar");
    let (_, x, _) = super::layout::tab_spans(tabs.x)[3];
    update(&mut app, Action::Click(x + 1, tabs.y));
    assert_eq!(app.focus, Pane::Detail);
    update(&mut app, Action::Click(0, 0));
    assert_eq!(app.focus, Pane::Detail, "the title line is not a pane");
}

#[test]
fn lanes_scroll_sideways_only_in_the_ladder() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    app.focus = Pane::Ladder;
    update(&mut app, Action::Right);
    assert_eq!((app.focus, app.ladder.first_lane), (Pane::Ladder, 1));
    update(&mut app, Action::Left);
    update(&mut app, Action::Left);
    assert_eq!(app.ladder.first_lane, 0);
    app.focus = Pane::Findings;
    update(&mut app, Action::Right);
    assert_eq!(app.focus, Pane::Flows);
}

#[test]
fn enter_on_a_row_asks_for_its_hex_dump_once() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    app.focus = Pane::Ladder;
    update(&mut app, Action::Down);
    update(&mut app, Action::Enter);
    let row = app.ladder.row().expect("row");
    assert_eq!(app.focus, Pane::Detail);
    assert_eq!(app.effects, vec![Effect::LoadHex(row)]);
    assert_eq!(app.hex, HexState::Pending(row));
    app.effects.clear();
    // A late answer for another row is ignored; the right one is kept.
    update(
        &mut app,
        Action::HexLoaded(row + 1, Err("stale".to_string())),
    );
    assert_eq!(app.hex, HexState::Pending(row));
    update(
        &mut app,
        Action::HexLoaded(row, Err("cannot read".to_string())),
    );
    assert!(screen(&app).contains("cannot read"));
    update(&mut app, Action::Back);
    update(&mut app, Action::Enter);
    assert!(app.effects.is_empty(), "already read for this row");
    update(&mut app, Action::Export);
    assert_eq!(app.effects, vec![Effect::Export]);
}
