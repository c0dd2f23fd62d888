use super::super::calls;
use super::*;
use crate::{analyze_capture, AnalyzeOptions};
use edgecap_capture::CaptureReader;

/// The frame the generator keyed as `what`.
fn key(c: &edgecap_testkit::samples::FieldCapture, what: &str) -> FrameNo {
    FrameNo(
        c.keys
            .iter()
            .find(|k| k.what == what)
            .unwrap_or_else(|| panic!("no key {what}"))
            .frame,
    )
}

#[test]
fn a_generated_call_names_the_pair_that_succeeded_and_was_nominated() {
    let cap = edgecap_testkit::samples::ice_call().unwrap();
    let reader =
        CaptureReader::new(Box::new(std::io::Cursor::new(cap.bytes.clone())), "test").unwrap();
    let a = analyze_capture(reader, b"ice-call.pcap", &AnalyzeOptions::default());
    let (calls, _) = calls(&a);
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    // Who signalled which candidate: the INVITE's are the caller's.
    let sides: Vec<(String, bool)> = c
        .candidates
        .iter()
        .map(|k| (k.addr.to_string(), k.caller))
        .collect();
    assert_eq!(
        sides,
        [
            ("192.168.1.20:50000".to_string(), true),
            ("203.0.113.50:40000".to_string(), true),
            ("10.0.0.7:60000".to_string(), false),
            ("198.51.100.7:60002".to_string(), false),
        ]
    );
    // Two pairs checked; the relay candidate never was.
    assert_eq!(c.checks.len(), 2, "{:?}", c.checks);
    let host = &c.checks[0];
    assert_eq!(host.caller.to_string(), "192.168.1.20:50000");
    assert_eq!(host.callee.to_string(), "10.0.0.7:60000");
    assert_eq!(host.requests, 1, "retransmissions count once");
    assert_eq!(
        (host.succeeded, host.nominated, host.rtt_ns),
        (None, None, None)
    );
    let srflx = &c.checks[1];
    assert_eq!(srflx.caller.to_string(), "192.168.1.20:50000");
    assert_eq!(srflx.callee.to_string(), "198.51.100.7:60002");
    assert_eq!(
        srflx.first_request,
        key(&cap, "the peer's check on the server-reflexive pair")
    );
    assert_eq!(srflx.requests, 2, "one check each way");
    assert_eq!(srflx.succeeded, Some(key(&cap, "its success")));
    assert_eq!(
        srflx.nominated,
        Some(key(&cap, "its success: the pair is nominated (RTT 12 ms)"))
    );
    // The generator answers the peer's check at once, the nominating one
    // after 12 ms: the fastest is the first.
    assert!(srflx.rtt_ns.unwrap() < 12_000_000);
}

#[test]
fn checks_outside_any_call_or_within_one_side_are_not_linked() {
    // ice-only.pcap has the same checks and no SIP: no call, no link.
    let a = crate::test_util::capture("ice-only.pcap", &AnalyzeOptions::default());
    assert!(calls(&a).0.is_empty());
    // A call whose candidates are all the caller's links nothing.
    let mut one_side =
        crate::test_util::capture("field-call-refused.pcap", &AnalyzeOptions::default());
    let (mut cs, _) = calls(&one_side);
    for k in &mut cs[0].candidates {
        k.caller = true;
    }
    cs[0].checks.clear();
    link(&one_side, &mut cs);
    assert!(cs[0].checks.is_empty());
    one_side.proto.messages.clear();
    link(&one_side, &mut cs);
    assert!(cs[0].checks.is_empty());
}
