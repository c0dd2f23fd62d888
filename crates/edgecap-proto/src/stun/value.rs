//! Typed attribute values and the per-kind value decoder.
//!
//! [`decode_value`] checks each value's length against its layout
//! (docs/protocols.md §2.2/§2.3) and returns a [`ValueError`] instead of guessing;
//! the message decoder turns that into an anomaly and stores
//! `AttrValue::Malformed`. Text and opaque values (USERNAME, REALM, NONCE,
//! SOFTWARE, DATA, …) are `AttrValue::Raw`: their bytes live in
//! `Attribute::raw`, unmodified.

use std::net::SocketAddr;

use super::address::{decode_plain, decode_xor, AddrError};
use super::attr::AttrKind;
use super::error_code::ErrorCode;
use super::wire::{be16, be32};

/// One entry of PASSWORD-ALGORITHM(S) (RFC 8489 §14.11/§14.12).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PasswordAlgorithm {
    /// 0x0001 MD5, 0x0002 SHA-256 (RFC 8489 §18.5).
    pub algorithm: u16,
    /// Algorithm parameters, unpadded.
    pub params: Box<[u8]>,
}

/// A typed attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    /// Text or opaque bytes; read `Attribute::raw`.
    Raw,
    /// A flag attribute with an empty value (DONT-FRAGMENT, USE-CANDIDATE).
    Empty,
    /// A plain transport address.
    Address(SocketAddr),
    /// An XOR-encoded transport address, already decoded.
    XorAddress(SocketAddr),
    /// A 16-bit number (CHANNEL-NUMBER, RESPONSE-PORT, BANDWIDTH-ACM type).
    U16(u16),
    /// A 32-bit number (LIFETIME, PRIORITY, MS-VERSION, FINGERPRINT, …).
    U32(u32),
    /// A 64-bit number (ICE tie-breakers, MS multiplexed session id, reservation token).
    U64(u64),
    /// An address family byte (REQUESTED-/ADDITIONAL-ADDRESS-FAMILY).
    Family(u8),
    /// EVEN-PORT: the R (reserve next) bit.
    EvenPort {
        /// Whether the next-higher port should be reserved.
        reserve: bool,
    },
    /// REQUESTED-TRANSPORT: IANA protocol number (17 UDP, 6 TCP).
    Transport(u8),
    /// ERROR-CODE.
    ErrorCode(ErrorCode),
    /// ADDRESS-ERROR-CODE (RFC 8656 §18.12).
    AddressErrorCode {
        /// The family the error is about.
        family: u8,
        /// The error.
        error: ErrorCode,
    },
    /// UNKNOWN-ATTRIBUTES: the listed attribute types.
    AttributeList(Vec<u16>),
    /// PASSWORD-ALGORITHM.
    PasswordAlgorithm(PasswordAlgorithm),
    /// PASSWORD-ALGORITHMS.
    PasswordAlgorithms(Vec<PasswordAlgorithm>),
    /// ICMP (RFC 8656 §18.13).
    Icmp {
        /// ICMP type.
        icmp_type: u8,
        /// ICMP code.
        code: u8,
        /// Error data.
        data: u32,
    },
    /// TRANSACTION_TRANSMIT_COUNTER (RFC 7982 §3).
    TransmitCounter {
        /// Request transmission count.
        request: u8,
        /// Response transmission count.
        response: u8,
    },
    /// GOOG-NETWORK-INFO.
    NetworkInfo {
        /// Network id.
        network_id: u16,
        /// Network cost.
        cost: u16,
    },
    /// MS-SEQUENCE-NUMBER: 20-byte connection id + sequence number.
    MsSequenceNumber {
        /// Connection id chosen by the server.
        connection_id: [u8; 20],
        /// Sequence number.
        sequence: u32,
    },
    /// MS-SERVICE-QUALITY ([MS-TURN] 2.2.2.22).
    MsServiceQuality {
        /// 1 audio, 2 video, 3 supplemental video, 4 data.
        stream_type: u16,
        /// 0 best effort, 1 reliable.
        quality: u16,
    },
    /// BANDWIDTH-RSV-AMOUNT ([MS-TURNBWM]): four 32-bit kbit/s values.
    BandwidthAmount {
        /// Minimum send bandwidth.
        min_send: u32,
        /// Maximum send bandwidth.
        max_send: u32,
        /// Minimum receive bandwidth.
        min_recv: u32,
        /// Maximum receive bandwidth.
        max_recv: u32,
    },
    /// *-SITE-*-RP ([MS-TURNBWM] 2.2.8): flags word, max send, max receive.
    SiteReservation {
        /// Bit 31 valid, bit 30 PSTN failover.
        flags: u32,
        /// Maximum send bandwidth.
        max_send: u32,
        /// Maximum receive bandwidth.
        max_recv: u32,
    },
    /// LOCATION-PROFILE ([MS-TURNBWM]).
    LocationProfile {
        /// Peer location (0 unknown, 1 internet, 2 intranet).
        peer: u8,
        /// Own location.
        own: u8,
        /// Federation (0 none, 1 enterprise, 2 public cloud).
        federation: u8,
    },
    /// The value could not be decoded; an anomaly says why.
    Malformed,
}

/// Why a value could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueError {
    /// The length is wrong for the attribute type.
    BadLength,
    /// An address family other than 1 or 2.
    BadFamily(u8),
}

impl From<AddrError> for ValueError {
    fn from(e: AddrError) -> Self {
        match e {
            AddrError::BadLength => ValueError::BadLength,
            AddrError::BadFamily(f) => ValueError::BadFamily(f),
        }
    }
}

fn exact<const N: usize>(v: &[u8]) -> Result<[u8; N], ValueError> {
    v.try_into().map_err(|_| ValueError::BadLength)
}

fn u32_of(v: &[u8]) -> Result<u32, ValueError> {
    exact::<4>(v).map(u32::from_be_bytes)
}

fn u64_of(v: &[u8]) -> Result<u64, ValueError> {
    exact::<8>(v).map(u64::from_be_bytes)
}

fn raw_if(ok: bool) -> Result<AttrValue, ValueError> {
    if ok {
        Ok(AttrValue::Raw)
    } else {
        Err(ValueError::BadLength)
    }
}

/// Parse the PASSWORD-ALGORITHM layout at the start of `v`; returns the entry
/// and the padded size it occupies (RFC 8489 §14.11).
fn password_algorithm(v: &[u8]) -> Option<(PasswordAlgorithm, usize)> {
    let algorithm = be16(v, 0)?;
    let plen = usize::from(be16(v, 2)?);
    let params = v.get(4..4 + plen)?;
    let used = 4 + plen + (4 - plen % 4) % 4;
    Some((
        PasswordAlgorithm {
            algorithm,
            params: params.into(),
        },
        used,
    ))
}

/// Decode the value of an attribute of `kind`; `key` is header bytes 4..20
/// (the XOR key of docs/protocols.md §3.2).
pub fn decode_value(kind: AttrKind, v: &[u8], key: &[u8; 16]) -> Result<AttrValue, ValueError> {
    use AttrKind as K;
    Ok(match kind {
        K::MappedAddress
        | K::MsRelayedAddress
        | K::ResponseAddress
        | K::SourceAddress
        | K::ChangedAddress
        | K::ReflectedFrom
        | K::MsAlternateServer
        | K::DestinationAddress
        | K::RemoteAddress
        | K::AlternateServer
        | K::ResponseOrigin
        | K::OtherAddress
        | K::MsAlternateMappedAddress => AttrValue::Address(decode_plain(v)?),
        K::XorPeerAddress
        | K::XorRelayedAddress
        | K::XorMappedAddress
        | K::RemoteSiteAddr
        | K::RemoteRelaySite
        | K::LocalSiteAddr
        | K::LocalRelaySite => AttrValue::XorAddress(decode_xor(v, key)?),
        K::ChangeRequest
        | K::Lifetime
        | K::MagicCookie
        | K::Bandwidth
        | K::Priority
        | K::ConnectionId
        | K::MsVersion
        | K::CacheTimeout
        | K::Fingerprint
        | K::MsImplementationVersion => AttrValue::U32(u32_of(v)?),
        K::IceControlled
        | K::IceControlling
        | K::MsMultiplexedTurnSessionId
        | K::ReservationToken => AttrValue::U64(u64_of(v)?),
        K::ChannelNumber | K::ResponsePort => {
            AttrValue::U16(u16::from_be_bytes(exact::<4>(v).map(|b| [b[0], b[1]])?))
        }
        K::BandwidthAcm => AttrValue::U16(u16::from_be_bytes(exact::<4>(v).map(|b| [b[2], b[3]])?)),
        K::RequestedAddressFamily | K::AdditionalAddressFamily => {
            AttrValue::Family(exact::<4>(v)?[0])
        }
        K::RequestedTransport => AttrValue::Transport(exact::<4>(v)?[0]),
        K::EvenPort => match v {
            [b] | [b, _, _, _] => AttrValue::EvenPort {
                reserve: b & 0x80 != 0,
            },
            _ => return Err(ValueError::BadLength),
        },
        K::DontFragment | K::UseCandidate => {
            if v.is_empty() {
                AttrValue::Empty
            } else {
                return Err(ValueError::BadLength);
            }
        }
        K::ErrorCode => AttrValue::ErrorCode(ErrorCode::decode(v).ok_or(ValueError::BadLength)?),
        K::AddressErrorCode => {
            let error = ErrorCode::decode(v).ok_or(ValueError::BadLength)?;
            AttrValue::AddressErrorCode {
                family: v[0],
                error,
            }
        }
        K::UnknownAttributes => {
            if v.len() % 2 != 0 {
                return Err(ValueError::BadLength);
            }
            AttrValue::AttributeList(
                v.chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect(),
            )
        }
        K::PasswordAlgorithm => {
            let (pa, _) = password_algorithm(v).ok_or(ValueError::BadLength)?;
            AttrValue::PasswordAlgorithm(pa)
        }
        K::PasswordAlgorithms => {
            let mut list = Vec::new();
            let mut rest = v;
            while !rest.is_empty() {
                let (pa, used) = password_algorithm(rest).ok_or(ValueError::BadLength)?;
                list.push(pa);
                rest = rest.get(used..).unwrap_or(&[]);
            }
            AttrValue::PasswordAlgorithms(list)
        }
        K::Icmp => {
            let b = exact::<8>(v)?;
            AttrValue::Icmp {
                icmp_type: b[2],
                code: b[3],
                data: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            }
        }
        K::TransactionTransmitCounter => {
            let b = exact::<4>(v)?;
            AttrValue::TransmitCounter {
                request: b[2],
                response: b[3],
            }
        }
        K::GoogNetworkInfo => {
            let b = exact::<4>(v)?;
            AttrValue::NetworkInfo {
                network_id: u16::from_be_bytes([b[0], b[1]]),
                cost: u16::from_be_bytes([b[2], b[3]]),
            }
        }
        K::MsSequenceNumber => {
            let b = exact::<24>(v)?;
            let mut connection_id = [0u8; 20];
            connection_id.copy_from_slice(&b[..20]);
            AttrValue::MsSequenceNumber {
                connection_id,
                sequence: u32::from_be_bytes([b[20], b[21], b[22], b[23]]),
            }
        }
        K::MsServiceQuality => {
            let b = exact::<4>(v)?;
            AttrValue::MsServiceQuality {
                stream_type: u16::from_be_bytes([b[0], b[1]]),
                quality: u16::from_be_bytes([b[2], b[3]]),
            }
        }
        K::BandwidthRsvAmount => {
            let b = exact::<16>(v)?;
            let w = |i: usize| be32(&b, i).unwrap_or(0);
            AttrValue::BandwidthAmount {
                min_send: w(0),
                max_send: w(4),
                min_recv: w(8),
                max_recv: w(12),
            }
        }
        K::RemoteSiteAddrRp | K::RemoteRelaySiteRp | K::LocalSiteAddrRp | K::LocalRelaySiteRp => {
            let b = exact::<12>(v)?;
            let w = |i: usize| be32(&b, i).unwrap_or(0);
            AttrValue::SiteReservation {
                flags: w(0),
                max_send: w(4),
                max_recv: w(8),
            }
        }
        K::LocationProfile => {
            let b = exact::<4>(v)?;
            AttrValue::LocationProfile {
                peer: b[0],
                own: b[1],
                federation: b[2],
            }
        }
        K::MessageIntegrity => raw_if(v.len() == 20 || v.len() == 32)?,
        K::MessageIntegritySha256 => raw_if((16..=32).contains(&v.len()) && v.len() % 4 == 0)?,
        K::Userhash => raw_if(v.len() == 32)?,
        K::BandwidthRsvId => raw_if(v.len() == 16)?,
        K::Username
        | K::Password
        | K::Data
        | K::Realm
        | K::Nonce
        | K::AccessToken
        | K::Padding
        | K::AlternateDomain
        | K::MsUnknown8006
        | K::Software
        | K::MsAlternateHostName
        | K::MsAppId
        | K::MsSecureTag
        | K::SipDialogId
        | K::SipCallId
        // [MS-ICE2] 2.2.2.3: the candidate's foundation, a variable-length
        // string (tshark `stun.att.ms.foundation`), not a 32-bit value.
        | K::MsCandidateIdentifier
        | K::Unknown(_) => AttrValue::Raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 16] = [
        0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ];

    #[test]
    fn numbers_and_lengths() {
        assert_eq!(
            decode_value(AttrKind::Lifetime, &[0, 0, 2, 0x58], &KEY),
            Ok(AttrValue::U32(600))
        );
        assert_eq!(
            decode_value(AttrKind::Lifetime, &[0, 0, 2], &KEY),
            Err(ValueError::BadLength)
        );
        assert_eq!(
            decode_value(AttrKind::ChannelNumber, &[0x40, 0x01, 0, 0], &KEY),
            Ok(AttrValue::U16(0x4001))
        );
        assert_eq!(
            decode_value(AttrKind::RequestedTransport, &[17, 0, 0, 0], &KEY),
            Ok(AttrValue::Transport(17))
        );
        assert_eq!(
            decode_value(AttrKind::EvenPort, &[0x80], &KEY),
            Ok(AttrValue::EvenPort { reserve: true })
        );
        assert_eq!(
            decode_value(AttrKind::DontFragment, &[1], &KEY),
            Err(ValueError::BadLength)
        );
        assert_eq!(
            decode_value(AttrKind::UnknownAttributes, &[0x80, 0x06, 0x00, 0x2F], &KEY),
            Ok(AttrValue::AttributeList(vec![0x8006, 0x002F]))
        );
        assert_eq!(
            decode_value(AttrKind::MsServiceQuality, &[0, 2, 0, 2], &KEY),
            Ok(AttrValue::MsServiceQuality {
                stream_type: 2,
                quality: 2
            })
        );
        assert_eq!(
            decode_value(
                AttrKind::MsMultiplexedTurnSessionId,
                &[0x7f, 0x20, 0xc4, 0xdd, 0x4f, 0x84, 0x8d, 0xfa],
                &KEY
            ),
            Ok(AttrValue::U64(0x7f20_c4dd_4f84_8dfa))
        );
        assert_eq!(
            decode_value(AttrKind::MessageIntegrity, &[0u8; 32], &KEY),
            Ok(AttrValue::Raw)
        );
        assert_eq!(
            decode_value(AttrKind::MessageIntegrity, &[0u8; 21], &KEY),
            Err(ValueError::BadLength)
        );
    }

    #[test]
    fn structured_values() {
        let mut seq = [7u8; 24];
        seq[20..].copy_from_slice(&[0, 0, 0, 5]);
        assert_eq!(
            decode_value(AttrKind::MsSequenceNumber, &seq, &KEY),
            Ok(AttrValue::MsSequenceNumber {
                connection_id: [7u8; 20],
                sequence: 5
            })
        );
        let algs = [0, 1, 0, 0, 0, 2, 0, 2, 0xAA, 0xBB, 0, 0];
        assert_eq!(
            decode_value(AttrKind::PasswordAlgorithms, &algs, &KEY),
            Ok(AttrValue::PasswordAlgorithms(vec![
                PasswordAlgorithm {
                    algorithm: 1,
                    params: Box::new([])
                },
                PasswordAlgorithm {
                    algorithm: 2,
                    params: Box::new([0xAA, 0xBB])
                },
            ]))
        );
        assert_eq!(
            decode_value(AttrKind::PasswordAlgorithms, &algs[..7], &KEY),
            Err(ValueError::BadLength)
        );
        assert_eq!(
            decode_value(AttrKind::MappedAddress, &[0, 9, 0, 1, 1, 2, 3, 4], &KEY),
            Err(ValueError::BadFamily(9))
        );
        assert_eq!(
            decode_value(AttrKind::Icmp, &[0, 0, 3, 1, 0, 0, 5, 0xDC], &KEY),
            Ok(AttrValue::Icmp {
                icmp_type: 3,
                code: 1,
                data: 1500
            })
        );
    }
}
