//! STUB (being written): frame → IP packet decoding, composing link, IP and defragmentation.

use super::{NetAnomaly, Packet};
use crate::capture::Frame;

/// Decodes frames into IP packets, holding IPv4 fragments until they are complete.
#[derive(Default)]
pub struct NetDecoder {}

impl NetDecoder {
    /// A decoder with the default defragmentation limits.
    pub fn new() -> Self {
        NetDecoder {}
    }

    /// Decodes one frame. Returns `None` for frames that carry no complete IP packet
    /// (non-IP, a fragment still waiting, or malformed: then an anomaly is pushed).
    pub fn decode<'a>(
        &'a mut self,
        frame: &Frame<'a>,
        anomalies: &mut Vec<NetAnomaly>,
    ) -> Option<Packet<'a>> {
        let _ = (frame, anomalies);
        None
    }
}
