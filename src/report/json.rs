//! The JSON document printed by `edgecap summary --json`: one object whose
//! schema is documented in the README. Keys are added, never renamed.
//!
//! Large arrays (`flows`, `stun`, `tls`, `allocations`, `turn_channels`) are
//! serialised lazily from the analysis, one element at a time, and capped
//! (`MAX_JSON_*` below): what a cap left out is counted in `omitted`, which is
//! absent when nothing was. `--json-lines` ([`super::jsonl`]) lists
//! everything. The protocol keys live in [`super::json_stun`] and
//! [`super::json_proto`].

use super::json_diag::{FindingsJson, RolesJson};
use super::json_icmp::IcmpArrayJson;
use super::json_mras::MrasArrayJson;
use super::json_proto::{AllocationsJson, TlsArrayJson, TurnChannelsJson};
use super::json_sip::SipArrayJson;
use super::json_stun::{stun_records, StunArrayJson};
use edgecap_analyze::Analysis;
use edgecap_analyze::Diagnosis;
use edgecap_net::table::FlowRecord;
use edgecap_net::Transport;
use edgecap_proto::ProtoAnalysis;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Flows listed in `flows` at most (the first ones, by id). A flow entry is
/// about 0.8 KB of pretty JSON, so at most ~8 MB of flows: a summary a
/// script or a person can load in one piece, and far above any single
/// call's capture (tens of flows). The same cap applies to `tls` (at most
/// one entry per flow).
pub const MAX_JSON_FLOWS: usize = 10_000;

/// STUN messages listed in `stun` at most (the first ones, in frame order).
/// An entry with its attributes is typically about 2 KB of pretty JSON, so
/// ~20 MB; a call's signalling is tens to hundreds of messages. The same cap
/// bounds the steps of the listed `allocations` stories (a step is a
/// message) and the `turn_channels` entries.
pub const MAX_JSON_MESSAGES: usize = 10_000;

/// Allocation stories listed in `allocations` at most (fewer when their
/// steps would exceed [`MAX_JSON_MESSAGES`]).
pub const MAX_JSON_ALLOCATIONS: usize = 1_000;

/// Addresses listed in `roles` at most per role (the first ones by
/// address). Every client address has a role, so a busy edge has tens of
/// thousands; the cap is per role so that the few edge addresses are listed
/// however many clients there are. An entry is about 0.4 KB of pretty JSON:
/// at most ~2 MB for the five roles.
pub const MAX_JSON_ROLES_PER_ROLE: usize = 1_000;

/// Findings listed in `findings` at most (the most severe first). Findings
/// are per group (source/target pair, error code, …): a busy edge with
/// thousands of failing clients has thousands; an entry is up to ~1.5 KB of
/// pretty JSON (64 evidence frames at most): at most ~1.5 MB.
pub const MAX_JSON_FINDINGS: usize = 1_000;

/// The whole document. Flows are serialised one at a time straight from the
/// analysis, so writing a report of a million flows needs no second copy.
#[derive(Serialize)]
pub struct Report<'a> {
    /// The edgecap version that wrote the document.
    pub edgecap_version: &'static str,
    /// Facts about the capture file.
    pub capture: CaptureJson,
    /// Entries the caps left out of the arrays below; absent when none was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<OmittedJson>,
    /// The first flows, in order of first appearance.
    pub flows: FlowsJson<'a>,
    /// The first decoded STUN / TURN / MS-TURN messages, in frame order.
    pub stun: StunArrayJson<'a>,
    /// One entry per TLS or pseudo-TLS handshake, by flow.
    pub tls: TlsArrayJson<'a>,
    /// The TURN allocation stories.
    pub allocations: AllocationsJson<'a>,
    /// TURN data channel counters per flow, channel and direction.
    pub turn_channels: TurnChannelsJson<'a>,
    /// ICMP / ICMPv6 destination-unreachable errors, in frame order; absent
    /// when the capture holds none.
    #[serde(skip_serializing_if = "IcmpArrayJson::is_empty")]
    pub icmp: IcmpArrayJson<'a>,
    /// Malformed or suspicious traffic (counts; the first examples).
    pub anomalies: AnomaliesJson,
    /// Who is who: each address's role with its evidence (the first
    /// addresses of each role).
    pub roles: RolesJson<'a>,
    /// What went wrong (and what worked), most severe first (the first ones).
    pub findings: FindingsJson<'a>,
    /// The SIP messages, in frame order (the first ones); absent when the
    /// capture carries no SIP.
    #[serde(skip_serializing_if = "SipArrayJson::is_empty")]
    pub sip: SipArrayJson<'a>,
    /// The MRAS exchanges among the SIP messages (the first ones); absent
    /// when there is none.
    #[serde(skip_serializing_if = "MrasArrayJson::is_empty")]
    pub mras: MrasArrayJson<'a>,
    /// The SIP calls (Call-IDs with an INVITE) with their candidates and
    /// links; absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<super::json_calls::CallJson>,
    /// The other captures and the logs read beside the capture; absent when
    /// none was given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputEntry<'a>>,
    /// Several captures joined; absent for one capture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join: Option<super::json_join::JoinJson<'a>>,
}

/// One `inputs` entry: a capture (when several were given) or a log.
#[derive(Serialize)]
#[serde(untagged)]
pub enum InputEntry<'a> {
    /// A capture among several.
    Capture(super::json_join::CaptureInputJson<'a>),
    /// A log.
    Log(super::json_inputs::InputJson<'a>),
}

/// `omitted`: how many entries of each capped array were not listed.
#[derive(Serialize, Debug, Default, PartialEq, Eq)]
pub struct OmittedJson {
    /// Flows beyond [`MAX_JSON_FLOWS`].
    pub flows: u64,
    /// STUN messages beyond [`MAX_JSON_MESSAGES`].
    pub stun: u64,
    /// Handshakes beyond [`MAX_JSON_FLOWS`].
    pub tls: u64,
    /// Allocation stories beyond [`MAX_JSON_ALLOCATIONS`] or the step budget.
    pub allocations: u64,
    /// Channel counters beyond [`MAX_JSON_MESSAGES`].
    pub turn_channels: u64,
    /// ICMP errors beyond [`MAX_JSON_MESSAGES`] (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub icmp: u64,
    /// Role assignments beyond [`MAX_JSON_ROLES_PER_ROLE`] of their role.
    pub roles: u64,
    /// Findings beyond [`MAX_JSON_FINDINGS`].
    pub findings: u64,
    /// SIP messages beyond [`MAX_JSON_MESSAGES`]; absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub sip: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// `flows`: serialised lazily from the flow records, with each flow's
/// protocol label from the protocol layer, at most `limit` of them.
pub struct FlowsJson<'a> {
    /// The flow records.
    pub flows: &'a [FlowRecord],
    /// The protocol results (labels).
    pub proto: &'a ProtoAnalysis,
    /// Entries listed at most.
    pub limit: usize,
}

impl<'a> FlowsJson<'a> {
    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = FlowJson> + 'a {
        let proto = self.proto;
        self.flows
            .iter()
            .map(move |f| flow_json(f, proto.flow_label(f.id)))
    }
}

impl Serialize for FlowsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.limit))
    }
}

/// `capture`: facts about the file.
#[derive(Serialize)]
pub struct CaptureJson {
    /// The input's name as given (`-` for standard input).
    pub file: String,
    /// `"pcap"` or `"pcapng"`.
    pub format: &'static str,
    /// True when the input was gzip-compressed.
    pub compressed: bool,
    /// Frames read.
    pub packets: u64,
    /// Sum of frame lengths on the wire.
    pub bytes: u64,
    /// Frames shorter than on the wire (snaplen).
    pub truncated_frames: u64,
    /// First frame time, UTC RFC 3339 with microseconds, or null for an empty capture.
    pub first_time: Option<String>,
    /// Last frame time.
    pub last_time: Option<String>,
    /// Seconds from first to last frame.
    pub duration: f64,
    /// Link types of the capture's interfaces.
    pub link_types: Vec<LinkTypeJson>,
    /// One line per damage found in the file.
    pub warnings: Vec<String>,
    /// Well-formed frames without IP (ARP, LLDP, …).
    pub non_ip_frames: u64,
    /// Frames dropped as malformed below the application layer.
    pub malformed_frames: u64,
    /// IP packets that were neither TCP nor UDP (ICMP, ESP, …).
    pub other_ip_packets: u64,
    /// IPv4 fragments seen.
    pub ipv4_fragments: u64,
    /// IPv6 fragments seen.
    pub ipv6_fragments: u64,
    /// Datagrams reassembled from fragments.
    pub reassembled_datagrams: u64,
    /// Flows beyond the flow-record cap (`net::table::MAX_FLOW_RECORDS`):
    /// counted here, not listed in `flows`.
    pub flows_dropped: FlowsDroppedJson,
    /// Flows finalised early because the live-flow cap
    /// (`net::table::MAX_LIVE_FLOWS`) was reached; absent when it was not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flows_evicted: Option<FlowsEvictedJson>,
    /// ICMP errors quoting a datagram of no live flow (not in `icmp`);
    /// absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub icmp_unlinked: u64,
    /// Decoded protocol outputs not listed because a cap was reached
    /// (`proto::dispatch::MAX_MESSAGES`, `MAX_MESSAGE_BYTES`,
    /// `MAX_ANOMALY_MESSAGES`), by kind; absent when nothing was dropped.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub messages_dropped: BTreeMap<&'static str, u64>,
}

/// `capture.flows_evicted`.
#[derive(Serialize)]
pub struct FlowsEvictedJson {
    /// Listed flows finalised early: `finished + syn_unanswered + active`.
    pub flows: u64,
    /// TCP connections already reset or closed by both sides.
    pub finished: u64,
    /// Unanswered SYNs.
    pub syn_unanswered: u64,
    /// Other flows: a later packet of one starts a new flow.
    pub active: u64,
    /// Unlisted flows (beyond the record cap) forgotten: a later packet of
    /// one counts it again in `flows_dropped.flows`.
    pub untracked: u64,
    /// The frame whose new flow first found the live table full.
    pub first_frame: Option<u64>,
}

/// `capture.flows_dropped`.
#[derive(Serialize)]
pub struct FlowsDroppedJson {
    /// Flows not listed.
    pub flows: u64,
    /// Their packets.
    pub packets: u64,
    /// Their bytes on the wire.
    pub bytes: u64,
    /// The frame that started the first of them.
    pub first_frame: Option<u64>,
}

/// One link type.
#[derive(Serialize)]
pub struct LinkTypeJson {
    /// The LINKTYPE_ number.
    pub linktype: u32,
    /// Short name, or `"unsupported"`.
    pub name: &'static str,
    /// Frames captured with this link type.
    pub frames: u64,
}

/// One flow.
#[derive(Serialize)]
pub struct FlowJson {
    /// Flow number in order of first appearance, from 0.
    pub id: u32,
    /// `"tcp"`, `"udp"`, or another protocol over IP (`"sctp"`, `"gre"`,
    /// `"esp"`, …; `"ip"` when it has no name here: see `ip_protocol`).
    pub transport: &'static str,
    /// The IP protocol number of another transport (132 for SCTP, …);
    /// absent for TCP and UDP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_protocol: Option<u8>,
    /// Application protocol label: "stun", "ms-turn", "pseudo-tls+ms-turn", "tls", "unknown".
    pub protocol: &'static str,
    /// Client address as `ip:port` / `[ipv6]:port` (the address alone for
    /// transports without ports).
    pub client: String,
    /// Server address.
    pub server: String,
    /// Packets in both directions.
    pub packets: u64,
    /// Frame bytes in both directions.
    pub bytes: u64,
    /// Packets sent by the client.
    pub packets_to_server: u64,
    /// Packets sent by the server.
    pub packets_to_client: u64,
    /// Bytes sent by the client.
    pub bytes_to_server: u64,
    /// Bytes sent by the server.
    pub bytes_to_client: u64,
    /// First frame number.
    pub first_frame: u64,
    /// Last frame number.
    pub last_frame: u64,
    /// Time of the first frame.
    pub first_time: String,
    /// Time of the last frame.
    pub last_time: String,
    /// Seconds from first to last frame.
    pub duration: f64,
    /// TCP outcome (null for UDP).
    pub tcp_outcome: Option<&'static str>,
    /// TCP details (null for UDP).
    pub tcp: Option<TcpJson>,
}

/// TCP details of a flow.
#[derive(Serialize)]
pub struct TcpJson {
    /// Frame of the client's first SYN.
    pub syn_frame: Option<u64>,
    /// SYNs sent by the client (retransmissions included).
    pub syn_count: u32,
    /// Frames of those SYNs (first 16).
    pub syn_frames: Vec<u64>,
    /// Frame of the server's SYN-ACK.
    pub syn_ack_frame: Option<u64>,
    /// Frames with RST (first 16).
    pub rst_frames: Vec<u64>,
    /// `"client"` or `"server"`: who sent the first RST.
    pub reset_by: Option<&'static str>,
    /// Payload bytes (both directions) seen before the first RST.
    pub bytes_before_reset: Option<u64>,
    /// Frame of the client's first FIN.
    pub client_fin_frame: Option<u64>,
    /// Frame of the server's first FIN.
    pub server_fin_frame: Option<u64>,
    /// Payload bytes sent by the client.
    pub payload_bytes_to_server: u64,
    /// Payload bytes sent by the server.
    pub payload_bytes_to_client: u64,
    /// Bytes delivered in order by reassembly, client to server.
    pub stream_bytes_to_server: u64,
    /// Bytes delivered in order by reassembly, server to client.
    pub stream_bytes_to_client: u64,
    /// Retransmitted segments (both directions).
    pub retransmissions: u64,
    /// Overlapping segments (both directions).
    pub overlaps: u64,
    /// Gaps (bytes never captured) in the streams.
    pub gaps: u64,
    /// Bytes lost in those gaps.
    pub gap_bytes: u64,
}

/// `anomalies`: counts per id and the first examples.
#[derive(Serialize)]
pub struct AnomaliesJson {
    /// Count per anomaly id.
    pub counts: BTreeMap<&'static str, u64>,
    /// The first anomalies, in frame order.
    pub examples: Vec<AnomalyJson>,
}

/// One anomaly.
#[derive(Serialize)]
pub struct AnomalyJson {
    /// Stable id such as `ip.fragment_overlap`.
    pub id: &'static str,
    /// Frame number.
    pub frame: u64,
    /// Detail text.
    pub detail: String,
}

/// The caps of the `--json` arrays (the `MAX_JSON_*` constants by default;
/// tests lower them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonLimits {
    /// `flows` and `tls` entries.
    pub flows: usize,
    /// `stun` entries, `turn_channels` entries, steps of the listed `allocations`.
    pub messages: usize,
    /// `allocations` stories.
    pub allocations: usize,
    /// `roles` entries per role.
    pub roles_per_role: usize,
    /// `findings` entries.
    pub findings: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits {
            flows: MAX_JSON_FLOWS,
            messages: MAX_JSON_MESSAGES,
            allocations: MAX_JSON_ALLOCATIONS,
            roles_per_role: MAX_JSON_ROLES_PER_ROLE,
            findings: MAX_JSON_FINDINGS,
        }
    }
}

impl CaptureJson {
    /// The capture facts of `analysis`.
    pub fn new(analysis: &Analysis) -> CaptureJson {
        let c = &analysis.capture;
        CaptureJson {
            file: edgecap_core::safe::text_or_hex(&c.name).into_owned(),
            format: c.format.as_str(),
            compressed: c.compressed,
            packets: c.packets,
            bytes: c.bytes,
            truncated_frames: c.truncated_frames,
            first_time: c.first_ts.map(|t| t.to_string()),
            last_time: c.last_ts.map(|t| t.to_string()),
            duration: c.duration_secs(),
            link_types: c
                .link_types
                .iter()
                .map(|l| LinkTypeJson {
                    linktype: l.0,
                    name: l.name().unwrap_or("unsupported"),
                    frames: c.net.frames_of(*l),
                })
                .collect(),
            warnings: c.warnings.iter().map(|w| w.to_string()).collect(),
            non_ip_frames: c.net.non_ip,
            malformed_frames: c.net.malformed,
            other_ip_packets: c.net.other_protocol,
            ipv4_fragments: c.net.defrag.ipv4_fragments,
            ipv6_fragments: c.net.defrag.ipv6_fragments,
            reassembled_datagrams: c.net.defrag.reassembled,
            flows_dropped: FlowsDroppedJson {
                flows: c.flows_dropped.flows,
                packets: c.flows_dropped.packets,
                bytes: c.flows_dropped.bytes,
                first_frame: c.flows_dropped.first_frame.map(|f| f.0),
            },
            icmp_unlinked: c.icmp_unlinked,
            flows_evicted: {
                let e = &c.flows_dropped.evicted;
                (!e.is_empty()).then(|| FlowsEvictedJson {
                    flows: e.flows,
                    finished: e.finished,
                    syn_unanswered: e.syn_unanswered,
                    active: e.active,
                    untracked: e.untracked,
                    first_frame: e.first_frame.map(|f| f.0),
                })
            },
            messages_dropped: analysis.proto.dropped.clone(),
        }
    }
}

impl AnomaliesJson {
    /// The anomaly counts and examples of `analysis`.
    pub fn new(analysis: &Analysis) -> AnomaliesJson {
        AnomaliesJson {
            counts: analysis.anomalies.counts.clone(),
            examples: analysis
                .anomalies
                .examples
                .iter()
                .map(|a| AnomalyJson {
                    id: a.id,
                    frame: a.frame.0,
                    detail: edgecap_core::safe::escape(&a.detail).into_owned(),
                })
                .collect(),
        }
    }
}

impl<'a> Report<'a> {
    /// Builds the document from an analysis and its diagnosis, with the
    /// `MAX_JSON_*` caps.
    pub fn new(analysis: &'a Analysis, diagnosis: &'a Diagnosis) -> Report<'a> {
        Report::with_limits(analysis, diagnosis, JsonLimits::default())
    }

    /// Builds the document with the given caps.
    pub fn with_limits(
        analysis: &'a Analysis,
        diagnosis: &'a Diagnosis,
        limits: JsonLimits,
    ) -> Report<'a> {
        let flows = FlowsJson {
            flows: &analysis.flows,
            proto: &analysis.proto,
            limit: limits.flows,
        };
        let stun = StunArrayJson {
            analysis,
            limit: limits.messages,
        };
        let tls = TlsArrayJson::new(analysis, limits.flows);
        let allocations = AllocationsJson::new(analysis, limits.allocations, limits.messages);
        let turn_channels = TurnChannelsJson {
            analysis,
            limit: limits.messages,
        };
        let icmp = IcmpArrayJson {
            analysis,
            limit: limits.messages,
        };
        let roles = RolesJson {
            diagnosis,
            per_role: limits.roles_per_role,
        };
        let findings = FindingsJson {
            diagnosis,
            limit: limits.findings,
        };
        let sip = SipArrayJson {
            analysis,
            limit: limits.messages,
        };
        let beyond = |total: usize, listed: usize| total.saturating_sub(listed) as u64;
        let omitted = OmittedJson {
            flows: beyond(analysis.flows.len(), limits.flows),
            // Counting costs a pass over the message list only when the
            // list could be longer than the cap.
            stun: if analysis.proto.messages.len() > limits.messages {
                beyond(stun_records(analysis).count(), limits.messages)
            } else {
                0
            },
            tls: beyond(tls.total(), limits.flows),
            allocations: beyond(allocations.total(), allocations.listed()),
            turn_channels: beyond(turn_channels.total(), limits.messages),
            icmp: beyond(icmp.total(), limits.messages),
            roles: roles.omitted() as u64,
            findings: findings.omitted() as u64,
            sip: if analysis.proto.messages.len() > limits.messages {
                beyond(sip.total(), limits.messages)
            } else {
                0
            },
        };
        Report {
            edgecap_version: env!("CARGO_PKG_VERSION"),
            capture: CaptureJson::new(analysis),
            omitted: (omitted != OmittedJson::default()).then_some(omitted),
            flows,
            stun,
            tls,
            allocations,
            turn_channels,
            icmp,
            anomalies: AnomaliesJson::new(analysis),
            roles,
            findings,
            sip,
            mras: MrasArrayJson {
                analysis,
                limit: limits.messages,
            },
            calls: edgecap_analyze::calls::calls(analysis)
                .0
                .iter()
                .map(super::json_calls::CallJson::new)
                .collect(),
            inputs: Vec::new(),
            join: None,
        }
    }

    /// The document with the logs read beside the capture (`inputs`).
    pub fn with_inputs(mut self, logs: &'a [crate::inputs::LogInput]) -> Report<'a> {
        let limit = MAX_JSON_MESSAGES;
        self.inputs = logs
            .iter()
            .map(|l| InputEntry::Log(super::json_inputs::input_json(l, limit)))
            .collect();
        self
    }

    /// The document of the first of several captures, with every capture
    /// listed first in `inputs` and the `join` object.
    pub fn with_vantage(
        mut self,
        vs: &'a [crate::vantage::Vantage],
        join: &'a edgecap_analyze::join::Join,
    ) -> Report<'a> {
        let mut inputs: Vec<InputEntry<'a>> =
            super::json_join::capture_inputs(vs, join, MAX_JSON_FINDINGS)
                .into_iter()
                .map(InputEntry::Capture)
                .collect();
        inputs.append(&mut self.inputs);
        self.inputs = inputs;
        self.join = Some(super::json_join::join_json(vs, join, MAX_JSON_MESSAGES));
        self
    }

    /// Writes the document as pretty-printed JSON followed by a newline.
    /// Generic over the writer: serde_json writes many pieces of a few
    /// bytes, and a concrete `BufWriter` takes them on its inlined fast path
    /// where a `dyn Write` would make each one a call.
    pub fn write_to<W: Write>(&self, out: &mut W) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }

    /// The document as pretty-printed JSON text (for tests and small captures).
    pub fn to_json(&self) -> String {
        let mut buf = Vec::new();
        // Writing into a Vec cannot fail, and serde_json emits UTF-8.
        let _ = self.write_to(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

/// One flow's entry (also a `flow` line of `summary --follow`).
pub fn flow_json(f: &FlowRecord, protocol: &'static str) -> FlowJson {
    FlowJson {
        id: f.id.0,
        transport: f.transport.as_str(),
        ip_protocol: match f.transport {
            Transport::Ip(p) => Some(p),
            Transport::Tcp | Transport::Udp => None,
        },
        protocol,
        client: crate::fields::flow_endpoint(f.transport, f.client),
        server: crate::fields::flow_endpoint(f.transport, f.server),
        packets: f.total_packets(),
        bytes: f.total_bytes(),
        packets_to_server: f.packets[0],
        packets_to_client: f.packets[1],
        bytes_to_server: f.bytes[0],
        bytes_to_client: f.bytes[1],
        first_frame: f.first_frame.0,
        last_frame: f.last_frame.0,
        first_time: f.first_ts.to_string(),
        last_time: f.last_ts.to_string(),
        duration: f.last_ts.seconds_since(f.first_ts),
        tcp_outcome: f.tcp_outcome().map(|o| o.as_str()),
        tcp: f
            .tcp
            .as_ref()
            .filter(|_| f.transport == Transport::Tcp)
            .map(|t| {
                let c = &t.control;
                let [up, down] = &*t.streams;
                TcpJson {
                    syn_frame: c.syn_frame.map(|n| n.0),
                    syn_count: c.syn_count,
                    syn_frames: c.syn_frames.iter().map(|n| n.0).collect(),
                    syn_ack_frame: c.syn_ack_frame.map(|n| n.0),
                    rst_frames: c.rst_frames.iter().map(|n| n.0).collect(),
                    reset_by: c.reset_by.map(crate::fields::sender_name),
                    bytes_before_reset: c.reset_by.map(|_| c.bytes_before_reset),
                    client_fin_frame: c.fin_frames[0].map(|n| n.0),
                    server_fin_frame: c.fin_frames[1].map(|n| n.0),
                    payload_bytes_to_server: c.payload_bytes[0],
                    payload_bytes_to_client: c.payload_bytes[1],
                    stream_bytes_to_server: up.delivered_bytes,
                    stream_bytes_to_client: down.delivered_bytes,
                    retransmissions: up.retransmissions + down.retransmissions,
                    overlaps: up.overlaps + down.overlaps,
                    gaps: up.gaps + down.gaps,
                    gap_bytes: up.gap_bytes + down.gap_bytes,
                }
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::Report;
    use crate::test_util::coturn;
    use edgecap_analyze::AnalyzeOptions;
    use edgecap_capture::FrameNo;
    use edgecap_net::table::FlowEvictions;

    fn capture_json(a: &edgecap_analyze::Analysis) -> serde_json::Value {
        let doc: serde_json::Value =
            serde_json::from_str(&Report::new(a, &Default::default()).to_json()).expect("json");
        doc["capture"].clone()
    }

    #[test]
    fn flows_evicted_appears_only_when_the_live_cap_was_hit() {
        let mut a = coturn(&AnalyzeOptions::default());
        let c = capture_json(&a);
        assert!(c.get("flows_evicted").is_none(), "{c}");
        assert_eq!(c["flows_dropped"]["flows"], 0);
        a.capture.flows_dropped.evicted = FlowEvictions {
            flows: 6,
            finished: 1,
            syn_unanswered: 3,
            active: 2,
            untracked: 4,
            first_frame: Some(FrameNo(77)),
        };
        let c = capture_json(&a);
        assert_eq!(
            c["flows_evicted"],
            serde_json::json!({ "flows": 6, "finished": 1, "syn_unanswered": 3, "active": 2,
                                "untracked": 4, "first_frame": 77 })
        );
    }

    #[test]
    fn capped_arrays_list_the_first_entries_and_count_the_rest() {
        use super::JsonLimits;
        let a = coturn(&AnalyzeOptions::default());
        let d = Default::default();
        let full: serde_json::Value =
            serde_json::from_str(&Report::new(&a, &d).to_json()).expect("json");
        assert!(full.get("omitted").is_none());
        let len = |v: &serde_json::Value, k: &str| v[k].as_array().expect(k).len();
        // coturn: 8 flows, 6 allocation stories (steps 4, …), 2 channel counters.
        let limits = JsonLimits {
            flows: 3,
            messages: 5,
            allocations: 4,
            roles_per_role: 0,
            findings: 2,
        };
        let capped: serde_json::Value =
            serde_json::from_str(&Report::with_limits(&a, &d, limits).to_json()).expect("json");
        assert_eq!(len(&capped, "flows"), 3);
        assert_eq!(len(&capped, "stun"), 5);
        let arr = |v: &serde_json::Value, k: &str| v[k].as_array().expect(k).clone();
        assert_eq!(arr(&capped, "flows")[..], arr(&full, "flows")[..3]);
        assert_eq!(arr(&capped, "stun")[..], arr(&full, "stun")[..5]);
        // Stories are listed while their steps fit the message budget, the
        // first one always.
        let steps: Vec<usize> = full["allocations"]
            .as_array()
            .expect("allocations")
            .iter()
            .map(|s| s["steps"].as_array().expect("steps").len())
            .collect();
        let mut sum = 0;
        let fit = steps
            .iter()
            .take_while(|n| {
                sum += **n;
                sum <= 5 || sum == **n
            })
            .count()
            .max(1);
        assert_eq!(len(&capped, "allocations"), fit);
        let o = &capped["omitted"];
        assert_eq!(o["flows"], len(&full, "flows") - 3);
        assert_eq!(o["stun"], len(&full, "stun") - 5);
        assert_eq!(o["allocations"], steps.len() - fit);
        assert_eq!(o["tls"], len(&full, "tls").saturating_sub(3));
        assert_eq!(
            o["turn_channels"],
            len(&full, "turn_channels").saturating_sub(5)
        );
    }

    #[test]
    fn messages_dropped_appears_only_when_a_message_cap_was_hit() {
        let mut a = coturn(&AnalyzeOptions::default());
        assert!(capture_json(&a).get("messages_dropped").is_none());
        a.proto.dropped.insert("stun", 1616);
        a.proto.dropped.insert("anomaly", 3);
        assert_eq!(
            capture_json(&a)["messages_dropped"],
            serde_json::json!({ "anomaly": 3, "stun": 1616 })
        );
    }
}
