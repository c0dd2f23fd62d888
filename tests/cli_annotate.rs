//! `edgecap annotate` end to end: the real binary copies every bundled
//! capture into pcapng, and the copy is read back with the project's reader
//! (every packet byte for byte, with its interface and time) and with tshark
//! (the same per-frame view as the original; a `frame.comment` on exactly the
//! evidence frames of edgecap's findings and the frames of MS-TURN messages in
//! pseudo-TLS; the findings in the capture comment). tshark is required
//! (`scripts/test.sh` installs it).

mod common;

use common::{all_captures, edgecap};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A directory of this test's own (tests run in parallel).
fn out_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "edgecap-cli-annotate-{}-{test}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn annotate(capture: &Path, test: &str) -> PathBuf {
    let name = capture.file_name().expect("name").to_string_lossy();
    let out = out_dir(test).join(format!("{name}.annotated.pcapng"));
    let _ = std::fs::remove_file(&out);
    let o = edgecap(&[
        "annotate",
        capture.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "annotate {name}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// tshark's fields of every frame (stderr ignored: a damaged original ends
/// with an error after its last frame).
fn tshark(file: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-n")
        .arg("-r")
        .arg(file)
        .args(args)
        .output()
        .expect("tshark must be installed (scripts/test.sh installs it)");
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

const VIEW: [&str; 14] = [
    "-T",
    "fields",
    "-e",
    "frame.number",
    "-e",
    "frame.len",
    "-e",
    "frame.cap_len",
    "-e",
    "frame.time_epoch",
    "-e",
    "frame.protocols",
    "-e",
    "_ws.col.Info",
];

/// Whether two lines of [`VIEW`] agree, the time aside when the original
/// has none: a Simple Packet Block has no timestamp, and its copy (an
/// Enhanced Packet Block) carries the time edgecap reads for it, the
/// previous frame's.
fn same_view(original: &str, copy: &str) -> bool {
    let (mut a, mut b): (Vec<&str>, Vec<&str>) =
        (original.split('\t').collect(), copy.split('\t').collect());
    if a.get(3) == Some(&"") && b.len() > 3 {
        a.remove(3);
        b.remove(3);
    }
    a == b
}

fn frames(file: &Path) -> Vec<(u64, Vec<u8>, u32, i64)> {
    let mut r = edgecap_capture::open_capture(file).expect("opens");
    let mut v = Vec::new();
    while let Some(f) = r.next_frame() {
        v.push((f.no.0, f.data.to_vec(), f.orig_len, f.ts.0));
    }
    v
}

#[test]
fn every_capture_is_copied_packet_for_packet() {
    for capture in all_captures() {
        let name = capture
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let copy = annotate(&capture, "packets");
        let (a, b) = (frames(&capture), frames(&copy));
        assert_eq!(a.len(), b.len(), "{name}: packets");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!((&x.1, x.2, x.3), (&y.1, y.2, y.3), "{name}: frame {}", x.0);
        }
        // tshark sees the same frames; on a damaged original it stops at the
        // damage, and the copy goes on with the frames edgecap recovered.
        let (ta, tb) = (tshark(&capture, &VIEW), tshark(&copy, &VIEW));
        assert!(!tb.is_empty(), "{name}");
        assert!(tb.len() >= ta.len(), "{name}");
        for (x, y) in ta.iter().zip(&tb) {
            assert!(same_view(x, y), "{name}: tshark's view {x:?} vs {y:?}");
        }
        if !name.starts_with("damaged-") {
            assert_eq!(ta.len(), tb.len(), "{name}");
        }
    }
    let _ = std::fs::remove_dir_all(out_dir("packets"));
}

/// A finding's evidence frames and its `SEVERITY id`.
type Evidence = (Vec<u64>, String);

/// From `summary --json-lines`: findings as (frames, "SEV id") and the
/// frames of MS-TURN messages in pseudo-TLS.
fn expected(capture: &Path) -> (Vec<Evidence>, BTreeSet<u64>, usize) {
    let o = edgecap(&[
        "summary",
        "--json-lines",
        "--fail-on",
        "none",
        capture.to_str().expect("utf-8"),
    ]);
    let mut findings = Vec::new();
    let mut ms = BTreeSet::new();
    for line in String::from_utf8(o.stdout).expect("UTF-8").lines() {
        let v: Value = serde_json::from_str(line).expect("JSON line");
        match v["type"].as_str() {
            Some("finding") => {
                let f = &v["finding"];
                let frames = f["frames"]
                    .as_array()
                    .expect("frames")
                    .iter()
                    .map(|n| n.as_u64().expect("frame"))
                    .collect();
                let sev = f["severity"].as_str().expect("severity").to_uppercase();
                findings.push((frames, format!("{sev} {}", f["id"].as_str().expect("id"))));
            }
            Some("stun") if v["stun"]["framing"] == "pseudo-tls+ms-turn" => {
                ms.insert(v["stun"]["frame"].as_u64().expect("frame"));
            }
            _ => {}
        }
    }
    let n = findings.len();
    (findings, ms, n)
}

#[test]
fn comments_sit_on_evidence_and_ms_turn_frames() {
    let mut commented_captures = 0;
    for capture in all_captures() {
        let name = capture
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let copy = annotate(&capture, "comments");
        let lines = tshark(
            &copy,
            &[
                "-Y",
                "frame.comment",
                "-T",
                "fields",
                "-E",
                "occurrence=a",
                "-E",
                "aggregator=\u{1}",
                "-e",
                "frame.number",
                "-e",
                "frame.comment",
            ],
        );
        let mut got: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for l in &lines {
            let (n, c) = l.split_once('\t').expect("two columns");
            let comments = c.split('\u{1}').map(str::to_owned).collect();
            got.insert(n.parse().expect("frame"), comments);
        }
        let (findings, ms, n_findings) = expected(&capture);
        let mut allowed = BTreeSet::new();
        for (frames, head) in &findings {
            let prefix = format!("edgecap {head}: ");
            for f in frames {
                let c = got.get(f).cloned().unwrap_or_default();
                assert!(
                    c.iter().any(|t| t.starts_with(&prefix)),
                    "{name} frame {f}: no {prefix:?} in {c:?}"
                );
                allowed.insert(*f);
            }
        }
        for f in &ms {
            let c = got.get(f).cloned().unwrap_or_default();
            assert!(
                c.iter().any(|t| t.starts_with("edgecap MS-TURN ")),
                "{name} frame {f}: {c:?}"
            );
            allowed.insert(*f);
        }
        for (f, c) in &got {
            let hello = c
                .iter()
                .all(|t| t.starts_with("edgecap MS-TURN pseudo-TLS "));
            assert!(allowed.contains(f) || hello, "{name} frame {f}: {c:?}");
            for t in c {
                assert!(t.chars().count() <= 400, "{name} frame {f}: too long");
                assert!(
                    !t.chars().any(edgecap_core::safe::is_unsafe_char),
                    "{name} frame {f}: {t:?}"
                );
            }
        }
        // The capture comment lists every finding.
        let info = Command::new("capinfos")
            .arg("-k")
            .arg(&copy)
            .output()
            .expect("capinfos (Debian package wireshark-common, installed with tshark)");
        let info = String::from_utf8_lossy(&info.stdout);
        let plural = if n_findings == 1 { "" } else { "s" };
        assert!(
            info.contains(&format!(": {n_findings} finding{plural}")),
            "{name}: {info}"
        );
        for (_, head) in &findings {
            assert!(
                info.contains(&format!("{head}: ")),
                "{name}: {head} in {info}"
            );
        }
        commented_captures += usize::from(!got.is_empty());
    }
    assert!(commented_captures >= 8, "{commented_captures}");
    let _ = std::fs::remove_dir_all(out_dir("comments"));
}

#[test]
fn pseudo_tls_frames_carry_the_ms_turn_story() {
    let capture = common::captures_dir().join("msturn-tcp443.pcap");
    let copy = annotate(&capture, "story");
    let lines = tshark(
        &copy,
        &[
            "-Y",
            "frame.comment contains \"MS-TURN\"",
            "-T",
            "fields",
            "-e",
            "frame.number",
        ],
    );
    // The two hellos and the seven messages the captures README lists.
    assert_eq!(
        lines,
        ["4", "5", "7", "8", "10", "11", "13", "14", "16"],
        "{lines:?}"
    );
    // Running again never overwrites the copy.
    let o = edgecap(&[
        "annotate",
        capture.to_str().expect("utf-8"),
        "-o",
        copy.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("exists already; not overwritten"));
    let _ = std::fs::remove_dir_all(out_dir("story"));
}
