//! Differential test: for every committed capture, edgecap's packet count,
//! per-flow packet and byte counts, first/last frames and RST frames equal
//! tshark's view of the same file, recorded by `scripts/record-tshark.sh` in
//! `captures/NAME.tshark.tsv` (so this test does not need tshark installed).
//! Flows of other protocols over IP (SCTP, ESP, …), for which tshark has no
//! stream index, are tshark's frames of one protocol between one address pair
//! (`ip.proto` / `ipv6.nxt`).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One tshark conversation: tcp.stream or udp.stream.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Conv {
    /// Time of the first frame, UTC with microseconds (as edgecap prints it);
    /// None where tshark shows no time (a pcapng Simple Packet Block has none).
    first_time: Option<String>,
    packets: u64,
    bytes: u64,
    first_frame: u64,
    last_frame: u64,
}

struct TsharkView {
    frames: u64,
    /// Keyed by (transport, first frame): tshark's stream indexes differ from ours.
    convs: BTreeMap<(String, u64), Conv>,
    /// Other protocols over IP, keyed by (IP protocol number, first frame).
    others: BTreeMap<(u8, u64), Conv>,
    rst_frames: BTreeSet<u64>,
}

/// tshark's `frame.time_epoch` ("1795683600.004999160") as edgecap's UTC text.
fn epoch_to_utc(epoch: &str) -> Option<String> {
    if epoch.is_empty() {
        return None;
    }
    let (secs, frac) = epoch.split_once('.').unwrap_or((epoch, "0"));
    let nanos: u32 = format!("{frac:0<9}")[..9].parse().expect("fraction");
    Some(
        edgecap_capture::Timestamp::from_secs_nanos(secs.parse().expect("seconds"), nanos)
            .to_string(),
    )
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
    let c_time = col("frame.time_epoch");
    let (c_proto, c_nxt) = (col("ip.proto"), col("ipv6.nxt"));
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
        others: BTreeMap::new(),
        rst_frames: BTreeSet::new(),
    };
    let mut by_stream: BTreeMap<(String, u64), Conv> = BTreeMap::new();
    let mut by_pair: BTreeMap<(u8, String, String), Conv> = BTreeMap::new();
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
        let proto = [c_proto, c_nxt]
            .iter()
            .find_map(|&c| get(c).parse::<u8>().ok())
            .filter(|p| !NOT_A_FLOW.contains(p));
        if let (None, Some(proto)) = (&stream, proto) {
            let a = format!("{}{}", get(col("ip.src")), get(col("ipv6.src")));
            let b = format!("{}{}", get(col("ip.dst")), get(col("ipv6.dst")));
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let c = by_pair.entry((proto, lo, hi)).or_insert(Conv {
                first_frame: no,
                first_time: epoch_to_utc(get(c_time)),
                ..Conv::default()
            });
            c.packets += 1;
            c.bytes += len;
            c.last_frame = no;
        }
        if let Some(key) = stream {
            let c = by_stream.entry(key).or_insert(Conv {
                first_frame: no,
                first_time: epoch_to_utc(get(c_time)),
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
    for ((proto, _, _), conv) in by_pair {
        view.others.insert((proto, conv.first_frame), conv);
    }
    view
}

/// IP protocol numbers whose frames are not flows of another protocol: TCP,
/// UDP (fragments without `udp.stream` included), ICMP, ICMPv6, and IPv6
/// extension headers tshark reports as `ipv6.nxt` (hop-by-hop 0, routing
/// 43, fragment 44, destination options 60).
const NOT_A_FLOW: [u8; 8] = [6, 17, 1, 58, 0, 43, 44, 60];

/// Captures with a corrupt block in the middle: tshark stops reading there,
/// edgecap resynchronises and reads on, so only the part before the damage
/// can be compared.
const TSHARK_STOPS_AT_DAMAGE: &[&str] = &["damaged-corrupt.pcapng"];

/// tshark conversations (capture, first frame) that tshark 4.0's STUN
/// dissector builds around a TURN relayed address rather than by 5-tuple: it
/// files later datagrams to or from the relay ports 50025 and 50052 of
/// `baresip-ice-call.pcap` (50034 and 50086 of `baresip-relay-call.pcap`)
/// under these `udp.stream`s whatever their other address (even splitting
/// one 5-tuple by direction). edgecap keeps 5-tuple
/// flows; for these captures the listed conversations must differ from our
/// flows, every other one must equal ours, and the listed ones must hold
/// exactly the packets and bytes of our flows left over.
const TSHARK_RELAY_CONVERSATIONS: &[(&str, &[u64])] = &[
    ("baresip-ice-call.pcap", &[34, 46]),
    ("baresip-relay-call.pcap", &[29, 37, 147, 149]),
];

/// Removes tshark's relay-port conversations of `file` and our flows no
/// other tshark conversation matches, checking they hold the same packets
/// and bytes.
fn set_aside_relay_conversations(
    file: &str,
    ours: &mut BTreeMap<(String, u64), Conv>,
    tshark: &mut BTreeMap<(String, u64), Conv>,
) {
    let Some((_, firsts)) = TSHARK_RELAY_CONVERSATIONS.iter().find(|(n, _)| *n == file) else {
        return;
    };
    let mut theirs = (0, 0);
    for first in *firsts {
        let key = ("udp".to_string(), *first);
        let conv = tshark
            .remove(&key)
            .unwrap_or_else(|| panic!("{file}: no tshark conversation at frame {first}"));
        assert_ne!(
            ours.get(&key),
            Some(&conv),
            "{file}: conversation {first} now agrees; drop the exception"
        );
        theirs = (theirs.0 + conv.packets, theirs.1 + conv.bytes);
    }
    let left: Vec<(String, u64)> = ours
        .keys()
        .filter(|k| !tshark.contains_key(*k))
        .cloned()
        .collect();
    let mut mine = (0, 0);
    for k in left {
        let conv = ours.remove(&k).expect("listed");
        mine = (mine.0 + conv.packets, mine.1 + conv.bytes);
    }
    assert_eq!(
        mine, theirs,
        "{file}: packets and bytes of the relay-port conversations"
    );
}

#[test]
fn edgecap_agrees_with_tshark_on_every_capture() {
    let caps = common::all_captures();
    assert!(!caps.is_empty(), "no captures committed");
    let mut checked = 0;
    for cap in &caps {
        let mut tshark = read_tshark(cap);
        let doc = common::summary_json(cap);
        let name = cap.display();
        let file_name = cap.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if TSHARK_STOPS_AT_DAMAGE.contains(&file_name) {
            let ours = doc["capture"]["packets"].as_u64().expect("packets");
            assert!(
                ours > tshark.frames,
                "{name}: edgecap should read past the damage tshark stops at"
            );
            let warnings = doc["capture"]["warnings"].as_array().expect("warnings");
            let after = format!("(after frame {})", tshark.frames);
            assert!(
                warnings.iter().any(|w| w.as_str().is_some_and(|w| w.contains(&after))),
                "{name}: a warning must place the damage right after tshark's last frame: {warnings:?}"
            );
            checked += 1;
            continue;
        }
        assert_eq!(
            doc["capture"]["packets"].as_u64(),
            Some(tshark.frames),
            "{name}: packet count"
        );
        let mut ours: BTreeMap<(String, u64), Conv> = BTreeMap::new();
        let mut our_others: BTreeMap<(u8, u64), Conv> = BTreeMap::new();
        let mut our_rsts = BTreeSet::new();
        for flow in doc["flows"].as_array().expect("flows array") {
            let transport = flow["transport"].as_str().expect("transport").to_string();
            let conv = Conv {
                first_time: Some(flow["first_time"].as_str().expect("first_time").to_string()),
                packets: flow["packets"].as_u64().expect("packets"),
                bytes: flow["bytes"].as_u64().expect("bytes"),
                first_frame: flow["first_frame"].as_u64().expect("first_frame"),
                last_frame: flow["last_frame"].as_u64().expect("last_frame"),
            };
            if matches!(transport.as_str(), "tcp" | "udp") {
                ours.insert((transport, conv.first_frame), conv);
            } else {
                let proto = flow["ip_protocol"].as_u64().expect("ip_protocol") as u8;
                our_others.insert((proto, conv.first_frame), conv);
            }
            if let Some(rsts) = flow["tcp"]["rst_frames"].as_array() {
                our_rsts.extend(rsts.iter().map(|r| r.as_u64().expect("frame")));
            }
        }
        for (key, conv) in &tshark.convs {
            if let (None, Some(our)) = (&conv.first_time, ours.get_mut(key)) {
                our.first_time = None;
            }
        }
        set_aside_relay_conversations(file_name, &mut ours, &mut tshark.convs);
        assert_eq!(
            ours, tshark.convs,
            "{name}: flows differ from tshark's tcp.stream/udp.stream"
        );
        assert_eq!(our_rsts, tshark.rst_frames, "{name}: RST frames differ");
        assert_eq!(
            our_others, tshark.others,
            "{name}: flows of other IP protocols differ from tshark's frames per protocol and address pair"
        );
        checked += 1;
    }
    assert_eq!(checked, caps.len());
}
