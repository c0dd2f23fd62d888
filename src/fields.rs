//! The fields of a message, as one neutral value tree that every output
//! renders: the JSON report serialises it, the text report and the TUI's
//! detail pane write it as text ([`value_text`]). Also the few names every
//! output shares (which side sent a packet, a TCP outcome, a list of frames).
//!
//! Every string taken from the capture goes through
//! [`edgecap_core::safe::text_or_hex`] (JSON) or
//! [`edgecap_core::safe::escape`] (terminal); opaque values are hex, capped
//! at [`MAX_HEX_BYTES`] bytes so a DATA attribute cannot bloat an output.

use std::borrow::Cow;
use std::net::SocketAddr;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use edgecap_core::safe::{escape, hex, text_or_hex, HEX_PREFIX};
use edgecap_core::FrameNo;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, Endpoint, Transport};
use edgecap_proto::stun::{AttrKind, AttrValue, Attribute, PasswordAlgorithm, StunMessage};

/// Opaque attribute values longer than this are cut in the report (the
/// `length` field keeps the real length).
pub const MAX_HEX_BYTES: usize = 256;

/// Frames listed per finding or evidence line; more are summarised.
const MAX_FRAMES_LISTED: usize = 12;

/// A decoded attribute value.
#[derive(Serialize)]
#[serde(untagged)]
pub enum FieldValue<'a> {
    /// Flag attributes.
    Null,
    /// Text (display-safe) or `hex:` bytes.
    Text(Cow<'a, str>),
    /// A transport address.
    Addr(SocketAddr),
    /// A number.
    Num(u64),
    /// A flag.
    Bool(bool),
    /// A list.
    List(Vec<FieldValue<'a>>),
    /// Named fields, in this order.
    Fields(Fields<'a>),
}

/// An object with fields in a fixed order.
pub struct Fields<'a>(pub Vec<(&'static str, FieldValue<'a>)>);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut m = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Attributes whose raw value is text (RFC 5389 UTF-8 strings and the MS
/// text attributes).
pub fn is_text(kind: AttrKind) -> bool {
    matches!(
        kind,
        AttrKind::Username
            | AttrKind::Realm
            | AttrKind::Nonce
            | AttrKind::Software
            | AttrKind::AlternateDomain
            | AttrKind::MsAlternateHostName
            | AttrKind::SipCallId
            | AttrKind::SipDialogId
    )
}

/// `hex:` + hex of `b`, cut after [`MAX_HEX_BYTES`] bytes with `…`.
pub fn capped_hex(b: &[u8]) -> String {
    let shown = &b[..b.len().min(MAX_HEX_BYTES)];
    let mut s = format!("{HEX_PREFIX}{}", hex(shown));
    if shown.len() < b.len() {
        s.push('…');
    }
    s
}

fn num(n: impl Into<u64>) -> FieldValue<'static> {
    FieldValue::Num(n.into())
}

fn pw_alg(p: &PasswordAlgorithm) -> FieldValue<'static> {
    FieldValue::Fields(Fields(vec![
        ("algorithm", num(p.algorithm)),
        (
            "params",
            FieldValue::Text(Cow::Owned(capped_hex(&p.params))),
        ),
    ]))
}

/// The JSON value of `a`, an attribute of `m`.
pub fn attr_value<'m>(m: &'m StunMessage, a: &Attribute) -> FieldValue<'m> {
    let fields = |v: Vec<(&'static str, FieldValue<'static>)>| FieldValue::Fields(Fields(v));
    let owned_text = |b: &[u8]| FieldValue::Text(Cow::Owned(text_or_hex(b).into_owned()));
    match &a.value(m) {
        AttrValue::Raw if is_text(a.kind) => FieldValue::Text(text_or_hex(a.raw(m))),
        AttrValue::Raw | AttrValue::Malformed => FieldValue::Text(Cow::Owned(capped_hex(a.raw(m)))),
        AttrValue::Empty => FieldValue::Null,
        AttrValue::Address(x) | AttrValue::XorAddress(x) => FieldValue::Addr(*x),
        AttrValue::U16(n) => num(*n),
        // Opaque values in hex, as tshark shows them.
        AttrValue::U32(n) if matches!(a.kind, AttrKind::Fingerprint | AttrKind::MagicCookie) => {
            FieldValue::Text(Cow::Owned(format!("0x{n:08x}")))
        }
        AttrValue::U32(n) => num(*n),
        AttrValue::U64(n)
            if matches!(a.kind, AttrKind::IceControlled | AttrKind::IceControlling) =>
        {
            FieldValue::Text(Cow::Owned(format!("0x{n:016x}")))
        }
        AttrValue::U64(n) => num(*n),
        AttrValue::Family(n) | AttrValue::Transport(n) => num(*n),
        AttrValue::EvenPort { reserve } => fields(vec![("reserve", FieldValue::Bool(*reserve))]),
        AttrValue::ErrorCode(e) => FieldValue::Fields(Fields(vec![
            ("code", num(e.code)),
            ("reason", owned_text(&e.reason)),
        ])),
        AttrValue::AddressErrorCode { family, error } => FieldValue::Fields(Fields(vec![
            ("family", num(*family)),
            ("code", num(error.code)),
            ("reason", owned_text(&error.reason)),
        ])),
        AttrValue::AttributeList(list) => FieldValue::List(
            list.iter()
                .map(|t| FieldValue::Text(Cow::Owned(format!("0x{t:04x}"))))
                .collect(),
        ),
        AttrValue::PasswordAlgorithm(p) => pw_alg(p),
        AttrValue::PasswordAlgorithms(ps) => FieldValue::List(ps.iter().map(pw_alg).collect()),
        AttrValue::Icmp {
            icmp_type,
            code,
            data,
        } => fields(vec![
            ("icmp_type", num(*icmp_type)),
            ("code", num(*code)),
            ("data", num(*data)),
        ]),
        AttrValue::TransmitCounter { request, response } => fields(vec![
            ("request", num(*request)),
            ("response", num(*response)),
        ]),
        AttrValue::NetworkInfo { network_id, cost } => {
            fields(vec![("network_id", num(*network_id)), ("cost", num(*cost))])
        }
        AttrValue::MsSequenceNumber {
            connection_id,
            sequence,
        } => fields(vec![
            (
                "connection_id",
                FieldValue::Text(Cow::Owned(capped_hex(connection_id))),
            ),
            ("sequence", num(*sequence)),
        ]),
        AttrValue::MsServiceQuality {
            stream_type,
            quality,
        } => fields(vec![
            ("stream_type", num(*stream_type)),
            ("quality", num(*quality)),
        ]),
        AttrValue::BandwidthAmount {
            min_send,
            max_send,
            min_recv,
            max_recv,
        } => fields(vec![
            ("min_send", num(*min_send)),
            ("max_send", num(*max_send)),
            ("min_recv", num(*min_recv)),
            ("max_recv", num(*max_recv)),
        ]),
        AttrValue::SiteReservation {
            flags,
            max_send,
            max_recv,
        } => fields(vec![
            ("flags", num(*flags)),
            ("max_send", num(*max_send)),
            ("max_recv", num(*max_recv)),
        ]),
        AttrValue::LocationProfile {
            peer,
            own,
            federation,
        } => fields(vec![
            ("peer", num(*peer)),
            ("own", num(*own)),
            ("federation", num(*federation)),
        ]),
    }
}

/// A decoded attribute value as one line of text.
pub fn value_text(v: &FieldValue<'_>) -> String {
    match v {
        FieldValue::Null => "(flag)".to_string(),
        FieldValue::Text(t) => escape(t).into_owned(),
        FieldValue::Addr(a) => a.to_string(),
        FieldValue::Num(n) => n.to_string(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::List(l) => l.iter().map(value_text).collect::<Vec<_>>().join(", "),
        FieldValue::Fields(f) => {
            f.0.iter()
                .map(|(k, v)| format!("{k} {}", value_text(v)))
                .collect::<Vec<_>>()
                .join("  ")
        }
    }
}

/// `"client"` or `"server"`: the side that sent packets travelling in `dir`.
pub fn sender_name(dir: Direction) -> &'static str {
    match dir {
        Direction::ToServer => "client",
        Direction::ToClient => "server",
    }
}

/// A flow's endpoint as listed: `ip:port`, or the address alone for
/// transports without ports (SCTP, GRE, ESP, … are listed by address pair).
pub fn flow_endpoint(transport: Transport, ep: Endpoint) -> String {
    match transport {
        Transport::Tcp | Transport::Udp => ep.to_string(),
        Transport::Ip(_) => ep.ip.to_string(),
    }
}

/// A flow's transport as listed: `tcp`, `udp`, `sctp`, …, and `ip/N` for an
/// IP protocol without a name.
pub fn transport_name(transport: Transport) -> String {
    match transport.as_str() {
        "ip" => format!("ip/{}", transport.ip_protocol()),
        name => name.to_string(),
    }
}

/// The outcome column text for a flow (`-` for UDP).
pub fn outcome_name(outcome: Option<TcpOutcome>) -> &'static str {
    outcome.map_or("-", TcpOutcome::as_str)
}

/// `12, 13, 15 and 3 more` — ascending frame numbers, shortened.
pub fn frame_list(frames: &[FrameNo]) -> String {
    let mut s: Vec<String> = frames
        .iter()
        .take(MAX_FRAMES_LISTED)
        .map(|f| f.to_string())
        .collect();
    if frames.len() > MAX_FRAMES_LISTED {
        s.push(format!("and {} more", frames.len() - MAX_FRAMES_LISTED));
    }
    s.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_opaque_values_are_capped() {
        let s = capped_hex(&[0xab; MAX_HEX_BYTES + 1]);
        assert!(s.starts_with("hex:abab"));
        assert!(s.ends_with('…'));
        assert_eq!(s.len(), 4 + 2 * MAX_HEX_BYTES + '…'.len_utf8());
    }

    #[test]
    fn frame_lists_are_shortened() {
        let frames: Vec<FrameNo> = (1..=15).map(FrameNo).collect();
        assert_eq!(frame_list(&frames[..2]), "1, 2");
        assert_eq!(
            frame_list(&frames),
            "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, and 3 more"
        );
    }
}
