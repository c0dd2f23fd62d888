//! End-to-end tests of `edgecap ladder`: the text and Mermaid exports of
//! the committed captures, `--flow` selection and its usage errors, and
//! that no control character from a hostile capture reaches standard output.
//! The desktop-sharing exports are pinned as insta snapshots.

mod common;

use common::{cap, edgecap, summary_json};

/// Runs `edgecap ladder ARGS…`, asserts exit 0, returns standard output.
fn ladder(args: &[&str]) -> String {
    let mut all = vec!["ladder"];
    all.extend_from_slice(args);
    let out = edgecap(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "edgecap {all:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The frame number of each text ladder row (the two header lines skipped:
/// lane titles, then their addresses).
fn frames(text: &str) -> Vec<u64> {
    text.lines()
        .skip(2)
        .map(|l| {
            let frame = l.split_whitespace().nth(1).expect("frame column");
            frame.parse().expect("frame number")
        })
        .collect()
}

/// Mermaid message lines: everything but the header and participants.
fn messages(mermaid: &str) -> Vec<&str> {
    mermaid
        .lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("participant "))
        .collect()
}

const REFUSED: &str = "field-desktop-sharing-refused.pcap";

#[test]
fn text_ladder_of_the_refused_desktop_sharing() {
    let text = ladder(&[&cap(REFUSED)]);
    let header = text.lines().next().expect("header");
    assert!(header.starts_with("time (s)  frame"), "{text}");
    for col in ["client", "internal edge", "external edge", "remote edge"] {
        assert!(header.contains(col), "{col} missing: {text}");
    }
    assert!(text.contains("Allocate ✓ relay 2.2.2.2:58138"), "{text}");
    let refused: Vec<&str> = text
        .lines()
        .filter(|l| l.ends_with("RST (refused)"))
        .collect();
    assert_eq!(refused.len(), 3, "{text}");
    assert!(refused.iter().all(|l| l.contains("◀─")), "{text}");
    let f = frames(&text);
    assert!(
        f.windows(2).all(|w| w[0] <= w[1]),
        "rows in frame order: {f:?}"
    );
    let abs = ladder(&["--time", "absolute", &cap(REFUSED)]);
    assert!(abs.starts_with("time (UTC)"), "{abs}");
    assert!(
        abs.lines().nth(2).expect("row").starts_with("15:00:00.000"),
        "{abs}"
    );
    let delta = ladder(&["--time", "delta", &cap(REFUSED)]);
    assert!(
        delta.lines().nth(2).expect("row").starts_with("+0.000000"),
        "{delta}"
    );
}

#[test]
fn mermaid_has_one_message_per_text_row() {
    let text = ladder(&[&cap(REFUSED)]);
    let m = ladder(&["--format", "mermaid", &cap(REFUSED)]);
    assert!(m.starts_with("sequenceDiagram\n"), "{m}");
    let msgs = messages(&m);
    assert_eq!(msgs.len(), text.lines().count() - 2, "{m}");
    assert_eq!(msgs.iter().filter(|l| l.contains("-x")).count(), 3, "{m}");
    assert!(
        m.contains("participant P0 as client 10.98.2.1\n"),
        "participants named by role: {m}"
    );
    // `:` in the relayed address is encoded so Mermaid cannot misread it.
    assert!(m.contains("Allocate ✓ relay 2.2.2.2#58;58138"), "{m}");
}

#[test]
fn flow_selects_the_rows_of_that_flow() {
    let doc = summary_json(std::path::Path::new(&cap(REFUSED)));
    let flow = &doc["flows"][1];
    let (first, last) = (
        flow["first_frame"].as_u64().expect("first"),
        flow["last_frame"].as_u64().expect("last"),
    );
    let all = frames(&ladder(&[&cap(REFUSED)]));
    let one = frames(&ladder(&["--flow", "1", &cap(REFUSED)]));
    assert!(
        !one.is_empty() && one.len() < all.len(),
        "{one:?} of {all:?}"
    );
    assert!(
        one.iter().all(|f| (first..=last).contains(f)),
        "{one:?} outside frames {first}-{last}"
    );
    let two = frames(&ladder(&["--flow", "1", "--flow", "2", &cap(REFUSED)]));
    assert!(two.len() > one.len() && one.iter().all(|f| two.contains(f)));
    let m = ladder(&["--flow", "1", "--format", "mermaid", &cap(REFUSED)]);
    assert_eq!(messages(&m).len(), one.len(), "{m}");
    assert!(
        !m.contains("as client"),
        "only the columns flow 1 uses: {m}"
    );
}

#[test]
fn bad_flows_and_formats_are_usage_errors() {
    let out = edgecap(&["ladder", "--flow", "99", &cap(REFUSED)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--flow 99") && err.contains("0-3"), "{err}");
    let p = cap(REFUSED);
    let p = p.as_str();
    for args in [
        &["ladder", "--flow", "one", p][..],
        &["ladder", "--format", "svg", p],
        &["ladder", "--time", "local", p],
        &["ladder", "captures/no-such-file.pcap"],
    ] {
        let out = edgecap(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn no_control_character_from_a_hostile_capture_reaches_stdout() {
    for format in ["text", "mermaid"] {
        let out = ladder(&["--format", format, &cap("hostile-strings.pcap")]);
        assert!(out.lines().count() > 1, "{format}: nothing exported: {out}");
        let bad: Vec<char> = out
            .chars()
            .filter(|&c| c != '\n' && (c.is_control() || c == '\u{1b}'))
            .collect();
        assert!(bad.is_empty(), "{format}: {bad:?} in\n{out}");
    }
}

#[test]
fn every_capture_exports_in_both_formats() {
    for path in common::all_captures() {
        let path = path.to_str().expect("utf-8");
        let text = ladder(&[path]);
        let m = ladder(&["--format", "mermaid", path]);
        assert_eq!(
            messages(&m).len(),
            text.lines().count() - 2,
            "{path}:\n{text}\n{m}"
        );
    }
}

#[test]
fn desktop_sharing_exports_match_their_snapshots() {
    // Relative to the package root (the tests' working directory).
    let path = format!("captures/{REFUSED}");
    insta::assert_snapshot!("desktop-sharing-refused.txt", ladder(&[path.as_str()]));
    insta::assert_snapshot!(
        "desktop-sharing-refused.mermaid",
        ladder(&["--format", "mermaid", path.as_str()])
    );
}

/// Windows retries a refused SYN on the same tuple with the same ISN: one
/// flow, three refused attempts — every SYN and RST is a ladder row, and
/// the summary's ladder line counts the attempts.
#[test]
fn same_isn_retries_are_every_one_a_row() {
    let path = common::captures_dir().join("field-syn-retry-same-isn.pcap");
    let path = path.to_str().expect("utf-8 path");
    let out = common::edgecap(&["ladder", path]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let rows = |label: &str| text.lines().filter(|l| l.contains(label)).count();
    assert_eq!(rows("SYN → port 50704"), 3, "{text}");
    assert_eq!(rows("RST (refused)"), 3, "{text}");
    assert!(text.contains("(retry 2)"), "{text}");
    let out = common::edgecap(&[
        "summary",
        "--role",
        "10.3.0.40=external_edge",
        "--role",
        "1.1.1.1=remote_edge",
        path,
    ]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("refused 3 times  frames 1-6"), "{text}");
    assert!(text.contains("refused 3 times (RST, frames 1-6)"), "{text}");
}

#[test]
fn a_loopback_capture_is_drawn_between_port_lanes() {
    let text = ladder(&[&cap("coturn-loopback.pcap")]);
    let mut lines = text.lines();
    let titles = lines.next().expect("titles");
    let hosts = lines.next().expect("addresses");
    assert_eq!(titles.matches("external edge").count(), 2, "{text}");
    assert!(
        hosts.contains("127.0.0.1:*") && hosts.contains("127.0.0.1:3478"),
        "{text}"
    );
    assert!(!text.contains('↺'), "{text}");
    // Each Allocate goes from the client ports to the TURN server's port.
    let allocates: Vec<&str> = text.lines().filter(|l| l.ends_with(" Allocate")).collect();
    assert!(!allocates.is_empty());
    assert!(
        allocates
            .iter()
            .all(|l| l.contains("●───") && l.contains("▶")),
        "{text}"
    );
    let m = ladder(&["--format", "mermaid", &cap("coturn-loopback.pcap")]);
    assert!(
        m.contains("participant P0 as external edge 127.0.0.1#58;*\n"),
        "{m}"
    );
    assert!(
        m.contains("participant P1 as external edge 127.0.0.1#58;3478\n"),
        "{m}"
    );
}
