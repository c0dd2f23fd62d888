//! SIP requests paired with their final responses, for the SIP detectors:
//! a response answers the latest earlier request with the same Call-ID and
//! CSeq (number and method), whatever flow or direction carried it (a
//! proxy's hop may differ). Provisional responses (1xx) are skipped.
//! Retransmitted requests (same Call-ID, CSeq and method) count once.

use edgecap_core::FrameNo;
use edgecap_net::{Endpoint, FlowId};
use edgecap_proto::{Decoded, ProtoMsg, SipRecord};
use edgecap_sip::header::CSeq;

use crate::Analysis;

/// One SIP message with where it travelled.
pub struct SipAt<'a> {
    /// The message.
    pub rec: &'a SipRecord,
    /// Completing frame.
    pub frame: FrameNo,
    /// Its flow.
    pub flow: FlowId,
    /// Sender.
    pub src: Endpoint,
    /// Receiver.
    pub dst: Endpoint,
}

/// A request and its final response, if one came.
pub struct Exchange<'a> {
    /// The request.
    pub request: SipAt<'a>,
    /// Its CSeq.
    pub cseq: CSeq,
    /// The first final response.
    pub response: Option<SipAt<'a>>,
}

impl<'a> SipAt<'a> {
    /// The message `rec` decoded as `d`, with its sender and receiver.
    pub fn of(analysis: &'a Analysis, d: &'a Decoded, rec: &'a SipRecord) -> Option<SipAt<'a>> {
        let f = analysis.proto.flows.get(&d.flow)?;
        let (src, dst) = match d.dir {
            edgecap_net::Direction::ToServer => (f.client, f.server),
            edgecap_net::Direction::ToClient => (f.server, f.client),
        };
        Some(SipAt {
            rec,
            frame: d.frames.last,
            flow: d.flow,
            src,
            dst,
        })
    }
}

/// Every request of the capture with its final response, in request order.
pub fn exchanges(analysis: &Analysis) -> Vec<Exchange<'_>> {
    let mut out: Vec<Exchange<'_>> = Vec::new();
    for d in &analysis.proto.messages {
        let ProtoMsg::Sip(rec) = &d.msg else {
            continue;
        };
        let m = &rec.msg;
        let (Some(call_id), Some(cseq)) = (m.call_id(), m.cseq()) else {
            continue;
        };
        let same =
            |e: &Exchange<'_>| e.request.rec.msg.call_id() == Some(call_id) && e.cseq == cseq;
        match m.status() {
            None => {
                if out.iter().any(same) {
                    continue;
                }
                if let Some(request) = SipAt::of(analysis, d, rec) {
                    out.push(Exchange {
                        request,
                        cseq,
                        response: None,
                    });
                }
            }
            Some(code) if code >= 200 => {
                if let Some(e) = out.iter_mut().rev().find(|e| same(e)) {
                    if e.response.is_none() {
                        e.response = SipAt::of(analysis, d, rec);
                    }
                }
            }
            Some(_) => {}
        }
    }
    out
}
