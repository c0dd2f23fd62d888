//! The `icmp` key of the JSON report: one object per ICMP / ICMPv6
//! destination-unreachable error, in frame order, on the flow of the datagram
//! it quotes, with the quoted STUN header and the request it answers when
//! known. The key is left out when the capture holds no such error.

use serde::{Serialize, Serializer};

use super::json_stun::direction_name;
use edgecap_analyze::Analysis;
use edgecap_core::safe::hex;
use edgecap_proto::icmp::IcmpEvent;
use edgecap_proto::{Decoded, ProtoMsg};

/// `icmp`: the first `limit` ICMP errors of the analysis.
pub struct IcmpArrayJson<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Entries listed at most.
    pub limit: usize,
}

#[derive(Serialize)]
struct IcmpJson {
    frame: u64,
    flow: u32,
    /// The way the error travels in its flow (back to the quoted sender).
    direction: &'static str,
    /// `icmp` or `icmpv6`.
    protocol: &'static str,
    /// The ICMP sender: a router, a firewall or the host.
    from: String,
    code: u8,
    /// `port_unreachable`, `host_unreachable`, `admin_prohibited`, …
    reason: &'static str,
    transport: &'static str,
    quoted_src: String,
    quoted_dst: String,
    quoted_payload_bytes: usize,
    stun: Option<QuotedStunJson>,
    /// Completing frame of the STUN request the error answers.
    request_frame: Option<u64>,
}

#[derive(Serialize)]
struct QuotedStunJson {
    /// Message type as 4 hex digits (`0x0003`).
    #[serde(rename = "type")]
    msg_type: String,
    method: &'static str,
    class: &'static str,
    /// Header bytes 4..20 in hex (cookie and transaction id).
    transaction_id: String,
}

fn icmp_json(d: &Decoded, e: &IcmpEvent) -> IcmpJson {
    IcmpJson {
        frame: d.frames.last.0,
        flow: d.flow.0,
        direction: direction_name(d.dir),
        protocol: match e.protocol_name() {
            "ICMP" => "icmp",
            _ => "icmpv6",
        },
        from: e.from.to_string(),
        code: e.code,
        reason: e.reason.as_str(),
        transport: e.transport.as_str(),
        quoted_src: e.quoted_src.to_string(),
        quoted_dst: e.quoted_dst.to_string(),
        quoted_payload_bytes: e.quoted_payload_len,
        stun: e.stun.map(|q| QuotedStunJson {
            msg_type: format!("0x{:04x}", q.msg_type.raw),
            method: q.msg_type.method.name(),
            class: q.msg_type.class.name(),
            transaction_id: hex(&q.txid),
        }),
        request_frame: e.request.map(|f| f.0),
    }
}

impl<'a> IcmpArrayJson<'a> {
    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.analysis
            .proto
            .messages
            .iter()
            .filter_map(|d| match &d.msg {
                ProtoMsg::Icmp(e) => Some(icmp_json(d, e)),
                _ => None,
            })
    }

    /// ICMP errors in the analysis (listed or not).
    pub fn total(&self) -> usize {
        self.analysis
            .proto
            .messages
            .iter()
            .filter(|d| matches!(d.msg, ProtoMsg::Icmp(_)))
            .count()
    }

    /// True when the capture holds no ICMP error (the key is left out).
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }
}

impl Serialize for IcmpArrayJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.limit))
    }
}
