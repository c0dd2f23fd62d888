//! The text summary of several captures joined: `Vantage points` (each
//! capture's name, file, packets and clock offset ± error with what it rests
//! on, the NAT mappings between them, what was matched and any limit hit),
//! the roles from all captures together (one line per host, its address at
//! each capture), the findings across captures, each capture's own findings with its name
//! on every frame (`client#812`), and the path ladder (each packet once,
//! where it was seen and its time in flight). One capture's flows,
//! allocations and handshakes stay in `edgecap summary FILE`.

use std::fmt::Write;

use super::diagnosis::{wrap, Style};
use super::logs_text::zone_name;
use super::sink::TextSink;
use crate::ladder::path;
use crate::vantage::Vantage;
use edgecap_analyze::join::{Clock, ClockBasis, Host, InputFrame, Join, PathFinding};
use edgecap_analyze::log_offset::split_zone;
use edgecap_analyze::Severity;
use edgecap_core::safe::{escape, escape_path};

/// NAT mappings listed in Vantage points: a busy edge has one per client
/// flow; the JSON lists them (up to its own cap).
pub const MAX_NAT_LINES: usize = 20;

/// Hosts listed under Roles: a busy edge has a client host per NAT address;
/// the JSON lists them (up to its own cap).
pub const MAX_ROLE_LINES: usize = 20;

/// Options of the joined summary.
#[derive(Debug, Clone, Copy, Default)]
pub struct VantageOptions {
    /// Colour the severities.
    pub color: bool,
    /// Most path ladder rows printed (0 = all).
    pub max_rows: usize,
    /// One line per finding, no frames, no ladder.
    pub brief: bool,
    /// With `brief`: each finding's explanation under it.
    pub explain: bool,
}

fn secs(ns: i64) -> String {
    format!("{:+.6} s", ns as f64 / 1e9)
}

/// How an input's clock is known, in words.
pub fn clock_text(join: &Join, c: &Clock) -> String {
    let name = |i: usize| join.names.get(i).map_or("?", String::as_str).to_string();
    let mut s = match (c.basis, c.offset_ns) {
        (ClockBasis::Reference, _) => return "reference clock".to_string(),
        (ClockBasis::Unknown, _) | (_, None) => {
            return "clock unknown (no packet shared with a capture of known clock)".to_string()
        }
        (ClockBasis::Given, Some(o)) => format!("clock {} (given with --offset)", secs(o)),
        (ClockBasis::Exchanges { via, count }, Some(o)) => format!(
            "clock {} ± {:.6} s ({count} request/response exchange{} with {})",
            secs(o),
            c.error_ns.unwrap_or(0) as f64 / 1e9,
            if count == 1 { "" } else { "s" },
            name(via)
        ),
        (ClockBasis::OneWay { via, packets }, Some(o)) => format!(
            "clock {} (one way only: {packets} packet{} with {}, delay included)",
            secs(o),
            if packets == 1 { "" } else { "s" },
            name(via)
        ),
    };
    if let Some(o) = c.offset_ns {
        if let (Some(z), skew) = split_zone(o) {
            if z != 0 {
                let _ = write!(s, ", time zone {} {}", zone_name(z), secs(skew));
            }
        }
    }
    if let Some(d) = c.drift_ppm {
        let _ = write!(s, ", drift {d:+.1} ppm");
    }
    if c.inconsistent > 0 {
        let _ = write!(s, ", {} exchanges disagree", c.inconsistent);
    }
    s
}

fn vantage_section<S: TextSink>(out: &mut S, vs: &[Vantage], join: &Join) {
    let _ = writeln!(out, "Vantage points ({})", vs.len());
    let w = vs.iter().map(|v| v.name.chars().count()).max().unwrap_or(0);
    for (i, v) in vs.iter().enumerate() {
        let c = &v.analysis.capture;
        let clock = join
            .clocks
            .get(i)
            .map_or_else(|| "not joined".to_string(), |c| clock_text(join, c));
        let _ = writeln!(
            out,
            "  {:<w$}  {}  {} packets, {}, {:.3} s  {clock}",
            v.name,
            escape_path(&v.path),
            c.packets,
            c.first_ts
                .map_or_else(|| "-".to_string(), |t| t.to_string()),
            c.duration_secs(),
        );
    }
    if join.inputs_dropped > 0 {
        let _ = writeln!(
            out,
            "  {} more captures not joined (at most {})",
            join.inputs_dropped,
            edgecap_analyze::join::MAX_INPUTS
        );
    }
    if !join.nat.is_empty() {
        let _ = writeln!(out, "  NAT mappings ({})", join.nat.len());
        for m in join.nat.iter().take(MAX_NAT_LINES) {
            let _ = writeln!(
                out,
                "    {} {} at {} = {} at {}{}",
                m.transport.as_str(),
                m.inside,
                join.names[m.inside_input],
                m.outside,
                join.names[m.outside_input],
                if m.destination {
                    " (destination NAT)"
                } else {
                    ""
                }
            );
        }
        if join.nat.len() > MAX_NAT_LINES {
            let _ = writeln!(
                out,
                "    … {} more (--json lists them)",
                join.nat.len() - MAX_NAT_LINES
            );
        }
    }
    for p in &join.pairs {
        let _ = write!(
            out,
            "  matched {} ↔ {}: {} packets on {} flows",
            join.names[p.a],
            join.names[p.b],
            p.matched.len(),
            p.links.len()
        );
        if p.beyond_window > 0 {
            let _ = write!(
                out,
                "; {} copies beyond the {} ms matching window",
                p.beyond_window,
                edgecap_analyze::join::MAX_FLIGHT_NS / 1_000_000
            );
        }
        if p.keys_dropped > 0 {
            let _ = write!(out, "; {} packets not matched (key limits)", p.keys_dropped);
        }
        let _ = writeln!(out);
    }
    if join.pairs.is_empty() && vs.len() > 1 {
        let _ = writeln!(out, "  no packet seen in two captures");
    }
}

/// Addresses named per host line: a NAT address shared by thousands of
/// clients makes one host of them all.
pub const MAX_HOST_ADDRESSES: usize = 5;

/// `ADDR at NAME, NAME = ADDR at NAME`: a host's addresses (the first
/// [`MAX_HOST_ADDRESSES`]), each with the captures that saw it.
pub fn host_text(join: &Join, h: &Host) -> String {
    let mut parts: Vec<(std::net::IpAddr, Vec<&str>)> = Vec::new();
    let mut index: std::collections::HashMap<std::net::IpAddr, usize> =
        std::collections::HashMap::new();
    let mut more = 0usize;
    for (i, ip) in &h.addresses {
        let name = join.names.get(*i).map_or("?", String::as_str);
        match index.get(ip).copied() {
            Some(k) => {
                if let Some((_, names)) = parts.get_mut(k) {
                    names.push(name);
                }
            }
            None if parts.len() < MAX_HOST_ADDRESSES => {
                index.insert(*ip, parts.len());
                parts.push((*ip, vec![name]));
            }
            None => {
                // Counted once; not listed.
                index.insert(*ip, usize::MAX);
                more += 1;
            }
        }
    }
    let v: Vec<String> = parts
        .iter()
        .map(|(ip, names)| format!("{ip} at {}", names.join(", ")))
        .collect();
    let mut text = v.join(" = ");
    if more > 0 {
        let _ = write!(text, " and {more} more addresses");
    }
    text
}

/// Roles from all captures together, one line per host.
fn roles_section<S: TextSink>(out: &mut S, join: &Join) {
    let hosts = &join.roles.hosts;
    let _ = writeln!(out, "\nRoles from all captures ({} hosts)", hosts.len());
    for h in hosts.iter().take(MAX_ROLE_LINES) {
        let _ = writeln!(out, "  {:<13}  {}", h.role.as_str(), host_text(join, h));
    }
    if hosts.len() > MAX_ROLE_LINES {
        let _ = writeln!(
            out,
            "  … {} more (--json lists them)",
            hosts.len() - MAX_ROLE_LINES
        );
    }
}

fn evidence(join: &Join, frames: &[InputFrame]) -> String {
    let v: Vec<String> = frames.iter().map(|f| join.label(*f)).collect();
    v.join(", ")
}

fn path_finding<S: TextSink>(out: &mut S, join: &Join, f: &PathFinding, o: VantageOptions) {
    let style = Style { color: o.color };
    let _ = writeln!(
        out,
        "  {}  {}  {}",
        style.severity(f.severity),
        f.id,
        escape(&f.summary)
    );
    if !o.brief && !f.evidence.is_empty() {
        let _ = writeln!(out, "           frames {}", evidence(join, &f.evidence));
    }
    if !o.brief || o.explain {
        wrap(out, "           ", &escape(&f.explanation));
    }
    out.spill();
}

fn counts(it: impl Iterator<Item = Severity> + Clone) -> String {
    let n = |s: Severity| it.clone().filter(|x| *x == s).count();
    format!(
        "{} error, {} warning, {} info",
        n(Severity::Error),
        n(Severity::Warning),
        n(Severity::Info)
    )
}

/// Writes the joined summary.
pub fn write_to<S: TextSink>(out: &mut S, vs: &[Vantage], join: &Join, o: VantageOptions) {
    vantage_section(out, vs, join);
    roles_section(out, join);
    let _ = writeln!(
        out,
        "\nFindings across captures ({})",
        counts(join.findings.iter().map(|f| f.severity))
    );
    if join.findings.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for f in &join.findings {
        path_finding(out, join, f, o);
    }
    let all = vs.iter().flat_map(|v| v.diagnosis.findings.iter());
    let _ = writeln!(
        out,
        "\nFindings of each capture ({})",
        counts(all.map(|f| f.severity))
    );
    let style = Style { color: o.color };
    let mut each: Vec<(usize, &Vantage, &edgecap_analyze::Finding)> = vs
        .iter()
        .enumerate()
        .flat_map(|(i, v)| v.diagnosis.findings.iter().map(move |f| (i, v, f)))
        .collect();
    each.sort_by_key(|(i, _, f)| (f.severity, *i));
    {
        for (i, v, f) in each {
            let _ = writeln!(
                out,
                "  {}  [{}] {}  {}",
                style.severity(f.severity),
                v.name,
                f.id,
                escape(&f.summary)
            );
            if o.brief {
                if o.explain {
                    wrap(out, "           ", &escape(&f.explanation));
                }
                continue;
            }
            let frames: Vec<InputFrame> = f
                .frames
                .iter()
                .take(edgecap_analyze::join::findings::MAX_EVIDENCE)
                .map(|&frame| InputFrame { input: i, frame })
                .collect();
            if !frames.is_empty() {
                let more = f.frames.len() - frames.len();
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let _ = writeln!(out, "           frames {}{tail}", evidence(join, &frames));
            }
            wrap(out, "           ", &escape(&f.explanation));
            out.spill();
        }
    }
    if o.brief {
        return;
    }
    let analyses: Vec<&edgecap_analyze::Analysis> = vs.iter().map(|v| &v.analysis).collect();
    let rows = path::rows(&analyses, join);
    let _ = writeln!(
        out,
        "\nPath ({} packets, each once, on {}'s clock)",
        rows.len(),
        join.names.first().map_or("?", String::as_str)
    );
    let _ = write!(out, "{}", path::to_text(join, &rows, o.max_rows));
    let _ = writeln!(
        out,
        "\nEach capture's flows, TURN allocations and handshakes: edgecap summary FILE"
    );
}
