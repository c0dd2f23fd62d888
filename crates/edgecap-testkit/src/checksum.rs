//! The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header sums
//! (RFC 9293 §3.1, RFC 768, RFC 8200 §8.1) for the synthetic builders.

use std::net::IpAddr;

/// One's-complement sum of `data` as big-endian 16-bit words, added to `acc`.
pub(crate) fn sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc = acc.wrapping_add(u32::from(u16::from_be_bytes([c[0], c[1]])));
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add(u32::from(*last) << 8);
    }
    acc
}

/// Folds a 32-bit sum to 16 bits and complements it.
pub(crate) fn finish(mut acc: u32) -> u16 {
    while acc > 0xFFFF {
        acc = (acc & 0xFFFF) + (acc >> 16);
    }
    !(acc as u16)
}

/// Checksum of `segment` (with its checksum field zero) under the pseudo-header
/// of `src`, `dst`, `protocol`.
pub(crate) fn transport(src: IpAddr, dst: IpAddr, protocol: u8, segment: &[u8]) -> u16 {
    let mut acc = match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => sum(sum(0, &s.octets()), &d.octets()),
        (IpAddr::V6(s), IpAddr::V6(d)) => sum(sum(0, &s.octets()), &d.octets()),
        _ => 0,
    };
    let len = segment.len() as u32;
    acc = acc.wrapping_add(len >> 16).wrapping_add(len & 0xFFFF);
    acc = acc.wrapping_add(u32::from(protocol));
    finish(sum(acc, segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example() {
        // RFC 1071 §3: 0001 f203 f4f5 f6f7 sums to ddf2, complement 220d.
        assert_eq!(
            finish(sum(0, &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])),
            0x220d
        );
    }
}
