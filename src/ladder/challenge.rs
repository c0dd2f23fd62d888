//! The normal TURN challenge. A client's first Allocate carries no
//! credentials; the server answers 401 Unauthorized with a realm and nonce,
//! and the client retries with MESSAGE-INTEGRITY (RFC 5766 §6, [MS-TURN]
//! 3.2.5.1). That 401 is how authentication starts, not a problem: the
//! ladder draws it as a neutral row, so "problems only" leaves it out. A 401
//! to a request that carried credentials, or one the client never answers
//! with an authenticated Allocate on the same flow, stays a warning.

use std::collections::{HashMap, HashSet};

use edgecap_analyze::Analysis;
use edgecap_capture::FrameNo;
use edgecap_net::FlowId;
use edgecap_proto::stun::record::Integrity;
use edgecap_proto::stun::{Class, Method};
use edgecap_proto::StunRecord;

/// The Allocate requests of a capture that the normal-challenge rule needs:
/// the anonymous ones, and per flow the last one with credentials.
#[derive(Debug, Default)]
pub struct Challenges {
    /// (flow, completing frame) of Allocate requests without MESSAGE-INTEGRITY.
    anonymous: HashSet<(FlowId, FrameNo)>,
    /// Per flow, the completing frame of the last Allocate request with it.
    last_authenticated: HashMap<FlowId, FrameNo>,
}

impl Challenges {
    /// Collects the Allocate requests of `analysis` (one pass over the messages).
    pub fn new(analysis: &Analysis) -> Challenges {
        let mut out = Challenges::default();
        for r in analysis.proto.stun_records() {
            let t = &r.msg.msg_type;
            if t.method != Method::Allocate || t.class != Class::Request {
                continue;
            }
            if r.integrity == Integrity::Absent {
                out.anonymous.insert((r.flow, r.frames.last));
            } else {
                let last = out
                    .last_authenticated
                    .entry(r.flow)
                    .or_insert(r.frames.last);
                *last = (*last).max(r.frames.last);
            }
        }
        out
    }

    /// Whether `r` is a 401 to an anonymous Allocate that the client
    /// answered with an authenticated Allocate on the same flow.
    pub fn is_normal(&self, r: &StunRecord) -> bool {
        let t = &r.msg.msg_type;
        t.method == Method::Allocate
            && t.class == Class::Error
            && r.msg.error().is_some_and(|e| e.code == 401)
            && r.response_to
                .is_some_and(|req| self.anonymous.contains(&(r.flow, req)))
            && self
                .last_authenticated
                .get(&r.flow)
                .is_some_and(|&auth| auth > r.frames.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::{Index, Outcome, RowSource};
    use crate::test_util::diagnosed;
    use edgecap_proto::ProtoMsg;

    /// (outcome, request integrity) of every 401 row of the ladder.
    fn challenges(name: &str) -> Vec<(Outcome, Integrity)> {
        let (a, d) = diagnosed(name);
        let index = Index::build(&a, &d);
        let records: Vec<&StunRecord> = a.proto.stun_records().collect();
        index
            .rows
            .iter()
            .filter(|r| r.label.starts_with("401"))
            .map(|r| {
                let RowSource::Message(i) = r.source else {
                    panic!("a 401 row is a message: {r:?}")
                };
                let ProtoMsg::Stun(rec) = &a.proto.messages[i].msg else {
                    panic!("a 401 row is STUN: {r:?}")
                };
                let req = records
                    .iter()
                    .find(|q| q.flow == rec.flow && Some(q.frames.last) == rec.response_to)
                    .expect("the 401 answers a request of the capture");
                (r.outcome, req.integrity)
            })
            .collect()
    }

    #[test]
    fn real_coturn_challenges_are_normal_and_wrong_credentials_are_not() {
        // coturn answers each anonymous Allocate with 401 (normal, retried
        // with credentials) and also the wrong password and the unknown
        // user with 401 (requests with MESSAGE-INTEGRITY): those stay warnings.
        let all = challenges("coturn-loopback.pcap");
        let normal = all.iter().filter(|c| c.0 == Outcome::Neutral).count();
        let warned = all.iter().filter(|c| c.0 == Outcome::Warn).count();
        assert!(normal >= 2 && warned >= 2, "{all:?}");
        for (outcome, integrity) in &all {
            assert_eq!(
                *outcome == Outcome::Neutral,
                *integrity == Integrity::Absent,
                "{all:?}"
            );
        }
    }

    #[test]
    fn a_challenge_never_answered_with_credentials_stays_a_warning() {
        // The hostile capture's Allocate (USERNAME, no MESSAGE-INTEGRITY) is
        // challenged and never retried.
        let all = challenges("hostile-strings.pcap");
        assert!(!all.is_empty());
        assert!(all.iter().all(|c| c.0 == Outcome::Warn), "{all:?}");
    }
}
