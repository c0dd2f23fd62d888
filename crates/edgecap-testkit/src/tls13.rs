//! TLS 1.3 handshake records for tests and sample captures: a ClientHello
//! with supported_versions, supported_groups and key_share, the
//! HelloRetryRequest (a ServerHello with the RFC 8446 §4.1.3 random), a
//! TLS 1.3 ServerHello, the middlebox-compatibility ChangeCipherSpec and
//! opaque application-data records (RFC 8446 §4, §5, appendix D.4).

/// Content types (RFC 8446 §5.1).
const CT_CCS: u8 = 20;
const CT_HANDSHAKE: u8 = 22;
const CT_APPLICATION_DATA: u8 = 23;

/// The ServerHello random of a HelloRetryRequest: SHA-256("HelloRetryRequest").
pub const HRR_RANDOM: [u8; 32] = [
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
];

/// Named groups (RFC 8446 §4.2.7).
pub const X25519: u16 = 0x001d;
/// secp256r1.
pub const SECP256R1: u16 = 0x0017;
/// TLS_AES_128_GCM_SHA256 (RFC 8446 appendix B.4).
pub const TLS_AES_128_GCM_SHA256: u16 = 0x1301;

/// One record of content type `ct` with record version `version`.
pub fn record(ct: u8, version: u16, body: &[u8]) -> Vec<u8> {
    let mut r = vec![ct];
    r.extend_from_slice(&version.to_be_bytes());
    r.extend_from_slice(&(body.len() as u16).to_be_bytes());
    r.extend_from_slice(body);
    r
}

fn handshake(typ: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len();
    let mut h = vec![typ, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    h.extend_from_slice(body);
    h
}

fn ext(typ: u16, body: &[u8]) -> Vec<u8> {
    let mut e = typ.to_be_bytes().to_vec();
    e.extend_from_slice(&(body.len() as u16).to_be_bytes());
    e.extend_from_slice(body);
    e
}

fn len16(items: &[u8]) -> Vec<u8> {
    let mut v = (items.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(items);
    v
}

/// A key_share entry of `group` with a filler key of the group's size.
fn key_share_entry(group: u16) -> Vec<u8> {
    let size = if group == X25519 { 32 } else { 65 };
    let mut e = group.to_be_bytes().to_vec();
    e.extend(len16(&vec![0x42; size]));
    e
}

/// A ClientHello record offering TLS 1.3 and 1.2, SNI `sni`, the groups
/// x25519 and secp256r1, and key shares for `shares` (empty for none).
/// `random` fills the random (a retried hello keeps it, RFC 8446 §4.1.2).
pub fn client_hello(sni: &str, shares: &[u16], random: u8) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(&[random; 32]);
    b.push(32);
    b.extend_from_slice(&[0x5e; 32]); // legacy_session_id (middlebox compatibility)
    b.extend(len16(&[0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f]));
    b.extend_from_slice(&[1, 0]);
    let mut name = vec![0];
    name.extend(len16(sni.as_bytes()));
    let mut exts = ext(0x0000, &len16(&name));
    exts.extend(ext(0x000a, &len16(&[0x00, 0x1d, 0x00, 0x17])));
    exts.extend(ext(0x000d, &len16(&[0x04, 0x03, 0x08, 0x04])));
    exts.extend(ext(0x002b, &[4, 0x03, 0x04, 0x03, 0x03]));
    let entries: Vec<u8> = shares.iter().flat_map(|&g| key_share_entry(g)).collect();
    exts.extend(ext(0x0033, &len16(&entries)));
    b.extend(len16(&exts));
    record(CT_HANDSHAKE, 0x0301, &handshake(1, &b))
}

fn server_hello_body(random: &[u8; 32], cipher: u16, key_share: &[u8]) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(random);
    b.push(32);
    b.extend_from_slice(&[0x5e; 32]);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    let mut exts = ext(0x002b, &[0x03, 0x04]);
    exts.extend(ext(0x0033, key_share));
    b.extend(len16(&exts));
    handshake(2, &b)
}

/// A HelloRetryRequest record asking for a key share of `group`.
pub fn hello_retry_request(cipher: u16, group: u16) -> Vec<u8> {
    let body = server_hello_body(&HRR_RANDOM, cipher, &group.to_be_bytes());
    record(CT_HANDSHAKE, 0x0303, &body)
}

/// A TLS 1.3 ServerHello record with a key share of `group`.
pub fn server_hello(cipher: u16, group: u16) -> Vec<u8> {
    let random: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(7) ^ 0x3c);
    let body = server_hello_body(&random, cipher, &key_share_entry(group));
    record(CT_HANDSHAKE, 0x0303, &body)
}

/// The middlebox-compatibility ChangeCipherSpec record (RFC 8446 D.4).
pub fn change_cipher_spec() -> Vec<u8> {
    record(CT_CCS, 0x0303, &[1])
}

/// An encrypted record of `len` filler bytes (application_data, RFC 8446 §5.2).
pub fn application_data(len: usize, fill: u8) -> Vec<u8> {
    record(CT_APPLICATION_DATA, 0x0303, &vec![fill; len])
}
