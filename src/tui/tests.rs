//! Unit tests of update (drill-in, time modes, panes, clamping) and of the
//! escaping of hostile capture strings on screen.

use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::app::{App, Pane, TimeMode};
use super::loaded::Loaded;
use super::{update, Action, Screen};
use crate::ladder::RowSource;
use crate::test_util::{diagnosed, hostile};
use edgecap_analyze::LoadProgress;
use edgecap_analyze::{diagnose, EdgeConfig};

pub(super) fn field(name: &str) -> Loaded {
    let (a, d) = diagnosed(name);
    Loaded::new(a, d)
}

pub(super) fn app_with(loaded: Loaded, size: (u16, u16)) -> App {
    let mut app = App::new("test", Some(1000), false, size);
    update(&mut app, Action::Loaded(Box::new(loaded)));
    app
}

pub(super) fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| f.render_widget(&Screen { app }, f.area()))
        .expect("draw");
    format!("{}", t.backend())
}

#[test]
fn enter_on_a_finding_selects_its_evidence_row() {
    let mut app = app_with(field("field-desktop-sharing-refused.pcap"), (80, 24));
    let l = app.loaded().expect("loaded");
    let f = &l.diagnosis.findings[0];
    assert_eq!(f.id, "tcp.connection_refused");
    let frame = f.frames[0];
    update(&mut app, Action::Enter);
    assert_eq!(app.focus, Pane::Ladder);
    let l = app.loaded().expect("loaded");
    let row = &l.index.rows[app.ladder.row().expect("a row")];
    assert!(
        row.first_frame <= frame && frame <= row.frame,
        "{row:?} {frame}"
    );
    // Enter again opens the detail; Esc goes back twice.
    update(&mut app, Action::Enter);
    assert_eq!(app.focus, Pane::Detail);
    update(&mut app, Action::Back);
    assert_eq!(app.focus, Pane::Ladder);
    update(&mut app, Action::Back);
    assert_eq!(app.focus, Pane::Findings);
}

#[test]
fn t_cycles_time_modes_and_tab_cycles_panes() {
    let mut app = app_with(field("field-unknown-user.pcap"), (80, 24));
    assert_eq!(app.time, TimeMode::Relative);
    for want in [TimeMode::Delta, TimeMode::Absolute, TimeMode::Relative] {
        update(&mut app, Action::CycleTime);
        assert_eq!(app.time, want);
    }
    for want in [Pane::Flows, Pane::Ladder, Pane::Detail, Pane::Findings] {
        update(&mut app, Action::NextPane);
        assert_eq!(app.focus, want);
    }
    update(&mut app, Action::PrevPane);
    assert_eq!(app.focus, Pane::Detail);
}

#[test]
fn selection_is_clamped() {
    let mut app = app_with(field("field-unknown-user.pcap"), (80, 24));
    app.focus = Pane::Ladder;
    let rows = app.loaded().expect("loaded").index.rows.len();
    update(&mut app, Action::Up);
    assert_eq!(app.ladder.selected, 0);
    update(&mut app, Action::Bottom);
    assert_eq!(app.ladder.selected, rows - 1);
    update(&mut app, Action::PageDown);
    assert_eq!(app.ladder.selected, rows - 1);
    update(&mut app, Action::Top);
    assert_eq!(app.ladder.selected, 0);
    update(&mut app, Action::PageDown);
    assert_eq!(app.ladder.selected, app.page().min(rows - 1));
}

#[test]
fn keys_wait_for_loading_and_quit_always_works() {
    let mut app = App::new("x", None, false, (80, 24));
    update(
        &mut app,
        Action::Progress(LoadProgress {
            bytes_read: 10,
            packets: 3,
        }),
    );
    update(&mut app, Action::NextPane);
    assert_eq!(app.focus, Pane::Findings);
    assert!(screen(&app).contains("3 packets read"));
    update(&mut app, Action::Quit);
    assert!(app.quit);
}

#[test]
fn help_toggles_and_esc_closes_it() {
    let mut app = app_with(field("field-unknown-user.pcap"), (80, 24));
    update(&mut app, Action::ToggleHelp);
    assert!(app.help);
    assert!(screen(&app).contains("time column: absolute / relative / delta"));
    update(&mut app, Action::Down);
    assert_eq!(app.findings.selected, 0, "help swallows navigation");
    update(&mut app, Action::Back);
    assert!(!app.help);
}

#[test]
fn refused_capture_has_syn_and_rst_rows() {
    let l = field("field-desktop-sharing-refused.pcap");
    assert!(l
        .index
        .rows
        .iter()
        .any(|r| matches!(r.source, RowSource::Rst(_)) && r.label == "RST (refused)"));
    assert!(l.index.rows.iter().any(|r| r.label.starts_with("SYN")));
    assert!(l.index.groups.iter().any(|g| g.refused > 0));
    assert!(l.index.columns.iter().any(|c| c == "client"));
}

#[test]
fn hostile_strings_render_escaped() {
    let a = hostile();
    let d = diagnose(&a, &EdgeConfig::default());
    let mut app = app_with(Loaded::new(a, d), (160, 48));
    app.focus = Pane::Ladder;
    let mut seen = String::new();
    let rows = app.loaded().expect("loaded").index.rows.len();
    assert_eq!(rows, 4);
    for i in 0..rows {
        app.ladder.selected = i;
        let s = screen(&app);
        assert!(
            !s.chars()
                .any(|c| c != '\n' && edgecap_core::safe::is_unsafe_char(c)),
            "{s:?}"
        );
        seen.push_str(&s);
    }
    assert!(
        seen.contains("\\x1b[31mroot\\x1b]8;;http://x/\\x07"),
        "{seen}"
    );
    assert!(seen.contains("re\\u{202e}alm\\x08\\u{9b}2J"), "{seen}");
    assert!(seen.contains("403 bad\\xff\\x1b[2J"), "{seen}");
}

/// `captures/hostile-strings.pcap` in the TUI: with each ladder row
/// selected (its detail pane shown), no screen carries an unsafe character
/// or U+FFFD, and the zero-width space, the BOM and the invalid bytes of the
/// STUN values, the SNI and the ALPN names are shown as visible escapes.
#[test]
fn hostile_capture_renders_escaped_in_every_pane() {
    let mut app = app_with(field("hostile-strings.pcap"), (320, 60));
    app.focus = Pane::Ladder;
    let rows = app.loaded().expect("loaded").index.rows.len();
    assert!(rows >= 7, "{rows} ladder rows");
    let mut seen = String::new();
    for i in 0..rows {
        app.ladder.selected = i;
        let s = screen(&app);
        let bad: Vec<char> = s
            .chars()
            .filter(|&c| c != '\n' && (edgecap_core::safe::is_unsafe_char(c) || c == '\u{fffd}'))
            .collect();
        assert!(bad.is_empty(), "row {i}: {bad:?} on screen:\n{s}");
        seen.push_str(&s);
    }
    for want in [
        "zero\\u{200b}width\\u{feff}bom\\xff\\xfe\\xc3",
        "evil\\x1b[2J\\x1b[31m.ex\\u{200b}am\\u{feff}ple\\xff\\xfe\\xc3",
        "\\x1b[31mh3\\xff\\xfe\\xc3",
        "http/1.1\\u{200b}\\u{feff}",
    ] {
        assert!(seen.contains(want), "no {want} on any screen:\n{seen}");
    }
}
