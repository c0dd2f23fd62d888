//! Link-layer headers: strips the link header of a frame (Ethernet with any
//! number of VLAN tags, PPPoE and MPLS inside Ethernet, Linux cooked v1/v2,
//! BSD null/loopback, raw IP) and says where the network-layer bytes start.
//!
//! This module owns only the link layer. It never looks inside the IP header
//! (apart from the version nibble on links that do not declare the version)
//! and never allocates. Invariant: the returned slice is always a sub-slice of
//! the frame, and a cut-short link header is [`LinkTruncated`], never a panic.

use edgecap_capture::LinkType;

/// Ethertype of IPv4 (IEEE 802 numbers, RFC 894).
pub const ETHERTYPE_IPV4: u16 = 0x0800;
/// Ethertype of IPv6 (RFC 2464).
pub const ETHERTYPE_IPV6: u16 = 0x86DD;
/// Ethertype of ARP (RFC 826); counted as non-IP.
pub const ETHERTYPE_ARP: u16 = 0x0806;
/// Ethertype of an IEEE 802.1Q customer VLAN tag.
pub const ETHERTYPE_VLAN: u16 = 0x8100;
/// Ethertype of an IEEE 802.1ad service VLAN tag (QinQ outer tag).
pub const ETHERTYPE_QINQ: u16 = 0x88A8;
/// Pre-standard QinQ outer tag ethertype used by some switches.
pub const ETHERTYPE_QINQ_9100: u16 = 0x9100;
/// Ethertype of a PPPoE session frame (RFC 2516 §4).
pub const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
/// Ethertype of MPLS unicast (RFC 3032 §5).
pub const ETHERTYPE_MPLS: u16 = 0x8847;
/// Ethertype of MPLS multicast (RFC 5332).
pub const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;

/// BSD `AF_INET`, the same on every platform.
pub const AF_INET: u32 = 2;
/// The values `AF_INET6` has on the platforms that write DLT_NULL captures:
/// Linux (10), NetBSD/OpenBSD (24), FreeBSD (28), macOS/iOS (30).
pub const AF_INET6_VALUES: [u32; 4] = [10, 24, 28, 30];

/// Length of an Ethernet II header (two MAC addresses and the ethertype).
pub const ETHERNET_HEADER_LEN: usize = 14;
/// Length of one VLAN tag (TCI and the inner ethertype).
pub const VLAN_TAG_LEN: usize = 4;
/// Length of a Linux cooked v1 header; the protocol is at offset 14.
pub const SLL_HEADER_LEN: usize = 16;
/// Length of a Linux cooked v2 header; the protocol is at offset 0.
pub const SLL2_HEADER_LEN: usize = 20;
/// Length of the null/loop address family field.
pub const NULL_HEADER_LEN: usize = 4;
/// Length of the PPPoE session header plus the PPP protocol field.
const PPPOE_HEADER_LEN: usize = 8;
/// PPP protocol number of IPv4 (RFC 1332).
const PPP_IPV4: u16 = 0x0021;
/// PPP protocol number of IPv6 (RFC 5072).
const PPP_IPV6: u16 = 0x0057;
/// Length of one MPLS label stack entry (RFC 3032 §2.1).
const MPLS_LABEL_LEN: usize = 4;

/// The network-layer content of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPayload<'a> {
    /// The link header declares IPv4.
    Ipv4(&'a [u8]),
    /// The link header declares IPv6.
    Ipv6(&'a [u8]),
    /// IP whose version the first nibble decides (raw IP links, MPLS).
    Ip(&'a [u8]),
    /// A well-formed frame that carries no IP (ARP, LLDP, 802.3 LLC, …).
    NotIp,
    /// A link type edgecap does not decode.
    Unsupported,
}

/// The link header is cut short: `needed` bytes were required, `have` present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkTruncated {
    /// Bytes the header needs.
    pub needed: usize,
    /// Bytes the frame has.
    pub have: usize,
}

/// Strips the link header of a frame with link type `link`.
pub fn strip(link: LinkType, data: &[u8]) -> Result<LinkPayload<'_>, LinkTruncated> {
    match link {
        LinkType::ETHERNET => ethernet(data),
        LinkType::RAW_12 | LinkType::RAW_14 | LinkType::RAW => Ok(LinkPayload::Ip(data)),
        LinkType::IPV4 => Ok(LinkPayload::Ipv4(data)),
        LinkType::IPV6 => Ok(LinkPayload::Ipv6(data)),
        LinkType::LINUX_SLL => {
            let proto = be16(data, 14, SLL_HEADER_LEN)?;
            ethertype(proto, rest(data, SLL_HEADER_LEN))
        }
        LinkType::LINUX_SLL2 => {
            let proto = be16(data, 0, SLL2_HEADER_LEN)?;
            ethertype(proto, rest(data, SLL2_HEADER_LEN))
        }
        LinkType::NULL => {
            let raw = family_bytes(data)?;
            // Written in the capturing host's byte order: accept either.
            let le = u32::from_le_bytes(raw);
            let be = u32::from_be_bytes(raw);
            let fam = if le <= 0xFFFF { le } else { be };
            Ok(family(fam, rest(data, NULL_HEADER_LEN)))
        }
        LinkType::LOOP => {
            let raw = family_bytes(data)?;
            Ok(family(u32::from_be_bytes(raw), rest(data, NULL_HEADER_LEN)))
        }
        _ => Ok(LinkPayload::Unsupported),
    }
}

/// Ethernet II: MAC addresses, then an ethertype that may be a chain of tags.
fn ethernet(data: &[u8]) -> Result<LinkPayload<'_>, LinkTruncated> {
    let proto = be16(data, 12, ETHERNET_HEADER_LEN)?;
    ethertype(proto, rest(data, ETHERNET_HEADER_LEN))
}

/// Dispatches on an ethertype, peeling VLAN tags (any number: each consumes
/// four bytes, so the frame length bounds the loop), PPPoE and MPLS.
fn ethertype(mut proto: u16, mut data: &[u8]) -> Result<LinkPayload<'_>, LinkTruncated> {
    loop {
        match proto {
            ETHERTYPE_IPV4 => return Ok(LinkPayload::Ipv4(data)),
            ETHERTYPE_IPV6 => return Ok(LinkPayload::Ipv6(data)),
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_9100 => {
                proto = be16(data, 2, VLAN_TAG_LEN)?;
                data = rest(data, VLAN_TAG_LEN);
            }
            ETHERTYPE_PPPOE_SESSION => return pppoe(data),
            ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => return mpls(data),
            _ => return Ok(LinkPayload::NotIp),
        }
    }
}

/// PPPoE session (RFC 2516 §4): the length field bounds the PPP payload, so
/// Ethernet padding after it is dropped.
fn pppoe(data: &[u8]) -> Result<LinkPayload<'_>, LinkTruncated> {
    let len = usize::from(be16(data, 4, PPPOE_HEADER_LEN)?);
    let ppp = be16(data, 6, PPPOE_HEADER_LEN)?;
    // The length covers the PPP protocol field (2 bytes) and the payload.
    let end = (6 + len).clamp(PPPOE_HEADER_LEN, data.len());
    let payload = data.get(PPPOE_HEADER_LEN..end).unwrap_or_default();
    Ok(match ppp {
        PPP_IPV4 => LinkPayload::Ipv4(payload),
        PPP_IPV6 => LinkPayload::Ipv6(payload),
        _ => LinkPayload::NotIp,
    })
}

/// MPLS label stack (RFC 3032 §2.1): skip entries up to bottom-of-stack, then
/// the payload's first nibble says IPv4, IPv6 or something else.
fn mpls(mut data: &[u8]) -> Result<LinkPayload<'_>, LinkTruncated> {
    loop {
        let bottom = data.get(2).ok_or(LinkTruncated {
            needed: MPLS_LABEL_LEN,
            have: data.len(),
        })? & 1
            == 1;
        if data.len() < MPLS_LABEL_LEN {
            return Err(LinkTruncated {
                needed: MPLS_LABEL_LEN,
                have: data.len(),
            });
        }
        data = rest(data, MPLS_LABEL_LEN);
        if bottom {
            return Ok(match data.first().map(|b| b >> 4) {
                Some(4) | Some(6) => LinkPayload::Ip(data),
                _ => LinkPayload::NotIp,
            });
        }
    }
}

/// Maps a BSD address family to the payload kind.
fn family(fam: u32, data: &[u8]) -> LinkPayload<'_> {
    if fam == AF_INET {
        LinkPayload::Ipv4(data)
    } else if AF_INET6_VALUES.contains(&fam) {
        LinkPayload::Ipv6(data)
    } else {
        LinkPayload::NotIp
    }
}

/// The four address-family bytes of a null/loop header.
fn family_bytes(data: &[u8]) -> Result<[u8; 4], LinkTruncated> {
    match data.get(..NULL_HEADER_LEN) {
        Some(&[a, b, c, d]) => Ok([a, b, c, d]),
        _ => Err(LinkTruncated {
            needed: NULL_HEADER_LEN,
            have: data.len(),
        }),
    }
}

/// A big-endian u16 at `at`, provided the header of `header_len` bytes fits.
fn be16(data: &[u8], at: usize, header_len: usize) -> Result<u16, LinkTruncated> {
    if data.len() < header_len {
        return Err(LinkTruncated {
            needed: header_len,
            have: data.len(),
        });
    }
    match data.get(at..at + 2) {
        Some(&[a, b]) => Ok(u16::from_be_bytes([a, b])),
        _ => Err(LinkTruncated {
            needed: header_len,
            have: data.len(),
        }),
    }
}

/// The bytes after the first `n` (empty if there are fewer).
fn rest(data: &[u8], n: usize) -> &[u8] {
    data.get(n..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP: &[u8] = &[
        0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
    ];

    #[test]
    fn every_supported_link_type_reaches_the_ip_bytes() {
        for link in edgecap_testkit::link::SUPPORTED {
            let frame = edgecap_testkit::link::wrap(link, IP);
            let got = strip(link, &frame).unwrap();
            let bytes = match got {
                LinkPayload::Ipv4(b) | LinkPayload::Ipv6(b) | LinkPayload::Ip(b) => b,
                other => panic!("{link}: {other:?}"),
            };
            assert_eq!(&bytes[..IP.len()], IP, "{link}");
        }
    }

    #[test]
    fn vlan_stacks_of_any_depth() {
        for tags in [&[][..], &[10], &[100, 200], &[1, 2, 3, 4]] {
            let frame = edgecap_testkit::link::ethernet_with_vlans(tags, IP);
            assert_eq!(
                strip(LinkType::ETHERNET, &frame),
                Ok(LinkPayload::Ipv4(&frame[14 + 4 * tags.len()..]))
            );
        }
    }

    #[test]
    fn null_accepts_both_byte_orders_and_all_inet6_values() {
        for fam in AF_INET6_VALUES {
            for frame in [fam.to_le_bytes(), fam.to_be_bytes()] {
                assert!(matches!(
                    strip(LinkType::NULL, &frame),
                    Ok(LinkPayload::Ipv6(_))
                ));
            }
        }
        assert!(matches!(
            strip(LinkType::LOOP, &24u32.to_be_bytes()),
            Ok(LinkPayload::Ipv6(_))
        ));
        assert_eq!(
            strip(LinkType::NULL, &7u32.to_le_bytes()),
            Ok(LinkPayload::NotIp)
        );
    }

    #[test]
    fn non_ip_and_unsupported() {
        let arp = edgecap_testkit::link::ethernet(ETHERTYPE_ARP, &[0; 28]);
        assert_eq!(strip(LinkType::ETHERNET, &arp), Ok(LinkPayload::NotIp));
        assert_eq!(strip(LinkType(147), &arp), Ok(LinkPayload::Unsupported));
    }

    #[test]
    fn pppoe_and_mpls() {
        let mut pppoe = vec![0x11, 0, 0, 1];
        pppoe.extend_from_slice(&((IP.len() + 2) as u16).to_be_bytes());
        pppoe.extend_from_slice(&PPP_IPV4.to_be_bytes());
        pppoe.extend_from_slice(IP);
        pppoe.extend_from_slice(&[0; 6]); // padding
        assert_eq!(
            ethertype(ETHERTYPE_PPPOE_SESSION, &pppoe),
            Ok(LinkPayload::Ipv4(IP))
        );
        let mut mpls = vec![0, 1, 0, 64, 0, 2, 1, 64];
        mpls.extend_from_slice(IP);
        assert_eq!(ethertype(ETHERTYPE_MPLS, &mpls), Ok(LinkPayload::Ip(IP)));
    }

    #[test]
    fn every_cut_of_a_link_header_is_reported() {
        for link in edgecap_testkit::link::SUPPORTED {
            let frame = edgecap_testkit::link::ethernet_with_vlans(&[5, 6], IP);
            let frame = if link == LinkType::ETHERNET {
                frame
            } else {
                edgecap_testkit::link::wrap(link, IP)
            };
            for cut in 0..frame.len() {
                let _ = strip(link, &frame[..cut]);
            }
        }
        assert_eq!(
            strip(LinkType::LINUX_SLL2, &[0; 19]),
            Err(LinkTruncated {
                needed: 20,
                have: 19
            })
        );
    }
}
