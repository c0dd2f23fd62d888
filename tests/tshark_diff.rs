//! Differential test: for every committed capture, edgecap's packet count,
//! per-flow packet and byte counts, first/last frames and RST frames equal
//! tshark's view of the same file, recorded by `scripts/record-tshark.sh` in
//! `captures/NAME.tshark.tsv` (so this test does not need tshark installed).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One tshark conversation: tcp.stream or udp.stream.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Conv {
    packets: u64,
    bytes: u64,
    first_frame: u64,
    last_frame: u64,
}

struct TsharkView {
    frames: u64,
    /// Keyed by (transport, first frame): tshark's stream indexes differ from ours.
    convs: BTreeMap<(String, u64), Conv>,
    rst_frames: BTreeSet<u64>,
}

fn tsv_path(cap: &Path) -> std::path::PathBuf {
    let name = cap.to_str().expect("utf-8");
    let base = name.strip_suffix(".gz").unwrap_or(name);
    Path::new(&format!("{base}.tshark.tsv")).to_path_buf()
}

fn read_tshark(cap: &Path) -> TsharkView {
    let path = tsv_path(cap);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/record-tshark.sh", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header line").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("column {name}"))
    };
    let (c_no, c_len, c_tcp, c_udp, c_rst, c_icmp, c_icmp6) = (
        col("frame.number"),
        col("frame.len"),
        col("tcp.stream"),
        col("udp.stream"),
        col("tcp.flags.reset"),
        col("icmp.type"),
        col("icmpv6.type"),
    );
    let mut view = TsharkView {
        frames: 0,
        convs: BTreeMap::new(),
        rst_frames: BTreeSet::new(),
    };
    let mut by_stream: BTreeMap<(String, u64), Conv> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let get = |i: usize| f.get(i).copied().unwrap_or("");
        view.frames += 1;
        // ICMP errors quote a UDP/TCP header; tshark files them under that stream, edgecap does not.
        if !get(c_icmp).is_empty() || !get(c_icmp6).is_empty() {
            continue;
        }
        let no: u64 = get(c_no).parse().expect("frame.number");
        let len: u64 = get(c_len).parse().expect("frame.len");
        let stream = if !get(c_tcp).is_empty() {
            Some((
                "tcp".to_string(),
                get(c_tcp).parse::<u64>().expect("tcp.stream"),
            ))
        } else if !get(c_udp).is_empty() {
            Some((
                "udp".to_string(),
                get(c_udp).parse::<u64>().expect("udp.stream"),
            ))
        } else {
            None
        };
        if let Some(key) = stream {
            let c = by_stream.entry(key).or_insert(Conv {
                first_frame: no,
                ..Conv::default()
            });
            c.packets += 1;
            c.bytes += len;
            c.last_frame = no;
        }
        if matches!(get(c_rst), "1" | "True") {
            view.rst_frames.insert(no);
        }
    }
    for ((transport, _), conv) in by_stream {
        view.convs.insert((transport, conv.first_frame), conv);
    }
    view
}

#[test]
fn edgecap_agrees_with_tshark_on_every_capture() {
    let caps = common::all_captures();
    assert!(!caps.is_empty(), "no captures committed");
    let mut checked = 0;
    for cap in &caps {
        let tshark = read_tshark(cap);
        let doc = common::summary_json(cap);
        let name = cap.display();
        assert_eq!(
            doc["capture"]["packets"].as_u64(),
            Some(tshark.frames),
            "{name}: packet count"
        );
        let mut ours: BTreeMap<(String, u64), Conv> = BTreeMap::new();
        let mut our_rsts = BTreeSet::new();
        for flow in doc["flows"].as_array().expect("flows array") {
            let transport = flow["transport"].as_str().expect("transport").to_string();
            let conv = Conv {
                packets: flow["packets"].as_u64().expect("packets"),
                bytes: flow["bytes"].as_u64().expect("bytes"),
                first_frame: flow["first_frame"].as_u64().expect("first_frame"),
                last_frame: flow["last_frame"].as_u64().expect("last_frame"),
            };
            ours.insert((transport, conv.first_frame), conv);
            if let Some(rsts) = flow["tcp"]["rst_frames"].as_array() {
                our_rsts.extend(rsts.iter().map(|r| r.as_u64().expect("frame")));
            }
        }
        assert_eq!(
            ours, tshark.convs,
            "{name}: flows differ from tshark's tcp.stream/udp.stream"
        );
        assert_eq!(our_rsts, tshark.rst_frames, "{name}: RST frames differ");
        checked += 1;
    }
    assert_eq!(checked, caps.len());
}
