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

#[test]
fn a_row_only_the_front_end_log_holds_shows_where_it_is_written() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/sip-signalling.pcap");
    let reader = edgecap_capture::open_capture(&path).expect("capture");
    let a = analyze_capture(reader, "sip-signalling.pcap", &AnalyzeOptions::default());
    let d = diagnose(&a, &EdgeConfig::default());
    let log_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("captures/lync-fe-sipstack.txt");
    let mut log =
        crate::inputs::read_log(&log_path, edgecap_sip::log::LogKind::SipStack).expect("log");
    crate::inputs::correlate(&mut log, &a);
    let l = Loaded::with_logs(a, d, vec![log]);
    let row = l
        .index
        .rows
        .iter()
        .find(|r| matches!(r.source, RowSource::Log { .. }))
        .expect("the relayed SERVICE is a row of its own");
    let t: Vec<String> = detail_lines(&l, row).into_iter().map(|d| d.text).collect();
    assert!(
        t[0].contains("[log lync-fe-sipstack.txt:68]  from a log"),
        "{t:?}"
    );
    assert!(
        t.iter().any(|x| x
            .contains("lync-fe-sipstack.txt line 68  sent to edge-int.contoso.com:5062")
            && x.contains("not in the capture")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|x| x.contains("SERVICE sip:edge-int.contoso.com:5062")),
        "{t:?}"
    );
}
