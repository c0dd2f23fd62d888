//! Link-layer framing for synthetic IP packets: every link type edgecap
//! decodes (Ethernet with VLAN tags, Linux cooked v1/v2, raw IP, BSD
//! null/loop), plus non-IP Ethernet frames for negative tests.
//!
//! Ethernet frames are padded to the 60-byte minimum (IEEE 802.3 §3.2.8,
//! without the FCS) as a NIC would, so decoders are exercised against
//! trailing padding. MAC addresses are fixed locally administered ones.

use edgecap_capture::LinkType;
use edgecap_net::link::{AF_INET, ETHERTYPE_IPV4, ETHERTYPE_IPV6, ETHERTYPE_QINQ, ETHERTYPE_VLAN};

/// Every link type [`wrap`] supports (all the ones edgecap decodes).
pub const SUPPORTED: [LinkType; 10] = [
    LinkType::NULL,
    LinkType::ETHERNET,
    LinkType::RAW_12,
    LinkType::RAW_14,
    LinkType::RAW,
    LinkType::LOOP,
    LinkType::LINUX_SLL,
    LinkType::IPV4,
    LinkType::IPV6,
    LinkType::LINUX_SLL2,
];

/// Shortest Ethernet frame without the FCS; shorter frames are zero-padded.
pub const ETHERNET_MIN_LEN: usize = 60;
/// Source MAC of synthetic Ethernet frames.
pub const SRC_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
/// Destination MAC of synthetic Ethernet frames.
pub const DST_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
/// `AF_INET6` written by [`wrap`] for [`LinkType::NULL`] (macOS value).
pub const NULL_AF_INET6: u32 = 30;
/// `AF_INET6` written by [`wrap`] for [`LinkType::LOOP`] (OpenBSD value).
pub const LOOP_AF_INET6: u32 = 24;
/// Linux `ARPHRD_ETHER`, the device type written in SLL headers.
const ARPHRD_ETHER: u16 = 1;

/// Byte order of the address family in a null (DLT_NULL) header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteOrder {
    /// Little-endian (x86/ARM capturing hosts).
    Little,
    /// Big-endian (PowerPC, SPARC capturing hosts).
    Big,
}

/// Frames an IP packet for link type `link`; the IP version comes from the
/// packet's first nibble. NULL frames are little-endian.
///
/// # Panics
/// For a link type not in [`SUPPORTED`].
pub fn wrap(link: LinkType, ip: &[u8]) -> Vec<u8> {
    let v6 = ip.first().is_some_and(|b| b >> 4 == 6);
    match link {
        LinkType::ETHERNET => ethernet(ip_ethertype(ip), ip),
        LinkType::RAW_12 | LinkType::RAW_14 | LinkType::RAW | LinkType::IPV4 | LinkType::IPV6 => {
            ip.to_vec()
        }
        LinkType::LINUX_SLL => sll(ip_ethertype(ip), ip),
        LinkType::LINUX_SLL2 => sll2(ip_ethertype(ip), ip),
        LinkType::NULL => null(
            ByteOrder::Little,
            if v6 { NULL_AF_INET6 } else { AF_INET },
            ip,
        ),
        LinkType::LOOP => {
            let fam = if v6 { LOOP_AF_INET6 } else { AF_INET };
            prefixed(&fam.to_be_bytes(), ip)
        }
        other => panic!("crate::link::wrap: unsupported link type {other}"),
    }
}

/// The ethertype for an IP packet (IPv6 if the first nibble is 6, else IPv4).
pub fn ip_ethertype(ip: &[u8]) -> u16 {
    if ip.first().is_some_and(|b| b >> 4 == 6) {
        ETHERTYPE_IPV6
    } else {
        ETHERTYPE_IPV4
    }
}

/// An Ethernet II frame with `ethertype` and `payload`, padded to 60 bytes.
pub fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
    ethernet_tagged(&[], ethertype, payload)
}

/// An Ethernet frame carrying an IP packet under VLAN tags, outermost first:
/// the innermost tag is 802.1Q (0x8100), outer ones 802.1ad (0x88a8).
pub fn ethernet_with_vlans(vlans: &[u16], ip: &[u8]) -> Vec<u8> {
    let tags: Vec<(u16, u16)> = vlans
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let tpid = if i + 1 == vlans.len() {
                ETHERTYPE_VLAN
            } else {
                ETHERTYPE_QINQ
            };
            (tpid, id)
        })
        .collect();
    ethernet_tagged(&tags, ip_ethertype(ip), ip)
}

/// An Ethernet frame with explicit `(tag protocol id, VLAN id)` tags,
/// outermost first, then `ethertype` and `payload`; padded to 60 bytes.
pub fn ethernet_tagged(tags: &[(u16, u16)], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(14 + 4 * tags.len() + payload.len().max(46));
    f.extend_from_slice(&DST_MAC);
    f.extend_from_slice(&SRC_MAC);
    for &(tpid, vid) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&(vid & 0x0FFF).to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    if f.len() < ETHERNET_MIN_LEN {
        f.resize(ETHERNET_MIN_LEN, 0);
    }
    f
}

/// A Linux cooked v1 frame (16-byte header, protocol at offset 14).
pub fn sll(protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(16);
    h.extend_from_slice(&0u16.to_be_bytes()); // packet type: to us
    h.extend_from_slice(&ARPHRD_ETHER.to_be_bytes());
    h.extend_from_slice(&6u16.to_be_bytes()); // address length
    h.extend_from_slice(&SRC_MAC);
    h.extend_from_slice(&[0, 0]); // address padding
    h.extend_from_slice(&protocol.to_be_bytes());
    prefixed(&h, payload)
}

/// A Linux cooked v2 frame (20-byte header, protocol at offset 0).
pub fn sll2(protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::with_capacity(20);
    h.extend_from_slice(&protocol.to_be_bytes());
    h.extend_from_slice(&[0, 0]); // reserved
    h.extend_from_slice(&2u32.to_be_bytes()); // interface index
    h.extend_from_slice(&ARPHRD_ETHER.to_be_bytes());
    h.extend_from_slice(&[0, 6]); // packet type: to us; address length
    h.extend_from_slice(&SRC_MAC);
    h.extend_from_slice(&[0, 0]);
    prefixed(&h, payload)
}

/// A BSD null/loopback frame with address family `family` in `order`.
pub fn null(order: ByteOrder, family: u32, payload: &[u8]) -> Vec<u8> {
    let fam = match order {
        ByteOrder::Little => family.to_le_bytes(),
        ByteOrder::Big => family.to_be_bytes(),
    };
    prefixed(&fam, payload)
}

fn prefixed(header: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(header.len() + payload.len());
    f.extend_from_slice(header);
    f.extend_from_slice(payload);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ethernet_pads_short_frames() {
        assert_eq!(ethernet(0x0806, &[1; 28]).len(), 60);
        assert_eq!(ethernet(0x0800, &[1; 100]).len(), 114);
    }

    #[test]
    fn vlan_tags_outer_qinq_inner_dot1q() {
        let f = ethernet_with_vlans(&[100, 200], &[0x45; 50]);
        assert_eq!(&f[12..14], &[0x88, 0xA8]);
        assert_eq!(&f[14..16], &[0, 100]);
        assert_eq!(&f[16..18], &[0x81, 0x00]);
        assert_eq!(&f[18..20], &[0, 200]);
        assert_eq!(&f[20..22], &[0x08, 0x00]);
    }

    #[test]
    fn header_lengths() {
        let ip = [0x60; 40];
        assert_eq!(wrap(LinkType::LINUX_SLL, &ip).len(), 56);
        assert_eq!(wrap(LinkType::LINUX_SLL2, &ip).len(), 60);
        assert_eq!(&wrap(LinkType::LINUX_SLL2, &ip)[..2], &[0x86, 0xDD]);
        assert_eq!(&wrap(LinkType::NULL, &ip)[..4], &[30, 0, 0, 0]);
        assert_eq!(&wrap(LinkType::LOOP, &ip)[..4], &[0, 0, 0, 24]);
        assert_eq!(null(ByteOrder::Big, 2, &[]), vec![0, 0, 0, 2]);
    }

    #[test]
    #[should_panic(expected = "unsupported link type")]
    fn unsupported_link_type_panics() {
        wrap(LinkType(147), &[]);
    }
}
