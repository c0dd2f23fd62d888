use super::*;
use crate::inputs::{correlate, read_log, sniff, InputKind};
use crate::ladder::Index;

fn read(name: &str) -> LogInput {
    let p = edgecap_testkit::capture_path(name);
    let InputKind::Log(kind) = sniff(&p).expect("readable") else {
        panic!("{name} is a log")
    };
    read_log(&p, kind).expect("log")
}

#[test]
fn ends_are_addresses_or_names_without_their_port() {
    assert_eq!(
        end_of(b"10.0.0.1:5061"),
        LogEnd::Ip("10.0.0.1".parse().unwrap())
    );
    assert_eq!(
        end_of(b"edge-int.contoso.com:5062"),
        LogEnd::Name("edge-int.contoso.com".into())
    );
    assert_eq!(end_of(b"host:x"), LogEnd::Name("host:x".into()));
    assert_eq!(end_of(b"a\x1bb"), LogEnd::Name("a\\x1bb".into()));
}

#[test]
fn logs_mark_the_capture_rows_they_share_and_add_their_own_in_time_order() {
    let (a, d) = crate::test_util::diagnosed("sip-signalling.pcap");
    let mut logs = vec![read("lync-client.uccapilog"), read("lync-fe-sipstack.txt")];
    for l in &mut logs {
        correlate(l, &a);
    }
    let plain = Index::build(&a, &d);
    let index = Index::build_with_logs(&a, &d, &logs);
    // Every message both logs share with the capture is shown once, marked
    // with both sources; no capture row is lost.
    let capture_rows: Vec<&LadderRow> = index
        .rows
        .iter()
        .filter(|r| !matches!(r.source, RowSource::Log { .. }))
        .collect();
    assert_eq!(capture_rows.len(), plain.rows.len());
    for (l, log) in logs.iter().enumerate() {
        for (i, s) in log.sips.iter().enumerate() {
            let mark = log_mark(log, s.line);
            let holding: Vec<&LadderRow> = index
                .rows
                .iter()
                .filter(|r| r.label.contains(&mark))
                .collect();
            assert_eq!(holding.len(), 1, "{mark} shown once");
            match log.messages[i] {
                Some(m) => assert_eq!(holding[0].source, RowSource::Message(m), "{mark}"),
                None => assert_eq!(holding[0].source, RowSource::Log { log: l, sip: i }),
            }
        }
    }
    // The front end's SERVICE relayed to the edge is only in its log: a row
    // of its own toward the edge's name, on the capture's clock.
    let own: Vec<&LadderRow> = index
        .rows
        .iter()
        .filter(|r| matches!(r.source, RowSource::Log { .. }))
        .collect();
    assert!(!own.is_empty());
    assert!(own
        .iter()
        .all(|r| r.flow == crate::ladder::LOG_FLOW && r.frame_text() == "-"));
    let edge = index
        .columns
        .iter()
        .position(|c| c == "edge-int.contoso.com")
        .expect("a column for the edge named in the log");
    assert!(own
        .iter()
        .any(|r| r.to == edge && r.label.starts_with("SERVICE")));
    // Rows stay in time order where times are known.
    let times: Vec<i64> = index
        .rows
        .iter()
        .filter_map(|r| r.ts.map(|t| t.0))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
}

#[test]
fn a_log_without_an_offset_adds_no_rows() {
    let (a, d) = crate::test_util::diagnosed("tcp-outcomes.pcap");
    let mut log = read("lync-client.uccapilog");
    correlate(&mut log, &a);
    assert_eq!(log.offset_ns(), None);
    let index = Index::build_with_logs(&a, &d, &[log]);
    assert_eq!(index, Index::build(&a, &d));
}
