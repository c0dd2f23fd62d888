//! The `Calls` section of the text summary: one block per SIP call (a
//! Call-ID with an INVITE): who called whom, the answer, the diagnostics
//! codes, each candidate with the TURN allocation behind a relay candidate,
//! the ICE checks between the two sides' candidates (which pair succeeded,
//! which was nominated) and the connections the media-debug values name. Captured strings are
//! escaped.

use super::sink::TextSink;
use edgecap_analyze::calls::{calls, Call};
use edgecap_analyze::Analysis;
use edgecap_core::safe::escape_bytes;

/// Most calls printed (the JSON lists up to its own cap).
pub const MAX_TEXT_CALLS: usize = 50;

/// Most checked candidate pairs printed per call (the JSON lists them all).
pub const MAX_TEXT_CHECKS: usize = 20;

/// Writes the section when the capture holds SIP calls.
pub fn calls_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let (all, dropped) = calls(analysis);
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nCalls ({})", all.len() as u64 + dropped);
    for call in all.iter().take(MAX_TEXT_CALLS) {
        call_block(out, analysis, call);
        out.spill();
    }
    let more = (all.len() - all.len().min(MAX_TEXT_CALLS)) as u64 + dropped;
    if more > 0 {
        let _ = writeln!(out, "  ({more} more calls not listed; see --json)");
    }
}

fn call_block<S: TextSink>(out: &mut S, analysis: &Analysis, call: &Call) {
    let text = |b: &Option<Vec<u8>>| -> String {
        b.as_deref()
            .map_or_else(|| "?".to_string(), |b| escape_bytes(b).into_owned())
    };
    let answer = match call.answer {
        Some((status, frame)) => format!("answered {status} (frame {frame})"),
        None => "no final answer seen".to_string(),
    };
    let invite = call
        .invite
        .map_or(String::new(), |f| format!("INVITE frame {f}, "));
    let _ = writeln!(
        out,
        "  Call-ID {}: {} → {}  ({invite}{answer}, {} SIP messages)",
        escape_bytes(&call.call_id),
        text(&call.from),
        text(&call.to),
        call.messages
    );
    if !call.diagnostics.is_empty() {
        let codes: Vec<String> = call
            .diagnostics
            .iter()
            .map(|(code, frame)| format!("{code} (frame {frame})"))
            .collect();
        let _ = writeln!(out, "    diagnostics {}", codes.join(", "));
    }
    for c in &call.candidates {
        let link = match c.allocation {
            Some(f) => format!("  ← allocated in this capture (Allocate success frame {f})"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "    frame {:>5}  {} {} {} {}{link}",
            c.frame,
            escape_bytes(&c.media),
            escape_bytes(c.typ.name()),
            c.addr,
            escape_bytes(&c.transport),
        );
    }
    if call.candidates_dropped > 0 {
        let _ = writeln!(
            out,
            "    ({} more candidates not listed)",
            call.candidates_dropped
        );
    }
    for k in call.checks.iter().take(MAX_TEXT_CHECKS) {
        let mut outcome = match k.succeeded {
            Some(f) => format!("succeeded (frame {f})"),
            None => "no success".to_string(),
        };
        if let Some(f) = k.nominated {
            outcome.push_str(&format!(", nominated (frame {f})"));
        }
        if let Some(ns) = k.rtt_ns {
            outcome.push_str(&format!(", round trip {:.3} ms", ns as f64 / 1e6));
        }
        let _ = writeln!(
            out,
            "    ICE checks caller {} ↔ callee {} (flow {}, from frame {}): {} {}, {outcome}",
            k.caller,
            k.callee,
            k.flow,
            k.first_request,
            k.requests,
            if k.requests == 1 { "check" } else { "checks" },
        );
    }
    if call.checks.len() > MAX_TEXT_CHECKS {
        let _ = writeln!(
            out,
            "    ({} more candidate pairs checked; see --json)",
            call.checks.len() - MAX_TEXT_CHECKS
        );
    }
    for id in &call.relay_flows {
        let Some(f) = analysis.flows.iter().find(|f| f.id == *id) else {
            continue;
        };
        let outcome = crate::fields::outcome_name(f.tcp_outcome());
        let _ = writeln!(
            out,
            "    media relays' connection: flow {id} {} {} → {} {outcome} (frames {}-{})",
            f.transport.as_str(),
            f.client,
            f.server,
            f.first_frame,
            f.last_frame
        );
    }
}
