//! The driver: runs one capture through the layers — reader, link/IP
//! decoding, flow table, TCP reassembly and the protocol decoders — and
//! collects the immutable [`Analysis`] (its shape is [`crate::model`]'s) that
//! reports render.
//!
//! The engine streams: it holds one frame at a time plus the live flow state,
//! so memory follows live flows, buffered out-of-order bytes and the decoded
//! protocol messages, not file size. [`analyze`] runs the capture into any
//! [`FlowSink`]; [`analyze_capture`] runs the whole pipeline with a
//! [`ProtoSink`], merges the protocol anomalies into the [`AnomalyLog`] and
//! verifies MESSAGE-INTEGRITY with the [`AnalyzeOptions`] credentials.

use crate::credentials::Credential;
use crate::ingest::Ingest;
use crate::integrity;
use crate::Analysis;
use edgecap_capture::CaptureReader;
use edgecap_net::table::FlowSink;
use edgecap_proto::{ProtoAnalysis, ProtoMsg, ProtoSink};

/// Options of [`analyze_capture`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    /// Long-term credentials to verify MESSAGE-INTEGRITY with.
    pub credentials: Vec<Credential>,
    /// How far a gzip capture may inflate before reading stops (for the
    /// caller that opens the capture: `edgecap_capture::open_capture_with`).
    pub inflate: edgecap_capture::InflateLimit,
    /// Record a [`edgecap_capture::FrameIndex`] in [`Analysis::frame_index`] (8 bytes per
    /// frame) so frames can be re-read later (the timeline's hex dump). Off
    /// by default: `edgecap summary` does not need it.
    pub keep_frame_index: bool,
}

/// Runs the whole pipeline — network layers and protocol decoders — and
/// returns the analysis with the protocol results, protocol anomalies merged
/// and MESSAGE-INTEGRITY verified with `opts.credentials`.
pub fn analyze_capture(
    reader: CaptureReader,
    name: impl AsRef<[u8]>,
    opts: &AnalyzeOptions,
) -> Analysis {
    analyze_capture_with_progress(reader, name, opts, &mut |_| {})
}

/// How often (in frames) [`analyze_capture_with_progress`] reports progress.
pub const PROGRESS_EVERY_FRAMES: u64 = 4096;

/// How far a running analysis has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadProgress {
    /// Bytes read from the input so far (compressed bytes for gzip).
    pub bytes_read: u64,
    /// Frames read so far.
    pub packets: u64,
}

/// [`analyze_capture`], calling `progress` every [`PROGRESS_EVERY_FRAMES`]
/// frames and once more when the last frame has been read. The callback runs
/// on the analysing thread; keep it cheap (send it over a channel).
pub fn analyze_capture_with_progress(
    mut reader: CaptureReader,
    name: impl AsRef<[u8]>,
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(LoadProgress),
) -> Analysis {
    if opts.keep_frame_index {
        reader.keep_frame_index();
    }
    let mut sink = ProtoSink::new();
    let mut analysis = analyze_inner(reader, name.as_ref(), &mut sink, progress);
    complete(&mut analysis, sink.finish(), &opts.credentials);
    analysis
}

/// Reads the whole capture, passing flow payloads to `sink`, and returns the analysis.
pub fn analyze(reader: CaptureReader, name: impl AsRef<[u8]>, sink: &mut dyn FlowSink) -> Analysis {
    analyze_inner(reader, name.as_ref(), sink, &mut |_| {})
}

fn analyze_inner(
    mut reader: CaptureReader,
    name: &[u8],
    sink: &mut dyn FlowSink,
    progress: &mut dyn FnMut(LoadProgress),
) -> Analysis {
    let mut ingest = Ingest::new(name, reader.format(), reader.is_compressed());
    while let Some(frame) = reader.next_frame() {
        ingest.push(&frame, sink);
        let packets = ingest.info().packets;
        if packets % PROGRESS_EVERY_FRAMES == 0 {
            progress(LoadProgress {
                bytes_read: reader.input_bytes_read(),
                packets,
            });
        }
    }
    progress(LoadProgress {
        bytes_read: reader.input_bytes_read(),
        packets: ingest.info().packets,
    });
    let frame_index = reader.take_frame_index();
    ingest.finish(
        sink,
        reader.link_types().to_vec(),
        reader.warnings().to_vec(),
        frame_index,
    )
}

/// Merges the protocol layer's anomalies into `analysis`, verifies
/// MESSAGE-INTEGRITY with `credentials` and stores `proto` in it.
pub(crate) fn complete(
    analysis: &mut Analysis,
    mut proto: ProtoAnalysis,
    credentials: &[Credential],
) {
    analysis.anomalies.merge_proto(&proto);
    for (i, verdict) in integrity::verify_all(&proto, credentials) {
        if let ProtoMsg::Stun(r) = &mut proto.messages[i].msg {
            r.integrity = verdict;
        }
    }
    analysis.proto = proto;
}

#[cfg(test)]
mod tests {
    use crate::test_util::capture;
    use crate::AnalyzeOptions;
    use edgecap_net::FlowId;

    #[test]
    fn flow_lookup_finds_every_record_even_out_of_order() {
        let mut a = capture("tcp-outcomes.pcap", &AnalyzeOptions::default());
        assert!(a.flows.len() > 3);
        for f in &a.flows {
            assert_eq!(a.flow(f.id).map(|r| r.first_frame), Some(f.first_frame));
            let (t, c, s) = a.flow_ends(f.id).expect("ends");
            assert_eq!((t, c, s), (f.transport, f.client, f.server));
        }
        let unknown = FlowId(a.flows.len() as u32 + 7);
        assert!(a.flow(unknown).is_none() && a.flow_ends(unknown).is_none());
        // Assembled by hand in another order: still found.
        a.flows.reverse();
        let last = a.flows[0].id;
        assert_eq!(a.flow(last).map(|f| f.id), Some(last));
    }
}
