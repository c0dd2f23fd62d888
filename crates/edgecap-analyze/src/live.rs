//! The live engine: a capture analysed while it is still being written
//! (`edgecap --follow FILE`, `tcpdump -w - | edgecap -`). [`LiveAnalysis`]
//! takes frames one at a time through the same [`Ingest`] and protocol sink
//! as the batch engine, and gives on demand a [`LiveAnalysis::snapshot`]:
//! the analysis of the frames so far, which the ordinary detectors
//! ([`crate::diagnose`]) read. [`Certainty`] decides which of a snapshot's
//! findings are certain — they can no longer change by more packets — so a
//! live view shows each finding once, when it is true for good.
//!
//! A snapshot costs time and memory in proportion to the analysis so far
//! (it copies flow records and kept messages); the caller spaces snapshots
//! out so that the total stays linear (see docs/live.md).

mod certain;

pub use certain::{settle_ns, Certainty, FindingKey, SETTLE_NS};

use crate::engine::{complete, AnalyzeOptions};
use crate::ingest::Ingest;
use crate::Analysis;
use edgecap_capture::{CaptureFormat, CaptureWarning, Frame, LinkType, Timestamp};
use edgecap_net::icmp::IcmpError;
use edgecap_net::reassembly::StreamEvent;
use edgecap_net::table::{FlowRecord, FlowSink};
use edgecap_net::{Direction, FlowId};
use edgecap_proto::ProtoSink;
use std::net::IpAddr;

/// A capture under analysis while its frames arrive.
pub struct LiveAnalysis {
    ingest: Ingest,
    sink: EndTap,
    link_types: Vec<LinkType>,
    opts: AnalyzeOptions,
}

/// The protocol sink, noting which flows ended since the caller last asked.
struct EndTap {
    proto: ProtoSink,
    ended: Vec<FlowId>,
}

impl FlowSink for EndTap {
    fn datagram(&mut self, flow: &FlowRecord, dir: Direction, frame: &Frame<'_>, payload: &[u8]) {
        self.proto.datagram(flow, dir, frame, payload);
    }
    fn stream(&mut self, flow: &FlowRecord, dir: Direction, event: StreamEvent<'_>) {
        self.proto.stream(flow, dir, event);
    }
    fn flow_end(&mut self, flow: &FlowRecord) {
        self.proto.flow_end(flow);
        self.ended.push(flow.id);
    }
    fn icmp_error(
        &mut self,
        flow: &FlowRecord,
        dir: Direction,
        frame: &Frame<'_>,
        from: IpAddr,
        error: &IcmpError<'_>,
    ) {
        self.proto.icmp_error(flow, dir, frame, from, error);
    }
}

impl LiveAnalysis {
    /// An empty analysis of a capture called `name` (as the batch engine
    /// names it) in `format`.
    pub fn new(
        name: &[u8],
        format: CaptureFormat,
        compressed: bool,
        opts: &AnalyzeOptions,
    ) -> LiveAnalysis {
        LiveAnalysis {
            ingest: Ingest::new(name, format, compressed),
            sink: EndTap {
                proto: ProtoSink::new(),
                ended: Vec::new(),
            },
            link_types: Vec::new(),
            opts: opts.clone(),
        }
    }

    /// Analyses one more frame.
    pub fn push(&mut self, frame: &Frame<'_>) {
        if !self.link_types.contains(&frame.link) {
            self.link_types.push(frame.link);
        }
        self.ingest.push(frame, &mut self.sink);
    }

    /// The capture time of the latest frame so far.
    pub fn now(&self) -> Option<Timestamp> {
        self.ingest.info().last_ts
    }

    /// The flows whose payload ended (reset, closed, expired) since the last
    /// call, in the order they ended.
    pub fn take_ended(&mut self) -> Vec<FlowId> {
        std::mem::take(&mut self.sink.ended)
    }

    /// The analysis of the frames so far (see [`Ingest::snapshot`] and
    /// `ProtoSink::snapshot`), MESSAGE-INTEGRITY verified.
    pub fn snapshot(&self) -> Analysis {
        let proto = self.sink.proto.snapshot();
        let mut analysis = self.ingest.snapshot(&self.link_types);
        complete(&mut analysis, proto, &self.opts.credentials);
        analysis
    }

    /// Ends the capture: every live flow ends, as in the batch engine; the
    /// result equals the batch analysis of the same frames. `reader_end` is
    /// the reader's link types and warnings at its end, when it reached it
    /// (else the link types of the frames seen are used). Also returns the
    /// flows ended since [`Self::take_ended`] was last called.
    pub fn finish(
        self,
        reader_end: Option<(Vec<LinkType>, Vec<CaptureWarning>)>,
    ) -> (Analysis, Vec<FlowId>) {
        let (link_types, warnings) = reader_end.unwrap_or((self.link_types, Vec::new()));
        let mut sink = self.sink;
        let mut analysis = self.ingest.finish(&mut sink, link_types, warnings, None);
        complete(&mut analysis, sink.proto.finish(), &self.opts.credentials);
        (analysis, sink.ended)
    }
}

#[cfg(test)]
mod tests;
