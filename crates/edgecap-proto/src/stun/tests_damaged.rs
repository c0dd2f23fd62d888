//! Damaged attributes decoded like tshark 4.0: an attribute whose declared
//! length runs past the message keeps the value bytes that are there, and an
//! ERROR-CODE of 3 bytes still gives its class; the anomaly is kept.
//!
//! The oracle: the same bytes (a raw-IP pcap, UDP 3478) read by
//! `tshark -o stun.stunversion:Auto -T fields -e stun.att.type -e stun.att.port
//! -e stun.att.ipv4 -e stun.att.error.class -e stun.att.error`:
//!
//! | message | tshark |
//! | --- | --- |
//! | MAPPED-ADDRESS, length 0xFFFF, 8 value bytes | port 50040, ipv4 192.0.2.7 |
//! | XOR-MAPPED-ADDRESS, length 0xFFFF, 8 value bytes | port 50040, ipv4 192.0.2.7 |
//! | ERROR-CODE, length 3, `00 00 05` | error.class 5, no error number |
//! | ERROR-CODE, length 2, `00 05` | no class, no number |

use super::*;
use std::net::SocketAddr;

const TXID: [u8; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];

/// An RFC 5389 message of `typ` whose length field covers exactly `attrs`.
fn message(typ: u16, attrs: &[u8]) -> Vec<u8> {
    let mut b = typ.to_be_bytes().to_vec();
    b.extend((attrs.len() as u16).to_be_bytes());
    b.extend(0x2112_A442u32.to_be_bytes());
    b.extend(TXID);
    b.extend(attrs);
    b
}

fn ids(m: &StunMessage) -> Vec<&'static str> {
    m.anomalies.iter().map(|a| a.kind.id()).collect()
}

#[test]
fn address_declared_0xffff_long_decodes_from_the_bytes_present() {
    let want: SocketAddr = "192.0.2.7:50040".parse().unwrap();
    let mut plain = vec![0x00, 0x01, 0xFF, 0xFF, 0x00, 0x01];
    plain.extend(50040u16.to_be_bytes());
    plain.extend([192, 0, 2, 7]);
    let m = decode(&message(0x0101, &plain)).expect("decodes");
    assert_eq!(m.mapped_address(), Some(want));
    assert_eq!(ids(&m), vec!["stun.attr_overruns_message"]);
    assert_eq!(m.anomalies[0].attr_type, Some(0x0001));
    assert_eq!(m.attributes.len(), 1);
    assert_eq!(m.attributes[0].value_len(), 8, "the bytes present");

    let mut xor = vec![0x00, 0x20, 0xFF, 0xFF, 0x00, 0x01];
    xor.extend((50040u16 ^ 0x2112).to_be_bytes());
    xor.extend([192 ^ 0x21, 0x12, 2 ^ 0xA4, 7 ^ 0x42]);
    let m = decode(&message(0x0101, &xor)).expect("decodes");
    assert_eq!(m.xor_mapped_address(), Some(want));
    assert_eq!(ids(&m), vec!["stun.attr_overruns_message"]);
}

#[test]
fn overrunning_value_that_cannot_decode_is_dropped_with_the_anomaly() {
    // An IPv4 MAPPED-ADDRESS needs 8 bytes; only 5 are present.
    let m = decode(&message(
        0x0101,
        &[0x00, 0x01, 0xFF, 0xFF, 0, 1, 0xC3, 0x78, 192],
    ))
    .unwrap();
    assert_eq!(m.mapped_address(), None);
    assert!(m.attributes.is_empty());
    assert_eq!(ids(&m), vec!["stun.attr_overruns_message"]);
}

#[test]
fn three_byte_error_code_reads_its_class_like_tshark() {
    // ERROR-CODE length 3 (00 00 05) and one pad byte: tshark shows class 5.
    let m = decode(&message(0x0113, &[0x00, 0x09, 0x00, 0x03, 0, 0, 5, 0])).unwrap();
    assert_eq!(m.error().map(|e| e.code), Some(500));
    assert_eq!(ids(&m), vec!["stun.attr_bad_length"]);
    // Followed by SOFTWARE: still walked.
    let mut attrs = vec![0x00, 0x09, 0x00, 0x03, 0, 0, 5, 0];
    attrs.extend([0x80, 0x22, 0x00, 0x04, b'a', b'b', b'c', b'd']);
    let m = decode(&message(0x0113, &attrs)).unwrap();
    assert_eq!(m.error().map(|e| e.code), Some(500));
    assert_eq!(m.attributes.len(), 2);
}

#[test]
fn two_byte_error_code_has_no_code_like_tshark() {
    let m = decode(&message(0x0113, &[0x00, 0x09, 0x00, 0x02, 0, 5, 0, 0])).unwrap();
    assert_eq!(m.error(), None);
    assert_eq!(ids(&m), vec!["stun.attr_bad_length"]);
}
