//! `mras.request_failed` and `sip.error_response` from a log's own records,
//! for the failing exchanges only a log given beside the capture holds —
//! the front end's SIPStack trace of the SERVICE it relayed to the edge on
//! 5062, a client's log of what was sent before the capture started.
//!
//! Requests and final responses are paired within the log as in the
//! capture (same Call-ID and CSeq, retransmissions once). An exchange is
//! reported from the log when its error response is not also in the
//! capture (the capture's detectors already report it then); an exchange
//! the log shows unanswered is not (a log is often cut). The finding names
//! the log and the record lines as evidence: `[log NAME:LINE]` in the
//! summary, details `log` (the file name, `hex:` when not printable) and
//! `log_lines`; a message the capture also holds adds its frame.

use super::common::FindingBuilder;
use super::mras_failed::{self, is_mras_request};
use super::sip_error::{self, diagnostic_phrase, first_diagnostic};
use crate::{Detail, Finding, Severity};
use edgecap_core::safe::{escape_bytes, text_or_hex};
use edgecap_core::FrameNo;
use edgecap_sip::header::CSeq;
use edgecap_sip::log::{LogDirection, LogSip};
use edgecap_sip::message::StartLine;
use edgecap_sip::Mras;

/// A request of the log and its first final response in the log.
struct LogExchange<'a> {
    request: usize,
    cseq: CSeq,
    call_id: &'a [u8],
    response: Option<usize>,
}

/// Pairs the log's requests with their final responses, in request order.
fn exchanges(sips: &[LogSip]) -> Vec<LogExchange<'_>> {
    let mut out: Vec<LogExchange<'_>> = Vec::new();
    for (i, s) in sips.iter().enumerate() {
        let m = &s.message;
        let (Some(call_id), Some(cseq)) = (m.call_id(), m.cseq()) else {
            continue;
        };
        let same = |e: &LogExchange<'_>| e.call_id == call_id && e.cseq == cseq;
        match m.status() {
            None if !out.iter().any(same) => out.push(LogExchange {
                request: i,
                cseq,
                call_id,
                response: None,
            }),
            Some(code) if code >= 200 => {
                if let Some(e) = out.iter_mut().rev().find(|e| same(e)) {
                    e.response.get_or_insert(i);
                }
            }
            _ => {}
        }
    }
    out
}

/// `received from PEER` / `sent to PEER` of a log record (the log's writer
/// is the other end).
fn travel(s: &LogSip) -> String {
    let peer = s.peer.as_deref().map_or_else(
        || "an unnamed peer".to_string(),
        |p| escape_bytes(p).into_owned(),
    );
    match s.dir {
        Some(LogDirection::Sent) => format!("sent to {peer}"),
        Some(LogDirection::Received) => format!("received from {peer}"),
        None => format!("between the log's writer and {peer}"),
    }
}

/// The findings of the failing exchanges the log `name` (escaped for the
/// summary; `raw` the same as bytes) holds and the capture does not.
/// `frames[i]` is the capture frame of `sips[i]` when the capture has it.
pub fn of_log(name: &str, raw: &[u8], sips: &[LogSip], frames: &[Option<u64>]) -> Vec<Finding> {
    let frame = |i: usize| frames.get(i).copied().flatten().map(FrameNo);
    let mut out = Vec::new();
    for e in exchanges(sips) {
        let Some(r) = e.response else { continue };
        if frame(r).is_some() {
            continue;
        }
        let (req, resp) = (&sips[e.request], &sips[r]);
        let Some(code) = resp.message.status() else {
            continue;
        };
        let mras = is_mras_request(&req.message);
        if !(mras && !(200..=299).contains(&code) || sip_error::is_reported(code, &req.message)) {
            continue;
        }
        let reason = match &resp.message.start {
            StartLine::Response { reason, .. } => escape_bytes(reason).into_owned(),
            StartLine::Request { .. } => String::new(),
        };
        let method = escape_bytes(&e.cseq.method).into_owned();
        let diag = first_diagnostic(&resp.message);
        let mut b = FindingBuilder::default();
        b.frames(frame(e.request));
        let mut summary = if mras {
            let identity = Mras::parse(&req.message.body)
                .and_then(|m| m.identity)
                .map_or_else(|| "a user".to_string(), |i| escape_bytes(&i).into_owned());
            format!("MRAS request for {identity} (SERVICE CSeq {})", e.cseq.seq)
        } else {
            format!("{method} (CSeq {})", e.cseq.seq)
        };
        summary.push_str(&format!(
            " {} [log {name}:{}] answered {code} {reason}, {} [log {name}:{}]",
            travel(req),
            req.line,
            travel(resp),
            resp.line
        ));
        if let Some((h, d)) = &diag {
            summary.push_str(&format!(": {}", diagnostic_phrase(h, d)));
        }
        summary.push_str("; not in the capture");
        b.detail("status", Detail::Count(u64::from(code)));
        let (id, severity, explanation) = if mras {
            let code = diag.as_ref().and_then(|(_, d)| d.code);
            let refused = diag
                .as_ref()
                .is_some_and(|(_, d)| mras_failed::is_refused(d));
            (
                mras_failed::ID,
                Severity::Error,
                mras_failed::explanation(code, refused),
            )
        } else {
            b.detail("method", Detail::Text(method));
            (
                sip_error::ID,
                sip_error::severity(code),
                sip_error::explanation(code, diag.as_ref().map(|(_, d)| d)),
            )
        };
        if let Some((_, d)) = &diag {
            if let Some(c) = d.code {
                b.detail("diagnostic", Detail::Count(u64::from(c)));
            }
            if mras {
                if let Some(p) = d.param("Peer") {
                    b.detail("peer", Detail::Text(escape_bytes(p).into_owned()));
                }
                if let Some(p) = d.port() {
                    b.detail("port", Detail::Port(p));
                }
            }
        }
        b.detail("log", Detail::Text(text_or_hex(raw).into_owned()))
            .detail(
                "log_lines",
                Detail::List(vec![req.line.to_string(), resp.line.to_string()]),
            );
        out.push(b.build(id, severity, summary, explanation));
    }
    out
}

#[cfg(test)]
mod tests;
