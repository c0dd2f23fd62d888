//! Hand-built STUN and MS-TURN messages of the shapes an edge sees (RFC and
//! MS-TURN Allocate exchanges, errors, Send/Data indications, ChannelBind) and
//! in-memory pcap captures of packets, for tests of every layer.

use std::net::SocketAddr;

use crate::stun::Padding;
use crate::writer::{PcapOptions, PcapWriter};
use edgecap_capture::CaptureReader;
use edgecap_core::{LinkType, Timestamp};
use edgecap_proto::stun::{encode_address, MS_TURN_MAGIC};

pub use crate::stun::{build, channel_data, ms_frame, ms_txid, rfc4571, rfc_txid};

/// A socket address from text.
pub fn sa(s: &str) -> SocketAddr {
    s.parse().expect("socket address")
}

fn error_code(code: u16, reason: &str) -> Vec<u8> {
    crate::stun::error_code(code, reason)
}

/// RFC Binding request.
pub fn binding(n: u8) -> Vec<u8> {
    build(
        0x0001,
        &rfc_txid(n),
        &[(0x0024, vec![1, 2, 3, 4])],
        Padding::Padded,
    )
}

/// RFC anonymous Allocate request (REQUESTED-TRANSPORT UDP, SOFTWARE of odd length).
pub fn rfc_allocate(n: u8) -> Vec<u8> {
    let attrs = [(0x0019, vec![17, 0, 0, 0]), (0x8022, b"edge".to_vec())];
    build(0x0003, &rfc_txid(n), &attrs, Padding::Padded)
}

/// RFC authenticated Allocate request (USERNAME, REALM, NONCE, MESSAGE-INTEGRITY).
pub fn rfc_allocate_auth(n: u8) -> Vec<u8> {
    let attrs = [
        (0x0019, vec![17, 0, 0, 0]),
        (0x0006, b"alice".to_vec()),
        (0x0014, b"example.org".to_vec()),
        (0x0015, b"n0nce".to_vec()),
        (0x0008, vec![0xAA; 20]),
    ];
    build(0x0003, &rfc_txid(n), &attrs, Padding::Padded)
}

/// RFC Allocate 401 with REALM and NONCE.
pub fn rfc_401(n: u8) -> Vec<u8> {
    let attrs = [
        (0x0009, error_code(401, "Unauthorized")),
        (0x0014, b"example.org".to_vec()),
        (0x0015, b"n0nce".to_vec()),
    ];
    build(0x0113, &rfc_txid(n), &attrs, Padding::Padded)
}

/// RFC Allocate error with `code`.
pub fn rfc_alloc_error(n: u8, code: u16, reason: &str) -> Vec<u8> {
    build(
        0x0113,
        &rfc_txid(n),
        &[(0x0009, error_code(code, reason))],
        Padding::Padded,
    )
}

/// RFC Allocate success: relayed, reflexive, lifetime 600.
pub fn rfc_allocate_ok(n: u8, relayed: &str, mapped: &str) -> Vec<u8> {
    let t = rfc_txid(n);
    let attrs = [
        (0x0016, encode_address(sa(relayed), Some(&t))),
        (0x000D, 600u32.to_be_bytes().to_vec()),
        (0x0020, encode_address(sa(mapped), Some(&t))),
    ];
    build(0x0103, &t, &attrs, Padding::Padded)
}

/// RFC ChannelBind request.
pub fn rfc_channel_bind(n: u8, channel: u16, peer: &str) -> Vec<u8> {
    let t = rfc_txid(n);
    let attrs = [
        (0x000C, vec![(channel >> 8) as u8, channel as u8, 0, 0]),
        (0x0012, encode_address(sa(peer), Some(&t))),
    ];
    build(0x0009, &t, &attrs, Padding::Padded)
}

/// RFC success response of a method with raw type `typ`.
pub fn rfc_success(typ: u16, n: u8) -> Vec<u8> {
    build(typ, &rfc_txid(n), &[], Padding::Padded)
}

/// RFC Send indication to `peer`.
pub fn rfc_send(n: u8, peer: &str) -> Vec<u8> {
    let t = rfc_txid(n);
    let attrs = [
        (0x0012, encode_address(sa(peer), Some(&t))),
        (0x0013, vec![0x80, 0, 1, 2, 3]),
    ];
    build(0x0016, &t, &attrs, Padding::Padded)
}

fn magic() -> (u16, Vec<u8>) {
    (0x000F, MS_TURN_MAGIC.to_be_bytes().to_vec())
}

/// MS-TURN anonymous Allocate (MAGIC-COOKIE, MS-VERSION 2, LIFETIME).
pub fn ms_allocate(n: u8) -> Vec<u8> {
    let attrs = [
        magic(),
        (0x8008, 2u32.to_be_bytes().to_vec()),
        (0x000D, 3600u32.to_be_bytes().to_vec()),
    ];
    build(0x0003, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// MS-TURN authenticated Allocate (USERNAME, REALM 0x0015, NONCE 0x0014, MI).
pub fn ms_allocate_auth(n: u8) -> Vec<u8> {
    let attrs = [
        magic(),
        (0x8008, 2u32.to_be_bytes().to_vec()),
        (0x0006, vec![0x01, 0x02, 0x03]),
        (0x0015, b"\"rtcmedia\"".to_vec()),
        (0x0014, vec![0xAB; 20]),
        (0x0008, vec![0xCC; 20]),
    ];
    build(0x0003, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// MS-TURN 401 (REALM 0x0015, NONCE 0x0014), unpadded odd lengths.
pub fn ms_401(n: u8) -> Vec<u8> {
    let attrs = [
        magic(),
        (0x0009, error_code(401, "Unauthorized")),
        (0x0015, b"\"rtcmedia\"".to_vec()),
        (0x0014, vec![0xAB; 20]),
    ];
    build(0x0113, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// MS-TURN 436 Unknown User.
pub fn ms_436(n: u8) -> Vec<u8> {
    let reason = "The Username Supplied in the request is not known";
    build(
        0x0113,
        &ms_txid(n),
        &[magic(), (0x0009, error_code(436, reason))],
        Padding::Unpadded,
    )
}

/// MS-TURN Allocate success: MAPPED-ADDRESS = relayed, 0x8020 = reflexive.
pub fn ms_allocate_ok(n: u8, relayed: &str, mapped: &str) -> Vec<u8> {
    let t = ms_txid(n);
    let attrs = [
        magic(),
        (0x000D, 480u32.to_be_bytes().to_vec()),
        (0x0001, encode_address(sa(relayed), None)),
        (0x8020, encode_address(sa(mapped), Some(&t))),
    ];
    build(0x0103, &t, &attrs, Padding::Unpadded)
}

/// MS-TURN Send request (0x0004) to `dest` with DATA.
pub fn ms_send(n: u8, dest: &str) -> Vec<u8> {
    let attrs = [
        magic(),
        (0x0011, encode_address(sa(dest), None)),
        (0x0013, vec![0x80, 1, 2]),
    ];
    build(0x0004, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// MS-TURN Set Active Destination request.
pub fn ms_sad(n: u8, dest: &str) -> Vec<u8> {
    let attrs = [magic(), (0x0011, encode_address(sa(dest), None))];
    build(0x0006, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// MS-TURN Data Indication from `remote`.
pub fn ms_data_ind(n: u8, remote: &str) -> Vec<u8> {
    let attrs = [
        magic(),
        (0x0012, encode_address(sa(remote), None)),
        (0x0013, vec![0x80, 9]),
    ];
    build(0x0115, &ms_txid(n), &attrs, Padding::Unpadded)
}

/// A raw-IP pcap holding `packets`, one millisecond apart, as a reader.
pub fn capture(packets: &[Vec<u8>]) -> CaptureReader {
    let opts = PcapOptions {
        link: LinkType::RAW,
        ..PcapOptions::default()
    };
    let mut w = PcapWriter::new(Vec::new(), opts).expect("pcap header");
    for (i, p) in packets.iter().enumerate() {
        let ts = Timestamp(1_700_000_000_000_000_000 + i as i64 * 1_000_000);
        w.write_packet(ts, p, p.len() as u32).expect("write");
    }
    let bytes = w.into_inner().expect("flush");
    CaptureReader::new(Box::new(std::io::Cursor::new(bytes)), "test").expect("reader")
}
