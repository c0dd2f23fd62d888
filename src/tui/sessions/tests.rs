//! Sessions built from real captures: one per allocation story with the
//! state of its outcome, one per SIP call, and the flows that carry each.

use super::{sessions, SessionState};
use crate::test_util::diagnosed;
use edgecap_proto::AllocationOutcome;

#[test]
fn one_session_per_allocation_with_its_state_and_flows() {
    for name in [
        "coturn-loopback.pcap",
        "field-unknown-user.pcap",
        "field-udp-blocked.pcap",
        "field-desktop-sharing-refused.pcap",
    ] {
        let (a, d) = diagnosed(name);
        let got = sessions(&a, &d);
        let turn: Vec<_> = got.iter().filter(|s| s.kind != "call").collect();
        assert_eq!(turn.len(), a.proto.allocations.len(), "{name}");
        assert!(!turn.is_empty(), "{name}");
        for w in turn.windows(2) {
            assert!(w[0].first_frame <= w[1].first_frame, "{name}");
        }
        for story in &a.proto.allocations {
            let first = story.steps.first().map(|s| s.frame).expect("steps");
            let s = turn
                .iter()
                .find(|s| s.first_frame == first && s.client == story.client.to_string())
                .expect("a session for the story");
            let want = match story.outcome {
                AllocationOutcome::Allocated { relayed, .. } => {
                    if let Some(r) = relayed {
                        assert_eq!(s.relayed, r.to_string());
                    }
                    SessionState::Success
                }
                AllocationOutcome::Failed { code, .. } => {
                    assert!(s.errors.contains(&code.to_string()), "{name}: {s:?}");
                    SessionState::Failed
                }
                AllocationOutcome::ChallengeNotAnswered { .. } => SessionState::Failed,
                _ => SessionState::Unanswered,
            };
            assert_eq!(s.state, want, "{name}: {s:?}");
            for f in &story.flows {
                assert!(s.flows.binary_search(f).is_ok(), "{name}: flow {f}");
            }
        }
    }
}

#[test]
fn wrong_passwords_read_as_401s_to_credentials() {
    // coturn's two wrong-credential clients: every authenticated Allocate
    // is challenged again (32 requests, 31 of them authenticated).
    let (a, d) = diagnosed("coturn-loopback.pcap");
    let s = sessions(&a, &d);
    let failed: Vec<_> = s
        .iter()
        .filter(|s| s.state == SessionState::Failed)
        .collect();
    assert_eq!(failed.len(), 2, "{s:?}");
    // The diagnosis counts the same rejections its own way.
    let finding = d
        .findings
        .iter()
        .find(|f| f.id == "turn.auth_failed")
        .expect("turn.auth_failed");
    assert!(
        finding
            .summary
            .contains("rejected 31 authenticated Allocate"),
        "{}",
        finding.summary
    );
    for f in failed {
        assert!(
            f.errors.starts_with("401 Unauthorized to credentials ×31,"),
            "{f:?}"
        );
    }
    assert!(s
        .iter()
        .filter(|s| s.state == SessionState::Success)
        .all(|s| s.errors == "-"));
}

#[test]
fn the_unknown_user_and_the_blocked_udp_read_as_failures() {
    let (a, d) = diagnosed("field-unknown-user.pcap");
    let s = sessions(&a, &d);
    assert!(
        s.iter()
            .any(|s| s.state == SessionState::Failed && s.errors.contains("436")),
        "{s:?}"
    );
    assert!(s.iter().all(|s| s.server.contains("edge")), "{s:?}");
    let (a, d) = diagnosed("field-udp-blocked.pcap");
    let s = sessions(&a, &d);
    assert!(
        s.iter().any(|s| s.state == SessionState::Unanswered),
        "{s:?}"
    );
}

#[test]
fn sip_calls_are_sessions_with_their_signalling_flows() {
    let (a, d) = diagnosed("sip-signalling.pcap");
    let (calls, _) = edgecap_analyze::calls::calls(&a);
    assert!(!calls.is_empty());
    let got = sessions(&a, &d);
    let rows: Vec<_> = got.iter().filter(|s| s.kind == "call").collect();
    assert_eq!(rows.len(), calls.len());
    for (row, call) in rows.iter().zip(&calls) {
        assert_eq!(Some(row.first_frame), call.invite);
        assert!(!row.flows.is_empty(), "{row:?}");
        let want = match call.answer {
            Some((s, _)) if s < 300 => SessionState::Success,
            Some(_) => SessionState::Failed,
            None => SessionState::Unanswered,
        };
        assert_eq!(row.state, want);
        // Every flow carrying one of the call's SIP messages is listed.
        for m in &a.proto.messages {
            if let edgecap_proto::ProtoMsg::Sip(r) = &m.msg {
                if r.msg.call_id() == Some(&call.call_id[..]) {
                    assert!(row.flows.binary_search(&m.flow).is_ok());
                }
            }
        }
    }
}

#[test]
fn a_hostile_sip_uri_is_escaped() {
    use std::collections::{BTreeSet, HashMap};

    use edgecap_analyze::calls::Call;
    use edgecap_capture::FrameNo;
    use edgecap_net::FlowId;

    let call_id = b"abc".to_vec();
    let c = Call {
        call_id: call_id.clone(),
        from: Some(b"sip:\x1b[31mroot\xff@x".to_vec()),
        to: Some("sip:a\u{202e}b@y".as_bytes().to_vec()),
        invite: Some(FrameNo(3)),
        answer: Some((488, FrameNo(5))),
        diagnostics: vec![(52017, FrameNo(5))],
        ..Call::default()
    };
    let sip = HashMap::from([(call_id, BTreeSet::from([FlowId(2), FlowId(0)]))]);
    let s = super::call(&c, &sip, &HashMap::new());
    assert_eq!(s.client, "sip:\\x1b[31mroot\\xff@x");
    assert_eq!(s.server, "sip:a\\u{202e}b@y");
    assert_eq!(s.state, SessionState::Failed);
    assert_eq!(s.errors, "488, diag 52017");
    assert_eq!(s.flows, [FlowId(0), FlowId(2)]);
    assert_eq!(s.first_frame, FrameNo(3));
}
