//! Differential test of the SIP decoder: for every committed capture, the
//! SIP messages tshark 4.0 decodes (recorded by `scripts/record-tshark-sip.sh`
//! in `captures/NAME.sip.tsv`) must appear in `edgecap summary --json`'s `sip`
//! array at the same frame, in the same order within the frame, with the same
//! method or status code, Call-ID and CSeq. Conversely edgecap must decode no
//! SIP at frames tshark shows without SIP, except the known disagreements
//! below, which are checked to be exactly that.
//!
//! Known disagreement (tshark is wrong by RFC 5626 §3.5.1 and RFC 3261 §7.5,
//! which let CR/LF keep-alives precede a message on a stream): tshark 4.0
//! does not decode a TCP segment that starts with the `CRLF CRLF` keep-alive
//! followed by a message; edgecap skips the keep-alive and decodes it.

mod common;

use common::{all_captures, summary_json};
use serde_json::Value;
use std::collections::BTreeMap;

/// (capture, frame, method) that edgecap decodes and tshark does not.
const TSHARK_BLIND: &[(&str, u64, &str)] = &[("sip-signalling.pcap", 13, "ACK")];

/// Least number of messages compared per capture with SIP, so a re-recorded
/// TSV or a capture that lost its SIP cannot pass vacuously.
const MIN_COMPARED: &[(&str, usize)] = &[
    ("sip-signalling.pcap", 13),
    ("baresip-ice-call.pcap", 9),
    ("baresip-relay-call.pcap", 9),
];

/// One frame's SIP as tshark lists it: methods, status codes, Call-IDs,
/// CSeq numbers and methods, each in message order.
#[derive(Debug, Default, PartialEq, Eq)]
struct FrameSip {
    methods: Vec<String>,
    statuses: Vec<String>,
    call_ids: Vec<String>,
    cseqs: Vec<String>,
    cseq_methods: Vec<String>,
}

fn split(field: &str) -> Vec<String> {
    if field.is_empty() {
        Vec::new()
    } else {
        field.split('|').map(str::to_string).collect()
    }
}

fn read_tsv(text: &str) -> BTreeMap<u64, FrameSip> {
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some(
            "frame.number\tsip.Method\tsip.Status-Code\tsip.Call-ID\tsip.CSeq.seq\tsip.CSeq.method"
        ),
        "unexpected header: re-record with scripts/record-tshark-sip.sh"
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "bad line {l:?}");
            let frame = f[0].parse().expect("frame number");
            let sip = FrameSip {
                methods: split(f[1]),
                statuses: split(f[2]),
                call_ids: split(f[3]),
                cseqs: split(f[4]),
                cseq_methods: split(f[5]),
            };
            (frame, sip)
        })
        .collect()
}

fn edgecap_frames(doc: &Value) -> BTreeMap<u64, FrameSip> {
    let mut out: BTreeMap<u64, FrameSip> = BTreeMap::new();
    let empty = Vec::new();
    for m in doc["sip"].as_array().unwrap_or(&empty) {
        let f = out.entry(m["frame"].as_u64().expect("frame")).or_default();
        let text = |k: &str| m[k].as_str().map(str::to_string);
        if let Some(method) = text("method") {
            f.methods.push(method);
        }
        if let Some(code) = m["status"].as_u64() {
            f.statuses.push(code.to_string());
        }
        f.call_ids.extend(text("call_id"));
        f.cseqs.extend(m["cseq"].as_u64().map(|n| n.to_string()));
        f.cseq_methods.extend(text("cseq_method"));
    }
    out
}

#[test]
fn edgecap_decodes_the_sip_tshark_decodes() {
    let mut checked = 0;
    for cap in all_captures() {
        let file = cap
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let base = file.strip_suffix(".gz").unwrap_or(&file);
        let tsv = cap.with_file_name(format!("{base}.sip.tsv"));
        let tshark = std::fs::read_to_string(&tsv)
            .map(|t| read_tsv(&t))
            .unwrap_or_default();
        let mut ours = edgecap_frames(&summary_json(&cap));
        for &(c, frame, method) in TSHARK_BLIND.iter().filter(|(c, _, _)| *c == file) {
            let f = ours
                .remove(&frame)
                .unwrap_or_else(|| panic!("{c} frame {frame}: edgecap lost the {method}"));
            assert_eq!(f.methods, vec![method.to_string()], "{c} frame {frame}");
            assert!(
                !tshark.contains_key(&frame),
                "{c} frame {frame}: tshark now decodes it; drop it from TSHARK_BLIND"
            );
        }
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            tshark.keys().collect::<Vec<_>>(),
            "{file}: frames with SIP differ"
        );
        let mut compared = 0;
        for (frame, t) in &tshark {
            assert_eq!(&ours[frame], t, "{file} frame {frame}");
            compared += t.call_ids.len();
        }
        let min = MIN_COMPARED
            .iter()
            .find(|(n, _)| *n == file)
            .map_or(0, |(_, m)| *m);
        assert!(
            compared >= min,
            "{file}: only {compared} messages compared, want ≥ {min}"
        );
        checked += compared;
    }
    assert!(checked >= 13, "only {checked} SIP messages compared in all");
}
