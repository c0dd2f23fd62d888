//! The human summary printed by `edgecap summary`: capture facts, damage
//! warnings, anomalies and a table of flows, in plain aligned columns that
//! paste cleanly into a ticket.

use crate::engine::Analysis;
use crate::net::table::FlowRecord;
use std::fmt::Write;

/// Options for the text summary.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    /// Print at most this many flows (0 = all).
    pub max_flows: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { max_flows: 100 }
    }
}

/// Renders the summary.
pub fn render(analysis: &Analysis, opts: TextOptions) -> String {
    let mut out = String::new();
    capture_section(&mut out, analysis);
    warnings_section(&mut out, analysis);
    anomalies_section(&mut out, analysis);
    flows_section(&mut out, &analysis.flows, opts);
    out
}

fn capture_section(out: &mut String, analysis: &Analysis) {
    let c = &analysis.capture;
    let _ = writeln!(out, "Capture {}", c.name);
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
    let time = |t: Option<crate::capture::Timestamp>| t.map_or("-".to_string(), |t| t.to_string());
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

fn warnings_section(out: &mut String, analysis: &Analysis) {
    let warnings = &analysis.capture.warnings;
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nWarnings ({})", warnings.len());
    for w in warnings {
        let _ = writeln!(out, "  ! {w}");
    }
}

fn anomalies_section(out: &mut String, analysis: &Analysis) {
    let log = &analysis.anomalies;
    if log.counts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAnomalies ({})", log.total());
    for (id, count) in &log.counts {
        let first = log.examples.iter().find(|a| a.kind.id() == *id);
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

fn flows_section(out: &mut String, flows: &[FlowRecord], opts: TextOptions) {
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
        "TCP OUTCOME",
    ];
    let rows: Vec<[String; 9]> = flows[..shown].iter().map(flow_row).collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    // Numbers right-aligned, text left-aligned.
    let right = [true, false, false, false, true, true, false, true, false];
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

fn flow_row(f: &FlowRecord) -> [String; 9] {
    let mut outcome = super::outcome_name(f.tcp_outcome()).to_string();
    if let Some(tcp) = &f.tcp {
        if let (Some(by), false) = (
            tcp.control.reset_by,
            f.tcp_outcome() == Some(crate::net::tcp_state::TcpOutcome::Refused),
        ) {
            let _ = write!(outcome, " by {}", super::sender_name(by));
            if tcp.control.bytes_before_reset > 0 {
                let _ = write!(outcome, " after {} B", tcp.control.bytes_before_reset);
            }
        }
    }
    [
        f.id.to_string(),
        f.transport.as_str().to_string(),
        f.client.to_string(),
        f.server.to_string(),
        f.total_packets().to_string(),
        f.total_bytes().to_string(),
        format!("{}-{}", f.first_frame, f.last_frame),
        format!("{:.3} s", f.last_ts.seconds_since(f.first_ts)),
        outcome,
    ]
}
