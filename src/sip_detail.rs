//! A SIP message written out for people: its start line, the headers edgecap
//! reads (Call-ID, CSeq, From/To with tags, Via, Contact, User-Agent,
//! Content-Type and the Microsoft ones), each diagnostics header decoded
//! (code and its meaning, every parameter, the media-debug relays), the SDP
//! media and candidates, and the MRAS request or credentials (the password
//! only as its length). Shared by the TUI detail pane and the text report.
//!
//! Pure formatting of decoded values; every captured string goes through
//! [`edgecap_core::safe::escape_bytes`].

use edgecap_core::safe::escape_bytes;
use edgecap_sip::message::StartLine;
use edgecap_sip::mras::MrasKind;
use edgecap_sip::sdp::{sdp_bodies, Sdp};
use edgecap_sip::{Diagnostic, Mras, SipMessage};

/// One line: (whether it is a section heading, safe text).
pub type Line = (bool, String);

/// Headers shown as they are, when present.
const SHOWN_HEADERS: [&str; 12] = [
    "call-id",
    "cseq",
    "from",
    "to",
    "via",
    "contact",
    "user-agent",
    "server",
    "content-type",
    "content-length",
    "ms-edge-proxy-message-trust",
    "ms-user-data",
];

fn e(b: &[u8]) -> String {
    escape_bytes(b).into_owned()
}

fn opt(b: Option<&[u8]>) -> String {
    b.map_or_else(|| "-".to_string(), e)
}

/// The lines describing `m`.
pub fn sip_lines(m: &SipMessage) -> Vec<Line> {
    let mut out = vec![(true, "SIP".to_string())];
    out.push((
        false,
        match &m.start {
            StartLine::Request { method, uri } => format!("  {} {} SIP/2.0", e(method), e(uri)),
            StartLine::Response { code, reason } => format!("  SIP/2.0 {code} {}", e(reason)),
        },
    ));
    for h in &m.headers {
        if SHOWN_HEADERS.contains(&h.name.as_str()) {
            out.push((false, format!("  {}: {}", h.name, e(&h.value))));
        }
    }
    for (name, d) in edgecap_sip::diagnostics::of_message(m) {
        diagnostic_lines(&mut out, name, &d);
    }
    if let Some(ct) = m.header("content-type") {
        for body in sdp_bodies(ct, &m.body) {
            sdp_lines(&mut out, &Sdp::parse(body));
        }
    }
    if m.body_is(edgecap_sip::mras::CONTENT_TYPE) {
        if let Some(x) = Mras::parse(&m.body) {
            mras_lines(&mut out, &x);
        }
    }
    if !m.anomalies.is_empty() {
        out.push((true, "SIP anomalies".to_string()));
        for a in &m.anomalies {
            out.push((false, format!("  {}", a.id())));
        }
    }
    out
}

fn diagnostic_lines(out: &mut Vec<Line>, name: &str, d: &Diagnostic) {
    let code = d.code.map_or_else(|| "-".to_string(), |c| c.to_string());
    out.push((true, format!("{name} {code}")));
    if let Some(meaning) = d.meaning() {
        out.push((false, format!("  meaning {meaning}")));
    }
    for (k, v) in &d.params {
        if k.to_ascii_lowercase().ends_with(b"mediadebug") {
            continue;
        }
        out.push((false, format!("  {} {}", e(k), e(v))));
    }
    for md in &d.media_debug {
        out.push((false, format!("  {} {}", e(&md.source), e(&md.media))));
        for (k, v) in &md.values {
            out.push((false, format!("    {} {}", e(k), e(v))));
        }
    }
}

fn sdp_lines(out: &mut Vec<Line>, sdp: &Sdp) {
    out.push((
        true,
        format!(
            "SDP (origin {}, connection {})",
            opt(sdp.origin.as_deref()),
            opt(sdp.connection.as_deref())
        ),
    ));
    for m in &sdp.media {
        let port = m.port.map_or_else(|| "-".to_string(), |p| p.to_string());
        out.push((false, format!("  m={} {port} {}", e(&m.kind), e(&m.proto))));
        for c in &m.candidates {
            let related = match (&c.raddr, c.rport) {
                (None, None) => String::new(),
                (a, p) => format!(
                    " raddr {} rport {}",
                    opt(a.as_deref()),
                    p.map_or_else(|| "-".to_string(), |p| p.to_string())
                ),
            };
            let port = c.port.map_or_else(|| "-".to_string(), |p| p.to_string());
            out.push((
                false,
                format!(
                    "    {} {} {} {}:{port}{related}",
                    e(c.typ.name()),
                    c.component,
                    e(c.transport.name()),
                    opt(c.address.as_deref()),
                ),
            ));
        }
        if m.candidates_dropped > 0 {
            out.push((
                false,
                format!("    ({} more candidates not kept)", m.candidates_dropped),
            ));
        }
    }
    if sdp.bad_candidates > 0 {
        out.push((
            false,
            format!("  {} candidate lines unreadable", sdp.bad_candidates),
        ));
    }
}

fn mras_lines(out: &mut Vec<Line>, x: &Mras) {
    let kind = match x.kind {
        MrasKind::Request => "request",
        MrasKind::Response => "response",
    };
    out.push((
        true,
        format!("MRAS {kind} (request id {})", opt(x.request_id.as_deref())),
    ));
    if let Some(r) = &x.reason_phrase {
        out.push((false, format!("  reason {}", e(r))));
    }
    if x.kind == MrasKind::Request {
        out.push((false, format!("  identity {}", opt(x.identity.as_deref()))));
        out.push((false, format!("  location {}", opt(x.location.as_deref()))));
        if let Some(d) = x.duration_min {
            out.push((false, format!("  duration {d} min")));
        }
    }
    if let Some(c) = &x.credentials {
        out.push((false, format!("  username {}", opt(c.username.as_deref()))));
        let pw = c.password_len.map_or_else(
            || "absent".to_string(),
            |n| format!("present ({n} characters, not shown)"),
        );
        out.push((false, format!("  password {pw}")));
        if let Some(d) = c.duration_min {
            out.push((false, format!("  credentials valid {d} min")));
        }
    }
    for r in &x.media_relays {
        let p = |v: Option<u16>| v.map_or_else(|| "-".to_string(), |p| p.to_string());
        out.push((
            false,
            format!(
                "  media relay {} ({}) udp {} tcp {}",
                opt(r.host_name.as_deref()),
                opt(r.location.as_deref()),
                p(r.udp_port),
                p(r.tcp_port)
            ),
        ));
    }
    if let Some(why) = &x.malformed {
        out.push((
            false,
            format!("  malformed: {}", edgecap_core::safe::escape(why)),
        ));
    }
}

#[cfg(test)]
mod tests;
