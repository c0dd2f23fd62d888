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
