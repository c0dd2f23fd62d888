use super::*;

const INVITE: &[u8] = b"INVITE sip:user2@fabrikam.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.98.2.1:51647\r\nl: 5\r\n\r\nhello";

#[test]
fn probe_is_strict() {
    assert_eq!(probe(INVITE), SipProbe::Yes);
    assert_eq!(probe(b"SIP/2.0 504 Server time-out\r\n"), SipProbe::Yes);
    assert_eq!(probe(b"\r\n\r\nOPTIONS sip:a SIP/2.0\r\n"), SipProbe::Yes);
    assert_eq!(probe(b"INVITE sip:user2@fab"), SipProbe::NeedMore);
    assert_eq!(probe(b"\r\n"), SipProbe::NeedMore);
    assert_eq!(probe(b"GET / HTTP/1.1\r\n"), SipProbe::No);
    assert_eq!(probe(b"SIP/2.0 99 x\r\n"), SipProbe::No);
    assert_eq!(probe(b"\x16\x03\x01\x00\x31"), SipProbe::No);
    assert_eq!(probe(b"invite sip:a SIP/2.0\r\n"), SipProbe::Yes);
    assert_eq!(
        probe(b"invite sip:a"),
        SipProbe::No,
        "partial lines must look like a method"
    );
    assert_eq!(probe(&[b'A'; MAX_START_LINE + 10]), SipProbe::No);
}

#[test]
fn stream_units() {
    assert_eq!(next_unit(INVITE), StreamUnit::Message { len: INVITE.len() });
    assert_eq!(next_unit(b"\r\n\r\nINVITE"), StreamUnit::KeepAlive(4));
    let mut two = INVITE.to_vec();
    two.extend_from_slice(INVITE);
    assert_eq!(next_unit(&two), StreamUnit::Message { len: INVITE.len() });
    for cut in 1..INVITE.len() {
        match next_unit(&INVITE[..cut]) {
            StreamUnit::NeedMore(n) => assert!(n > cut && n <= INVITE.len(), "cut {cut}: {n}"),
            other => panic!("cut {cut}: {other:?}"),
        }
    }
    assert_eq!(next_unit(b"HTTP/1.1 200 OK\r\n\r\n"), StreamUnit::Invalid);
    let big = b"SIP/2.0 200 OK\r\nContent-Length: 70000\r\n\r\n";
    assert_eq!(
        next_unit(big),
        StreamUnit::Oversized {
            head_len: big.len(),
            body_len: 70000
        }
    );
    let no_cl = b"ACK sip:a SIP/2.0\r\nCSeq: 1 ACK\r\n\r\nINVITE";
    assert_eq!(
        next_unit(no_cl),
        StreamUnit::Message {
            len: no_cl.len() - 6
        }
    );
}

#[test]
fn head_cap_is_invalid() {
    let mut b = b"SIP/2.0 200 OK\r\n".to_vec();
    while b.len() < MAX_HEAD_LEN + 10 {
        b.extend_from_slice(b"X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    assert_eq!(next_unit(&b), StreamUnit::Invalid);
}
