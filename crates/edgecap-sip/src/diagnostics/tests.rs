use super::*;

#[test]
fn mras_refused_1038() {
    let d = Diagnostic::parse(
        b"1038;reason=\"Failed to connect to a peer server\";WinsockFailureCode=\"10061(WSAECONNREFUSED)\";WinsockFailureDescription=\"The peer actively refused the connection attempt\";Peer=\"TEST-LS14-EDGE1.dmz.test.deitterick.com\";Port=\"5062\";source=\"TEST-LS14-SE1.test.deitterick.com\"",
    )
    .expect("diag");
    assert_eq!(d.code, Some(1038));
    assert_eq!(d.reason(), Some(&b"Failed to connect to a peer server"[..]));
    assert_eq!(
        d.param("winsockfailurecode"),
        Some(&b"10061(WSAECONNREFUSED)"[..])
    );
    assert_eq!(
        d.param("Peer"),
        Some(&b"TEST-LS14-EDGE1.dmz.test.deitterick.com"[..])
    );
    assert_eq!(d.port(), Some(5062));
    assert_eq!(
        d.param("source"),
        Some(&b"TEST-LS14-SE1.test.deitterick.com"[..])
    );
    assert_eq!(d.params.len(), 6);
    assert!(d.meaning().is_some());
    assert!(d.media_debug.is_empty());
}

#[test]
fn callee_media_debug_51007() {
    let d = Diagnostic::parse(
        b"51007;reason=\"Callee media connectivity diagnosis info\";CalleeMediaDebug=\"application-sharing:ICEWarn=0x0,LocalSite=10.166.24.59:8541,LocalMR=1.1.1.1:50704,RemoteSite=10.98.2.1:21916,RemoteMR=2.2.2.2:58138,PortRange=50040:50059,LocalMRTCPPort=50704,RemoteMRTCPPort=58138,LocalLocation=1,RemoteLocation=2,FederationType=1\"",
    )
    .expect("diag");
    assert_eq!(d.code, Some(51007));
    let [m] = d.media_debug.as_slice() else {
        panic!("one media: {:?}", d.media_debug)
    };
    assert_eq!(m.source, b"CalleeMediaDebug");
    assert_eq!(m.media, b"application-sharing");
    assert_eq!(m.addr("LocalMR"), "1.1.1.1:50704".parse().ok());
    assert_eq!(m.addr("RemoteMR"), "2.2.2.2:58138".parse().ok());
    assert_eq!(m.port("LocalMRTCPPort"), Some(50704));
    assert_eq!(m.port("RemoteMRTCPPort"), Some(58138));
    assert_eq!(m.get("PortRange"), Some(&b"50040:50059"[..]));
    assert_eq!(m.values.len(), 11);
}

#[test]
fn other_field_note_forms() {
    let d = Diagnostic::parse(b"2;reason=\"See response code and reason phrase\";source=\"x\";HRESULT=\"0xC3E93C69(SIPPROXY_E_CONNECTION_FAILED)\"").expect("diag");
    assert_eq!(d.code, Some(2));
    assert_eq!(
        d.param("HRESULT"),
        Some(&b"0xC3E93C69(SIPPROXY_E_CONNECTION_FAILED)"[..])
    );
    let d = Diagnostic::parse(b"9006;source=\"Edge Internal interfacefqdn\";reason=\"Forbidden\";component=\"Media Relay Authentication Service\"").expect("diag");
    assert_eq!(
        d.param("component"),
        Some(&b"Media Relay Authentication Service"[..])
    );
    let d = Diagnostic::parse(b"52017;reason=\"Encryption levels dont match\"").expect("diag");
    assert_eq!(d.reason(), Some(&b"Encryption levels dont match"[..]));
    let d = Diagnostic::parse(b"x;reason=\"a;b\";novalue;Port=\"99999\"").expect("diag");
    assert_eq!(d.code, None);
    assert_eq!(d.reason(), Some(&b"a;b"[..]));
    assert_eq!(d.port(), None);
    assert_eq!(Diagnostic::parse(b"  "), None);
}

#[test]
fn parameter_count_is_bounded() {
    let mut v = b"1".to_vec();
    for i in 0..200 {
        v.extend_from_slice(format!(";p{i}=\"v\"").as_bytes());
    }
    let d = Diagnostic::parse(&v).expect("diag");
    assert!(d.params.len() <= MAX_PARAMS);
}
