//! STUN records and request/response matching (Wireshark's `stun.response-in`,
//! `stun.response-to`, `stun.time` and `stun.reqduplicate`, kept apart from
//! decoding as docs/design.md §2.4 step 6 asks).
//!
//! This module owns [`match_transactions`], which fills the transaction links
//! of the [`StunRecord`]s of a frame-ordered list. Matching key: (flow, 128-bit transaction
//! id). The first request of a key is the original, later identical requests
//! are retransmissions, the first success/error response answers it and later
//! ones are duplicates. Requests that never expect an answer (MS-TURN Send,
//! [MS-TURN] 2.2.1) are never marked unanswered. Pure: no I/O, no panics.

use std::collections::HashMap;

use super::record::StunRecord;
use super::{Class, Method, StunMessage};
use crate::decoder::{Decoded, ProtoMsg};
use edgecap_capture::FrameNo;
use edgecap_net::FlowId;

/// Whether a request of this method expects a response. MS-TURN Send
/// requests do not ([MS-TURN] 2.2.1: 0x0104/0x0114 MUST NOT be sent).
pub fn expects_response(msg: &StunMessage) -> bool {
    msg.msg_type.class == Class::Request
        && !(msg.msg_type.method == Method::Send && msg.msg_type.raw == 0x0004)
}

#[derive(Default)]
struct Txn {
    request: Option<usize>,
    response: Option<usize>,
}

/// Fill the transaction links of every STUN record in `messages`, which must
/// be in frame order. Counts and links only; never reorders.
pub fn match_transactions(messages: &mut [Decoded]) {
    let mut txns: HashMap<(FlowId, [u8; 16]), Txn> = HashMap::new();
    for i in 0..messages.len() {
        let (key, class, ts, frame) = match &messages[i].msg {
            ProtoMsg::Stun(r) => (
                (r.flow, r.msg.txid()),
                r.msg.msg_type.class,
                r.ts,
                r.frame(),
            ),
            _ => continue,
        };
        let txn = txns.entry(key).or_default();
        match class {
            Class::Request => match txn.request {
                None => txn.request = Some(i),
                Some(orig) => {
                    let (o_frame, same) = match (&messages[orig].msg, &messages[i].msg) {
                        (ProtoMsg::Stun(o), ProtoMsg::Stun(r)) => (
                            o.frame(),
                            o.msg.msg_type == r.msg.msg_type && o.dir == r.dir,
                        ),
                        _ => continue,
                    };
                    if same {
                        with_record(&mut messages[orig], |o| o.retransmissions += 1);
                        with_record(&mut messages[i], |r| r.retransmission_of = Some(o_frame));
                    } else {
                        // A different request reusing the id starts a new transaction.
                        txn.request = Some(i);
                        txn.response = None;
                    }
                }
            },
            Class::Success | Class::Error => match txn.response {
                Some(first) => {
                    let f = record_frame(&messages[first]);
                    with_record(&mut messages[first], |o| o.retransmissions += 1);
                    with_record(&mut messages[i], |r| r.retransmission_of = f);
                }
                None => {
                    txn.response = Some(i);
                    if let Some(req) = txn.request {
                        let (req_frame, req_ts) = match &messages[req].msg {
                            ProtoMsg::Stun(q) => (q.frame(), q.ts),
                            _ => continue,
                        };
                        with_record(&mut messages[req], |q| q.response_in = Some(frame));
                        with_record(&mut messages[i], |r| {
                            r.response_to = Some(req_frame);
                            r.rtt_ns = Some(ts.0.saturating_sub(req_ts.0));
                        });
                    }
                }
            },
            Class::Indication => {}
        }
    }
    for d in messages.iter_mut() {
        with_record(d, |r| {
            r.unanswered = r.retransmission_of.is_none()
                && r.response_in.is_none()
                && expects_response(&r.msg);
        });
    }
}

fn record_frame(d: &Decoded) -> Option<FrameNo> {
    match &d.msg {
        ProtoMsg::Stun(r) => Some(r.frame()),
        _ => None,
    }
}

fn with_record(d: &mut Decoded, f: impl FnOnce(&mut StunRecord)) {
    if let ProtoMsg::Stun(r) = &mut d.msg {
        f(r);
    }
}
