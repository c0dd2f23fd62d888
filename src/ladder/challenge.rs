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
