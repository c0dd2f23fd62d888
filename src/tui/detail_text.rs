//! The lines of the detail pane for one ladder row: every decoded field of a
//! STUN message (dialect, type, transaction, each attribute with its raw and
//! decoded value, XOR addresses decoded), framing and frames; TCP control
//! and TLS rows get their flow facts.
//!
//! Pure formatting of already-decoded values: no I/O, no decoding. Every
//! capture string goes through [`edgecap_core::safe`]; attribute values
//! reuse the JSON report's [`attr_value`].

use std::fmt::Write;

use super::loaded::Loaded;
use crate::fields::{attr_value, is_text, outcome_name, sender_name, value_text};
use crate::ladder::{LadderRow, RowSource};
use edgecap_analyze::Analysis;
use edgecap_core::safe::{escape, escape_bytes, hex};
use edgecap_net::table::FlowRecord;
use edgecap_proto::stun::AttrValue;
use edgecap_proto::{Decoded, ProtoMsg, StunRecord};

/// Raw attribute bytes shown in hex before `…`.
const RAW_BYTES_SHOWN: usize = 32;

/// One line of the detail pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailLine {
    /// The text, already safe for the terminal.
    pub text: String,
    /// A section heading.
    pub heading: bool,
}

fn line(text: String) -> DetailLine {
    DetailLine {
        text,
        heading: false,
    }
}

fn heading(text: &str) -> DetailLine {
    DetailLine {
        text: text.to_string(),
        heading: true,
    }
}

fn raw_hex(b: &[u8]) -> String {
    let mut s = hex(&b[..b.len().min(RAW_BYTES_SHOWN)]);
    if b.len() > RAW_BYTES_SHOWN {
        s.push('…');
    }
    s
}

fn flow_lines(out: &mut Vec<DetailLine>, analysis: &Analysis, row: &LadderRow) {
    let Some(f) = analysis.flow(row.flow) else {
        if let Some(p) = analysis.proto.flows.get(&row.flow) {
            out.push(line(format!(
                "flow {}  {} {} → {}  {}",
                p.id,
                p.transport.as_str(),
                p.client,
                p.server,
                p.label
            )));
        }
        return;
    };
    out.push(line(format!(
        "flow {}  {} {} → {}  {}",
        f.id,
        f.transport.as_str(),
        f.client,
        f.server,
        analysis.proto.flow_label(f.id)
    )));
    out.push(line(format!(
        "  frames {}-{}  packets {}  bytes {}  outcome {}",
        f.first_frame,
        f.last_frame,
        f.total_packets(),
        f.total_bytes(),
        outcome_name(f.tcp_outcome())
    )));
}

fn tcp_lines(out: &mut Vec<DetailLine>, f: &FlowRecord, what: &str) {
    out.push(heading(what));
    if let Some(tcp) = &f.tcp {
        let c = &tcp.control;
        let frames = |v: &[edgecap_capture::FrameNo]| {
            v.iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(line(format!(
            "  SYN frames {}  (×{})",
            frames(&c.syn_frames),
            c.syn_count
        )));
        if let Some(sa) = c.syn_ack_frame {
            out.push(line(format!("  SYN-ACK frame {sa}")));
        }
        if !c.rst_frames.is_empty() {
            let by = c.reset_by.map_or("?", sender_name);
            out.push(line(format!(
                "  RST frames {}  sent by the {by}  after {} payload bytes",
                frames(&c.rst_frames),
                c.bytes_before_reset
            )));
        }
    }
}

fn stun_lines(out: &mut Vec<DetailLine>, r: &StunRecord) {
    let m = &r.msg;
    out.push(heading("STUN message"));
    out.push(line(format!("  dialect      {}", m.dialect.name())));
    out.push(line(format!(
        "  type         0x{:04x}  {}",
        m.msg_type.raw,
        m.msg_type.describe()
    )));
    out.push(line(format!("  transaction  {}", hex(&m.txid()))));
    out.push(line(format!("  framing      {}", r.framing.name())));
    out.push(line(format!("  integrity    {}", r.integrity.as_str())));
    let mut links = String::new();
    if let Some(f) = r.response_to {
        let _ = write!(links, "  response to frame {f}");
    }
    if let Some(f) = r.response_in {
        let _ = write!(links, "  response in frame {f}");
    }
    if let Some(ns) = r.rtt_ns {
        let _ = write!(links, "  rtt {:.3} ms", ns as f64 / 1e6);
    }
    if let Some(f) = r.retransmission_of {
        let _ = write!(links, "  retransmission of frame {f}");
    }
    if r.retransmissions > 0 {
        let _ = write!(links, "  retransmitted {}×", r.retransmissions);
    }
    if r.unanswered {
        links.push_str("  unanswered");
    }
    if !links.is_empty() {
        out.push(line(format!("  transaction{links}")));
    }
    out.push(heading(&format!("Attributes ({})", m.attributes.len())));
    for a in &m.attributes {
        out.push(line(format!(
            "  0x{:04x} {}  ({} bytes)",
            a.typ,
            a.kind.name(),
            a.value_len()
        )));
        let value = if is_text(a.kind) && matches!(a.value(m), AttrValue::Raw) {
            format!("\"{}\"", escape_bytes(a.raw(m)))
        } else {
            value_text(&attr_value(m, a))
        };
        out.push(line(format!("      value {value}")));
        out.push(line(format!("      raw   {}", raw_hex(a.raw(m)))));
    }
    if !m.anomalies.is_empty() {
        out.push(heading("Anomalies"));
        for a in &m.anomalies {
            out.push(line(format!("  {}", escape(&a.to_string()))));
        }
    }
}

fn message_lines(out: &mut Vec<DetailLine>, d: &Decoded) {
    match &d.msg {
        ProtoMsg::Stun(r) => stun_lines(out, r),
        ProtoMsg::Tls(e) => {
            out.push(heading("TLS"));
            out.push(line(format!("  {}", e.label())));
            if let edgecap_proto::TlsEvent::ClientHello(h) = e {
                if let Some(sni) = &h.sni {
                    out.push(line(format!("  sni {}", escape_bytes(sni))));
                }
                let alpn: Vec<String> = h
                    .alpn
                    .iter()
                    .map(|a| escape_bytes(a).into_owned())
                    .collect();
                if !alpn.is_empty() {
                    out.push(line(format!("  alpn {}", alpn.join(", "))));
                }
                out.push(line(format!(
                    "  cipher suites offered {}",
                    h.cipher_suites.len()
                )));
            }
        }
        ProtoMsg::PseudoTls(p) => {
            out.push(heading("MS-TURN pseudo-TLS"));
            out.push(line(format!("  {}", p.label())));
        }
        ProtoMsg::TurnChannel(c) => {
            out.push(heading("TURN data"));
            out.push(line(format!(
                "  framing {}  first payload {} bytes",
                c.framing.name(),
                c.payload_len
            )));
        }
        ProtoMsg::Icmp(e) => {
            out.push(heading(e.protocol_name()));
            out.push(line(format!(
                "  {} (code {}) from {}",
                e.reason.words(),
                e.code,
                e.from
            )));
            out.push(line(format!(
                "  quotes {} {} → {}, {} payload bytes",
                e.transport.as_str(),
                e.quoted_src,
                e.quoted_dst,
                e.quoted_payload_len
            )));
            if let Some(q) = &e.stun {
                out.push(line(format!(
                    "  quoted STUN {} txid {}",
                    q.msg_type.describe(),
                    edgecap_core::safe::hex(&q.txid)
                )));
            }
            if let Some(f) = e.request {
                out.push(line(format!("  answers the request in frame {f}")));
            }
        }
        ProtoMsg::Sip(r) => sip_message_lines(out, &r.msg),
        ProtoMsg::Anomaly(a) => out.push(line(escape(&a.detail).into_owned())),
    }
}

fn sip_message_lines(out: &mut Vec<DetailLine>, m: &edgecap_sip::SipMessage) {
    for (is_heading, text) in crate::sip_detail::sip_lines(m) {
        out.push(DetailLine {
            text,
            heading: is_heading,
        });
    }
}

/// A message only a log holds: where it is written, then its fields.
fn log_lines(out: &mut Vec<DetailLine>, loaded: &Loaded, log: usize, sip: usize) {
    let Some((l, s)) = loaded
        .logs
        .get(log)
        .and_then(|l| Some((l, l.sips.get(sip)?)))
    else {
        return;
    };
    let peer = s
        .peer
        .as_deref()
        .map_or_else(|| "?".to_string(), |p| escape_bytes(p).into_owned());
    let dir = match s.dir {
        Some(edgecap_sip::log::LogDirection::Sent) => "sent to",
        Some(edgecap_sip::log::LogDirection::Received) => "received from",
        None => "peer",
    };
    out.push(line(format!(
        "{} line {}  {dir} {peer}  ({}; not in the capture)",
        edgecap_core::safe::escape_path(&l.path),
        s.line,
        crate::report::logs_text::record_time(l, s.time)
    )));
    sip_message_lines(out, &s.message);
}

/// The detail lines of `row`.
pub fn detail_lines(loaded: &Loaded, row: &LadderRow) -> Vec<DetailLine> {
    let a = &loaded.analysis;
    let mut out = Vec::new();
    let frames = if matches!(row.source, RowSource::Log { .. }) {
        "from a log".to_string()
    } else if row.first_frame == row.frame {
        format!("frame {}", row.frame)
    } else {
        format!("frames {}-{}", row.first_frame, row.frame)
    };
    let ts = row
        .ts
        .map_or_else(|| "time unknown".to_string(), |t| t.to_string());
    out.push(line(format!("{}  {frames}  {ts}", row.label)));
    flow_lines(&mut out, a, row);
    let flow = |i: usize| &a.flows[i];
    match row.source {
        RowSource::Message(i) => message_lines(&mut out, &a.proto.messages[i]),
        RowSource::Syn(i) => tcp_lines(&mut out, flow(i), "TCP SYN"),
        RowSource::SynAck(i) => tcp_lines(&mut out, flow(i), "TCP SYN-ACK"),
        RowSource::Rst(i) => tcp_lines(&mut out, flow(i), "TCP RST"),
        RowSource::Log { log, sip } => log_lines(&mut out, loaded, log, sip),
    }
    out
}

#[cfg(test)]
mod tests_sip;
