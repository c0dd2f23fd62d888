use super::*;

/// The MRAS failure of the field notes (504 with ms-diagnostics 1038), as a
/// front end sends it: mixed-case names, a folded header, compact forms.
const RESP_504: &[u8] = b"SIP/2.0 504 Server time-out\r\n\
From: \"William Cooper\"<sip:wcooper@test.deitterick.com>;tag=6392822386;epid=e114d373a8\r\n\
t: <sip:TEST-LS14-EDGE1.dmz.test.deitterick.com@test.deitterick.com;gruu>;tag=6b04cac19\r\n\
CSeq: 1 SERVICE\r\n\
i: 3ca1e573619f4be4975e6cd6ec1f44bd\r\n\
VIA: SIP/2.0/TLS 172.16.7.8:58674;branch=z9hG4bKx\r\n\
ms-diagnostics: 1038;reason=\"Failed to connect to a peer server\";\r\n\t\
WinsockFailureCode=\"10061(WSAECONNREFUSED)\";Port=\"5062\"\r\n\
Content-Length: 0\r\n\r\n";

#[test]
fn response_with_compact_and_folded_headers() {
    let m = SipMessage::parse(RESP_504, true).expect("sip");
    assert_eq!(m.status(), Some(504));
    assert_eq!(m.method(), None);
    assert_eq!(
        m.start,
        StartLine::Response {
            code: 504,
            reason: b"Server time-out".to_vec()
        }
    );
    assert_eq!(m.call_id(), Some(&b"3ca1e573619f4be4975e6cd6ec1f44bd"[..]));
    let cseq = m.cseq().expect("cseq");
    assert_eq!((cseq.seq, cseq.method.as_slice()), (1, &b"SERVICE"[..]));
    assert_eq!(m.to().and_then(|t| t.tag), Some(b"6b04cac19".to_vec()));
    assert_eq!(m.from().and_then(|f| f.tag), Some(b"6392822386".to_vec()));
    assert_eq!(m.vias().len(), 1);
    let diag = m.header("ms-diagnostics").expect("diag");
    assert!(diag.ends_with(b"; WinsockFailureCode=\"10061(WSAECONNREFUSED)\";Port=\"5062\""));
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    assert!(m.body.is_empty());
}

#[test]
fn request_body_cut_by_content_length() {
    let raw = b"INVITE sip:user2@fabrikam.com SIP/2.0\r\nc: application/sdp\r\nContent-Length: 4\r\n\r\nv=0\nEXTRA";
    let m = SipMessage::parse(raw, true).expect("sip");
    assert_eq!(m.method(), Some(&b"INVITE"[..]));
    assert_eq!(m.body, b"v=0\n");
    assert!(m.body_is("application/sdp"));
    assert_eq!(m.content_type().as_deref(), Some("application/sdp"));
}

#[test]
fn datagram_without_content_length_takes_the_rest() {
    let raw = b"MESSAGE sip:a@b SIP/2.0\nCall-ID: x\n\nbody";
    let m = SipMessage::parse(raw, false).expect("sip");
    assert_eq!(m.body, b"body");
    assert!(m.anomalies.is_empty());
    let s = SipMessage::parse(raw, true).expect("sip");
    assert_eq!(s.anomalies, vec![SipAnomaly::MissingContentLength]);
    assert!(s.body.is_empty());
}

#[test]
fn damage_is_reported_not_thrown() {
    let raw = b"SIP/2.0 200 OK\r\nno colon here\r\n bad fold\r\nbad name: x\r\nContent-Length: 99\r\n\r\nshort";
    let m = SipMessage::parse(raw, false).expect("sip");
    assert_eq!(m.body, b"short");
    assert_eq!(
        m.anomalies,
        vec![
            SipAnomaly::BadHeaderLine,
            SipAnomaly::BadHeaderLine,
            SipAnomaly::BadHeaderLine,
            SipAnomaly::BodyShorterThanContentLength
        ],
        "no colon, a fold with nothing to fold into, a name with a space"
    );
    let m = SipMessage::parse(b"SIP/2.0 200 OK\r\nContent-Length: x\r\n", true).expect("sip");
    assert_eq!(
        m.anomalies,
        vec![SipAnomaly::UnterminatedHead, SipAnomaly::BadContentLength]
    );
    assert_eq!(
        SipMessage::parse(b"HTTP/1.1 200 OK\r\n\r\n", false),
        Err(NotSip::BadStartLine)
    );
    assert_eq!(SipMessage::parse(b"", false), Err(NotSip::BadStartLine));
    assert_eq!(
        SipMessage::parse(b"INVITE sip:a SIP/2.0 extra\r\n\r\n", false),
        Err(NotSip::BadStartLine)
    );
    assert_eq!(
        SipMessage::parse(b"INV\x1bITE sip:a SIP/2.0\r\n\r\n", false),
        Err(NotSip::BadStartLine)
    );
}

#[test]
fn header_and_body_caps() {
    let mut raw =
        format!("SIP/2.0 200 OK\r\nContent-Length: {}\r\n", MAX_BODY_LEN + 3).into_bytes();
    for i in 0..MAX_HEADERS + 5 {
        raw.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend(std::iter::repeat_n(b'a', MAX_BODY_LEN + 3));
    let m = SipMessage::parse(&raw, true).expect("sip");
    assert_eq!(m.headers.len(), MAX_HEADERS);
    assert_eq!(m.headers_dropped, 6, "Content-Length and 261 fillers");
    assert_eq!(m.body.len(), MAX_BODY_LEN);
    assert!(m.anomalies.contains(&SipAnomaly::TooManyHeaders));
}
