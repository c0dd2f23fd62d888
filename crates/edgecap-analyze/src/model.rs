//! The analysis model: [`Analysis`], the immutable result of one capture —
//! facts about the file ([`CaptureInfo`]), the flow records, the network
//! anomalies ([`AnomalyLog`]), the protocol layer's results and the
//! MESSAGE-INTEGRITY verdicts — that the diagnosis, the reports, the ladder
//! and the timeline read. It is built by [`crate::engine`]; nothing here
//! reads a capture.

use std::collections::BTreeMap;

use edgecap_capture::{CaptureFormat, CaptureWarning, FrameIndex, FrameNo, LinkType, Timestamp};
use edgecap_net::table::{FlowDrops, FlowRecord};
use edgecap_net::{Endpoint, FlowId, NetAnomaly, NetStats, Transport};
use edgecap_proto::{ProtoAnalysis, ProtoMsg};

/// How many anomalies are kept as examples; the rest are only counted.
pub const MAX_ANOMALY_EXAMPLES: usize = 200;

/// Facts about the capture file itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureInfo {
    /// The input's name as given by the user (`-` for standard input): a
    /// path's bytes, which need not be UTF-8 nor printable (outputs escape
    /// them, and keep them recoverable in JSON).
    pub name: Box<[u8]>,
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
    /// ICMP errors quoting a datagram of no live flow (never seen, expired,
    /// or beyond the record cap): counted, not on the timeline.
    pub icmp_unlinked: u64,
}

impl CaptureInfo {
    /// The facts of an input named `name` before its first frame.
    pub fn empty(name: &[u8], format: CaptureFormat, compressed: bool) -> CaptureInfo {
        CaptureInfo {
            name: name.into(),
            format,
            compressed,
            packets: 0,
            bytes: 0,
            truncated_frames: 0,
            first_ts: None,
            last_ts: None,
            link_types: Vec::new(),
            warnings: Vec::new(),
            net: NetStats::default(),
            flows_dropped: FlowDrops::default(),
            icmp_unlinked: 0,
        }
    }

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
    /// What the protocol decoders found (empty when [`crate::analyze`] ran with
    /// another sink).
    pub proto: ProtoAnalysis,
    /// Where each frame's record is in the file, for re-reading frames on
    /// demand ([`edgecap_capture::FrameSource`]); only with
    /// [`crate::AnalyzeOptions::keep_frame_index`].
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
}
