//! The writer read back by the crate's own reader and by pcap-parser.

use super::*;
use crate::{CaptureReader, FramePlace, LinkType};
use pcap_parser::pcapng::Block;
use pcap_parser::traits::PcapReaderIterator;
use pcap_parser::{PcapBlockOwned, PcapNGReader};

fn ifaces() -> [InterfaceInfo; 2] {
    [
        InterfaceInfo {
            link: LinkType(1),
            snaplen: 262_144,
            resolution: TsResolution::Pow10(6),
            offset_secs: 0,
        },
        InterfaceInfo {
            link: LinkType(101),
            snaplen: 0,
            resolution: TsResolution::Pow2(20),
            offset_secs: 1_700_000_000,
        },
    ]
}

/// A packet as written: interface, timestamp, data, original length.
type Written = (u32, Timestamp, Vec<u8>, u32);

/// Writes a section with both interfaces and three packets; returns the
/// file and the packets written.
fn sample() -> (Vec<u8>, Vec<Written>) {
    let ifs = ifaces();
    let packets = vec![
        (
            0,
            ifs[0].resolution.timestamp(1_795_698_000_123_456, 0),
            vec![1u8; 61],
            61,
        ),
        (
            1,
            ifs[1].resolution.timestamp(987_654_321, ifs[1].offset_secs),
            vec![2u8; 3],
            1500,
        ),
        (
            0,
            ifs[0].resolution.timestamp(1_795_698_001_000_000, 0),
            vec![],
            0,
        ),
    ];
    let mut w = PcapNgWriter::new(Vec::new());
    w.section(Some("findings:\nERROR x"), "edgecap test")
        .expect("shb");
    for i in &ifs {
        w.interface(i).expect("idb");
    }
    assert_eq!(w.interfaces(), 2);
    for (n, (id, ts, data, orig)) in packets.iter().enumerate() {
        let comments: Vec<String> = (0..n).map(|k| format!("comment {k} é")).collect();
        w.packet(*id, &ifs[*id as usize], *ts, data, *orig, &comments)
            .expect("epb");
    }
    (w.finish().expect("flush"), packets)
}

#[test]
fn reader_gets_back_every_packet_interface_and_timestamp() {
    let (file, packets) = sample();
    let mut r = CaptureReader::new(Box::new(std::io::Cursor::new(file)), "t").expect("opens");
    let mut n = 0;
    while let Some(f) = r.next_frame() {
        let (id, ts, data, orig) = (f.no, f.ts, f.data.to_vec(), f.orig_len);
        let want = &packets[n];
        assert_eq!((ts, &data, orig), (want.1, &want.2, want.3), "packet {id}");
        assert_eq!(
            r.frame_place(),
            FramePlace {
                section: 1,
                interface: want.0
            }
        );
        assert_eq!(r.interfaces(), ifaces().to_vec());
        n += 1;
    }
    assert_eq!(n, 3);
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}

#[test]
fn comments_are_options_pcap_parser_reads() {
    let (file, _) = sample();
    let mut reader = PcapNGReader::new(65536, std::io::Cursor::new(file)).expect("pcapng");
    let mut section_comment = None;
    let mut packet_comments = Vec::new();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::NG(Block::SectionHeader(shb)) => {
                        section_comment = shb
                            .options
                            .iter()
                            .find(|o| o.code == pcap_parser::OptionCode::Comment)
                            .map(|o| {
                                String::from_utf8(o.value[..usize::from(o.len)].to_vec())
                                    .expect("utf-8")
                            });
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        let c: Vec<String> = epb
                            .options
                            .iter()
                            .filter(|o| o.code == pcap_parser::OptionCode::Comment)
                            .map(|o| {
                                String::from_utf8(o.value[..usize::from(o.len)].to_vec())
                                    .expect("utf-8")
                            })
                            .collect();
                        packet_comments.push(c);
                    }
                    _ => {}
                }
                reader.consume(offset);
            }
            Err(pcap_parser::PcapError::Eof) => break,
            Err(pcap_parser::PcapError::Incomplete(_)) => reader.refill().expect("refill"),
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(section_comment.as_deref(), Some("findings:\nERROR x"));
    assert_eq!(
        packet_comments,
        vec![
            vec![],
            vec!["comment 0 é".to_string()],
            vec!["comment 0 é".to_string(), "comment 1 é".to_string()],
        ]
    );
}

#[test]
fn power_of_two_units_survive_the_round_trip() {
    let iface = ifaces()[1];
    for units in (0..5000u64).chain([u64::from(u32::MAX) << 12, (1 << 52) + 12345]) {
        let ts = iface.resolution.timestamp(units, iface.offset_secs);
        assert_eq!(units_of(ts, &iface), units, "units {units}");
    }
    let us = ifaces()[0];
    assert_eq!(units_of(us.resolution.timestamp(42, 0), &us), 42);
    // Before the interface's offset: clamped to 0, never negative.
    assert_eq!(units_of(Timestamp(0), &iface), 0);
}

#[test]
fn long_comments_are_cut_at_a_character_boundary() {
    let long = "é".repeat(MAX_OPTION_LEN);
    let c = cut(&long);
    assert!(c.len() <= MAX_OPTION_LEN && c.len() >= MAX_OPTION_LEN - 1);
    assert!(c.chars().all(|ch| ch == 'é'));
    let mut w = PcapNgWriter::new(Vec::new());
    w.section(None, "t").expect("shb");
    w.interface(&ifaces()[0]).expect("idb");
    w.packet(0, &ifaces()[0], Timestamp(0), &[0; 5], 5, &[long])
        .expect("epb");
    let file = w.finish().expect("flush");
    let mut r = CaptureReader::new(Box::new(std::io::Cursor::new(file)), "t").expect("opens");
    assert_eq!(r.next_frame().map(|f| f.data.len()), Some(5));
    assert!(r.next_frame().is_none());
    assert!(r.warnings().is_empty(), "{:?}", r.warnings());
}
