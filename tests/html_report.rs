//! `edgecap report` in a real browser: the real binary writes the HTML page
//! of two bundled captures, headless Chromium loads it (no console message,
//! no refused load: the page fetches nothing) and dumps the DOM it built,
//! whose SVG must hold one lane per column and one row per arrow of the
//! ladder `edgecap ladder --format mermaid` exports (same titles, frames,
//! senders and receivers, failures drawn as such, in order); a screenshot
//! and a print to PDF are rendered too.
//! Chromium is required (`scripts/test.sh` installs Debian's `chromium`).

mod common;

use common::{captures_dir, edgecap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn out_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgecap-html-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Headless Chromium on `page` with `args`; its own profile directory, no
/// sandbox (CI runs as root).
fn chromium(page: &Path, args: &[&str], profile: &Path) -> Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium must be installed (scripts/test.sh installs it)")
}

/// A ladder row: frame, sender lane, receiver lane, drawn as a failure.
type Row = (String, String, String, bool);

/// Lanes (index, title) the rows use and every arrow, from the Mermaid
/// export (`P0->>P1: [frame] label`, `-x` for failures).
fn mermaid_ladder(capture: &Path) -> (Vec<(usize, String)>, Vec<Row>) {
    let o = edgecap(&[
        "ladder",
        "--format",
        "mermaid",
        capture.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).expect("UTF-8");
    let mut lanes = Vec::new();
    let mut rows = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("participant P") {
            let (n, title) = rest.split_once(" as ").expect("participant title");
            lanes.push((n.parse().expect("lane index"), title.to_string()));
        } else if let Some((arrow, label)) = line.split_once(": [") {
            let (from, to, bad) = match arrow.split_once("->>") {
                Some((a, b)) => (a, b, false),
                None => {
                    let (a, b) = arrow.split_once("-x").expect("an arrow");
                    (a, b, true)
                }
            };
            let frame = label.split(']').next().expect("frame");
            let idx = |p: &str| p.trim_start_matches('P').to_string();
            rows.push((frame.to_string(), idx(from), idx(to), bad));
        }
    }
    (lanes, rows)
}

/// The value of attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=\"");
    let at = tag.find(&key).unwrap_or_else(|| panic!("{name} in {tag}")) + key.len();
    let end = tag[at..].find('"').expect("closing quote");
    &tag[at..at + end]
}

/// Tags of the DOM that start with `prefix`, as text up to their `>`.
fn tags<'a>(dom: &'a str, prefix: &str) -> Vec<&'a str> {
    dom.match_indices(prefix)
        .map(|(i, _)| {
            let end = dom[i..].find('>').expect("tag end");
            &dom[i..i + end]
        })
        .collect()
}

fn check(capture_name: &str) {
    let capture = captures_dir().join(capture_name);
    let dir = out_dir();
    let page = dir.join(format!("{capture_name}.html"));
    let _ = std::fs::remove_file(&page);
    let o = edgecap(&[
        "report",
        capture.to_str().expect("utf-8"),
        "-o",
        page.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let profile = dir.join(format!("profile-{capture_name}"));
    let dump = chromium(&page, &["--dump-dom"], &profile);
    assert!(dump.status.success(), "chromium failed: {dump:?}");
    let log = String::from_utf8_lossy(&dump.stderr);
    for bad in [
        "CONSOLE",
        "Refused to",
        "Uncaught",
        "Failed to load resource",
    ] {
        assert!(
            !log.contains(bad),
            "{capture_name}: {bad} in the browser log:\n{log}"
        );
    }
    let dom = String::from_utf8(dump.stdout).expect("UTF-8 DOM");
    assert!(dom.contains("<svg class=\"ladder\""), "{capture_name}");
    assert!(dom.trim_end().ends_with("</html>"), "{capture_name}");

    let (lanes, rows) = mermaid_ladder(&capture);
    assert!(lanes.len() >= 2 && rows.len() >= 5, "{lanes:?} {rows:?}");
    // Mermaid names a participant by its lane's title and addresses.
    let dom_lanes: Vec<String> = tags(&dom, "<g class=\"lane\"")
        .iter()
        .map(|t| match attr(t, "data-hosts") {
            "" => attr(t, "data-title").to_string(),
            hosts => format!("{} {hosts}", attr(t, "data-title")),
        })
        .collect();
    for (i, title) in &lanes {
        assert_eq!(dom_lanes.get(*i), Some(title), "{capture_name}: lane {i}");
    }
    let dom_rows: Vec<Row> = tags(&dom, "<g class=\"row ")
        .iter()
        .map(|t| {
            (
                attr(t, "data-frame").to_string(),
                attr(t, "data-from").to_string(),
                attr(t, "data-to").to_string(),
                attr(t, "class") == "row bad",
            )
        })
        .collect();
    assert_eq!(dom_rows, rows, "{capture_name}: rows");

    let png = dir.join(format!("{capture_name}.png"));
    let shot = chromium(
        &page,
        &[
            "--window-size=1280,1700",
            &format!("--screenshot={}", png.display()),
        ],
        &profile,
    );
    assert!(shot.status.success(), "{shot:?}");
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height as asked.
    assert_eq!(
        u32::from_be_bytes(bytes[16..20].try_into().expect("4")),
        1280
    );
    assert_eq!(
        u32::from_be_bytes(bytes[20..24].try_into().expect("4")),
        1700
    );

    // And printed (the page's print style sheet), as a ticket attachment.
    let pdf = dir.join(format!("{capture_name}.pdf"));
    let printed = chromium(
        &page,
        &[
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", pdf.display()),
        ],
        &profile,
    );
    assert!(printed.status.success(), "{printed:?}");
    let bytes = std::fs::read(&pdf).expect("PDF written");
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() > 10_000,
        "{}",
        bytes.len()
    );
    let _ = std::fs::remove_dir_all(&profile);
    for f in [page, png, pdf] {
        let _ = std::fs::remove_file(f);
    }
}

#[test]
fn desktop_sharing_report_renders_its_ladder() {
    check("field-desktop-sharing-refused.pcap");
}

#[test]
fn healthy_call_report_renders_its_ladder() {
    check("field-healthy-call.pcap");
}
