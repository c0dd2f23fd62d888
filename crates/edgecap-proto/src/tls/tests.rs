//! TLS decoder tests on hand-built records (RFC 8446 / RFC 5246 layouts):
//! ClientHello with SNI, ALPN and supported_versions; ServerHello for TLS 1.2
//! and 1.3; fragmented Certificate; alerts; handshake completion; every split.

use super::event::{cipher_name, version_name, TlsAlert, TlsEvent};
use crate::decoder::{Decoded, ProtoMsg};
use crate::test_util::Harness;
use edgecap_net::{Direction, FlowId, Transport};

const C2S: Direction = Direction::ToServer;
const S2C: Direction = Direction::ToClient;

fn record(ct: u8, version: u16, body: &[u8]) -> Vec<u8> {
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

fn u16_list(len_bytes: usize, items: &[u8]) -> Vec<u8> {
    let mut v = if len_bytes == 1 {
        vec![items.len() as u8]
    } else {
        (items.len() as u16).to_be_bytes().to_vec()
    };
    v.extend_from_slice(items);
    v
}

fn client_hello(sni: &str, alpn: &[&str], versions: &[u16], ciphers: &[u16]) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(&[0x11; 32]);
    b.push(0);
    let cs: Vec<u8> = ciphers.iter().flat_map(|c| c.to_be_bytes()).collect();
    b.extend_from_slice(&u16_list(2, &cs));
    b.extend_from_slice(&[1, 0]);
    let mut exts = Vec::new();
    let mut name = vec![0];
    name.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    name.extend_from_slice(sni.as_bytes());
    exts.extend(ext(0x0000, &u16_list(2, &name)));
    let protos: Vec<u8> = alpn
        .iter()
        .flat_map(|p| {
            let mut v = vec![p.len() as u8];
            v.extend_from_slice(p.as_bytes());
            v
        })
        .collect();
    exts.extend(ext(0x0010, &u16_list(2, &protos)));
    let vs: Vec<u8> = versions.iter().flat_map(|v| v.to_be_bytes()).collect();
    exts.extend(ext(0x002b, &u16_list(1, &vs)));
    b.extend_from_slice(&u16_list(2, &exts));
    record(22, 0x0301, &handshake(1, &b))
}

fn server_hello_body(cipher: u16, selected: Option<u16>) -> Vec<u8> {
    let mut b = vec![0x03, 0x03];
    b.extend_from_slice(&[0x22; 32]);
    b.push(32);
    b.extend_from_slice(&[0x33; 32]);
    b.extend_from_slice(&cipher.to_be_bytes());
    b.push(0);
    let exts = match selected {
        Some(v) => ext(0x002b, &v.to_be_bytes()),
        None => Vec::new(),
    };
    b.extend_from_slice(&u16_list(2, &exts));
    handshake(2, &b)
}

fn certificate(certs: &[&[u8]]) -> Vec<u8> {
    let mut list = Vec::new();
    for c in certs {
        let n = c.len();
        list.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
        list.extend_from_slice(c);
    }
    let n = list.len();
    let mut b = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
    b.extend_from_slice(&list);
    handshake(11, &b)
}

fn tls_events(messages: &[Decoded]) -> Vec<(TlsEvent, Direction, u64, u64)> {
    messages
        .iter()
        .filter_map(|d| match &d.msg {
            ProtoMsg::Tls(t) => Some((t.clone(), d.dir, d.frames.first.0, d.frames.last.0)),
            _ => None,
        })
        .collect()
}

fn ch() -> Vec<u8> {
    client_hello(
        "sip.example.com",
        &["h2", "http/1.1"],
        &[0x0a0a, 0x0304, 0x0303],
        &[0x1301, 0xc02f],
    )
}

#[test]
fn tls12_handshake_decoded_and_completed_on_sip_tls_port() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:5061");
    h.data(C2S, &ch(), 1);
    let mut flight = record(22, 0x0303, &server_hello_body(0xc02f, None));
    let mut rest = certificate(&[b"cert-one", b"cert-two"]);
    rest.extend(handshake(14, &[]));
    flight.extend(record(22, 0x0303, &rest));
    h.data(S2C, &flight, 2);
    let mut fin = record(20, 0x0303, &[1]);
    fin.extend(record(22, 0x0303, &[0x55; 40]));
    h.data(C2S, &fin, 3);
    h.data(S2C, &fin, 4);
    h.data(C2S, &record(23, 0x0303, &[0x66; 100]), 5);
    h.data(S2C, &record(21, 0x0303, &[0x77; 26]), 6);
    let a = h.finish();
    let ev = tls_events(&a.messages);
    match &ev[0].0 {
        TlsEvent::ClientHello(c) => {
            assert_eq!(c.record_version, 0x0301);
            assert_eq!(c.version, 0x0303);
            assert_eq!(c.offered_versions, vec![0x0304, 0x0303]);
            assert_eq!(c.sni.as_deref(), Some(&b"sip.example.com"[..]));
            assert_eq!(c.alpn, vec![b"h2"[..].into(), b"http/1.1"[..].into()]);
            assert_eq!(c.cipher_suites, vec![0x1301, 0xc02f]);
        }
        other => panic!("{other:?}"),
    }
    match &ev[1].0 {
        TlsEvent::ServerHello(s) => {
            assert_eq!(s.negotiated_version(), 0x0303);
            assert_eq!(s.cipher_suite, 0xc02f);
            assert_eq!(
                cipher_name(s.cipher_suite),
                Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
            );
        }
        other => panic!("{other:?}"),
    }
    let rest: Vec<_> = ev[2..]
        .iter()
        .map(|(e, d, _, l)| (e.clone(), *d, *l))
        .collect();
    assert_eq!(
        rest,
        vec![
            (TlsEvent::Certificate { count: 2 }, S2C, 2),
            (TlsEvent::ServerHelloDone, S2C, 2),
            (TlsEvent::ChangeCipherSpec, C2S, 3),
            (TlsEvent::ChangeCipherSpec, S2C, 4),
            (
                TlsEvent::HandshakeComplete {
                    version: Some(0x0303)
                },
                S2C,
                4
            ),
            (
                TlsEvent::Alert(TlsAlert {
                    level: 0,
                    description: 0,
                    encrypted: true
                }),
                S2C,
                6
            ),
        ]
    );
    let flow = &a.flows[&FlowId(0)];
    assert_eq!(flow.label, "tls");
    assert_eq!(flow.summary.encrypted_records, [2, 2]);
    assert_eq!(flow.summary.encrypted_bytes, [140, 66]);
    assert_eq!(version_name(0x0303), Some("TLS 1.2"));
}

#[test]
fn plaintext_alert_after_client_hello_on_a_random_port() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:40443");
    h.data(C2S, &ch(), 1);
    h.data(S2C, &record(21, 0x0303, &[2, 40]), 2);
    let a = h.finish();
    let ev = tls_events(&a.messages);
    assert_eq!(ev.len(), 2);
    let alert = TlsAlert {
        level: 2,
        description: 40,
        encrypted: false,
    };
    assert_eq!(ev[1].0, TlsEvent::Alert(alert));
    assert_eq!(alert.describe(), "fatal handshake_failure");
    assert_eq!(a.flow_label(FlowId(0)), "tls");
}

#[test]
fn tls13_server_hello_and_fragmented_certificate() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:443");
    h.data(C2S, &ch(), 1);
    h.data(
        S2C,
        &record(22, 0x0303, &server_hello_body(0x1301, Some(0x0304))),
        2,
    );
    // A TLS 1.2-style certificate split over two records and segments.
    let cert = certificate(&[&[0x30; 300]]);
    h.data(S2C, &record(22, 0x0303, &cert[..100]), 3);
    h.data(S2C, &record(22, 0x0303, &cert[100..]), 4);
    let a = h.finish();
    let ev = tls_events(&a.messages);
    match &ev[1].0 {
        TlsEvent::ServerHello(s) => assert_eq!(s.negotiated_version(), 0x0304),
        other => panic!("{other:?}"),
    }
    assert_eq!(ev[2], (TlsEvent::Certificate { count: 1 }, S2C, 3, 4));
}

#[test]
fn client_hello_on_every_split_completes_at_the_right_frame() {
    let c = ch();
    for k in 1..c.len() {
        let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:5061");
        h.data(C2S, &c[..k], 1);
        h.data(C2S, &c[k..], 2);
        let a = h.finish();
        let ev = tls_events(&a.messages);
        assert_eq!(ev.len(), 1, "split {k}");
        assert_eq!((ev[0].2, ev[0].3), (1, 2), "split {k}");
        assert!(a.anomaly_counts.is_empty(), "split {k}");
    }
}

#[test]
fn pseudo_tls_hello_is_not_claimed_as_tls() {
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:443");
    h.data(C2S, &crate::stun::pseudo_tls::LIBNICE_CLIENT_HELLO, 1);
    let a = h.finish();
    assert!(tls_events(&a.messages).is_empty());
    assert_eq!(a.flows[&FlowId(0)].decoder, Some("stun"));
}

#[test]
fn hello_retry_request_then_a_second_client_hello_after_the_compatibility_ccs() {
    use edgecap_testkit::tls13 as t;
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "52.114.1.1:443");
    h.data(
        C2S,
        &t::client_hello("edge.contoso.com", &[t::SECP256R1], 0x11),
        1,
    );
    h.data(
        S2C,
        &t::hello_retry_request(t::TLS_AES_128_GCM_SHA256, t::X25519),
        2,
    );
    // RFC 8446 D.4: CCS, then the second ClientHello in plaintext.
    let mut second = t::change_cipher_spec();
    second.extend(t::client_hello("edge.contoso.com", &[t::X25519], 0x11));
    h.data(C2S, &second, 3);
    let mut flight = t::server_hello(t::TLS_AES_128_GCM_SHA256, t::X25519);
    flight.extend(t::change_cipher_spec());
    flight.extend(t::application_data(900, 0xee));
    h.data(S2C, &flight, 4);
    h.data(C2S, &t::application_data(50, 0xdd), 5);
    let a = h.finish();
    let labels: Vec<(&str, Direction, u64)> = tls_events(&a.messages)
        .iter()
        .map(|(e, d, _, last)| (e.label(), *d, *last))
        .collect();
    assert_eq!(
        labels,
        vec![
            ("ClientHello", C2S, 1),
            ("HelloRetryRequest", S2C, 2),
            ("ChangeCipherSpec", C2S, 3),
            ("ClientHello", C2S, 3),
            ("ServerHello", S2C, 4),
            ("ChangeCipherSpec", S2C, 4),
            ("Handshake complete", C2S, 5),
        ]
    );
    let ev = tls_events(&a.messages);
    assert_eq!(
        ev[1].0,
        TlsEvent::HelloRetryRequest {
            cipher_suite: 0x1301,
            selected_group: Some(0x001d),
        }
    );
    match &ev[4].0 {
        TlsEvent::ServerHello(s) => assert_eq!(s.negotiated_version(), 0x0304),
        other => panic!("{other:?}"),
    }
    assert!(!a
        .messages
        .iter()
        .any(|d| matches!(&d.msg, ProtoMsg::Anomaly(_))));
}

#[test]
fn a_tls12_change_cipher_spec_still_starts_encryption() {
    // Only TLS 1.3 makes CCS a no-op: in 1.2 the Finished after it is encrypted.
    let mut h = Harness::new(Transport::Tcp, "10.98.2.1:50000", "10.3.0.34:5061");
    h.data(C2S, &ch(), 1);
    h.data(
        S2C,
        &record(22, 0x0303, &server_hello_body(0xc02f, None)),
        2,
    );
    let mut fin = record(20, 0x0303, &[1]);
    fin.extend(record(22, 0x0303, &[0x99; 40])); // encrypted Finished
    h.data(C2S, &fin, 3);
    let a = h.finish();
    assert!(!a
        .messages
        .iter()
        .any(|d| matches!(&d.msg, ProtoMsg::Anomaly(_))));
    assert_eq!(a.flows[&FlowId(0)].summary.encrypted_records[0], 1);
}
