//! TestBackend snapshots of every TUI pane for two field-case captures at
//! 80×24 (one pane at a time, with tabs) and 160×48 (all panes at once),
//! plus the help overlay and the loading screen.
#![cfg(feature = "tui")]

use std::path::Path;

use edgecap::analyze::{diagnose, EdgeConfig};
use edgecap::engine::{analyze_capture, AnalyzeOptions, LoadProgress};
use edgecap::tui::{update, Action, App, Loaded, Pane, Screen, TimeMode};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn loaded(name: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    let reader = edgecap::cli::open_capture(&path).expect("capture opens");
    let a = analyze_capture(reader, name, &AnalyzeOptions::default());
    let d = diagnose(&a, &EdgeConfig::default());
    Loaded::new(a, d)
}

fn app(name: &str, size: (u16, u16)) -> App {
    let mut app = App::new(name, None, false, size);
    update(&mut app, Action::Loaded(Box::new(loaded(name))));
    app
}

fn screen(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| f.render_widget(&Screen { app }, f.area()))
        .expect("draw");
    format!("{}", t.backend())
}

const CASES: [(&str, &str); 2] = [
    ("refused", "field-desktop-sharing-refused.pcap"),
    ("unknown_user", "field-unknown-user.pcap"),
];

#[test]
fn every_pane_at_80x24() {
    for (short, file) in CASES {
        let mut a = app(file, (80, 24));
        for pane in Pane::ALL {
            insta::assert_snapshot!(
                format!("{short}_80x24_{}", pane.title().to_lowercase()),
                screen(&a)
            );
            update(&mut a, Action::NextPane);
        }
    }
}

#[test]
fn evidence_and_detail_at_80x24() {
    for (short, file) in CASES {
        let mut a = app(file, (80, 24));
        update(&mut a, Action::Enter);
        assert_eq!(a.focus, Pane::Ladder);
        insta::assert_snapshot!(format!("{short}_80x24_evidence"), screen(&a));
        update(&mut a, Action::Enter);
        assert_eq!(a.focus, Pane::Detail);
        insta::assert_snapshot!(format!("{short}_80x24_evidence_detail"), screen(&a));
    }
}

#[test]
fn all_panes_at_160x48() {
    for (short, file) in CASES {
        let mut a = app(file, (160, 48));
        insta::assert_snapshot!(format!("{short}_160x48"), screen(&a));
        update(&mut a, Action::Enter);
        update(&mut a, Action::CycleTime);
        assert_eq!(a.time, TimeMode::Delta);
        insta::assert_snapshot!(format!("{short}_160x48_evidence_delta"), screen(&a));
        update(&mut a, Action::NextPane);
        update(&mut a, Action::Down);
        update(&mut a, Action::CycleTime);
        insta::assert_snapshot!(format!("{short}_160x48_detail_absolute"), screen(&a));
    }
}

#[test]
fn help_and_loading_screens() {
    let mut a = app("field-desktop-sharing-refused.pcap", (80, 24));
    update(&mut a, Action::ToggleHelp);
    insta::assert_snapshot!("help_80x24", screen(&a));
    let mut loading = App::new("big.pcapng", Some(4 * 1024 * 1024), false, (80, 24));
    update(
        &mut loading,
        Action::Progress(LoadProgress {
            bytes_read: 1024 * 1024,
            packets: 12_345,
        }),
    );
    insta::assert_snapshot!("loading_80x24", screen(&loading));
    let mut stdin = App::new("-", None, false, (80, 24));
    update(
        &mut stdin,
        Action::Progress(LoadProgress {
            bytes_read: 0,
            packets: 77,
        }),
    );
    insta::assert_snapshot!("loading_stdin_80x24", screen(&stdin));
}

#[test]
fn resize_switches_layout() {
    let mut a = app("field-unknown-user.pcap", (80, 24));
    assert!(screen(&a).contains(" Findings "));
    update(&mut a, Action::Resize(160, 48));
    assert!(a.wide());
    let s = screen(&a);
    assert!(s.contains("Ladder (") && s.contains("Detail") && s.contains("Flows ("));
}
