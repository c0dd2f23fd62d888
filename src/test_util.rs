//! Test fixtures for the report layer: a hand-built [`Analysis`] holding a
//! hostile TURN exchange (escape sequences, bidi overrides and invalid UTF-8
//! in USERNAME, REALM, SOFTWARE and the reason phrase), and the coturn
//! capture run through the whole pipeline.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

use edgecap_analyze::{analyze_capture, Analysis, AnalyzeOptions, CaptureInfo};
use edgecap_capture::{CaptureFormat, FrameNo, Timestamp};
use edgecap_net::reassembly::FrameSpan;
use edgecap_net::{Direction, Endpoint, FlowId, Transport};
use edgecap_proto::stun::allocation::build_stories;
use edgecap_proto::stun::decode;
use edgecap_proto::{
    Decoded, FlowSummary, Framing, ProtoAnalysis, ProtoFlow, ProtoMsg, StunRecord,
};

/// A STUN message with the RFC cookie, `typ`, transaction id byte `n` and
/// the given attributes (zero padded).
pub fn stun(typ: u16, n: u8, attrs: &[(u16, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (t, v) in attrs {
        body.extend_from_slice(&t.to_be_bytes());
        body.extend_from_slice(&(v.len() as u16).to_be_bytes());
        body.extend_from_slice(v);
        body.resize(body.len().div_ceil(4) * 4, 0);
    }
    let mut m = Vec::new();
    m.extend_from_slice(&typ.to_be_bytes());
    m.extend_from_slice(&(body.len() as u16).to_be_bytes());
    m.extend_from_slice(&[0x21, 0x12, 0xa4, 0x42]);
    m.extend_from_slice(&[n; 12]);
    m.extend_from_slice(&body);
    m
}

/// The hostile username (ANSI colour, OSC 8 hyperlink, BEL).
pub const EVIL_USER: &[u8] = b"\x1b[31mroot\x1b]8;;http://x/\x07";
/// The hostile realm (bidi override, backspace, 8-bit CSI).
pub const EVIL_REALM: &str = "re\u{202e}alm\x08\u{9b}2J";
/// The hostile SOFTWARE / reason phrase (invalid UTF-8 and ESC).
pub const EVIL_TEXT: &[u8] = b"bad\xff\x1b[2J";

fn record(bytes: &[u8], dir: Direction, frame: u64) -> Decoded {
    let msg = decode(bytes).expect("fixture is stun");
    let frames = FrameSpan::single(FrameNo(frame));
    let ts = Timestamp(1_000_000_000 * 1_800_000_000 + frame as i64 * 1_000_000);
    Decoded {
        frames,
        ts,
        flow: FlowId(0),
        dir,
        msg: ProtoMsg::Stun(Box::new(StunRecord::new(
            msg,
            Framing::None,
            FlowId(0),
            dir,
            frames,
            ts,
        ))),
    }
}

/// An analysis of one UDP flow: anonymous Allocate (1), 401 with an evil
/// realm (2), Allocate with an evil username (3), 403 with an evil reason
/// and SOFTWARE (4).
pub fn hostile() -> Analysis {
    let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let client = Endpoint::new(lo, 50000);
    let server = Endpoint::new(lo, 3478);
    let mut err401 = vec![0, 0, 4, 1];
    err401.extend_from_slice(b"Unauthorized");
    let mut err403 = vec![0, 0, 4, 3];
    err403.extend_from_slice(EVIL_TEXT);
    let lifetime = 600u32.to_be_bytes();
    let mut messages = vec![
        record(
            &stun(0x0003, 1, &[(0x000d, &lifetime)]),
            Direction::ToServer,
            1,
        ),
        record(
            &stun(
                0x0113,
                1,
                &[
                    (0x0009, &err401),
                    (0x0015, b"nonce"),
                    (0x0014, EVIL_REALM.as_bytes()),
                ],
            ),
            Direction::ToClient,
            2,
        ),
        record(
            &stun(
                0x0003,
                2,
                &[
                    (0x0006, EVIL_USER),
                    (0x0014, EVIL_REALM.as_bytes()),
                    (0x0008, &[0u8; 20]),
                ],
            ),
            Direction::ToServer,
            3,
        ),
        record(
            &stun(0x0113, 2, &[(0x0009, &err403), (0x8022, EVIL_TEXT)]),
            Direction::ToClient,
            4,
        ),
    ];
    edgecap_proto::stun::transactions::match_transactions(&mut messages);
    let mut flows = BTreeMap::new();
    flows.insert(
        FlowId(0),
        ProtoFlow {
            id: FlowId(0),
            transport: Transport::Udp,
            client,
            server,
            decoder: Some("stun"),
            label: "stun",
            summary: FlowSummary::default(),
            messages: 4,
            incomplete_tail_bytes: 0,
        },
    );
    let allocations = build_stories(&messages, &flows);
    Analysis {
        capture: CaptureInfo {
            packets: 4,
            ..CaptureInfo::empty(b"hostile", CaptureFormat::Pcap, false)
        },
        flows: Vec::new(),
        anomalies: Default::default(),
        proto: ProtoAnalysis {
            messages,
            dropped: BTreeMap::new(),
            flows,
            anomaly_counts: BTreeMap::new(),
            allocations,
        },
        frame_index: None,
    }
}

/// `captures/NAME` through the whole pipeline.
pub fn capture(name: &str, opts: &AnalyzeOptions) -> Analysis {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("captures")
        .join(name);
    let reader = edgecap_capture::open_capture(&path).expect("capture opens");
    analyze_capture(reader, name, opts)
}

/// `captures/NAME` analysed with default options and diagnosed with the
/// default edge configuration.
pub fn diagnosed(name: &str) -> (Analysis, edgecap_analyze::Diagnosis) {
    let a = capture(name, &AnalyzeOptions::default());
    let d = edgecap_analyze::diagnose(&a, &edgecap_analyze::EdgeConfig::default());
    (a, d)
}

/// `captures/coturn-loopback.pcap` through the whole pipeline.
pub fn coturn(opts: &AnalyzeOptions) -> Analysis {
    capture("coturn-loopback.pcap", opts)
}
