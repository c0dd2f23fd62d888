//! The live engine against the batch engine on sample captures: finishing
//! gives the batch analysis; snapshots taken after every frame make a
//! refusal certain at its RST, leave an unanswered SYN pending until the
//! end, and every certain finding is one of the batch diagnosis.

use super::*;
use crate::test_util::capture;
use crate::{diagnose, EdgeConfig};
use edgecap_capture::open_capture;

fn live_run(name: &str) -> (Vec<(u64, FindingKey)>, Vec<FindingKey>, Analysis) {
    let opts = AnalyzeOptions::default();
    let path = edgecap_testkit::capture_path(name);
    let mut reader = open_capture(&path).expect("opens");
    let mut live = LiveAnalysis::new(name.as_bytes(), reader.format(), false, &opts);
    let mut certainty = Certainty::default();
    let mut certain_at = Vec::new();
    let cfg = EdgeConfig::default();
    while let Some(frame) = reader.next_frame() {
        let no = frame.no.0;
        live.push(&frame);
        let snap = live.snapshot();
        let d = diagnose(&snap, &cfg);
        let now = live.now().expect("a frame was read");
        for i in certainty.update(&d.findings, now) {
            certain_at.push((no, FindingKey::of(&d.findings[i])));
        }
    }
    let (analysis, _) = live.finish(Some((
        reader.link_types().to_vec(),
        reader.warnings().to_vec(),
    )));
    let d = diagnose(&analysis, &cfg);
    let at_end = certainty
        .finish(&d.findings)
        .into_iter()
        .map(|i| FindingKey::of(&d.findings[i]))
        .collect();
    (certain_at, at_end, analysis)
}

#[test]
fn finishing_the_live_engine_gives_the_batch_analysis() {
    for name in [
        "tcp-outcomes.pcap",
        "coturn-loopback.pcap",
        "field-call-refused.pcap",
    ] {
        let (_, _, live) = live_run(name);
        assert_eq!(live, capture(name, &AnalyzeOptions::default()), "{name}");
    }
}

#[test]
fn a_refusal_is_certain_at_its_rst_an_unanswered_syn_at_the_end() {
    let (during, at_end, analysis) = live_run("tcp-outcomes.pcap");
    let refused: Vec<_> = during
        .iter()
        .filter(|(_, k)| k.id == "tcp.connection_refused")
        .collect();
    // Frames 11-16 are three SYN/RST pairs: certain at the first RST.
    assert_eq!(refused.len(), 1, "{during:?}");
    assert_eq!(refused[0].0, 12);
    // The capture lasts 4 s, less than the settle time: the SYN to 5062
    // (frames 23-25) is certain only when the capture ends.
    assert!(!during.iter().any(|(_, k)| k.id == "tcp.syn_unanswered"));
    assert!(at_end.iter().any(|k| k.id == "tcp.syn_unanswered"));
    // Together, exactly the batch findings, each once.
    let batch = diagnose(&analysis, &EdgeConfig::default());
    let mut all: Vec<FindingKey> = during.iter().map(|(_, k)| *k).chain(at_end).collect();
    let mut want: Vec<FindingKey> = batch.findings.iter().map(FindingKey::of).collect();
    let order = |k: &FindingKey| (k.id, k.first_frame, k.first_flow);
    all.sort_by_key(order);
    want.sort_by_key(order);
    assert_eq!(all, want);
}
