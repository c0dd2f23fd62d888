//! Following a file written in steps: frames arrive as their records are
//! completed, a record cut off at the current end is waited for (not
//! damage), and a stop ends at the file's end as it stands.

use super::*;
use crate::WarningKind;
use std::io::Write;
use std::sync::mpsc;

/// Byte offsets where each record of a big-endian classic pcap ends.
fn record_ends(bytes: &[u8]) -> Vec<usize> {
    assert_eq!(bytes[..4], [0xa1, 0xb2, 0x3c, 0x4d]);
    let mut ends = Vec::new();
    let mut at = 24;
    while at + 16 <= bytes.len() {
        let caplen = u32::from_be_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + caplen;
        ends.push(at);
    }
    ends
}

#[test]
fn frames_arrive_as_records_complete_and_stop_ends_at_the_file_end() {
    let bytes = std::fs::read(edgecap_testkit::capture_path("tcp-outcomes.pcap")).unwrap();
    let ends = record_ends(&bytes);
    assert_eq!(ends.len(), 31);
    assert_eq!(*ends.last().unwrap(), bytes.len());
    let path = std::env::temp_dir().join(format!("edgecap-follow-{}.pcap", std::process::id()));
    let mut file = File::create(&path).unwrap();
    // Ten whole records and half of the eleventh.
    let cut = (ends[9] + ends[10]) / 2;
    file.write_all(&bytes[..cut]).unwrap();
    file.flush().unwrap();

    let stop: StopFlag = Arc::default();
    let (tx, rx) = mpsc::channel();
    let reader_stop = Arc::clone(&stop);
    let reader_path = path.clone();
    let reading = thread::spawn(move || {
        let mut r = open_follow(&reader_path, InflateLimit::default(), reader_stop).unwrap();
        while let Some(f) = r.next_frame() {
            tx.send(f.no.0).unwrap();
        }
        r.warnings().to_vec()
    });
    let wait = Duration::from_secs(10);
    for n in 1..=10 {
        assert_eq!(rx.recv_timeout(wait), Ok(n));
    }
    // The half record is waited for, not reported.
    assert!(rx.recv_timeout(FOLLOW_POLL * 4).is_err());
    file.write_all(&bytes[cut..]).unwrap();
    file.flush().unwrap();
    for n in 11..=31 {
        assert_eq!(rx.recv_timeout(wait), Ok(n));
    }
    // Half a record more, then stop: the reader ends there, and reports it.
    file.write_all(&bytes[24..24 + 20]).unwrap();
    file.flush().unwrap();
    thread::sleep(FOLLOW_POLL * 2);
    stop.store(true, Ordering::Release);
    let warnings = reading.join().unwrap();
    assert!(rx.try_recv().is_err());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::TruncatedFile);
    assert_eq!(warnings[0].offset, bytes.len() as u64);
    std::fs::remove_file(&path).unwrap();
}
