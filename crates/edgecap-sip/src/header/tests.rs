use super::*;

#[test]
fn compact_and_long_names() {
    assert_eq!(canonical_name(b"i").as_deref(), Some("call-id"));
    assert_eq!(canonical_name(b"L").as_deref(), Some("content-length"));
    assert_eq!(
        canonical_name(b"CONTENT-TYPE").as_deref(),
        Some("content-type")
    );
    assert_eq!(
        canonical_name(b"ms-diagnostics").as_deref(),
        Some("ms-diagnostics")
    );
    assert_eq!(canonical_name(b"q").as_deref(), Some("q"));
    assert_eq!(canonical_name(b"bad name"), None);
    assert_eq!(canonical_name(b""), None);
}

#[test]
fn name_addr_from_the_field_notes() {
    let a = NameAddr::parse(
        b"\"William Cooper\"<sip:wcooper@test.deitterick.com>;tag=6392822386;epid=e114d373a8",
    )
    .expect("parses");
    assert_eq!(a.display.as_deref(), Some(&b"William Cooper"[..]));
    assert_eq!(a.uri, b"sip:wcooper@test.deitterick.com");
    assert_eq!(a.tag.as_deref(), Some(&b"6392822386"[..]));
    assert_eq!(a.epid.as_deref(), Some(&b"e114d373a8"[..]));
    let b = NameAddr::parse(b"<sip:user@hotmail.com;mepid=F63>; tag=ab1e5513de").expect("parses");
    assert_eq!(b.uri, b"sip:user@hotmail.com;mepid=F63");
    assert_eq!(b.tag.as_deref(), Some(&b"ab1e5513de"[..]));
    let c = NameAddr::parse(b"sip:bob@example.com;tag=x").expect("parses");
    assert_eq!(
        (c.uri.as_slice(), c.tag.as_deref()),
        (&b"sip:bob@example.com"[..], Some(&b"x"[..]))
    );
    assert_eq!(NameAddr::parse(b"  "), None);
}

#[test]
fn cseq_and_via() {
    assert_eq!(
        CSeq::parse(b"1 SERVICE"),
        Some(CSeq {
            seq: 1,
            method: b"SERVICE".to_vec()
        })
    );
    assert_eq!(CSeq::parse(b"4294967296 INVITE"), None);
    assert_eq!(CSeq::parse(b"1"), None);
    let v = Via::parse_all(
        b"SIP/2.0/TLS 172.16.7.6:60353;branch=z9hG4bK58E6;branched=FALSE,SIP/2.0/TLS 172.16.7.8:58674;ms-received-port=58674",
    );
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].transport, b"TLS");
    assert_eq!(v[0].sent_by, b"172.16.7.6:60353");
    assert_eq!(v[0].branch.as_deref(), Some(&b"z9hG4bK58E6"[..]));
    assert_eq!(v[1].sent_by, b"172.16.7.8:58674");
    assert_eq!(v[1].branch, None);
    assert!(Via::parse_all(b"garbage").is_empty());
}

#[test]
fn dates() {
    // date -u -d 'Thu, 21 Feb 2002 13:02:03 GMT' +%s = 1014296523
    assert_eq!(
        parse_date(b"Thu, 21 Feb 2002 13:02:03 GMT"),
        Some(1_014_296_523)
    );
    assert_eq!(
        parse_date(b" Sat, 29 Feb 2020 00:00:00 UTC "),
        Some(1_582_934_400)
    );
    assert_eq!(parse_date(b"Thu, 21 Feb 2002 13:02:03 +0100"), None);
    assert_eq!(parse_date(b"21 Feb 2002 13:02:03 GMT"), None);
    assert_eq!(parse_date(b"Thu, 21 Foo 2002 13:02:03 GMT"), None);
    assert_eq!(parse_date(b"Thu, 21 Feb 2002 25:02:03 GMT"), None);
    assert_eq!(parse_date(b"Thu, 0 Feb 2002 13:02:03 GMT"), None);
}
