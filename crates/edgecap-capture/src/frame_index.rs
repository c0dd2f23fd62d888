//! The frame index: where every frame's record starts in the (decompressed)
//! capture stream, recorded while the capture is read once, so that
//! [`super::frame_source::FrameSource`] can re-read any frame on demand
//! instead of keeping frame bytes in memory.
//!
//! The index is opt-in ([`super::CaptureReader::keep_frame_index`]; the
//! engine's `AnalyzeOptions::keep_frame_index`) and costs 8 bytes per frame
//! number: one `u64` offset, stored in fixed chunks of [`CHUNK_FRAMES`] so
//! that growing it never copies (or transiently doubles) what is already
//! recorded. Next to the offsets it keeps what re-parsing one record needs:
//! the byte order and largest accepted captured length of a pcap file, or
//! per pcapng section (only sections that hold frames) its byte order and
//! the link type and snaplen of each interface, in declaration order; of a
//! NetMon file its version and file-wide media type. Frame
//! numbers that belong to no returned frame (a packet block on an undeclared
//! interface, a caplen beyond its block: the reader numbers and skips them)
//! have no offset. Offsets are those the reader itself parsed at — after
//! resynchronisation and across buffer refills, the record the reader
//! returned as frame N starts exactly at `record_offset(N)`.
//!
//! The index is immutable once built and shared cheaply ([`Clone`] is an
//! `Arc` clone), so the analysis and an open frame source can both hold it.

use std::fmt;
use std::sync::Arc;

use super::endian::Endianness;
use super::netmon::RecordLayout;
use super::pcap::MODIFIED_RECORD_HEADER_LEN;
use super::pcapng::Interface;
use super::{CaptureFormat, FrameNo, LinkType};

/// Offsets per storage chunk (512 KiB of offsets).
pub const CHUNK_FRAMES: usize = 1 << 16;

/// Marks a frame number without a readable record.
const NO_RECORD: u64 = u64::MAX;

/// One pcapng interface as far as re-reading a packet block needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IfaceInfo {
    /// Link type of the interface.
    pub(crate) link: LinkType,
    /// Snapshot length (0 = unlimited); caps Simple Packet Blocks.
    pub(crate) snaplen: u32,
}

/// One pcapng section that holds frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Section {
    /// The first frame number read in this section.
    pub(crate) first_frame: u64,
    /// The section's byte order.
    pub(crate) endian: Endianness,
    /// Interfaces declared in the section (up to its last frame), by id.
    pub(crate) interfaces: Vec<IfaceInfo>,
}

/// How records of the capture are laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Layout {
    /// A classic pcap file: one byte order and link type for every record.
    Pcap {
        /// Byte order of the record headers.
        endian: Endianness,
        /// The file's link type.
        link: LinkType,
        /// Largest captured length the reader accepted.
        max_caplen: u32,
        /// Record header length (16, or 24 for the modified format).
        header_len: usize,
    },
    /// A pcapng file: sections in file order.
    PcapNg {
        /// Sections that hold frames, by first frame number.
        sections: Vec<Section>,
    },
    /// A NetMon file.
    NetMon(RecordLayout),
}

/// What re-reading one frame needs: where its record starts and how to parse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordAt<'a> {
    /// A pcap record.
    Pcap {
        /// Stream offset of the record header.
        offset: u64,
        /// Byte order.
        endian: Endianness,
        /// Link type.
        link: LinkType,
        /// Largest captured length accepted.
        max_caplen: u32,
        /// Record header length (16, or 24 for the modified format).
        header_len: usize,
    },
    /// A pcapng packet block.
    PcapNg {
        /// Stream offset of the block.
        offset: u64,
        /// The block's section.
        section: &'a Section,
    },
    /// A NetMon record.
    NetMon {
        /// Stream offset of the record header.
        offset: u64,
        /// The file's record layout.
        layout: RecordLayout,
    },
}

/// Why a frame number has no record in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoRecord {
    /// Frame 0 or a number beyond the last frame; the index holds this many.
    OutOfRange(u64),
    /// The reader numbered the packet but skipped it (see the capture warnings).
    Skipped,
}

/// What the index knows of the file it was taken from, so that a re-reader
/// can tell the file changed since: the raw bytes read (compressed bytes for
/// gzip), whether reading ended at a clean end of the file, and a CRC-32 of
/// the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SourceCheck {
    /// Raw bytes read from the input.
    pub len: u64,
    /// Reading stopped at the end of a plain (not gzip) input, not at damage:
    /// the file's length is then known exactly.
    pub read_to_end: bool,
    /// CRC-32 of the first `head_len` raw bytes.
    pub head_crc: u32,
    /// How many bytes the CRC covers (at most 64 KiB).
    pub head_len: usize,
}

#[derive(PartialEq, Eq)]
struct Inner {
    /// Offsets by frame number - 1; every chunk but the last is full.
    chunks: Vec<Box<[u64]>>,
    frames: u64,
    layout: Layout,
    compressed: bool,
    source: SourceCheck,
}

/// Where each frame's record starts in the capture stream, and how to re-parse it.
#[derive(Clone)]
pub struct FrameIndex {
    inner: Arc<Inner>,
}

impl PartialEq for FrameIndex {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner == other.inner
    }
}

impl Eq for FrameIndex {}

impl fmt::Debug for FrameIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sections = match &self.inner.layout {
            Layout::Pcap { .. } | Layout::NetMon(_) => 0,
            Layout::PcapNg { sections } => sections.len(),
        };
        f.debug_struct("FrameIndex")
            .field("frames", &self.inner.frames)
            .field("format", &self.format())
            .field("compressed", &self.inner.compressed)
            .field("sections", &sections)
            .finish()
    }
}

impl FrameIndex {
    /// Frame numbers covered: the reader's `frames_read` when the index was taken.
    pub fn frames(&self) -> u64 {
        self.inner.frames
    }

    /// The capture's format.
    pub fn format(&self) -> CaptureFormat {
        match self.inner.layout {
            Layout::Pcap { header_len, .. } if header_len == MODIFIED_RECORD_HEADER_LEN => {
                CaptureFormat::PcapModified
            }
            Layout::Pcap { .. } => CaptureFormat::Pcap,
            Layout::PcapNg { .. } => CaptureFormat::PcapNg,
            Layout::NetMon(l) if l.major == 1 => CaptureFormat::NetMon1,
            Layout::NetMon(_) => CaptureFormat::NetMon2,
        }
    }

    /// What the index knows of the file it was taken from.
    pub fn source(&self) -> SourceCheck {
        self.inner.source
    }

    /// The same index, claiming to come from a file described by `source`
    /// (tests of the record-level checks behind the file-level ones).
    #[cfg(test)]
    pub(crate) fn with_source(&self, source: SourceCheck) -> FrameIndex {
        let inner = Inner {
            chunks: self.inner.chunks.clone(),
            frames: self.inner.frames,
            layout: self.inner.layout.clone(),
            compressed: self.inner.compressed,
            source,
        };
        FrameIndex {
            inner: Arc::new(inner),
        }
    }

    /// True when the capture was gzip-compressed (offsets are then positions
    /// in the decompressed stream).
    pub fn is_compressed(&self) -> bool {
        self.inner.compressed
    }

    /// Stream offset of frame `no`'s record (pcap or NetMon record header,
    /// pcapng block), or why there is none.
    pub fn record_offset(&self, no: FrameNo) -> Result<u64, NoRecord> {
        let out_of_range = NoRecord::OutOfRange(self.inner.frames);
        let i = no.0.checked_sub(1).ok_or(out_of_range)?;
        if i >= self.inner.frames {
            return Err(out_of_range);
        }
        let chunk = usize::try_from(i / CHUNK_FRAMES as u64).map_err(|_| out_of_range)?;
        let at = (i % CHUNK_FRAMES as u64) as usize;
        match self.inner.chunks.get(chunk).and_then(|c| c.get(at)) {
            Some(&NO_RECORD) | None => Err(NoRecord::Skipped),
            Some(&offset) => Ok(offset),
        }
    }

    /// Heap bytes held by the index (offsets and section tables).
    pub fn heap_bytes(&self) -> usize {
        let offsets: usize = self.inner.chunks.iter().map(|c| c.len() * 8).sum();
        let tables = match &self.inner.layout {
            Layout::Pcap { .. } | Layout::NetMon(_) => 0,
            Layout::PcapNg { sections } => sections
                .iter()
                .map(|s| {
                    std::mem::size_of::<Section>()
                        + s.interfaces.len() * std::mem::size_of::<IfaceInfo>()
                })
                .sum(),
        };
        offsets + self.inner.chunks.len() * std::mem::size_of::<Box<[u64]>>() + tables
    }

    /// Where frame `no`'s record is and how to parse it.
    pub(crate) fn record(&self, no: FrameNo) -> Result<RecordAt<'_>, NoRecord> {
        let offset = self.record_offset(no)?;
        match &self.inner.layout {
            Layout::Pcap {
                endian,
                link,
                max_caplen,
                header_len,
            } => Ok(RecordAt::Pcap {
                offset,
                endian: *endian,
                link: *link,
                max_caplen: *max_caplen,
                header_len: *header_len,
            }),
            Layout::PcapNg { sections } => {
                let i = sections.partition_point(|s| s.first_frame <= no.0);
                let section = i
                    .checked_sub(1)
                    .and_then(|i| sections.get(i))
                    .ok_or(NoRecord::Skipped)?;
                Ok(RecordAt::PcapNg { offset, section })
            }
            Layout::NetMon(layout) => Ok(RecordAt::NetMon {
                offset,
                layout: *layout,
            }),
        }
    }
}

/// Records offsets while [`super::CaptureReader`] reads.
#[derive(Debug)]
pub(crate) struct FrameIndexBuilder {
    chunks: Vec<Box<[u64]>>,
    tail: Vec<u64>,
    frames: u64,
    layout: Layout,
    compressed: bool,
    /// The reader's section counter for the last section recorded.
    section_serial: u64,
}

impl FrameIndexBuilder {
    /// An index of a pcap file.
    pub(crate) fn pcap(
        endian: Endianness,
        link: LinkType,
        max_caplen: u32,
        header_len: usize,
        gz: bool,
    ) -> Self {
        Self::new(
            Layout::Pcap {
                endian,
                link,
                max_caplen,
                header_len,
            },
            gz,
        )
    }

    /// An index of a pcapng file.
    pub(crate) fn pcapng(gz: bool) -> Self {
        Self::new(
            Layout::PcapNg {
                sections: Vec::new(),
            },
            gz,
        )
    }

    /// An index of a NetMon file.
    pub(crate) fn netmon(layout: RecordLayout, gz: bool) -> Self {
        Self::new(Layout::NetMon(layout), gz)
    }

    fn new(layout: Layout, compressed: bool) -> Self {
        FrameIndexBuilder {
            chunks: Vec::new(),
            tail: Vec::new(),
            frames: 0,
            layout,
            compressed,
            section_serial: 0,
        }
    }

    /// Brings the pcapng section table up to date before frame `no` of the
    /// reader's current section (`serial` counts sections started) is
    /// recorded: a new section starts a new entry, newly declared
    /// interfaces are appended. O(1) per frame unless something changed.
    pub(crate) fn sync_section(
        &mut self,
        serial: u64,
        endian: Endianness,
        interfaces: &[Interface],
        no: FrameNo,
    ) {
        let Layout::PcapNg { sections } = &mut self.layout else {
            return;
        };
        if serial != self.section_serial || sections.is_empty() {
            self.section_serial = serial;
            sections.push(Section {
                first_frame: no.0,
                endian,
                interfaces: Vec::new(),
            });
        }
        if let Some(section) = sections.last_mut() {
            if section.interfaces.len() < interfaces.len() {
                section
                    .interfaces
                    .extend(
                        interfaces[section.interfaces.len()..]
                            .iter()
                            .map(|i| IfaceInfo {
                                link: i.link,
                                snaplen: i.snaplen,
                            }),
                    );
            }
        }
    }

    /// Records that frame `no`'s record starts at stream `offset`; numbers
    /// skipped since the previous frame get no offset.
    #[inline]
    pub(crate) fn push(&mut self, no: FrameNo, offset: u64) {
        if no.0 <= self.frames {
            return; // numbers only grow; never rewrite
        }
        while self.frames + 1 < no.0 {
            self.push_raw(NO_RECORD);
        }
        self.push_raw(offset);
    }

    #[inline]
    fn push_raw(&mut self, v: u64) {
        if self.tail.len() == CHUNK_FRAMES {
            let full = std::mem::take(&mut self.tail);
            self.chunks.push(full.into_boxed_slice());
            self.tail = Vec::with_capacity(CHUNK_FRAMES);
        }
        self.tail.push(v);
        self.frames += 1;
    }

    /// The finished index, covering `frames_read` numbers (trailing skipped
    /// packets included).
    pub(crate) fn finish(mut self, frames_read: u64, source: SourceCheck) -> FrameIndex {
        while self.frames < frames_read {
            self.push_raw(NO_RECORD);
        }
        if !self.tail.is_empty() {
            self.chunks
                .push(std::mem::take(&mut self.tail).into_boxed_slice());
        }
        FrameIndex {
            inner: Arc::new(Inner {
                chunks: self.chunks,
                frames: self.frames,
                layout: self.layout,
                compressed: self.compressed,
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tsresol::TsResolution;
    use crate::{CaptureReader, Timestamp};
    use edgecap_testkit::writer::{gzip, PcapNgWriter, PcapOptions, PcapWriter};
    use std::io::{self, Cursor, Read};

    fn pkt(i: usize) -> Vec<u8> {
        let mut d = vec![0xE0 | (i % 16) as u8; 20 + i % 13];
        d[0] = i as u8;
        d
    }

    fn ts(i: usize) -> Timestamp {
        Timestamp::from_secs_nanos(1_700_000_000 + i as i64, 0)
    }

    fn index_of(bytes: Vec<u8>) -> (FrameIndex, Vec<u64>) {
        index_from(Box::new(Cursor::new(bytes)))
    }

    /// Reads everything with the index on; returns it and the frame numbers read.
    fn index_from(input: Box<dyn Read + Send>) -> (FrameIndex, Vec<u64>) {
        let mut r = CaptureReader::new(input, "t").unwrap();
        assert!(r.keep_frame_index());
        let mut nos = Vec::new();
        while let Some(f) = r.next_frame() {
            nos.push(f.no.0);
        }
        assert!(!r.keep_frame_index(), "too late once frames were read");
        let ix = r.take_frame_index().unwrap();
        assert_eq!(ix.frames(), r.frames_read());
        (ix, nos)
    }

    fn offsets(ix: &FrameIndex) -> Vec<Option<u64>> {
        (1..=ix.frames())
            .map(|n| ix.record_offset(FrameNo(n)).ok())
            .collect()
    }

    /// Returns at most 1..7 bytes per read, so every refill boundary is hit.
    struct Trickle(Vec<u8>, usize);
    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let k = out.len().min(1 + self.1 % 7).min(self.0.len() - self.1);
            out[..k].copy_from_slice(&self.0[self.1..self.1 + k]);
            self.1 += k;
            Ok(k)
        }
    }

    #[test]
    fn pcap_offsets_are_record_starts_across_refills() {
        let opts = PcapOptions {
            snaplen: 1 << 20,
            ..PcapOptions::default()
        };
        let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
        let mut want = Vec::new();
        for i in 0..3 * CHUNK_FRAMES / 2 {
            want.push(Some(w.get_ref().len() as u64));
            let d = if i == 1000 { vec![7; 600_000] } else { pkt(i) };
            w.write_packet(ts(i), &d, d.len() as u32).unwrap();
        }
        let bytes = w.into_inner().unwrap();
        let (ix, _) = index_of(bytes.clone());
        assert_eq!(offsets(&ix), want);
        assert_eq!(ix.format(), CaptureFormat::Pcap);
        assert!(!ix.is_compressed());
        assert_eq!(ix.inner.chunks.len(), 2);
        assert!(ix.heap_bytes() <= want.len() * 8 + 64);
        let small: Vec<u8> = bytes[..200_000].to_vec();
        let (trickled, _) = index_from(Box::new(Trickle(small.clone(), 0)));
        let (whole, _) = index_of(small);
        assert_eq!(trickled, whole);
        let (gz, _) = index_of(gzip(&bytes));
        assert!(gz.is_compressed());
        assert_eq!(
            offsets(&gz),
            want,
            "gzip offsets are decompressed positions"
        );
    }

    #[test]
    fn offsets_after_resynchronisation_are_the_records_returned() {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
        let mut at = Vec::new();
        for i in 0..10 {
            at.push(w.get_ref().len());
            w.write_packet(ts(i), &pkt(i), pkt(i).len() as u32).unwrap();
        }
        let mut bytes = w.into_inner().unwrap();
        bytes[at[3] + 8..at[3] + 12].copy_from_slice(&0x7fff_ffffu32.to_le_bytes());
        let (ix, nos) = index_of(bytes);
        assert_eq!(nos, (1..=9).collect::<Vec<_>>());
        let want: Vec<Option<u64>> = (0..10)
            .filter(|&i| i != 3)
            .map(|i| Some(at[i] as u64))
            .collect();
        assert_eq!(offsets(&ix), want);
    }

    #[test]
    fn pcapng_sections_interfaces_and_skipped_numbers() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        w.interface(LinkType::ETHERNET, 0, TsResolution::default(), 0)
            .unwrap();
        let mut want = Vec::new();
        want.push(Some(w.get_ref().len() as u64));
        w.enhanced_packet(0, ts(0), &pkt(0), 30).unwrap();
        want.push(None); // undeclared interface: numbered, skipped
        w.enhanced_packet(5, ts(1), &pkt(1), 30).unwrap();
        w.interface(LinkType::RAW, 64, TsResolution::default(), 0)
            .unwrap();
        want.push(Some(w.get_ref().len() as u64));
        w.simple_packet(&pkt(2), 200).unwrap();
        want.push(Some(w.get_ref().len() as u64));
        w.enhanced_packet(1, ts(3), &pkt(3), 30).unwrap();
        w.section(Endianness::Big).unwrap();
        w.block(0x0BAD, b"custom").unwrap();
        w.interface(LinkType::LINUX_SLL, 0, TsResolution::default(), 0)
            .unwrap();
        want.push(Some(w.get_ref().len() as u64));
        w.obsolete_packet(0, ts(4), &pkt(4), 30).unwrap();
        want.push(None);
        w.enhanced_packet(9, ts(5), &pkt(5), 30).unwrap();
        let (ix, nos) = index_of(w.into_inner().unwrap());
        assert_eq!(nos, vec![1, 3, 4, 5]);
        assert_eq!(offsets(&ix), want);
        assert_eq!(ix.record_offset(FrameNo(2)), Err(NoRecord::Skipped));
        assert_eq!(ix.record_offset(FrameNo(0)), Err(NoRecord::OutOfRange(6)));
        assert_eq!(ix.record_offset(FrameNo(7)), Err(NoRecord::OutOfRange(6)));
        let Layout::PcapNg { sections } = &ix.inner.layout else {
            panic!("pcapng layout expected");
        };
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].first_frame, 1);
        assert_eq!(sections[0].endian, Endianness::Little);
        let links: Vec<(LinkType, u32)> = sections[0]
            .interfaces
            .iter()
            .map(|i| (i.link, i.snaplen))
            .collect();
        assert_eq!(links, vec![(LinkType::ETHERNET, 0), (LinkType::RAW, 64)]);
        assert_eq!(sections[1].first_frame, 5);
        assert_eq!(sections[1].endian, Endianness::Big);
        assert_eq!(sections[1].interfaces.len(), 1);
        match ix.record(FrameNo(5)) {
            Ok(RecordAt::PcapNg { section, .. }) => assert_eq!(section.first_frame, 5),
            other => panic!("{other:?}"),
        }
        match ix.record(FrameNo(4)) {
            Ok(RecordAt::PcapNg { section, .. }) => assert_eq!(section.first_frame, 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn off_by_default_and_debug_is_short() {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
        w.write_packet(ts(0), &pkt(0), 20).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = CaptureReader::new(Box::new(Cursor::new(bytes.clone())), "t").unwrap();
        while r.next_frame().is_some() {}
        assert!(r.take_frame_index().is_none());
        let (ix, _) = index_of(bytes);
        let text = format!("{ix:?}");
        assert!(text.contains("frames: 1") && text.len() < 120, "{text}");
        assert_eq!(ix.clone(), ix);
    }
}
