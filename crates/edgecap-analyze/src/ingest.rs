//! [`Ingest`]: the network half of the engine as a value that takes one
//! frame at a time — link/IP decoding, the flow table with TCP reassembly,
//! the anomaly log and the capture facts — so that the batch engine
//! ([`crate::engine`]) and the live one ([`crate::live`]) share every step.
//!
//! It owns no reader: the caller pulls frames (from a file, a pipe, another
//! thread) and hands them over with the flow sink that receives payloads.
//! Memory is the flow table's (bounded by its named caps) plus the log's
//! [`crate::MAX_ANOMALY_EXAMPLES`].

use crate::model::{AnomalyLog, CaptureInfo};
use crate::Analysis;
use edgecap_capture::{CaptureFormat, CaptureWarning, Frame, FrameIndex, FrameNo, LinkType};
use edgecap_net::table::{FlowSink, FlowTable};
use edgecap_net::{NetAnomaly, NetDecoder};
use edgecap_proto::ProtoAnalysis;

/// The network layers' state over the frames read so far.
pub struct Ingest {
    decoder: NetDecoder,
    table: FlowTable,
    log: AnomalyLog,
    scratch: Vec<NetAnomaly>,
    info: CaptureInfo,
    last_frame: FrameNo,
}

impl Ingest {
    /// An empty state for a capture called `name` in `format`.
    pub fn new(name: &[u8], format: CaptureFormat, compressed: bool) -> Ingest {
        Ingest {
            decoder: NetDecoder::new(),
            table: FlowTable::default(),
            log: AnomalyLog::default(),
            scratch: Vec::new(),
            info: CaptureInfo::empty(name, format, compressed),
            last_frame: FrameNo(0),
        }
    }

    /// Runs one frame through the network layers; payloads go to `sink`.
    pub fn push(&mut self, frame: &Frame<'_>, sink: &mut dyn FlowSink) {
        let info = &mut self.info;
        info.packets += 1;
        info.bytes += u64::from(frame.orig_len);
        info.truncated_frames += u64::from(frame.is_truncated());
        info.first_ts = Some(info.first_ts.map_or(frame.ts, |t| t.min(frame.ts)));
        info.last_ts = Some(info.last_ts.map_or(frame.ts, |t| t.max(frame.ts)));
        self.last_frame = frame.no;
        if let Some(packet) = self.decoder.decode(frame, &mut self.scratch) {
            self.table.process(frame, &packet, &mut self.scratch, sink);
        }
        for anomaly in self.scratch.drain(..) {
            self.log.push(anomaly);
        }
    }

    /// The capture facts so far (packets, bytes, first and last time).
    pub fn info(&self) -> &CaptureInfo {
        &self.info
    }

    /// The analysis of the frames read so far, as if the capture ended here
    /// but without ending anything: flows still live keep their records so
    /// far; the caller adds the protocol results. Copies the flow records
    /// and the anomaly log (time and memory in proportion to them).
    pub fn snapshot(&self, link_types: &[LinkType]) -> Analysis {
        let mut info = self.info.clone();
        info.link_types = link_types.to_vec();
        info.net = self.decoder.stats().clone();
        info.flows_dropped = self.table.drops();
        info.icmp_unlinked = self.table.icmp_unlinked();
        Analysis {
            capture: info,
            flows: self.table.records().to_vec(),
            anomalies: self.log.clone(),
            proto: ProtoAnalysis::default(),
            frame_index: None,
        }
    }

    /// Ends every live flow (their last payload goes to `sink`) and returns
    /// the analysis, with the reader's final facts; the caller adds the
    /// protocol results.
    pub fn finish(
        mut self,
        sink: &mut dyn FlowSink,
        link_types: Vec<LinkType>,
        warnings: Vec<CaptureWarning>,
        frame_index: Option<FrameIndex>,
    ) -> Analysis {
        self.decoder.finish(&mut self.scratch);
        let mut info = self.info;
        info.icmp_unlinked = self.table.icmp_unlinked();
        let (flows, flows_dropped) =
            self.table
                .finish_with_drops(self.last_frame, &mut self.scratch, sink);
        info.flows_dropped = flows_dropped;
        for anomaly in self.scratch.drain(..) {
            self.log.push(anomaly);
        }
        info.link_types = link_types;
        info.net = self.decoder.stats().clone();
        info.warnings = warnings;
        Analysis {
            capture: info,
            flows,
            anomalies: self.log,
            proto: ProtoAnalysis::default(),
            frame_index,
        }
    }
}
