use super::*;

fn read(text: &str, kind: LogKind) -> (Vec<LogItem>, LogStats) {
    let mut r = LogReader::new(text.as_bytes(), kind);
    let items: Vec<_> = r.by_ref().collect();
    (items, r.stats())
}

fn sips(items: &[LogItem]) -> Vec<&LogSip> {
    items
        .iter()
        .filter_map(|i| match i {
            LogItem::Sip(s) => Some(&**s),
            _ => None,
        })
        .collect()
}

const UCCAPI: &str = "12/10/2012|10:43:06.700 24F8:2648 INFO  :: Function: CUccCallSession::Invite\r\n\
12/10/2012|10:43:06.703 24F8:2648 INFO  :: Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 99 bytes:\r\n\
12/10/2012|10:43:06.703 24F8:2648 INFO  :: INVITE sip:user2@fabrikam.com SIP/2.0\r\n\
Via: SIP/2.0/TLS 10.98.2.1:51647\r\n\
Call-ID: a622d7b9f6464be3a455e6d98ec700b3\r\n\
CSeq: 1 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 5\r\n\
\r\n\
v=0\r\n\
12/10/2012|10:43:06.703 24F8:2648 INFO  :: End of Sending Packet - 10.10.10.1:5061 (From Local Address: 10.98.2.1:51647) 99 bytes\r\n\
12/10/2012|10:43:10.418 24F8:2648 INFO  :: Data Received - 10.10.10.1:5061 (To Local Address: 10.98.2.1:51647) 80 bytes:\r\n\
12/10/2012|10:43:10.418 24F8:2648 INFO  :: SIP/2.0 200 OK\r\n\
Call-ID: a622d7b9f6464be3a455e6d98ec700b3\r\n\
CSeq: 1 INVITE\r\n\
Content-Length: 0\r\n\
\r\n\
12/10/2012|10:43:10.418 24F8:2648 INFO  :: End of Data Received - 10.10.10.1:5061 (To Local Address: 10.98.2.1:51647) 80 bytes\r\n";

#[test]
fn uccapi_messages() {
    assert_eq!(detect(UCCAPI.as_bytes()), Some(LogKind::Uccapi));
    let (items, stats) = read(UCCAPI, LogKind::Uccapi);
    let s = sips(&items);
    assert_eq!(s.len(), 2, "{items:?}");
    assert_eq!(s[0].line, 2);
    assert_eq!(s[0].dir, Some(LogDirection::Sent));
    assert_eq!(s[0].peer.as_deref(), Some(&b"10.10.10.1:5061"[..]));
    assert_eq!(s[0].local.as_deref(), Some(&b"10.98.2.1:51647"[..]));
    assert_eq!(s[0].declared_len, Some(99));
    assert_eq!(s[0].message.method(), Some(&b"INVITE"[..]));
    assert_eq!(s[0].message.body, b"v=0\r\n");
    assert!(
        s[0].message.anomalies.is_empty(),
        "{:?}",
        s[0].message.anomalies
    );
    assert_eq!(s[1].dir, Some(LogDirection::Received));
    assert_eq!(s[1].message.status(), Some(200));
    assert_eq!(s[1].time.map(|t| t.millis), Some(418));
    assert_eq!(
        (stats.messages, stats.skipped_lines, stats.problems),
        (2, 1, 0)
    );
}

#[test]
fn uccapi_broken_records() {
    // The first message is never closed; the second announcement is
    // followed by no SIP line; the file ends inside a third.
    let text = "01/02/2013|01:02:03.004 1:2 INFO :: Sending Packet - 1.2.3.4:5061 (From Local Address: 5.6.7.8:1) 10 bytes:\n\
01/02/2013|01:02:03.004 1:2 INFO :: OPTIONS sip:a SIP/2.0\n\
Content-Length: 0\n\
\n\
01/02/2013|01:02:03.005 1:2 INFO :: Data Received - 1.2.3.4:5061 (To Local Address: 5.6.7.8:1) 10 bytes:\n\
01/02/2013|01:02:03.005 1:2 INFO :: End of Data Received - 1.2.3.4:5061\n\
01/02/2013|01:02:03.006 1:2 INFO :: Sending Packet - 1.2.3.4:5061 (From Local Address: 5.6.7.8:1) 10 bytes:\n\
01/02/2013|01:02:03.006 1:2 INFO :: BYE sip:a SIP/2.0\n";
    let (items, stats) = read(text, LogKind::Uccapi);
    let problems: Vec<_> = items
        .iter()
        .filter_map(|i| match i {
            LogItem::Problem(p) => Some((p.line, p.what.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        problems,
        vec![
            (1, "message not closed before the next message"),
            (5, "no SIP start line after the packet announcement"),
            (7, "message not closed before the end of the file"),
        ]
    );
    assert_eq!(sips(&items).len(), 2);
    assert_eq!(stats.problems, 3);
}

const SIPSTACK: &str = "TL_INFO(TF_PROTOCOL) [0]06E4.0EB4::01/18/2012-05:00:43.101.00005386 (SIPStack,SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125))$$begin_record\n\
Trace-Correlation-Id: 2003888399\n\
Instance-Id: 0000C23F\n\
Direction: outgoing;source=\"local\";destination=\"internal edge\"\n\
Peer: edge-int.contoso.com:5062\n\
Message-Type: request\n\
Start-Line: SERVICE sip:edge-int.contoso.com:5062;grid SIP/2.0\n\
From: <sip:wcooper@contoso.com>;tag=6392822386\n\
CSeq: 1 SERVICE\n\
Call-ID: 3ca1e573619f4be4975e6cd6ec1f44bd\n\
CONTENT-LENGTH: 11\n\
CONTENT-TYPE: application/msrtc-media-relay-auth+xml\n\
Message-Body: <request/>\n\
$$end_record\n\
some unrelated line\n\
TL_ERROR(TF_DIAG) [0]06E4.0EB4::01/18/2012-05:00:53.101.00005390 (SIPStack,SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(830)) [156659184] $$begin_record\n\
LogType: diagnostic\n\
Severity: error\n\
Text: Message expired in the outbound queue before it could be sent\n\
SIP-Start-Line: SERVICE sip:edge-int.contoso.com:5062;grid SIP/2.0\n\
Peer: edge-int.contoso.com:5062\n\
$$end_record\n\
Start-Line: SIP/2.0 504 Server time-out\n\
CSeq: 1 SERVICE\n\
ms-diagnostics: 1038;reason=\"Failed to connect to a peer server\";Port=\"5062\"\n\
Message-Body: -\n\
$$end_record\n";

#[test]
fn sipstack_records() {
    assert_eq!(detect(SIPSTACK.as_bytes()), Some(LogKind::SipStack));
    let (items, stats) = read(SIPSTACK, LogKind::SipStack);
    assert_eq!(items.len(), 3, "{items:?}");
    let LogItem::Sip(s) = &items[0] else {
        panic!("sip first")
    };
    assert_eq!(s.line, 1);
    assert_eq!(s.dir, Some(LogDirection::Sent));
    assert_eq!(s.peer.as_deref(), Some(&b"edge-int.contoso.com:5062"[..]));
    assert_eq!(s.time.map(|t| (t.second, t.millis)), Some((43, 101)));
    assert_eq!(s.message.method(), Some(&b"SERVICE"[..]));
    assert_eq!(s.message.body, b"<request/>");
    assert!(s.message.body_is("application/msrtc-media-relay-auth+xml"));
    let LogItem::Event(e) = &items[1] else {
        panic!("event second")
    };
    assert_eq!(e.severity, b"error");
    assert!(e.text.starts_with(b"Message expired"));
    assert_eq!(e.field("peer"), Some(&b"edge-int.contoso.com:5062"[..]));
    let LogItem::Sip(r) = &items[2] else {
        panic!("headless record third")
    };
    assert_eq!((r.time, r.message.status()), (None, Some(504)));
    assert!(r.message.header("ms-diagnostics").is_some());
    assert_eq!(stats.skipped_lines, 1);
}

#[test]
fn detection_by_content() {
    assert_eq!(detect(b"\xd4\xc3\xb2\xa1 pcap magic"), None);
    assert_eq!(
        detect(b"Start-Line: INVITE sip:a SIP/2.0\n$$end_record\n"),
        Some(LogKind::SipStack)
    );
    assert_eq!(detect(b"hello\nworld\n"), None);
}

#[test]
fn records_are_bounded() {
    let mut text = String::from("TL_INFO(TF_PROTOCOL) [0]1.2::01/18/2012-05:00:43.101.1 (x)$$begin_record\nStart-Line: SIP/2.0 200 OK\nMessage-Body: a\n");
    let line = "b".repeat(1000);
    for _ in 0..(MAX_RECORD_LEN / 1000 + 5) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str("$$end_record\n");
    let (items, _) = read(&text, LogKind::SipStack);
    assert!(matches!(&items[0], LogItem::Problem(p) if p.what.contains("longer than")));
    let LogItem::Sip(s) = &items[1] else {
        panic!("still decoded")
    };
    assert!(s.message.body.len() <= MAX_BODY_LEN);
}
