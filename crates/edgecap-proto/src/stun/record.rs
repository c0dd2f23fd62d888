//! [`StunRecord`]: one decoded STUN / TURN / MS-TURN message located in the
//! capture (flow, direction, frames, time, framing), with the transaction
//! links that [`super::transactions::match_transactions`] fills in and the
//! [`Integrity`] verdict the analysis layer writes once it has checked
//! MESSAGE-INTEGRITY with the user's credentials. A plain
//! value: it imports no other part of the protocol layer but the STUN types.

use super::framing::Framing;
use super::StunMessage;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::reassembly::FrameSpan;
use edgecap_net::{Direction, FlowId};

/// One STUN / TURN / MS-TURN message located in the capture, with its
/// transaction links once [`super::transactions::match_transactions`] has run.
#[derive(Debug, Clone, PartialEq)]
pub struct StunRecord {
    /// The decoded message.
    pub msg: StunMessage,
    /// How it was framed on its transport.
    pub framing: Framing,
    /// The flow.
    pub flow: FlowId,
    /// Direction.
    pub dir: Direction,
    /// First frame and completing frame.
    pub frames: FrameSpan,
    /// Time of the completing frame.
    pub ts: Timestamp,
    /// For a response: the completing frame of the request it answers.
    pub response_to: Option<FrameNo>,
    /// For a request: the completing frame of its first response.
    pub response_in: Option<FrameNo>,
    /// For a response: time since the original request, in nanoseconds.
    pub rtt_ns: Option<i64>,
    /// For a repeated request or response: the frame of the first copy.
    pub retransmission_of: Option<FrameNo>,
    /// For an original request or response: how many copies followed.
    pub retransmissions: u32,
    /// For an original request that expects an answer: none was seen.
    pub unanswered: bool,
    /// MESSAGE-INTEGRITY: absent, present (not checked), or checked valid
    /// or invalid with a credential.
    pub integrity: Integrity,
}

impl StunRecord {
    /// A record without transaction links.
    pub fn new(
        msg: StunMessage,
        framing: Framing,
        flow: FlowId,
        dir: Direction,
        frames: FrameSpan,
        ts: Timestamp,
    ) -> Self {
        let msg_has_integrity = msg.integrity().is_some();
        StunRecord {
            msg,
            framing,
            flow,
            dir,
            frames,
            ts,
            response_to: None,
            response_in: None,
            rtt_ns: None,
            retransmission_of: None,
            retransmissions: 0,
            unanswered: false,
            integrity: if msg_has_integrity {
                Integrity::Present
            } else {
                Integrity::Absent
            },
        }
    }

    /// The completing frame (the frame a report shows for the message).
    pub fn frame(&self) -> FrameNo {
        self.frames.last
    }
}

/// The integrity state a report shows for one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Integrity {
    /// No MESSAGE-INTEGRITY.
    Absent,
    /// MESSAGE-INTEGRITY present but not checked (no matching credential,
    /// or a form that cannot be verified).
    Present,
    /// Checked with a credential: the HMAC matches.
    Valid,
    /// Checked with a credential: the HMAC does not match.
    Invalid,
}

impl Integrity {
    /// Stable name: "absent", "present", "valid", "invalid".
    pub fn as_str(self) -> &'static str {
        match self {
            Integrity::Absent => "absent",
            Integrity::Present => "present",
            Integrity::Valid => "valid",
            Integrity::Invalid => "invalid",
        }
    }
}
