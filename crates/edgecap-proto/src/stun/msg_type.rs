//! The 16-bit message type: class and method, decoded per dialect.
//!
//! RFC 5389 interleaves a 12-bit method and a 2-bit class (§6); MS-TURN and the
//! pre-RFC 5389 TURN drafts use fixed codes instead ([MS-TURN] 2.2.1,
//! docs/protocols.md §1.2), some of which collide with RFC 5766 methods. This module
//! owns that mapping and the names used in reports. Unknown methods stay
//! values (`Method::Unknown`), never errors.

use super::dialect::Dialect;

/// Message class (RFC 5389 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    /// Class 0b00.
    Request,
    /// Class 0b01.
    Indication,
    /// Class 0b10, success response.
    Success,
    /// Class 0b11, error response.
    Error,
}

impl Class {
    /// The class from its two-bit number.
    fn from_bits(c: u16) -> Class {
        match c & 3 {
            0 => Class::Request,
            1 => Class::Indication,
            2 => Class::Success,
            _ => Class::Error,
        }
    }

    /// Lowercase name for reports: "request", "indication", "success", "error".
    pub fn name(self) -> &'static str {
        match self {
            Class::Request => "request",
            Class::Indication => "indication",
            Class::Success => "success",
            Class::Error => "error",
        }
    }
}

/// A STUN/TURN method. Open: unknown numbers are kept in `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// 0x001 Binding (RFC 5389 §18.1).
    Binding,
    /// 0x002 Shared Secret (RFC 3489 §11.1; MS-TURN MUST NOT use it).
    SharedSecret,
    /// 0x003 Allocate (RFC 5766 §13, [MS-TURN] 2.2.1).
    Allocate,
    /// 0x004 Refresh (RFC 5766 §13).
    Refresh,
    /// Send: RFC 5766 0x006 indication, or MS-TURN / TURN-draft code 0x0004 request.
    Send,
    /// 0x007 Data indication (RFC 5766 §13).
    Data,
    /// 0x008 CreatePermission (RFC 5766 §13).
    CreatePermission,
    /// 0x009 ChannelBind (RFC 5766 §13).
    ChannelBind,
    /// 0x00A Connect (RFC 6062 §6.1).
    Connect,
    /// 0x00B ConnectionBind (RFC 6062 §6.1).
    ConnectionBind,
    /// 0x00C ConnectionAttempt (RFC 6062 §6.1).
    ConnectionAttempt,
    /// MS-TURN / TURN-draft Data Indication, fixed code 0x0115 ([MS-TURN] 2.2.1).
    DataIndication,
    /// MS-TURN Set Active Destination, codes 0x0006/0x0106/0x0116 ([MS-TURN] 2.2.1).
    SetActiveDestination,
    /// Any other method number (the 12-bit RFC 5389 method).
    Unknown(u16),
}

impl Method {
    /// The method from its 12-bit RFC 5389 number.
    fn from_rfc(m: u16) -> Method {
        match m {
            0x001 => Method::Binding,
            0x002 => Method::SharedSecret,
            0x003 => Method::Allocate,
            0x004 => Method::Refresh,
            0x006 => Method::Send,
            0x007 => Method::Data,
            0x008 => Method::CreatePermission,
            0x009 => Method::ChannelBind,
            0x00A => Method::Connect,
            0x00B => Method::ConnectionBind,
            0x00C => Method::ConnectionAttempt,
            other => Method::Unknown(other),
        }
    }

    /// Name for reports ("Allocate", "Set Active Destination", …; unknown
    /// methods give "Unknown").
    pub fn name(self) -> &'static str {
        match self {
            Method::Binding => "Binding",
            Method::SharedSecret => "Shared Secret",
            Method::Allocate => "Allocate",
            Method::Refresh => "Refresh",
            Method::Send => "Send",
            Method::Data => "Data",
            Method::CreatePermission => "CreatePermission",
            Method::ChannelBind => "ChannelBind",
            Method::Connect => "Connect",
            Method::ConnectionBind => "ConnectionBind",
            Method::ConnectionAttempt => "ConnectionAttempt",
            Method::DataIndication => "Data Indication",
            Method::SetActiveDestination => "Set Active Destination",
            Method::Unknown(_) => "Unknown",
        }
    }
}

/// Class from a raw type (RFC 5389 §6: C1 = bit 8, C0 = bit 4).
pub fn rfc_class_bits(t: u16) -> u16 {
    ((t & 0x0010) >> 4) | ((t & 0x0100) >> 7)
}

/// 12-bit method from a raw type (RFC 5389 §6, docs/protocols.md §1.1).
pub fn rfc_method_bits(t: u16) -> u16 {
    (t & 0x000F) | ((t & 0x00E0) >> 1) | ((t & 0x3E00) >> 2)
}

/// Raw type from a 12-bit method and 2-bit class (RFC 5389 §6).
pub fn encode_type(method: u16, class: u16) -> u16 {
    (method & 0x000F)
        | ((method & 0x0070) << 1)
        | ((method & 0x0F80) << 2)
        | ((class & 1) << 4)
        | ((class & 2) << 7)
}

/// A decoded message type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageType {
    /// The 16-bit type as on the wire.
    pub raw: u16,
    /// The class.
    pub class: Class,
    /// The method, named by dialect.
    pub method: Method,
}

impl MessageType {
    /// Decode `raw` for `dialect`. MS-TURN and RFC 3489 (cookieless TURN
    /// drafts) use the fixed codes of [MS-TURN] 2.2.1 for 0x0004/0x0104/0x0114,
    /// 0x0115 and 0x0006/0x0106/0x0116; everything else uses RFC 5389 §6.
    pub fn decode(raw: u16, dialect: Dialect) -> MessageType {
        let legacy = match dialect {
            Dialect::MsTurn | Dialect::Rfc3489 => match raw {
                0x0004 => Some((Method::Send, Class::Request)),
                0x0104 => Some((Method::Send, Class::Success)),
                0x0114 => Some((Method::Send, Class::Error)),
                0x0115 => Some((Method::DataIndication, Class::Indication)),
                0x0006 => Some((Method::SetActiveDestination, Class::Request)),
                0x0106 => Some((Method::SetActiveDestination, Class::Success)),
                0x0116 => Some((Method::SetActiveDestination, Class::Error)),
                _ => None,
            },
            Dialect::Rfc5389 => None,
        };
        let (method, class) = legacy.unwrap_or_else(|| {
            (
                Method::from_rfc(rfc_method_bits(raw)),
                Class::from_bits(rfc_class_bits(raw)),
            )
        });
        MessageType { raw, class, method }
    }

    /// "Allocate error", "Data Indication", "Binding request", … for reports.
    /// The MS Data Indication is not followed by its class.
    pub fn describe(&self) -> String {
        match self.method {
            Method::DataIndication => self.method.name().to_string(),
            Method::Unknown(m) => format!("method 0x{m:03x} {}", self.class.name()),
            _ => format!("{} {}", self.method.name(), self.class.name()),
        }
    }

    /// Whether this is an Allocate success response (0x0103 in every dialect).
    pub fn is_allocate_success(&self) -> bool {
        self.method == Method::Allocate && self.class == Class::Success
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_formula_round_trips() {
        for m in 0..0x1000u16 {
            for c in 0..4u16 {
                let t = encode_type(m, c);
                assert_eq!(t & 0xC000, 0);
                assert_eq!(rfc_method_bits(t), m);
                assert_eq!(rfc_class_bits(t), c);
            }
        }
    }

    #[test]
    fn names_by_dialect() {
        let rfc = |t| MessageType::decode(t, Dialect::Rfc5389);
        let ms = |t| MessageType::decode(t, Dialect::MsTurn);
        assert_eq!(rfc(0x0001).describe(), "Binding request");
        assert_eq!(rfc(0x0101).describe(), "Binding success");
        assert_eq!(rfc(0x0113).describe(), "Allocate error");
        assert_eq!(rfc(0x0004).describe(), "Refresh request");
        assert_eq!(rfc(0x0016).describe(), "Send indication");
        assert_eq!(rfc(0x0017).describe(), "Data indication");
        assert_eq!(rfc(0x0008).describe(), "CreatePermission request");
        assert_eq!(rfc(0x0109).describe(), "ChannelBind success");
        assert_eq!(rfc(0x000A).describe(), "Connect request");
        assert_eq!(rfc(0x000B).describe(), "ConnectionBind request");
        assert_eq!(rfc(0x001C).describe(), "ConnectionAttempt indication");
        assert_eq!(rfc(0x0115).method, Method::Unknown(5));
        assert_eq!(rfc(0x0115).class, Class::Error);
        assert_eq!(ms(0x0004).describe(), "Send request");
        assert_eq!(ms(0x0115).describe(), "Data Indication");
        assert_eq!(ms(0x0115).class, Class::Indication);
        assert_eq!(ms(0x0006).describe(), "Set Active Destination request");
        assert_eq!(ms(0x0106).describe(), "Set Active Destination success");
        assert_eq!(ms(0x0116).describe(), "Set Active Destination error");
        assert_eq!(ms(0x0003).describe(), "Allocate request");
        assert!(ms(0x0103).is_allocate_success());
        assert_eq!(ms(0x0113).describe(), "Allocate error");
        let classic = MessageType::decode(0x0006, Dialect::Rfc3489);
        assert_eq!(classic.method, Method::SetActiveDestination);
        assert_eq!(rfc(0x0080).method, Method::Unknown(0x040));
    }
}
