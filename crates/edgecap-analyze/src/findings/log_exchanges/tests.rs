use super::*;
use edgecap_sip::log::{LogItem, LogKind, LogReader};

fn sips(text: &str) -> Vec<LogSip> {
    LogReader::new(text.as_bytes(), LogKind::SipStack)
        .filter_map(|i| match i {
            LogItem::Sip(s) => Some(*s),
            _ => None,
        })
        .collect()
}

/// The line of the first record with `status` (`None`: a request) and `cseq`.
fn line_of(log: &[LogSip], status: Option<u16>, cseq: &[u8]) -> u64 {
    log.iter()
        .find(|s| {
            s.message.cseq().is_some_and(|c| {
                format!("{} {}", c.seq, String::from_utf8_lossy(&c.method)).as_bytes() == cseq
            }) && s.message.status() == status
        })
        .map(|s| s.line)
        .expect("the record is in the log")
}

#[test]
fn the_front_ends_504_is_found_from_the_log_when_the_capture_lacks_it() {
    let log = sips(&edgecap_testkit::samples::sipstack_log().unwrap());
    let none = vec![None; log.len()];
    let all = of_log("fe.txt", b"fe.txt", &log, &none);
    let mras: Vec<&Finding> = all.iter().filter(|f| f.id == mras_failed::ID).collect();
    assert_eq!(mras.len(), 1, "{all:?}");
    let f = mras[0];
    let req = line_of(&log, None, b"1 SERVICE");
    let resp = line_of(&log, Some(504), b"1 SERVICE");
    assert!(req < resp);
    assert!(
        f.summary.starts_with(&format!(
            "MRAS request for sip:user1@contoso.com (SERVICE CSeq 1) received from 10.98.2.1:51647 [log fe.txt:{req}] answered 504 Server time-out, sent to 10.98.2.1:51647 [log fe.txt:{resp}]: ms-diagnostics 1038"
        )),
        "{}",
        f.summary
    );
    assert!(f.summary.ends_with("; not in the capture"));
    assert!(f.explanation.contains("actively refused"));
    assert!(f.frames.is_empty());
    assert!(f.details.contains(&("log", Detail::Text("fe.txt".into()))));
    assert!(f.details.contains(&(
        "log_lines",
        Detail::List(vec![req.to_string(), resp.to_string()])
    )));
    assert!(f.details.contains(&("port", Detail::Port(5062))));
    // The 488 from the Mediation Server is the log's sip.error_response.
    let err: Vec<&Finding> = all.iter().filter(|f| f.id == sip_error::ID).collect();
    assert!(
        err.iter().all(|f| f.summary.contains("[log fe.txt:")),
        "{err:?}"
    );
}

#[test]
fn an_exchange_the_capture_holds_is_left_to_the_capture() {
    let log = sips(&edgecap_testkit::samples::sipstack_log().unwrap());
    let resp = line_of(&log, Some(504), b"1 SERVICE");
    // The 504 has a capture frame: the capture reports it, not the log.
    let frames: Vec<Option<u64>> = log.iter().map(|s| (s.line == resp).then_some(5)).collect();
    let all = of_log("fe.txt", b"fe.txt", &log, &frames);
    assert!(all.iter().all(|f| f.id != mras_failed::ID), "{all:?}");
    // The request alone in the capture becomes evidence frame.
    let req = line_of(&log, None, b"1 SERVICE");
    let frames: Vec<Option<u64>> = log.iter().map(|s| (s.line == req).then_some(4)).collect();
    let all = of_log("fe.txt", b"fe.txt", &log, &frames);
    let f = all.iter().find(|f| f.id == mras_failed::ID).unwrap();
    assert_eq!(f.frames, vec![FrameNo(4)]);
}

#[test]
fn the_edge_answering_the_relayed_service_and_a_hostile_name() {
    let text = "\
TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (SIPStack,x)$$begin_record
Direction: outgoing;source=\"local\";destination=\"internal edge\"
Peer: edge-int.contoso.com:5062
Start-Line: SERVICE sip:edge-int.contoso.com:5062;grid SIP/2.0
Call-ID: abc
CSeq: 7 SERVICE
Content-Type: application/msrtc-media-relay-auth+xml
Message-Body: <request requestID=\"1\" version=\"2.0\" to=\"x\" from=\"y\" xmlns=\"http://schemas.microsoft.com/2006/09/sip/mrasp\"><credentialsRequest credentialsRequestID=\"1\"><identity>sip:u@contoso.com</identity><location>internet</location><duration>480</duration></credentialsRequest></request>
$$end_record
TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.201.00005387 (SIPStack,x)$$begin_record
Direction: incoming;source=\"internal edge\";destination=\"local\"
Peer: edge-int.contoso.com:5062
Start-Line: SIP/2.0 403 Forbidden
Call-ID: abc
CSeq: 7 SERVICE
ms-diagnostics: 9006;reason=\"requester not authorized\"
Message-Body: -
$$end_record
";
    let log = sips(text);
    assert_eq!(log.len(), 2);
    let all = of_log("a\\x1b[2Jb", b"a\x1b[2Jb", &log, &[None, None]);
    assert_eq!(all.len(), 1, "{all:?}");
    let f = &all[0];
    assert_eq!(f.id, mras_failed::ID);
    assert!(
        f.summary.contains(
            "(SERVICE CSeq 7) sent to edge-int.contoso.com:5062 [log a\\x1b[2Jb:1] answered 403 Forbidden, received from edge-int.contoso.com:5062 [log a\\x1b[2Jb:10]: ms-diagnostics 9006"
        ),
        "{}",
        f.summary
    );
    assert!(f.explanation.contains("authorised"));
    assert!(f
        .details
        .contains(&("log", Detail::Text(text_or_hex(b"a\x1b[2Jb").into_owned()))));
    assert!(!f.summary.contains('\x1b'));
}

#[test]
fn an_unanswered_request_or_a_success_is_no_finding() {
    let text = edgecap_testkit::samples::sipstack_log().unwrap();
    let log = sips(&text);
    // Only requests: nothing answered, nothing reported.
    let requests: Vec<LogSip> = log
        .into_iter()
        .filter(|s| s.message.status().is_none())
        .collect();
    let none = vec![None; requests.len()];
    assert!(of_log("fe.txt", b"fe.txt", &requests, &none).is_empty());
}
