//! The MS-TURN pseudo-TLS handshake on TCP 443 ([MS-TURN] 2.1.1,
//! docs/protocols.md §5.3).
//!
//! This module owns recognising the two fixed records by their exact byte
//! layout, taken from libnice `socket/pseudossl.c`: the 50-byte ClientHello
//! (constant random, one cipher 0x0018, no extensions) and the 83-byte record
//! holding ServerHello + ServerHelloDone (variable random and session id). It
//! does not decode what follows (MS-TURN frames, `framing.rs`) and never
//! confuses a real TLS ClientHello with the pseudo one: every fixed byte and
//! the exact record length must match.

/// Length of the pseudo ClientHello record (libnice `SSL_CLIENT_MSOC_HANDSHAKE`).
pub const CLIENT_HELLO_LEN: usize = 50;
/// Length of the pseudo ServerHello + ServerHelloDone record
/// (libnice `SSL_SERVER_MSOC_HANDSHAKE`).
pub const SERVER_HELLO_LEN: usize = 83;

/// Fixed bytes of the pseudo ClientHello: (offset, bytes). Record header
/// handshake/TLS 1.0/length 45, ClientHello length 41, version 3.1; then
/// session id length 0, one cipher suite 0x0018, one null compression.
const CLIENT_FIXED: [(usize, &[u8]); 2] = [
    (
        0,
        &[
            0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01,
        ],
    ),
    (43, &[0x00, 0x00, 0x02, 0x00, 0x18, 0x01, 0x00]),
];

/// Fixed bytes of the pseudo server record: header length 78, ServerHello
/// length 70, version 3.1; session id length 32; cipher 0x0018, null
/// compression, ServerHelloDone of length 0.
const SERVER_FIXED: [(usize, &[u8]); 3] = [
    (
        0,
        &[
            0x16, 0x03, 0x01, 0x00, 0x4e, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01,
        ],
    ),
    (43, &[0x20]),
    (76, &[0x00, 0x18, 0x00, 0x0e, 0x00, 0x00, 0x00]),
];

/// Result of matching a stream prefix against a fixed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// The whole record is present and matches.
    Yes,
    /// Every present fixed byte matches but the record is incomplete.
    NeedMore,
    /// Some fixed byte differs.
    No,
}

fn match_fixed(buf: &[u8], fixed: &[(usize, &[u8])], len: usize) -> Match {
    for (offset, bytes) in fixed {
        for (i, b) in bytes.iter().enumerate() {
            match buf.get(offset + i) {
                Some(x) if x != b => return Match::No,
                _ => {}
            }
        }
    }
    if buf.len() >= len {
        Match::Yes
    } else {
        Match::NeedMore
    }
}

/// Match the pseudo ClientHello at the start of `buf`.
pub fn match_client_hello(buf: &[u8]) -> Match {
    match_fixed(buf, &CLIENT_FIXED, CLIENT_HELLO_LEN)
}

/// Match the pseudo ServerHello + ServerHelloDone at the start of `buf`.
pub fn match_server_hello(buf: &[u8]) -> Match {
    match_fixed(buf, &SERVER_FIXED, SERVER_HELLO_LEN)
}

/// A recognised pseudo-TLS record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PseudoTlsEvent {
    /// The client's 50-byte pseudo ClientHello.
    ClientHello,
    /// The server's 83-byte ServerHello + ServerHelloDone.
    ServerHello,
}

impl PseudoTlsEvent {
    /// Label for reports.
    pub fn label(self) -> &'static str {
        match self {
            PseudoTlsEvent::ClientHello => "ClientHello (pseudo-TLS)",
            PseudoTlsEvent::ServerHello => "ServerHello+ServerHelloDone (pseudo-TLS)",
        }
    }
}

/// The exact libnice pseudo ClientHello, for tests and synthetic captures.
pub const LIBNICE_CLIENT_HELLO: [u8; CLIENT_HELLO_LEN] = [
    0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01, 0xc1, 0xfc, 0xd5, 0xa3, 0x6d,
    0x93, 0xdd, 0x7e, 0x0b, 0x45, 0x67, 0x3f, 0xec, 0x79, 0x85, 0xfb, 0xbc, 0x3f, 0xd6, 0x60, 0xc2,
    0xce, 0x84, 0x85, 0x08, 0x1b, 0x81, 0x21, 0xbc, 0xaa, 0x10, 0xfb, 0x00, 0x00, 0x02, 0x00, 0x18,
    0x01, 0x00,
];

/// A pseudo ServerHello + ServerHelloDone with the given random and session
/// id bytes, for tests and synthetic captures.
pub fn server_hello(random: [u8; 32], session_id: [u8; 32]) -> Vec<u8> {
    let mut b = vec![
        0x16, 0x03, 0x01, 0x00, 0x4e, 0x02, 0x00, 0x00, 0x46, 0x03, 0x01,
    ];
    b.extend_from_slice(&random);
    b.push(0x20);
    b.extend_from_slice(&session_id);
    b.extend_from_slice(&[0x00, 0x18, 0x00, 0x0e, 0x00, 0x00, 0x00]);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_libnice_records_on_every_prefix() {
        let ch = LIBNICE_CLIENT_HELLO;
        assert_eq!(match_client_hello(&ch), Match::Yes);
        for n in 0..ch.len() {
            assert_eq!(match_client_hello(&ch[..n]), Match::NeedMore, "prefix {n}");
        }
        let sh = server_hello([0xAB; 32], [0x5A; 32]);
        assert_eq!(sh.len(), SERVER_HELLO_LEN);
        assert_eq!(match_server_hello(&sh), Match::Yes);
        assert_eq!(match_server_hello(&sh[..40]), Match::NeedMore);
        assert_eq!(match_client_hello(&sh), Match::No);
        assert_eq!(match_server_hello(&ch), Match::No);
    }

    #[test]
    fn real_tls_hello_is_not_pseudo() {
        // Real ClientHello: record length 0x00c4, different from 0x2d.
        let real = [
            0x16, 0x03, 0x01, 0x00, 0xc4, 0x01, 0x00, 0x00, 0xc0, 0x03, 0x03,
        ];
        assert_eq!(match_client_hello(&real), Match::No);
        // Same header but a different cipher suite at offset 46.
        let mut ch = LIBNICE_CLIENT_HELLO;
        ch[47] = 0x2f;
        assert_eq!(match_client_hello(&ch), Match::No);
        let mut sh = server_hello([0; 32], [0; 32]);
        sh[43] = 0x00;
        assert_eq!(match_server_hello(&sh), Match::No);
        assert_eq!(
            PseudoTlsEvent::ServerHello.label(),
            "ServerHello+ServerHelloDone (pseudo-TLS)"
        );
    }
}
