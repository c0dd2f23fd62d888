//! Frame → IP packet decoding: composes [`super::link`], [`super::ip`] and
//! [`super::defrag`], counts what it saw in [`NetStats`], and turns every
//! failure into a [`NetAnomaly`].
//!
//! Invariants: decoding never panics and never returns an error; a frame that
//! is not a complete IP packet yields `None`. Unfragmented packets are decoded
//! without allocating or hashing (the defragmenter is only touched by
//! fragments, plus one timestamp comparison per frame for expiry). A
//! reassembled datagram is returned at the frame of the fragment that
//! completed it, borrowing the defragmenter's buffer.

use super::defrag::{DefragLimits, DefragStats, Defragmenter};
use super::ip::{self, IpError, IpLayer, IpVersion};
use super::link::{self, LinkPayload};
use super::{NetAnomaly, NetAnomalyKind, Packet, Segment};
use edgecap_capture::{Frame, LinkType};
use std::net::IpAddr;

/// What the decoder has seen so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetStats {
    /// Frames seen.
    pub frames: u64,
    /// Frames per link type, sorted by link type number (unsupported ones included).
    pub link_types: Vec<(LinkType, u64)>,
    /// Frames of link types edgecap does not decode.
    pub unsupported_link: u64,
    /// Well-formed frames that carry no IP (ARP, LLDP, …).
    pub non_ip: u64,
    /// IPv4 packets and fragments with a well-formed IP header.
    pub ipv4: u64,
    /// IPv6 packets and fragments with a well-formed IP header.
    pub ipv6: u64,
    /// TCP packets delivered (reassembled ones included).
    pub tcp: u64,
    /// UDP packets delivered (reassembled ones included).
    pub udp: u64,
    /// IP packets of another protocol (ICMP, SCTP, ESP, …), delivered as
    /// `Segment::Other` or, for an ICMP destination-unreachable error,
    /// `Segment::IcmpError`.
    pub other_protocol: u64,
    /// Delivered packets whose payload the snaplen cut short.
    pub truncated: u64,
    /// Frames dropped as malformed (link header cut, bad IP or transport header).
    pub malformed: u64,
    /// Defragmentation counters.
    pub defrag: DefragStats,
}

impl NetStats {
    /// Frames seen with link type `link`.
    pub fn frames_of(&self, link: LinkType) -> u64 {
        self.link_types
            .iter()
            .find(|(l, _)| *l == link)
            .map_or(0, |(_, n)| *n)
    }

    fn count_link(&mut self, link: LinkType) -> bool {
        self.frames += 1;
        match self.link_types.binary_search_by_key(&link, |(l, _)| *l) {
            Ok(i) => {
                if let Some((_, n)) = self.link_types.get_mut(i) {
                    *n += 1;
                }
                false
            }
            Err(i) => {
                self.link_types.insert(i, (link, 1));
                true
            }
        }
    }

    fn count_ip(&mut self, src: IpAddr) {
        match src {
            IpAddr::V4(_) => self.ipv4 += 1,
            IpAddr::V6(_) => self.ipv6 += 1,
        }
    }

    fn count_delivered(&mut self, p: &Packet<'_>) {
        match p.segment {
            Segment::Tcp { .. } => self.tcp += 1,
            Segment::Udp { .. } => self.udp += 1,
            Segment::Other { .. } | Segment::IcmpError(_) => self.other_protocol += 1,
        }
        self.truncated += u64::from(p.truncated);
    }

    fn malformed<'a>(
        &mut self,
        frame: &Frame<'_>,
        e: IpError,
        anomalies: &mut Vec<NetAnomaly>,
    ) -> Option<Packet<'a>> {
        self.malformed += 1;
        anomalies.push(NetAnomaly {
            frame: frame.no,
            kind: e.kind,
            detail: e.detail,
        });
        None
    }
}

/// Decodes frames into IP packets, holding IPv4 fragments until they are complete.
#[derive(Default)]
pub struct NetDecoder {
    defrag: Defragmenter,
    stats: NetStats,
}

impl NetDecoder {
    /// A decoder with the default defragmentation limits.
    pub fn new() -> Self {
        NetDecoder::default()
    }

    /// A decoder with explicit defragmentation limits.
    pub fn with_limits(limits: DefragLimits) -> Self {
        NetDecoder {
            defrag: Defragmenter::new(limits),
            stats: NetStats::default(),
        }
    }

    /// What has been decoded so far.
    pub fn stats(&self) -> &NetStats {
        &self.stats
    }

    /// Ends the capture: reports datagrams still waiting for fragments as
    /// `FragmentTimeout` (at their first fragment's frame).
    pub fn finish(&mut self, anomalies: &mut Vec<NetAnomaly>) {
        self.defrag.finish(anomalies);
        self.stats.defrag = *self.defrag.stats();
    }

    /// Decodes one frame. Returns `None` for frames that carry no complete IP packet
    /// (non-IP, a fragment still waiting, or malformed: then an anomaly is pushed).
    pub fn decode<'a>(
        &'a mut self,
        frame: &Frame<'a>,
        anomalies: &mut Vec<NetAnomaly>,
    ) -> Option<Packet<'a>> {
        let first_of_link = self.stats.count_link(frame.link);
        self.defrag.expire(frame.ts, anomalies);
        let (bytes, expect) = match link::strip(frame.link, frame.data) {
            Ok(LinkPayload::Ipv4(b)) => (b, Some(IpVersion::V4)),
            Ok(LinkPayload::Ipv6(b)) => (b, Some(IpVersion::V6)),
            Ok(LinkPayload::Ip(b)) => (b, None),
            Ok(LinkPayload::NotIp) => {
                self.stats.non_ip += 1;
                return None;
            }
            Ok(LinkPayload::Unsupported) => {
                self.stats.unsupported_link += 1;
                if first_of_link {
                    anomalies.push(NetAnomaly {
                        frame: frame.no,
                        kind: NetAnomalyKind::UnsupportedLinkType,
                        detail: format!("link type {}", frame.link.0),
                    });
                }
                return None;
            }
            Err(t) => {
                self.stats.malformed += 1;
                anomalies.push(NetAnomaly {
                    frame: frame.no,
                    kind: NetAnomalyKind::LinkTruncated,
                    detail: format!(
                        "{} header needs {} bytes, {} present",
                        frame.link, t.needed, t.have
                    ),
                });
                return None;
            }
        };
        let fragment = match ip::parse(bytes, expect) {
            Ok(IpLayer::Packet(p)) => {
                self.stats.count_ip(p.src);
                self.stats.count_delivered(&p);
                return Some(p);
            }
            Ok(IpLayer::Fragment(f)) => {
                self.stats.count_ip(f.key.src);
                f
            }
            Err(e) => return self.stats.malformed(frame, e, anomalies),
        };
        // Split the borrow: the datagram borrows `defrag` for 'a while the
        // counters in `stats` are still updated.
        let NetDecoder { defrag, stats } = self;
        let completed = defrag.add(frame.no, frame.ts, &fragment, anomalies);
        stats.defrag = *defrag.stats();
        if !completed {
            return None;
        }
        let defrag: &'a Defragmenter = defrag;
        let r = defrag.last_completed()?;
        match ip::reassembled(&r.key, r.next_header, r.payload, r.truncated) {
            Ok(p) => {
                stats.count_delivered(&p);
                Some(p)
            }
            Err(e) => stats.malformed(frame, e, anomalies),
        }
    }
}

#[cfg(test)]
mod tests;
