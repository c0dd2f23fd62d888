use super::*;

fn captures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures")
}

#[test]
fn logs_are_told_apart_by_content() {
    let c = captures();
    assert_eq!(
        sniff(&c.join("sip-signalling.pcap")).expect("read"),
        InputKind::Capture
    );
    assert_eq!(
        sniff(&c.join("lync-client.uccapilog")).expect("read"),
        InputKind::Log(LogKind::Uccapi)
    );
    assert_eq!(
        sniff(&c.join("lync-fe-sipstack.txt")).expect("read"),
        InputKind::Log(LogKind::SipStack)
    );
    assert_eq!(sniff(Path::new("-")).expect("stdin"), InputKind::Capture);
    let (cap, logs) = split_inputs(&[
        c.join("lync-fe-sipstack.txt"),
        c.join("sip-signalling.pcap"),
    ])
    .expect("split");
    assert_eq!(cap, c.join("sip-signalling.pcap"));
    assert_eq!(logs.len(), 1);
    assert!(split_inputs(&[c.join("lync-fe-sipstack.txt")]).is_err());
    assert!(split_inputs(&[c.join("sip-signalling.pcap"), c.join("tcp-outcomes.pcap")]).is_err());
}

#[test]
fn offsets() {
    assert_eq!(
        parse_offset("a/b.log=-3600.5"),
        Ok((PathBuf::from("a/b.log"), -3_600_500_000_000))
    );
    assert_eq!(
        parse_offset("x=y=2"),
        Ok((PathBuf::from("x=y"), 2_000_000_000))
    );
    assert!(parse_offset("nope").is_err());
    assert!(parse_offset("f=NaN").is_err());
    assert!(parse_offset("f=1e12").is_err());
}

#[test]
fn hostile_log_strings_are_escaped_in_text_and_hex_in_json() {
    let dir = std::env::temp_dir().join(format!("edgecap-hostile-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("hostile.uccapilog");
    let mut log = b"01/02/2026|10:00:00.000 1:2 INFO :: Sending Packet - 10.0.0.1:5061\x1b[2J (From Local Address: 10.0.0.2:1\xe2\x80\xae) 9 bytes:\r\n".to_vec();
    log.extend_from_slice(b"01/02/2026|10:00:00.000 1:2 INFO :: SIP/2.0 488 Bad\xe2\x80\x8b\xff\r\nCall-ID: \x1b]8;;http://x\x1b\\\r\nCSeq: 1 INVITE\r\nms-diagnostics: 52017;reason=\"\x07\x08\xc2\x9b2J\"\r\nContent-Length: 0\r\n\r\n");
    log.extend_from_slice(b"01/02/2026|10:00:00.000 1:2 INFO :: End of Sending Packet\r\n");
    std::fs::write(&path, &log).expect("write");
    let read = read_log(&path, LogKind::Uccapi).expect("read");
    assert_eq!(read.sips.len(), 1, "{:?}", read.problems);
    let mut text = Vec::new();
    crate::report::logs_text::write_logs(&mut text, std::slice::from_ref(&read)).expect("text");
    let text = String::from_utf8(text).expect("utf-8");
    assert!(
        !text
            .chars()
            .any(|c| c != '\n' && edgecap_core::safe::is_unsafe_char(c)),
        "{text:?}"
    );
    assert!(
        text.contains("\\x1b[2J") && text.contains("\\u{200b}") && text.contains("\\xff"),
        "{text}"
    );
    let json =
        serde_json::to_value(crate::report::json_inputs::input_json(&read, 10)).expect("json");
    let sip = &json["sip"][0];
    assert!(
        sip["call_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("hex:")),
        "{sip}"
    );
    assert!(sip["reason"]
        .as_str()
        .is_some_and(|s| s.starts_with("hex:")));
    assert!(sip["peer"].as_str().is_some_and(|s| s.starts_with("hex:")));
    assert!(
        sip["local"].as_str().is_some_and(|s| s.starts_with("hex:")),
        "bidi override"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}
