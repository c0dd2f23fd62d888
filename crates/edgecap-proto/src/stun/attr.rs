//! The attribute type table: wire code → [`AttrKind`] by dialect, and names.
//!
//! Codes come from RFC 5389/8489, RFC 5766/8656, RFC 5780, RFC 6062, RFC 8445,
//! the IANA STUN registry, [MS-TURN] 2.2.2, [MS-ICE2] and [MS-TURNBWM]
//! (docs/protocols.md §2.2/§2.3). The table resolves the collisions of
//! docs/protocols.md §2.4: 0x0014/0x0015 are NONCE/REALM in MS-TURN and the
//! cookieless drafts, 0x0012 is the plain REMOTE-ADDRESS there and
//! XOR-PEER-ADDRESS in RFC 5766, 0x8020 is XOR-MAPPED-ADDRESS everywhere, and
//! 0x0001 in an MS-TURN Allocate success is the relayed address. Unknown codes
//! are `AttrKind::Unknown`, never errors.

use super::dialect::Dialect;
use super::message::StunMessage;
use super::msg_type::MessageType;
use super::value::{decode_value, AttrValue};

/// What an attribute means, resolved from (dialect, message type, wire code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttrKind {
    /// 0x0001 MAPPED-ADDRESS, plain (RFC 5389 §15.1).
    MappedAddress,
    /// 0x0001 in an MS-TURN Allocate success: the relayed address ([MS-TURN] 2.2.2.1).
    MsRelayedAddress,
    /// 0x0002 RESPONSE-ADDRESS (RFC 3489 §11.2.2, deprecated).
    ResponseAddress,
    /// 0x0003 CHANGE-REQUEST (RFC 3489 §11.2.4, RFC 5780 §7.2).
    ChangeRequest,
    /// 0x0004 SOURCE-ADDRESS (RFC 3489 §11.2.5, deprecated).
    SourceAddress,
    /// 0x0005 CHANGED-ADDRESS (RFC 3489 §11.2.3, deprecated).
    ChangedAddress,
    /// 0x0006 USERNAME (RFC 5389 §15.3; opaque in MS-TURN).
    Username,
    /// 0x0007 PASSWORD (RFC 3489 §11.2.7, deprecated).
    Password,
    /// 0x0008 MESSAGE-INTEGRITY (RFC 5389 §15.4; 32 bytes in MS-TURN v3+).
    MessageIntegrity,
    /// 0x0009 ERROR-CODE (RFC 5389 §15.6).
    ErrorCode,
    /// 0x000A UNKNOWN-ATTRIBUTES (RFC 5389 §15.9).
    UnknownAttributes,
    /// 0x000B REFLECTED-FROM (RFC 3489 §11.2.11, deprecated).
    ReflectedFrom,
    /// 0x000C CHANNEL-NUMBER (RFC 5766 §14.1).
    ChannelNumber,
    /// 0x000D LIFETIME (RFC 5766 §14.2).
    Lifetime,
    /// 0x000E MS ALTERNATE-SERVER, plain address ([MS-TURN] 2.2.2).
    MsAlternateServer,
    /// 0x000F MAGIC-COOKIE ([MS-TURN] 2.2.2.8).
    MagicCookie,
    /// 0x0010 BANDWIDTH in kbit/s ([MS-TURN] 2.2.2; reserved in RFC 5766).
    Bandwidth,
    /// 0x0011 DESTINATION-ADDRESS, plain ([MS-TURN] 2.2.2.10).
    DestinationAddress,
    /// 0x0012 XOR-PEER-ADDRESS (RFC 5766 §14.3), RFC dialect.
    XorPeerAddress,
    /// 0x0012 REMOTE-ADDRESS, plain ([MS-TURN] 2.2.2; docs/protocols.md §9.1), MS/classic dialects.
    RemoteAddress,
    /// 0x0013 DATA (RFC 5766 §14.4, [MS-TURN] 2.2.2).
    Data,
    /// REALM: 0x0014 in RFC 5389 §15.7, 0x0015 in MS-TURN ([MS-TURN] 2.2.2.14).
    Realm,
    /// NONCE: 0x0015 in RFC 5389 §15.8, 0x0014 in MS-TURN ([MS-TURN] 2.2.2).
    Nonce,
    /// 0x0016 XOR-RELAYED-ADDRESS (RFC 5766 §14.5).
    XorRelayedAddress,
    /// 0x0017 REQUESTED-ADDRESS-FAMILY (RFC 6156 §4.1.1, [MS-TURN] 2.2.2.15).
    RequestedAddressFamily,
    /// 0x0018 EVEN-PORT (RFC 5766 §14.6).
    EvenPort,
    /// 0x0019 REQUESTED-TRANSPORT (RFC 5766 §14.7).
    RequestedTransport,
    /// 0x001A DONT-FRAGMENT (RFC 5766 §14.8).
    DontFragment,
    /// 0x001B ACCESS-TOKEN (RFC 7635 §6.2).
    AccessToken,
    /// 0x001C MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6).
    MessageIntegritySha256,
    /// 0x001D PASSWORD-ALGORITHM (RFC 8489 §14.12).
    PasswordAlgorithm,
    /// 0x001E USERHASH (RFC 8489 §14.4).
    Userhash,
    /// XOR-MAPPED-ADDRESS: 0x0020 (RFC 5389 §15.2) or 0x8020 ([MS-TURN] 2.2.2.16).
    XorMappedAddress,
    /// 0x0022 RESERVATION-TOKEN (RFC 5766 §14.9).
    ReservationToken,
    /// 0x0024 PRIORITY (RFC 8445 §7.1.1).
    Priority,
    /// 0x0025 USE-CANDIDATE (RFC 8445 §7.1.2).
    UseCandidate,
    /// 0x0026 PADDING (RFC 5780 §7.6).
    Padding,
    /// 0x0027 RESPONSE-PORT (RFC 5780 §7.5).
    ResponsePort,
    /// 0x002A CONNECTION-ID (RFC 6062 §6.2.1).
    ConnectionId,
    /// 0x8000 ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11).
    AdditionalAddressFamily,
    /// 0x8001 ADDRESS-ERROR-CODE (RFC 8656 §18.12).
    AddressErrorCode,
    /// 0x8002 PASSWORD-ALGORITHMS (RFC 8489 §14.11).
    PasswordAlgorithms,
    /// 0x8003 ALTERNATE-DOMAIN (RFC 8489 §14.16).
    AlternateDomain,
    /// 0x8004 ICMP (RFC 8656 §18.13).
    Icmp,
    /// 0x8006, unnamed MS attribute seen in Teams (Wireshark "MS-TURN UNKNOWN 8006").
    MsUnknown8006,
    /// 0x8008 MS-VERSION ([MS-TURN] 2.2.2.17).
    MsVersion,
    /// 0x8022 SOFTWARE (RFC 5389 §15.10).
    Software,
    /// 0x8023 ALTERNATE-SERVER (RFC 5389 §15.11).
    AlternateServer,
    /// 0x8025 TRANSACTION_TRANSMIT_COUNTER (RFC 7982 §3).
    TransactionTransmitCounter,
    /// 0x8027 CACHE-TIMEOUT (RFC 5780 §7.7).
    CacheTimeout,
    /// 0x8028 FINGERPRINT (RFC 5389 §15.5).
    Fingerprint,
    /// 0x8029 ICE-CONTROLLED (RFC 8445 §7.1.3).
    IceControlled,
    /// 0x802A ICE-CONTROLLING (RFC 8445 §7.1.3).
    IceControlling,
    /// 0x802B RESPONSE-ORIGIN (RFC 5780 §7.3).
    ResponseOrigin,
    /// 0x802C OTHER-ADDRESS (RFC 5780 §7.4).
    OtherAddress,
    /// 0x8032 MS-ALTERNATE-HOST-NAME ([MS-TURN] 2.2.2).
    MsAlternateHostName,
    /// 0x8037 MS-APP-ID ([MS-TURN] 2.2.2).
    MsAppId,
    /// 0x8039 MS-SECURE-TAG ([MS-TURN] 2.2.2).
    MsSecureTag,
    /// 0x8050 MS-SEQUENCE-NUMBER ([MS-TURN] 2.2.2).
    MsSequenceNumber,
    /// 0x8054 MS-CANDIDATE-IDENTIFIER ([MS-ICE2]).
    MsCandidateIdentifier,
    /// 0x8055 MS-SERVICE-QUALITY ([MS-TURN] 2.2.2.22).
    MsServiceQuality,
    /// 0x8056 BANDWIDTH-ACM ([MS-TURNBWM]).
    BandwidthAcm,
    /// 0x8057 BANDWIDTH-RSV-ID ([MS-TURNBWM]).
    BandwidthRsvId,
    /// 0x8058 BANDWIDTH-RSV-AMOUNT ([MS-TURNBWM]).
    BandwidthRsvAmount,
    /// 0x8059 REMOTE-SITE-ADDR, XOR ([MS-TURNBWM]).
    RemoteSiteAddr,
    /// 0x805A REMOTE-RELAY-SITE, XOR ([MS-TURNBWM]).
    RemoteRelaySite,
    /// 0x805B LOCAL-SITE-ADDR, XOR ([MS-TURNBWM] 2.2.6).
    LocalSiteAddr,
    /// 0x805C LOCAL-RELAY-SITE, XOR ([MS-TURNBWM]).
    LocalRelaySite,
    /// 0x805D REMOTE-SITE-ADDR-RP ([MS-TURNBWM] 2.2.8).
    RemoteSiteAddrRp,
    /// 0x805E REMOTE-RELAY-SITE-RP ([MS-TURNBWM]).
    RemoteRelaySiteRp,
    /// 0x805F LOCAL-SITE-ADDR-RP ([MS-TURNBWM]).
    LocalSiteAddrRp,
    /// 0x8060 LOCAL-RELAY-SITE-RP ([MS-TURNBWM] 2.2.11).
    LocalRelaySiteRp,
    /// 0x8061 SIP-DIALOG-ID ([MS-TURNBWM]).
    SipDialogId,
    /// 0x8062 SIP-CALL-ID ([MS-TURNBWM]).
    SipCallId,
    /// 0x8068 LOCATION-PROFILE ([MS-TURNBWM]).
    LocationProfile,
    /// 0x8070 MS-IMPLEMENTATION-VERSION ([MS-ICE2]).
    MsImplementationVersion,
    /// 0x8090 MS-ALTERNATE-MAPPED-ADDRESS, plain ([MS-TURN] 2.2.2.23).
    MsAlternateMappedAddress,
    /// 0x8095 MS-MULTIPLEXED-TURN-SESSION-ID ([MS-TURN] 2.2.2).
    MsMultiplexedTurnSessionId,
    /// 0xC057 GOOG-NETWORK-INFO (WebRTC).
    GoogNetworkInfo,
    /// Any other code, kept as raw bytes.
    Unknown(u16),
}

impl AttrKind {
    /// Resolve a wire code for a message of `dialect` and type `msg_type`.
    pub fn resolve(typ: u16, dialect: Dialect, msg_type: &MessageType) -> AttrKind {
        let legacy = matches!(dialect, Dialect::MsTurn | Dialect::Rfc3489);
        match typ {
            0x0001 if dialect == Dialect::MsTurn && msg_type.is_allocate_success() => {
                AttrKind::MsRelayedAddress
            }
            0x0012 if legacy => AttrKind::RemoteAddress,
            0x0012 => AttrKind::XorPeerAddress,
            0x0014 if legacy => AttrKind::Nonce,
            0x0014 => AttrKind::Realm,
            0x0015 if legacy => AttrKind::Realm,
            0x0015 => AttrKind::Nonce,
            other => AttrKind::from_code(other),
        }
    }

    /// Dialect-independent codes (everything but 0x0001/0x0012/0x0014/0x0015's
    /// dialect-dependent meanings, for which this returns the RFC meaning).
    fn from_code(typ: u16) -> AttrKind {
        use AttrKind::*;
        match typ {
            0x0001 => MappedAddress,
            0x0002 => ResponseAddress,
            0x0003 => ChangeRequest,
            0x0004 => SourceAddress,
            0x0005 => ChangedAddress,
            0x0006 => Username,
            0x0007 => Password,
            0x0008 => MessageIntegrity,
            0x0009 => ErrorCode,
            0x000A => UnknownAttributes,
            0x000B => ReflectedFrom,
            0x000C => ChannelNumber,
            0x000D => Lifetime,
            0x000E => MsAlternateServer,
            0x000F => MagicCookie,
            0x0010 => Bandwidth,
            0x0011 => DestinationAddress,
            0x0012 => XorPeerAddress,
            0x0013 => Data,
            0x0014 => Realm,
            0x0015 => Nonce,
            0x0016 => XorRelayedAddress,
            0x0017 => RequestedAddressFamily,
            0x0018 => EvenPort,
            0x0019 => RequestedTransport,
            0x001A => DontFragment,
            0x001B => AccessToken,
            0x001C => MessageIntegritySha256,
            0x001D => PasswordAlgorithm,
            0x001E => Userhash,
            0x0020 | 0x8020 => XorMappedAddress,
            0x0022 => ReservationToken,
            0x0024 => Priority,
            0x0025 => UseCandidate,
            0x0026 => Padding,
            0x0027 => ResponsePort,
            0x002A => ConnectionId,
            0x8000 => AdditionalAddressFamily,
            0x8001 => AddressErrorCode,
            0x8002 => PasswordAlgorithms,
            0x8003 => AlternateDomain,
            0x8004 => Icmp,
            0x8006 => MsUnknown8006,
            0x8008 => MsVersion,
            0x8022 => Software,
            0x8023 => AlternateServer,
            0x8025 => TransactionTransmitCounter,
            0x8027 => CacheTimeout,
            0x8028 => Fingerprint,
            0x8029 => IceControlled,
            0x802A => IceControlling,
            0x802B => ResponseOrigin,
            0x802C => OtherAddress,
            0x8032 => MsAlternateHostName,
            0x8037 => MsAppId,
            0x8039 => MsSecureTag,
            0x8050 => MsSequenceNumber,
            0x8054 => MsCandidateIdentifier,
            0x8055 => MsServiceQuality,
            0x8056 => BandwidthAcm,
            0x8057 => BandwidthRsvId,
            0x8058 => BandwidthRsvAmount,
            0x8059 => RemoteSiteAddr,
            0x805A => RemoteRelaySite,
            0x805B => LocalSiteAddr,
            0x805C => LocalRelaySite,
            0x805D => RemoteSiteAddrRp,
            0x805E => RemoteRelaySiteRp,
            0x805F => LocalSiteAddrRp,
            0x8060 => LocalRelaySiteRp,
            0x8061 => SipDialogId,
            0x8062 => SipCallId,
            0x8068 => LocationProfile,
            0x8070 => MsImplementationVersion,
            0x8090 => MsAlternateMappedAddress,
            0x8095 => MsMultiplexedTurnSessionId,
            0xC057 => GoogNetworkInfo,
            other => Unknown(other),
        }
    }

    /// The name used in reports (IANA / MS spec spelling).
    pub fn name(self) -> &'static str {
        use AttrKind::*;
        match self {
            MappedAddress => "MAPPED-ADDRESS",
            MsRelayedAddress => "MAPPED-ADDRESS (relayed)",
            ResponseAddress => "RESPONSE-ADDRESS",
            ChangeRequest => "CHANGE-REQUEST",
            SourceAddress => "SOURCE-ADDRESS",
            ChangedAddress => "CHANGED-ADDRESS",
            Username => "USERNAME",
            Password => "PASSWORD",
            MessageIntegrity => "MESSAGE-INTEGRITY",
            ErrorCode => "ERROR-CODE",
            UnknownAttributes => "UNKNOWN-ATTRIBUTES",
            ReflectedFrom => "REFLECTED-FROM",
            ChannelNumber => "CHANNEL-NUMBER",
            Lifetime => "LIFETIME",
            MsAlternateServer => "ALTERNATE-SERVER (MS)",
            MagicCookie => "MAGIC-COOKIE",
            Bandwidth => "BANDWIDTH",
            DestinationAddress => "DESTINATION-ADDRESS",
            XorPeerAddress => "XOR-PEER-ADDRESS",
            RemoteAddress => "REMOTE-ADDRESS",
            Data => "DATA",
            Realm => "REALM",
            Nonce => "NONCE",
            XorRelayedAddress => "XOR-RELAYED-ADDRESS",
            RequestedAddressFamily => "REQUESTED-ADDRESS-FAMILY",
            EvenPort => "EVEN-PORT",
            RequestedTransport => "REQUESTED-TRANSPORT",
            DontFragment => "DONT-FRAGMENT",
            AccessToken => "ACCESS-TOKEN",
            MessageIntegritySha256 => "MESSAGE-INTEGRITY-SHA256",
            PasswordAlgorithm => "PASSWORD-ALGORITHM",
            Userhash => "USERHASH",
            XorMappedAddress => "XOR-MAPPED-ADDRESS",
            ReservationToken => "RESERVATION-TOKEN",
            Priority => "PRIORITY",
            UseCandidate => "USE-CANDIDATE",
            Padding => "PADDING",
            ResponsePort => "RESPONSE-PORT",
            ConnectionId => "CONNECTION-ID",
            AdditionalAddressFamily => "ADDITIONAL-ADDRESS-FAMILY",
            AddressErrorCode => "ADDRESS-ERROR-CODE",
            PasswordAlgorithms => "PASSWORD-ALGORITHMS",
            AlternateDomain => "ALTERNATE-DOMAIN",
            Icmp => "ICMP",
            MsUnknown8006 => "MS-UNKNOWN-8006",
            MsVersion => "MS-VERSION",
            Software => "SOFTWARE",
            AlternateServer => "ALTERNATE-SERVER",
            TransactionTransmitCounter => "TRANSACTION-TRANSMIT-COUNTER",
            CacheTimeout => "CACHE-TIMEOUT",
            Fingerprint => "FINGERPRINT",
            IceControlled => "ICE-CONTROLLED",
            IceControlling => "ICE-CONTROLLING",
            ResponseOrigin => "RESPONSE-ORIGIN",
            OtherAddress => "OTHER-ADDRESS",
            MsAlternateHostName => "MS-ALTERNATE-HOST-NAME",
            MsAppId => "MS-APP-ID",
            MsSecureTag => "MS-SECURE-TAG",
            MsSequenceNumber => "MS-SEQUENCE-NUMBER",
            MsCandidateIdentifier => "MS-CANDIDATE-IDENTIFIER",
            MsServiceQuality => "MS-SERVICE-QUALITY",
            BandwidthAcm => "BANDWIDTH-ACM",
            BandwidthRsvId => "BANDWIDTH-RSV-ID",
            BandwidthRsvAmount => "BANDWIDTH-RSV-AMOUNT",
            RemoteSiteAddr => "REMOTE-SITE-ADDR",
            RemoteRelaySite => "REMOTE-RELAY-SITE",
            LocalSiteAddr => "LOCAL-SITE-ADDR",
            LocalRelaySite => "LOCAL-RELAY-SITE",
            RemoteSiteAddrRp => "REMOTE-SITE-ADDR-RP",
            RemoteRelaySiteRp => "REMOTE-RELAY-SITE-RP",
            LocalSiteAddrRp => "LOCAL-SITE-ADDR-RP",
            LocalRelaySiteRp => "LOCAL-RELAY-SITE-RP",
            SipDialogId => "SIP-DIALOG-ID",
            SipCallId => "SIP-CALL-ID",
            LocationProfile => "LOCATION-PROFILE",
            MsImplementationVersion => "MS-IMPLEMENTATION-VERSION",
            MsAlternateMappedAddress => "MS-ALTERNATE-MAPPED-ADDRESS",
            MsMultiplexedTurnSessionId => "MS-MULTIPLEXED-TURN-SESSION-ID",
            GoogNetworkInfo => "GOOG-NETWORK-INFO",
            Unknown(_) => "UNKNOWN",
        }
    }
}

/// One decoded attribute: where it sits in its message and what its code
/// means. The value bytes are not copied: they live once in the message
/// ([`StunMessage::bytes`]) and [`Attribute::raw`] slices them; the typed
/// value is decoded from them on demand by [`Attribute::value`] (strings,
/// opaque values and the 0x0012 dialect ambiguity of docs/protocols.md §9.1 need
/// the raw bytes, so they are always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// The type code as on the wire.
    pub typ: u16,
    /// What the code means in this message's dialect.
    pub kind: AttrKind,
    /// Offset of the TLV header from the start of the message.
    offset: u32,
    /// Length of the value, without padding (the TLV length field).
    len: u16,
}

impl Attribute {
    /// An attribute of type `typ` / `kind` whose TLV header is at `offset` of
    /// its message and whose value is `len` bytes long.
    pub(super) fn new(typ: u16, kind: AttrKind, offset: usize, len: usize) -> Attribute {
        Attribute {
            typ,
            kind,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
            len: u16::try_from(len).unwrap_or(u16::MAX),
        }
    }

    /// Offset of the TLV header from the start of the message.
    pub fn offset(&self) -> usize {
        self.offset as usize
    }

    /// Length of the value in bytes, without padding.
    pub fn value_len(&self) -> usize {
        usize::from(self.len)
    }

    /// The value bytes as on the wire, without padding, read from `msg`, the
    /// message this attribute belongs to (empty for any other message that is
    /// too short).
    pub fn raw<'m>(&self, msg: &'m StunMessage) -> &'m [u8] {
        let start = self.offset() + 4;
        msg.bytes()
            .get(start..start + self.value_len())
            .unwrap_or_default()
    }

    /// The typed value, decoded from [`Attribute::raw`] (`AttrValue::Raw` for
    /// text/opaque values, `AttrValue::Malformed` when the value could not be
    /// decoded; the message's anomalies say why).
    pub fn value(&self, msg: &StunMessage) -> AttrValue {
        decode_value(self.kind, self.raw(msg), &msg.txid()).unwrap_or(AttrValue::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_resolve_by_dialect() {
        let rfc_t = MessageType::decode(0x0113, Dialect::Rfc5389);
        let ms_t = MessageType::decode(0x0113, Dialect::MsTurn);
        let ms_ok = MessageType::decode(0x0103, Dialect::MsTurn);
        let rfc_ok = MessageType::decode(0x0103, Dialect::Rfc5389);
        let r = |t| AttrKind::resolve(t, Dialect::Rfc5389, &rfc_t);
        let m = |t| AttrKind::resolve(t, Dialect::MsTurn, &ms_t);
        assert_eq!(r(0x0014), AttrKind::Realm);
        assert_eq!(r(0x0015), AttrKind::Nonce);
        assert_eq!(m(0x0014), AttrKind::Nonce);
        assert_eq!(m(0x0015), AttrKind::Realm);
        assert_eq!(r(0x0012), AttrKind::XorPeerAddress);
        assert_eq!(m(0x0012), AttrKind::RemoteAddress);
        assert_eq!(r(0x8020), AttrKind::XorMappedAddress);
        assert_eq!(m(0x8020), AttrKind::XorMappedAddress);
        assert_eq!(m(0x0001), AttrKind::MappedAddress);
        assert_eq!(
            AttrKind::resolve(0x0001, Dialect::MsTurn, &ms_ok),
            AttrKind::MsRelayedAddress
        );
        assert_eq!(
            AttrKind::resolve(0x0001, Dialect::Rfc5389, &rfc_ok),
            AttrKind::MappedAddress
        );
        assert_eq!(r(0x7777), AttrKind::Unknown(0x7777));
        assert_eq!(r(0x8095).name(), "MS-MULTIPLEXED-TURN-SESSION-ID");
        assert_eq!(m(0x000E).name(), "ALTERNATE-SERVER (MS)");
    }
}
