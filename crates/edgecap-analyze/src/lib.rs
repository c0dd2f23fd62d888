//! The analysis of a capture and its diagnosis: the driver ([`engine`]) that
//! runs a capture through the capture, network and protocol layers into an
//! immutable [`Analysis`], then who is who at the edge ([`roles`]) and what
//! went wrong ([`findings`]) — derived from flows, TCP outcomes and decoded
//! STUN/TURN/TLS.
//!
//! Layer 4 of the workspace: it may import `edgecap-core`, `edgecap-capture`,
//! `edgecap-net` and `edgecap-proto`; the app (reports, ladder, CLI, TUI)
//! renders what it returns.
//!
//! This layer sees typed results, never packet bytes. Every role and every
//! finding carries its evidence (the rule that fired and the frames that
//! prove it), so a user can check it in Wireshark and override it
//! (`--role ADDR=ROLE`). Output order is deterministic.

pub mod calls;
pub mod credentials;
pub mod engine;
pub mod findings;
pub mod ingest;
pub mod integrity;
pub mod join;
pub mod live;
pub mod log_alone;
pub mod log_offset;
pub mod model;
pub mod mras_credentials;
pub mod roles;
#[cfg(test)]
mod test_util;

pub use credentials::{Credential, CredentialError};
pub use engine::{
    analyze, analyze_capture, analyze_capture_with_progress, AnalyzeOptions, LoadProgress,
    PROGRESS_EVERY_FRAMES,
};
pub use integrity::{Integrity, IntegrityResults};
pub use model::{Analysis, AnomalyExample, AnomalyLog, CaptureInfo, MAX_ANOMALY_EXAMPLES};

use edgecap_capture::FrameNo;
use edgecap_net::FlowId;
use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::ops::RangeInclusive;

/// The part an address plays in a call across the edge (docs/field-cases.md, "The topology").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A client: sends Allocate requests to an edge (or SYNs to its TURN ports).
    Client,
    /// A Lync / Skype for Business front end (or director): the SIP server
    /// clients register with, and the MRAS client of the edge on 5062.
    FrontEnd,
    /// The edge interface facing the clients (TURN on 443/3478, MRAS on 5062).
    InternalEdge,
    /// The edge interface facing the internet; may sit behind a NAT whose public
    /// address is the relayed address handed out.
    ExternalEdge,
    /// The federated partner's edge or a remote relay.
    RemoteEdge,
    /// A far media endpoint (a peer address of an allocation).
    Peer,
}

impl Role {
    /// Every role, in ladder column order.
    pub const ALL: [Role; 6] = [
        Role::Client,
        Role::FrontEnd,
        Role::InternalEdge,
        Role::ExternalEdge,
        Role::RemoteEdge,
        Role::Peer,
    ];

    /// The stable snake_case name (`internal_edge`, …) used in JSON and `--role`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::FrontEnd => "front_end",
            Role::InternalEdge => "internal_edge",
            Role::ExternalEdge => "external_edge",
            Role::RemoteEdge => "remote_edge",
            Role::Peer => "peer",
        }
    }

    /// Parses a role name as printed by [`Role::as_str`] (also accepts `-` for `_`).
    pub fn parse(text: &str) -> Option<Role> {
        let text = text.replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Human words for summaries ("internal edge").
    pub fn words(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::FrontEnd => "front end",
            Role::InternalEdge => "internal edge",
            Role::ExternalEdge => "external edge",
            Role::RemoteEdge => "remote edge",
            Role::Peer => "peer",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a role was assigned or a finding raised: the rule and the frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Stable rule id, e.g. `sends_allocate`, `user_override`.
    pub rule: &'static str,
    /// Frames that show it (first few, ascending).
    pub frames: Vec<FrameNo>,
    /// One line in plain words (addresses and ports, no capture strings).
    pub detail: String,
}

/// One address and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    /// The address (all ports of a host share its role).
    pub address: IpAddr,
    /// The role.
    pub role: Role,
    /// Why; for a user override, a single `user_override` entry.
    pub evidence: Vec<Evidence>,
}

/// Roles of every address that has one, ordered by role then address, with
/// an index for lookups (reports ask once per flow and message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap {
    /// The assignments.
    pub assignments: Vec<RoleAssignment>,
    index: HashMap<IpAddr, Role>,
}

impl RoleMap {
    /// A map of these assignments (an address listed twice keeps its first role).
    pub fn new(assignments: Vec<RoleAssignment>) -> Self {
        let mut index = HashMap::with_capacity(assignments.len());
        for a in &assignments {
            index.entry(a.address).or_insert(a.role);
        }
        RoleMap { assignments, index }
    }

    /// The role of `ip`, if it has one.
    pub fn role_of(&self, ip: IpAddr) -> Option<Role> {
        self.index.get(&ip).copied()
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something broke the call (or will).
    Error,
    /// Suspicious; may explain a failure.
    Warning,
    /// Part of the story (an allocation that worked, pseudo-TLS seen).
    Info,
}

impl Severity {
    /// `"error"`, `"warning"` or `"info"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// Parses `error` / `warning` / `info`.
    pub fn parse(text: &str) -> Option<Severity> {
        [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

/// A typed value in a finding's `details` (JSON-friendly, no display strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detail {
    /// A count.
    Count(u64),
    /// A port number.
    Port(u16),
    /// An `ip:port` endpoint or bare address, already in RFC 5952 text.
    Address(String),
    /// A short word or code (`server`, `436`, `udp`).
    Text(String),
    /// Several addresses or words.
    List(Vec<String>),
}

/// One diagnosis, with the frames and flows that prove it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable id, e.g. `tcp.connection_refused` (listed in the README).
    pub id: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// One line naming addresses, roles and ports.
    pub summary: String,
    /// Likely causes and what to check next, as an edge engineer would put it.
    pub explanation: String,
    /// Evidence frames, ascending.
    pub frames: Vec<FrameNo>,
    /// Flows involved, ascending.
    pub flows: Vec<FlowId>,
    /// Counts, ports and codes, in a fixed key order.
    pub details: Vec<(&'static str, Detail)>,
}

/// The port knowledge and user overrides the diagnosis uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeConfig {
    /// Relayed media ports (default 50000-59999).
    pub relay_ports: RangeInclusive<u16>,
    /// Edge service ports (default 443, 3478, 5062).
    pub edge_ports: Vec<u16>,
    /// `--role ADDR=ROLE` overrides, applied after inference.
    pub role_overrides: Vec<(IpAddr, Role)>,
}

impl Default for EdgeConfig {
    fn default() -> Self {
        EdgeConfig {
            relay_ports: 50_000..=59_999,
            edge_ports: vec![443, 3478, 5062],
            role_overrides: Vec::new(),
        }
    }
}

impl EdgeConfig {
    /// True for a port in the relay range.
    pub fn is_relay_port(&self, port: u16) -> bool {
        self.relay_ports.contains(&port)
    }

    /// True for a configured edge service port.
    pub fn is_edge_port(&self, port: u16) -> bool {
        self.edge_ports.contains(&port)
    }
}

/// Roles and findings of one capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnosis {
    /// Who is who.
    pub roles: RoleMap,
    /// What went wrong (and what worked), sorted by severity, then first frame.
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// The most severe finding's severity, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).min()
    }

    /// How many findings have severity `s`.
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// Adds a finding found beyond the capture (from a log), keeping the
    /// order [`diagnose`] gives.
    pub fn add(&mut self, f: Finding) {
        self.findings.push(f);
        sort_findings(&mut self.findings);
    }
}

fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.severity, a.frames.first(), a.id).cmp(&(b.severity, b.frames.first(), b.id))
    });
}

/// Infers roles (then applies overrides) and runs every detector.
pub fn diagnose(analysis: &Analysis, cfg: &EdgeConfig) -> Diagnosis {
    diagnose_with_roles(analysis, roles::infer(analysis, cfg), cfg)
}

/// Runs every detector with `roles` given (the roles of several captures
/// together, [`join::roles`]).
pub fn diagnose_with_roles(analysis: &Analysis, roles: RoleMap, cfg: &EdgeConfig) -> Diagnosis {
    let mut findings = findings::detect(analysis, &roles, cfg);
    sort_findings(&mut findings);
    let mut diagnosis = Diagnosis { roles, findings };
    let issued = mras_credentials::issued_in_capture(analysis);
    mras_credentials::apply(analysis, &mut diagnosis, &issued);
    diagnosis
}
