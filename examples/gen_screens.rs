//! Renders the README's screenshots of the interactive timeline into
//! `assets/*.svg`: the real TUI (`edgecap::tui`) drawn into a ratatui
//! TestBackend from a capture in `captures/`, driven by the same actions the
//! keys produce, then each cell written as SVG text with its colours.
//!
//! Run: `cargo run --example gen_screens` (rewrites assets/screen-*.svg).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use edgecap::tui::effects::{self, EffectContext};
use edgecap::tui::{update, Action, App, Loaded, Screen};
use edgecap_analyze::{analyze_capture, AnalyzeOptions};
use edgecap_analyze::{diagnose, EdgeConfig};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 17.0;
const FONT_PX: f32 = 14.0;
const BACKGROUND: &str = "#1b1d23";
const FOREGROUND: &str = "#d8dee9";

fn colour(c: Color, default: &'static str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Black => "#1b1d23".into(),
        Color::Red => "#ef6b73".into(),
        Color::Green => "#8fd18b".into(),
        Color::Yellow => "#f0c674".into(),
        Color::Blue => "#81a2be".into(),
        Color::Magenta => "#c397d8".into(),
        Color::Cyan => "#70c0d0".into(),
        Color::Gray | Color::White => "#e5e9f0".into(),
        Color::DarkGray => "#6b7280".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => default.to_string(),
    }
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One SVG of the buffer: a background rectangle per styled run, then the
/// text of each run stretched to its exact cell width.
fn svg(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT_PX}">"#,
        f32::from(w) * CELL_W + 16.0,
        f32::from(h) * CELL_H + 16.0
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" rx="6" fill="{BACKGROUND}"/>"#
    );
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let cell = &buf[(x, y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < w {
                let c = &buf[(x, y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(if c.symbol().is_empty() {
                    ""
                } else {
                    c.symbol()
                });
                x += 1;
            }
            let (mut fg, mut bg) = (colour(style.0, FOREGROUND), colour(style.1, BACKGROUND));
            if style.2.contains(Modifier::REVERSED) {
                std::mem::swap(&mut fg, &mut bg);
            }
            let px = 8.0 + f32::from(start) * CELL_W;
            let py = 8.0 + f32::from(y) * CELL_H;
            let len = f32::from(x - start) * CELL_W;
            if bg != BACKGROUND {
                let _ = writeln!(
                    out,
                    r#"<rect x="{px:.1}" y="{py:.1}" width="{len:.1}" height="{CELL_H}" fill="{bg}"/>"#
                );
            }
            if text.trim().is_empty() {
                continue;
            }
            let mut attrs = format!(r#"fill="{fg}""#);
            if style.2.contains(Modifier::BOLD) {
                attrs.push_str(r#" font-weight="bold""#);
            }
            if style.2.contains(Modifier::DIM) {
                attrs.push_str(r#" opacity="0.6""#);
            }
            if style.2.contains(Modifier::UNDERLINED) {
                attrs.push_str(r#" text-decoration="underline""#);
            }
            let _ = writeln!(
                out,
                r#"<text x="{px:.1}" y="{:.1}" textLength="{len:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve" {attrs}>{}</text>"#,
                py + CELL_H * 0.78,
                xml(&text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

fn capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name)
}

fn app(name: &str, size: (u16, u16)) -> App {
    let path = capture(name);
    let reader = edgecap_capture::open_capture(&path).expect("capture opens");
    let opts = AnalyzeOptions {
        keep_frame_index: true,
        ..AnalyzeOptions::default()
    };
    let a = analyze_capture(reader, name, &opts);
    let d = diagnose(&a, &EdgeConfig::default());
    let mut app = App::new(&format!("captures/{name}"), None, true, size);
    update(&mut app, Action::Loaded(Box::new(Loaded::new(a, d))));
    app
}

/// Applies `actions`, running the effects they queue as the run loop does.
fn drive(app: &mut App, name: &str, actions: Vec<Action>) {
    let mut ctx = EffectContext::new(capture(name), std::env::temp_dir());
    for a in actions {
        update(app, a);
        for e in std::mem::take(&mut app.effects) {
            if let Some(result) = effects::run(&e, app, &mut ctx) {
                update(app, result);
            }
        }
    }
}

fn render(app: &App) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    t.draw(|f| f.render_widget(&Screen { app }, f.area()))
        .expect("draw");
    t.backend().buffer().clone()
}

/// Output name, capture, terminal size, and the actions that lead there.
type Shot = (&'static str, &'static str, (u16, u16), Vec<Action>);

fn main() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    std::fs::create_dir_all(&assets).expect("assets/");
    let refused = "field-desktop-sharing-refused.pcap";
    let unknown = "field-unknown-user.pcap";
    let coturn = "coturn-loopback.pcap";
    let screens: Vec<Shot> = vec![
        // The refused finding, Enter to its evidence, Enter for the detail.
        (
            "screen-evidence",
            refused,
            (150, 44),
            vec![Action::Enter, Action::Enter],
        ),
        // The 436 unknown-user error over TCP 443: its detail, scrolled to
        // the hex dump of its frame (the detail pane alone, 110×56).
        (
            "screen-detail-hex",
            unknown,
            (110, 56),
            vec![
                Action::Down,
                Action::Enter,
                Action::Down,
                Action::Enter,
                Action::PageDown,
            ],
        ),
        // The quick-filter menu over the ladder.
        (
            "screen-filter",
            refused,
            (100, 30),
            vec![Action::NextPane, Action::NextPane, Action::FilterMenu],
        ),
        // An 80×24 terminal: one pane with tabs, searching for "rst".
        (
            "screen-search-80x24",
            refused,
            (80, 24),
            vec![
                Action::NextPane,
                Action::NextPane,
                Action::SearchStart,
                Action::SearchChar('r'),
                Action::SearchChar('s'),
                Action::SearchChar('t'),
            ],
        ),
        // The sessions list of the real coturn capture sorted by state
        // (`o` four times): the two clients with wrong credentials first.
        (
            "screen-sessions",
            coturn,
            (120, 22),
            vec![
                Action::Sessions,
                Action::Down,
                Action::Down,
                Action::Down,
                Action::Down,
                Action::SortNext,
                Action::SortNext,
                Action::SortNext,
                Action::SortNext,
            ],
        ),
        // The fifth session's ladder alone: lanes by port on loopback,
        // each lane's address under its title, the legend at the bottom.
        (
            "screen-session-ladder",
            coturn,
            (120, 40),
            vec![
                Action::Sessions,
                Action::Down,
                Action::Down,
                Action::Down,
                Action::Down,
                Action::Enter,
            ],
        ),
        // The flows table sorted by bytes, largest first.
        (
            "screen-flows-by-bytes",
            "tcp-outcomes.pcap",
            (100, 16),
            vec![
                Action::SortNext,
                Action::SortNext,
                Action::SortNext,
                Action::SortNext,
                Action::SortNext,
                Action::SortReverse,
            ],
        ),
    ];
    for (file, name, size, actions) in screens {
        let mut a = app(name, size);
        drive(&mut a, name, actions);
        let path = assets.join(format!("{file}.svg"));
        std::fs::write(&path, svg(&render(&a))).expect("write svg");
        println!("{}", path.display());
    }
}
