//! The SIP messages of the signalling samples, modelled on the field notes
//! (MRAS SERVICE answered 504 / 1038 then 200 with credentials; the
//! application-sharing INVITE with TCP-PASS relay candidates and the 200 OK
//! with ms-client-diagnostics 51007; a 488 with 52017), with exact
//! `Content-Length`s. Shared by the capture and the two logs so they tell
//! the same story.

/// Call-ID of the MRAS SERVICE requests.
pub const MRAS_CALL_ID: &str = "3ca1e573619f4be4975e6cd6ec1f44bd";
/// Call-ID of the application-sharing call.
pub const CALL_ID: &str = "a622d7b9f6464be3a455e6d98ec700b3";
/// Call-ID of the call refused by the Mediation Server (488 / 52017).
pub const MEDIATION_CALL_ID: &str = "7d8d76435a474b568f430436e49cfcfd";
/// The MRAS password of the sample response: it must never be printed.
pub const MRAS_PASSWORD: &str = "k6GJX093FIYdfVlmHkGSw0Yi+lM=";

/// A message: start line, headers, `Content-Length` of `body`, blank line, body.
pub fn message(start: &str, headers: &[&str], body: &str) -> Vec<u8> {
    let mut m = format!("{start}\r\n");
    for h in headers {
        m.push_str(h);
        m.push_str("\r\n");
    }
    m.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    m.into_bytes()
}

fn lines(l: &[&str]) -> String {
    l.iter().map(|s| format!("{s}\r\n")).collect()
}

const MRAS_TO: &str =
    "To: <sip:edge-int.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:tmsOHGdb9lGxCPJSi2p6eAAA>";
const MRAS_URI: &str =
    "sip:edge-int.contoso.com@contoso.com;gruu;opaque=srvr:MRAS:tmsOHGdb9lGxCPJSi2p6eAAA";
const USER_AGENT: &str = "User-Agent: UCCAPI/4.0.7577.4356 OC/4.0.7577.4356 (Microsoft Lync 2010)";
const CLIENT_FROM: &str = "From: \"user1\"<sip:user1@contoso.com>;tag=6392822386;epid=e114d373a8";

/// The MRAS `credentialsRequest` body.
pub fn mras_request_body() -> String {
    format!(
        "<request requestID=\"3757984\" version=\"2.0\" to=\"{MRAS_URI}\" from=\"sip:user1@contoso.com\" xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\"><credentialsRequest credentialsRequestID=\"3757984\"><identity>sip:user1@contoso.com</identity><location>internet</location><duration>480</duration></credentialsRequest></request>"
    )
}

/// The SERVICE carrying the MRAS request, CSeq `cseq`.
pub fn mras_service(cseq: u32) -> Vec<u8> {
    message(
        &format!("SERVICE {MRAS_URI} SIP/2.0"),
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK58E6CA87",
            "Max-Forwards: 70",
            CLIENT_FROM,
            MRAS_TO,
            &format!("Call-ID: {MRAS_CALL_ID}"),
            &format!("CSeq: {cseq} SERVICE"),
            "Contact: <sip:user1@contoso.com;opaque=user:epid:2L_Ol0dqJVO_R1E7cD7V_gAA;gruu>",
            USER_AGENT,
            "Content-Type: application/msrtc-media-relay-auth+xml",
            "ms-user-data: ms-publiccloud=FALSE;ms-federation=FALSE",
        ],
        &mras_request_body(),
    )
}

/// The front end's 504: it could not connect to MRAS on 5062.
pub fn mras_504() -> Vec<u8> {
    message(
        "SIP/2.0 504 Server time-out",
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK58E6CA87;ms-received-port=51647",
            CLIENT_FROM,
            &format!("{MRAS_TO};tag=6b04cac19"),
            &format!("Call-ID: {MRAS_CALL_ID}"),
            "CSeq: 1 SERVICE",
            "Server: RTC/4.0",
            "ms-diagnostics: 1038;reason=\"Failed to connect to a peer server\";WinsockFailureCode=\"10061(WSAECONNREFUSED)\";WinsockFailureDescription=\"The peer actively refused the connection attempt\";Peer=\"edge-int.contoso.com\";Port=\"5062\";source=\"fe01.contoso.com\"",
        ],
        "",
    )
}

/// The MRAS `credentialsResponse` body (one relay per location).
pub fn mras_response_body() -> String {
    format!(
        "<?xml version=\"1.0\"?>\r\n<response xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" requestID=\"3757984\" version=\"2.0\" serverVersion=\"2.0\" to=\"{MRAS_URI}\" from=\"sip:user1@contoso.com\" reasonPhrase=\"OK\" xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\">\r\n<credentialsResponse credentialsRequestID=\"3757984\">\r\n<credentials>\r\n<username>AgAAJCFf4/sBzVDF7Q9GNmDEp0oLdfto4acI50YDy3IAAAAAOoZBWBV8je4fgGTvyKbxh7sioMY=</username>\r\n<password>{MRAS_PASSWORD}</password>\r\n<duration>480</duration>\r\n</credentials>\r\n<mediaRelayList>\r\n<mediaRelay>\r\n<location>internet</location>\r\n<hostName>av.contoso.com</hostName>\r\n<udpPort>3478</udpPort>\r\n<tcpPort>443</tcpPort>\r\n</mediaRelay>\r\n<mediaRelay>\r\n<location>intranet</location>\r\n<hostName>edge-int.contoso.com</hostName>\r\n<udpPort>3478</udpPort>\r\n<tcpPort>443</tcpPort>\r\n</mediaRelay>\r\n</mediaRelayList>\r\n</credentialsResponse>\r\n</response>"
    )
}

/// The 200 OK with credentials, in compact header forms.
pub fn mras_200() -> Vec<u8> {
    message(
        "SIP/2.0 200 OK",
        &[
            "v: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK58E6CA88;ms-received-port=51647",
            "f: \"user1\"<sip:user1@contoso.com>;tag=6392822386;epid=e114d373a8",
            &format!("t: {};tag=6b04cac19", &MRAS_TO[4..]),
            &format!("i: {MRAS_CALL_ID}"),
            "CSeq: 2 SERVICE",
            "c: application/msrtc-media-relay-auth+xml",
            "Server: RTCC/4.0.0.0 MRAS/2.0",
            "Date: Thu, 26 Nov 2026 13:00:01 GMT",
            "ms-edge-proxy-message-trust: ms-source-type=EdgeProxyGenerated;ms-ep-fqdn=edge-int.contoso.com;ms-source-verified-user=verified",
        ],
        &mras_response_body(),
    )
}

/// The application-sharing offer: host and relay TCP-PASS / TCP-ACT candidates.
pub fn offer_sdp() -> String {
    lines(&[
        "v=0",
        "o=- 0 0 IN IP4 2.2.2.2",
        "s=session",
        "c=IN IP4 2.2.2.2",
        "b=CT:99980",
        "t=0 0",
        "m=applicationsharing 58138 TCP/RTP/AVP 127",
        "a=ice-ufrag:PFb1",
        "a=ice-pwd:EwhnzgwKgaoRuI2T2gKRRqYz",
        "a=candidate:1 1 TCP-PASS 2120613887 10.98.2.1 21916 typ host",
        "a=candidate:1 2 TCP-PASS 2120613374 10.98.2.1 21916 typ host",
        "a=candidate:2 1 TCP-ACT 2121006591 10.98.2.1 18574 typ host",
        "a=candidate:2 2 TCP-ACT 2121006078 10.98.2.1 18574 typ host",
        "a=candidate:3 1 TCP-PASS 6556159 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211",
        "a=candidate:3 2 TCP-PASS 6556158 2.2.2.2 58138 typ relay raddr 10.98.2.1 rport 13211",
        "a=rtpmap:127 x-data/90000",
    ])
}

/// The INVITE with the offer; `Supported` folded over two lines.
pub fn invite() -> Vec<u8> {
    message(
        "INVITE sip:user2@fabrikam.com SIP/2.0",
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK1a2b3c",
            "Max-Forwards: 70",
            "From: <sip:user1@contoso.com>;tag=2cd64ff7dc;epid=6750f01948",
            "To: <sip:user2@fabrikam.com>",
            &format!("Call-ID: {CALL_ID}"),
            "CSeq: 1 INVITE",
            "Contact: <sip:user1@contoso.com;opaque=user:epid:lxH-F4F2KFaOdejdehenrlAAA;gruu>",
            USER_AGENT,
            "Supported: ms-dialog-route-set-update,\r\n timer, histinfo",
            "Ms-Conversation-ID: Ac3Wuri73DV0XRhGRBSO/PHZU2QhhQ==",
            "Content-Type: application/sdp",
        ],
        &offer_sdp(),
    )
}

/// 100 Trying for the INVITE.
pub fn trying() -> Vec<u8> {
    message(
        "SIP/2.0 100 Trying",
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK1a2b3c;ms-received-port=51647",
            "From: <sip:user1@contoso.com>;tag=2cd64ff7dc;epid=6750f01948",
            "To: <sip:user2@fabrikam.com>",
            &format!("Call-ID: {CALL_ID}"),
            "CSeq: 1 INVITE",
        ],
        "",
    )
}

/// The answer: the remote edge's relay 1.1.1.1:50704.
pub fn answer_sdp() -> String {
    lines(&[
        "v=0",
        "o=- 0 0 IN IP4 1.1.1.1",
        "s=session",
        "c=IN IP4 1.1.1.1",
        "b=CT:99980",
        "t=0 0",
        "m=applicationsharing 50704 TCP/RTP/SAVP 127",
        "a=ice-ufrag:G/Yw",
        "a=ice-pwd:EwhnzgwKgaoRuI2T2gKRRqYz",
        "a=candidate:1 1 TCP-PASS 2120613887 10.26.10.50 50058 typ host",
        "a=candidate:1 2 TCP-PASS 2120613374 10.26.10.50 50058 typ host",
        "a=candidate:4 1 TCP-PASS 6556159 1.1.1.1 50704 typ relay raddr 10.26.10.50 rport 50058",
        "a=rtpmap:127 x-data/90000",
    ])
}

/// The 200 OK with ms-client-diagnostics 51007 naming both edges' relays.
pub fn ok_51007() -> Vec<u8> {
    message(
        "SIP/2.0 200 OK",
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK1a2b3c;ms-received-port=51647",
            "From: <sip:user1@contoso.com>;tag=2cd64ff7dc;epid=6750f01948",
            "To: <sip:user2@fabrikam.com>;epid=c23c88d032;tag=fef0c3e438",
            &format!("Call-ID: {CALL_ID}"),
            "CSeq: 1 INVITE",
            "Contact: <sip:user2@fabrikam.com;opaque=user:epid:wyPrDAU4lVq4GhmnrWqEFgAA;gruu>",
            USER_AGENT,
            "ms-client-diagnostics: 51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"application-sharing:ICEWarn=0x0,LocalSite=10.166.24.59:8541,LocalMR=1.1.1.1:50704,RemoteSite=10.98.2.1:21916,RemoteMR=2.2.2.2:58138,PortRange=50040:50059,LocalMRTCPPort=50704,RemoteMRTCPPort=58138,LocalLocation=1,RemoteLocation=2,FederationType=1\"",
            "Content-Type: application/sdp",
        ],
        &answer_sdp(),
    )
}

/// The ACK of the 200.
pub fn ack() -> Vec<u8> {
    message(
        "ACK sip:user2@fabrikam.com;opaque=user:epid:wyPrDAU4lVq4GhmnrWqEFgAA;gruu SIP/2.0",
        &[
            "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK1a2b3d",
            "Max-Forwards: 70",
            "From: <sip:user1@contoso.com>;tag=2cd64ff7dc;epid=6750f01948",
            "To: <sip:user2@fabrikam.com>;epid=c23c88d032;tag=fef0c3e438",
            &format!("Call-ID: {CALL_ID}"),
            "CSeq: 1 ACK",
        ],
        "",
    )
}

/// An OPTIONS keep-alive between servers over `transport` (`UDP`, `TCP`),
/// or its 200 OK.
pub fn options(transport: &str, answer: bool) -> Vec<u8> {
    let (start, to) = if answer {
        ("SIP/2.0 200 OK", "To: <sip:gw1.contoso.com:5060>;tag=99aa")
    } else {
        (
            "OPTIONS sip:gw1.contoso.com:5060 SIP/2.0",
            "To: <sip:gw1.contoso.com:5060>",
        )
    };
    message(
        start,
        &[
            &format!("Via: SIP/2.0/{transport} 10.10.10.5:5060;branch=z9hG4bKopt1"),
            "From: <sip:med01.contoso.com:5060>;tag=77bb",
            to,
            "Call-ID: 0ptions-0001@10.10.10.5",
            "CSeq: 41 OPTIONS",
        ],
        "",
    )
}

/// The Mediation Server call: an audio INVITE without relay candidates,
/// or the gateway's 488 with ms-client-diagnostics 52017.
pub fn mediation(answer: bool) -> Vec<u8> {
    if answer {
        return message(
            "SIP/2.0 488 Not Acceptable Here",
            &[
                "Via: SIP/2.0/TCP 10.10.10.1:49500;branch=z9hG4bKmed1",
                "From: <sip:user1@contoso.com>;tag=ed272dd714;epid=8e3ef28192",
                "To: <sip:+15551234@contoso.com;user=phone>;tag=ab1e5513de",
                &format!("Call-ID: {MEDIATION_CALL_ID}"),
                "CSeq: 1 INVITE",
                // The gateway's clock is three hours behind the capture's.
                "Date: Thu, 26 Nov 2026 10:00:07 GMT",
                "ms-client-diagnostics: 52017;reason=\"Encryption levels dont match\"",
            ],
            "",
        );
    }
    message(
        "INVITE sip:+15551234@contoso.com;user=phone SIP/2.0",
        &[
            "Via: SIP/2.0/TCP 10.10.10.1:49500;branch=z9hG4bKmed1",
            "Max-Forwards: 69",
            "From: <sip:user1@contoso.com>;tag=ed272dd714;epid=8e3ef28192",
            "To: <sip:+15551234@contoso.com;user=phone>",
            &format!("Call-ID: {MEDIATION_CALL_ID}"),
            "CSeq: 1 INVITE",
            "Content-Type: application/sdp",
        ],
        &lines(&[
            "v=0",
            "o=- 0 0 IN IP4 10.98.2.1",
            "s=session",
            "c=IN IP4 10.98.2.1",
            "t=0 0",
            "m=audio 54614 RTP/SAVP 114 0 8 101",
            "a=candidate:1 1 UDP 2130706431 10.98.2.1 54614 typ host",
            "a=candidate:1 2 UDP 2130705918 10.98.2.1 54615 typ host",
            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:XykNc+3nFqRWu3l5IJJs/cAFvsUqaL5/ZaVdRhoa|2^31|1:1",
        ]),
    )
}
