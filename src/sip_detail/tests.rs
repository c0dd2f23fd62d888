use super::*;

fn text(lines: &[Line]) -> String {
    lines
        .iter()
        .map(|(h, t)| if *h { format!("# {t}") } else { t.clone() })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn invite_with_relay_candidates_and_a_diagnostics_answer() {
    let invite = SipMessage::parse(
        b"INVITE sip:user2@fabrikam.com SIP/2.0\r\nCall-ID: a622\r\nCSeq: 1 INVITE\r\nX-Other: hidden\r\nContent-Type: application/sdp\r\n\r\n\
o=- 0 0 IN IP4 2.2.2.2\r\nm=applicationsharing 58138 TCP/RTP/AVP 127\r\na=ice-pwd:SECRETPWD\r\n\
a=candidate:3 1 TCP-PASS 6556159 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211\r\n",
        false,
    )
    .expect("sip");
    let t = text(&sip_lines(&invite));
    assert!(t.contains("  INVITE sip:user2@fabrikam.com SIP/2.0"), "{t}");
    assert!(t.contains("  call-id: a622"));
    assert!(!t.contains("hidden"));
    assert!(t.contains("# SDP (origin 2.2.2.2, connection -)"));
    assert!(
        t.contains("    relay 1 TCP-PASS 2.2.2.2:58138 raddr 10.98.2.1 rport 13211"),
        "{t}"
    );
    assert!(!t.contains("SECRETPWD"));
    let ok = SipMessage::parse(
        b"SIP/2.0 200 OK\r\nms-client-diagnostics: 51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"application-sharing:LocalMR=1.1.1.1:50704,RemoteMR=2.2.2.2:58138\"\r\n\r\n",
        false,
    )
    .expect("sip");
    let t = text(&sip_lines(&ok));
    assert!(t.contains("# ms-client-diagnostics 51007"), "{t}");
    assert!(t.contains("  meaning callee media connectivity"));
    assert!(t.contains("  CalleeMediaDebug application-sharing\n    LocalMR 1.1.1.1:50704\n    RemoteMR 2.2.2.2:58138"), "{t}");
}

#[test]
fn mras_response_never_shows_the_password() {
    let body = b"<response requestID=\"1\" reasonPhrase=\"OK\"><credentialsResponse><credentials><username>USER</username><password>TOPSECRET</password><duration>480</duration></credentials><mediaRelayList><mediaRelay><location>internet</location><hostName>av.contoso.com</hostName><udpPort>3478</udpPort><tcpPort>443</tcpPort></mediaRelay></mediaRelayList></credentialsResponse></response>";
    let mut raw = format!(
        "SIP/2.0 200 OK\r\nContent-Type: application/msrtc-media-relay-auth+xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    let t = text(&sip_lines(&SipMessage::parse(&raw, true).expect("sip")));
    assert!(t.contains("# MRAS response (request id 1)"), "{t}");
    assert!(t.contains("  username USER"));
    assert!(t.contains("  password present (9 characters, not shown)"));
    assert!(t.contains("  media relay av.contoso.com (internet) udp 3478 tcp 443"));
    assert!(!t.contains("TOPSECRET"));
}

#[test]
fn hostile_strings_are_escaped() {
    let m = SipMessage::parse(
        b"SIP/2.0 488 Not\xe2\x80\xae Here\r\nUser-Agent: a\x1b]8;;x\x07b\r\n\r\n",
        false,
    )
    .expect("sip");
    let t = text(&sip_lines(&m));
    assert!(!t.chars().any(|c| c.is_control() && c != '\n'), "{t:?}");
    assert!(t.contains("\\x1b]8;;x\\x07"));
    assert!(t.contains("\\u{202e}"));
}
