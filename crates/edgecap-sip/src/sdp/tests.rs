use super::*;

/// The application-sharing offer of the field notes (desktop sharing
/// refused between edges).
const OFFER: &[u8] = b"v=0\r\n\
o=- 0 0 IN IP4 2.2.2.2\r\n\
s=session\r\n\
c=IN IP4 2.2.2.2\r\n\
b=CT:99980\r\n\
t=0 0\r\n\
m=applicationsharing 58138 TCP/RTP/AVP 127\r\n\
a=ice-ufrag:PFb1\r\n\
a=ice-pwd:SECRETSECRETSECRETSECRET\r\n\
a=candidate:1 1 TCP-PASS 2120613887 10.98.2.1 21916 typ host\r\n\
a=candidate:1 2 TCP-PASS 2120613374 10.98.2.1 21916 typ host\r\n\
a=candidate:2 1 TCP-ACT 2121006591 10.98.2.1 18574 typ host\r\n\
a=candidate:3 1 TCP-PASS 6556159 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211\r\n\
a=candidate:3 2 TCP-PASS 6556158 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211\r\n";

#[test]
fn field_note_offer() {
    let sdp = Sdp::parse(OFFER);
    assert_eq!(sdp.origin.as_deref(), Some(&b"2.2.2.2"[..]));
    assert_eq!(sdp.connection.as_deref(), Some(&b"2.2.2.2"[..]));
    let [m] = sdp.media.as_slice() else {
        panic!("one medium")
    };
    assert_eq!(m.kind, b"applicationsharing");
    assert_eq!(m.port, Some(58138));
    assert_eq!(m.proto, b"TCP/RTP/AVP");
    assert_eq!(m.ice_ufrag.as_deref(), Some(&b"PFb1"[..]));
    assert!(m.has_ice_pwd);
    assert_eq!(m.candidates.len(), 5);
    let relay = &m.candidates[3];
    assert_eq!(relay.transport, CandidateTransport::TcpPass);
    assert_eq!(relay.typ, CandidateType::Relay);
    assert_eq!(relay.ip(), "2.2.2.2".parse().ok());
    assert_eq!(relay.port, Some(58138));
    assert_eq!(relay.raddr.as_deref(), Some(&b"10.98.2.1"[..]));
    assert_eq!(relay.rport, Some(13211));
    assert_eq!(relay.priority, Some(6556159));
    assert_eq!(m.candidates[2].transport, CandidateTransport::TcpAct);
    assert!(sdp.has_relay());
    assert_eq!(sdp.bad_candidates, 0);
    let dbg = format!("{sdp:?}");
    assert!(!dbg.contains("SECRET"), "the ICE password is not kept");
}

#[test]
fn redacted_lines_of_the_unknown_user_case() {
    let sdp = Sdp::parse(
        b"m=audio 54614 RTP/AVP 114 111\na=candidate:1 1 UDP 2130706431 54614 typ host\na=candidate:4 1 TCP-ACT 1684798463 54614 typ srflx raddr rport 54614\n",
    );
    let m = &sdp.media[0];
    assert_eq!(m.candidates.len(), 2);
    assert_eq!(m.candidates[0].address, None);
    assert_eq!(m.candidates[0].port, Some(54614));
    let srflx = &m.candidates[1];
    assert_eq!(srflx.typ, CandidateType::Srflx);
    assert_eq!((srflx.raddr.as_deref(), srflx.rport), (None, Some(54614)));
    assert!(!sdp.has_relay());
}

#[test]
fn rfc_x_candidate_draft6_and_remote_candidates() {
    let sdp = Sdp::parse(
        b"m=audio 5000 RTP/AVP 0\n\
a=candidate:Hc0a80101 1 UDP 2130706431 192.168.1.1 5000 typ host generation 0\n\
a=candidate:S1 1 TCP 1694498815 203.0.113.7 9 typ srflx raddr 192.168.1.1 rport 9 tcptype active\n\
a=x-candidate-ipv6:7 1 UDP 2130706431 2001:db8::1 5002 typ host\n\
a=x-candidate:8 1 UDP 16648703 2.2.2.2 58150 typ relay raddr 203.0.113.7 rport 50200\n\
a=candidate:qkEaTuOhhjl2Kbgt0g+ZmF1rYy4YPf9D 1 bYsXW+7FuMr4W9m6IUlOTg UDP 0.830 10.0.0.1 12345\n\
a=candidate:broken\n\
a=remote-candidates:1 1.1.1.1 50710 2 1.1.1.1 50711\n\
m=video 0 RTP/AVP 34\n",
    );
    assert_eq!(sdp.media.len(), 2);
    let c = &sdp.media[0].candidates;
    assert_eq!(c.len(), 5);
    assert_eq!(c[0].form, CandidateForm::Rfc5245);
    assert_eq!(c[1].tcptype.as_deref(), Some(&b"active"[..]));
    assert_eq!(c[2].form, CandidateForm::XCandidateIpv6);
    assert_eq!(c[2].ip(), "2001:db8::1".parse().ok());
    assert_eq!(c[3].form, CandidateForm::XCandidate);
    assert_eq!(c[3].typ, CandidateType::Relay);
    assert_eq!(c[4].form, CandidateForm::MsIceDraft6);
    assert_eq!(c[4].transport, CandidateTransport::Udp);
    assert_eq!(c[4].ip(), "10.0.0.1".parse().ok());
    assert_eq!(c[4].typ, CandidateType::NotStated);
    assert!(
        !format!("{:?}", c[4]).contains("bYsXW"),
        "draft-06 password dropped"
    );
    assert_eq!(sdp.bad_candidates, 1);
    let r = &sdp.media[0].remote_candidates;
    assert_eq!(r.len(), 2);
    assert_eq!((r[1].component, r[1].port), (2, Some(50711)));
}

#[test]
fn caps_and_garbage() {
    let mut b = b"m=audio 1 RTP/AVP 0\n".to_vec();
    for i in 0..MAX_CANDIDATES + 3 {
        b.extend_from_slice(format!("a=candidate:{i} 1 UDP 1 10.0.0.1 {i} typ host\n").as_bytes());
    }
    for _ in 0..MAX_MEDIA + 2 {
        b.extend_from_slice(b"m=video 2 RTP/AVP 0\n");
    }
    let sdp = Sdp::parse(&b);
    assert_eq!(sdp.media[0].candidates.len(), MAX_CANDIDATES);
    assert_eq!(sdp.media[0].candidates_dropped, 3);
    assert_eq!(sdp.media.len(), MAX_MEDIA);
    assert_eq!(sdp.media_dropped, 3);
    assert_eq!(Sdp::parse(b"\xff\xfe=\n=\n\n"), Sdp::default());
}

#[test]
fn multipart_alternative_bodies() {
    let body = b"--b1\r\nContent-Type: application/sdp\r\nContent-ID: <a>\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nm=video 2 RTP/AVP 0\r\n\r\n--b1--\r\n";
    let parts = sdp_bodies(b"multipart/alternative;boundary=\"b1\"", body);
    assert_eq!(parts.len(), 2);
    assert_eq!(Sdp::parse(parts[1]).media[0].kind, b"video");
    assert_eq!(sdp_bodies(b"application/SDP", b"v=0").len(), 1);
    assert!(sdp_bodies(b"application/msrtc-media-relay-auth+xml", b"<x/>").is_empty());
    assert!(sdp_bodies(b"multipart/mixed", body).is_empty());
}
