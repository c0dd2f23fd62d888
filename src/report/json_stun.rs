//! The `stun` array of the JSON report: one object per decoded STUN / TURN /
//! MS-TURN message, in frame order, serialised lazily straight from the
//! analysis (no second copy of the messages is built).
//!
//! Every string that comes from the capture goes through
//! [`edgecap_core::safe::text_or_hex`]; opaque values are hex, capped at
//! [`crate::fields::MAX_HEX_BYTES`] bytes so a DATA attribute cannot bloat the report.

use std::borrow::Cow;
use std::net::SocketAddr;

use serde::{Serialize, Serializer};

use crate::fields::FieldValue;
use edgecap_analyze::Analysis;
use edgecap_core::safe::{hex, text_or_hex};
use edgecap_net::Direction;
use edgecap_proto::stun::FingerprintStatus;
use edgecap_proto::{ProtoMsg, StunRecord};

/// `stun`: serialised lazily from `analysis.proto.messages`, at most
/// `limit` entries (the first ones, in frame order).
pub struct StunArrayJson<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Entries listed at most.
    pub limit: usize,
}

/// The STUN records of `analysis`, in frame order.
pub fn stun_records(analysis: &Analysis) -> impl Iterator<Item = &StunRecord> {
    analysis.proto.messages.iter().filter_map(|d| match &d.msg {
        ProtoMsg::Stun(r) => Some(&**r),
        _ => None,
    })
}

/// Every entry of the `stun` array, built one at a time.
pub fn stun_entries(analysis: &Analysis) -> impl Iterator<Item = StunEntry<'_>> {
    stun_records(analysis).map(move |r| stun_entry(analysis, r))
}

impl Serialize for StunArrayJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(stun_entries(self.analysis).take(self.limit))
    }
}

/// `"to_server"` or `"to_client"`.
pub fn direction_name(dir: Direction) -> &'static str {
    match dir {
        Direction::ToServer => "to_server",
        Direction::ToClient => "to_client",
    }
}

/// One STUN message.
#[derive(Serialize)]
pub struct StunEntry<'a> {
    /// Completing frame.
    pub frame: u64,
    /// First frame of the message (differs on TCP when split).
    pub first_frame: u64,
    /// Time of the completing frame.
    pub time: String,
    /// Flow id.
    pub flow: u32,
    /// `"udp"` / `"tcp"`.
    pub transport: &'static str,
    /// `"to_server"` / `"to_client"`.
    pub direction: &'static str,
    /// Sender.
    pub src: String,
    /// Receiver.
    pub dst: String,
    /// Stream framing name.
    pub framing: &'static str,
    /// Dialect name.
    pub dialect: &'static str,
    /// Message type, `0x0113`.
    #[serde(rename = "type")]
    pub msg_type: String,
    /// Method name.
    pub method: &'static str,
    /// Class name.
    pub class: &'static str,
    /// Hex of header bytes 4..20.
    pub transaction_id: String,
    /// Attributes in wire order.
    pub attributes: Vec<AttrJson<'a>>,
    /// ERROR-CODE.
    pub error: Option<ErrorJson<'a>>,
    /// XOR-MAPPED-ADDRESS.
    pub xor_mapped_address: Option<SocketAddr>,
    /// MAPPED-ADDRESS.
    pub mapped_address: Option<SocketAddr>,
    /// The allocation's relayed address, whatever the dialect.
    pub relayed_address: Option<SocketAddr>,
    /// XOR-PEER-ADDRESS.
    pub xor_peer_address: Option<SocketAddr>,
    /// REALM, display-safe.
    pub realm: Option<Cow<'a, str>>,
    /// USERNAME, display-safe.
    pub username: Option<Cow<'a, str>>,
    /// NONCE, display-safe.
    pub nonce: Option<Cow<'a, str>>,
    /// LIFETIME seconds.
    pub lifetime: Option<u32>,
    /// SOFTWARE, display-safe.
    pub software: Option<Cow<'a, str>>,
    /// MS-VERSION.
    pub ms_version: Option<u32>,
    /// `"good"` / `"bad"` / null.
    pub fingerprint: Option<&'static str>,
    /// `"absent"` / `"present"` / `"valid"` / `"invalid"`.
    pub integrity: &'static str,
    /// Request frame this response answers.
    pub response_to: Option<u64>,
    /// Frame of this request's first response.
    pub response_in: Option<u64>,
    /// Milliseconds from request to this response.
    pub rtt_ms: Option<f64>,
    /// For a copy: the frame of the first copy.
    pub retransmission_of: Option<u64>,
    /// Copies that followed this original.
    pub retransmissions: u32,
    /// A request that never got an answer.
    pub unanswered: bool,
    /// Anomaly ids found in the message.
    pub anomalies: Vec<&'static str>,
}

/// One attribute.
#[derive(Serialize)]
pub struct AttrJson<'a> {
    /// Wire type, `0x0020`.
    #[serde(rename = "type")]
    pub typ: String,
    /// Name in this dialect.
    pub name: &'static str,
    /// Value length on the wire.
    pub length: usize,
    /// Decoded value.
    pub value: FieldValue<'a>,
}

/// ERROR-CODE.
#[derive(Serialize)]
pub struct ErrorJson<'a> {
    /// Class × 100 + number.
    pub code: u16,
    /// Reason phrase, display-safe.
    pub reason: Cow<'a, str>,
}

/// Builds the entry for `r`, the message at `index` of `analysis.proto.messages`.
pub fn stun_entry<'a>(analysis: &'a Analysis, r: &'a StunRecord) -> StunEntry<'a> {
    let m = &r.msg;
    let flow = analysis.proto.flows.get(&r.flow);
    let (client, server) = flow.map_or((String::new(), String::new()), |f| {
        (f.client.to_string(), f.server.to_string())
    });
    let (src, dst) = match r.dir {
        Direction::ToServer => (client, server),
        Direction::ToClient => (server, client),
    };
    let text = |b: Option<&'a [u8]>| b.map(text_or_hex);
    StunEntry {
        frame: r.frames.last.0,
        first_frame: r.frames.first.0,
        time: r.ts.to_string(),
        flow: r.flow.0,
        transport: flow.map_or("", |f| f.transport.as_str()),
        direction: direction_name(r.dir),
        src,
        dst,
        framing: r.framing.name(),
        dialect: m.dialect.name(),
        msg_type: format!("0x{:04x}", m.msg_type.raw),
        method: m.msg_type.method.name(),
        class: m.msg_type.class.name(),
        transaction_id: hex(&m.txid()),
        attributes: m
            .attributes
            .iter()
            .map(|a| AttrJson {
                typ: format!("0x{:04x}", a.typ),
                name: a.kind.name(),
                length: a.value_len(),
                value: crate::fields::attr_value(m, a),
            })
            .collect(),
        error: m.error().map(|e| ErrorJson {
            code: e.code,
            reason: text_or_hex(m.error_reason().unwrap_or_default()),
        }),
        xor_mapped_address: m.xor_mapped_address(),
        mapped_address: m.mapped_address(),
        relayed_address: m.relayed_address(),
        xor_peer_address: m.xor_peer_address(),
        realm: text(m.realm()),
        username: text(m.username()),
        nonce: text(m.nonce()),
        lifetime: m.lifetime(),
        software: text(m.software()),
        ms_version: m.ms_version(),
        fingerprint: m.fingerprint().map(|f| match f {
            FingerprintStatus::Good => "good",
            FingerprintStatus::Bad => "bad",
        }),
        integrity: r.integrity.as_str(),
        response_to: r.response_to.map(|f| f.0),
        response_in: r.response_in.map(|f| f.0),
        rtt_ms: r.rtt_ns.map(|ns| ns as f64 / 1e6),
        retransmission_of: r.retransmission_of.map(|f| f.0),
        retransmissions: r.retransmissions,
        unanswered: r.unanswered,
        anomalies: m.anomalies.iter().map(|a| a.kind.id()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::Report;
    use super::*;
    use crate::test_util::{coturn, hostile};
    use edgecap_analyze::AnalyzeOptions;
    use serde_json::Value;

    fn doc(a: &Analysis) -> Value {
        serde_json::from_str(&Report::new(a, &Default::default()).to_json()).expect("valid json")
    }

    #[test]
    fn capture_strings_are_text_or_hex() {
        let a = hostile();
        let json = Report::new(&a, &Default::default()).to_json();
        assert!(!json.contains("\\u001b"), "{json}");
        assert!(!json.contains('\u{202e}'), "{json}");
        let d = doc(&a);
        let stun = d["stun"].as_array().expect("stun");
        assert_eq!(stun.len(), 4);
        assert_eq!(
            stun[1]["realm"],
            format!("hex:{}", hex(b"re\xe2\x80\xaealm\x08\xc2\x9b2J"))
        );
        assert_eq!(
            stun[2]["username"],
            format!("hex:{}", hex(b"\x1b[31mroot\x1b]8;;http://x/\x07"))
        );
        assert_eq!(stun[3]["software"], "hex:626164ff1b5b324a");
        assert_eq!(stun[3]["error"]["code"], 403);
        assert_eq!(stun[3]["error"]["reason"], "hex:626164ff1b5b324a");
        assert_eq!(stun[2]["integrity"], "present");
        assert_eq!(stun[0]["integrity"], "absent");
        assert_eq!(stun[1]["response_to"], 1);
        assert_eq!(stun[0]["response_in"], 2);
        assert_eq!(stun[1]["rtt_ms"], 1.0);
        assert_eq!(
            stun[0]["transaction_id"],
            "2112a442010101010101010101010101"
        );
        assert_eq!(stun[0]["src"], "127.0.0.1:50000");
        assert_eq!(stun[1]["direction"], "to_client");
    }

    #[test]
    fn attribute_values_are_typed() {
        let a = coturn(&AnalyzeOptions::default());
        let d = doc(&a);
        let success = &d["stun"][3];
        assert_eq!(success["type"], "0x0103");
        let attrs = success["attributes"].as_array().expect("attrs");
        let by_name = |n: &str| {
            attrs
                .iter()
                .find(|x| x["name"] == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(by_name("XOR-RELAYED-ADDRESS")["value"], "127.0.0.1:50040");
        assert_eq!(by_name("LIFETIME")["value"], 777);
        assert_eq!(by_name("SOFTWARE")["value"], "Coturn-4.6.1 'Gorst'");
        assert!(by_name("MESSAGE-INTEGRITY")["value"]
            .as_str()
            .is_some_and(|s| s.starts_with("hex:") && s.len() == 44));
        assert!(by_name("FINGERPRINT")["value"]
            .as_str()
            .is_some_and(|s| s.starts_with("0x")));
        let first = &d["stun"][0]["attributes"];
        assert_eq!(first[2]["value"]["reserve"], false);
    }
}
