//! `edgecap summary --json-lines` against `--json` on the same capture, and
//! the `--json` caps (`MAX_JSON_FLOWS`, `MAX_JSON_MESSAGES`,
//! `MAX_JSON_FINDINGS`) on a capture built above them.

mod common;

use common::{all_captures, captures_dir, edgecap, summary_json};
use edgecap::report::json::{MAX_JSON_FINDINGS, MAX_JSON_FLOWS, MAX_JSON_MESSAGES};
use edgecap::report::jsonl::KINDS;
use edgecap_capture::{LinkType, Timestamp};
use edgecap_testkit::link;
use edgecap_testkit::stun::{rfc, rfc_txid_from};
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::IpBuilder;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::path::Path;

/// Runs `edgecap summary --json-lines --fail-on none PATH`, asserts exit 0
/// and parses every line.
fn summary_lines(path: &Path) -> Vec<Value> {
    let path = path.to_str().expect("utf-8 path");
    let out = edgecap(&["summary", "--json-lines", "--fail-on", "none", path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{path}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.ends_with('\n'), "{path}: last line not terminated");
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path}: {e}: {l}")))
        .collect()
}

fn kind(line: &Value) -> &str {
    line["type"].as_str().expect("a string type tag")
}

/// The entries of the lines of `kind` (the object under the key `kind`).
fn entries<'a>(lines: &'a [Value], kind_: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|l| kind(l) == kind_)
        .map(|l| &l[kind_])
        .collect()
}

fn array(doc: &Value, key: &str) -> Vec<Value> {
    doc[key].as_array().expect("an array").clone()
}

/// Shape: `capture` first, `end` last, kinds in order, every line
/// `{"type": K, K: …}` with the tag first; the `end` counts match.
fn check_shape(path: &Path, lines: &[Value], raw_first_keys: &[String]) {
    let name = path.display();
    assert_eq!(kind(&lines[0]), "capture", "{name}");
    assert_eq!(kind(lines.last().expect("lines")), "end", "{name}");
    assert!(raw_first_keys.iter().all(|k| k == "type"), "{name}");
    let mut last = 0;
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for l in &lines[1..lines.len() - 1] {
        let k = kind(l);
        let pos = KINDS
            .iter()
            .position(|x| *x == k)
            .unwrap_or_else(|| panic!("{name}: unknown type {k}"));
        assert!(pos >= last, "{name}: {k} after {}", KINDS[last]);
        last = pos;
        let obj = l.as_object().expect("object");
        assert_eq!(obj.len(), 2, "{name}: {l}");
        assert!(obj.contains_key(k), "{name}: {l}");
        *counts.entry(k).or_default() += 1;
    }
    let end = &lines.last().expect("end")["end"];
    let end_obj = end.as_object().expect("end object");
    let mut kinds = KINDS.to_vec();
    kinds.sort_unstable();
    assert_eq!(end_obj.keys().collect::<Vec<_>>(), kinds, "{name}");
    for k in KINDS {
        assert_eq!(
            end[k].as_u64(),
            Some(counts.get(k).copied().unwrap_or(0)),
            "{name}: end count of {k}"
        );
    }
}

/// The first key of each line, read from the raw text (serde_json's `Value`
/// sorts keys).
fn first_keys(path: &Path) -> Vec<String> {
    let out = edgecap(&[
        "summary",
        "--json-lines",
        "--fail-on",
        "none",
        path.to_str().expect("utf-8"),
    ]);
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let rest = l.strip_prefix("{\"").expect("an object with a key");
            rest[..rest.find('"').expect("key end")].to_string()
        })
        .collect()
}

#[test]
fn json_lines_of_every_capture_match_the_json_document() {
    for path in all_captures() {
        let name = path.display();
        let doc = summary_json(&path);
        let lines = summary_lines(&path);
        check_shape(&path, &lines, &first_keys(&path));
        assert!(
            doc.get("omitted").is_none(),
            "{name}: a bundled capture hit a cap"
        );
        assert_eq!(lines[0]["capture"], doc["capture"], "{name}");
        assert_eq!(
            lines[0]["edgecap_version"], doc["edgecap_version"],
            "{name}"
        );
        for (k, key) in [
            ("flow", "flows"),
            ("stun", "stun"),
            ("tls", "tls"),
            ("allocation", "allocations"),
            ("turn_channel", "turn_channels"),
            ("role", "roles"),
            ("finding", "findings"),
        ] {
            let got: Vec<Value> = entries(&lines, k).into_iter().cloned().collect();
            assert_eq!(got, array(&doc, key), "{name}: {k} lines vs {key}");
        }
        let anomalies: serde_json::Map<String, Value> = entries(&lines, "anomaly")
            .into_iter()
            .map(|a| {
                let id = a["id"].as_str().expect("id").to_string();
                (id, a["count"].clone())
            })
            .collect();
        assert_eq!(
            Value::Object(anomalies),
            doc["anomalies"]["counts"],
            "{name}"
        );
    }
}

#[test]
fn json_lines_keep_the_json_escaping_of_capture_strings() {
    let path = captures_dir().join("hostile-strings.pcap");
    let out = edgecap(&[
        "summary",
        "--json-lines",
        "--fail-on",
        "none",
        path.to_str().expect("utf-8"),
    ]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(!text.bytes().any(|b| b < 0x20 && b != b'\n'), "{text}");
    assert!(!text.contains("\\u001b"), "{text}");
    assert!(!text.contains('\u{202e}'), "{text}");
    assert!(!text.contains('\u{9b}'), "{text}");
    // USER, ESC [31m RED, …: hex, as in the `--json` document.
    assert!(
        text.contains("\"username\":\"hex:757365721b5b33316d"),
        "{text}"
    );
}

#[test]
fn json_lines_exit_codes_follow_fail_on_and_conflict_with_json() {
    let cap = captures_dir().join("coturn-loopback.pcap");
    let cap = cap.to_str().expect("utf-8");
    // The coturn capture has error findings.
    for args in [
        &["summary", "--json", cap][..],
        &["summary", "--json-lines", cap][..],
    ] {
        assert_eq!(edgecap(args).status.code(), Some(1), "{args:?}");
    }
    let out = edgecap(&["summary", "--json-lines", "--fail-on", "none", cap]);
    assert_eq!(out.status.code(), Some(0));
    let out = edgecap(&["summary", "--json", "--json-lines", cap]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot be used with"), "{err}");
}

/// `n` one-packet UDP flows, each a STUN Binding request from its own
/// client port to its own server (198.18.0.0/15): every unanswered request
/// is a finding of its own (alike findings to one server would be one).
fn binding_flood(n: u32) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).expect("pcap header");
    let mut ts = Timestamp::from_secs_nanos(1_795_683_600, 0);
    for i in 0..n {
        let mut id = [0u8; 12];
        id[..4].copy_from_slice(&i.to_be_bytes());
        let msg = rfc(0x0001, &rfc_txid_from(id), &[]).bytes();
        let client = Ipv4Addr::from(0x0a00_0000 | (i / 50_000));
        let port = 10_000 + (i % 50_000) as u16;
        let server = Ipv4Addr::from(0xc612_0000 | i);
        let ip = IpBuilder::new(client, server).udp(port, 3478, &msg);
        let frame = link::wrap(LinkType::ETHERNET, &ip);
        w.write_packet(ts, &frame, frame.len() as u32)
            .expect("write packet");
        ts = Timestamp(ts.0 + 1_000);
    }
    w.into_inner().expect("finish capture")
}

#[test]
fn json_caps_flows_and_messages_and_json_lines_list_everything() {
    assert_eq!(MAX_JSON_FLOWS, MAX_JSON_MESSAGES);
    let n = MAX_JSON_FLOWS as u32 + 3;
    let dir = std::env::temp_dir().join(format!("edgecap-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let path = dir.join("binding-flood.pcap");
    std::fs::write(&path, binding_flood(n)).expect("write capture");

    let doc = summary_json(&path);
    let flows = array(&doc, "flows");
    let stun = array(&doc, "stun");
    assert_eq!(flows.len(), MAX_JSON_FLOWS);
    assert_eq!(stun.len(), MAX_JSON_MESSAGES);
    // The first ones, in capture order.
    assert_eq!(flows[0]["id"], 0);
    assert_eq!(flows[MAX_JSON_FLOWS - 1]["id"], MAX_JSON_FLOWS - 1);
    assert_eq!(stun[MAX_JSON_MESSAGES - 1]["frame"], MAX_JSON_MESSAGES);
    // Each unanswered Binding request is a finding: more than the cap too.
    assert_eq!(array(&doc, "findings").len(), MAX_JSON_FINDINGS);
    let findings_omitted = doc["omitted"]["findings"]
        .as_u64()
        .expect("findings omitted");
    assert!(findings_omitted > 0);
    assert_eq!(
        doc["omitted"],
        json!({ "flows": 3, "stun": 3, "tls": 0, "allocations": 0, "turn_channels": 0,
                "roles": 0, "findings": findings_omitted })
    );

    // Every line is tagged; parsing all 20,000 in a debug build costs
    // seconds, so the lines are counted by their tag and a sample (every
    // 97th flow and message, and those around the cap) is compared.
    let out = edgecap(&[
        "summary",
        "--json-lines",
        "--fail-on",
        "none",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let of_kind = |k: &str| -> Vec<&str> {
        let tag = format!("{{\"type\":\"{k}\",");
        text.lines().filter(|l| l.starts_with(&tag)).collect()
    };
    let (flow_lines, stun_lines) = (of_kind("flow"), of_kind("stun"));
    assert_eq!(flow_lines.len(), n as usize);
    assert_eq!(stun_lines.len(), n as usize);
    let end: Value = serde_json::from_str(text.lines().last().expect("end")).expect("end");
    assert_eq!(end["end"]["flow"], n);
    assert_eq!(end["end"]["stun"], n);
    assert_eq!(
        end["end"]["finding"],
        MAX_JSON_FINDINGS as u64 + findings_omitted
    );
    assert_eq!(
        of_kind("finding").len() as u64,
        MAX_JSON_FINDINGS as u64 + findings_omitted
    );
    let parse = |l: &str, k: &str| -> Value {
        serde_json::from_str::<Value>(l).expect("a JSON line")[k].clone()
    };
    let cap = MAX_JSON_FLOWS;
    let sample = (0..n as usize)
        .step_by(97)
        .chain([cap - 1, cap, n as usize - 1]);
    for i in sample {
        let (flow, msg) = (parse(flow_lines[i], "flow"), parse(stun_lines[i], "stun"));
        assert_eq!(flow["id"], i, "flow line {i}");
        assert_eq!(msg["frame"], i + 1, "stun line {i}");
        if i < cap {
            assert_eq!(flow, flows[i], "flow {i}");
            assert_eq!(msg, stun[i], "stun {i}");
        }
    }
    if std::env::var_os("KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
