//! TestBackend snapshots of every TUI pane for the five field-case captures at
//! 80×24 (one pane at a time, with tabs) and 160×48 (all panes at once),
//! plus the help overlay and the loading screen.
#![cfg(feature = "tui")]

use std::path::Path;

use edgecap::tui::{update, Action, App, Loaded, Pane, Screen, TimeMode};
use edgecap_analyze::{analyze_capture, AnalyzeOptions, LoadProgress};
use edgecap_analyze::{diagnose, EdgeConfig};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn loaded(name: &str) -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    let reader = edgecap_capture::open_capture(&path).expect("capture opens");
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

const CASES: [(&str, &str); 5] = [
    ("refused", "field-desktop-sharing-refused.pcap"),
    ("unknown_user", "field-unknown-user.pcap"),
    ("mras_refused", "field-mras-refused.pcap"),
    ("udp_blocked", "field-udp-blocked.pcap"),
    ("healthy", "field-healthy-call.pcap"),
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

#[test]
fn filter_menu_search_and_filtered_ladder() {
    for (short, file) in CASES {
        for size in [(80u16, 24u16), (160, 48)] {
            let tag = format!("{short}_{}x{}", size.0, size.1);
            let mut a = app(file, size);
            update(&mut a, Action::FilterMenu);
            insta::assert_snapshot!(format!("{tag}_filter_menu"), screen(&a));
            // "problems only" is the second choice.
            update(&mut a, Action::Down);
            update(&mut a, Action::Enter);
            insta::assert_snapshot!(format!("{tag}_problems"), screen(&a));
            // Back to all rows, then search.
            update(&mut a, Action::FilterMenu);
            update(&mut a, Action::Top);
            update(&mut a, Action::Enter);
            update(&mut a, Action::SearchStart);
            for c in "allocate".chars() {
                update(&mut a, Action::SearchChar(c));
            }
            insta::assert_snapshot!(format!("{tag}_search"), screen(&a));
        }
    }
}

#[test]
fn lanes_scroll_sideways_in_a_narrow_terminal() {
    let mut a = app("field-desktop-sharing-refused.pcap", (60, 20));
    update(&mut a, Action::NextPane);
    update(&mut a, Action::NextPane);
    assert_eq!(a.focus, Pane::Ladder);
    // The lane titles are on the pane's first line (screen line 4).
    let titles = |s: &str| s.lines().nth(3).unwrap_or("").to_string();
    let start = screen(&a);
    let head = titles(&start);
    assert!(
        head.contains("client") && !head.contains("remote") && head.contains('›'),
        "{start}"
    );
    insta::assert_snapshot!("refused_60x20_lanes_left", start);
    update(&mut a, Action::Right);
    update(&mut a, Action::Right);
    let moved = screen(&a);
    let head = titles(&moved);
    assert!(head.contains("‹") && head.contains("remote"), "{moved}");
    assert!(!head.contains("client"), "{moved}");
    insta::assert_snapshot!("refused_60x20_lanes_right", moved);
}

/// The run loop's part: effects queued by update are run and their results
/// applied, as `edgecap FILE` does.
fn run_effects(app: &mut App, capture: &Path) {
    let mut ctx =
        edgecap::tui::effects::EffectContext::new(capture.to_path_buf(), std::env::temp_dir());
    for e in std::mem::take(&mut app.effects) {
        if let Some(result) = edgecap::tui::effects::run(&e, app, &mut ctx) {
            update(app, result);
        }
    }
}

#[test]
fn hex_dump_of_the_evidence_is_reread_from_the_file() {
    for (short, file) in CASES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("captures")
            .join(file);
        let reader = edgecap_capture::open_capture(&path).expect("capture opens");
        let opts = AnalyzeOptions {
            keep_frame_index: true,
            ..AnalyzeOptions::default()
        };
        let a = analyze_capture(reader, file, &opts);
        let d = diagnose(&a, &EdgeConfig::default());
        let mut app = App::new(file, None, false, (100, 40));
        update(&mut app, Action::Loaded(Box::new(Loaded::new(a, d))));
        update(&mut app, Action::Enter);
        update(&mut app, Action::Enter);
        assert_eq!(app.focus, Pane::Detail);
        run_effects(&mut app, &path);
        update(&mut app, Action::Bottom);
        let s = screen(&app);
        assert!(s.contains("Hex dump") && s.contains("0000  "), "{s}");
        insta::assert_snapshot!(format!("{short}_100x40_hex"), s);
    }
}

/// The text of `rect` on the drawn screen, one string per line.
fn region(app: &App, rect: ratatui::layout::Rect) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| f.render_widget(&Screen { app }, f.area()))
        .expect("draw");
    let buf = t.backend().buffer();
    (rect.y..rect.bottom())
        .map(|y| {
            (rect.x..rect.right())
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect()
        })
        .collect()
}

fn pane_rect(app: &App, pane: Pane) -> ratatui::layout::Rect {
    edgecap::tui::layout::areas(app)
        .panes
        .into_iter()
        .find(|(p, _)| *p == pane)
        .map(|(_, r)| r)
        .expect("pane on screen")
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn all_panes_from_120x40_with_the_ladder_given_the_most_room() {
    for (short, file) in CASES {
        for size in [(120u16, 40u16), (200, 50)] {
            let a = app(file, size);
            assert!(a.wide(), "{size:?}");
            let ladder = pane_rect(&a, Pane::Ladder);
            let findings = pane_rect(&a, Pane::Findings);
            assert!(ladder.width >= findings.width, "{short} {size:?}");
            assert!(
                ladder.height > pane_rect(&a, Pane::Detail).height,
                "{short} {size:?}"
            );
            insta::assert_snapshot!(format!("{short}_{}x{}", size.0, size.1), screen(&a));
        }
        // Just below, one pane at a time.
        assert!(!app(file, (119, 40)).wide());
        assert!(!app(file, (120, 39)).wide());
    }
}

#[test]
fn at_200x50_the_findings_pane_takes_what_the_ladder_leaves() {
    let a = app("field-desktop-sharing-refused.pcap", (200, 50));
    let findings = pane_rect(&a, Pane::Findings);
    // 40 % would be 80 columns; the ladder's four lanes and labels need
    // about 110, so the findings get the rest.
    assert!(findings.width > 80, "{findings:?}");
    let ladder = region(&a, pane_rect(&a, Pane::Ladder));
    assert!(
        ladder
            .iter()
            .any(|l| l.contains("Allocate ✓ relay 2.2.2.2:58138")),
        "{ladder:#?}"
    );
}

#[test]
fn the_selected_findings_whole_summary_shows_at_every_size() {
    for (short, file) in CASES {
        for size in [(80u16, 24u16), (120, 40), (160, 48), (200, 50)] {
            let mut a = app(file, size);
            let summaries: Vec<String> = a
                .loaded()
                .expect("loaded")
                .diagnosis
                .findings
                .iter()
                .map(|f| words(&format!("{} {}", f.id, f.summary)))
                .collect();
            for (i, summary) in summaries.iter().enumerate() {
                assert_eq!(a.findings.selected, i);
                let rect = pane_rect(&a, Pane::Findings);
                let inner: Vec<String> = region(&a, rect)
                    .iter()
                    .map(|l| l.trim_matches('│').to_string())
                    .collect();
                let text = words(&inner.join(" "));
                assert!(
                    text.contains(summary.as_str()),
                    "{short} {size:?} finding {i}: {summary}\n{inner:#?}"
                );
                update(&mut a, Action::Down);
            }
        }
    }
}

#[test]
fn the_title_keeps_the_counts_at_80_columns() {
    let file = "field-desktop-sharing-refused.pcap";
    let long = format!("/home/admin/captures/2026-11-26/edge-external-interface/{file}");
    let mut a = App::new(&long, None, false, (80, 24));
    update(&mut a, Action::Loaded(Box::new(loaded(file))));
    let s = screen(&a);
    let title = s.lines().next().expect("a title line");
    assert!(
        title.contains("20 packets  4 flows  1 error 2 info"),
        "{title}"
    );
    assert!(
        title.contains(file) && !title.contains("/home/admin"),
        "{title}"
    );
    insta::assert_snapshot!("refused_80x24_long_name", title);
}

/// The views of issue 15 at the three sizes a user tries: the loopback
/// capture's lanes by port with their addresses and the legend, the
/// sessions view, sorted by state and one session's ladder, the flows table sorted by bytes
/// (descending), and the sessions of a capture with SIP calls.
#[test]
fn sessions_sorted_flows_and_lanes_at_three_sizes() {
    for size in [(80u16, 24u16), (120, 40), (200, 50)] {
        let tag = format!("{}x{}", size.0, size.1);
        let mut a = app("coturn-loopback.pcap", size);
        if !a.wide() {
            update(&mut a, Action::NextPane);
            update(&mut a, Action::NextPane);
        }
        let lanes = screen(&a);
        assert!(!lanes.contains('↺'), "{lanes}");
        insta::assert_snapshot!(format!("coturn_{tag}_lanes"), lanes);
        update(&mut a, Action::Sessions);
        let list = screen(&a);
        assert!(list.contains("Sessions (6)"), "{list}");
        insta::assert_snapshot!(format!("coturn_{tag}_sessions"), list);
        for _ in 0..4 {
            update(&mut a, Action::Down);
        }
        update(&mut a, Action::Enter);
        assert_eq!(a.focus, Pane::Ladder);
        insta::assert_snapshot!(format!("coturn_{tag}_session_ladder"), screen(&a));
        update(&mut a, Action::Back);
        assert!(a.sessions.open, "Esc returns to the list");
        // Sorted by state, failures first; `#` keeps each session's number.
        for _ in 0..4 {
            update(&mut a, Action::SortNext);
        }
        let by_state = screen(&a);
        assert!(by_state.contains("by state ▲"), "{by_state}");
        insta::assert_snapshot!(format!("coturn_{tag}_sessions_by_state"), by_state);

        let mut t = app("tcp-outcomes.pcap", size);
        for _ in 0..5 {
            update(&mut t, Action::SortNext);
        }
        update(&mut t, Action::SortReverse);
        assert_eq!(t.focus, Pane::Flows);
        let flows = screen(&t);
        assert!(flows.contains("by bytes ▼"), "{flows}");
        insta::assert_snapshot!(format!("tcp_outcomes_{tag}_flows_by_bytes"), flows);

        let mut s = app("sip-signalling.pcap", size);
        update(&mut s, Action::Sessions);
        let calls = screen(&s);
        assert!(calls.contains(" call "), "{calls}");
        insta::assert_snapshot!(format!("sip_{tag}_sessions"), calls);
    }
}
