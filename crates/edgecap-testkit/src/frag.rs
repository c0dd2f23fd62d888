//! IP fragmentation of synthetic packets: split an IPv4 packet (RFC 791
//! §3.2) or an IPv6 packet (RFC 8200 §4.5) into fragments, or cut single
//! fragments with chosen offsets and bytes to build overlaps and duplicates.
//!
//! Offsets and lengths are in bytes of the original IP payload. Fragments are
//! returned in order; tests reorder, drop or duplicate them as they wish.

use super::checksum;

/// IPv6 Fragment header next-header value (RFC 8200 §4.5).
const IPV6_FRAG: u8 = 44;

/// Splits an IPv4 packet into fragments of at most `payload_per_fragment`
/// payload bytes (rounded down to a multiple of 8), keeping its identification.
///
/// # Panics
/// When `packet` is not an IPv4 packet with a valid header length, or when
/// `payload_per_fragment` is below 8.
pub fn ipv4(packet: &[u8], payload_per_fragment: usize) -> Vec<Vec<u8>> {
    let step = payload_per_fragment / 8 * 8;
    assert!(step >= 8, "fragments carry at least 8 bytes");
    let payload = &packet[ipv4_header_len(packet)..];
    let mut out = Vec::new();
    let mut off = 0;
    loop {
        let end = (off + step).min(payload.len());
        out.push(ipv4_fragment(
            packet,
            off,
            &payload[off..end],
            end < payload.len(),
        ));
        if end >= payload.len() {
            return out;
        }
        off = end;
    }
}

/// One IPv4 fragment of `packet` carrying `data` at byte `offset` of the
/// payload, with the More Fragments flag `more`. `data` may differ from the
/// packet's own bytes (to test overlaps with different content).
///
/// # Panics
/// When `packet` is not IPv4 or `offset` is not a multiple of 8.
pub fn ipv4_fragment(packet: &[u8], offset: usize, data: &[u8], more: bool) -> Vec<u8> {
    assert_eq!(offset % 8, 0, "fragment offsets are multiples of 8");
    let hl = ipv4_header_len(packet);
    let mut f = Vec::with_capacity(hl + data.len());
    f.extend_from_slice(&packet[..hl]);
    f.extend_from_slice(data);
    let total = f.len() as u16;
    f[2..4].copy_from_slice(&total.to_be_bytes());
    let flags_off = (u16::from(more) << 13) | (offset / 8) as u16;
    f[6..8].copy_from_slice(&flags_off.to_be_bytes());
    f[10..12].copy_from_slice(&[0, 0]);
    let sum = checksum::finish(checksum::sum(0, &f[..hl]));
    f[10..12].copy_from_slice(&sum.to_be_bytes());
    f
}

/// The IPv4 fragment of `packet` covering payload bytes `offset..offset+len`
/// (clipped to the payload), with More Fragments set unless it reaches the end.
pub fn ipv4_slice(packet: &[u8], offset: usize, len: usize) -> Vec<u8> {
    let payload = &packet[ipv4_header_len(packet)..];
    let end = (offset + len).min(payload.len());
    ipv4_fragment(packet, offset, &payload[offset..end], end < payload.len())
}

/// Splits an IPv6 packet into fragments of at most `payload_per_fragment`
/// bytes (rounded down to a multiple of 8) with identification `id`. The
/// whole payload after the 40-byte header (extension headers included) is
/// the fragmentable part.
///
/// # Panics
/// When `packet` is shorter than 40 bytes or `payload_per_fragment` is below 8.
pub fn ipv6(packet: &[u8], payload_per_fragment: usize, id: u32) -> Vec<Vec<u8>> {
    let step = payload_per_fragment / 8 * 8;
    assert!(step >= 8, "fragments carry at least 8 bytes");
    let next = packet[6];
    let payload = &packet[40..];
    let mut out = Vec::new();
    let mut off = 0;
    loop {
        let end = (off + step).min(payload.len());
        let more = end < payload.len();
        let mut f = Vec::with_capacity(48 + end - off);
        f.extend_from_slice(&packet[..40]);
        f[6] = IPV6_FRAG;
        f.extend_from_slice(&[next, 0]);
        f.extend_from_slice(&((off as u16) | u16::from(more)).to_be_bytes());
        f.extend_from_slice(&id.to_be_bytes());
        f.extend_from_slice(&payload[off..end]);
        let plen = (f.len() - 40) as u16;
        f[4..6].copy_from_slice(&plen.to_be_bytes());
        out.push(f);
        if !more {
            return out;
        }
        off = end;
    }
}

fn ipv4_header_len(packet: &[u8]) -> usize {
    assert!(
        packet.first().is_some_and(|b| b >> 4 == 4),
        "not an ipv4 packet"
    );
    let hl = usize::from(packet[0] & 0x0F) * 4;
    assert!(hl >= 20 && packet.len() >= hl, "bad ipv4 header length");
    hl
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::IpBuilder;

    #[test]
    fn ipv4_fragments_cover_the_payload() {
        let p = IpBuilder::v4([1, 1, 1, 1], [2, 2, 2, 2])
            .identification(99)
            .udp(1, 2, &[7; 100]);
        let frags = ipv4(&p, 50);
        assert_eq!(frags.len(), 3); // 108 payload bytes: 48 + 48 + 12
        let mut joined = Vec::new();
        for (i, f) in frags.iter().enumerate() {
            let h = etherparse::Ipv4HeaderSlice::from_slice(f).unwrap();
            assert_eq!(h.identification(), 99);
            assert_eq!(h.more_fragments(), i < 2);
            assert_eq!(
                usize::from(h.fragments_offset().byte_offset()),
                joined.len()
            );
            assert_eq!(h.header_checksum(), h.to_header().calc_header_checksum());
            joined.extend_from_slice(&f[20..]);
        }
        assert_eq!(joined, &p[20..]);
    }

    #[test]
    fn ipv6_fragments_carry_a_fragment_header() {
        let p = IpBuilder::v6([1; 16], [2; 16]).udp(1, 2, &[7; 100]);
        let frags = ipv6(&p, 64, 0xABCD);
        assert_eq!(frags.len(), 2);
        let h = etherparse::Ipv6FragmentHeaderSlice::from_slice(&frags[1][40..]).unwrap();
        assert_eq!(h.identification(), 0xABCD);
        assert_eq!(h.fragment_offset().byte_offset(), 64);
        assert!(!h.more_fragments());
    }
}
