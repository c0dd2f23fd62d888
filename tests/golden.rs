//! Golden tests: the text and JSON summaries of every field-case and
//! topology capture (`captures/field-*.pcap`, `topology-*.pcap`, `ice-*.pcap`),
//! and of the decoding-gap captures with their ladders, are pinned as insta
//! snapshots in
//! `tests/snapshots/`. A change in wording, order or values shows up as a
//! snapshot diff to review (`cargo insta review`, or rerun with
//! `INSTA_UPDATE=always` and read the diff).

mod common;

use common::{captures_dir, edgecap};

fn field_cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(captures_dir())
        .expect("captures/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| {
            ["field-", "topology-", "ice-"]
                .iter()
                .any(|p| n.starts_with(p))
                && n.ends_with(".pcap")
        })
        .collect();
    names.sort();
    names
}

fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = edgecap(args);
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

#[test]
fn field_case_summaries_match_their_snapshots() {
    let names = field_cases();
    assert!(
        names.len() >= 10,
        "expected the field-case and topology captures, found {names:?}"
    );
    for name in &names {
        // Relative to the package root (the tests' working directory), so the
        // file name in the output is the same on every machine.
        let path = format!("captures/{name}");
        let path = path.as_str();
        let stem = name.trim_end_matches(".pcap");
        let (code, text) = run(&["summary", "--color", "never", path]);
        assert!(matches!(code, Some(0) | Some(1)), "{name}: exit {code:?}");
        insta::assert_snapshot!(format!("{stem}.txt"), text);
        let (_, json) = run(&["summary", "--json", path]);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let json = serde_json::to_string_pretty(&doc).expect("json");
        insta::assert_snapshot!(format!("{stem}.json"), json);
    }
}

/// The captures of the decoding gaps of issue 12: ICMP errors quoting STUN,
/// a TLS 1.3 HelloRetryRequest, the modified pcap format and other
/// transports — text and JSON summaries and the ladder.
const DECODING_GAPS: [&str; 4] = [
    "icmp-unreachable.pcap",
    "tls13-hello-retry.pcap",
    "modified-format.pcap",
    "other-transports.pcap",
];

#[test]
fn decoding_gap_summaries_match_their_snapshots() {
    for name in DECODING_GAPS {
        let path = format!("captures/{name}");
        let path = path.as_str();
        let stem = name.trim_end_matches(".pcap");
        let (code, text) = run(&["summary", "--color", "never", path]);
        assert!(matches!(code, Some(0) | Some(1)), "{name}: exit {code:?}");
        insta::assert_snapshot!(format!("{stem}.txt"), text);
        let (_, json) = run(&["summary", "--json", path]);
        let doc: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let json = serde_json::to_string_pretty(&doc).expect("json");
        insta::assert_snapshot!(format!("{stem}.json"), json);
        let (code, ladder) = run(&["ladder", path]);
        assert_eq!(code, Some(0), "{name}: ladder exit");
        insta::assert_snapshot!(format!("{stem}.ladder"), ladder);
    }
}
