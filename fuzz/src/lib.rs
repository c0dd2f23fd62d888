//! Fuzz harnesses for edgecap's byte-facing entry points.
//!
//! Each `pub fn NAME(data: &[u8])` is the whole body of the fuzz target
//! `fuzz_targets/NAME.rs`. The same file is compiled into the main crate's
//! `tests/fuzz_regressions.rs` (via `#[path]`), which replays every file of
//! `fuzz/corpus/NAME/` and `fuzz/regressions/NAME/` through these functions
//! with plain `cargo test`, so CI and libFuzzer run exactly the same code.
//!
//! A harness panics (= a fuzz crash) when edgecap panics, or when one of the
//! invariants the edgecap module docs promise is broken; those checks are
//! `assert!`s below, each naming the promise it checks.
//!
//! Only `edgecap` and `serde_json` may be used here: both crates that
//! include this file depend on them.

use std::io::{Cursor, Read};

use edgecap_capture::{CaptureReader, Frame, FrameNo, LinkType, Timestamp};
use edgecap_net::defrag::DefragLimits;
use edgecap_net::reassembly::{
    HalfStream, ReassemblyBudget, ReassemblyLimits, StreamEvent, PIECE_OVERHEAD,
};
use edgecap_net::table::{FlowRecord, FlowSink, FlowTable};
use edgecap_net::{Direction, NetAnomaly, NetDecoder};
use edgecap_proto::stun;

/// The body of one fuzz target.
pub type Harness = fn(&[u8]);

/// Every fuzz target, by name: `fuzz/fuzz_targets/NAME.rs`,
/// `fuzz/corpus/NAME/` and `fuzz/regressions/NAME/` use these names.
pub const TARGETS: &[(&str, Harness)] = &[
    ("capture_reader", capture_reader),
    ("capture_reader_gzip", capture_reader_gzip),
    ("net_decode", net_decode),
    ("tcp_reassembly", tcp_reassembly),
    ("stun_decode", stun_decode),
    ("proto_stream", proto_stream),
    ("pipeline", pipeline),
    ("frame_source", frame_source),
    ("netmon_reader", netmon_reader),
    ("sip_message", sip_message),
    ("sip_sdp", sip_sdp),
    ("sip_diagnostics", sip_diagnostics),
    ("mras_xml", mras_xml),
    ("sip_log", sip_log),
    ("capture_follow", capture_follow),
    ("join", join),
    ("log_alone", log_alone),
];

// ---------------------------------------------------------------------------
// capture_reader, capture_reader_gzip
// ---------------------------------------------------------------------------

/// What a reader produced, compared between read strategies.
#[derive(Debug, PartialEq, Eq)]
struct ReadSummary {
    /// `Err` text of `CaptureReader::new`, or `None` when it opened.
    open_error: Option<String>,
    /// (frame number, timestamp, link type, captured length, orig_len, FNV hash of data).
    frames: Vec<(u64, i64, u32, usize, u32, u64)>,
    /// (kind, offset, last good frame) of every warning.
    warnings: Vec<(String, u64, Option<u64>)>,
    warnings_dropped: u64,
    frames_read: u64,
    link_types: Vec<u32>,
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A reader that hands out its bytes in short, irregular pieces, so that
/// every refill boundary of the capture reader is exercised.
struct ShortReads {
    inner: Cursor<Vec<u8>>,
    step: usize,
}

impl Read for ShortReads {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        const SIZES: [usize; 6] = [1, 3, 17, 4096, 2, 65_537];
        self.step += 1;
        let n = SIZES[self.step % SIZES.len()].min(buf.len());
        self.inner.read(&mut buf[..n])
    }
}

fn read_all(input: Box<dyn Read + Send>) -> ReadSummary {
    read_with(input, false)
}

/// Opens `input` (live: `CaptureReader::set_live`, as `--follow` does) and
/// reads it to the end.
fn read_with(input: Box<dyn Read + Send>, live: bool) -> ReadSummary {
    match CaptureReader::new(input, "fuzz") {
        Ok(mut reader) => {
            if live {
                reader.set_live();
            }
            summarise(reader)
        }
        Err(e) => ReadSummary {
            open_error: Some(e.to_string()),
            frames: Vec::new(),
            warnings: Vec::new(),
            warnings_dropped: 0,
            frames_read: 0,
            link_types: Vec::new(),
        },
    }
}

/// Reads `reader` to the end, checking frame numbers and counters.
fn summarise(mut reader: CaptureReader) -> ReadSummary {
    let _ = (reader.format().as_str(), reader.is_compressed());
    let mut frames = Vec::new();
    let mut last = 0u64;
    while let Some(frame) = reader.next_frame() {
        // capture/mod.rs: frame numbers are 1-based and follow file order.
        assert!(frame.no.0 > last, "frame {} after frame {last}", frame.no);
        last = frame.no.0;
        let _ = (
            frame.is_truncated(),
            frame.ts.to_rfc3339(),
            frame.link.name(),
        );
        frames.push((
            frame.no.0,
            frame.ts.0,
            frame.link.0,
            frame.data.len(),
            frame.orig_len,
            fnv(frame.data),
        ));
    }
    // reader.rs: frames_read counts frames returned plus packets skipped.
    assert!(reader.frames_read() >= last);
    assert!(reader.frames_read() >= frames.len() as u64);
    let _ = reader.input_bytes_read();
    let warnings = reader
        .warnings()
        .iter()
        .map(|w| {
            let _ = w.to_string();
            (
                format!("{:?}", w.kind),
                w.offset,
                w.last_good_frame.map(|f| f.0),
            )
        })
        .collect();
    ReadSummary {
        open_error: None,
        frames,
        warnings,
        warnings_dropped: reader.warnings_dropped(),
        frames_read: reader.frames_read(),
        link_types: reader.link_types().iter().map(|l| l.0).collect(),
    }
}

/// Arbitrary bytes as a capture file (plain, or gzip when they start with
/// `1f 8b`), read to the end twice: in one piece and in short reads. For
/// plain input both reads must give the same frames and warnings. (Not for
/// gzip: where a corrupt deflate stream errors depends on the read sizes,
/// because flate2 drops the output of the call that hits the corruption.)
pub fn capture_reader(data: &[u8]) {
    let whole = read_all(Box::new(Cursor::new(data.to_vec())));
    let short = read_all(Box::new(ShortReads {
        inner: Cursor::new(data.to_vec()),
        step: 0,
    }));
    if !data.starts_with(&[0x1f, 0x8b]) {
        assert_eq!(whole, short, "result depends on how the input is read");
    }
}

/// The input gzip-compressed, read to the end; when the input is not gzip
/// itself, the frames and warnings must equal those of the plain input.
pub fn capture_reader_gzip(data: &[u8]) {
    let gz = edgecap_testkit::writer::gzip(data);
    let mut packed = read_all(Box::new(Cursor::new(gz)));
    if data.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let plain = read_all(Box::new(Cursor::new(data.to_vec())));
    // Error texts say "(gzip-compressed)"; compare only whether opening failed.
    assert_eq!(plain.open_error.is_some(), packed.open_error.is_some());
    packed.open_error.clone_from(&plain.open_error);
    assert_eq!(plain, packed, "gzip-wrapped input reads differently");
}

// ---------------------------------------------------------------------------
// net_decode
// ---------------------------------------------------------------------------

/// The link types edgecap decodes, in the order the selector byte picks them
/// (the synthetic builder's list, so both stay in step).
pub const LINK_TYPES: [LinkType; 10] = edgecap_testkit::link::SUPPORTED;

/// Half a second, the unit of timestamp steps in [`net_decode`] inputs.
const TS_STEP_NS: i64 = 500_000_000;

/// Encodes frames in the [`net_decode`] input format (for seeds):
/// `selector` is byte 0 (link index, bit 7 = small limits), `raw_link` byte 1.
pub fn net_decode_input(selector: u8, raw_link: u8, frames: &[(u8, &[u8])]) -> Vec<u8> {
    let mut out = vec![selector, raw_link];
    for (flags, data) in frames {
        let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
        out.push(*flags);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&data[..usize::from(len)]);
    }
    out
}

/// Index of `link` in [`LINK_TYPES`], for seeds.
pub fn link_index(link: LinkType) -> Option<u8> {
    LINK_TYPES
        .iter()
        .position(|&l| l == link)
        .and_then(|i| u8::try_from(i).ok())
}

/// Checks what the flow table hands on: TCP events are never empty.
struct CheckingSink;

impl FlowSink for CheckingSink {
    fn datagram(&mut self, flow: &FlowRecord, _: Direction, frame: &Frame<'_>, payload: &[u8]) {
        let _ = (flow.total_packets(), frame.no, payload.len());
    }
    fn stream(&mut self, flow: &FlowRecord, _: Direction, event: StreamEvent<'_>) {
        let _ = flow.total_bytes();
        check_event(&event);
    }
    fn flow_end(&mut self, flow: &FlowRecord) {
        let _ = (flow.tcp_outcome(), flow.client.to_string());
    }
}

/// reassembly/mod.rs: Data bytes are never empty, a Gap is never zero bytes.
fn check_event(event: &StreamEvent<'_>) -> u64 {
    match *event {
        StreamEvent::Data { bytes, frames } => {
            assert!(!bytes.is_empty(), "empty Data event");
            assert!(frames.first <= frames.last, "{frames:?}");
            bytes.len() as u64
        }
        StreamEvent::Gap { len, .. } => {
            assert!(len > 0, "zero-length Gap event");
            len
        }
    }
}

/// Input: byte 0 picks the link type (`(b & 0x7f) % 11`: index into
/// [`LINK_TYPES`], or 10 = `LinkType(byte 1)`; bit 7 = small defragmentation
/// and reassembly limits), then frames as `[flags][len: u16 BE][len bytes]`
/// (the last one may be short). Flags: bits 0–6 = timestamp step in half
/// seconds (127 = ten seconds back), bit 7 = truncated (orig_len + 64).
/// Every frame goes through one `NetDecoder` (so fragments of different
/// frames meet) and its packets through a `FlowTable`.
pub fn net_decode(data: &[u8]) {
    let (Some(&sel), Some(&raw_link)) = (data.first(), data.get(1)) else {
        return;
    };
    let link = LINK_TYPES
        .get(usize::from(sel & 0x7f) % (LINK_TYPES.len() + 1))
        .copied()
        .unwrap_or(LinkType(u32::from(raw_link)));
    let small = sel & 0x80 != 0;
    let (mut decoder, mut table) = if small {
        let limits = DefragLimits {
            max_buffered_bytes: 4096,
            max_datagram_len: 3000,
            max_pending: 4,
            ..DefragLimits::default()
        };
        let reasm = ReassemblyLimits {
            per_direction: 1024,
            total: 2048,
        };
        (NetDecoder::with_limits(limits), FlowTable::new(reasm))
    } else {
        (NetDecoder::new(), FlowTable::default())
    };
    let mut anomalies: Vec<NetAnomaly> = Vec::new();
    let mut sink = CheckingSink;
    let mut rest = &data[2..];
    let mut no = 0u64;
    let mut ts = 1_700_000_000 * 1_000_000_000i64;
    while let Some((&flags, tail)) = rest.split_first() {
        let len = match tail {
            [hi, lo, ..] => usize::from(u16::from_be_bytes([*hi, *lo])),
            _ => tail.len(),
        };
        let body = tail.get(2..).unwrap_or_default();
        let (bytes, next) = body.split_at(len.min(body.len()));
        rest = next;
        no += 1;
        ts = match flags & 0x7f {
            127 => ts - 20 * TS_STEP_NS,
            step => ts + i64::from(step) * TS_STEP_NS,
        };
        let extra = if flags & 0x80 != 0 { 64 } else { 0 };
        let frame = Frame {
            no: FrameNo(no),
            ts: Timestamp(ts),
            link,
            data: bytes,
            orig_len: u32::try_from(bytes.len()).unwrap_or(u32::MAX) + extra,
        };
        if let Some(packet) = decoder.decode(&frame, &mut anomalies) {
            let _ = (packet.src, packet.dst, packet.truncated);
            table.process(&frame, &packet, &mut anomalies, &mut sink);
        }
    }
    decoder.finish(&mut anomalies);
    let _ = (decoder.stats().frames_of(link), table.live_flows());
    let records = table.finish(FrameNo(no), &mut anomalies, &mut sink);
    for a in &anomalies {
        let _ = (a.kind.id(), a.detail.len());
        // net/mod.rs: anomalies carry the frame number they were seen at.
        assert!(a.frame.0 <= no, "anomaly at frame {} of {no}", a.frame);
    }
    for r in &records {
        let _ = (r.total_packets(), r.total_bytes(), r.tcp_outcome());
    }
}

// ---------------------------------------------------------------------------
// tcp_reassembly
// ---------------------------------------------------------------------------

/// Operation codes of [`tcp_reassembly`] inputs: `op >> 1 & 7`; bit 0 picks
/// the direction.
pub mod op {
    /// `[off: i16][len: u8][payload]`: segment at next_seq + off.
    pub const SEGMENT: u8 = 0;
    /// `[off: i32][len: u16][payload]`: long segment at next_seq + off; the
    /// payload is padded with the op byte when the input runs out.
    pub const SEGMENT_FAR: u8 = 1;
    /// `[off: i32]`: the peer acknowledges next_seq + off.
    pub const ACK_FAR: u8 = 2;
    /// `[off: i16]`: the peer acknowledges next_seq + off.
    pub const ACK: u8 = 3;
    /// `[off: i16]`: SYN with ISN next_seq - 1 + off.
    pub const SYN: u8 = 4;
    /// `[off: i16]`: FIN at next_seq + off.
    pub const FIN: u8 = 5;
    /// flush the direction.
    pub const FLUSH: u8 = 6;
    /// discard the direction's buffer.
    pub const DISCARD: u8 = 7;

    /// The op byte for `code` on direction `dir` (0 or 1).
    pub fn byte(code: u8, dir: u8) -> u8 {
        (code << 1) | (dir & 1)
    }
}

/// A cursor over the fuzz input that yields zeros once it runs out.
struct Bytes<'a>(&'a [u8]);

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n.min(self.0.len()));
        self.0 = tail;
        head
    }
    fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let got = self.take(N);
        out[..got.len()].copy_from_slice(got);
        out
    }
    fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }
    fn i16(&mut self) -> i32 {
        i32::from(i16::from_be_bytes(self.array()))
    }
    fn i32(&mut self) -> i32 {
        i32::from_be_bytes(self.array())
    }
    fn u16(&mut self) -> usize {
        usize::from(u16::from_be_bytes(self.array()))
    }
}

/// Input: `[per_direction/64 - 1][total/64 - 1][first seq: u32 BE]` then
/// operations (see [`op`]) on two `HalfStream`s sharing one
/// `ReassemblyBudget`. After every step: the budget is within its caps and
/// equals what the two streams hold, and the events of each direction add up
/// to its `stream_offset`. At the end both are flushed and the budget is 0.
pub fn tcp_reassembly(data: &[u8]) {
    let mut input = Bytes(data);
    let limits = ReassemblyLimits {
        per_direction: 64 * (1 + usize::from(input.u8())),
        total: 64 * (1 + usize::from(input.u8())),
    };
    let first = u32::from_be_bytes(input.array());
    let mut budget = ReassemblyBudget::new(limits);
    let mut streams = [HalfStream::new(), HalfStream::new()];
    let mut delivered = [0u64; 2];
    let mut anomalies: Vec<NetAnomaly> = Vec::new();
    let mut frame = 0u64;
    let mut steps = 0;
    while !input.0.is_empty() && steps < 10_000 {
        steps += 1;
        frame += 1;
        let f = FrameNo(frame);
        let opb = input.u8();
        let d = usize::from(opb & 1);
        let code = (opb >> 1) & 7;
        let stream = &mut streams[d];
        let at = |s: &HalfStream, off: i32| s.next_seq().unwrap_or(first).wrapping_add_signed(off);
        let count = &mut delivered[d];
        let mut out = |e: StreamEvent<'_>| *count += check_event(&e);
        match code {
            op::SEGMENT | op::SEGMENT_FAR => {
                let (off, len) = if code == op::SEGMENT {
                    (input.i16(), usize::from(input.u8()))
                } else {
                    (input.i32(), input.u16())
                };
                let mut payload = input.take(len).to_vec();
                payload.resize(len, opb);
                let seq = at(stream, off);
                stream.segment(seq, &payload, f, &mut budget, &mut anomalies, &mut out);
            }
            op::ACK | op::ACK_FAR => {
                let off = if code == op::ACK {
                    input.i16()
                } else {
                    input.i32()
                };
                let ack = at(stream, off);
                stream.peer_ack(ack, f, &mut budget, &mut anomalies, &mut out);
            }
            op::SYN => {
                let off = input.i16();
                let isn = at(stream, off).wrapping_sub(1);
                stream.syn(isn);
            }
            op::FIN => {
                let off = input.i16();
                let fin = at(stream, off);
                stream.fin(fin);
            }
            op::FLUSH => stream.flush(f, &mut budget, &mut anomalies, &mut out),
            _ => stream.discard(&mut budget),
        }
        check_streams(&streams, &budget, &delivered, limits);
        anomalies.clear();
    }
    for (d, stream) in streams.iter_mut().enumerate() {
        let count = &mut delivered[d];
        let mut out = |e: StreamEvent<'_>| *count += check_event(&e);
        stream.flush(FrameNo(frame + 1), &mut budget, &mut anomalies, &mut out);
        // half.rs: flush delivers everything still buffered.
        assert_eq!(stream.buffered(), 0, "bytes left after flush");
    }
    check_streams(&streams, &budget, &delivered, limits);
    // limits.rs: streams release exactly what they charged.
    assert_eq!(
        budget.buffered(),
        0,
        "budget not released after flushing both"
    );
}

fn check_streams(
    streams: &[HalfStream; 2],
    budget: &ReassemblyBudget,
    delivered: &[u64; 2],
    limits: ReassemblyLimits,
) {
    // limits.rs / reassembly/mod.rs: memory never exceeds the limits.
    assert!(
        budget.buffered() <= limits.total,
        "budget {} over total cap {}",
        budget.buffered(),
        limits.total
    );
    let mut held = 0;
    for (d, s) in streams.iter().enumerate() {
        assert!(
            s.memory() <= limits.per_direction,
            "direction {d} holds {} over per-direction cap {}",
            s.memory(),
            limits.per_direction
        );
        assert!(s.memory() >= s.buffered() + PIECE_OVERHEAD * usize::from(s.buffered() > 0));
        // reassembly/mod.rs: event lengths add up to stream_offset.
        assert_eq!(
            delivered[d],
            s.stream_offset(),
            "direction {d}: events do not add up to stream_offset"
        );
        let _ = s.stats();
        held += s.memory();
    }
    // limits.rs: streams charge and release exactly what they buffer.
    assert_eq!(budget.buffered(), held, "budget differs from memory held");
}

// ---------------------------------------------------------------------------
// stun_decode
// ---------------------------------------------------------------------------

/// The RFC 5769 §2 short-term password.
pub const STUN_PASSWORD: &[u8] = b"VOkJxbRl1RmTxUk/WvJxBt";

/// Arbitrary bytes through every STUN/TURN entry point: `decode`, `probe`,
/// `message_len`, `turn_frame(_len)`, `demux` and `verify_integrity` with a
/// short-term, an RFC long-term and an MS-TURN long-term key.
pub fn stun_decode(data: &[u8]) {
    let long_term = stun::long_term_key(
        "\u{30DE}\u{30C8}\u{30EA}\u{30C3}\u{30AF}\u{30B9}".as_bytes(),
        b"example.org",
        b"TheMatrIX",
    );
    // The credentials of captures/coturn-loopback.pcap (scripts/record-coturn.sh).
    let coturn = stun::long_term_key(b"alice", b"edgecap.test", b"secret");
    let ms_key = stun::ms_turn_long_term_key(b"user", b"\"rtcmedia\"", b"pass");
    let decoded = stun::decode(data);
    if let Ok(msg) = &decoded {
        let _ = format!("{msg:?}");
        let _ = (
            msg.msg_type.describe(),
            msg.rfc_transaction_id(),
            msg.xor_mapped_address(),
            msg.mapped_address(),
            msg.relayed_address(),
            msg.xor_peer_address(),
            msg.remote_address(),
            msg.realm(),
            msg.nonce(),
            msg.username(),
            msg.software(),
            msg.lifetime(),
            msg.ms_version(),
            msg.fingerprint(),
            msg.integrity(),
            msg.error()
                .map(|e| (e.class(), e.number(), e.reason_lossy())),
        );
        for a in &msg.attributes {
            let _ = (a.kind.name(), msg.attr_raw(a.kind));
            assert!(a.offset() < data.len(), "attribute offset past the message");
        }
        for a in &msg.anomalies {
            let _ = a.kind.id();
        }
        for key in [STUN_PASSWORD, &long_term[..], &coturn[..], &ms_key[..], b""] {
            let _ = stun::verify_integrity(data, msg, key);
        }
    }
    if let stun::ProbeResult::Stun(dialect) = stun::probe(data) {
        // dialect.rs: probe accepts exactly one well-formed STUN message.
        assert!(
            decoded.is_ok(),
            "probe says {} but decode fails: {decoded:?}",
            dialect.name()
        );
    }
    if let Some(n) = stun::message_len(data) {
        if let Some(msg) = data.get(..n) {
            if let Ok(m) = stun::decode(msg) {
                let _ = stun::verify_integrity(msg, &m, STUN_PASSWORD);
            }
        }
    }
    for transport in [stun::FrameTransport::Datagram, stun::FrameTransport::Stream] {
        let _ = stun::turn_frame_len(data, transport);
        match stun::turn_frame(data, transport) {
            Some(stun::TurnFrame::ChannelData { payload, .. })
            | Some(stun::TurnFrame::MsMultiplexed { payload, .. }) => {
                // channel.rs: the payload range lies in the buffer.
                assert!(data.get(payload.clone()).is_some(), "payload {payload:?}");
            }
            None => {}
        }
    }
    if let Some(&b) = data.first() {
        let _ = stun::demux(b);
    }
}

// ---------------------------------------------------------------------------
// pipeline
// ---------------------------------------------------------------------------

/// Arbitrary file bytes through the whole `edgecap summary` path: open,
/// analyse, render text (in one string and streamed) and JSON (the capped
/// document and the JSON lines); the streamed text must equal the rendered
/// one, the JSON must parse, and every JSON line must be an object with a
/// `"type"` key.
pub fn pipeline(data: &[u8]) {
    let Ok(reader) = CaptureReader::new(Box::new(Cursor::new(data.to_vec())), "fuzz") else {
        return;
    };
    let opts = edgecap_analyze::AnalyzeOptions::default();
    let analysis = edgecap_analyze::analyze_capture(reader, "fuzz", &opts);
    let diagnosis = edgecap_analyze::diagnose(&analysis, &Default::default());
    let text = edgecap::report::text::render(&analysis, &diagnosis, Default::default());
    assert!(!text.is_empty());
    // report/text.rs: write_to streams the same summary render returns.
    let mut streamed = Vec::new();
    edgecap::report::text::write_to(&mut streamed, &analysis, &diagnosis, Default::default())
        .expect("writing the text report to a Vec");
    assert!(
        streamed == text.as_bytes(),
        "streamed text report differs from render:\n{text}\n---\n{}",
        String::from_utf8_lossy(&streamed)
    );
    let json = edgecap::report::json::Report::new(&analysis, &diagnosis).to_json();
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("report JSON does not parse: {e}\n{json}");
    }
    // report/jsonl.rs: one JSON object per line, each with a "type" tag.
    let mut lines = Vec::new();
    edgecap::report::jsonl::write_lines(&analysis, &diagnosis, &mut lines)
        .expect("writing JSON lines to a Vec");
    let lines = String::from_utf8(lines).expect("JSON lines are UTF-8");
    assert!(
        lines.ends_with('\n'),
        "JSON lines do not end with a newline"
    );
    for line in lines.lines() {
        match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => assert!(
                v.get("type").is_some_and(|t| t.is_string()),
                "JSON line without a \"type\" key: {line}"
            ),
            Err(e) => panic!("JSON line does not parse: {e}\n{line}"),
        }
    }
}

// ---------------------------------------------------------------------------
// proto_stream
// ---------------------------------------------------------------------------

/// Server ports the first byte chooses from: STUN, pseudo-TLS/TLS, MRAS,
/// TURN-over-TCP-80 and an unhinted port.
const PROTO_PORTS: [u16; 6] = [3478, 443, 5061, 5062, 80, 40000];

/// Feeds the protocol layer directly, without the capture and TCP layers:
/// byte 0 picks the transport and server port, then each op is
/// `[kind][len][bytes]`: stream data to the server or client (split where the
/// input says), a stream gap, or a datagram. After `finish`, outputs must be
/// in completing-frame order and every flow must have ended.
pub fn proto_stream(data: &[u8]) {
    use edgecap_proto::ProtoSink;
    let Some((&head, mut rest)) = data.split_first() else {
        return;
    };
    let transport = if head & 0x80 == 0 {
        edgecap_net::Transport::Tcp
    } else {
        edgecap_net::Transport::Udp
    };
    let server_port = PROTO_PORTS[usize::from(head & 0x7f) % PROTO_PORTS.len()];
    let ts = Timestamp::from_secs_nanos(1_700_000_000, 0);
    let record = FlowRecord {
        id: edgecap_net::FlowId(0),
        transport,
        client: edgecap_net::Endpoint::new([10, 98, 2, 1].into(), 50_000),
        server: edgecap_net::Endpoint::new([10, 3, 0, 34].into(), server_port),
        first_frame: FrameNo(1),
        last_frame: FrameNo(1),
        first_ts: ts,
        last_ts: ts,
        packets: [0; 2],
        bytes: [0; 2],
        tcp: None,
    };
    let mut sink = ProtoSink::new();
    let mut frame_no = 0u64;
    while let [kind, len, tail @ ..] = rest {
        let n = usize::from(*len).min(tail.len());
        let (chunk, next) = tail.split_at(n);
        rest = next;
        frame_no += 1;
        let frame = FrameNo(frame_no);
        let dir = if kind & 1 == 0 {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        match (transport, kind >> 1 & 3) {
            (edgecap_net::Transport::Tcp, 3) => sink.stream(
                &record,
                dir,
                StreamEvent::Gap {
                    len: u64::from(*len),
                    frame,
                },
            ),
            (edgecap_net::Transport::Tcp, _) => {
                let frames = edgecap_net::reassembly::FrameSpan::single(frame);
                sink.stream(
                    &record,
                    dir,
                    StreamEvent::Data {
                        bytes: chunk,
                        frames,
                    },
                );
            }
            (edgecap_net::Transport::Udp | edgecap_net::Transport::Ip(_), _) => {
                let f = Frame {
                    no: frame,
                    ts,
                    link: LinkType::RAW,
                    data: &[],
                    orig_len: 0,
                };
                sink.datagram(&record, dir, &f, chunk);
            }
        }
    }
    sink.flow_end(&record);
    let analysis = sink.finish();
    assert!(
        analysis
            .messages
            .windows(2)
            .all(|w| w[0].frames.last <= w[1].frames.last),
        "protocol outputs out of frame order"
    );
    assert!(analysis.flows.len() <= 1);
}

// ---------------------------------------------------------------------------
// frame_source
// ---------------------------------------------------------------------------

/// A file in the temp directory for one harness run, removed on drop.
struct TempCapture(std::path::PathBuf);

impl TempCapture {
    fn new(bytes: &[u8]) -> Option<TempCapture> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "edgecap-fuzz-frame-source-{}-{n}",
            std::process::id()
        ));
        std::fs::write(&path, bytes).ok()?;
        Some(TempCapture(path))
    }

    /// Replaces the file's contents.
    fn rewrite(&self, bytes: &[u8]) -> bool {
        std::fs::write(&self.0, bytes).is_ok()
    }
}

impl Drop for TempCapture {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Re-reads every frame number of `index` (and one past the end) from the
/// file at `path`, locating the transport layers of what comes back: any
/// result but a panic is fine.
fn re_read_all(path: &std::path::Path, index: &edgecap_capture::FrameIndex) {
    let Ok(mut src) = edgecap_capture::FrameSource::open(path, index) else {
        return;
    };
    for n in 0..=index.frames() + 1 {
        if let Ok(f) = src.read(FrameNo(n)) {
            assert!(f.data.len() <= edgecap_capture::frame_source::MAX_RECORD_LEN);
            let _ = edgecap::tui::locate::locate_tcp_header(&f);
        }
    }
}

/// Arbitrary bytes as a capture file: read once with the frame index on,
/// then every frame re-read through `FrameSource` from the file must be
/// byte-identical to the sequential read (for gzip input, a re-read may fail
/// where the deflate stream is corrupt, but what it returns must match).
/// Then the file is changed under the index — cut in half, a byte changed,
/// shifted by a few bytes, gzip-wrapped: a change the index can see must be
/// refused when the file is opened, and every frame is re-read again —
/// errors are expected, panics are not.
pub fn frame_source(data: &[u8]) {
    let Ok(mut reader) = CaptureReader::new(Box::new(Cursor::new(data.to_vec())), "fuzz") else {
        return;
    };
    assert!(
        reader.keep_frame_index(),
        "index possible before the first frame"
    );
    let mut frames = Vec::new();
    while let Some(f) = reader.next_frame() {
        frames.push((f.no, f.link, f.data.to_vec(), f.orig_len));
    }
    let index = reader.take_frame_index().expect("index was kept");
    assert_eq!(
        index.frames(),
        reader.frames_read(),
        "index covers every number"
    );
    let gz = data.starts_with(&[0x1f, 0x8b]);
    let Some(file) = TempCapture::new(data) else {
        return;
    };
    let mut src = edgecap_capture::FrameSource::open(&file.0, &index)
        .expect("the file the index was built from opens");
    for (no, link, bytes, orig_len) in &frames {
        match src.read(*no) {
            Ok(f) => {
                assert_eq!(
                    (f.no, f.link, &f.data, f.orig_len),
                    (*no, *link, bytes, *orig_len),
                    "re-read frame differs from the sequential read"
                );
                let _ = edgecap::tui::locate::locate_tcp_header(&f);
            }
            Err(e) => assert!(gz, "frame {no} cannot be re-read: {e}"),
        }
    }
    re_read_all(&file.0, &index);
    // The file changes under the index.
    let k = data.len() / 3;
    let mut changed = data.to_vec();
    if let Some(b) = changed.get_mut(k.max(24).min(data.len().saturating_sub(1))) {
        *b ^= data.first().copied().unwrap_or(0x5a) | 1;
    }
    let shifted: Vec<u8> = data.iter().skip(1 + k % 7).copied().collect();
    let mut inserted = data[..k.min(data.len())].to_vec();
    inserted.extend_from_slice(&[0xff; 5]);
    inserted.extend_from_slice(&data[k.min(data.len())..]);
    let source = index.source();
    let head = source.head_len;
    for variant in [
        &data[..data.len() / 2],
        &changed[..],
        &shifted[..],
        &inserted[..],
        &edgecap_testkit::writer::gzip(data)[..],
    ] {
        if file.rewrite(variant) {
            // A change the index can see (shorter than what was read, a
            // different length after a read to the end, or other first
            // bytes) must be refused when the file is opened again.
            let visible = (variant.len() as u64) < source.len
                || (source.read_to_end && variant.len() != data.len())
                || variant.get(..head) != data.get(..head);
            if visible {
                assert!(
                    edgecap_capture::FrameSource::open(&file.0, &index).is_err(),
                    "a changed capture file is not detected"
                );
            }
            re_read_all(&file.0, &index);
        }
    }
}

// ---------------------------------------------------------------------------
// netmon_reader
// ---------------------------------------------------------------------------

/// NetMon versions [`netmon_reader`]'s selector picks: 1.1 (millisecond
/// deltas, 16-bit lengths), 2.0 (one media type), 2.1–2.3 (record trailers
/// of 2, 6 and 15 bytes; 2.3 with UTC FILETIMEs).
pub const NETMON_VERSIONS: [(u8, u8); 5] = [(1, 1), (2, 0), (2, 1), (2, 2), (2, 3)];

/// The [`netmon_reader`] input that rebuilds NetMon file `file` (version,
/// frame table fields and everything after the 128-byte header), for seeds.
pub fn netmon_input(file: &[u8]) -> Option<Vec<u8>> {
    let version = (*file.get(5)?, *file.get(4)?);
    let sel = NETMON_VERSIONS.iter().position(|&v| v == version)?;
    let mut out = vec![u8::try_from(sel).ok()?];
    out.extend_from_slice(file.get(24..32)?);
    out.extend_from_slice(file.get(128..)?);
    Some(out)
}

/// A NetMon file built around the input, so the fuzzer spends its time
/// past the file header: byte 0 picks the version (`NETMON_VERSIONS`, low
/// three bits modulo 5) and, with bit 3, raw IP (media type 7) instead of
/// Ethernet as the file's media type; bytes 1–8 are the frame table offset
/// and length (little-endian `u32`s); the rest follows the 128-byte header
/// (records, holes, the frame table). The file is read as `capture_reader`
/// does (one piece and short reads must agree) and through the frame index
/// and re-reader as `frame_source` does (every frame re-reads identical).
pub fn netmon_reader(data: &[u8]) {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let (major, minor) = NETMON_VERSIONS[usize::from(sel & 7) % NETMON_VERSIONS.len()];
    let media = if sel & 8 != 0 { 7 } else { 1 };
    let start = edgecap_testkit::netmon::SystemTime {
        year: 2026,
        month: 12,
        day: 3,
        hour: 10,
        minute: 0,
        second: 0,
        millis: 500,
    };
    let mut file = edgecap_testkit::netmon::NetMonWriter::new(major, minor, media, start).finish();
    file.truncate(edgecap_testkit::netmon::HEADER_LEN);
    let (table, body) = rest.split_at(rest.len().min(8));
    file[24..24 + table.len()].copy_from_slice(table);
    file.extend_from_slice(body);
    let summary = read_all(Box::new(Cursor::new(file.clone())));
    assert!(
        summary.open_error.is_none(),
        "a well-formed header is refused: {summary:?}"
    );
    capture_reader(&file);
    frame_source(&file);
}

// ---------------------------------------------------------------------------
// sip_message, sip_sdp, sip_diagnostics, mras_xml, sip_log
// ---------------------------------------------------------------------------

/// One SIP message or stream: `SipMessage::parse` as a datagram and as a
/// stream message with every accessor, `probe`, and `next_unit` walked over
/// the whole input as the SIP decoder walks a TCP stream.
pub fn sip_message(data: &[u8]) {
    use edgecap_sip::message::{SipMessage, MAX_BODY_LEN, MAX_HEADERS};
    use edgecap_sip::{next_unit, probe, SipProbe, StreamUnit};
    for stream in [false, true] {
        if let Ok(m) = SipMessage::parse(data, stream) {
            // message.rs: headers and body are bounded by the named caps.
            assert!(m.headers.len() <= MAX_HEADERS);
            assert!(m.body.len() <= MAX_BODY_LEN && m.body.len() <= data.len());
            let _ = (
                m.method(),
                m.status(),
                m.call_id(),
                m.cseq(),
                m.from(),
                m.to(),
            );
            let _ = (m.vias(), m.content_type(), m.body_is("application/sdp"));
            let _ = edgecap::sip_detail::sip_lines(&m);
            let _ = edgecap::report::sip_text::detail_lines(&m);
            let _ = edgecap_analyze::log_offset::message_key(&m);
        }
    }
    // framing.rs: a start line that probes Yes parses; every unit advances.
    if probe(data) == SipProbe::Yes {
        let lead = data
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
        assert!(
            SipMessage::parse(&data[lead..], false).is_ok(),
            "probe said yes"
        );
    }
    let mut off = 0;
    while off < data.len() {
        match next_unit(&data[off..]) {
            StreamUnit::KeepAlive(n) => {
                assert!(n > 0);
                off += n;
            }
            StreamUnit::Message { len } => {
                assert!(len > 0 && off + len <= data.len());
                assert!(SipMessage::parse(&data[off..off + len], true).is_ok());
                off += len;
            }
            StreamUnit::Oversized { head_len, body_len } => {
                assert!(body_len > MAX_BODY_LEN as u64 && head_len <= data.len() - off);
                break;
            }
            StreamUnit::NeedMore(n) => {
                assert!(n > data.len() - off);
                break;
            }
            StreamUnit::Invalid => break,
        }
    }
}

/// One SDP body: `Sdp::parse`, the multipart splitter (the first line of the
/// input is the Content-Type) and every candidate line parsed alone.
pub fn sip_sdp(data: &[u8]) {
    use edgecap_sip::sdp::{sdp_bodies, Candidate, Sdp, MAX_CANDIDATES, MAX_MEDIA, MAX_PARTS};
    let sdp = Sdp::parse(data);
    // sdp.rs: media and candidates are bounded.
    assert!(sdp.media.len() <= MAX_MEDIA);
    assert!(sdp
        .media
        .iter()
        .all(|m| m.candidates.len() <= MAX_CANDIDATES));
    let _ = (sdp.has_relay(), sdp.candidates().count());
    for (_, c) in sdp.candidates() {
        let _ = (c.ip(), c.typ.name(), c.transport.name());
    }
    let (ct, body) = match data.iter().position(|c| *c == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let parts = sdp_bodies(ct, body);
    assert!(parts.len() <= MAX_PARTS.max(1));
    for p in parts {
        let _ = Sdp::parse(p);
    }
    for line in data.split(|c| *c == b'\n') {
        let _ = Candidate::parse(line, b"candidate");
        let _ = Candidate::parse(line, b"x-candidate");
    }
}

/// One diagnostics header value, with its accessors.
pub fn sip_diagnostics(data: &[u8]) {
    use edgecap_sip::diagnostics::{Diagnostic, MAX_MEDIA_PAIRS, MAX_PARAMS};
    if let Some(d) = Diagnostic::parse(data) {
        assert!(d.params.len() <= MAX_PARAMS);
        assert!(d
            .media_debug
            .iter()
            .all(|m| m.values.len() <= MAX_MEDIA_PAIRS));
        let _ = (d.reason(), d.port(), d.meaning(), d.param("Peer"));
        for m in &d.media_debug {
            let _ = (
                m.addr("LocalMR"),
                m.addr("RemoteMR"),
                m.port("LocalMRTCPPort"),
            );
        }
    }
}

/// One MRAS body. The password is never kept: its bytes must not appear in
/// what is kept when it is a distinctive value.
pub fn mras_xml(data: &[u8]) {
    use edgecap_sip::mras::{Mras, MAX_MEDIA_RELAYS, MAX_TEXT};
    if let Some(m) = Mras::parse(data) {
        assert!(m.media_relays.len() <= MAX_MEDIA_RELAYS);
        if let Some(c) = &m.credentials {
            assert!(c.username.as_ref().is_none_or(|u| u.len() <= MAX_TEXT));
        }
    }
    let mut with_secret =
        b"<response><credentialsResponse><credentials><password>Zq9-FUZZ-SECRET</password>"
            .to_vec();
    with_secret.extend_from_slice(data);
    if let Some(m) = Mras::parse(&with_secret) {
        assert!(
            !format!("{m:?}").contains("Zq9-FUZZ-SECRET"),
            "the password was kept"
        );
    }
}

/// One log file read as each kind, with `detect`: counters match what was
/// yielded and every record has a line number within the lines read.
pub fn sip_log(data: &[u8]) {
    use edgecap_sip::log::{detect, LogItem, LogKind, LogReader};
    let _ = detect(data);
    for kind in [LogKind::Uccapi, LogKind::SipStack] {
        let mut r = LogReader::new(data, kind);
        let (mut sips, mut events, mut problems) = (0u64, 0u64, 0u64);
        let mut items = Vec::new();
        for item in r.by_ref() {
            match &item {
                LogItem::Sip(s) => {
                    sips += 1;
                    let _ = edgecap_analyze::log_offset::message_key(&s.message);
                    let _ = s.time.map(|t| t.unix_nanos());
                }
                LogItem::Event(_) => events += 1,
                LogItem::Problem(_) => problems += 1,
            }
            items.push(item);
        }
        let st = r.stats();
        assert_eq!(
            (st.messages, st.events, st.problems),
            (sips, events, problems)
        );
        for item in &items {
            let line = match item {
                LogItem::Sip(s) => s.line,
                LogItem::Event(e) => e.line,
                LogItem::Problem(p) => p.line,
            };
            assert!(line >= 1 && line <= st.lines, "line {line} of {}", st.lines);
        }
    }
}

// ---------------------------------------------------------------------------
// capture_follow
// ---------------------------------------------------------------------------

/// Bytes of the `capture_follow` input before the capture: the step sizes.
pub const FOLLOW_STEP_BYTES: usize = 4;

/// Hands out its bytes the way `edgecap_capture::FollowFile` does while a
/// writer appends them in steps: a read never crosses the end of what is
/// "written" so far, and the next step is appended when the reader asks
/// again (`FollowFile` would poll until it is). Zero only at the very end.
struct Steps {
    data: Vec<u8>,
    at: usize,
    /// End of the bytes written so far.
    written: usize,
    sizes: [usize; FOLLOW_STEP_BYTES],
    step: usize,
}

impl Read for Steps {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.written {
            // The writer appends its next step.
            self.written =
                (self.written + self.sizes[self.step % FOLLOW_STEP_BYTES]).min(self.data.len());
            self.step += 1;
        }
        let n = buf.len().min(self.written - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The live reader (`edgecap --follow`): bytes 0–3 are step sizes (`1 +
/// b² / 8`, 1 to 8,129 bytes, used in turn), the rest is a capture file
/// appended to in those steps, so records are cut off at the reader's
/// current end again and again. For non-gzip input the live read in steps,
/// the live read in one piece and the plain (not live) read must open
/// alike and give the same frames up to the first damage any of them
/// reports (all frames when none does): a record cut off at a step's end
/// is completed, never reported as damage or dropped. Past damage they may
/// differ: a live reader returns a record without waiting for the next
/// record's header, so a corrupt length that only that header would reveal
/// is not seen (see `regressions/capture_follow/`).
pub fn capture_follow(data: &[u8]) {
    let Some((head, file)) = data.split_first_chunk::<FOLLOW_STEP_BYTES>() else {
        return;
    };
    let sizes = head.map(|b| 1 + usize::from(b) * usize::from(b) / 8);
    let stepped = read_with(
        Box::new(Steps {
            data: file.to_vec(),
            at: 0,
            written: 0,
            sizes,
            step: 0,
        }),
        true,
    );
    let whole = read_with(Box::new(Cursor::new(file.to_vec())), true);
    if file.starts_with(&[0x1f, 0x8b]) {
        return;
    }
    let plain = read_all(Box::new(Cursor::new(file.to_vec())));
    // Frames up to the first warning's last good frame are undamaged.
    let undamaged = [&stepped, &whole, &plain]
        .iter()
        .filter_map(|r| r.warnings.first().map(|w| w.2.unwrap_or(0)))
        .min()
        .unwrap_or(u64::MAX);
    let before = |r: &ReadSummary| -> Vec<(u64, i64, u32, usize, u32, u64)> {
        r.frames
            .iter()
            .copied()
            .filter(|f| f.0 <= undamaged)
            .collect()
    };
    for (read, what) in [(&stepped, "in steps"), (&whole, "in one piece")] {
        assert_eq!(
            read.open_error, plain.open_error,
            "the live read {what} opens differently"
        );
        assert_eq!(
            before(read),
            before(&plain),
            "the live read {what} gives other frames than the plain read up to frame {undamaged}"
        );
    }
}

// ---------------------------------------------------------------------------
// join
// ---------------------------------------------------------------------------

/// Analyses one capture of the `join` input, named as the app names it.
fn analysed(
    bytes: &[u8],
    name: &str,
) -> Option<(std::path::PathBuf, Vec<u8>, edgecap_analyze::Analysis)> {
    let reader = CaptureReader::new(Box::new(Cursor::new(bytes.to_vec())), name).ok()?;
    let opts = edgecap_analyze::AnalyzeOptions::default();
    let analysis = edgecap_analyze::analyze_capture(reader, name, &opts);
    Some((
        std::path::PathBuf::from(name),
        name.as_bytes().to_vec(),
        analysis,
    ))
}

/// Two captures of one call (`edgecap summary A B`, `edgecap ladder A B`):
/// bytes 0–1 (`u16` big-endian) are the length of the first capture, which
/// follows; the rest is the second. Both are analysed, joined
/// (`edgecap::vantage::join_analyses`, roles from both) and rendered as the joined text summary, the
/// `--json` report and the joined ladder. The JSON must parse, the text
/// must not be empty and the ladder has a line per row.
pub fn join(data: &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let (a, b) = rest.split_at(usize::from(u16::from_be_bytes(*len)).min(rest.len()));
    let (Some(a), Some(b)) = (analysed(a, "a"), analysed(b, "b")) else {
        return;
    };
    let cfg = edgecap_analyze::EdgeConfig::default();
    let (vs, joined) = edgecap::vantage::join_analyses(vec![a, b], &[], &cfg);
    let _ = edgecap::vantage::worst(&vs, &joined);
    let mut text = String::new();
    let opts = edgecap::report::vantage_text::VantageOptions {
        color: false,
        max_rows: 0,
        brief: false,
        explain: false,
    };
    edgecap::report::vantage_text::write_to(&mut text, &vs, &joined, opts);
    assert!(!text.is_empty(), "the joined summary is empty");
    let json = edgecap::report::json::Report::new(&vs[0].analysis, &vs[0].diagnosis)
        .with_vantage(&vs, &joined)
        .to_json();
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("joined report JSON does not parse: {e}\n{json}");
    }
    let analyses: Vec<&edgecap_analyze::Analysis> = vs.iter().map(|v| &v.analysis).collect();
    let rows = edgecap::ladder::path::rows(&analyses, &joined);
    let ladder = edgecap::ladder::path::to_text(&joined, &rows, 0);
    // One line per row (a capture without packets has none).
    assert!(ladder.lines().count() >= rows.len(), "ladder rows missing");
}

// ---------------------------------------------------------------------------
// log_alone
// ---------------------------------------------------------------------------

/// A log read alone (`edgecap summary client.uccapilog`), as each kind:
/// read (`inputs::read_log_from`), made the timeline
/// (`inputs::analyze_alone` → `edgecap_analyze::log_alone`), diagnosed and
/// rendered as the text summary with the log section and the `--json`
/// report. The text must not be empty when the log has records, and the
/// JSON must parse; every record placed on the timeline points at one of
/// the analysis' messages.
pub fn log_alone(data: &[u8]) {
    use edgecap_sip::log::LogKind;
    let _ = edgecap_sip::log::detect(data);
    for kind in [LogKind::Uccapi, LogKind::SipStack] {
        let mut log = edgecap::inputs::read_log_from(data, std::path::Path::new("fuzz.log"), kind);
        let analysis = edgecap::inputs::analyze_alone(&mut log);
        assert_eq!(log.messages.len(), log.sips.len());
        for m in log.messages.iter().flatten() {
            assert!(
                *m < analysis.proto.messages.len(),
                "message {m} out of range"
            );
        }
        let diagnosis = edgecap_analyze::diagnose(&analysis, &Default::default());
        let mut text =
            edgecap::report::text::render(&analysis, &diagnosis, Default::default()).into_bytes();
        edgecap::report::logs_text::write_logs(&mut text, std::slice::from_ref(&log))
            .expect("writing the log section to a Vec");
        if !log.sips.is_empty() || !log.events.is_empty() || !log.problems.is_empty() {
            assert!(!text.is_empty(), "no text for a log with records");
        }
        let logs = [log];
        let json = edgecap::report::json::Report::new(&analysis, &diagnosis)
            .with_inputs(&logs)
            .to_json();
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
            panic!("log report JSON does not parse: {e}\n{json}");
        }
    }
}
