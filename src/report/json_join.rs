//! The JSON of several captures joined: one `inputs` entry per capture
//! (`kind: "capture"`: name, file, packets, times, clock against the first
//! capture, and that capture's own findings) and the `join` object — the
//! pairs with their matched packets (capped at
//! [`super::json::MAX_JSON_MESSAGES`] per pair, `omitted` counts the rest)
//! and clock estimate, the NAT mappings (as many at most,
//! `nat_mappings_omitted` counts the rest) and the findings across captures,
//! whose evidence names the input of each frame. Names and files are text,
//! or `hex:` when not printable UTF-8, as everywhere in the JSON.

use serde::Serialize;

use super::json_diag::{DetailsJson, FindingsJson};
use crate::vantage::Vantage;
use edgecap_analyze::join::{ClockBasis, Host, Join, NatMapping, PathFinding};
use edgecap_core::safe::{path_bytes, text_or_hex};

/// One capture among several.
#[derive(Serialize)]
pub struct CaptureInputJson<'a> {
    /// Always `"capture"`.
    pub kind: &'static str,
    /// Its name (evidence reads `name#frame`).
    pub name: String,
    /// The file.
    pub file: String,
    /// Frames read.
    pub packets: u64,
    /// First frame time (UTC).
    pub first_time: Option<String>,
    /// Last frame time (UTC).
    pub last_time: Option<String>,
    /// Its clock against the first capture's.
    pub clock: ClockJson,
    /// Its own findings (frames are this capture's); not in `--json-lines`,
    /// where they are `finding` lines tagged with the capture's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<FindingsJson<'a>>,
}

/// A capture's clock.
#[derive(Serialize)]
pub struct ClockJson {
    /// Its clock minus the first capture's, seconds (0 for the first).
    pub offset_seconds: Option<f64>,
    /// The error bound, seconds.
    pub error_seconds: Option<f64>,
    /// `reference`, `given`, `exchanges`, `one_way` or `unknown`.
    pub basis: &'static str,
    /// The capture it was estimated against.
    pub via: Option<String>,
    /// The exchanges (or one-way packets) it rests on.
    pub count: Option<usize>,
    /// Drift, ppm, when fitted.
    pub drift_ppm: Option<f64>,
}

/// The `join` object.
#[derive(Serialize)]
pub struct JoinJson<'a> {
    /// The reference clock's capture.
    pub reference: String,
    /// Captures beyond the input limit, not joined.
    pub inputs_dropped: usize,
    /// Each pair of captures that shares packets.
    pub pairs: Vec<PairJson>,
    /// The NAT mappings between vantage points (the first ones).
    pub nat_mappings: Vec<NatJson>,
    /// NAT mappings not listed.
    pub nat_mappings_omitted: usize,
    /// Roles from all captures together: one entry per host (the first ones).
    pub roles: Vec<HostJson>,
    /// Hosts not listed.
    pub roles_omitted: usize,
    /// Findings across captures.
    pub findings: Vec<PathFindingJson<'a>>,
}

/// One pair.
#[derive(Serialize)]
pub struct PairJson {
    /// First capture.
    pub a: String,
    /// Second capture.
    pub b: String,
    /// Packets seen in both.
    pub matched: usize,
    /// Flows seen in both.
    pub flows: usize,
    /// Copies whose nearest partner was beyond the matching window.
    pub beyond_window: u64,
    /// Packets not matched because of the key limits.
    pub keys_dropped: u64,
    /// b's clock minus a's from the exchanges, seconds.
    pub offset_seconds: Option<f64>,
    /// Its error bound, seconds.
    pub error_seconds: Option<f64>,
    /// The exchanges it rests on.
    pub exchanges: usize,
    /// The matched packets (the first ones).
    pub packets: Vec<MatchedJson>,
    /// Matched packets not listed.
    pub omitted: usize,
}

/// One matched packet.
#[derive(Serialize)]
pub struct MatchedJson {
    /// "Allocate request", "SYN".
    pub what: String,
    /// Frame in a.
    pub a_frame: u64,
    /// Frame in b.
    pub b_frame: u64,
    /// b's time minus a's once the clocks are lined up, seconds: the time
    /// in flight from a to b (negative: from b to a).
    pub b_minus_a_seconds: f64,
}

/// One NAT mapping.
#[derive(Serialize)]
pub struct NatJson {
    /// The capture that sees the inside address.
    pub inside_input: String,
    /// The capture that sees the outside address.
    pub outside_input: String,
    /// `udp` or `tcp`.
    pub transport: &'static str,
    /// Inside address and port.
    pub inside: String,
    /// Outside address and port.
    pub outside: String,
    /// The flow's server is translated (a port forward), not its client.
    pub destination: bool,
}

/// One host and its role from all captures together.
#[derive(Serialize)]
pub struct HostJson {
    /// `client`, `external_edge`, ….
    pub role: &'static str,
    /// Its address at each capture that saw it (the first ones).
    pub addresses: Vec<HostAddressJson>,
    /// Addresses not listed.
    pub addresses_omitted: usize,
}

/// One address of a host, at one capture.
#[derive(Serialize)]
pub struct HostAddressJson {
    /// The capture.
    pub input: String,
    /// The address.
    pub address: String,
}

/// One frame of the evidence.
#[derive(Serialize)]
pub struct InputFrameJson {
    /// The capture.
    pub input: String,
    /// Its frame number.
    pub frame: u64,
}

/// One finding across captures.
#[derive(Serialize)]
pub struct PathFindingJson<'a> {
    id: &'static str,
    severity: &'static str,
    summary: &'a str,
    explanation: &'a str,
    evidence: Vec<InputFrameJson>,
    details: DetailsJson<'a>,
}

fn basis(b: ClockBasis, names: &[String]) -> (&'static str, Option<String>, Option<usize>) {
    let name = |i: usize| names.get(i).cloned();
    match b {
        ClockBasis::Reference => ("reference", None, None),
        ClockBasis::Given => ("given", None, None),
        ClockBasis::Exchanges { via, count } => ("exchanges", name(via), Some(count)),
        ClockBasis::OneWay { via, packets } => ("one_way", name(via), Some(packets)),
        ClockBasis::Unknown => ("unknown", None, None),
    }
}

/// The JSON names of the captures.
pub fn names(vs: &[Vantage]) -> Vec<String> {
    vs.iter()
        .map(|v| text_or_hex(&v.name_bytes).into_owned())
        .collect()
}

/// One `inputs` entry per capture.
pub fn capture_inputs<'a>(
    vs: &'a [Vantage],
    join: &Join,
    limit: usize,
) -> Vec<CaptureInputJson<'a>> {
    let names = names(vs);
    vs.iter()
        .enumerate()
        .map(|(i, v)| {
            let c = join.clocks.get(i);
            let (b, via, count) = c.map_or(("unknown", None, None), |c| basis(c.basis, &names));
            CaptureInputJson {
                kind: "capture",
                name: names[i].clone(),
                file: text_or_hex(&path_bytes(&v.path)).into_owned(),
                packets: v.analysis.capture.packets,
                first_time: v.analysis.capture.first_ts.map(|t| t.to_string()),
                last_time: v.analysis.capture.last_ts.map(|t| t.to_string()),
                clock: ClockJson {
                    offset_seconds: c.and_then(|c| c.offset_ns).map(|o| o as f64 / 1e9),
                    error_seconds: c.and_then(|c| c.error_ns).map(|o| o as f64 / 1e9),
                    basis: b,
                    via,
                    count,
                    drift_ppm: c.and_then(|c| c.drift_ppm),
                },
                findings: Some(FindingsJson {
                    diagnosis: &v.diagnosis,
                    limit,
                }),
            }
        })
        .collect()
}

/// One finding across captures.
pub fn finding_json<'a>(f: &'a PathFinding, names: &[String]) -> PathFindingJson<'a> {
    PathFindingJson {
        id: f.id,
        severity: f.severity.as_str(),
        summary: &f.summary,
        explanation: &f.explanation,
        evidence: f
            .evidence
            .iter()
            .map(|e| InputFrameJson {
                input: names.get(e.input).cloned().unwrap_or_default(),
                frame: e.frame.0,
            })
            .collect(),
        details: DetailsJson(&f.details),
    }
}

/// One NAT mapping, its captures by name.
pub fn nat_json(m: &NatMapping, names: &[String]) -> NatJson {
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    NatJson {
        inside_input: name(m.inside_input),
        outside_input: name(m.outside_input),
        transport: m.transport.as_str(),
        inside: m.inside.to_string(),
        outside: m.outside.to_string(),
        destination: m.destination,
    }
}

/// One host of the roles from all captures, its captures by name, at most
/// `limit` addresses.
pub fn host_json(h: &Host, names: &[String], limit: usize) -> HostJson {
    HostJson {
        role: h.role.as_str(),
        addresses_omitted: h.addresses.len().saturating_sub(limit),
        addresses: h
            .addresses
            .iter()
            .take(limit)
            .map(|(i, ip)| HostAddressJson {
                input: names.get(*i).cloned().unwrap_or_default(),
                address: ip.to_string(),
            })
            .collect(),
    }
}

/// The `join` object, at most `limit` matched packets listed per pair and
/// `limit` NAT mappings.
pub fn join_json<'a>(vs: &[Vantage], join: &'a Join, limit: usize) -> JoinJson<'a> {
    let names = names(vs);
    let name = |i: usize| names.get(i).cloned().unwrap_or_default();
    JoinJson {
        reference: name(0),
        inputs_dropped: join.inputs_dropped,
        pairs: join
            .pairs
            .iter()
            .map(|p| PairJson {
                a: name(p.a),
                b: name(p.b),
                matched: p.matched.len(),
                flows: p.links.len(),
                beyond_window: p.beyond_window,
                keys_dropped: p.keys_dropped,
                offset_seconds: p.estimate.map(|e| e.offset_ns as f64 / 1e9),
                error_seconds: p.estimate.map(|e| e.error_ns as f64 / 1e9),
                exchanges: p.estimate.map_or(0, |e| e.exchanges),
                packets: p
                    .matched
                    .iter()
                    .take(limit)
                    .map(|m| MatchedJson {
                        what: m.kind.label(),
                        a_frame: m.sides[0].frame.0,
                        b_frame: m.sides[1].frame.0,
                        b_minus_a_seconds: m.sides[1]
                            .ts
                            .0
                            .saturating_sub(m.sides[0].ts.0)
                            .saturating_sub(p.offset_ns)
                            as f64
                            / 1e9,
                    })
                    .collect(),
                omitted: p.matched.len().saturating_sub(limit),
            })
            .collect(),
        nat_mappings_omitted: join.nat.len().saturating_sub(limit),
        nat_mappings: join
            .nat
            .iter()
            .take(limit)
            .map(|m| nat_json(m, &names))
            .collect(),
        roles_omitted: join.roles.hosts.len().saturating_sub(limit),
        roles: join
            .roles
            .hosts
            .iter()
            .take(limit)
            .map(|h| host_json(h, &names, limit))
            .collect(),
        findings: join
            .findings
            .iter()
            .map(|f| finding_json(f, &names))
            .collect(),
    }
}
