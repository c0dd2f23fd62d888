//! [`SipRecord`]: one SIP message found in a capture, as the protocol layer
//! hands it to the analysis.

use edgecap_net::Transport;
use edgecap_sip::SipMessage;

/// A decoded SIP message and how it travelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipRecord {
    /// The message (body cut at `edgecap_sip::message::MAX_BODY_LEN`).
    pub msg: SipMessage,
    /// UDP or TCP.
    pub transport: Transport,
    /// Bytes of the message on the wire (head, blank line, body).
    pub wire_len: u64,
}

impl SipRecord {
    /// Bytes this record keeps in memory (headers and body), for the cap on
    /// kept message bytes.
    pub fn kept_bytes(&self) -> usize {
        self.msg.body.len()
            + self
                .msg
                .headers
                .iter()
                .map(|h| h.name.len() + h.value.len())
                .sum::<usize>()
    }
}
