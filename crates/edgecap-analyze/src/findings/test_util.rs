//! Test helpers for the detectors: committed captures and in-memory captures
//! built with the synth builders, run through the whole pipeline.

use std::io::Cursor;
use std::net::{IpAddr, SocketAddr};

use crate::{analyze_capture, Analysis, AnalyzeOptions};
use crate::{EdgeConfig, Finding, Role, RoleAssignment, RoleMap};
use edgecap_capture::{CaptureReader, LinkType, Timestamp};
use edgecap_testkit::link;
use edgecap_testkit::writer::{PcapOptions, PcapWriter};

/// A committed capture from `captures/`, analysed.
pub fn capture(name: &str) -> Analysis {
    crate::test_util::capture(name, &AnalyzeOptions::default())
}

/// An in-memory pcap of IP packets, 100 ms apart (Ethernet framing).
#[derive(Default)]
pub struct Pcap {
    packets: Vec<(i64, Vec<u8>)>,
    clock_ms: i64,
}

impl Pcap {
    /// Appends one IP packet 100 ms after the previous one.
    pub fn push(&mut self, ip: Vec<u8>) -> &mut Self {
        self.wait_ms(100);
        self.packets.push((self.clock_ms, ip));
        self
    }

    /// Appends packets.
    pub fn extend(&mut self, ips: impl IntoIterator<Item = Vec<u8>>) -> &mut Self {
        for ip in ips {
            self.push(ip);
        }
        self
    }

    /// Lets time pass.
    pub fn wait_ms(&mut self, ms: i64) -> &mut Self {
        self.clock_ms += ms;
        self
    }

    /// Runs the capture through the pipeline.
    pub fn analyze(&self) -> Analysis {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).expect("header");
        for (ms, ip) in &self.packets {
            let frame = link::wrap(LinkType::ETHERNET, ip);
            let ts = Timestamp(1_800_000_000_000_000_000 + ms * 1_000_000);
            w.write_packet(ts, &frame, frame.len() as u32)
                .expect("write");
        }
        let bytes = w.into_inner().expect("flush");
        let reader = CaptureReader::new(Box::new(Cursor::new(bytes)), "test").expect("reader");
        analyze_capture(reader, "test", &AnalyzeOptions::default())
    }
}

/// `"10.0.0.1:3478"` as a socket address.
pub fn sa(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

/// A role map from (address, role) pairs.
pub fn roles(pairs: &[(&str, Role)]) -> RoleMap {
    RoleMap::new(
        pairs
            .iter()
            .map(|(a, r)| RoleAssignment {
                address: a.parse::<IpAddr>().expect("address"),
                role: *r,
                evidence: Vec::new(),
            })
            .collect(),
    )
}

/// Findings with `id`.
pub fn with_id<'a>(findings: &'a [Finding], id: &str) -> Vec<&'a Finding> {
    findings.iter().filter(|f| f.id == id).collect()
}

/// Frame numbers as plain integers.
pub fn frames(f: &Finding) -> Vec<u64> {
    f.frames.iter().map(|n| n.0).collect()
}

/// Runs all detectors with default ports.
pub fn detect_all(a: &Analysis, roles: &RoleMap) -> Vec<Finding> {
    super::detect(a, roles, &EdgeConfig::default())
}

/// A detail by key.
pub fn detail<'a>(f: &'a Finding, key: &str) -> Option<&'a crate::Detail> {
    f.details.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}
