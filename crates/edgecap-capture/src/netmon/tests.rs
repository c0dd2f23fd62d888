//! Tests of the NetMon reader on files built by the test kit's NetMon
//! writer (laid out as editcap writes them, plus what only NetMon writes):
//! versions 1.1 and 2.0–2.3, per-record media types, metadata records,
//! start time and deltas, the frame table check, damage and resynchronisation,
//! header errors, the frame index and re-reading through it, arbitrary bytes.

use crate::frame_source::FrameSource;
use crate::{CaptureFormat, CaptureReader, FrameNo, LinkType, Timestamp, WarningKind};
use edgecap_testkit::netmon::{NetMonWriter, Record, SystemTime, HEADER_LEN};
use edgecap_testkit::writer::gzip;
use proptest::prelude::*;
use std::io::Cursor;

const START: SystemTime = SystemTime {
    year: 2026,
    month: 11,
    day: 26,
    hour: 10,
    minute: 0,
    second: 0,
    millis: 250,
};

/// 2026-11-26T10:00:00.250Z in Unix nanoseconds.
fn start_ns() -> i64 {
    let t: i64 = "1795687200".parse().unwrap(); // `date -u -d 2026-11-26T10:00:00Z +%s`
    t * 1_000_000_000 + 250_000_000
}

fn pkt(i: usize) -> Vec<u8> {
    let mut d = vec![0xE0 | (i % 16) as u8; 40 + i % 13];
    d[0] = i as u8;
    d
}

#[derive(Debug, PartialEq)]
struct Got {
    no: u64,
    ts: Timestamp,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
}

fn read(bytes: &[u8]) -> (Vec<Got>, Vec<crate::CaptureWarning>, CaptureReader) {
    let mut r = CaptureReader::new(Box::new(Cursor::new(bytes.to_vec())), "t.cap").unwrap();
    let mut out = Vec::new();
    while let Some(f) = r.next_frame() {
        out.push(Got {
            no: f.no.0,
            ts: f.ts,
            link: f.link,
            data: f.data.to_vec(),
            orig_len: f.orig_len,
        });
    }
    let w = r.warnings().to_vec();
    (out, w, r)
}

/// The FILETIME (100 ns since 1601) of the start plus `ms` milliseconds.
fn filetime(ms: i64) -> u64 {
    ((start_ns() + 1_000_000 * ms) / 100 + 116_444_736_000_000_000) as u64
}

/// Five Ethernet records, deltas `i * step` in the version's unit.
fn simple(major: u8, minor: u8, step: u64) -> (Vec<u8>, Vec<u32>) {
    let mut w = NetMonWriter::new(major, minor, 1, START);
    let offsets = (0..5)
        .map(|i| {
            let mut r = Record::ethernet(i as u64 * step, &pkt(i));
            r.filetime = filetime(i as i64);
            w.record(&r)
        })
        .collect();
    (w.finish(), offsets)
}

#[test]
fn netmon_2_0_and_1_1_frames_times_and_lengths() {
    for (major, unit_ns, format) in [
        (2u8, 1000i64, CaptureFormat::NetMon2),
        (1, 1_000_000, CaptureFormat::NetMon1),
    ] {
        let (bytes, _) = simple(major, if major == 1 { 1 } else { 0 }, 1500);
        let (frames, warnings, r) = read(&bytes);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(r.format(), format);
        assert_eq!(r.link_types(), &[LinkType::ETHERNET]);
        assert_eq!(frames.len(), 5);
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.no, i as u64 + 1);
            assert_eq!(f.data, pkt(i));
            assert_eq!(f.orig_len, pkt(i).len() as u32);
            assert_eq!(f.link, LinkType::ETHERNET);
            assert_eq!(f.ts.0, start_ns() + i as i64 * 1500 * unit_ns);
        }
        assert_eq!(frames[0].ts.to_string(), "2026-11-26T10:00:00.250000Z");
    }
}

#[test]
fn start_time_fields_carry_over_like_mktime() {
    let mut odd = START;
    odd.month = 13; // January 2027
    odd.day = 0; // the last day of December 2026
    odd.hour = 25; // 01:00 on the next day
    let mut w = NetMonWriter::new(2, 0, 1, odd);
    w.record(&Record::ethernet(0, &pkt(0)));
    let (frames, _, _) = read(&w.finish());
    assert_eq!(frames[0].ts.to_string(), "2027-01-01T01:00:00.250000Z");
}

#[test]
fn per_record_media_types_metadata_records_and_utc_filetimes() {
    for minor in [1u8, 2, 3] {
        let mut w = NetMonWriter::new(2, minor, 1, START);
        let rec = |media: u16, i: usize| Record {
            delta: 1000 * i as u64,
            orig_len: pkt(i).len() as u32 + 4,
            data: pkt(i),
            media,
            filetime: filetime(i as i64),
        };
        w.record(&rec(1, 0)); // frame 1 Ethernet
        w.record(&rec(0xFFE0, 1)); // frame 2 NetEvent: numbered, skipped
        w.record(&rec(9, 2)); // frame 3 raw IP
        w.record(&rec(0xFFFD, 3)); // network info: no number
        w.record(&rec(0xE000 | 113, 4)); // frame 4 Linux SLL (a converted pcap)
        w.record(&rec(0xFFE0, 5)); // frame 5 NetEvent
        w.record(&rec(6, 6)); // frame 6 NetMon 802.11: numbered, skipped
        w.record(&rec(0x1234, 7)); // frame 7 unknown: numbered, skipped
        w.record(&rec(0, 8)); // frame 8 media 0 = Ethernet
        let (frames, warnings, r) = read(&w.finish());
        assert_eq!(r.frames_read(), 8, "2.{minor}");
        let nos: Vec<u64> = frames.iter().map(|f| f.no).collect();
        assert_eq!(nos, [1, 3, 4, 8], "2.{minor}");
        let links: Vec<LinkType> = frames.iter().map(|f| f.link).collect();
        assert_eq!(
            links,
            [
                LinkType::ETHERNET,
                LinkType::RAW,
                LinkType::LINUX_SLL,
                LinkType::ETHERNET
            ]
        );
        assert_eq!(
            r.link_types(),
            &[LinkType::ETHERNET, LinkType::RAW, LinkType::LINUX_SLL]
        );
        // Delta times are microseconds (1000 µs = 1 ms per step), so both
        // ways of timing give the same instants.
        for (f, i) in frames.iter().zip([0i64, 2, 4, 8]) {
            assert_eq!(
                f.ts.0,
                start_ns() + 1_000_000 * i,
                "2.{minor} frame {}",
                f.no
            );
            assert_eq!(f.orig_len, f.data.len() as u32 + 4);
        }
        let skipped: Vec<&str> = warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Skipped)
            .map(|w| w.message.as_str())
            .collect();
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        assert!(
            skipped[0].starts_with("2 NetEvent") && skipped[0].contains("first is frame 2"),
            "{skipped:?}"
        );
        assert!(skipped[1].starts_with("1 network info") && skipped[1].contains("not numbered"));
        assert!(skipped[2].contains("802.11") && skipped[2].contains("frame 6"));
        assert!(skipped[3].contains("0x1234") && skipped[3].contains("frame 7"));
        assert_eq!(warnings.len(), 4, "no other warning: {warnings:?}");
        assert_eq!(warnings[0].last_good_frame, Some(FrameNo(1)));
    }
}

#[test]
fn a_2_3_filetime_wins_over_the_delta() {
    let mut w = NetMonWriter::new(2, 3, 1, START);
    let mut r = Record::ethernet(5_000_000, &pkt(0)); // delta says +5 s
    r.filetime = filetime(0) + 7; // +700 ns
    w.record(&r);
    r.filetime = u64::MAX; // beyond Timestamp's range: the delta is used
    w.record(&r);
    let (frames, warnings, _) = read(&w.finish());
    assert_eq!(frames[0].ts.0, start_ns() + 700);
    assert_eq!(frames[1].ts.0, start_ns() + 5_000_000_000);
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0]
        .message
        .contains("frame 2: its UTC time stamp is out of range"));
}

#[test]
fn frame_table_in_another_order_or_with_other_counts_is_reported() {
    let (bytes, _) = simple(2, 0, 10);
    let (_, warnings, _) = read(&bytes);
    assert!(warnings.is_empty());
    let mut w = NetMonWriter::new(2, 0, 1, START);
    let mut offsets: Vec<u32> = (0..4)
        .map(|i| w.record(&Record::ethernet(i, &pkt(i as usize))))
        .collect();
    offsets.swap(1, 2);
    w.set_table(offsets.clone());
    let (frames, warnings, _) = read(&w.finish());
    assert_eq!(frames.len(), 4, "frames still read in file order");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .message
            .contains("lists 4 records in another order"),
        "{warnings:?}"
    );
    offsets.pop();
    w.set_table(offsets);
    let (_, warnings, _) = read(&w.finish());
    assert!(
        warnings[0].message.contains("lists 3 records, 4 were read"),
        "{warnings:?}"
    );
}

#[test]
fn every_cut_warns_unless_the_file_is_whole_and_never_loses_earlier_frames() {
    let (bytes, offsets) = simple(2, 1, 10);
    for cut in HEADER_LEN..bytes.len() {
        let (frames, warnings, _) = read(&bytes[..cut]);
        let whole = offsets
            .iter()
            .filter(|&&o| o as usize + 16 + 40 + 2 <= cut)
            .count();
        assert!(frames.len() >= whole.saturating_sub(1), "cut {cut}");
        assert!(
            !warnings.is_empty(),
            "cut at {cut} loses the frame table without a warning"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.kind == WarningKind::TruncatedFile),
            "cut {cut}: {warnings:?}"
        );
    }
    for cut in 0..HEADER_LEN {
        let err = CaptureReader::new(Box::new(Cursor::new(bytes[..cut].to_vec())), "t.cap").err();
        let msg = err.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("cut off") || msg.contains("empty"),
            "cut {cut}: {msg}"
        );
    }
}

#[test]
fn a_corrupt_length_resynchronises_to_the_next_record() {
    for (major, minor) in [(2u8, 0u8), (2, 3), (1, 1)] {
        let (mut bytes, offsets) = simple(major, minor, 10);
        let at = offsets[1] as usize + if major == 1 { 6 } else { 12 };
        bytes[at] = 0xff;
        bytes[at + 1] = 0xff; // captured length 65535 (1.x) or more
        if major == 2 {
            bytes[at + 2] = 0xff;
        }
        let (frames, warnings, _) = read(&bytes);
        let nos: Vec<u64> = frames.iter().map(|f| f.no).collect();
        assert_eq!(nos, [1, 2, 3, 4], "{major}.{minor}: {warnings:?}");
        assert_eq!(frames[1].data, pkt(2));
        assert_eq!(warnings.len(), 2, "{major}.{minor}: {warnings:?}");
        assert_eq!(warnings[0].offset, u64::from(offsets[1]));
        assert!(warnings[0].message.contains("skipped"), "{warnings:?}");
        assert!(
            warnings[1].message.contains("lists 5 records, 4 were read"),
            "{warnings:?}"
        );
    }
}

#[test]
fn unusable_headers_are_fatal_and_a_missing_table_is_a_warning() {
    let (bytes, _) = simple(2, 0, 10);
    let mut v3 = bytes.clone();
    v3[5] = 3;
    let err = CaptureReader::new(Box::new(Cursor::new(v3)), "t.cap")
        .err()
        .unwrap();
    assert!(err.to_string().contains("major version 3"), "{err}");
    let mut net = bytes.clone();
    net[6] = 11;
    let err = CaptureReader::new(Box::new(Cursor::new(net)), "t.cap")
        .err()
        .unwrap();
    assert!(err.to_string().contains("network type 11"), "{err}");
    let mut no_table = bytes.clone();
    no_table[24..32].fill(0);
    let (frames, warnings, _) = read(&no_table);
    assert_eq!(warnings[0].offset, 24);
    assert!(warnings[0].message.contains("no usable frame table"));
    // The table itself (20 bytes of offsets) is then read as a record and
    // found corrupt, never as a frame.
    assert!(
        frames.len() >= 5
            && frames[..5]
                .iter()
                .enumerate()
                .all(|(i, f)| f.data == pkt(i))
    );
}

#[test]
fn tables_between_records_are_skipped() {
    let mut w = NetMonWriter::new(2, 0, 1, START);
    w.record(&Record::ethernet(0, &pkt(0)));
    let user_data_at = HEADER_LEN as u32 + 16 + pkt(0).len() as u32;
    w.raw(&[0x55; 37]);
    w.record(&Record::ethernet(1, &pkt(1)));
    let mut bytes = w.finish();
    bytes[32..36].copy_from_slice(&user_data_at.to_le_bytes());
    bytes[36..40].copy_from_slice(&37u32.to_le_bytes());
    let (frames, warnings, _) = read(&bytes);
    assert_eq!(frames.len(), 2);
    assert!(warnings.is_empty(), "{warnings:?}");
}

#[test]
fn frame_index_and_re_reader_on_every_version_plain_and_gzip() {
    for (major, minor) in [(1u8, 1u8), (2, 0), (2, 1), (2, 2), (2, 3)] {
        let mut w = NetMonWriter::new(major, minor, 1, START);
        for i in 0..6 {
            let mut r = Record::ethernet(i as u64, &pkt(i));
            r.media = if i == 2 { 0xFFE0 } else { 1 };
            r.filetime = filetime(i as i64);
            w.record(&r);
        }
        let bytes = w.finish();
        for gz in [false, true] {
            let data = if gz { gzip(&bytes) } else { bytes.clone() };
            let path = std::env::temp_dir().join(format!(
                "edgecap-netmon-{}-{major}{minor}{gz}.cap",
                std::process::id()
            ));
            std::fs::write(&path, &data).unwrap();
            let mut r = CaptureReader::open(&path).unwrap();
            assert!(r.keep_frame_index());
            let mut seen = Vec::new();
            while let Some(f) = r.next_frame() {
                seen.push((f.no, f.data.to_vec(), f.orig_len, f.link));
            }
            let index = r.take_frame_index().unwrap();
            assert_eq!(index.format(), r.format());
            let mut src = FrameSource::open(&path, &index).unwrap();
            for (no, data, orig_len, link) in &seen {
                let f = src.read(*no).unwrap();
                assert_eq!((&f.data, f.orig_len, f.link), (data, *orig_len, *link));
            }
            if major == 2 && minor >= 1 {
                let err = src.read(FrameNo(3)).unwrap_err().to_string();
                assert!(err.contains("skipped"), "{err}");
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_after_a_netmon_header_never_panic(
        minor in 0u8..5,
        major in 1u8..3,
        body in proptest::collection::vec(any::<u8>(), 0..600),
        table in any::<(u32, u32)>(),
    ) {
        let mut bytes = NetMonWriter::new(major, minor, 1, START).finish();
        bytes[24..28].copy_from_slice(&table.0.to_le_bytes());
        bytes[28..32].copy_from_slice(&table.1.to_le_bytes());
        bytes.truncate(HEADER_LEN);
        bytes.extend_from_slice(&body);
        let (frames, _, r) = read(&bytes);
        prop_assert!(frames.len() as u64 <= r.frames_read());
    }
}
