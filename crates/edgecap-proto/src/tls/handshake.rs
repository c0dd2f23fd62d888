//! Turns tls-parser handshake messages into [`TlsEvent`]s: ClientHello
//! (versions incl. supported_versions, SNI, ALPN, cipher suites), ServerHello
//! (chosen version and cipher), HelloRetryRequest (a ServerHello with the
//! RFC 8446 §4.1.3 random, or the draft's message type), Certificate and
//! ServerHelloDone. Pure; unknown or uninteresting messages give `None`, and
//! extensions that fail to parse are simply left out.

use tls_parser::{
    parse_tls_client_hello_extensions, parse_tls_message_handshake,
    parse_tls_server_hello_extensions, SNIType, TlsExtension, TlsMessage, TlsMessageHandshake,
};

use super::event::{ClientHelloInfo, ServerHelloInfo, TlsEvent};

/// Whether a version or cipher value is a GREASE value (RFC 8701 §2).
/// The ServerHello random that makes it a HelloRetryRequest: SHA-256 of
/// "HelloRetryRequest" (RFC 8446 §4.1.3).
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

fn is_grease(v: u16) -> bool {
    v & 0x0F0F == 0x0A0A && (v >> 8) == (v & 0xFF)
}

fn bytes(b: &[u8]) -> Box<[u8]> {
    b.into()
}

/// Parse one complete handshake message (4-byte header included) and turn
/// it into an event. `record_version` is the version of the record that
/// completed it. Returns `Err` when tls-parser rejects the message.
pub fn handshake_event(msg: &[u8], record_version: u16) -> Result<Option<TlsEvent>, ()> {
    let (_, parsed) = parse_tls_message_handshake(msg).map_err(|_| ())?;
    let TlsMessage::Handshake(hs) = parsed else {
        return Ok(None);
    };
    Ok(match hs {
        TlsMessageHandshake::ClientHello(ch) => {
            let mut info = ClientHelloInfo {
                record_version,
                version: ch.version.0,
                offered_versions: Vec::new(),
                sni: None,
                alpn: Vec::new(),
                cipher_suites: ch.ciphers.iter().map(|c| c.0).collect(),
            };
            let exts = ch
                .ext
                .and_then(|e| parse_tls_client_hello_extensions(e).ok())
                .map(|(_, v)| v)
                .unwrap_or_default();
            for ext in exts {
                match ext {
                    TlsExtension::SNI(names) => {
                        info.sni = names
                            .iter()
                            .find(|(t, _)| *t == SNIType::HostName)
                            .map(|(_, n)| bytes(n));
                    }
                    TlsExtension::ALPN(protos) => {
                        info.alpn = protos.iter().map(|p| bytes(p)).collect();
                    }
                    TlsExtension::SupportedVersions(vs) => {
                        info.offered_versions =
                            vs.iter().map(|v| v.0).filter(|v| !is_grease(*v)).collect();
                    }
                    _ => {}
                }
            }
            Some(TlsEvent::ClientHello(Box::new(info)))
        }
        TlsMessageHandshake::ServerHello(sh) if sh.random == HELLO_RETRY_REQUEST_RANDOM => {
            let exts = sh
                .ext
                .and_then(|e| parse_tls_server_hello_extensions(e).ok())
                .map(|(_, v)| v)
                .unwrap_or_default();
            let selected_group = exts.iter().find_map(|e| match e {
                TlsExtension::KeyShare(&[a, b]) => Some(u16::from_be_bytes([a, b])),
                _ => None,
            });
            Some(TlsEvent::HelloRetryRequest {
                cipher_suite: sh.cipher.0,
                selected_group,
            })
        }
        TlsMessageHandshake::ServerHello(sh) => {
            let mut info = ServerHelloInfo {
                record_version,
                version: sh.version.0,
                selected_version: None,
                cipher_suite: sh.cipher.0,
                alpn: None,
            };
            let exts = sh
                .ext
                .and_then(|e| parse_tls_server_hello_extensions(e).ok())
                .map(|(_, v)| v)
                .unwrap_or_default();
            for ext in exts {
                match ext {
                    TlsExtension::SupportedVersions(vs) => {
                        info.selected_version = vs.first().map(|v| v.0);
                    }
                    TlsExtension::ALPN(protos) => info.alpn = protos.first().map(|p| bytes(p)),
                    _ => {}
                }
            }
            Some(TlsEvent::ServerHello(info))
        }
        TlsMessageHandshake::HelloRetryRequest(hrr) => Some(TlsEvent::HelloRetryRequest {
            cipher_suite: hrr.cipher.0,
            selected_group: None,
        }),
        TlsMessageHandshake::Certificate(c) => Some(TlsEvent::Certificate {
            count: c.cert_chain.len(),
        }),
        TlsMessageHandshake::ServerDone(_) => Some(TlsEvent::ServerHelloDone),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grease_values() {
        assert!(is_grease(0x0A0A));
        assert!(is_grease(0xFAFA));
        assert!(!is_grease(0x0303));
        assert!(!is_grease(0x0A1A));
    }
}
