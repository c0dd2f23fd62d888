//! Captures of the edge topologies and failures real captures add to the
//! lab picture (docs/field-cases.md, "What real captures add"), built with
//! the field-case helpers:
//!
//! * `topology-home-nat.pcap` — captured on a home user's PC behind NAT: an
//!   allocation on the Lync edge's public address (the external edge) and
//!   one on a cloud relay, both seeing the PC through its NAT.
//! * `field-relay-private.pcap` — captured on an edge's external interface
//!   behind a NAT: a remote user's allocation succeeds with a private
//!   relayed address.
//! * `field-nat-port-rewritten.pcap` — the NAT in front of the edge does not
//!   keep the relay port (the remote edge sees another port), and the remote
//!   edge's own NAT rewrote its relay port as well.
//! * `field-syn-retry-same-isn.pcap` — a Windows edge retries a refused SYN
//!   on the same tuple with the same initial sequence number, three times.
//! * `field-one-way-relay.pcap` — relayed media over MS-TURN TCP 443 goes
//!   toward the peer and nothing comes back.
//! * `field-injected-reset.pcap` — a TLS-enforcing firewall resets MS-TURN's
//!   pseudo-TLS on 443 in the edge's name.
//! * `ice-only.pcap` — ICE checks between two peers, no TURN: a host pair
//!   never answered, the server-reflexive pair succeeds and is nominated.
//! * `ice-failed.pcap` — ICE checks on every pair, none answered.
//! * `field-call-refused.pcap` — field case 1 with its signalling in clear:
//!   the allocation, the INVITE offering its relay candidate, the 200 OK
//!   whose 51007 media-debug names both relays, and the edge-to-edge TCP
//!   connection refused three times.

use super::field_cases::{
    allocation, at, ice_answer, ice_check, rtp, Field, FieldCapture, CLIENT, EDGE_EXT, EDGE_INT,
    FIELD_ICE_LOCAL, FIELD_ICE_REMOTE,
};
use crate::samples::sa;
use crate::stun::ms_frame;
use crate::TcpConversation;
use edgecap_net::Direction::{ToClient, ToServer};
use std::io;

/// `topology-home-nat.pcap`: the home PC 192.168.0.5 (public NAT address
/// 203.0.113.50) allocates on the edge's public address 198.51.100.9:3478
/// (relayed on that same address) and on a cloud relay 52.114.1.1:3478.
pub fn home_user_behind_nat() -> io::Result<FieldCapture> {
    let mut c = Field::new("topology-home-nat.pcap", 39_600, 2)?;
    let pc = "192.168.0.5";
    let edge = sa("198.51.100.9:3478");
    let a = allocation(
        0x80,
        "198.51.100.9:50600",
        "203.0.113.50:61000",
        "1.1.1.1:50704",
    );
    c.udp_allocation(
        &a,
        at(pc, 50040),
        edge,
        "Allocate success: relayed 198.51.100.9:50600, reflexive 203.0.113.50:61000",
    )?;
    c.at_ms(500);
    let cloud = sa("52.114.1.1:3478");
    let b = allocation(
        0x84,
        "52.114.1.1:50700",
        "203.0.113.50:61010",
        "1.1.1.1:50704",
    );
    c.udp_allocation(
        &b,
        at(pc, 50050),
        cloud,
        "cloud relay Allocate success: relayed 52.114.1.1:50700",
    )?;
    c.finish()
}

/// `field-relay-private.pcap`: on the edge's external interface 10.3.0.40
/// (behind a NAT), the remote user 203.0.113.50:61000 allocates and is
/// handed the private relayed address 10.3.0.40:52000.
pub fn relay_private() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-relay-private.pcap", 40_200, 2)?;
    let a = allocation(
        0x88,
        "10.3.0.40:52000",
        "203.0.113.50:61000",
        "1.1.1.1:50704",
    );
    c.udp_allocation(
        &a,
        sa("203.0.113.50:61000"),
        at(EDGE_EXT, 3478),
        "Allocate success: private relayed 10.3.0.40:52000",
    )?;
    c.finish()
}

/// `field-nat-port-rewritten.pcap`: the internal client allocates (relayed
/// 2.2.2.2:58160) and sets the remote edge 1.1.1.1:50720 as destination;
/// the edge's external interface checks from port 58160 and the remote edge
/// answers that it saw 2.2.2.2:61000; the remote edge's own checks arrive
/// from 1.1.1.1:61234 (its NAT rewrote 50720 too).
pub fn nat_port_rewritten() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-nat-port-rewritten.pcap", 40_800, 2)?;
    let client = at(CLIENT, 50260);
    let a = allocation(0x8c, "2.2.2.2:58160", "10.98.2.1:50260", "1.1.1.1:50720");
    c.udp_allocation(
        &a,
        client,
        at(EDGE_INT, 3478),
        "Allocate success: relayed 2.2.2.2:58160",
    )?;
    let f = c.udp(client, at(EDGE_INT, 3478), &a.set_active_destination())?;
    c.key(f, "Set Active Destination 1.1.1.1:50720");
    let f = c.udp(at(EDGE_INT, 3478), client, &a.sad_success())?;
    c.key(f, "its response");
    c.at_ms(1_000);
    let relay = at(EDGE_EXT, 58160);
    let (lu, lp) = FIELD_ICE_LOCAL;
    let (ru, rp) = FIELD_ICE_REMOTE;
    let f = c.udp(
        relay,
        sa("1.1.1.1:50720"),
        &ice_check(0x90, &format!("{ru}:{lu}"), rp, true),
    )?;
    c.key(f, "MS-ICE2 check from relay port 58160");
    let f = c.udp(
        sa("1.1.1.1:50720"),
        relay,
        &ice_answer(0x90, sa("2.2.2.2:61000"), rp),
    )?;
    c.key(f, "its success: XOR-MAPPED 2.2.2.2:61000, not 58160");
    let remote_nat = sa("1.1.1.1:61234");
    let f = c.udp(
        remote_nat,
        relay,
        &ice_check(0x91, &format!("{lu}:{ru}"), lp, false),
    )?;
    c.key(f, "remote edge's check from 1.1.1.1:61234");
    let f = c.udp(relay, remote_nat, &ice_answer(0x91, remote_nat, lp))?;
    c.key(f, "its success response");
    c.finish()
}

/// `field-syn-retry-same-isn.pcap`: the external edge 10.3.0.40 SYNs from
/// relay port 58138 to the remote edge 1.1.1.1:50704, is refused by RST,ACK
/// and retries twice on the same tuple with the same ISN, 0.5 s apart.
pub fn syn_retry_same_isn() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-syn-retry-same-isn.pcap", 41_400, 2)?;
    let (edge, remote) = (at(EDGE_EXT, 58138), sa("1.1.1.1:50704"));
    for (i, what) in [
        ["SYN", "RST,ACK"],
        ["SYN retry 1 (same ISN)", "RST,ACK"],
        ["SYN retry 2 (same ISN)", "RST,ACK"],
    ]
    .into_iter()
    .enumerate()
    {
        c.at_ms(500 * i as i64);
        c.refused(edge, remote, 0x6A00_0001, what)?;
    }
    c.finish()
}

/// `field-one-way-relay.pcap`: the client allocates over MS-TURN on TCP 443
/// (pseudo-TLS), sets 1.1.1.1:50730 as active destination and sends 12
/// data frames; nothing comes back.
pub fn one_way_relay() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-one-way-relay.pcap", 42_000, 2)?;
    let a = allocation(0x94, "2.2.2.2:58170", "10.98.2.1:50270", "1.1.1.1:50730");
    let mut t = TcpConversation::new(at(CLIENT, 50270), at(EDGE_INT, 443));
    c.handshake(&mut t)?;
    c.pseudo_tls(&mut t, 0x95)?;
    c.ms443_allocation(&mut t, &a, "Allocate success: relayed 2.2.2.2:58170")?;
    c.ms443(
        &mut t,
        ToServer,
        &a.set_active_destination(),
        "Set Active Destination 1.1.1.1:50730",
    )?;
    c.ms443(&mut t, ToClient, &a.sad_success(), "its response")?;
    for i in 0..12u16 {
        c.at_ms(1_000 + 200 * i64::from(i));
        let f = c.put(&t.data(ToServer, &ms_frame(3, &rtp(0x0A1B_2C3D, i))))?;
        if i == 0 || i == 11 {
            c.key(f, "relayed media frame toward the peer");
        }
    }
    c.finish()
}

/// `field-injected-reset.pcap`: the client opens TCP 443 to the internal
/// edge (every packet with TTL 64) and sends the pseudo-TLS ClientHello; a
/// firewall answers with a RST in the edge's name (TTL 250), and the edge's
/// real ServerHello arrives after it, then again 200 ms later (the client's
/// stack dropped the connection at the RST and never acknowledges it).
pub fn injected_reset() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-injected-reset.pcap", 42_600, 2)?;
    let (client, edge) = (at(CLIENT, 50290), at(EDGE_INT, 443));
    let mut t = TcpConversation::new(client, edge);
    c.handshake(&mut t)?;
    let f = c.put(&t.data(ToServer, &crate::stun::PSEUDO_TLS_CLIENT_HELLO))?;
    c.key(f, "pseudo-TLS ClientHello");
    let f = c.put(&t.forged_rst(ToClient, 250))?;
    c.key(f, "RST in the edge's name, TTL 250");
    let hello = crate::stun::pseudo_tls_server_hello(&[0x5a; 32], &[0xa5; 32]);
    let segment = t.data(ToClient, &hello);
    let f = c.put(&segment)?;
    c.key(f, "the edge's real ServerHello after the RST, TTL 64");
    c.at_ms(210);
    let f = c.put(&segment)?;
    c.key(f, "its retransmission");
    c.finish()
}

/// One ICE check from `from` to `to`, retransmitted `times` (same
/// transaction, RFC 5389 back-off from 100 ms), unanswered.
fn unanswered_check(
    c: &mut Field,
    from: std::net::SocketAddr,
    to: std::net::SocketAddr,
    msg: &[u8],
    times: u32,
    start_ms: i64,
) -> io::Result<()> {
    for i in 0..times {
        c.at_ms(start_ms + 100 * ((1i64 << i) - 1));
        let f = c.udp(from, to, msg)?;
        if i == 0 {
            c.key(f, "check never answered");
        }
    }
    Ok(())
}

/// `ice-only.pcap`: 192.168.1.20:50000 checks the peer's host candidate
/// 10.0.0.7:60000 (3 times, never answered) and its server-reflexive
/// candidate 198.51.100.7:60002: the peer's check arrives and is answered,
/// then the controlling side's check with USE-CANDIDATE succeeds.
pub fn ice_only() -> io::Result<FieldCapture> {
    let mut c = Field::new("ice-only.pcap", 43_200, 2)?;
    ice_only_checks(&mut c, 0)?;
    c.finish()
}

/// The checks of `ice-only.pcap`, starting `base_ms` into the capture.
fn ice_only_checks(c: &mut Field, base_ms: i64) -> io::Result<()> {
    let (lu, lp) = FIELD_ICE_LOCAL;
    let (ru, rp) = FIELD_ICE_REMOTE;
    let local = sa("192.168.1.20:50000");
    let (remote_host, remote_srflx) = (sa("10.0.0.7:60000"), sa("198.51.100.7:60002"));
    let host_check = ice_check(0xa0, &format!("{ru}:{lu}"), rp, false);
    unanswered_check(c, local, remote_host, &host_check, 3, base_ms)?;
    c.at_ms(base_ms + 400);
    let f = c.udp(
        remote_srflx,
        local,
        &ice_check(0xa1, &format!("{lu}:{ru}"), lp, false),
    )?;
    c.key(f, "the peer's check on the server-reflexive pair");
    let f = c.udp(local, remote_srflx, &ice_answer(0xa1, remote_srflx, lp))?;
    c.key(f, "its success");
    c.at_ms(base_ms + 420);
    let f = c.udp(
        local,
        remote_srflx,
        &ice_check(0xa2, &format!("{ru}:{lu}"), rp, true),
    )?;
    c.key(f, "check with USE-CANDIDATE");
    c.at_ms(base_ms + 432);
    let f = c.udp(
        remote_srflx,
        local,
        &ice_answer(0xa2, sa("203.0.113.20:50000"), rp),
    )?;
    c.key(f, "its success: the pair is nominated (RTT 12 ms)");
    Ok(())
}

/// A call whose ICE checks are those of `ice-only.pcap` (built in memory
/// for tests, not committed): 192.168.1.20 INVITEs 198.51.100.7 over UDP
/// 5060 offering its host candidate 192.168.1.20:50000 and a relay
/// candidate 203.0.113.50:40000 never checked; the 200 OK answers with the
/// host candidate 10.0.0.7:60000 and the server-reflexive
/// 198.51.100.7:60002; then the host pair is checked and never answered,
/// the server-reflexive pair succeeds and is nominated.
pub fn ice_call() -> io::Result<FieldCapture> {
    use crate::samples::sip::message;
    let mut c = Field::new("ice-call.pcap", 43_500, 2)?;
    let (caller, callee) = (sa("192.168.1.20:5060"), sa("198.51.100.7:5060"));
    let (lu, _) = FIELD_ICE_LOCAL;
    let (ru, _) = FIELD_ICE_REMOTE;
    let sdp = |ufrag: &str, ip: &str, candidates: &[&str]| {
        let mut l = vec![
            "v=0".to_string(),
            format!("o=- 0 0 IN IP4 {ip}"),
            "s=-".to_string(),
            format!("c=IN IP4 {ip}"),
            "t=0 0".to_string(),
            "m=audio 50000 RTP/AVP 0".to_string(),
            format!("a=ice-ufrag:{ufrag}"),
        ];
        l.extend(candidates.iter().map(|k| format!("a=candidate:{k}")));
        l.push(String::new());
        l.join("\r\n")
    };
    let headers = |cseq: &str, to_tag: &str| {
        vec![
            "Via: SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK-ice1".to_string(),
            "From: <sip:alice@example.com>;tag=caller1".to_string(),
            format!("To: <sip:bob@example.net>{to_tag}"),
            "Call-ID: ice-call-1@192.168.1.20".to_string(),
            format!("CSeq: {cseq}"),
            "Content-Type: application/sdp".to_string(),
        ]
    };
    let offer = sdp(
        lu,
        "192.168.1.20",
        &[
            "1 1 UDP 2130706431 192.168.1.20 50000 typ host",
            "2 1 UDP 16777215 203.0.113.50 40000 typ relay raddr 192.168.1.20 rport 50000",
        ],
    );
    let h = headers("1 INVITE", "");
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    let f = c.udp(
        caller,
        callee,
        &message("INVITE sip:bob@example.net SIP/2.0", &h, &offer),
    )?;
    c.key(f, "INVITE offering the host and a relay candidate");
    let answer = sdp(
        ru,
        "198.51.100.7",
        &[
            "1 1 UDP 2130706431 10.0.0.7 60000 typ host",
            "2 1 UDP 1694498815 198.51.100.7 60002 typ srflx raddr 10.0.0.7 rport 60000",
        ],
    );
    let h = headers("1 INVITE", ";tag=callee1");
    let h: Vec<&str> = h.iter().map(String::as_str).collect();
    c.at_ms(50);
    let f = c.udp(callee, caller, &message("SIP/2.0 200 OK", &h, &answer))?;
    c.key(
        f,
        "200 OK answering the host and server-reflexive candidates",
    );
    ice_only_checks(&mut c, 100)?;
    c.finish()
}

/// `ice-failed.pcap`: 192.168.1.20:50010 checks the peer's host candidate
/// 10.0.0.7:60010 and server-reflexive candidate 198.51.100.7:60012, each
/// sent 4 times, and nothing is ever answered.
pub fn ice_failed() -> io::Result<FieldCapture> {
    let mut c = Field::new("ice-failed.pcap", 43_800, 2)?;
    let (lu, _) = FIELD_ICE_LOCAL;
    let (ru, rp) = FIELD_ICE_REMOTE;
    let local = sa("192.168.1.20:50010");
    let user = format!("{ru}:{lu}");
    unanswered_check(
        &mut c,
        local,
        sa("10.0.0.7:60010"),
        &ice_check(0xa8, &user, rp, true),
        4,
        0,
    )?;
    unanswered_check(
        &mut c,
        local,
        sa("198.51.100.7:60012"),
        &ice_check(0xa9, &user, rp, true),
        4,
        2_000,
    )?;
    c.finish()
}

/// `field-call-refused.pcap`: 1–4 the client 10.98.2.1:50050 allocates on
/// the internal edge 10.3.0.34:3478 (relayed 2.2.2.2:58138); 5–7 TCP
/// handshake to the front end 10.10.10.1:5060, 8 the INVITE offering the
/// relay candidate 2.2.2.2:58138 TCP-PASS, 9 100 Trying, 10 the 200 OK with
/// ms-client-diagnostics 51007 (LocalMR 1.1.1.1:50704, RemoteMR
/// 2.2.2.2:58138), 11 ACK; 12–17 the external edge 10.3.0.40:58138 → the
/// remote edge 1.1.1.1:50704 refused three times (same ISN).
pub fn call_refused() -> io::Result<FieldCapture> {
    let mut c = Field::new("field-call-refused.pcap", 44_400, 2)?;
    let a = allocation(0xb0, "2.2.2.2:58138", "10.98.2.1:50050", "1.1.1.1:50704");
    c.udp_allocation(
        &a,
        at(CLIENT, 50050),
        at(EDGE_INT, 3478),
        "Allocate success: relayed 2.2.2.2:58138",
    )?;
    c.at_ms(500);
    let mut t = TcpConversation::new(at(CLIENT, 51647), sa("10.10.10.1:5060"));
    c.handshake(&mut t)?;
    let f = c.put(&t.data(ToServer, &crate::samples::sip::invite()))?;
    c.key(f, "INVITE with the relay candidate 2.2.2.2:58138");
    let f = c.put(&t.data(ToClient, &crate::samples::sip::trying()))?;
    c.key(f, "100 Trying");
    let f = c.put(&t.data(ToClient, &crate::samples::sip::ok_51007()))?;
    c.key(f, "200 OK, ms-client-diagnostics 51007 LocalMR/RemoteMR");
    c.put(&t.data(ToServer, &crate::samples::sip::ack()))?;
    let (edge, remote) = (at(EDGE_EXT, 58138), sa("1.1.1.1:50704"));
    for i in 0..3 {
        c.at_ms(1_000 + 500 * i);
        c.refused(edge, remote, 0x6B00_0001, ["SYN", "RST,ACK"])?;
    }
    c.finish()
}
