//! Drives one capture through the layers — reader, link/IP decoding, flow table,
//! TCP reassembly and the protocol decoders — and collects the immutable
//! [`Analysis`] that reports render.
//!
//! The engine streams: it holds one frame at a time plus the live flow state,
//! so memory follows live flows, buffered out-of-order bytes and the decoded
//! protocol messages, not file size. [`analyze`] runs the capture into any
//! [`FlowSink`]; [`analyze_capture`] runs the whole pipeline with a
//! [`ProtoSink`], merges the protocol anomalies into the [`AnomalyLog`] and
//! verifies MESSAGE-INTEGRITY with the [`AnalyzeOptions`] credentials.

pub mod credentials;
pub mod integrity;

pub use credentials::{Credential, CredentialError};
pub use integrity::{Integrity, IntegrityResults};

use edgecap_capture::{
    CaptureFormat, CaptureReader, CaptureWarning, FrameIndex, FrameNo, LinkType, Timestamp,
};
use edgecap_net::table::{FlowDrops, FlowRecord, FlowSink, FlowTable};
use edgecap_net::{Endpoint, FlowId, NetAnomaly, NetDecoder, NetStats, Transport};
use edgecap_proto::{ProtoAnalysis, ProtoMsg, ProtoSink, StunRecord};
use std::collections::BTreeMap;

/// How many anomalies are kept as examples; the rest are only counted.
pub const MAX_ANOMALY_EXAMPLES: usize = 200;

/// Facts about the capture file itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureInfo {
    /// The input's name as given by the user (`-` for standard input).
    pub name: String,
    /// pcap or pcapng.
    pub format: CaptureFormat,
    /// True when the input was gzip-compressed.
    pub compressed: bool,
    /// Frames read.
    pub packets: u64,
    /// Sum of the frames' lengths on the wire.
    pub bytes: u64,
    /// Frames captured shorter than they were on the wire (snaplen).
    pub truncated_frames: u64,
    /// Time of the earliest frame.
    pub first_ts: Option<Timestamp>,
    /// Time of the latest frame.
    pub last_ts: Option<Timestamp>,
    /// Link types of the capture's interfaces.
    pub link_types: Vec<LinkType>,
    /// Damage found in the file.
    pub warnings: Vec<CaptureWarning>,
    /// What the link/IP layers saw: frames per link type, non-IP frames,
    /// fragments and reassembled datagrams.
    pub net: NetStats,
    /// Flows beyond the flow-record cap: counted, not listed; and in
    /// `flows_dropped.evicted`, flows finalised early by the live-flow cap.
    pub flows_dropped: FlowDrops,
}

impl CaptureInfo {
    /// Seconds from the first to the last frame.
    pub fn duration_secs(&self) -> f64 {
        match (self.first_ts, self.last_ts) {
            (Some(first), Some(last)) => last.seconds_since(first),
            _ => 0.0,
        }
    }
}

/// One anomaly kept as an example, from any layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnomalyExample {
    /// Stable id such as `tcp.overlap` or `stun.bad_fingerprint`.
    pub id: &'static str,
    /// The frame it was found at.
    pub frame: FrameNo,
    /// What exactly was seen (may quote capture bytes: sanitise before printing).
    pub detail: String,
}

/// Anomalies by id, with the first few kept as examples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnomalyLog {
    /// How many of each anomaly id were seen.
    pub counts: BTreeMap<&'static str, u64>,
    /// The first [`MAX_ANOMALY_EXAMPLES`] anomalies, in frame order.
    pub examples: Vec<AnomalyExample>,
}

impl AnomalyLog {
    /// Records one anomaly.
    pub fn push(&mut self, anomaly: NetAnomaly) {
        *self.counts.entry(anomaly.kind.id()).or_insert(0) += 1;
        if self.examples.len() < MAX_ANOMALY_EXAMPLES {
            self.examples.push(AnomalyExample {
                id: anomaly.kind.id(),
                frame: anomaly.frame,
                detail: anomaly.detail,
            });
        }
    }

    /// Adds the protocol layer's anomaly counts and examples (decoder
    /// anomalies and the anomalies inside STUN messages), keeping the first
    /// [`MAX_ANOMALY_EXAMPLES`] of all layers in frame order.
    pub fn merge_proto(&mut self, proto: &ProtoAnalysis) {
        for (id, n) in &proto.anomaly_counts {
            *self.counts.entry(id).or_insert(0) += n;
        }
        let mut extra: Vec<AnomalyExample> = Vec::new();
        for d in &proto.messages {
            if extra.len() >= MAX_ANOMALY_EXAMPLES {
                break;
            }
            match &d.msg {
                ProtoMsg::Anomaly(a) => extra.push(AnomalyExample {
                    id: a.id,
                    frame: d.frames.last,
                    detail: a.detail.clone(),
                }),
                ProtoMsg::Stun(r) => {
                    for a in &r.msg.anomalies {
                        extra.push(AnomalyExample {
                            id: a.kind.id(),
                            frame: d.frames.last,
                            detail: format!("{} in {}", a, r.msg.msg_type.describe()),
                        });
                    }
                }
                _ => {}
            }
        }
        if extra.is_empty() {
            return;
        }
        self.examples.extend(extra);
        // Stable: within a frame, network anomalies stay before protocol ones.
        self.examples.sort_by_key(|e| e.frame);
        self.examples.truncate(MAX_ANOMALY_EXAMPLES);
    }

    /// Total anomalies seen.
    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }
}

/// The result of analysing one capture.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Facts about the file.
    pub capture: CaptureInfo,
    /// Every flow, in order of first appearance.
    pub flows: Vec<FlowRecord>,
    /// Malformed or suspicious traffic, from every layer.
    pub anomalies: AnomalyLog,
    /// What the protocol decoders found (empty when [`analyze`] ran with
    /// another sink).
    pub proto: ProtoAnalysis,
    /// MESSAGE-INTEGRITY checks by index in `proto.messages` (only messages
    /// a credential applied to).
    pub integrity: IntegrityResults,
    /// Where each frame's record is in the file, for re-reading frames on
    /// demand ([`edgecap_capture::FrameSource`]); only with
    /// [`AnalyzeOptions::keep_frame_index`].
    pub frame_index: Option<FrameIndex>,
}

impl Analysis {
    /// The record of flow `id`. Records are numbered as they are created
    /// (`flows[i].id` is `i`), so this is a direct lookup; the scan is for
    /// analyses assembled by hand.
    pub fn flow(&self, id: FlowId) -> Option<&FlowRecord> {
        self.flows
            .get(id.0 as usize)
            .filter(|f| f.id == id)
            .or_else(|| self.flows.iter().find(|f| f.id == id))
    }

    /// `(transport, client, server)` of flow `id`: from its record, else
    /// (a flow beyond the record cap) from the protocol layer.
    pub fn flow_ends(&self, id: FlowId) -> Option<(Transport, Endpoint, Endpoint)> {
        match self.flow(id) {
            Some(f) => Some((f.transport, f.client, f.server)),
            None => self
                .proto
                .flows
                .get(&id)
                .map(|f| (f.transport, f.client, f.server)),
        }
    }

    /// The integrity state of `proto.messages[index]`, the STUN record `r`.
    pub fn integrity_of(&self, index: usize, r: &StunRecord) -> Integrity {
        match self.integrity.get(&index) {
            Some(v) => *v,
            None if r.msg.integrity().is_some() => Integrity::Present,
            None => Integrity::Absent,
        }
    }
}

/// Options of [`analyze_capture`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// Long-term credentials to verify MESSAGE-INTEGRITY with.
    pub credentials: Vec<Credential>,
    /// Record a [`FrameIndex`] in [`Analysis::frame_index`] (8 bytes per
    /// frame) so frames can be re-read later (the timeline's hex dump). Off
    /// by default: `edgecap summary` does not need it.
    pub keep_frame_index: bool,
}

/// Runs the whole pipeline — network layers and protocol decoders — and
/// returns the analysis with the protocol results, protocol anomalies merged
/// and MESSAGE-INTEGRITY verified with `opts.credentials`.
pub fn analyze_capture(reader: CaptureReader, name: &str, opts: &AnalyzeOptions) -> Analysis {
    analyze_capture_with_progress(reader, name, opts, &mut |_| {})
}

/// How often (in frames) [`analyze_capture_with_progress`] reports progress.
pub const PROGRESS_EVERY_FRAMES: u64 = 4096;

/// How far a running analysis has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadProgress {
    /// Bytes read from the input so far (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Frames read so far.
    pub packets: u64,
}

/// [`analyze_capture`], calling `progress` every [`PROGRESS_EVERY_FRAMES`]
/// frames and once more when the last frame has been read. The callback runs
/// on the analysing thread; keep it cheap (send it over a channel).
pub fn analyze_capture_with_progress(
    mut reader: CaptureReader,
    name: &str,
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(LoadProgress),
) -> Analysis {
    if opts.keep_frame_index {
        reader.keep_frame_index();
    }
    let mut sink = ProtoSink::new();
    let mut analysis = analyze_inner(reader, name, &mut sink, progress);
    let proto = sink.finish();
    analysis.anomalies.merge_proto(&proto);
    analysis.integrity = integrity::verify_all(&proto, &opts.credentials);
    analysis.proto = proto;
    analysis
}

/// Reads the whole capture, passing flow payloads to `sink`, and returns the analysis.
pub fn analyze(reader: CaptureReader, name: &str, sink: &mut dyn FlowSink) -> Analysis {
    analyze_inner(reader, name, sink, &mut |_| {})
}

fn analyze_inner(
    mut reader: CaptureReader,
    name: &str,
    sink: &mut dyn FlowSink,
    progress: &mut dyn FnMut(LoadProgress),
) -> Analysis {
    let mut decoder = NetDecoder::new();
    let mut table = FlowTable::default();
    let mut log = AnomalyLog::default();
    let mut scratch: Vec<NetAnomaly> = Vec::new();
    let mut info = CaptureInfo {
        name: name.to_string(),
        format: reader.format(),
        compressed: reader.is_compressed(),
        packets: 0,
        bytes: 0,
        truncated_frames: 0,
        first_ts: None,
        last_ts: None,
        link_types: Vec::new(),
        warnings: Vec::new(),
        net: NetStats::default(),
        flows_dropped: FlowDrops::default(),
    };
    let mut last_frame = FrameNo(0);
    while let Some(frame) = reader.next_frame() {
        info.packets += 1;
        info.bytes += u64::from(frame.orig_len);
        info.truncated_frames += u64::from(frame.is_truncated());
        info.first_ts = Some(info.first_ts.map_or(frame.ts, |t| t.min(frame.ts)));
        info.last_ts = Some(info.last_ts.map_or(frame.ts, |t| t.max(frame.ts)));
        last_frame = frame.no;
        if let Some(packet) = decoder.decode(&frame, &mut scratch) {
            table.process(&frame, &packet, &mut scratch, sink);
        }
        for anomaly in scratch.drain(..) {
            log.push(anomaly);
        }
        if info.packets % PROGRESS_EVERY_FRAMES == 0 {
            progress(LoadProgress {
                bytes_read: reader.input_bytes_read(),
                packets: info.packets,
            });
        }
    }
    progress(LoadProgress {
        bytes_read: reader.input_bytes_read(),
        packets: info.packets,
    });
    decoder.finish(&mut scratch);
    let (flows, flows_dropped) = table.finish_with_drops(last_frame, &mut scratch, sink);
    info.flows_dropped = flows_dropped;
    for anomaly in scratch.drain(..) {
        log.push(anomaly);
    }
    info.link_types = reader.link_types().to_vec();
    info.net = decoder.stats().clone();
    info.warnings = reader.warnings().to_vec();
    Analysis {
        capture: info,
        flows,
        anomalies: log,
        proto: ProtoAnalysis::default(),
        integrity: IntegrityResults::new(),
        frame_index: reader.take_frame_index(),
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::AnalyzeOptions;
    use crate::test_util::capture;
    use edgecap_net::FlowId;

    #[test]
    fn flow_lookup_finds_every_record_even_out_of_order() {
        let mut a = capture("tcp-outcomes.pcap", &AnalyzeOptions::default());
        assert!(a.flows.len() > 3);
        for f in &a.flows {
            assert_eq!(a.flow(f.id).map(|r| r.first_frame), Some(f.first_frame));
            let (t, c, s) = a.flow_ends(f.id).expect("ends");
            assert_eq!((t, c, s), (f.transport, f.client, f.server));
        }
        let unknown = FlowId(a.flows.len() as u32 + 7);
        assert!(a.flow(unknown).is_none() && a.flow_ends(unknown).is_none());
        // Assembled by hand in another order: still found.
        a.flows.reverse();
        let last = a.flows[0].id;
        assert_eq!(a.flow(last).map(|f| f.id), Some(last));
    }
}
