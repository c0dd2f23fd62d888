//! The typed TLS events a decoder emits and the names reports print for
//! versions, cipher suites and alerts.
//!
//! This module owns values only: numbers stay numbers (open code points, as
//! tls-parser's `newtype_enum!`), and the name helpers return `None` or a
//! hex fallback for unknown ones.

use tls_parser::{TlsAlertDescription, TlsAlertSeverity, TlsCipherSuite};

/// What a ClientHello offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloInfo {
    /// Version in the record header.
    pub record_version: u16,
    /// `client_version` of the hello (legacy_version in TLS 1.3).
    pub version: u16,
    /// Versions of the supported_versions extension (RFC 8446 §4.2.1), GREASE removed.
    pub offered_versions: Vec<u16>,
    /// Server name indication host name (RFC 6066 §3), its bytes as sent
    /// (a hostile one need not be UTF-8; outputs escape it).
    pub sni: Option<Box<[u8]>>,
    /// ALPN protocol names offered (RFC 7301), bytes as sent.
    pub alpn: Vec<Box<[u8]>>,
    /// Offered cipher suites, in order.
    pub cipher_suites: Vec<u16>,
}

/// What a ServerHello chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHelloInfo {
    /// Version in the record header.
    pub record_version: u16,
    /// `server_version` of the hello (legacy_version in TLS 1.3).
    pub version: u16,
    /// The supported_versions extension's choice (TLS 1.3), if present.
    pub selected_version: Option<u16>,
    /// The chosen cipher suite.
    pub cipher_suite: u16,
    /// ALPN protocol chosen, if any, bytes as sent.
    pub alpn: Option<Box<[u8]>>,
}

impl ServerHelloInfo {
    /// The negotiated version: supported_versions if present, else `version`.
    pub fn negotiated_version(&self) -> u16 {
        self.selected_version.unwrap_or(self.version)
    }
}

/// A TLS alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsAlert {
    /// 1 warning, 2 fatal (RFC 5246 §7.2); 0 when encrypted.
    pub level: u8,
    /// Alert description (RFC 8446 §6); 0 when encrypted.
    pub description: u8,
    /// True when the alert was sent encrypted: level and description unknown.
    pub encrypted: bool,
}

impl TlsAlert {
    /// "fatal handshake_failure"-style text for reports.
    pub fn describe(&self) -> String {
        if self.encrypted {
            return "encrypted alert".to_string();
        }
        let level = match TlsAlertSeverity(self.level) {
            TlsAlertSeverity::Warning => "warning",
            TlsAlertSeverity::Fatal => "fatal",
            _ => "unknown-level",
        };
        match alert_name(self.description) {
            Some(name) => format!("{level} {name}"),
            None => format!("{level} alert {}", self.description),
        }
    }
}

/// RFC 8446 §6 / RFC 5246 §7.2 name of an alert description.
pub fn alert_name(description: u8) -> Option<&'static str> {
    let d = TlsAlertDescription(description);
    Some(match d {
        TlsAlertDescription::CloseNotify => "close_notify",
        TlsAlertDescription::UnexpectedMessage => "unexpected_message",
        TlsAlertDescription::BadRecordMac => "bad_record_mac",
        TlsAlertDescription::RecordOverflow => "record_overflow",
        TlsAlertDescription::HandshakeFailure => "handshake_failure",
        TlsAlertDescription::BadCertificate => "bad_certificate",
        TlsAlertDescription::UnsupportedCertificate => "unsupported_certificate",
        TlsAlertDescription::CertificateRevoked => "certificate_revoked",
        TlsAlertDescription::CertificateExpired => "certificate_expired",
        TlsAlertDescription::CertificateUnknown => "certificate_unknown",
        TlsAlertDescription::IllegalParameter => "illegal_parameter",
        TlsAlertDescription::UnknownCa => "unknown_ca",
        TlsAlertDescription::AccessDenied => "access_denied",
        TlsAlertDescription::DecodeError => "decode_error",
        TlsAlertDescription::DecryptError => "decrypt_error",
        TlsAlertDescription::ProtocolVersion => "protocol_version",
        TlsAlertDescription::InsufficientSecurity => "insufficient_security",
        TlsAlertDescription::InternalError => "internal_error",
        TlsAlertDescription::InappropriateFallback => "inappropriate_fallback",
        TlsAlertDescription::UserCancelled => "user_canceled",
        TlsAlertDescription::NoRenegotiation => "no_renegotiation",
        TlsAlertDescription::MissingExtension => "missing_extension",
        TlsAlertDescription::UnsupportedExtension => "unsupported_extension",
        TlsAlertDescription::UnrecognizedName => "unrecognized_name",
        TlsAlertDescription::CertificateRequired => "certificate_required",
        TlsAlertDescription::NoApplicationProtocol => "no_application_protocol",
        _ => return None,
    })
}

/// One TLS handshake step, alert or milestone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsEvent {
    /// A ClientHello (boxed: it is the largest event by far, and every
    /// kept decoder output is as large as the largest one).
    ClientHello(Box<ClientHelloInfo>),
    /// A ServerHello.
    ServerHello(ServerHelloInfo),
    /// A HelloRetryRequest (TLS 1.3): a ServerHello whose random is the
    /// special value of RFC 8446 §4.1.3 (or the draft's own message type),
    /// asking the client for a second ClientHello.
    HelloRetryRequest {
        /// The cipher suite.
        cipher_suite: u16,
        /// The key-share group the server asks for (RFC 8446 §4.2.8), when sent.
        selected_group: Option<u16>,
    },
    /// A plaintext Certificate message with this many certificates.
    Certificate {
        /// Length of the chain.
        count: usize,
    },
    /// ServerHelloDone (TLS ≤ 1.2).
    ServerHelloDone,
    /// ChangeCipherSpec: this direction encrypts from here on.
    ChangeCipherSpec,
    /// An alert.
    Alert(TlsAlert),
    /// Both directions have sent encrypted records: the handshake completed.
    HandshakeComplete {
        /// The negotiated version, when a ServerHello was seen.
        version: Option<u16>,
    },
}

impl TlsEvent {
    /// Short label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            TlsEvent::ClientHello(_) => "ClientHello",
            TlsEvent::ServerHello(_) => "ServerHello",
            TlsEvent::HelloRetryRequest { .. } => "HelloRetryRequest",
            TlsEvent::Certificate { .. } => "Certificate",
            TlsEvent::ServerHelloDone => "ServerHelloDone",
            TlsEvent::ChangeCipherSpec => "ChangeCipherSpec",
            TlsEvent::Alert(_) => "Alert",
            TlsEvent::HandshakeComplete { .. } => "Handshake complete",
        }
    }
}

/// "TLS 1.2"-style name of a protocol version, or `None` when unknown.
pub fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => return None,
    })
}

/// IANA name of a cipher suite, or `None` when unknown.
pub fn cipher_name(id: u16) -> Option<&'static str> {
    TlsCipherSuite::from_id(id).map(|c| c.name)
}
