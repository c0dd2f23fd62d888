//! The diagnosis in the text summary: findings (most severe first, with
//! evidence frames and the explanation, each sentence once per finding id),
//! the roles table and a compact
//! ladder of the flows between roles. Colour only when asked for (a
//! terminal without NO_COLOR); everything from the capture is escaped.

use super::explained::Explained;
use super::sink::TextSink;
use edgecap_analyze::Analysis;
use edgecap_analyze::{Diagnosis, RoleMap, Severity};
use edgecap_core::safe::escape;
use edgecap_net::table::FlowRecord;
use edgecap_net::{Endpoint, Transport};
use std::fmt::Write;

/// Width the explanation paragraphs wrap at.
const WRAP: usize = 96;

/// ANSI styling, off unless the output is a terminal that wants colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// The severity tag, padded to 7 columns, coloured when asked for.
    pub fn severity(self, s: Severity) -> String {
        let (code, tag) = match s {
            Severity::Error => ("1;31", "ERROR  "),
            Severity::Warning => ("1;33", "WARNING"),
            Severity::Info => ("36", "INFO   "),
        };
        self.paint(code, tag)
    }
}

/// Writes `text` as lines of at most [`WRAP`] columns, each after `indent`.
pub fn wrap<S: TextSink>(out: &mut S, indent: &str, text: &str) {
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WRAP {
            let _ = writeln!(out, "{indent}{line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "{indent}{line}");
    }
}

/// The `Findings` section.
pub fn findings_section<S: TextSink>(out: &mut S, diagnosis: &Diagnosis, style: Style) {
    let findings = &diagnosis.findings;
    let count = |s: Severity| diagnosis.count(s);
    let _ = writeln!(
        out,
        "\nFindings ({} error, {} warning, {} info)",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    if findings.is_empty() {
        let _ = writeln!(out, "  none");
        return;
    }
    let mut explained = Explained::new();
    for f in findings {
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            style.severity(f.severity),
            f.id,
            escape(&f.summary)
        );
        let mut evidence = String::new();
        if !f.frames.is_empty() {
            let _ = write!(evidence, "frames {}", crate::fields::frame_list(&f.frames));
        }
        if !f.flows.is_empty() {
            let flows: Vec<String> = f.flows.iter().map(|id| id.to_string()).collect();
            let sep = if evidence.is_empty() { "" } else { "; " };
            let _ = write!(evidence, "{sep}flows {}", flows.join(", "));
        }
        if !evidence.is_empty() {
            let _ = writeln!(out, "           {evidence}");
        }
        let text = explained.fresh(f.id, &f.explanation);
        wrap(out, "           ", &escape(&text));
        out.spill();
    }
}

/// The `Roles` section: one line per address, with the rules that gave it.
pub fn roles_section<S: TextSink>(out: &mut S, roles: &RoleMap) {
    if roles.assignments.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nRoles ({})", roles.assignments.len());
    let width = roles
        .assignments
        .iter()
        .map(|a| a.address.to_string().len())
        .max()
        .unwrap_or(0);
    for a in &roles.assignments {
        let rules: Vec<String> = a
            .evidence
            .iter()
            .map(|e| {
                format!(
                    "{} (frames {})",
                    e.rule,
                    crate::fields::frame_list(&e.frames)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<13} {:<width$}  {}",
            a.role.as_str(),
            a.address.to_string(),
            rules.join("; ")
        );
    }
}

/// `internal edge 10.3.0.34:443`, or the bare endpoint when the host has no role.
fn label(roles: &RoleMap, transport: Transport, ep: &Endpoint) -> String {
    let ep_text = crate::fields::flow_endpoint(transport, *ep);
    match roles.role_of(ep.ip) {
        Some(role) => format!("{} {ep_text}", role.words()),
        None => ep_text,
    }
}

/// Flows that tell the same step of the story: same hosts, server port,
/// transport, protocol and outcome.
fn same_step(a: &FlowRecord, b: &FlowRecord, analysis: &Analysis) -> bool {
    a.transport == b.transport
        && a.client.ip == b.client.ip
        && a.server == b.server
        && a.tcp_outcome() == b.tcp_outcome()
        && analysis.proto.flow_label(a.id) == analysis.proto.flow_label(b.id)
}

/// The `Ladder` section: the flows that involve at least one host with a
/// role, in order of first frame, consecutive repeats folded into `×N`.
pub fn ladder_section<S: TextSink>(out: &mut S, analysis: &Analysis, roles: &RoleMap) {
    let involved = |f: &FlowRecord| {
        roles.role_of(f.client.ip).is_some() || roles.role_of(f.server.ip).is_some()
    };
    let flows: Vec<&FlowRecord> = analysis.flows.iter().filter(|f| involved(f)).collect();
    if flows.is_empty() {
        return;
    }
    let start = analysis.capture.first_ts.unwrap_or_default();
    let _ = writeln!(out, "\nLadder (flows between roles)");
    let mut i = 0;
    while i < flows.len() {
        let first = flows[i];
        let mut j = i + 1;
        while j < flows.len() && same_step(first, flows[j], analysis) {
            j += 1;
        }
        let last = flows[j - 1];
        let protocol = analysis.proto.flow_label(first.id);
        let mut arrow = match first.transport {
            Transport::Ip(_) => crate::fields::transport_name(first.transport),
            _ => format!("{}/{}", first.transport.as_str(), first.server.port),
        };
        if protocol != "unknown" {
            let _ = write!(arrow, " {protocol}");
        }
        let mut outcome = crate::fields::outcome_name(first.tcp_outcome()).to_string();
        // A refused SYN retried on the same tuple (same ISN) is one flow
        // with several refused attempts.
        let attempts = first.tcp.as_ref().map_or(0, |t| t.control.refused_attempts);
        if attempts > 1 {
            let _ = write!(outcome, " {attempts} times");
        }
        if outcome == "-" {
            let n = first.total_packets();
            outcome = format!("{n} packet{}", if n == 1 { "" } else { "s" });
        }
        if j - i > 1 {
            let _ = write!(outcome, " ×{}", j - i);
        }
        let _ = writeln!(
            out,
            "  {:>9.3} s  {} ──{}──▶ {}  {}  frames {}-{}",
            first.first_ts.seconds_since(start),
            label(roles, first.transport, &first.client),
            arrow,
            label(roles, first.transport, &first.server),
            outcome,
            first.first_frame,
            last.last_frame.max(first.last_frame),
        );
        out.spill();
        i = j;
    }
    let unassigned: usize = analysis.flows.len() - flows.len();
    if unassigned > 0 {
        let _ = writeln!(
            out,
            "  ({unassigned} flows between hosts without a role not shown)"
        );
    }
}
