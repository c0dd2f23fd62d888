//! The detail pane of SIP rows: the decoded message, its diagnostics and
//! SDP candidates, the MRAS credentials without the password.

use super::*;
use edgecap_analyze::{analyze_capture, diagnose, AnalyzeOptions, EdgeConfig};
use std::path::Path;

fn loaded() -> Loaded {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/sip-signalling.pcap");
    let reader = edgecap_capture::open_capture(&path).expect("capture");
    let a = analyze_capture(reader, "sip-signalling.pcap", &AnalyzeOptions::default());
    let d = diagnose(&a, &EdgeConfig::default());
    Loaded::new(a, d)
}

fn text_of(l: &Loaded, frame: u64, label_starts: &str) -> String {
    let row = l
        .index
        .rows
        .iter()
        .find(|r| r.frame.0 == frame && r.label.starts_with(label_starts))
        .unwrap_or_else(|| panic!("no row {label_starts} at frame {frame}"));
    detail_lines(l, row)
        .iter()
        .map(|d| d.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn sip_rows_show_the_decoded_message() {
    let l = loaded();
    let t = text_of(&l, 5, "504");
    assert!(t.contains("SIP/2.0 504 Server time-out"), "{t}");
    assert!(t.contains("ms-diagnostics 1038"));
    assert!(t.contains("  Port 5062"));
    let t = text_of(&l, 8, "200 OK");
    assert!(
        t.contains("password present (28 characters, not shown)"),
        "{t}"
    );
    assert!(!t.contains(edgecap_testkit::samples::MRAS_PASSWORD));
    let t = text_of(&l, 12, "200 OK");
    assert!(t.contains("    RemoteMR 2.2.2.2:58138"), "{t}");
    assert!(t.contains("relay 1 TCP-PASS 1.1.1.1:50704 raddr 10.26.10.50 rport 50058"));
}
