//! Plain and XOR-encoded transport addresses inside attribute values.
//!
//! Layout (RFC 5389 §15.1/§15.2, [MS-TURN] 2.2.2.1/2.2.2.16): reserved byte,
//! family (1 = IPv4, 2 = IPv6), 2-byte port, 4- or 16-byte address. XOR keys
//! follow the decoder rule of docs/protocols.md §3.2 in every dialect: header bytes
//! 4..8 for the port and IPv4 address, header bytes 4..20 for IPv6. This module
//! owns only that arithmetic; it returns typed errors and never panics.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Address family 0x01, IPv4 (RFC 5389 §15.1).
pub const FAMILY_IPV4: u8 = 0x01;
/// Address family 0x02, IPv6 (RFC 5389 §15.1).
pub const FAMILY_IPV6: u8 = 0x02;

/// Why an address value could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddrError {
    /// The value length does not fit the family (8 for IPv4, 20 for IPv6).
    BadLength,
    /// The family byte is neither 1 nor 2.
    BadFamily(u8),
}

/// Decode a plain (non-XOR) address value.
pub fn decode_plain(value: &[u8]) -> Result<SocketAddr, AddrError> {
    decode_with_key(value, None)
}

/// Decode an XOR address value; `key` is header bytes 4..20 (cookie ‖ txid in
/// RFC 5389, the 128-bit transaction id in MS-TURN / RFC 3489).
pub fn decode_xor(value: &[u8], key: &[u8; 16]) -> Result<SocketAddr, AddrError> {
    decode_with_key(value, Some(key))
}

fn decode_with_key(value: &[u8], key: Option<&[u8; 16]>) -> Result<SocketAddr, AddrError> {
    let (Some(&family), Some(port)) = (value.get(1), value.get(2..4)) else {
        return Err(AddrError::BadLength);
    };
    let k = key.copied().unwrap_or([0u8; 16]);
    let port = u16::from_be_bytes([port[0] ^ k[0], port[1] ^ k[1]]);
    let ip = match (family, value.len()) {
        (FAMILY_IPV4, 8) => {
            let mut a = [0u8; 4];
            for (i, b) in a.iter_mut().enumerate() {
                *b = value[4 + i] ^ k[i];
            }
            IpAddr::V4(Ipv4Addr::from(a))
        }
        (FAMILY_IPV6, 20) => {
            let mut a = [0u8; 16];
            for (i, b) in a.iter_mut().enumerate() {
                *b = value[4 + i] ^ k[i];
            }
            IpAddr::V6(Ipv6Addr::from(a))
        }
        (FAMILY_IPV4 | FAMILY_IPV6, _) => return Err(AddrError::BadLength),
        (other, _) => return Err(AddrError::BadFamily(other)),
    };
    Ok(SocketAddr::new(ip, port))
}

/// Encode an address value (plain when `key` is `None`); the inverse of the
/// decoders, used by tests and by synthetic-capture builders.
pub fn encode(addr: SocketAddr, key: Option<&[u8; 16]>) -> Vec<u8> {
    let k = key.copied().unwrap_or([0u8; 16]);
    let mut v = vec![0u8];
    let port = addr.port().to_be_bytes();
    let (family, ip): (u8, Vec<u8>) = match addr.ip() {
        IpAddr::V4(a) => (FAMILY_IPV4, a.octets().to_vec()),
        IpAddr::V6(a) => (FAMILY_IPV6, a.octets().to_vec()),
    };
    v.push(family);
    v.push(port[0] ^ k[0]);
    v.push(port[1] ^ k[1]);
    v.extend(ip.iter().enumerate().map(|(i, b)| b ^ k[i]));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_KEY: [u8; 16] = [
        0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf,
        0xae,
    ];

    #[test]
    fn rfc5769_xor_values() {
        let v4 = [0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43];
        assert_eq!(
            decode_xor(&v4, &RFC_KEY),
            Ok("192.0.2.1:32853".parse().expect("addr"))
        );
        let v6 = [
            0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa, 0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25,
            0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9,
        ];
        assert_eq!(
            decode_xor(&v6, &RFC_KEY),
            Ok("[2001:db8:1234:5678:11:2233:4455:6677]:32853"
                .parse()
                .expect("addr"))
        );
    }

    #[test]
    fn cookieless_key_protocols_3_5() {
        let mut key = [0u8; 16];
        key[..4].copy_from_slice(&[0x09, 0x16, 0x6f, 0x6b]);
        // X-Port 0x9556, X-Address 194.22.30.110.
        let v = [0x00, 0x01, 0x95, 0x56, 194, 22, 30, 110];
        assert_eq!(
            decode_xor(&v, &key),
            Ok("203.0.113.5:40000".parse().expect("addr"))
        );
    }

    #[test]
    fn plain_and_errors() {
        let v = [0x00, 0x01, 0x0d, 0x98, 0x34, 0x72, 0xfa, 0x8d];
        assert_eq!(
            decode_plain(&v),
            Ok("52.114.250.141:3480".parse().expect("addr"))
        );
        assert_eq!(decode_plain(&v[..7]), Err(AddrError::BadLength));
        assert_eq!(decode_plain(&[0, 1]), Err(AddrError::BadLength));
        let mut bad = v;
        bad[1] = 3;
        assert_eq!(decode_plain(&bad), Err(AddrError::BadFamily(3)));
        let mut v6_short = v.to_vec();
        v6_short[1] = 2;
        assert_eq!(decode_plain(&v6_short), Err(AddrError::BadLength));
    }

    #[test]
    fn encode_inverts_decode() {
        let a: SocketAddr = "[2001:db8::1]:5000".parse().expect("addr");
        assert_eq!(decode_xor(&encode(a, Some(&RFC_KEY)), &RFC_KEY), Ok(a));
        let b: SocketAddr = "10.0.0.1:3478".parse().expect("addr");
        assert_eq!(decode_plain(&encode(b, None)), Ok(b));
    }
}
