//! NetMon media types: what the network type of the file header (1.x, 2.0)
//! or of a record's trailer (2.1 and later) means for edgecap — a packet of
//! some link type, or a record that is not a packet.
//!
//! The mapping follows Wireshark's `wiretap/netmon.c`, which is what the
//! frame numbers must agree with: the NDIS media types 0–11 (where format
//! 2.x reuses some NDIS values), `0xE000 | LINKTYPE` for converted pcap
//! files, the Message Analyzer types `0xE080`–`0xE08A`, and the metadata
//! types `0xFFE0`–`0xFFFF`. Wireshark numbers a NetEvent (ETW event),
//! extended network info or filter record as a frame but silently passes
//! over payload-header, network-info and DNS-cache records; edgecap does the
//! same, so frame numbers stay equal. Where Wireshark stops reading (an
//! unknown media type), edgecap numbers the record, skips it and reads on.

use crate::LinkType;

/// An Event Tracing for Windows event (NetEvent).
const NETEVENT: u16 = 0xFFE0;
/// Extended network info (the adapters of the capture).
const NETWORK_INFO_EX: u16 = 0xFFFB;
/// Header of a frame NetMon built by reassembly.
const PAYLOAD_HEADER: u16 = 0xFFFC;
/// Network info (the adapters of the capture).
const NETWORK_INFO: u16 = 0xFFFD;
/// DNS cache (resolved addresses).
const DNS_CACHE: u16 = 0xFFFE;
/// A NetMon capture or display filter string.
const NETMON_FILTER: u16 = 0xFFFF;

/// pcap `LINKTYPE_IEEE802_5` (token ring).
const TOKEN_RING: LinkType = LinkType(6);
/// pcap `LINKTYPE_FDDI`.
const FDDI: LinkType = LinkType(10);
/// pcap `LINKTYPE_IEEE802_11` (802.11 without radio header).
const IEEE802_11: LinkType = LinkType(105);

/// What a record of some media type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// A packet of this link type.
    Packet(LinkType),
    /// Not returned, but numbered as a frame (Wireshark shows it as one).
    Numbered(&'static str),
    /// Not returned and not numbered (Wireshark passes over it).
    Unnumbered(&'static str),
}

impl Media {
    /// What media type `m` is; `known` is false for types Wireshark cannot
    /// read (it stops there), which resynchronisation does not trust.
    pub fn of(m: u16) -> (Media, bool) {
        use Media::{Numbered, Packet, Unnumbered};
        let unknown = (
            Numbered("records of a media type Wireshark does not read"),
            false,
        );
        match m {
            0 | 1 => (Packet(LinkType::ETHERNET), true),
            2 => (Packet(TOKEN_RING), true),
            3 => (Packet(FDDI), true),
            4 => (Numbered("ATM (NDIS WAN) records"), true),
            6 => (
                Numbered("NetMon 802.11 records (with their radio header)"),
                true,
            ),
            7..=9 => (Packet(LinkType::RAW), true),
            0xE080 => (Packet(IEEE802_11), true),
            0xE083..=0xE088 => (Numbered("Message Analyzer WFP records"), true),
            0xE081 | 0xE082 | 0xE089 | 0xE08A => unknown,
            _ if m & 0xF000 == 0xE000 => (Packet(LinkType(u32::from(m & 0x0FFF))), true),
            NETEVENT => (Numbered("NetEvent (ETW event) records"), true),
            NETWORK_INFO_EX => (Numbered("extended network info records"), true),
            NETMON_FILTER => (Numbered("NetMon filter records"), true),
            PAYLOAD_HEADER => (Unnumbered("payload header records"), true),
            NETWORK_INFO => (Unnumbered("network info records"), true),
            DNS_CACHE => (Unnumbered("DNS cache records"), true),
            _ => unknown,
        }
    }
}
