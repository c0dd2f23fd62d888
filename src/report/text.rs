//! The human summary printed by `edgecap summary`: capture facts, damage
//! warnings, the findings, roles and ladder of the diagnosis, anomalies, a
//! table of flows, the TURN allocation stories, the TLS handshakes and the
//! SIP messages, in plain aligned columns that paste cleanly into a
//! ticket. Every string taken from the capture is escaped by
//! [`edgecap_core::safe`].

use super::diagnosis::{findings_section, ladder_section, roles_section, Style};
use super::sink::{Spill, TextSink};
use super::story::render_story;
use super::tls::{
    alert_description, alert_level, cipher_text, group_text, handshakes, version_text,
};
use edgecap_analyze::Analysis;
use edgecap_analyze::Diagnosis;
use edgecap_core::safe::{escape, escape_bytes};
use edgecap_net::table::FlowRecord;
use std::fmt::Write;
use std::io;

/// Options for the text summary.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Print at most this many flows (0 = all).
    pub max_flows: usize,
    /// Print at most this many steps per allocation story (0 = all).
    pub max_steps: usize,
    /// Colour the severities (only for a terminal without NO_COLOR).
    pub color: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            max_flows: 100,
            max_steps: 40,
            color: false,
        }
    }
}

/// Renders the summary: the answer first (findings), then who is who and
/// the story, then the details.
pub fn render(analysis: &Analysis, diagnosis: &Diagnosis, opts: TextOptions) -> String {
    let mut out = String::new();
    render_into(&mut out, analysis, diagnosis, opts);
    out
}

/// Writes the summary to `out` as it is produced (never whole in memory).
pub fn write_to<W: io::Write>(
    out: &mut W,
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    opts: TextOptions,
) -> io::Result<()> {
    let mut sink = Spill::new(out);
    render_into(&mut sink, analysis, diagnosis, opts);
    sink.finish()
}

/// Every section, in order, into `out`.
fn render_into<S: TextSink>(
    out: &mut S,
    analysis: &Analysis,
    diagnosis: &Diagnosis,
    opts: TextOptions,
) {
    capture_section(out, analysis);
    warnings_section(out, analysis);
    let style = Style { color: opts.color };
    findings_section(out, diagnosis, style);
    roles_section(out, &diagnosis.roles);
    ladder_section(out, analysis, &diagnosis.roles);
    anomalies_section(out, analysis);
    flows_section(out, analysis, opts);
    allocations_section(out, analysis, opts);
    tls_section(out, analysis);
    super::sip_text::sip_section(out, analysis);
    super::calls_text::calls_section(out, analysis);
}

fn allocations_section<S: TextSink>(out: &mut S, analysis: &Analysis, opts: TextOptions) {
    let stories = &analysis.proto.allocations;
    if stories.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nTURN allocations ({})", stories.len());
    for story in super::stories_in_order(analysis) {
        let mut block = String::new();
        render_story(&mut block, analysis, story, opts.max_steps);
        for line in block.lines() {
            let _ = writeln!(out, "  {line}");
        }
        out.spill();
    }
}

fn tls_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let list = handshakes(analysis);
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nTLS handshakes ({})", list.len());
    for h in &list {
        let flow = analysis.proto.flows.get(&h.flow);
        let mut line = match flow {
            Some(f) => format!(
                "flow {}  {} {} → {}  {}",
                h.flow,
                f.transport.as_str(),
                f.client,
                f.server,
                h.kind.as_str()
            ),
            None => format!("flow {}  {}", h.flow, h.kind.as_str()),
        };
        if let Some(v) = h.version {
            let _ = write!(line, "  {}", version_text(v));
        }
        if let Some(sni) = h.sni {
            let _ = write!(line, "  sni \"{}\"", escape_bytes(sni));
        }
        if let Some(c) = h.cipher_suite {
            let _ = write!(line, "  {}", cipher_text(c));
        }
        if let Some((f, group)) = h.hello_retry {
            let _ = write!(line, "  HelloRetryRequest (frame {f}");
            if let Some(g) = group {
                let _ = write!(line, ", group {}", group_text(g));
            }
            match h.retry_client_hello_frame {
                Some(c) => {
                    let _ = write!(line, ", second ClientHello frame {c})");
                }
                None => line.push_str(", no second ClientHello)"),
            }
        }
        if let Some(a) = h.alerts.first() {
            let _ = write!(
                line,
                "  alert {} {} from {} (frame {})",
                alert_level(&a.alert),
                alert_description(&a.alert),
                crate::fields::sender_name(a.dir),
                a.frame
            );
        }
        let state = match (h.completed, h.client_hello_frame, h.server_hello_frame) {
            (true, _, _) => "completed".to_string(),
            (false, Some(f), None) => format!("no ServerHello (ClientHello frame {f})"),
            (false, _, _) => "not completed".to_string(),
        };
        let _ = writeln!(out, "  {line}  {state}");
        out.spill();
    }
}

fn capture_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let c = &analysis.capture;
    if c.format == edgecap_capture::CaptureFormat::LogAlone {
        let _ = writeln!(
            out,
            "Log {} (no capture: its SIP messages are the timeline, frame numbers are its line numbers)",
            escape_bytes(&c.name)
        );
        let time =
            |t: Option<edgecap_capture::Timestamp>| t.map_or("-".to_string(), |t| t.to_string());
        let rows = [
            ("messages", c.packets.to_string()),
            ("first", format!("{} (the log's clock)", time(c.first_ts))),
            ("last", time(c.last_ts)),
            ("duration", format!("{:.6} s", c.duration_secs())),
        ];
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<12} {value}");
        }
        return;
    }
    let _ = writeln!(out, "Capture {}", escape_bytes(&c.name));
    let format = if c.compressed {
        format!("{} (gzip)", c.format.as_str())
    } else {
        c.format.as_str().to_string()
    };
    let links: Vec<String> = c.link_types.iter().map(|l| l.to_string()).collect();
    let links = if links.is_empty() {
        "-".to_string()
    } else {
        links.join(", ")
    };
    let mut packets = c.packets.to_string();
    if c.truncated_frames > 0 {
        let _ = write!(
            packets,
            " ({} cut short by the snaplen)",
            c.truncated_frames
        );
    }
    let time = |t: Option<edgecap_capture::Timestamp>| t.map_or("-".to_string(), |t| t.to_string());
    let rows = [
        ("format", format),
        ("link types", links),
        ("packets", packets),
        ("bytes", c.bytes.to_string()),
        ("first frame", time(c.first_ts)),
        ("last frame", time(c.last_ts)),
        ("duration", format!("{:.6} s", c.duration_secs())),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<12} {value}");
    }
}

fn warnings_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let warnings = &analysis.capture.warnings;
    let dropped = &analysis.capture.flows_dropped;
    let evicted = &dropped.evicted;
    // Anomaly outputs beyond their cap are still counted in the Anomalies
    // section; decoded messages beyond theirs are not listed anywhere.
    let messages: Vec<String> = analysis
        .proto
        .dropped
        .iter()
        .filter(|(kind, _)| **kind != "anomaly")
        .map(|(kind, n)| format!("{kind} {n}"))
        .collect();
    let count = warnings.len()
        + usize::from(dropped.flows > 0)
        + usize::from(!evicted.is_empty())
        + usize::from(!messages.is_empty());
    if count == 0 {
        return;
    }
    let _ = writeln!(out, "\nWarnings ({count})");
    for w in warnings {
        let _ = writeln!(out, "  ! {}", escape(&w.to_string()));
    }
    if dropped.flows > 0 {
        let first = dropped
            .first_frame
            .map_or(String::new(), |f| format!(", the first at frame {f}"));
        let _ = writeln!(
            out,
            "  ! {} flows ({} packets) beyond the {}-flow record cap were counted but not listed{first}",
            dropped.flows,
            dropped.packets,
            edgecap_net::table::MAX_FLOW_RECORDS
        );
    }
    if let Some(first) = evicted.first_frame {
        let _ = writeln!(
            out,
            "  ! {} flows were finalised early, the {}-live-flow cap first reached at frame {first}: \
             {} finished, {} unanswered SYNs, {} active (a later packet starts a new flow); \
             {} unlisted flows forgotten",
            evicted.flows,
            edgecap_net::table::MAX_LIVE_FLOWS,
            evicted.finished,
            evicted.syn_unanswered,
            evicted.active,
            evicted.untracked
        );
    }
    if !messages.is_empty() {
        let _ = writeln!(
            out,
            "  ! decoded messages beyond the caps ({} messages, {} MiB of STUN) were counted \
             but not listed, reported or diagnosed: {}",
            edgecap_proto::dispatch::MAX_MESSAGES,
            edgecap_proto::dispatch::MAX_MESSAGE_BYTES >> 20,
            messages.join(", ")
        );
    }
}

fn anomalies_section<S: TextSink>(out: &mut S, analysis: &Analysis) {
    let log = &analysis.anomalies;
    if log.counts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAnomalies ({})", log.total());
    for (id, count) in &log.counts {
        let first = log.examples.iter().find(|a| a.id == *id);
        match first {
            Some(a) => {
                let _ = writeln!(out, "  {id:<32} {count:>8}  first at frame {}", a.frame);
            }
            None => {
                let _ = writeln!(out, "  {id:<32} {count:>8}");
            }
        }
    }
}

fn flows_section<S: TextSink>(out: &mut S, analysis: &Analysis, opts: TextOptions) {
    let flows = &analysis.flows;
    let _ = writeln!(out, "\nFlows ({})", flows.len());
    if flows.is_empty() {
        return;
    }
    let shown = if opts.max_flows == 0 {
        flows.len()
    } else {
        flows.len().min(opts.max_flows)
    };
    let header = [
        "ID",
        "PROTO",
        "CLIENT",
        "SERVER",
        "PACKETS",
        "BYTES",
        "FRAMES",
        "DURATION",
        "PROTOCOL",
        "TCP OUTCOME",
    ];
    let rows: Vec<[String; 10]> = flows[..shown]
        .iter()
        .map(|f| flow_row(f, analysis.proto.flow_label(f.id)))
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    // Numbers right-aligned, text left-aligned.
    let right = [
        true, false, false, false, true, true, false, true, false, false,
    ];
    let mut line = |cells: &[String]| {
        let mut s = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            if right[i] {
                let _ = write!(s, " {cell:>w$}", w = widths[i]);
            } else {
                let _ = write!(s, " {cell:<w$}", w = widths[i]);
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(&header.map(String::from));
    for row in &rows {
        line(row);
    }
    if shown < flows.len() {
        let _ = writeln!(
            out,
            "  … {} more flows (--max-flows 0 shows all, --json lists every flow)",
            flows.len() - shown
        );
    }
}

/// The ten cells of a flow's line in the flows table (ID, PROTO, CLIENT,
/// SERVER, PACKETS, BYTES, FRAMES, DURATION, PROTOCOL, TCP OUTCOME), shared
/// with the timeline's flows pane.
pub fn flow_row(f: &FlowRecord, protocol: &str) -> [String; 10] {
    let mut outcome = crate::fields::outcome_name(f.tcp_outcome()).to_string();
    if let Some(tcp) = &f.tcp {
        if let (Some(by), false) = (
            tcp.control.reset_by,
            f.tcp_outcome() == Some(edgecap_net::tcp_state::TcpOutcome::Refused),
        ) {
            let _ = write!(outcome, " by {}", crate::fields::sender_name(by));
            if tcp.control.bytes_before_reset > 0 {
                let _ = write!(outcome, " after {} B", tcp.control.bytes_before_reset);
            }
        }
    }
    [
        f.id.to_string(),
        crate::fields::transport_name(f.transport),
        crate::fields::flow_endpoint(f.transport, f.client),
        crate::fields::flow_endpoint(f.transport, f.server),
        f.total_packets().to_string(),
        f.total_bytes().to_string(),
        format!("{}-{}", f.first_frame, f.last_frame),
        format!("{:.3} s", f.last_ts.seconds_since(f.first_ts)),
        protocol.to_string(),
        outcome,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{coturn, hostile};
    use edgecap_analyze::AnalyzeOptions;
    use edgecap_core::safe::is_unsafe_char;

    #[test]
    fn the_written_summary_equals_the_rendered_one() {
        let a = coturn(&AnalyzeOptions::default());
        let d = edgecap_analyze::diagnose(&a, &Default::default());
        let opts = TextOptions {
            max_steps: 0,
            max_flows: 0,
            color: true,
        };
        let mut written = Vec::new();
        write_to(&mut written, &a, &d, opts).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), render(&a, &d, opts));
    }

    #[test]
    fn flows_beyond_the_record_cap_are_a_warning() {
        let mut a = coturn(&AnalyzeOptions::default());
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(!t.contains("Warnings"), "{t}");
        a.capture.flows_dropped = edgecap_net::table::FlowDrops {
            flows: 7,
            packets: 9,
            bytes: 900,
            first_frame: Some(edgecap_capture::FrameNo(42)),
            evicted: Default::default(),
        };
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(
            t.contains("\nWarnings (1)\n  ! 7 flows (9 packets) beyond the 1000000-flow record cap were counted but not listed, the first at frame 42\n"),
            "{t}"
        );
    }

    #[test]
    fn messages_beyond_the_caps_are_a_warning_anomalies_are_not() {
        let mut a = coturn(&AnalyzeOptions::default());
        a.proto.dropped.insert("anomaly", 3);
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(!t.contains("\nWarnings ("), "{t}");
        a.proto.dropped.insert("stun", 1616);
        a.proto.dropped.insert("tls", 2);
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(
            t.contains("\nWarnings (1)\n  ! decoded messages beyond the caps (1000000 messages, 256 MiB of STUN) were counted but not listed, reported or diagnosed: stun 1616, tls 2\n"),
            "{t}"
        );
    }

    #[test]
    fn flows_evicted_by_the_live_cap_are_a_warning() {
        let mut a = coturn(&AnalyzeOptions::default());
        a.capture.flows_dropped.evicted = edgecap_net::table::FlowEvictions {
            flows: 6,
            finished: 1,
            syn_unanswered: 3,
            active: 2,
            untracked: 4,
            first_frame: Some(edgecap_capture::FrameNo(77)),
        };
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(
            t.contains("\nWarnings (1)\n  ! 6 flows were finalised early, the 200000-live-flow cap first reached at frame 77: 1 finished, 3 unanswered SYNs, 2 active (a later packet starts a new flow); 4 unlisted flows forgotten\n"),
            "{t}"
        );
    }

    #[test]
    fn flows_table_has_a_protocol_column() {
        let a = coturn(&AnalyzeOptions::default());
        let t = render(&a, &Default::default(), TextOptions::default());
        assert!(t.contains(" DURATION PROTOCOL TCP OUTCOME\n"), "{t}");
        assert!(t.contains("0.001 s stun     -\n"), "{t}");
        assert!(t.contains("0.040 s unknown  -\n"), "{t}");
        assert!(
            t.contains("\nTURN allocations (6)\n  udp 127.0.0.1:52261 → 127.0.0.1:3478  allocated"),
            "{t}"
        );
        assert!(!t.contains("TLS handshakes"), "{t}");
    }

    #[test]
    fn nothing_unsafe_reaches_the_terminal() {
        let t = render(&hostile(), &Default::default(), TextOptions::default());
        assert!(!t.chars().any(|c| c != '\n' && is_unsafe_char(c)), "{t:?}");
        assert!(t.contains("TURN allocations (1)"), "{t}");
    }
}
