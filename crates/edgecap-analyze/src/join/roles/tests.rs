//! Roles from all captures together, on the generated pairs and the real
//! recording: each capture's own roles ([`crate::roles::infer`]) against
//! the combined ones.

use super::super::{join, Join, JoinInput};
use super::*;
use crate::roles::infer;
use crate::test_util::capture;
use crate::{AnalyzeOptions, EdgeConfig};

fn joined(a: &Analysis, b: &Analysis, cfg: &EdgeConfig) -> Join {
    let inputs = [
        JoinInput {
            name: "a",
            analysis: a,
            offset_override_ns: None,
        },
        JoinInput {
            name: "b",
            analysis: b,
            offset_override_ns: None,
        },
    ];
    join(&inputs, cfg)
}

fn load(a: &str, b: &str) -> (Analysis, Analysis) {
    let o = AnalyzeOptions::default();
    (capture(a, &o), capture(b, &o))
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("address")
}

fn host_of(j: &Join, input: usize, addr: &str) -> Host {
    j.roles
        .hosts
        .iter()
        .find(|h| h.addresses.contains(&(input, ip(addr))))
        .cloned()
        .unwrap_or_else(|| panic!("{addr} at {input} has a host"))
}

#[test]
fn the_outside_capture_learns_the_remote_edge_from_the_inside_one() {
    let (i, o) = load("multi-edge-inside.pcap", "multi-edge-outside.pcap");
    let cfg = EdgeConfig::default();
    let own = infer(&o, &cfg);
    assert_eq!(
        own.role_of(ip("1.1.1.1")),
        None,
        "alone, the outside capture does not tell who 1.1.1.1 is"
    );
    let j = joined(&i, &o, &cfg);
    let outside = &j.roles.per_input[1];
    assert_eq!(outside.role_of(ip("1.1.1.1")), Some(Role::RemoteEdge));
    let a = outside
        .assignments
        .iter()
        .find(|a| a.address == ip("1.1.1.1"))
        .expect("listed");
    assert!(
        a.evidence
            .iter()
            .all(|e| e.frames.is_empty() && e.detail.starts_with("seen as 1.1.1.1 in capture 1: ")),
        "borrowed evidence names the other capture, not its frames: {:?}",
        a.evidence
    );
    // The edge's inside address and its public one are one host across the NAT.
    let edge = host_of(&j, 0, "10.3.0.40");
    assert_eq!(edge.role, Role::ExternalEdge);
    assert!(edge.addresses.contains(&(1, ip("2.2.2.2"))));
    assert_eq!(
        j.roles.per_input[0].role_of(ip("10.3.0.40")),
        Some(Role::ExternalEdge)
    );
}

#[test]
fn a_client_behind_a_nat_is_one_host_with_its_public_address() {
    for (a, b, inside, outside) in [
        (
            "multi-client.pcap",
            "multi-edge-ext.pcap",
            "192.168.1.20",
            "198.51.100.77",
        ),
        (
            "real-nat-client.pcap",
            "real-nat-edge.pcap",
            "192.168.77.2",
            "203.0.113.1",
        ),
    ] {
        let (x, y) = load(a, b);
        let j = joined(&x, &y, &EdgeConfig::default());
        let client = host_of(&j, 0, inside);
        assert_eq!(client.role, Role::Client, "{a}");
        assert_eq!(client.addresses, [(0, ip(inside)), (1, ip(outside))], "{a}");
        let at_edge = j.roles.per_input[1]
            .assignments
            .iter()
            .find(|r| r.address == ip(outside))
            .expect("listed");
        let borrowed: Vec<&Evidence> = at_edge
            .evidence
            .iter()
            .filter(|e| {
                e.detail
                    .starts_with(&format!("seen as {inside} in capture 1"))
            })
            .collect();
        assert!(!borrowed.is_empty(), "{a}: {:?}", at_edge.evidence);
        assert!(
            at_edge.evidence[0].detail.starts_with(outside),
            "its own evidence first"
        );
        let server = host_of(&j, 0, "203.0.113.10");
        assert_eq!(server.role, Role::ExternalEdge);
        assert_eq!(
            server.addresses,
            [(0, ip("203.0.113.10")), (1, ip("203.0.113.10"))]
        );
    }
}

#[test]
fn an_override_keeps_its_address_and_the_rest_of_the_host_is_inferred() {
    let (i, o) = load("multi-edge-inside.pcap", "multi-edge-outside.pcap");
    let cfg = EdgeConfig {
        role_overrides: vec![(ip("10.3.0.40"), Role::Peer)],
        ..EdgeConfig::default()
    };
    let j = joined(&i, &o, &cfg);
    let inside = &j.roles.per_input[0];
    assert_eq!(inside.role_of(ip("10.3.0.40")), Some(Role::Peer));
    let a = inside
        .assignments
        .iter()
        .find(|a| a.address == ip("10.3.0.40"))
        .expect("listed");
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(a.evidence[0].rule, USER_OVERRIDE);
    assert_eq!(
        j.roles.per_input[1].role_of(ip("2.2.2.2")),
        Some(Role::ExternalEdge)
    );
    assert_eq!(
        inside
            .assignments
            .iter()
            .filter(|a| a.address == ip("10.3.0.40"))
            .count(),
        1,
        "listed once"
    );
}

#[test]
fn every_address_with_a_role_alone_keeps_one_jointly() {
    for (a, b) in [
        ("multi-client.pcap", "multi-edge-ext.pcap"),
        ("multi-edge-inside.pcap", "multi-edge-outside.pcap"),
        ("real-nat-client.pcap", "real-nat-edge.pcap"),
    ] {
        let (x, y) = load(a, b);
        let cfg = EdgeConfig::default();
        let j = joined(&x, &y, &cfg);
        for (k, an) in [&x, &y].into_iter().enumerate() {
            for r in &infer(an, &cfg).assignments {
                assert!(
                    j.roles.per_input[k].role_of(r.address).is_some(),
                    "{a}/{b}: {} lost its role",
                    r.address
                );
            }
        }
    }
}

#[test]
fn thousands_of_clients_behind_one_nat_address_borrow_a_bounded_evidence() {
    use edgecap_capture::FrameNo;
    use edgecap_net::{Endpoint, Transport};
    let ev = |detail: String| Evidence {
        rule: "sends_allocate",
        frames: vec![FrameNo(1)],
        detail,
    };
    let nat_ip = ip("198.51.100.77");
    let clients: Vec<IpAddr> = (1..=2000u32)
        .map(|k| IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000 + k)))
        .collect();
    let inside = RoleMap::new(
        clients
            .iter()
            .map(|c| RoleAssignment {
                address: *c,
                role: Role::Client,
                evidence: vec![ev(format!("{c} sent"))],
            })
            .collect(),
    );
    let outside = RoleMap::new(vec![RoleAssignment {
        address: nat_ip,
        role: Role::Client,
        evidence: vec![ev("nat sent".into())],
    }]);
    let frame = super::super::InputFrame {
        input: 0,
        frame: FrameNo(1),
    };
    let nat: Vec<NatMapping> = clients
        .iter()
        .map(|c| NatMapping {
            inside_input: 0,
            outside_input: 1,
            transport: Transport::Udp,
            inside: Endpoint {
                ip: *c,
                port: 50000,
            },
            outside: Endpoint {
                ip: nat_ip,
                port: 40000,
            },
            destination: false,
            first: [frame, frame],
        })
        .collect();
    let r = combine(&[], &[inside, outside], &nat);
    assert_eq!(r.hosts.len(), 1, "one host: the clients and their NAT");
    assert_eq!(r.hosts[0].addresses.len(), 2001);
    let most = r
        .per_input
        .iter()
        .flat_map(|m| m.assignments.iter())
        .map(|a| a.evidence.len())
        .max();
    assert_eq!(most, Some(1 + MAX_BORROWED), "own evidence plus the cap");
}
