//! `hostile-strings.pcap`: STUN/TURN, MS-TURN and TLS messages whose
//! captured text — USERNAME, REALM, NONCE, SOFTWARE, ERROR-CODE reason
//! phrases, SNI, ALPN — carries terminal escape sequences, invisible
//! characters (zero-width space, BOM) and invalid UTF-8 (issue 6, terminal
//! safety). Every report must show these bytes as visible escapes or hex and
//! never pass them to the terminal; `tests/hostile.rs` walks every string of
//! every output.

use super::{sa, Clock, T0};
use crate::stun::{self as s, ms_magic_cookie, u32_attr};
use crate::writer::{PcapOptions, PcapWriter};
use crate::{ip, link, TcpConversation};
use edgecap_capture::LinkType;
use edgecap_net::Direction::{ToClient, ToServer};
use std::io;

/// The hostile byte sequences every text attribute of the capture carries,
/// after a per-attribute prefix: CSI SGR red (`ESC [31m`), an OSC 8
/// hyperlink (`ESC ]8;;http://x ESC \`), BEL, backspace, the 8-bit CSI
/// U+009B in UTF-8 (`C2 9B`) followed by "2J" (erase screen), the bidi
/// override U+202E, a zero-width space U+200B (`E2 80 8B`) and a byte-order
/// mark U+FEFF (`EF BB BF`) inside words, and invalid UTF-8 (`FF FE`, a lone
/// `C3`).
pub const HOSTILE_TAIL: &[u8] =
    b"\x1b[31mRED\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\x07\x08\xc2\x9b2J\xe2\x80\xaetxe.exe\
      zero\xe2\x80\x8bwidth\xef\xbb\xbfbom\xff\xfe\xc3";

/// Valid UTF-8 whose only unsafe characters are invisible: a zero-width
/// space U+200B and a byte-order mark U+FEFF. The SOFTWARE of the Binding
/// success (frame 2): a name that looks like `edgecap` but is not.
pub const HOSTILE_INVISIBLE: &str = "edge\u{200b}cap\u{feff}";

/// The SNI of the ClientHello: ESC sequences (CSI clear screen + SGR), a
/// zero-width space, a BOM and invalid UTF-8 (`FF FE`, a lone `C3`).
pub const HOSTILE_SNI: &[u8] = b"evil\x1b[2J\x1b[31m.ex\xe2\x80\x8bam\xef\xbb\xbfple\xff\xfe\xc3";

/// The ALPN protocol names the ClientHello offers: a plain `h2`, one with
/// ESC and invalid UTF-8, one with a zero-width space and a BOM.
pub const HOSTILE_ALPN: &[&[u8]] = &[
    b"h2",
    b"\x1b[31mh3\xff\xfe\xc3",
    b"http/1.1\xe2\x80\x8b\xef\xbb\xbf",
];

/// `prefix` followed by [`HOSTILE_TAIL`].
pub fn hostile(prefix: &str) -> Vec<u8> {
    let mut v = prefix.as_bytes().to_vec();
    v.extend_from_slice(HOSTILE_TAIL);
    v
}

/// An ERROR-CODE value with a raw (possibly invalid UTF-8) reason phrase.
fn error_code_raw(code: u16, reason: &[u8]) -> Vec<u8> {
    let mut v = vec![0, 0, (code / 100) as u8, (code % 100) as u8];
    v.extend_from_slice(reason);
    v
}

/// A minimal TLS 1.2 ClientHello record carrying one SNI host name and an
/// ALPN list.
fn client_hello(sni: &[u8], alpn: &[&[u8]]) -> Vec<u8> {
    fn len16(items: &[u8]) -> Vec<u8> {
        let mut v = (items.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(items);
        v
    }
    let mut b = vec![0x03, 0x03];
    b.extend((0..32u8).map(|i| i.wrapping_mul(7) ^ 0x3c));
    b.push(0); // session id
    b.extend(len16(&[0xc0, 0x2f, 0x00, 0x9c]));
    b.extend_from_slice(&[1, 0]); // null compression
    let mut name = vec![0];
    name.extend(len16(sni));
    let list = len16(&name);
    let mut ext = 0x0000u16.to_be_bytes().to_vec();
    ext.extend(len16(&list));
    let mut protos = Vec::new();
    for p in alpn {
        protos.push(p.len() as u8);
        protos.extend_from_slice(p);
    }
    ext.extend(0x0010u16.to_be_bytes());
    ext.extend(len16(&len16(&protos)));
    b.extend(len16(&ext));
    let n = b.len();
    let mut hs = vec![1, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    hs.extend_from_slice(&b);
    let mut rec = vec![22, 0x03, 0x01];
    rec.extend(len16(&hs));
    rec
}

/// `hostile-strings.pcap` (Ethernet, microsecond pcap).
pub fn hostile_strings() -> io::Result<Vec<u8>> {
    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default())?;
    let mut clock = Clock::new(T0 + 36_000, 2_000_000);
    let mut put = |ip: &[u8]| -> io::Result<()> {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        w.write_packet(clock.tick(), &frame, frame.len() as u32)
    };

    // RFC TURN on UDP 3478: Binding with SOFTWARE, its success with an
    // invisible-only SOFTWARE, Allocate with USERNAME, REALM, NONCE and
    // SOFTWARE, and a 401 whose reason phrase, REALM, NONCE and SOFTWARE are
    // hostile.
    let client = sa("10.98.6.1:50600");
    let turn = sa("203.0.113.66:3478");
    let software = (0x8022, hostile("soft"));
    let (tb, ta) = (s::rfc_txid(0xe1), s::rfc_txid(0xe2));
    put(&ip::udp(
        client,
        turn,
        &s::rfc(0x0001, &tb, std::slice::from_ref(&software)).bytes(),
    ))?;
    let invisible = (0x8022, HOSTILE_INVISIBLE.as_bytes().to_vec());
    put(&ip::udp(
        turn,
        client,
        &s::rfc(0x0101, &tb, &[invisible]).bytes(),
    ))?;
    let auth = [
        u32_attr(0x0019, 17 << 24),
        (0x0006, hostile("user")),
        (0x0014, hostile("realm")),
        (0x0015, hostile("nonce")),
        software.clone(),
    ];
    put(&ip::udp(client, turn, &s::rfc(0x0003, &ta, &auth).bytes()))?;
    let refused = [
        (0x0009, error_code_raw(401, &hostile("reason"))),
        (0x0014, hostile("realm")),
        (0x0015, hostile("nonce")),
        software,
    ];
    put(&ip::udp(
        turn,
        client,
        &s::rfc(0x0113, &ta, &refused).bytes(),
    ))?;

    // MS-TURN on UDP 3478 (no cookie in the header): an Allocate with a
    // hostile USERNAME answered 436 Unknown User with a hostile reason.
    let ms_client = sa("10.98.6.2:50610");
    let mut tm = [0x9au8; 16];
    tm[15] = 0x36;
    let ms_alloc = [
        ms_magic_cookie(),
        u32_attr(0x8008, 2),
        (0x0006, hostile("msuser")),
        (0x0015, hostile("msrealm")),
    ];
    put(&ip::udp(
        ms_client,
        turn,
        &s::ms(0x0003, &tm, &ms_alloc).bytes(),
    ))?;
    let ms_436 = [
        ms_magic_cookie(),
        (0x0009, error_code_raw(436, &hostile("unknown"))),
        u32_attr(0x8008, 2),
    ];
    put(&ip::udp(
        turn,
        ms_client,
        &s::ms(0x0113, &tm, &ms_436).bytes(),
    ))?;

    // TLS on TCP 5061: a ClientHello whose SNI and ALPN carry ESC sequences,
    // invisible characters and invalid UTF-8.
    let mut t = TcpConversation::new(sa("10.98.6.3:50620"), sa("203.0.113.67:5061"));
    for p in t.handshake() {
        put(&p)?;
    }
    put(&t.data(ToServer, &client_hello(HOSTILE_SNI, HOSTILE_ALPN)))?;
    put(&t.ack(ToClient))?;
    put(&t.fin(ToServer))?;
    put(&t.fin(ToClient))?;
    put(&t.ack(ToServer))?;
    w.into_inner()
}
