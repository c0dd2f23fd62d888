use super::*;

/// The normal request and response quoted in the field notes.
pub(crate) const REQUEST: &[u8] = br#"<request requestID="3757984" version="2.0" to="sip:TEST-LS14-EDGE1.dmz.test.deitterick.com@test.deitterick.com;gruu;opaque=srvr:MRAS:tmsOHGdb9lGxCPJSi2p6eAAA" from="sip:wcooper@test.deitterick.com" xmlns="https://schemas.microsoft.com/2006/09/sip/mrasp" xmlns:xsi="https://www.w3.org/2001/XMLSchema-instance"><credentialsRequest credentialsRequestID="3757984"><identity>sip:wcooper@test.deitterick.com</identity><location>intranet</location><duration>480</duration></credentialsRequest></request>"#;

pub(crate) const RESPONSE: &[u8] = br#"<?xml version="1.0"?>
<response xmlns:xsi="https://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="https://www.w3.org/2001/XMLSchema" requestID="3757984" version="2.0" serverVersion="2.0" to="sip:TEST-LS14-EDGE1.dmz.test.deitterick.com@test.deitterick.com;gruu;opaque=srvr:MRAS:tmsOHGdb9lGxCPJSi2p6eAAA" from="sip:wcooper@test.deitterick.com" reasonPhrase="OK" xmlns="https://schemas.microsoft.com/2006/09/sip/mrasp">
<credentialsResponse credentialsRequestID="3757984">
<credentials>
<username>AgAAJCFf4/sBzVDF7Q9GNmDEp0oLdfto4acI50YDy3IAAAAAOoZBWBV8je4fgGTvyKbxh7sioMY=</username>
<password>k6GJX093FIYdfVlmHkGSw0Yi+lM=</password>
<duration>480</duration>
</credentials>
<mediaRelayList>
<mediaRelay>
<location>intranet</location>
<hostName>TEST-LS14-EDGE1.dmz.test.deitterick.com</hostName>
<udpPort>3478</udpPort>
<tcpPort>443</tcpPort>
</mediaRelay>
</mediaRelayList>
</credentialsResponse>
</response>"#;

#[test]
fn request() {
    let m = Mras::parse(REQUEST).expect("mras");
    assert_eq!(m.kind, MrasKind::Request);
    assert_eq!(m.request_id.as_deref(), Some(&b"3757984"[..]));
    assert_eq!(
        m.identity.as_deref(),
        Some(&b"sip:wcooper@test.deitterick.com"[..])
    );
    assert_eq!(m.location.as_deref(), Some(&b"intranet"[..]));
    assert_eq!(m.duration_min, Some(480));
    assert_eq!(m.credentials, None);
    assert_eq!(m.malformed, None);
}

#[test]
fn response_keeps_no_password() {
    let m = Mras::parse(RESPONSE).expect("mras");
    assert_eq!(m.kind, MrasKind::Response);
    assert_eq!(m.reason_phrase.as_deref(), Some(&b"OK"[..]));
    let c = m.credentials.as_ref().expect("credentials");
    assert!(c
        .username
        .as_ref()
        .is_some_and(|u| u.starts_with(b"AgAAJCFf4")));
    assert_eq!(c.password_len, Some(28));
    assert_eq!(c.duration_min, Some(480));
    assert_eq!(
        m.media_relays,
        vec![MediaRelay {
            location: Some(b"intranet".to_vec()),
            host_name: Some(b"TEST-LS14-EDGE1.dmz.test.deitterick.com".to_vec()),
            udp_port: Some(3478),
            tcp_port: Some(443),
        }]
    );
    assert_eq!(
        m.location, None,
        "the relay's location is not the request's"
    );
    assert!(!format!("{m:?}").contains("k6GJX093"));
}

#[test]
fn entities_and_damage() {
    let m = Mras::parse(b"<response reasonPhrase=\"x\"><credentialsResponse><mediaRelayList><mediaRelay><hostName>a&amp;b&#x41;&bogus;</hostName></mediaRelay></mediaRelayList></credentialsResponse></response>").expect("mras");
    assert_eq!(
        m.media_relays[0].host_name.as_deref(),
        Some(&b"a&bA&bogus;"[..])
    );
    let m =
        Mras::parse(b"<response><credentialsResponse><credentials><username>u</username></oops>")
            .expect("mras");
    assert!(m.malformed.is_some());
    assert_eq!(m.credentials.and_then(|c| c.username), Some(b"u".to_vec()));
    assert_eq!(Mras::parse(b"<html/>"), None);
    assert_eq!(Mras::parse(b""), None);
    let deep = format!("<request>{}", "<a>".repeat(100));
    assert!(Mras::parse(deep.as_bytes())
        .and_then(|m| m.malformed)
        .is_some());
    let many = format!(
        "<response><credentialsResponse><mediaRelayList>{}</mediaRelayList></credentialsResponse></response>",
        "<mediaRelay><udpPort>3478</udpPort></mediaRelay>".repeat(40)
    );
    let m = Mras::parse(many.as_bytes()).expect("mras");
    assert_eq!(m.media_relays.len(), MAX_MEDIA_RELAYS);
    assert_eq!(m.relays_dropped, 40 - MAX_MEDIA_RELAYS);
}
