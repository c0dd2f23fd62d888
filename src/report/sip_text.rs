//! The `SIP messages` section of the text summary: one line per message
//! (frame, sender → receiver, transport, method or status, CSeq, Call-ID),
//! then what matters at the edge indented below it — each diagnostics
//! header with its code's meaning and parameters, the relay and reflexive
//! candidates of each SDP medium, the MRAS request or credentials (never the
//! password). Printed only when the capture carries SIP.

use std::fmt::Write;

use super::json_sip::sip_messages;
use super::sink::TextSink;
use edgecap_analyze::Analysis;
use edgecap_core::safe::escape_bytes;
use edgecap_net::Direction;
use edgecap_sip::message::StartLine;
use edgecap_sip::sdp::{sdp_bodies, CandidateType, Sdp};
use edgecap_sip::{Mras, SipMessage};

/// Messages listed at most; the rest are counted.
pub const MAX_TEXT_SIP: usize = 500;

fn e(b: &[u8]) -> String {
    escape_bytes(b).into_owned()
}

/// The indented detail lines of one message.
pub fn detail_lines(m: &SipMessage) -> Vec<String> {
    let mut out = Vec::new();
    for (h, d) in edgecap_sip::diagnostics::of_message(m) {
        let code = d.code.map_or_else(|| "-".to_string(), |c| c.to_string());
        let mut l = format!("{h} {code}");
        if let Some(r) = d.reason() {
            let _ = write!(l, " \"{}\"", e(r));
        }
        for (k, v) in &d.params {
            let k_low = k.to_ascii_lowercase();
            if k_low != b"reason" && !k_low.ends_with(b"mediadebug") {
                let _ = write!(l, " {}={}", e(k), e(v));
            }
        }
        out.push(l);
        for md in &d.media_debug {
            let relays: Vec<String> = ["LocalMR", "RemoteMR"]
                .iter()
                .filter_map(|k| md.get(k).map(|v| format!("{k} {}", e(v))))
                .collect();
            if !relays.is_empty() {
                out.push(format!(
                    "  {} {}: {}",
                    e(&md.source),
                    e(&md.media),
                    relays.join(", ")
                ));
            }
        }
        if let Some(meaning) = d.meaning() {
            out.push(format!("  ({meaning})"));
        }
    }
    if let Some(ct) = m.header("content-type") {
        for sdp in sdp_bodies(ct, &m.body).into_iter().map(Sdp::parse) {
            for media in &sdp.media {
                let port = media
                    .port
                    .map_or_else(|| "-".to_string(), |p| p.to_string());
                let mut kinds: Vec<String> = Vec::new();
                for c in media.candidates.iter().filter(|c| c.component == 1) {
                    let addr = c.address.as_deref().map_or_else(|| "?".to_string(), e);
                    let p = c.port.map_or_else(|| "?".to_string(), |p| p.to_string());
                    kinds.push(format!(
                        "{} {addr}:{p} {}",
                        e(c.typ.name()),
                        e(c.transport.name())
                    ));
                }
                let relay = media
                    .candidates
                    .iter()
                    .any(|c| c.typ == CandidateType::Relay);
                let summary = if media.candidates.is_empty() {
                    "no candidates".to_string()
                } else if relay {
                    kinds.join(", ")
                } else {
                    format!("{} — no relay candidate", kinds.join(", "))
                };
                out.push(format!("sdp {} {port}: {summary}", e(&media.kind)));
            }
        }
    }
    if m.body_is(edgecap_sip::mras::CONTENT_TYPE) {
        if let Some(x) = Mras::parse(&m.body) {
            match &x.credentials {
                Some(c) => {
                    let mins = c
                        .duration_min
                        .map_or_else(|| "?".to_string(), |d| d.to_string());
                    let relays: Vec<String> = x
                        .media_relays
                        .iter()
                        .map(|r| {
                            let p = |v: Option<u16>| {
                                v.map_or_else(|| "-".to_string(), |p| p.to_string())
                            };
                            format!(
                                "{} ({}) udp {} tcp {}",
                                r.host_name.as_deref().map_or_else(|| "?".to_string(), e),
                                r.location.as_deref().map_or_else(|| "?".to_string(), e),
                                p(r.udp_port),
                                p(r.tcp_port)
                            )
                        })
                        .collect();
                    out.push(format!(
                        "MRAS credentials for {mins} min; media relays {}",
                        relays.join(", ")
                    ));
                }
                None => out.push(format!(
                    "MRAS request for {} ({})",
                    x.identity.as_deref().map_or_else(|| "?".to_string(), e),
                    x.location.as_deref().map_or_else(|| "?".to_string(), e)
                )),
            }
        }
    }
    for a in &m.anomalies {
        out.push(format!("anomaly {}", a.id()));
    }
    out
}

/// The first line of one message, after the frame and addresses.
pub fn head_line(m: &SipMessage) -> String {
    let mut l = match &m.start {
        StartLine::Request { method, .. } => e(method),
        StartLine::Response { code, reason } => format!("{code} {}", e(reason)),
    };
    if let Some(c) = m.cseq() {
        let _ = write!(l, "  CSeq {} {}", c.seq, e(&c.method));
    }
    if let Some(id) = m.call_id() {
        let _ = write!(l, "  Call-ID {}", e(id));
    }
    l
}

/// Writes the section when the capture carries SIP.
pub fn sip_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let total = sip_messages(analysis).count();
    if total == 0 {
        return;
    }
    let _ = writeln!(out, "\nSIP messages ({total})");
    for (d, r) in sip_messages(analysis).take(MAX_TEXT_SIP) {
        let flow = analysis.proto.flows.get(&d.flow);
        let (src, dst) = match (flow, d.dir) {
            (Some(f), Direction::ToServer) => (f.client.to_string(), f.server.to_string()),
            (Some(f), Direction::ToClient) => (f.server.to_string(), f.client.to_string()),
            (None, _) => (String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "  frame {:>5}  {src} → {dst} {}  {}",
            d.frames.last.0,
            r.transport.as_str(),
            head_line(&r.msg)
        );
        for l in detail_lines(&r.msg) {
            let _ = writeln!(out, "               {l}");
        }
        out.spill();
    }
    if total > MAX_TEXT_SIP {
        let _ = writeln!(
            out,
            "  ({} more SIP messages not listed; see --json-lines)",
            total - MAX_TEXT_SIP
        );
    }
}
