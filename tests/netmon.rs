//! Microsoft Network Monitor captures (issue 18). Every committed
//! `captures/*.cap` was written by Wireshark's `editcap -F netmon1|netmon2`
//! from a bundled pcap (`scripts/make-netmon-captures.sh`). For each:
//!
//! * `edgecap summary --json` equals the summary of the pcap it came from —
//!   flows, STUN messages, allocations, TLS, anomalies, roles, findings and
//!   the capture facts — except the file name and format (for
//!   `mixed-media.netmon2.cap`, field case 1 followed by token-ring frames,
//!   everything the Ethernet frames make);
//! * every frame's number, wire length and time equal tshark's reading of
//!   the `.cap` (`NAME.tshark.tsv`, recorded beside it in UTC), and its bytes
//!   equal the source pcap's frame;
//! * standard input and a gzip-compressed copy read the same as the file.

mod common;

use edgecap_capture::{CaptureReader, LinkType};
use std::path::{Path, PathBuf};

/// The NetMon captures and the pcap each was converted from.
fn netmon_captures() -> Vec<(PathBuf, PathBuf)> {
    let caps: Vec<(PathBuf, PathBuf)> = common::all_captures()
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let stem = if name == "mixed-media.netmon2.cap" {
                "field-desktop-sharing-refused"
            } else {
                name.strip_suffix(".netmon1.cap")
                    .or_else(|| name.strip_suffix(".netmon2.cap"))?
            };
            let source = common::captures_dir().join(format!("{stem}.pcap"));
            Some((p, source))
        })
        .collect();
    assert!(caps.len() >= 5, "NetMon captures missing: {caps:?}");
    caps
}

fn name(p: &Path) -> &str {
    p.file_name().and_then(|n| n.to_str()).expect("utf-8 name")
}

#[test]
fn summaries_equal_the_summaries_of_the_source_pcaps() {
    for (cap, source) in netmon_captures() {
        let file = name(&cap);
        let mut ours = common::summary_json(&cap);
        let mut theirs = common::summary_json(&source);
        let want_format = if file.contains(".netmon1.") {
            "netmon1"
        } else {
            "netmon2"
        };
        assert_eq!(ours["capture"]["format"], want_format, "{file}");
        assert_eq!(theirs["capture"]["format"], "pcap");
        for doc in [&mut ours, &mut theirs] {
            let capture = doc["capture"].as_object_mut().expect("capture object");
            capture.remove("file");
            capture.remove("format");
        }
        if file == "mixed-media.netmon2.cap" {
            for key in [
                "flows",
                "stun",
                "tls",
                "allocations",
                "turn_channels",
                "roles",
                "findings",
            ] {
                assert_eq!(ours[key], theirs[key], "{file}: {key}");
            }
            let links = &ours["capture"]["link_types"];
            assert_eq!(links[0]["linktype"], 1, "{file}: {links}");
            assert_eq!(links[1]["linktype"], 6, "{file}: token ring: {links}");
            assert_eq!(
                ours["anomalies"]["counts"]["link.unsupported_type"], 1,
                "{file}: the token-ring frames are reported, not decoded"
            );
            assert!(!ours["findings"].as_array().expect("findings").is_empty());
            continue;
        }
        assert_eq!(ours, theirs, "{file} vs {}", name(&source));
        assert!(
            ours["flows"].as_array().is_some_and(|f| !f.is_empty()),
            "{file}"
        );
    }
}

/// One frame as read.
#[derive(Debug, PartialEq)]
struct Frame {
    no: u64,
    nanos: i64,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
}

fn frames(path: &Path) -> Vec<Frame> {
    let mut r = CaptureReader::open(path).expect("opens");
    let mut out = Vec::new();
    while let Some(f) = r.next_frame() {
        out.push(Frame {
            no: f.no.0,
            nanos: f.ts.0,
            link: f.link,
            data: f.data.to_vec(),
            orig_len: f.orig_len,
        });
    }
    assert!(
        r.warnings().is_empty(),
        "{}: {:?}",
        path.display(),
        r.warnings()
    );
    out
}

/// tshark's `frame.time_epoch` ("1795683600.004999160") in nanoseconds.
fn epoch_nanos(epoch: &str) -> i64 {
    let (secs, frac) = epoch.split_once('.').unwrap_or((epoch, "0"));
    let frac: i64 = format!("{frac:0<9}")[..9].parse().expect("fraction");
    secs.parse::<i64>().expect("seconds") * 1_000_000_000 + frac
}

#[test]
fn frames_numbers_lengths_and_times_equal_tsharks_and_bytes_the_sources() {
    for (cap, source) in netmon_captures() {
        let file = name(&cap);
        let ours = frames(&cap);
        let tsv = std::fs::read_to_string(format!("{}.tshark.tsv", cap.display()))
            .unwrap_or_else(|e| panic!("{file}: {e}; run scripts/make-netmon-captures.sh"));
        let mut lines = tsv.lines();
        let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
        let col = |n: &str| header.iter().position(|h| *h == n).expect("column");
        let (c_no, c_len, c_time) = (
            col("frame.number"),
            col("frame.len"),
            col("frame.time_epoch"),
        );
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
        assert_eq!(ours.len(), rows.len(), "{file}: frame count vs tshark");
        for (f, row) in ours.iter().zip(&rows) {
            assert_eq!(f.no.to_string(), row[c_no], "{file}");
            assert_eq!(f.orig_len.to_string(), row[c_len], "{file} frame {}", f.no);
            assert_eq!(f.nanos, epoch_nanos(row[c_time]), "{file} frame {}", f.no);
        }
        let src = frames(&source);
        let ethernet: Vec<&Frame> = ours
            .iter()
            .filter(|f| f.link == LinkType::ETHERNET)
            .collect();
        assert_eq!(
            ethernet.len(),
            src.len(),
            "{file}: Ethernet frames vs the source"
        );
        for (a, b) in ethernet.iter().zip(&src) {
            assert_eq!(
                (a.no, &a.data, a.orig_len),
                (b.no, &b.data, b.orig_len),
                "{file}"
            );
            if file.contains(".netmon2.") {
                // 2.x keeps microseconds, the sources' resolution.
                assert_eq!(a.nanos, b.nanos, "{file} frame {}", a.no);
            } else {
                // 1.x keeps milliseconds: editcap rounds each offset.
                assert!(
                    (a.nanos - b.nanos).abs() <= 500_000,
                    "{file} frame {}",
                    a.no
                );
            }
        }
    }
}

/// `edgecap summary --json -` with `bytes` on standard input.
fn summary_of_stdin(bytes: &[u8]) -> serde_json::Value {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--json", "--fail-on", "none", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("edgecap runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(bytes)
        .expect("write stdin");
    let out = child.wait_with_output().expect("edgecap ends");
    assert_eq!(out.status.code(), Some(0));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

#[test]
fn standard_input_and_gzip_read_like_the_file() {
    for (cap, _) in netmon_captures() {
        let file = name(&cap);
        let bytes = std::fs::read(&cap).expect("read capture");
        let mut want = common::summary_json(&cap);
        want["capture"]["file"] = "-".into();
        assert_eq!(summary_of_stdin(&bytes), want, "{file} on standard input");
        let gz = edgecap_testkit::writer::gzip(&bytes);
        let mut got = summary_of_stdin(&gz);
        assert_eq!(got["capture"]["compressed"], true, "{file}");
        got["capture"]["compressed"] = false.into();
        assert_eq!(got, want, "{file} gzip-compressed on standard input");
    }
}
