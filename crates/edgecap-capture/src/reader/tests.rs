//! Tests of [`CaptureReader`] against captures built with the writers:
//! round trips, every truncation point, corrupt lengths, non-captures and
//! arbitrary bytes.

use super::*;
use crate::endian::Endianness;
use crate::tsresol::TsResolution;
use crate::WarningKind;
use edgecap_testkit::writer::{gzip, PcapNgWriter, PcapOptions, PcapWriter};
use proptest::prelude::*;
use std::io::{self, Cursor};

/// An owned copy of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Got {
    no: u64,
    ts: Timestamp,
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
}

fn open(bytes: Vec<u8>) -> Result<CaptureReader, Error> {
    CaptureReader::new(Box::new(Cursor::new(bytes)), "test.pcap")
}

fn drain(r: &mut CaptureReader) -> Vec<Got> {
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
    assert!(r.next_frame().is_none(), "stays at the end");
    out
}

fn read_all(bytes: Vec<u8>) -> (Vec<Got>, Vec<CaptureWarning>) {
    let mut r = open(bytes).unwrap();
    let frames = drain(&mut r);
    (frames, r.warnings().to_vec())
}

fn ts(secs: i64, nanos: u32) -> Timestamp {
    Timestamp::from_secs_nanos(secs, nanos)
}

/// Packet `i`: recognisable bytes that never look like record headers.
fn pkt(i: usize) -> Vec<u8> {
    let mut d = vec![0xE0 | (i % 16) as u8; 20 + i % 13];
    d[0] = i as u8;
    d
}

const T0: i64 = 1_700_000_000;

fn pcap_file(opts: PcapOptions, n: usize) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    for i in 0..n {
        let d = pkt(i);
        w.write_packet(ts(T0 + i as i64, 123_456_789), &d, d.len() as u32)
            .unwrap();
    }
    w.into_inner().unwrap()
}

/// Byte offsets where each record of `pcap_file(_, n)` starts, plus the end.
fn pcap_offsets(n: usize) -> Vec<usize> {
    let mut at = vec![24];
    for i in 0..n {
        at.push(at[i] + 16 + pkt(i).len());
    }
    at
}

fn pcapng_file(n: usize) -> (Vec<u8>, Vec<usize>) {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let mut ends = Vec::new();
    w.interface(LinkType::ETHERNET, 0, TsResolution::Pow10(9), 0)
        .unwrap();
    for i in 0..n {
        ends.push(w.get_ref().len());
        let d = pkt(i);
        w.enhanced_packet(0, ts(T0 + i as i64, 5), &d, d.len() as u32)
            .unwrap();
    }
    let bytes = w.into_inner().unwrap();
    ends.push(bytes.len());
    (bytes, ends)
}

// ---------------------------------------------------------------- round trips

#[test]
fn pcap_round_trip_both_byte_orders_and_resolutions() {
    for endianness in [Endianness::Little, Endianness::Big] {
        for nanos in [false, true] {
            let opts = PcapOptions {
                endianness,
                nanos,
                link: LinkType::RAW,
                ..PcapOptions::default()
            };
            let mut r = open(pcap_file(opts, 5)).unwrap();
            assert_eq!(r.format(), CaptureFormat::Pcap);
            assert!(!r.is_compressed());
            assert_eq!(r.link_types(), &[LinkType::RAW]);
            let frames = drain(&mut r);
            assert_eq!(frames.len(), 5, "{endianness:?} nanos={nanos}");
            for (i, f) in frames.iter().enumerate() {
                assert_eq!(f.no, i as u64 + 1);
                assert_eq!(f.data, pkt(i));
                assert_eq!(f.orig_len as usize, pkt(i).len());
                assert_eq!(f.link, LinkType::RAW);
                let frac = if nanos { 123_456_789 } else { 123_456_000 };
                assert_eq!(f.ts, ts(T0 + i as i64, frac));
            }
            assert!(r.warnings().is_empty());
        }
    }
}

#[test]
fn pcap_header_bytes_are_the_standard_magics() {
    let le = pcap_file(PcapOptions::default(), 0);
    assert_eq!(&le[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
    let be_ns = pcap_file(
        PcapOptions {
            endianness: Endianness::Big,
            nanos: true,
            ..PcapOptions::default()
        },
        0,
    );
    assert_eq!(&be_ns[..4], &[0xa1, 0xb2, 0x3c, 0x4d]);
    assert_eq!(le.len(), 24);
    let (frames, warnings) = read_all(le);
    assert!(frames.is_empty() && warnings.is_empty());
}

#[test]
fn pcap_snaplen_truncation_and_odd_snaplens() {
    for snaplen in [0u32, 1, 4, 65_535, u32::MAX] {
        let opts = PcapOptions {
            snaplen,
            ..PcapOptions::default()
        };
        let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
        w.write_packet(ts(T0, 0), &[1; 10], 1500).unwrap();
        w.write_packet(ts(T0, 1000), &[], 0).unwrap();
        let (frames, warnings) = read_all(w.into_inner().unwrap());
        assert!(warnings.is_empty(), "snaplen {snaplen}: {warnings:?}");
        assert_eq!(frames.len(), 2);
        let want = if snaplen == 0 {
            10
        } else {
            10.min(snaplen as usize)
        };
        assert_eq!(frames[0].data, vec![1; want]);
        assert_eq!(frames[0].orig_len, 1500);
        assert!(frames[1].data.is_empty());
        assert_eq!(frames[1].ts, ts(T0, 1000));
    }
}

#[test]
fn frame_reports_truncation() {
    let opts = PcapOptions {
        snaplen: 4,
        ..PcapOptions::default()
    };
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    w.write_packet(ts(T0, 0), &[9; 10], 10).unwrap();
    let mut r = open(w.into_inner().unwrap()).unwrap();
    let f = r.next_frame().unwrap();
    assert!(f.is_truncated());
    assert_eq!(f.data, &[9; 4]);
}

#[test]
fn pcapng_sections_interfaces_resolutions_and_offsets() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    let eth = w
        .interface(LinkType::ETHERNET, 0, TsResolution::Pow10(6), 0)
        .unwrap();
    let raw = w
        .interface(LinkType::RAW, 65_535, TsResolution::Pow10(9), 0)
        .unwrap();
    assert_eq!((eth, raw), (0, 1));
    w.enhanced_packet(eth, ts(T0, 123_456_789), b"one", 3)
        .unwrap();
    w.enhanced_packet(raw, ts(T0, 123_456_789), b"two", 30)
        .unwrap();
    // Second section, big-endian: interface ids start again at 0.
    w.section(Endianness::Big).unwrap();
    let sll = w
        .interface(LinkType::LINUX_SLL, 0, TsResolution::Pow2(20), 0)
        .unwrap();
    let ms = w
        .interface(LinkType::ETHERNET, 0, TsResolution::Pow10(3), 1_000)
        .unwrap();
    let off = w
        .interface(LinkType::IPV4, 0, TsResolution::Pow10(9), -T0)
        .unwrap();
    assert_eq!((sll, ms, off), (0, 1, 2));
    w.enhanced_packet(sll, ts(T0 + 1, 500_000_000), b"three", 5)
        .unwrap();
    w.enhanced_packet(sll, ts(T0 + 1, 250_000_000), b"four", 4)
        .unwrap();
    w.enhanced_packet(ms, ts(T0 + 2, 7_000_000), b"five", 5)
        .unwrap();
    w.enhanced_packet(off, ts(T0 + 3, 42), b"six", 6).unwrap();
    let mut r = open(w.into_inner().unwrap()).unwrap();
    assert_eq!(r.format(), CaptureFormat::PcapNg);
    let frames = drain(&mut r);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
    let got: Vec<(u64, Timestamp, LinkType, &[u8])> = frames
        .iter()
        .map(|f| (f.no, f.ts, f.link, f.data.as_slice()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, ts(T0, 123_456_000), LinkType::ETHERNET, &b"one"[..]),
            (2, ts(T0, 123_456_789), LinkType::RAW, &b"two"[..]),
            (
                3,
                ts(T0 + 1, 500_000_000),
                LinkType::LINUX_SLL,
                &b"three"[..]
            ),
            (
                4,
                ts(T0 + 1, 250_000_000),
                LinkType::LINUX_SLL,
                &b"four"[..]
            ),
            (5, ts(T0 + 2, 7_000_000), LinkType::ETHERNET, &b"five"[..]),
            (6, ts(T0 + 3, 42), LinkType::IPV4, &b"six"[..]),
        ]
    );
    assert_eq!(frames[1].orig_len, 30);
    assert_eq!(
        r.link_types(),
        &[
            LinkType::ETHERNET,
            LinkType::RAW,
            LinkType::LINUX_SLL,
            LinkType::IPV4
        ]
    );
}

/// Builds a little-endian IDB by hand with raw option bytes.
fn raw_idb(endian: Endianness, link: u16, options: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(endian.u16_bytes(link));
    body.extend([0, 0]);
    body.extend(endian.u32_bytes(0));
    body.extend_from_slice(options);
    body
}

#[test]
fn pcapng_power_of_two_resolution_and_offset_decoded_by_hand() {
    for endian in [Endianness::Little, Endianness::Big] {
        let mut w = PcapNgWriter::with_endianness(Vec::new(), endian).unwrap();
        // if_tsresol = 0x94 (2^-20 s), if_tsoffset = 100 s, end of options.
        let mut opts = Vec::new();
        opts.extend(endian.u16_bytes(9));
        opts.extend(endian.u16_bytes(1));
        opts.extend([0x94, 0, 0, 0]);
        opts.extend(endian.u16_bytes(14));
        opts.extend(endian.u16_bytes(8));
        opts.extend(endian.i64_bytes(100));
        opts.extend([0, 0, 0, 0]);
        w.block(1, &raw_idb(endian, 1, &opts)).unwrap();
        // EPB with 3 * 2^20 + 3 units: 3 s + 3 * 953.674… ns = 3 s + 2861 ns (truncated).
        let units: u64 = 3 * (1 << 20) + 3;
        let mut epb = Vec::new();
        epb.extend(endian.u32_bytes(0));
        epb.extend(endian.u32_bytes((units >> 32) as u32));
        epb.extend(endian.u32_bytes(units as u32));
        epb.extend(endian.u32_bytes(2));
        epb.extend(endian.u32_bytes(2));
        epb.extend([0xAB, 0xCD, 0, 0]);
        w.block(6, &epb).unwrap();
        let (frames, warnings) = read_all(w.into_inner().unwrap());
        assert!(warnings.is_empty());
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].ts, ts(103, 2861), "{endian:?}");
        assert_eq!(frames[0].data, vec![0xAB, 0xCD]);
    }
}

#[test]
fn pcapng_simple_obsolete_and_unknown_blocks() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.block(0x1234_5678, b"unknown block body").unwrap();
    w.interface(LinkType::RAW, 8, TsResolution::default(), 0)
        .unwrap();
    w.block(4, &[0; 4]).unwrap(); // name resolution block: skipped
    w.enhanced_packet(0, ts(T0, 1000), &[1; 12], 12).unwrap();
    w.simple_packet(&[2; 12], 12).unwrap(); // cut to the IDB snaplen (8)
    w.simple_packet(&[3; 8], 5).unwrap(); // cut to the original length (5)
    w.block(0x0BAD, b"custom").unwrap();
    w.obsolete_packet(0, ts(T0 + 1, 2000), &[4; 3], 3).unwrap();
    w.simple_packet(&[5; 4], 10).unwrap(); // bytes in block (4)
    let (frames, warnings) = read_all(w.into_inner().unwrap());
    assert!(warnings.is_empty(), "{warnings:?}");
    let got: Vec<(u64, Timestamp, Vec<u8>, u32)> = frames
        .into_iter()
        .map(|f| (f.no, f.ts, f.data, f.orig_len))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, ts(T0, 1000), vec![1; 12], 12),
            (2, ts(T0, 1000), vec![2; 8], 12),
            (3, ts(T0, 1000), vec![3; 5], 5),
            (4, ts(T0 + 1, 2000), vec![4; 3], 3),
            (5, ts(T0 + 1, 2000), vec![5; 4], 10),
        ]
    );
}

#[test]
fn pcapng_packet_on_undeclared_interface_is_skipped_but_numbered() {
    let mut w = PcapNgWriter::new(Vec::new()).unwrap();
    w.simple_packet(b"no idb yet", 10).unwrap();
    w.interface(LinkType::ETHERNET, 0, TsResolution::default(), 0)
        .unwrap();
    w.enhanced_packet(0, ts(T0, 0), b"a", 1).unwrap();
    w.enhanced_packet(7, ts(T0, 0), b"b", 1).unwrap();
    w.enhanced_packet(0, ts(T0, 0), b"c", 1).unwrap();
    let (frames, warnings) = read_all(w.into_inner().unwrap());
    let got: Vec<(u64, Vec<u8>)> = frames.into_iter().map(|f| (f.no, f.data)).collect();
    assert_eq!(got, vec![(2, b"a".to_vec()), (4, b"c".to_vec())]);
    assert_eq!(warnings.len(), 2);
    assert!(warnings.iter().all(|w| w.kind == WarningKind::Skipped));
    assert_eq!(warnings[0].last_good_frame, None);
    assert_eq!(warnings[1].last_good_frame, Some(FrameNo(2)));
    assert!(
        warnings[1].message.contains("interface 7"),
        "{}",
        warnings[1]
    );
}

#[test]
fn gzip_of_both_formats_reads_the_same_frames() {
    let plain_pcap = pcap_file(PcapOptions::default(), 50);
    let (plain_ng, _) = pcapng_file(50);
    for (plain, format) in [
        (plain_pcap, CaptureFormat::Pcap),
        (plain_ng, CaptureFormat::PcapNg),
    ] {
        let (want, _) = read_all(plain.clone());
        let gz = gzip(&plain);
        let gz_len = gz.len() as u64;
        let mut r = open(gz).unwrap();
        assert!(r.is_compressed());
        assert_eq!(r.format(), format);
        assert_eq!(drain(&mut r), want);
        assert!(r.warnings().is_empty());
        assert_eq!(r.input_bytes_read(), gz_len);
    }
}

#[test]
fn concatenated_gzip_members_are_one_stream() {
    let plain = pcap_file(PcapOptions::default(), 20);
    let (want, _) = read_all(plain.clone());
    let mut gz = gzip(&plain[..100]);
    gz.extend(gzip(&plain[100..]));
    let (frames, warnings) = read_all(gz);
    assert_eq!(frames, want);
    assert!(warnings.is_empty());
}

/// Hands out data in tiny, varying pieces, then optionally fails.
struct Trickle {
    data: Vec<u8>,
    at: usize,
    fail_at_end: bool,
}

impl Read for Trickle {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.data.len() {
            if self.fail_at_end {
                return Err(io::Error::other("device unplugged"));
            }
            return Ok(0);
        }
        let k = out
            .len()
            .min(1 + self.at % 7)
            .min(self.data.len() - self.at);
        out[..k].copy_from_slice(&self.data[self.at..self.at + k]);
        self.at += k;
        Ok(k)
    }
}

#[test]
fn streams_across_many_refills_and_large_records() {
    let opts = PcapOptions {
        snaplen: 1 << 20,
        ..PcapOptions::default()
    };
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    let big = vec![0x5A; 600_000]; // larger than one refill chunk
    for i in 0..30_000 {
        w.write_packet(ts(T0, i), &pkt(i as usize), 100).unwrap();
        if i == 12_345 {
            w.write_packet(ts(T0, i), &big, 600_000).unwrap();
        }
    }
    let bytes = w.into_inner().unwrap();
    assert!(bytes.len() > 3 * super::super::buffer::CHUNK_LEN);
    for trickle in [false, true] {
        let input: Box<dyn Read + Send> = if trickle {
            Box::new(Trickle {
                data: bytes.clone(),
                at: 0,
                fail_at_end: false,
            })
        } else {
            Box::new(Cursor::new(bytes.clone()))
        };
        let mut r = CaptureReader::new(input, "big").unwrap();
        let mut n = 0u64;
        while let Some(f) = r.next_frame() {
            n += 1;
            assert_eq!(f.no.0, n);
            if n == 12_347 {
                assert_eq!(f.data.len(), 600_000);
            } else {
                let i = if n > 12_347 { n - 2 } else { n - 1 };
                assert_eq!(f.data, pkt(i as usize).as_slice(), "frame {n}");
            }
        }
        assert_eq!(n, 30_001);
        assert!(r.warnings().is_empty());
        assert_eq!(r.input_bytes_read(), bytes.len() as u64);
    }
}

// ----------------------------------------------------------------- truncation

/// A modified (Kuznetzov) pcap with `n` packets, as the test kit writes it.
fn modified_file(endianness: Endianness, n: usize) -> Vec<u8> {
    let opts = PcapOptions {
        endianness,
        link: LinkType::RAW,
        ..PcapOptions::default()
    };
    let mut w = PcapWriter::modified(Vec::new(), opts).unwrap();
    for i in 0..n {
        let d = pkt(i);
        w.write_packet(ts(T0 + i as i64, 123_456_789), &d, d.len() as u32)
            .unwrap();
    }
    w.into_inner().unwrap()
}

#[test]
fn modified_pcap_both_byte_orders_skips_the_longer_record_header() {
    for (endianness, magic) in [
        (Endianness::Little, [0x34, 0xcd, 0xb2, 0xa1]),
        (Endianness::Big, [0xa1, 0xb2, 0xcd, 0x34]),
    ] {
        let bytes = modified_file(endianness, 4);
        assert_eq!(&bytes[..4], &magic);
        // File header, then per record 24 bytes of header and the packet.
        let want_len: usize = 24 + (0..4).map(|i| 24 + pkt(i).len()).sum::<usize>();
        assert_eq!(bytes.len(), want_len);
        let mut r = open(bytes).unwrap();
        assert_eq!(r.format(), CaptureFormat::PcapModified);
        assert_eq!(r.format().as_str(), "pcap-modified");
        let frames = drain(&mut r);
        assert_eq!(frames.len(), 4, "{endianness:?}");
        for (i, f) in frames.iter().enumerate() {
            assert_eq!(f.data, pkt(i), "{endianness:?} frame {i}");
            assert_eq!(f.orig_len as usize, pkt(i).len());
            // Microsecond timestamps: the writer drops the nanoseconds.
            assert_eq!(f.ts, ts(T0 + i as i64, 123_456_000));
        }
        assert!(r.warnings().is_empty(), "{:?}", r.warnings());
    }
}

#[test]
fn modified_pcap_every_truncation_point_keeps_whole_records() {
    let full = modified_file(Endianness::Little, 5);
    let mut ends = vec![24];
    for i in 0..5 {
        ends.push(ends[i] + 24 + pkt(i).len());
    }
    let (all, _) = read_all(full.clone());
    assert_eq!(all.len(), 5);
    // Inside the first record the resynchronisation may take the tail of the
    // 24-byte header (small caplen and ifindex, no earlier timestamp to
    // compare) for a record that ends exactly at the cut: from the second
    // record on, timestamps rule that out and the cut must be exact.
    for cut in 25..ends[1] {
        let mut r = open(full[..cut].to_vec()).unwrap();
        assert!(drain(&mut r).len() <= 1, "cut {cut}");
        assert!(!r.warnings().is_empty(), "cut {cut}");
    }
    for cut in ends[1]..=full.len() {
        let mut r = open(full[..cut].to_vec()).unwrap();
        let frames = drain(&mut r);
        let complete = ends.iter().filter(|&&e| e <= cut).count() - 1;
        assert_eq!(frames, all[..complete].to_vec(), "cut {cut}");
        let warned = !r.warnings().is_empty();
        assert_eq!(warned, !ends.contains(&cut), "cut {cut}");
        if warned {
            assert_eq!(r.warnings()[0].offset, ends[complete] as u64, "cut {cut}");
        }
    }
}

#[test]
fn modified_pcap_lying_caplen_resyncs_on_24_byte_records() {
    let mut bytes = modified_file(Endianness::Little, 6);
    // Record 2's captured length claims 1 MB: skipped, later records found.
    let at = 24 + (0..2).map(|i| 24 + pkt(i).len()).sum::<usize>();
    put_u32_le(&mut bytes, at + 8, 1_000_000);
    let (frames, warnings) = read_all(bytes);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let datas: Vec<_> = frames.iter().map(|f| f.data.clone()).collect();
    assert_eq!(datas, vec![pkt(0), pkt(1), pkt(3), pkt(4), pkt(5)]);
}

#[test]
fn pcap_every_truncation_point() {
    let n = 6;
    let full = pcap_file(PcapOptions::default(), n);
    let ends = pcap_offsets(n);
    let (all, _) = read_all(full.clone());
    for cut in 0..=full.len() {
        let result = open(full[..cut].to_vec());
        if cut < 24 {
            let err = result.err().unwrap();
            let want = if cut == 0 {
                ErrorKind::NotACapture
            } else {
                ErrorKind::BadHeader
            };
            assert_eq!(err.kind(), &want, "cut {cut}: {err}");
            assert!(err.to_string().starts_with("test.pcap"), "{err}");
            continue;
        }
        let mut r = result.unwrap();
        let frames = drain(&mut r);
        let complete = ends.iter().filter(|&&e| e <= cut).count() - 1;
        assert_eq!(frames, all[..complete].to_vec(), "cut {cut}");
        if ends.contains(&cut) {
            assert!(r.warnings().is_empty(), "cut {cut}: {:?}", r.warnings());
        } else {
            assert_eq!(r.warnings().len(), 1, "cut {cut}");
            let w = &r.warnings()[0];
            assert_eq!(w.kind, WarningKind::TruncatedFile);
            assert_eq!(w.offset, ends[complete] as u64);
            let want = (complete > 0).then_some(FrameNo(complete as u64));
            assert_eq!(w.last_good_frame, want);
        }
    }
}

#[test]
fn pcapng_every_truncation_point() {
    let n = 5;
    let (full, ends) = pcapng_file(n);
    let (all, _) = read_all(full.clone());
    assert_eq!(all.len(), n);
    // Block boundaries: after the SHB (28), after the IDB, after each EPB.
    let shb_end = 28;
    let mut boundaries = vec![shb_end];
    boundaries.extend(&ends);
    for cut in 0..=full.len() {
        let result = open(full[..cut].to_vec());
        if cut < shb_end {
            let err = result.err().unwrap();
            let want = if cut == 0 {
                ErrorKind::NotACapture
            } else {
                ErrorKind::BadHeader
            };
            assert_eq!(err.kind(), &want, "cut {cut}: {err}");
            continue;
        }
        let mut r = result.unwrap();
        let frames = drain(&mut r);
        let complete = ends[1..].iter().filter(|&&e| e <= cut).count();
        assert_eq!(frames, all[..complete].to_vec(), "cut {cut}");
        if boundaries.contains(&cut) {
            assert!(r.warnings().is_empty(), "cut {cut}: {:?}", r.warnings());
        } else {
            assert_eq!(r.warnings().len(), 1, "cut {cut}");
            assert_eq!(r.warnings()[0].kind, WarningKind::TruncatedFile);
        }
    }
}

#[test]
fn truncated_gzip_keeps_earlier_frames() {
    let plain = pcap_file(PcapOptions::default(), 200);
    let gz = gzip(&plain);
    let (frames, warnings) = read_all(gz[..gz.len() * 2 / 3].to_vec());
    assert!(!frames.is_empty() && frames.len() < 200, "{}", frames.len());
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.data, pkt(i));
    }
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(matches!(
        warnings[0].kind,
        WarningKind::TruncatedFile | WarningKind::ReadError
    ));
    assert_eq!(
        warnings[0].last_good_frame,
        Some(FrameNo(frames.len() as u64))
    );
}

#[test]
fn corrupt_gzip_keeps_earlier_frames() {
    let plain = pcap_file(PcapOptions::default(), 2000);
    let mut gz = gzip(&plain);
    let mid = gz.len() / 2;
    for b in &mut gz[mid..mid + 64] {
        *b ^= 0x55;
    }
    let (frames, warnings) = read_all(gz);
    assert!(frames.len() < 2000);
    assert!(!warnings.is_empty(), "damage is reported");
    // Frames before the damage are intact; frames after it (if the inflater
    // produced garbage rather than an error) are at least numbered in order.
    assert_eq!(frames[0].data, pkt(0));
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.no, i as u64 + 1);
    }
}

#[test]
fn io_error_mid_stream_is_a_warning() {
    let plain = pcap_file(PcapOptions::default(), 10);
    let ends = pcap_offsets(10);
    let input = Trickle {
        data: plain[..ends[4] + 5].to_vec(),
        at: 0,
        fail_at_end: true,
    };
    let mut r = CaptureReader::new(Box::new(input), "flaky").unwrap();
    let frames = drain(&mut r);
    assert_eq!(frames.len(), 4);
    assert_eq!(r.warnings().len(), 1);
    let w = &r.warnings()[0];
    assert_eq!(w.kind, WarningKind::ReadError);
    assert!(w.message.contains("device unplugged"), "{w}");
    assert_eq!(w.last_good_frame, Some(FrameNo(4)));
}

// ----------------------------------------------------------------- corruption

fn put_u32_le(bytes: &mut [u8], at: usize, v: u32) {
    bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

#[test]
fn pcap_huge_caplen_in_the_middle_resyncs() {
    let n = 10;
    let mut bytes = pcap_file(PcapOptions::default(), n);
    let at = pcap_offsets(n);
    put_u32_le(&mut bytes, at[3] + 8, 0x7fff_ffff); // record 4's caplen
    let (frames, warnings) = read_all(bytes);
    let data: Vec<Vec<u8>> = frames.iter().map(|f| f.data.clone()).collect();
    let want: Vec<Vec<u8>> = (0..n).filter(|&i| i != 3).map(pkt).collect();
    assert_eq!(data, want);
    assert_eq!(frames.last().unwrap().no, 9, "numbers stay consecutive");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(w.kind, WarningKind::CorruptRecord);
    assert_eq!(w.offset, at[3] as u64);
    assert_eq!(w.last_good_frame, Some(FrameNo(3)));
    let skipped = at[4] - at[3];
    assert!(
        w.message.contains(&format!("skipped {skipped} bytes")),
        "{w}"
    );
}

#[test]
fn pcap_plausible_but_lying_caplen_is_caught_by_lookahead() {
    let n = 10;
    let mut bytes = pcap_file(PcapOptions::default(), n);
    let at = pcap_offsets(n);
    // Record 3 claims 30 more bytes than it has: still under the snaplen.
    let real = pkt(2).len() as u32;
    put_u32_le(&mut bytes, at[2] + 8, real + 30);
    put_u32_le(&mut bytes, at[2] + 12, real + 30);
    let (frames, warnings) = read_all(bytes);
    let data: Vec<Vec<u8>> = frames.iter().map(|f| f.data.clone()).collect();
    let want: Vec<Vec<u8>> = (0..n).filter(|&i| i != 2).map(pkt).collect();
    assert_eq!(data, want);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::CorruptRecord);
    assert_eq!(warnings[0].offset, at[2] as u64);
    assert_eq!(warnings[0].last_good_frame, Some(FrameNo(2)));
}

#[test]
fn pcap_garbage_until_the_end_gives_one_warning() {
    let mut bytes = pcap_file(PcapOptions::default(), 3);
    bytes.extend(vec![0xFF; 1000]);
    let (frames, warnings) = read_all(bytes);
    assert_eq!(frames.len(), 3);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::CorruptRecord);
    assert!(
        warnings[0].message.contains("skipped 1000 bytes"),
        "{}",
        warnings[0]
    );
}

#[test]
fn pcapng_corrupt_block_length_in_the_middle_resyncs() {
    let n = 8;
    let (mut bytes, ends) = pcapng_file(n);
    // ends[i] is where EPB i starts. Break EPB 3's leading length.
    put_u32_le(&mut bytes, ends[3] + 4, 0x0000_1000);
    let (frames, warnings) = read_all(bytes);
    let data: Vec<Vec<u8>> = frames.iter().map(|f| f.data.clone()).collect();
    let want: Vec<Vec<u8>> = (0..n).filter(|&i| i != 3).map(pkt).collect();
    assert_eq!(data, want);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(w.kind, WarningKind::CorruptRecord);
    assert_eq!(w.offset, ends[3] as u64);
    assert_eq!(w.last_good_frame, Some(FrameNo(3)));
    assert!(
        w.message
            .contains(&format!("skipped {} bytes", ends[4] - ends[3])),
        "{w}"
    );
}

#[test]
fn pcapng_bad_trailer_and_oversized_blocks_resync() {
    let n = 6;
    let (mut bytes, ends) = pcapng_file(n);
    // EPB 1: wrong trailing length; EPB 4: length above MAX_BLOCK_LEN.
    put_u32_le(&mut bytes, ends[2] - 4, 0xdead_beef);
    put_u32_le(&mut bytes, ends[4] + 4, 0x4000_0000);
    let (frames, warnings) = read_all(bytes);
    let data: Vec<Vec<u8>> = frames.iter().map(|f| f.data.clone()).collect();
    assert_eq!(data, vec![pkt(0), pkt(2), pkt(3), pkt(5)]);
    let offsets: Vec<u64> = warnings.iter().map(|w| w.offset).collect();
    assert_eq!(offsets, vec![ends[1] as u64, ends[4] as u64]);
    assert_eq!(warnings[1].last_good_frame, Some(FrameNo(3)));
}

#[test]
fn pcapng_epb_caplen_beyond_block_is_skipped_in_place() {
    let (mut bytes, ends) = pcapng_file(3);
    put_u32_le(&mut bytes, ends[1] + 20, 5000); // EPB 2's caplen
    let (frames, warnings) = read_all(bytes);
    let got: Vec<(u64, Vec<u8>)> = frames.into_iter().map(|f| (f.no, f.data)).collect();
    assert_eq!(got, vec![(1, pkt(0)), (3, pkt(2))]);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].offset, ends[1] as u64);
}

// ------------------------------------------------------------ not a capture

#[test]
fn non_captures_are_rejected_with_the_file_name() {
    let cases: Vec<(Vec<u8>, ErrorKind, &str)> = vec![
        (Vec::new(), ErrorKind::NotACapture, "empty"),
        (
            b"hello world".to_vec(),
            ErrorKind::NotACapture,
            "68 65 6c 6c \"hell\"",
        ),
        (
            b"<html><body>404</body></html>".to_vec(),
            ErrorKind::NotACapture,
            "3c 68 74 6d \"<htm\"",
        ),
        (
            vec![0x00, 0x9f, 0x31, 0xc4, 7, 7, 7],
            ErrorKind::NotACapture,
            "00 9f 31 c4",
        ),
        (gzip(b"just some text"), ErrorKind::NotACapture, "gzip"),
        (gzip(b""), ErrorKind::NotACapture, "gzip"),
        (vec![0xd4, 0xc3, 0xb2], ErrorKind::BadHeader, "cut off"),
        (
            vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0],
            ErrorKind::BadHeader,
            "cut off",
        ),
        (
            vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4],
            ErrorKind::BadHeader,
            "byte-order",
        ),
        (vec![0x1f, 0x8b, 0x08, 0x00], ErrorKind::Io, "gzip"),
    ];
    for (bytes, kind, needle) in cases {
        let err = open(bytes.clone()).err().unwrap();
        assert_eq!(err.kind(), &kind, "{bytes:02x?}: {err}");
        let msg = err.to_string();
        assert!(msg.starts_with("test.pcap"), "{msg}");
        assert!(msg.contains(needle), "{msg} lacks {needle}");
        assert!(!msg.contains('\n'));
    }
}

#[test]
fn open_reports_missing_files() {
    let err = CaptureReader::open(std::path::Path::new("/nonexistent/x.pcap"))
        .err()
        .unwrap();
    assert_eq!(err.kind(), &ErrorKind::Io);
    assert!(err.to_string().starts_with("/nonexistent/x.pcap"));
}

// ------------------------------------------------------------------ proptest

fn run_to_end(bytes: Vec<u8>) {
    if let Ok(mut r) = open(bytes) {
        let mut last = 0;
        let mut count = 0u64;
        while let Some(f) = r.next_frame() {
            assert!(f.no.0 > last);
            last = f.no.0;
            count += 1;
        }
        assert!(count <= r.frames_read());
        assert!(r.next_frame().is_none());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        run_to_end(bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_pcap_header_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..3000),
        big in any::<bool>(),
    ) {
        let opts = PcapOptions {
            endianness: if big { Endianness::Big } else { Endianness::Little },
            ..PcapOptions::default()
        };
        let mut bytes = pcap_file(opts, 2);
        bytes.extend(tail);
        run_to_end(bytes);
    }

    #[test]
    fn arbitrary_bytes_after_a_pcapng_header_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..3000),
    ) {
        let (mut bytes, _) = pcapng_file(2);
        bytes.extend(tail);
        run_to_end(bytes);
    }

    #[test]
    fn mutated_captures_never_panic(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        ng in any::<bool>(),
    ) {
        let mut bytes = if ng { pcapng_file(12).0 } else { pcap_file(PcapOptions::default(), 12) };
        let len = bytes.len();
        for (at, v) in flips {
            bytes[at % len] = v;
        }
        run_to_end(bytes.clone());
        run_to_end(gzip(&bytes));
    }
}

#[test]
fn a_gzip_bomb_stops_at_the_inflate_limit_with_a_warning() {
    // Records of 8 MiB of zeros: ~1,000 times smaller compressed.
    let opts = PcapOptions {
        snaplen: 16 << 20,
        ..PcapOptions::default()
    };
    let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
    let zeros = vec![0u8; 8 << 20];
    for i in 0..12 {
        w.write_packet(Timestamp(i), &zeros, zeros.len() as u32)
            .unwrap();
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    io::Write::write_all(&mut enc, &w.into_inner().unwrap()).unwrap();
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 200_000, "{} compressed bytes", bomb.len());
    let read = |ratio: u32| {
        let mut r = CaptureReader::with_limit(
            Box::new(Cursor::new(bomb.clone())),
            "bomb",
            InflateLimit { ratio },
        )
        .unwrap();
        let frames = drain(&mut r).len();
        (frames, r.warnings().to_vec())
    };
    let (frames, warnings) = read(crate::MAX_GZIP_RATIO);
    assert!(frames < 12, "{frames} frames");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].kind, WarningKind::LimitReached);
    assert!(warnings[0].message.contains("--max-gzip-ratio"));
    let (all, none) = read(0);
    assert_eq!((all, none.len()), (12, 0));
}

#[test]
fn a_live_read_in_small_pieces_tells_a_corrupt_length_as_a_whole_read_does() {
    // Record 4 claims 40 bytes more than it has, running into record 5; its
    // captured length then exceeds its original length, so it looks damaged.
    let n = 10;
    let mut bytes = pcap_file(PcapOptions::default(), n);
    let at = pcap_offsets(n)[4];
    let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap());
    bytes[at + 8..at + 12].copy_from_slice(&(caplen + 40).to_le_bytes());
    let (whole, warnings) = read_all(bytes.clone());
    assert!(
        warnings
            .iter()
            .any(|w| w.kind == WarningKind::CorruptRecord),
        "{warnings:?}"
    );
    // Live: a record is returned without waiting for the next header,
    // except this one, which waits and is then resynchronised past.
    let trickle = Trickle {
        data: bytes,
        at: 0,
        fail_at_end: false,
    };
    let mut live = CaptureReader::new(Box::new(trickle), "live.pcap").unwrap();
    live.set_live();
    assert_eq!(drain(&mut live), whole);
}
