//! Arrow labels of the ladder: what each decoded message is called on the
//! timeline (`Allocate ✓ relay 2.2.2.2:58138`, `401 Unauthorized`,
//! `ClientHello (pseudo)`) and how it is coloured. Every captured string
//! goes through [`edgecap_core::safe`] here.

use super::Outcome;
use edgecap_core::safe::escape_bytes;
use edgecap_proto::icmp::IcmpEvent;
use edgecap_proto::stun::error_name;
use edgecap_proto::stun::{Class, Method};
use edgecap_proto::tls::TlsEvent;
use edgecap_proto::{ChannelId, ProtoMsg, PseudoTlsEvent, StunRecord};

/// The arrow label and colour of a STUN message.
pub fn stun_label(r: &StunRecord) -> (String, Outcome) {
    let t = &r.msg.msg_type;
    let method = match t.method {
        Method::Unknown(_) => t.describe(),
        m => m.name().to_string(),
    };
    let (mut label, mut outcome) = match t.class {
        Class::Request => (method, Outcome::Neutral),
        Class::Indication => (t.describe(), Outcome::Neutral),
        Class::Success => match r.msg.relayed_address() {
            Some(a) => (format!("{method} ✓ relay {a}"), Outcome::Good),
            None => (format!("{method} ✓"), Outcome::Good),
        },
        Class::Error => {
            let (code, reason) = match r.msg.error() {
                Some(e) => (e.code, escape_bytes(&e.reason).into_owned()),
                None => (0, String::new()),
            };
            let reason = if reason.is_empty() {
                error_name(code).to_string()
            } else {
                reason
            };
            let prefix = if t.method == Method::Allocate {
                String::new()
            } else {
                format!("{method} ")
            };
            let o = if matches!(code, 401 | 438) {
                Outcome::Warn
            } else {
                Outcome::Bad
            };
            (format!("{prefix}{code} {reason}"), o)
        }
    };
    if r.retransmission_of.is_some() {
        label.push_str(" (retransmission)");
        if outcome == Outcome::Neutral {
            outcome = Outcome::Warn;
        }
    }
    if r.unanswered {
        label.push_str(" — no response");
        outcome = Outcome::Bad;
    }
    (label, outcome)
}

fn tls_label(e: &TlsEvent) -> (String, Outcome) {
    match e {
        TlsEvent::ClientHello(h) => match &h.sni {
            Some(sni) => (
                format!("ClientHello sni {}", escape_bytes(sni)),
                Outcome::Neutral,
            ),
            None => ("ClientHello".to_string(), Outcome::Neutral),
        },
        TlsEvent::Alert(a) if a.encrypted => ("Alert (encrypted)".to_string(), Outcome::Bad),
        TlsEvent::Alert(a) => (
            format!("Alert level {} description {}", a.level, a.description),
            Outcome::Bad,
        ),
        TlsEvent::HandshakeComplete { .. } => (e.label().to_string(), Outcome::Good),
        TlsEvent::HelloRetryRequest {
            selected_group: Some(g),
            ..
        } => (
            format!(
                "HelloRetryRequest group {}",
                crate::report::tls::group_text(*g)
            ),
            Outcome::Neutral,
        ),
        _ => (e.label().to_string(), Outcome::Neutral),
    }
}

pub fn message_label(msg: &ProtoMsg) -> Option<(String, Outcome)> {
    Some(match msg {
        ProtoMsg::Stun(r) => stun_label(r),
        ProtoMsg::Tls(e) => tls_label(e),
        ProtoMsg::PseudoTls(PseudoTlsEvent::ClientHello) => {
            ("ClientHello (pseudo)".to_string(), Outcome::Neutral)
        }
        ProtoMsg::PseudoTls(PseudoTlsEvent::ServerHello) => {
            ("ServerHello (pseudo)".to_string(), Outcome::Good)
        }
        ProtoMsg::TurnChannel(c) => match c.channel {
            ChannelId::Channel(n) => (format!("ChannelData 0x{n:04x}"), Outcome::Neutral),
            ChannelId::MsSession(_) => ("MS-TURN session data".to_string(), Outcome::Neutral),
            ChannelId::MsTurnData => ("MS-TURN data".to_string(), Outcome::Neutral),
        },
        ProtoMsg::Icmp(e) => icmp_label(e),
        ProtoMsg::Sip(r) => super::sip_label::sip_label(&r.msg),
        ProtoMsg::Anomaly(_) => return None,
    })
}

/// `ICMP port unreachable from 10.3.0.1 (Allocate)`: the error, its sender
/// when that is not the unreachable host itself, and the quoted STUN method.
fn icmp_label(e: &IcmpEvent) -> (String, Outcome) {
    let mut label = format!("{} {}", e.protocol_name(), e.reason.words());
    if e.from != e.quoted_dst.ip {
        label.push_str(&format!(" from {}", e.from));
    }
    if let Some(q) = &e.stun {
        label.push_str(&format!(" ({})", q.msg_type.method.name()));
    }
    (label, Outcome::Bad)
}
