//! Role inference on captures built in memory with the project's own packet
//! builders and on the committed sample captures, run through the whole
//! pipeline.

use super::*;
use crate::{analyze_capture, AnalyzeOptions};
use edgecap_capture::{CaptureReader, LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use edgecap_net::TcpFlags;
use edgecap_proto::stun::ms_turn_long_term_key;
use edgecap_testkit::stun::{
    self as s, addr_attr, error_code, ms_frame, ms_magic_cookie, u32_attr,
};
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, TcpConversation};

fn sa(text: &str) -> SocketAddr {
    text.parse().expect("socket address")
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("ip address")
}

/// An in-memory pcap: IP packets in Ethernet frames, 10 ms apart.
struct Cap {
    packets: Vec<Vec<u8>>,
}

impl Cap {
    fn new() -> Self {
        Cap {
            packets: Vec::new(),
        }
    }

    /// Adds one IP packet; returns its frame number.
    fn put(&mut self, ip_packet: Vec<u8>) -> u64 {
        self.packets
            .push(link::wrap(LinkType::ETHERNET, &ip_packet));
        self.packets.len() as u64
    }

    fn udp(&mut self, src: &str, dst: &str, payload: &[u8]) -> u64 {
        self.put(edgecap_testkit::ip::udp(sa(src), sa(dst), payload))
    }

    fn analyze(&self) -> Analysis {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).expect("pcap header");
        for (i, p) in self.packets.iter().enumerate() {
            let ts = Timestamp::from_secs_nanos(1_800_000_000, i as u32 * 10_000_000);
            w.write_packet(ts, p, p.len() as u32).expect("write");
        }
        let bytes = w.into_inner().expect("finish");
        let reader =
            CaptureReader::new(Box::new(std::io::Cursor::new(bytes)), "test.pcap").expect("reader");
        analyze_capture(reader, "test.pcap", &AnalyzeOptions::default())
    }
}

fn committed(name: &str) -> Analysis {
    crate::test_util::capture(name, &AnalyzeOptions::default())
}

/// (address, role) of every assignment, in map order.
fn summary(map: &RoleMap) -> Vec<(IpAddr, Role)> {
    map.assignments
        .iter()
        .map(|a| (a.address, a.role))
        .collect()
}

fn assignment<'a>(map: &'a RoleMap, addr: &str) -> &'a RoleAssignment {
    map.assignments
        .iter()
        .find(|a| a.address == ip(addr))
        .unwrap_or_else(|| panic!("{addr} has no role in {map:#?}"))
}

fn rules(map: &RoleMap, addr: &str) -> Vec<&'static str> {
    assignment(map, addr)
        .evidence
        .iter()
        .map(|e| e.rule)
        .collect()
}

fn evidence<'a>(map: &'a RoleMap, addr: &str, rule: &str) -> &'a Evidence {
    assignment(map, addr)
        .evidence
        .iter()
        .find(|e| e.rule == rule)
        .unwrap_or_else(|| panic!("{addr} has no {rule} evidence in {map:#?}"))
}

fn frames(map: &RoleMap, addr: &str, rule: &str) -> Vec<u64> {
    evidence(map, addr, rule)
        .frames
        .iter()
        .map(|f| f.0)
        .collect()
}

// ---- MS-TURN messages (field case 1) ----

const REALM: &[u8] = b"\"rtcmedia\"";
const USER: &[u8] = b"\x02\x00\x00\x00user";

fn ms_txid(n: u8) -> [u8; 16] {
    s::ms_txid(n)
}

fn ms_allocate(n: u8, auth: bool) -> Vec<u8> {
    let mut attrs = vec![
        ms_magic_cookie(),
        u32_attr(0x8008, 2),
        u32_attr(0x000D, 3600),
    ];
    if !auth {
        return s::ms(0x0003, &ms_txid(n), &attrs).bytes();
    }
    attrs.extend([
        (0x0006, USER.to_vec()),
        (0x0015, REALM.to_vec()),
        (0x0014, b"nonce".to_vec()),
    ]);
    let key = ms_turn_long_term_key(USER, REALM, b"pw");
    s::ms(0x0003, &ms_txid(n), &attrs)
        .integrity(s::Integrity::MsTurn, &key)
        .bytes()
}

fn ms_401(n: u8) -> Vec<u8> {
    let attrs = [
        ms_magic_cookie(),
        (0x0009, error_code(401, "Unauthorized")),
        (0x0015, REALM.to_vec()),
        (0x0014, b"nonce".to_vec()),
    ];
    s::ms(0x0113, &ms_txid(n), &attrs).bytes()
}

fn ms_success(n: u8, relayed: &str, reflexive: &str) -> Vec<u8> {
    let t = ms_txid(n);
    let attrs = [
        ms_magic_cookie(),
        u32_attr(0x000D, 480),
        addr_attr(0x0001, sa(relayed), None),
        addr_attr(0x8020, sa(reflexive), Some(&t)),
    ];
    s::ms(0x0103, &t, &attrs).bytes()
}

fn ms_sad(n: u8, destination: &str) -> Vec<u8> {
    let attrs = [ms_magic_cookie(), addr_attr(0x0011, sa(destination), None)];
    s::ms(0x0006, &ms_txid(n), &attrs).bytes()
}

fn ms_sad_ok(n: u8) -> Vec<u8> {
    s::ms(0x0106, &ms_txid(n), &[ms_magic_cookie()]).bytes()
}

/// Field case 1, in memory: 1–3 handshake 10.98.2.1 → 10.3.0.34:443, 4
/// pseudo-TLS ClientHello, 5 ServerHello, 6 anonymous Allocate, 7 401, 8
/// authenticated Allocate, 9 success (relayed 2.2.2.2:58138), 10 Set Active
/// Destination to 1.1.1.1:50704, 11 its success; 12–17 three SYNs from
/// 10.3.0.40:58138 to 1.1.1.1:50704, each answered by RST,ACK.
fn field_case_1() -> Cap {
    let mut c = Cap::new();
    let mut t = TcpConversation::new(sa("10.98.2.1:50124"), sa("10.3.0.34:443"));
    for p in t.handshake() {
        c.put(p);
    }
    c.put(t.data(ToServer, &s::PSEUDO_TLS_CLIENT_HELLO));
    c.put(t.data(ToClient, &s::pseudo_tls_server_hello(&[7; 32], &[9; 32])));
    c.put(t.data(ToServer, &ms_frame(2, &ms_allocate(1, false))));
    c.put(t.data(ToClient, &ms_frame(2, &ms_401(1))));
    c.put(t.data(ToServer, &ms_frame(2, &ms_allocate(2, true))));
    c.put(t.data(
        ToClient,
        &ms_frame(2, &ms_success(2, "2.2.2.2:58138", "10.98.2.1:50124")),
    ));
    c.put(t.data(ToServer, &ms_frame(2, &ms_sad(3, "1.1.1.1:50704"))));
    c.put(t.data(ToClient, &ms_frame(2, &ms_sad_ok(3))));
    for isn in [0x5100_0000u32, 0x5200_0000, 0x5300_0000] {
        let mut r =
            TcpConversation::new(sa("10.3.0.40:58138"), sa("1.1.1.1:50704")).with_isn(isn, 0);
        c.put(r.syn());
        c.put(r.emit(ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0));
    }
    c
}

#[test]
fn field_case_1_names_every_role_with_rule_and_frames() {
    let a = field_case_1().analyze();
    let map = infer(&a, &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("10.98.2.1"), Role::Client),
            (ip("10.3.0.34"), Role::InternalEdge),
            (ip("2.2.2.2"), Role::ExternalEdge),
            (ip("10.3.0.40"), Role::ExternalEdge),
            (ip("1.1.1.1"), Role::RemoteEdge),
        ],
        "{map:#?}"
    );
    // The client's ephemeral port 50124 is in the relay range: still a client only.
    assert_eq!(rules(&map, "10.98.2.1"), ["sends_allocate"]);
    assert_eq!(frames(&map, "10.98.2.1", "sends_allocate"), [6, 8]);
    let e = evidence(&map, "10.98.2.1", "sends_allocate");
    assert!(e.detail.contains("10.98.2.1:50124"), "{}", e.detail);
    assert!(e.detail.contains("10.3.0.34:443"), "{}", e.detail);
    assert!(e.detail.contains("pseudo-tls"), "{}", e.detail);

    assert_eq!(rules(&map, "10.3.0.34"), ["answers_allocate"]);
    assert_eq!(frames(&map, "10.3.0.34", "answers_allocate"), [7, 9]);

    assert_eq!(rules(&map, "2.2.2.2"), ["relayed_address"]);
    assert_eq!(frames(&map, "2.2.2.2", "relayed_address"), [9]);
    assert!(evidence(&map, "2.2.2.2", "relayed_address")
        .detail
        .contains("2.2.2.2:58138"));

    assert_eq!(rules(&map, "10.3.0.40"), ["nat_relay_port"]);
    assert_eq!(frames(&map, "10.3.0.40", "nat_relay_port"), [12, 14, 16]);
    let e = evidence(&map, "10.3.0.40", "nat_relay_port");
    assert!(
        e.detail.contains("58138") && e.detail.contains("2.2.2.2:58138"),
        "{}",
        e.detail
    );

    // The Set Active Destination names the remote edge too: remote_edge wins.
    assert_eq!(
        rules(&map, "1.1.1.1"),
        ["relay_port_target", "named_relay_peer", "peer_address"]
    );
    assert_eq!(frames(&map, "1.1.1.1", "relay_port_target"), [12, 14, 16]);
    assert_eq!(frames(&map, "1.1.1.1", "peer_address"), [10]);
    let e = evidence(&map, "1.1.1.1", "relay_port_target");
    assert!(
        e.detail.contains("10.3.0.40:58138") && e.detail.contains("1.1.1.1:50704"),
        "{}",
        e.detail
    );
}

#[test]
fn committed_msturn_tcp443_capture() {
    let a = committed("msturn-tcp443.pcap");
    let map = infer(&a, &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("10.98.2.1"), Role::Client),
            (ip("10.3.0.34"), Role::InternalEdge),
            (ip("2.2.2.2"), Role::ExternalEdge),
            (ip("10.3.0.40"), Role::ExternalEdge),
            (ip("1.1.1.1"), Role::RemoteEdge),
        ],
        "{map:#?}"
    );
    // Frames as listed in captures/README.md.
    assert_eq!(frames(&map, "10.98.2.1", "sends_allocate"), [7, 10, 23]);
    assert_eq!(frames(&map, "10.3.0.34", "answers_allocate"), [8, 11, 24]);
    assert_eq!(frames(&map, "2.2.2.2", "relayed_address"), [11]);
    assert_eq!(frames(&map, "10.3.0.40", "nat_relay_port"), [28, 30, 32]);
    assert_eq!(frames(&map, "1.1.1.1", "relay_port_target"), [28, 30, 32]);
    assert!(rules(&map, "1.1.1.1").contains(&"peer_address"));
}

#[test]
fn committed_msturn_udp_capture() {
    let a = committed("msturn-udp.pcap");
    let map = infer(&a, &EdgeConfig::default());
    assert_eq!(map.role_of(ip("10.98.2.1")), Some(Role::Client));
    assert_eq!(map.role_of(ip("10.98.2.9")), Some(Role::Client));
    assert_eq!(map.role_of(ip("10.3.0.34")), Some(Role::InternalEdge));
    assert_eq!(map.role_of(ip("2.2.2.2")), Some(Role::ExternalEdge));
    // Only named as a destination: a peer.
    assert_eq!(map.role_of(ip("1.1.1.1")), Some(Role::Peer));
    assert_eq!(
        frames(&map, "10.3.0.34", "answers_allocate")[..4],
        [2, 4, 12, 14]
    );
}

/// RFC TURN over UDP with client and server on one address (coturn on
/// loopback): 1 Allocate, 2 401, 3 Allocate, 4 success (relayed
/// 127.0.0.1:50040), 5 CreatePermission for 127.0.0.1:3480, 6 its success,
/// 7 Send indication, 8 relayed datagram 127.0.0.1:50040 → 127.0.0.1:3480.
#[test]
fn loopback_client_and_server_share_an_address() {
    let mut c = Cap::new();
    let client = "127.0.0.1:52261";
    let server = "127.0.0.1:3478";
    let alloc = |n: u8| s::rfc(0x0003, &s::rfc_txid(n), &[(0x0019, vec![17, 0, 0, 0])]).bytes();
    c.udp(client, server, &alloc(1));
    let e401 = [
        (0x0009, error_code(401, "Unauthorized")),
        (0x0014, b"edgecap.test".to_vec()),
        (0x0015, b"nonce".to_vec()),
    ];
    c.udp(
        server,
        client,
        &s::rfc(0x0113, &s::rfc_txid(1), &e401).bytes(),
    );
    c.udp(client, server, &alloc(2));
    let t = s::rfc_txid(2);
    let ok = [
        addr_attr(0x0016, sa("127.0.0.1:50040"), Some(&t)),
        addr_attr(0x0020, sa(client), Some(&t)),
    ];
    c.udp(server, client, &s::rfc(0x0103, &t, &ok).bytes());
    let t = s::rfc_txid(3);
    let perm = [addr_attr(0x0012, sa("127.0.0.1:3480"), Some(&t))];
    c.udp(client, server, &s::rfc(0x0008, &t, &perm).bytes());
    c.udp(server, client, &s::rfc(0x0108, &t, &[]).bytes());
    let t = s::rfc_txid(4);
    let send = [
        addr_attr(0x0012, sa("127.0.0.1:3480"), Some(&t)),
        (0x0013, b"hello".to_vec()),
    ];
    c.udp(client, server, &s::rfc(0x0016, &t, &send).bytes());
    c.udp("127.0.0.1:50040", "127.0.0.1:3480", b"hello");
    let map = infer(&c.analyze(), &EdgeConfig::default());
    // The relay hands out its own address: no NAT in front, the external side.
    assert_eq!(
        summary(&map),
        vec![(ip("127.0.0.1"), Role::ExternalEdge)],
        "{map:#?}"
    );
    assert_eq!(
        rules(&map, "127.0.0.1"),
        [
            "relays_own_address",
            "answers_allocate",
            "relayed_address",
            "sends_allocate",
            "peer_address"
        ]
    );
    assert_eq!(frames(&map, "127.0.0.1", "relays_own_address"), [4]);
    assert_eq!(frames(&map, "127.0.0.1", "answers_allocate"), [2]);
    assert_eq!(frames(&map, "127.0.0.1", "sends_allocate"), [1, 3]);
    assert_eq!(frames(&map, "127.0.0.1", "relayed_address"), [4]);
    assert_eq!(frames(&map, "127.0.0.1", "peer_address"), [5, 7]);
}

#[test]
fn committed_coturn_loopback_capture() {
    let a = committed("coturn-loopback.pcap");
    let map = infer(&a, &EdgeConfig::default());
    // coturn relays on its own address (no NAT): the external side.
    assert_eq!(summary(&map), vec![(ip("127.0.0.1"), Role::ExternalEdge)]);
    let r = rules(&map, "127.0.0.1");
    assert_eq!(r[..2], ["relays_own_address", "answers_allocate"]);
    assert!(r.contains(&"sends_allocate") && r.contains(&"relayed_address"));
    assert_eq!(frames(&map, "127.0.0.1", "answers_allocate")[..1], [2]);
    assert_eq!(frames(&map, "127.0.0.1", "relayed_address")[0], 4);
}

/// A private client, a public TURN server handing out its own address, a
/// public peer reached from a port outside the relay range.
#[test]
fn rfc_turn_with_peer_on_separate_hosts() {
    let mut c = Cap::new();
    let client = "192.168.1.10:40000";
    let server = "203.0.113.5:3478";
    c.udp(
        client,
        server,
        &s::rfc(0x0003, &s::rfc_txid(1), &[]).bytes(),
    );
    let t = s::rfc_txid(1);
    let ok = [addr_attr(0x0016, sa("203.0.113.5:49160"), Some(&t))];
    c.udp(server, client, &s::rfc(0x0103, &t, &ok).bytes());
    let t = s::rfc_txid(2);
    let bind = [
        (0x000C, vec![0x40, 0x00, 0, 0]),
        addr_attr(0x0012, sa("198.51.100.20:40002"), Some(&t)),
    ];
    c.udp(client, server, &s::rfc(0x0009, &t, &bind).bytes());
    c.udp("203.0.113.5:49160", "198.51.100.20:40002", b"media");
    let t = s::rfc_txid(3);
    let data = [
        addr_attr(0x0012, sa("[2001:db8::20]:40002"), Some(&t)),
        (0x0013, b"x".to_vec()),
    ];
    c.udp(server, client, &s::rfc(0x0017, &t, &data).bytes());
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("192.168.1.10"), Role::Client),
            (ip("203.0.113.5"), Role::ExternalEdge),
            (ip("198.51.100.20"), Role::Peer),
            (ip("2001:db8::20"), Role::Peer),
        ],
        "{map:#?}"
    );
    assert_eq!(
        rules(&map, "203.0.113.5"),
        [
            "global_turn_server",
            "relays_own_address",
            "relayed_address"
        ]
    );
    assert_eq!(frames(&map, "198.51.100.20", "peer_address"), [3]);
    assert_eq!(frames(&map, "2001:db8::20", "peer_address"), [5]);
    assert!(evidence(&map, "2001:db8::20", "peer_address")
        .detail
        .contains("[2001:db8::20]:40002"));
}

#[test]
fn mras_target_is_the_internal_edge_and_its_client_the_front_end() {
    let mut c = Cap::new();
    let mut t = TcpConversation::new(sa("10.3.0.20:50500"), sa("10.3.0.34:5062"));
    c.put(t.syn());
    c.put(t.emit(ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0));
    let mut t = TcpConversation::new(sa("10.3.0.20:50501"), sa("10.3.0.34:5062"));
    c.put(t.syn());
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("10.3.0.20"), Role::FrontEnd),
            (ip("10.3.0.34"), Role::InternalEdge)
        ]
    );
    assert_eq!(frames(&map, "10.3.0.20", "mras_client"), [1, 3]);
    assert_eq!(rules(&map, "10.3.0.34"), ["mras_target"]);
    assert_eq!(frames(&map, "10.3.0.34", "mras_target"), [1, 3]);
    let d = &evidence(&map, "10.3.0.34", "mras_target").detail;
    assert!(d.contains("10.3.0.34:5062") && d.contains("refused"), "{d}");
    assert!(d.contains("1 more"), "{d}");
}

#[test]
fn overrides_replace_the_role_and_add_unseen_addresses() {
    let a = field_case_1().analyze();
    let cfg = EdgeConfig {
        role_overrides: vec![
            (ip("10.98.2.1"), Role::Peer),
            (ip("192.0.2.99"), Role::RemoteEdge),
            (ip("2001:db8::1"), Role::Client),
        ],
        ..EdgeConfig::default()
    };
    let map = infer(&a, &cfg);
    assert_eq!(
        summary(&map),
        vec![
            (ip("2001:db8::1"), Role::Client),
            (ip("10.3.0.34"), Role::InternalEdge),
            (ip("2.2.2.2"), Role::ExternalEdge),
            (ip("10.3.0.40"), Role::ExternalEdge),
            (ip("1.1.1.1"), Role::RemoteEdge),
            (ip("192.0.2.99"), Role::RemoteEdge),
            (ip("10.98.2.1"), Role::Peer),
        ]
    );
    for addr in ["10.98.2.1", "192.0.2.99", "2001:db8::1"] {
        let ev = &assignment(&map, addr).evidence;
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].rule, "user_override");
        assert!(ev[0].frames.is_empty());
        assert!(ev[0].detail.contains("--role"), "{}", ev[0].detail);
    }
    assert_eq!(
        assignment(&map, "10.98.2.1").evidence[0].detail,
        "set with --role 10.98.2.1=peer"
    );
}

#[test]
fn public_client_to_private_edge_is_the_external_side() {
    let mut c = Cap::new();
    let client = "198.51.100.7:50000";
    let server = "10.3.0.40:3478";
    c.udp(client, server, &ms_allocate(1, false));
    c.udp(server, client, &ms_success(1, "2.2.2.2:58200", client));
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("198.51.100.7"), Role::Client),
            (ip("2.2.2.2"), Role::ExternalEdge),
            (ip("10.3.0.40"), Role::ExternalEdge),
        ],
        "{map:#?}"
    );
    assert_eq!(rules(&map, "10.3.0.40"), ["allocate_from_internet"]);
    assert_eq!(frames(&map, "10.3.0.40", "allocate_from_internet"), [2]);
}

#[test]
fn unanswered_allocate_marks_the_target_only_on_an_edge_port() {
    let mut c = Cap::new();
    let req = ms_allocate(1, false);
    c.udp("10.98.2.1:50040", "10.3.0.34:3478", &req);
    c.udp("10.98.2.1:50040", "10.3.0.34:3478", &req); // retransmission
    c.udp("10.98.2.1:50041", "10.3.0.77:3478", &ms_allocate(2, false));
    c.udp("10.98.2.1:50042", "10.3.0.99:3999", &ms_allocate(3, false));
    let cfg = EdgeConfig {
        edge_ports: vec![3478],
        ..EdgeConfig::default()
    };
    let map = infer(&c.analyze(), &cfg);
    assert_eq!(
        summary(&map),
        vec![
            (ip("10.98.2.1"), Role::Client),
            (ip("10.3.0.34"), Role::InternalEdge),
            (ip("10.3.0.77"), Role::InternalEdge),
        ],
        "{map:#?}"
    );
    assert_eq!(frames(&map, "10.98.2.1", "sends_allocate"), [1, 3, 4]);
    assert_eq!(frames(&map, "10.3.0.34", "receives_allocate"), [1]);
    let d = &evidence(&map, "10.3.0.34", "receives_allocate").detail;
    assert!(d.contains("no answer"), "{d}");
}

/// An allocation on UDP 3478 (relayed 2.2.2.2:58138), then the edge behind
/// the NAT sends media to one remote relay port and another remote host
/// opens a conversation towards the edge's relay port.
#[test]
fn remote_edge_as_target_and_as_source() {
    let mut c = Cap::new();
    let client = "10.98.2.1:50040";
    let server = "10.3.0.34:3478";
    c.udp(client, server, &ms_allocate(1, false));
    c.udp(server, client, &ms_success(1, "2.2.2.2:58138", client));
    c.udp("10.3.0.40:58138", "1.1.1.1:50704", b"rtp-out");
    c.udp("1.1.1.1:50704", "10.3.0.40:58138", b"rtp-in");
    c.udp("1.1.1.9:51000", "10.3.0.40:58138", b"rtp-in");
    // A host answering from a non-relay port is not a remote edge.
    c.udp("192.0.2.5:40000", "10.3.0.40:58138", b"x");
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("10.98.2.1"), Role::Client),
            (ip("10.3.0.34"), Role::InternalEdge),
            (ip("2.2.2.2"), Role::ExternalEdge),
            (ip("10.3.0.40"), Role::ExternalEdge),
            (ip("1.1.1.1"), Role::RemoteEdge),
            (ip("1.1.1.9"), Role::RemoteEdge),
        ],
        "{map:#?}"
    );
    assert_eq!(rules(&map, "1.1.1.1"), ["relay_port_target"]);
    assert_eq!(frames(&map, "1.1.1.1", "relay_port_target"), [3]);
    assert_eq!(rules(&map, "1.1.1.9"), ["relay_port_source"]);
    assert_eq!(frames(&map, "1.1.1.9", "relay_port_source"), [5]);
    assert_eq!(frames(&map, "10.3.0.40", "nat_relay_port"), [3]);
}

#[test]
fn no_traffic_no_roles_and_inference_is_deterministic() {
    let empty = Cap::new();
    let mut c = empty;
    c.udp("10.0.0.1:5000", "10.0.0.2:6000", b"nothing to see");
    let a = c.analyze();
    assert_eq!(infer(&a, &EdgeConfig::default()), RoleMap::default());
    let a = field_case_1().analyze();
    assert_eq!(
        infer(&a, &EdgeConfig::default()),
        infer(&a, &EdgeConfig::default())
    );
}

#[test]
fn address_space() {
    for private in [
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.1.1",
        "127.0.0.1",
        "fd00::1",
        "fe80::1",
        "::1",
        "::ffff:10.0.0.1",
    ] {
        assert!(is_private(ip(private)), "{private}");
        assert!(!is_public(ip(private)), "{private}");
    }
    for public in [
        "1.1.1.1",
        "2.2.2.2",
        "100.128.0.1",
        "192.0.2.1",
        "2001:db8::1",
    ] {
        assert!(is_public(ip(public)), "{public}");
    }
    for nothing in ["0.0.0.0", "224.0.0.1", "255.255.255.255", "::", "ff02::1"] {
        assert!(
            !is_public(ip(nothing)) && !assignable(ip(nothing)),
            "{nothing}"
        );
    }
}

#[test]
fn rule_table_is_consistent() {
    for (i, (id, role)) in RULES.iter().enumerate() {
        assert_eq!(rule_index(id), i);
        assert_eq!(rule_role(id), Some(*role));
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
    }
    assert_eq!(rule_role(USER_OVERRIDE), None);
}

/// A home user behind NAT, captured on the client: 192.168.0.5 allocates on
/// the edge's public address 198.51.100.9, which sees it as 203.0.113.50.
#[test]
fn home_user_behind_nat_allocates_on_the_external_edge() {
    let mut c = Cap::new();
    let client = "192.168.0.5:50040";
    let server = "198.51.100.9:3478";
    c.udp(client, server, &ms_allocate(1, false));
    c.udp(server, client, &ms_401(1));
    c.udp(client, server, &ms_allocate(2, true));
    c.udp(
        server,
        client,
        &ms_success(2, "198.51.100.9:50600", "203.0.113.50:61000"),
    );
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("192.168.0.5"), Role::Client),
            (ip("198.51.100.9"), Role::ExternalEdge),
        ],
        "{map:#?}"
    );
    assert_eq!(
        rules(&map, "198.51.100.9"),
        [
            "global_turn_server",
            "client_behind_nat",
            "relays_own_address",
            "relayed_address"
        ]
    );
    assert_eq!(frames(&map, "198.51.100.9", "global_turn_server"), [2, 4]);
    assert_eq!(frames(&map, "198.51.100.9", "client_behind_nat"), [4]);
    let d = &evidence(&map, "198.51.100.9", "client_behind_nat").detail;
    assert!(
        d.contains("203.0.113.50:61000") && d.contains("192.168.0.5:50040"),
        "{d}"
    );
}

/// A Teams-like cloud relay on IPv4 and IPv6 global addresses, never
/// answering on IPv6: both are the relay on the internet, not an internal edge.
#[test]
fn cloud_relay_on_global_addresses_is_external() {
    let mut c = Cap::new();
    c.udp(
        "192.168.1.20:50010",
        "52.114.1.1:3478",
        &ms_allocate(1, false),
    );
    c.udp("52.114.1.1:3478", "192.168.1.20:50010", &ms_401(1));
    c.udp(
        "[fd00::20]:50012",
        "[2a01:111:f400::1]:3478",
        &ms_allocate(2, false),
    );
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(
        summary(&map),
        vec![
            (ip("192.168.1.20"), Role::Client),
            (ip("fd00::20"), Role::Client),
            (ip("52.114.1.1"), Role::ExternalEdge),
            (ip("2a01:111:f400::1"), Role::ExternalEdge),
        ],
        "{map:#?}"
    );
    assert_eq!(rules(&map, "52.114.1.1"), ["global_turn_server"]);
    let d = &evidence(&map, "2a01:111:f400::1", "global_turn_server").detail;
    assert!(d.contains("never answering"), "{d}");
}

/// A private TURN server whose private client got a global reflexive
/// address: the client came through a NAT, so this is the external side;
/// the same server seen only by clients with their own address is internal.
#[test]
fn private_server_with_nated_client_is_external_otherwise_internal() {
    let mut c = Cap::new();
    c.udp("10.98.2.1:50040", "10.3.0.34:3478", &ms_allocate(1, false));
    c.udp(
        "10.3.0.34:3478",
        "10.98.2.1:50040",
        &ms_success(1, "2.2.2.2:58138", "10.98.2.1:50040"),
    );
    c.udp("172.16.9.9:50050", "10.3.0.60:3478", &ms_allocate(2, false));
    c.udp(
        "10.3.0.60:3478",
        "172.16.9.9:50050",
        &ms_success(2, "2.2.2.3:58140", "203.0.113.77:40022"),
    );
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(assignment(&map, "10.3.0.34").role, Role::InternalEdge);
    assert_eq!(rules(&map, "10.3.0.34"), ["answers_allocate"]);
    assert_eq!(assignment(&map, "10.3.0.60").role, Role::ExternalEdge);
    assert_eq!(rules(&map, "10.3.0.60"), ["client_behind_nat"]);
}

/// The remote edge's NAT rewrote its relay source port: the Set Active
/// Destination names 1.1.1.1:50704, the edge sends there from its relay
/// port, the answers come from 1.1.1.1:61234 (outside the relay range).
#[test]
fn remote_edge_recognised_when_its_nat_rewrote_the_port() {
    let mut c = Cap::new();
    let client = "10.98.2.1:50040";
    let server = "10.3.0.34:3478";
    c.udp(client, server, &ms_allocate(1, false));
    c.udp(server, client, &ms_success(1, "2.2.2.2:58138", client));
    c.udp(client, server, &ms_sad(2, "1.1.1.1:50704"));
    c.udp("1.1.1.1:61234", "10.3.0.40:58138", b"rtp-in");
    c.udp("10.3.0.40:58138", "1.1.1.1:61234", b"rtp-out");
    // Named with a port outside the relay range: a peer, not a remote edge.
    c.udp(client, server, &ms_sad(3, "198.51.100.44:40000"));
    c.udp("198.51.100.44:40000", "10.3.0.40:58138", b"rtp-in");
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(assignment(&map, "1.1.1.1").role, Role::RemoteEdge);
    assert_eq!(rules(&map, "1.1.1.1"), ["named_relay_peer", "peer_address"]);
    assert_eq!(frames(&map, "1.1.1.1", "named_relay_peer"), [4]);
    let d = &evidence(&map, "1.1.1.1", "named_relay_peer").detail;
    assert!(d.contains("from port 61234, not 50704"), "{d}");
    assert_eq!(assignment(&map, "198.51.100.44").role, Role::Peer);
}

/// The MRAS client on 5062 and the SIP server of a TURN client are the
/// front end; a SIP server of a host that is no TURN client gets nothing.
#[test]
fn front_end_from_mras_and_sip() {
    let mut c = Cap::new();
    let mut t = TcpConversation::new(sa("10.3.0.10:49731"), sa("10.3.0.34:5062"));
    c.put(t.syn());
    c.put(t.emit(ToClient, TcpFlags::RST | TcpFlags::ACK, b"", 0));
    c.udp("10.98.2.1:50040", "10.3.0.34:3478", &ms_allocate(1, false));
    let mut sip = TcpConversation::new(sa("10.98.2.1:50100"), sa("10.3.0.20:5061"));
    c.put(sip.syn());
    c.put(sip.syn_ack());
    let mut other = TcpConversation::new(sa("10.98.9.9:50100"), sa("10.3.0.21:5061"));
    c.put(other.syn());
    let map = infer(&c.analyze(), &EdgeConfig::default());
    assert_eq!(assignment(&map, "10.3.0.10").role, Role::FrontEnd);
    assert_eq!(rules(&map, "10.3.0.10"), ["mras_client"]);
    assert_eq!(frames(&map, "10.3.0.10", "mras_client"), [1]);
    assert_eq!(assignment(&map, "10.3.0.20").role, Role::FrontEnd);
    assert_eq!(rules(&map, "10.3.0.20"), ["sip_server"]);
    assert!(map.role_of(ip("10.3.0.21")).is_none(), "{map:#?}");
    assert!(map.role_of(ip("10.98.9.9")).is_none(), "{map:#?}");
}
