//! Arrow labels of SIP messages on the ladder: method or status, CSeq and a
//! short Call-ID, then what matters at the edge — the diagnostics code, the
//! relay candidates of an SDP (or their absence), the media relay an MRAS
//! response hands out. Every captured string goes through
//! [`edgecap_core::safe`] here.

use super::Outcome;
use edgecap_core::safe::escape_bytes;
use edgecap_sip::message::StartLine;
use edgecap_sip::sdp::{sdp_bodies, CandidateType, Sdp};
use edgecap_sip::{Mras, SipMessage};

/// Characters of the Call-ID shown on a row (the whole one is in the detail).
const CALL_ID_SHOWN: usize = 8;

/// What the body adds to the label: relay candidates of the SDP, or the
/// media relay and credentials of an MRAS response.
fn body_note(m: &SipMessage) -> Option<String> {
    if m.body_is(edgecap_sip::mras::CONTENT_TYPE) {
        let x = Mras::parse(&m.body)?;
        let relay = x.media_relays.first().and_then(|r| r.host_name.as_deref());
        return Some(match (x.credentials.is_some(), relay) {
            (true, Some(h)) => format!("MRAS credentials, relay {}", escape_bytes(h)),
            (true, None) => "MRAS credentials".to_string(),
            (false, _) => "MRAS request".to_string(),
        });
    }
    let ct = m.header("content-type")?;
    let sdps: Vec<Sdp> = sdp_bodies(ct, &m.body)
        .into_iter()
        .map(Sdp::parse)
        .collect();
    let candidates = sdps.iter().flat_map(|s| s.candidates()).count();
    if candidates == 0 {
        return None;
    }
    let relay = sdps
        .iter()
        .flat_map(|s| s.candidates())
        .find(|(_, c)| c.typ == CandidateType::Relay);
    Some(match relay {
        Some((_, c)) => format!(
            "SDP relay {}:{}",
            escape_bytes(c.address.as_deref().unwrap_or(b"?")),
            c.port.unwrap_or(0)
        ),
        None => format!("SDP {candidates} candidates, no relay"),
    })
}

/// The arrow label and colour of a SIP message.
pub fn sip_label(m: &SipMessage) -> (String, Outcome) {
    let (mut label, outcome) = match &m.start {
        StartLine::Request { method, .. } => (escape_bytes(method).into_owned(), Outcome::Neutral),
        StartLine::Response { code, reason } => {
            let o = match code {
                200..=299 => Outcome::Good,
                401 | 407 => Outcome::Warn,
                400..=699 => Outcome::Bad,
                _ => Outcome::Neutral,
            };
            (format!("{code} {}", escape_bytes(reason)), o)
        }
    };
    if let Some(c) = m.cseq() {
        label.push_str(&format!(" (CSeq {} {}", c.seq, escape_bytes(&c.method)));
        if let Some(id) = m.call_id() {
            let short = &id[..id.len().min(CALL_ID_SHOWN)];
            let more = if id.len() > CALL_ID_SHOWN { "…" } else { "" };
            label.push_str(&format!(", call {}{more}", escape_bytes(short)));
        }
        label.push(')');
    }
    for (name, d) in edgecap_sip::diagnostics::of_message(m) {
        if let Some(code) = d.code {
            label.push_str(&format!(" {name} {code}"));
        }
    }
    if let Some(note) = body_note(m) {
        label.push_str(" · ");
        label.push_str(&note);
    }
    (label, outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(bytes: &[u8]) -> SipMessage {
        SipMessage::parse(bytes, false).expect("sip")
    }

    #[test]
    fn labels() {
        let (l, o) = sip_label(&rec(b"SIP/2.0 504 Server time-out\r\nCSeq: 1 SERVICE\r\nCall-ID: 3ca1e573619f4be4975e6cd6ec1f44bd\r\nms-diagnostics: 1038;reason=\"x\"\r\n\r\n"));
        assert_eq!(
            l,
            "504 Server time-out (CSeq 1 SERVICE, call 3ca1e573…) ms-diagnostics 1038"
        );
        assert_eq!(o, Outcome::Bad);
        let (l, o) = sip_label(&rec(b"INVITE sip:a SIP/2.0\r\nCSeq: 2 INVITE\r\nCall-ID: ab\r\nContent-Type: application/sdp\r\n\r\nm=audio 1 RTP/AVP 0\r\na=candidate:1 1 UDP 1 10.0.0.1 1 typ host\r\n"));
        assert_eq!(
            l,
            "INVITE (CSeq 2 INVITE, call ab) · SDP 1 candidates, no relay"
        );
        assert_eq!(o, Outcome::Neutral);
        let (l, _) = sip_label(&rec(
            b"SIP/2.0 200 OK\xe2\x80\xae\xff\r\nCSeq: 1 BYE\r\nCall-ID: \x1b[2J\r\n\r\n",
        ));
        assert_eq!(l, "200 OK\\u{202e}\\xff (CSeq 1 BYE, call \\x1b[2J)");
    }
}
