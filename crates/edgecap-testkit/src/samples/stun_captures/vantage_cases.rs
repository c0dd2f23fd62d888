//! Two captures of one call from two vantage points, for joining them:
//!
//! * `multi-client.pcap` — on the client 192.168.1.20, behind a NAT whose
//!   public address is 198.51.100.77 (UDP 50040 leaves as 40022, TCP 50041
//!   as 40023).
//! * `multi-edge-ext.pcap` — on the edge's external interface 203.0.113.10,
//!   at the same time, with a clock 2.35 s ahead of the client's.
//!
//! Between them: a UDP 3478 allocation whose first authenticated Allocate is
//! lost on the way (its retransmission 500 ms later arrives), then a TCP 443
//! connection that a middlebox resets in the edge's name (the RST reaches the
//! client; the edge never sent it and goes on with its ServerHello), then a
//! second UDP allocation whose every copy is lost (the edge keeps capturing:
//! a Binding on the first allocation's flow reaches it later).
//! One-way delays are 14-16 ms, so the offset the join estimates from the
//! three request/response exchanges is 2.3495 s ± 14.5 ms.
//!
//! And both sides of the NAT in front of an edge's external interface:
//!
//! * `multi-edge-inside.pcap` — on the external interface 10.3.0.40.
//! * `multi-edge-outside.pcap` — outside the NAT (public 2.2.2.2), written
//!   in local time: its clock is one hour and 120 ms ahead.
//!
//! A remote user 203.0.113.50 allocates on 2.2.2.2:3478 (forwarded to
//! 10.3.0.40:3478) and is handed the relayed address 2.2.2.2:58138; then
//! the relay checks the peer 1.1.1.1:50704 from 10.3.0.40:58138, which the
//! NAT sends out from 2.2.2.2:61000: it does not keep the relay port.

use super::field_cases::{
    allocation, at, ice_answer, ice_check, Field, FieldCapture, FIELD_ICE_LOCAL, FIELD_ICE_REMOTE,
};
use crate::samples::sa;
use crate::TcpConversation;
use edgecap_net::Direction::{ToClient, ToServer};
use std::io;

/// The client's private address.
pub const VANTAGE_CLIENT: &str = "192.168.1.20";
/// The NAT's public address in front of the client.
pub const VANTAGE_NAT: &str = "198.51.100.77";
/// The edge's external interface (a public address).
pub const VANTAGE_EDGE: &str = "203.0.113.10";
/// The edge capture's clock minus the client capture's, in milliseconds.
pub const VANTAGE_OFFSET_MS: i64 = 2_350;

/// Generates both captures: `(client, edge)`.
pub fn client_and_edge() -> io::Result<[FieldCapture; 2]> {
    // Both captures start at the same second of their own clocks; the edge's
    // packets are placed at true time + offset + delay.
    let mut c = Field::new("multi-client.pcap", 46_800, 1)?;
    let mut e = Field::new("multi-edge-ext.pcap", 46_800, 1)?;
    let edge_at = |true_ms: i64| VANTAGE_OFFSET_MS + true_ms;
    let a = allocation(
        0x90,
        "203.0.113.10:50600",
        "198.51.100.77:40022",
        "1.1.1.1:50704",
    );
    let (client, public, edge) = (
        at(VANTAGE_CLIENT, 50040),
        at(VANTAGE_NAT, 40022),
        at(VANTAGE_EDGE, 3478),
    );
    // The anonymous Allocate (sent at 0, in flight 15 ms) and its 401 (sent
    // at 20, in flight 16 ms).
    c.at_ms(0);
    let f = c.udp(client, edge, &a.allocate())?;
    c.key(f, "anonymous Allocate");
    e.at_ms(edge_at(15));
    let f = e.udp(public, edge, &a.allocate())?;
    e.key(f, "anonymous Allocate, from the NAT's address");
    e.at_ms(edge_at(20));
    let f = e.udp(edge, public, &a.unauthorized())?;
    e.key(f, "401 with realm and nonce");
    c.at_ms(36);
    let f = c.udp(edge, client, &a.unauthorized())?;
    c.key(f, "401 with realm and nonce");
    // The authenticated Allocate at 50 never arrives; its retransmission at
    // 550 does (14 ms), and the success (sent at 570) takes 15 ms back.
    c.at_ms(50);
    let f = c.udp(client, edge, &a.allocate_auth())?;
    c.key(
        f,
        "authenticated Allocate, lost between the NAT and the edge",
    );
    c.at_ms(550);
    let f = c.udp(client, edge, &a.allocate_auth())?;
    c.key(f, "its retransmission");
    e.at_ms(edge_at(564));
    let f = e.udp(public, edge, &a.allocate_auth())?;
    e.key(f, "the retransmission arrives");
    e.at_ms(edge_at(570));
    let f = e.udp(edge, public, &a.success())?;
    e.key(f, "Allocate success");
    c.at_ms(585);
    let f = c.udp(edge, client, &a.success())?;
    c.key(f, "Allocate success");
    // TCP 443 through the NAT (same sequence numbers on both sides).
    let (client, public, edge) = (
        at(VANTAGE_CLIENT, 50041),
        at(VANTAGE_NAT, 40023),
        at(VANTAGE_EDGE, 443),
    );
    let mut tc = TcpConversation::new(client, edge).with_isn(0x1d2c_3b4a, 0x7e00_0001);
    let mut te = TcpConversation::new(public, edge).with_isn(0x1d2c_3b4a, 0x7e00_0001);
    c.at_ms(1_000);
    let f = c.put(&tc.syn())?;
    c.key(f, "SYN");
    e.at_ms(edge_at(1_015));
    let f = e.put(&te.syn())?;
    e.key(f, "SYN, from the NAT's address");
    e.at_ms(edge_at(1_020));
    let f = e.put(&te.syn_ack())?;
    e.key(f, "SYN-ACK");
    c.at_ms(1_035);
    let f = c.put(&tc.syn_ack())?;
    c.key(f, "SYN-ACK");
    c.at_ms(1_040);
    c.put(&tc.ack(ToServer))?;
    c.at_ms(1_050);
    let f = c.put(&tc.data(ToServer, &crate::stun::PSEUDO_TLS_CLIENT_HELLO))?;
    c.key(f, "pseudo-TLS ClientHello");
    e.at_ms(edge_at(1_055));
    e.put(&te.ack(ToServer))?;
    e.at_ms(edge_at(1_065));
    let f = e.put(&te.data(ToServer, &crate::stun::PSEUDO_TLS_CLIENT_HELLO))?;
    e.key(f, "pseudo-TLS ClientHello");
    // A middlebox between the NAT and the edge resets in the edge's name.
    c.at_ms(1_070);
    let f = c.put(&tc.forged_rst(ToClient, 250))?;
    c.key(f, "RST in the edge's name, never sent by the edge");
    let hello = crate::stun::pseudo_tls_server_hello(&[0x3c; 32], &[0xc3; 32]);
    e.at_ms(edge_at(1_075));
    let f = e.put(&te.data(ToClient, &hello))?;
    e.key(f, "the edge's ServerHello");
    c.at_ms(1_090);
    let f = c.put(&tc.data(ToClient, &hello))?;
    c.key(f, "the edge's ServerHello, after the RST");
    // A second allocation from UDP 50042 that never arrives, sent twice;
    // the edge keeps capturing: a Binding on the first allocation's flow
    // at 2.2 s reaches it and is answered.
    let lost = allocation(
        0x9c,
        "203.0.113.10:50602",
        "198.51.100.77:40024",
        "1.1.1.1:50704",
    );
    let (client2, edge_udp) = (at(VANTAGE_CLIENT, 50042), at(VANTAGE_EDGE, 3478));
    c.at_ms(1_200);
    let f = c.udp(client2, edge_udp, &lost.allocate())?;
    c.key(f, "Allocate from 50042, never reaches the edge");
    c.at_ms(1_700);
    let f = c.udp(client2, edge_udp, &lost.allocate())?;
    c.key(f, "its retransmission, lost too");
    let id = crate::stun::rfc_txid(0x9e);
    let binding = crate::stun::rfc(0x0001, &id, &[])
        .fingerprint(false)
        .bytes();
    let (client1, public1) = (at(VANTAGE_CLIENT, 50040), at(VANTAGE_NAT, 40022));
    let answer = crate::stun::rfc(
        0x0101,
        &id,
        &[crate::stun::addr_attr(0x0020, public1, Some(&id))],
    )
    .fingerprint(false)
    .bytes();
    c.at_ms(2_200);
    c.udp(client1, edge_udp, &binding)?;
    e.at_ms(edge_at(2_215));
    e.udp(public1, edge_udp, &binding)?;
    e.at_ms(edge_at(2_220));
    e.udp(edge_udp, public1, &answer)?;
    c.at_ms(2_236);
    c.udp(edge_udp, client1, &answer)?;
    Ok([c.finish()?, e.finish()?])
}

/// The outside capture's clock minus the inside one's: one hour (local
/// time) and 120 ms.
pub const EDGE_NAT_OFFSET_MS: i64 = 3_600_120;

/// Generates both sides of the edge's NAT: `(inside, outside)`.
pub fn edge_nat_pair() -> io::Result<[FieldCapture; 2]> {
    let mut i = Field::new("multi-edge-inside.pcap", 50_400, 1)?;
    let mut o = Field::new("multi-edge-outside.pcap", 50_400 + 3_600, 1)?;
    let out_at = |true_ms: i64| EDGE_NAT_OFFSET_MS - 3_600_000 + true_ms;
    let a = allocation(0x94, "2.2.2.2:58138", "203.0.113.50:61000", "1.1.1.1:50704");
    let remote = sa("203.0.113.50:61000");
    let (public, private) = (sa("2.2.2.2:3478"), at("10.3.0.40", 3478));
    // The allocation, 1 ms between the two sides of the NAT.
    o.at_ms(out_at(0));
    let f = o.udp(remote, public, &a.allocate())?;
    o.key(f, "anonymous Allocate to 2.2.2.2:3478");
    i.at_ms(1);
    let f = i.udp(remote, private, &a.allocate())?;
    i.key(f, "anonymous Allocate, forwarded to 10.3.0.40:3478");
    i.at_ms(5);
    i.udp(private, remote, &a.unauthorized())?;
    o.at_ms(out_at(6));
    o.udp(public, remote, &a.unauthorized())?;
    o.at_ms(out_at(20));
    o.udp(remote, public, &a.allocate_auth())?;
    i.at_ms(21);
    i.udp(remote, private, &a.allocate_auth())?;
    i.at_ms(25);
    let f = i.udp(private, remote, &a.success())?;
    i.key(f, "Allocate success: relayed 2.2.2.2:58138");
    o.at_ms(out_at(26));
    let f = o.udp(public, remote, &a.success())?;
    o.key(f, "Allocate success: relayed 2.2.2.2:58138");
    // The relay's check of the peer leaves the NAT from another port.
    let (relay, relay_out, peer) = (
        at("10.3.0.40", 58138),
        sa("2.2.2.2:61000"),
        sa("1.1.1.1:50704"),
    );
    let (lu, _) = FIELD_ICE_LOCAL;
    let (ru, rp) = FIELD_ICE_REMOTE;
    let check = ice_check(0x98, &format!("{ru}:{lu}"), rp, true);
    i.at_ms(500);
    let f = i.udp(relay, peer, &check)?;
    i.key(f, "MS-ICE2 check from relay port 58138");
    o.at_ms(out_at(501));
    let f = o.udp(relay_out, peer, &check)?;
    o.key(f, "the same check from 2.2.2.2:61000");
    let answer = ice_answer(0x98, relay_out, rp);
    o.at_ms(out_at(520));
    o.udp(peer, relay_out, &answer)?;
    i.at_ms(521);
    let f = i.udp(peer, relay, &answer)?;
    i.key(f, "its success: XOR-MAPPED 2.2.2.2:61000");
    Ok([i.finish()?, o.finish()?])
}
