use super::*;
use crate::{diagnose, EdgeConfig};
use edgecap_sip::log::{LogItem, LogKind, LogReader};

fn sips(text: &str, kind: LogKind) -> Vec<LogSip> {
    LogReader::new(text.as_bytes(), kind)
        .filter_map(|i| match i {
            LogItem::Sip(s) => Some(*s),
            _ => None,
        })
        .collect()
}

#[test]
fn client_log_alone_is_a_timeline_with_its_findings() {
    let log = sips(
        &edgecap_testkit::samples::uccapi_log().unwrap(),
        LogKind::Uccapi,
    );
    let a = analysis_from_log(b"client.uccapilog", &log);
    assert_eq!(a.capture.format, CaptureFormat::LogAlone);
    assert_eq!(a.proto.messages.len(), log.len());
    assert_eq!(a.capture.packets, log.len() as u64);
    // Frames are the records' line numbers, times the log's own clock.
    for (d, s) in a.proto.messages.iter().zip(&log) {
        assert_eq!(d.frames.last, FrameNo(s.line));
        assert_eq!(d.ts.0, s.time.unwrap().unix_nanos());
    }
    // The client log names both ends: every flow is client ⇄ front end.
    let client: IpAddr = "10.98.2.1".parse().unwrap();
    assert!(a.flows.iter().all(|f| f.client.ip == client));
    let d = diagnose(&a, &EdgeConfig::default());
    let mras = d
        .findings
        .iter()
        .find(|f| f.id == "mras.request_failed")
        .expect("the 504 to the MRAS SERVICE is found in the log alone");
    // Its evidence is a line of the log holding the 504.
    let line = mras.frames.iter().find(|fr| {
        log.iter().any(|s| {
            s.line == fr.0 && matches!(s.message.start, StartLine::Response { code: 504, .. })
        })
    });
    assert!(line.is_some(), "{:?}", mras.frames);
}

#[test]
fn server_log_without_its_own_address_uses_the_unknown_writer_and_counts_host_names() {
    let log = sips(
        &edgecap_testkit::samples::sipstack_log().unwrap(),
        LogKind::SipStack,
    );
    let a = analysis_from_log(b"fe.txt", &log);
    assert!(a
        .flows
        .iter()
        .any(|f| f.server == UNKNOWN_WRITER || f.client == UNKNOWN_WRITER));
    // The SERVICE relayed to `edge-int.contoso.com:5062` has a host name.
    let named = log
        .iter()
        .filter(|s| s.peer.as_deref().and_then(endpoint).is_none())
        .count();
    assert!(named > 0);
    assert_eq!(
        a.anomalies.counts.get("log.peer_not_an_address").copied(),
        Some(named as u64)
    );
    assert_eq!(a.proto.messages.len() + named, log.len());
}

#[test]
fn endpoints_parse_v4_and_v6_and_refuse_names() {
    assert_eq!(endpoint(b"10.0.0.1:5061").map(|e| e.port), Some(5061));
    assert!(endpoint(b"[2001:db8::1]:443").is_some());
    assert!(endpoint(b"fe01.contoso.com:5061").is_none());
    assert!(endpoint(b"\xff").is_none());
}
