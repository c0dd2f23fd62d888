//! The streaming capture reader: opens a pcap, pcapng or NetMon stream
//! (plain or gzip-compressed), then yields [`Frame`]s one at a time.
//!
//! This module owns format detection (by the file's first four bytes, never
//! its name), fatal header errors and the public [`CaptureReader`] API;
//! record parsing lives in `pcap.rs`, `pcapng.rs` and `netmon.rs`, buffering
//! in `buffer.rs`. Frames borrow the
//! reader's buffer (zero copy) and are valid until the next call to
//! [`CaptureReader::next_frame`]. Memory stays bounded whatever the file
//! size: one refill window of at most `MAX_BLOCK_LEN` (16 MiB) plus a 256 KiB
//! chunk, and at most `MAX_WARNINGS` (1000) warnings.

use super::buffer::RefillBuffer;
use super::frame_index::{FrameIndex, FrameIndexBuilder, SourceCheck};
use super::gzip::{self, CountingReader, InflateLimit, RawStats};
use super::ledger::Ledger;
use super::netmon::{NetMonParser, MAGIC_1, MAGIC_2};
use super::pcap::PcapParser;
use super::pcapng::PcapNgParser;
use super::{CaptureFormat, CaptureWarning, Frame, FrameNo, LinkType, Timestamp};
use super::{FramePlace, InterfaceInfo};
use edgecap_core::{Error, ErrorKind};
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// File magics (as they appear in the file) that start a capture.
const MAGICS: [[u8; 4]; 7] = [
    [0xd4, 0xc3, 0xb2, 0xa1], // pcap, little-endian, µs
    [0xa1, 0xb2, 0xc3, 0xd4], // pcap, big-endian, µs
    [0x4d, 0x3c, 0xb2, 0xa1], // pcap, little-endian, ns
    [0xa1, 0xb2, 0x3c, 0x4d], // pcap, big-endian, ns
    [0x0a, 0x0d, 0x0d, 0x0a], // pcapng Section Header Block
    MAGIC_1,                  // NetMon 1.x
    MAGIC_2,                  // NetMon 2.x
];

/// Magics of the modified (Kuznetzov) pcap format, read by the pcap parser.
const MODIFIED_PCAP_MAGICS: [[u8; 4]; 2] = [
    [0x34, 0xcd, 0xb2, 0xa1], // little-endian
    [0xa1, 0xb2, 0xcd, 0x34], // big-endian
];
/// True when `head` (a file's first four bytes) is the magic of a capture
/// in `format` — the NetMon magics of either NetMon format (the version
/// byte, not the magic, tells 1.x from 2.x, as in Wireshark).
pub(crate) fn magic_matches(format: CaptureFormat, head: &[u8]) -> bool {
    match format {
        CaptureFormat::Pcap => MAGICS[..4].iter().any(|m| m == head),
        CaptureFormat::PcapModified => MODIFIED_PCAP_MAGICS.iter().any(|m| m == head),
        CaptureFormat::PcapNg => head == MAGICS[4],
        CaptureFormat::NetMon1 | CaptureFormat::NetMon2 => head == MAGIC_1 || head == MAGIC_2,
        CaptureFormat::LogAlone => false,
    }
}

/// A frame located by a parser, as positions in the buffer's window.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Frame number.
    pub no: FrameNo,
    /// Capture time.
    pub ts: Timestamp,
    /// Link type of the frame's interface.
    pub link: LinkType,
    /// Captured bytes, relative to the start of the available window.
    pub data: Range<usize>,
    /// Original length on the wire.
    pub orig_len: u32,
    /// Bytes to consume once the caller is done with the frame.
    pub consume: usize,
}

/// The format-specific half of the reader.
#[derive(Debug)]
enum Parser {
    Pcap(PcapParser),
    PcapNg(PcapNgParser),
    NetMon(NetMonParser),
}

/// Reads frames one at a time from a pcap, pcapng or NetMon stream
/// (optionally gzip-compressed).
pub struct CaptureReader {
    buf: RefillBuffer,
    parser: Parser,
    ledger: Ledger,
    pending: usize,
    compressed: bool,
    raw: Arc<RawStats>,
    index: Option<FrameIndexBuilder>,
    /// NetMon: the link types seen so far, in order of first use. A NetMon
    /// 2.1+ file carries a media type per record; each becomes one interface
    /// of [`Self::interfaces`] (its id is its index here).
    netmon_links: Vec<LinkType>,
    /// The link type of the frame last returned.
    last_link: Option<LinkType>,
}

impl CaptureReader {
    /// Opens the capture file at `path`; the path appears in error messages.
    pub fn open(path: &Path) -> Result<CaptureReader, Error> {
        let name = edgecap_core::safe::escape_path(path);
        let file = File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: cannot open: {e}")))?;
        CaptureReader::new(Box::new(file), &name)
    }

    /// Opens a capture from a byte stream; `name` appears in error messages.
    pub fn new(input: Box<dyn Read + Send>, name: &str) -> Result<CaptureReader, Error> {
        CaptureReader::with_limit(input, name, InflateLimit::default())
    }

    /// [`Self::new`], with a gzip input allowed to inflate as far as `limit`.
    pub fn with_limit(
        input: Box<dyn Read + Send>,
        name: &str,
        limit: InflateLimit,
    ) -> Result<CaptureReader, Error> {
        let (counting, raw) = CountingReader::new(input);
        let mut buf = RefillBuffer::new(Box::new(counting));
        buf.ensure(gzip::GZIP_MAGIC.len());
        read_error(&mut buf, name, "")?;
        let compressed = gzip::is_gzip(buf.available());
        if compressed {
            let (prefix, rest) = buf.into_parts();
            buf = RefillBuffer::new(gzip::decompress(prefix, rest, Arc::clone(&raw), limit));
        }
        let inside = if compressed { " (gzip-compressed)" } else { "" };
        buf.ensure(4);
        read_error(&mut buf, name, inside)?;
        let head = buf.available();
        let head = &head[..head.len().min(4)];
        let parser = if head.len() == 4
            && MAGICS[..4]
                .iter()
                .chain(&MODIFIED_PCAP_MAGICS)
                .any(|m| m == head)
        {
            PcapParser::open(&mut buf).map(Parser::Pcap)
        } else if head == MAGICS[4] {
            PcapNgParser::open(&mut buf).map(Parser::PcapNg)
        } else if head == MAGIC_1 || head == MAGIC_2 {
            NetMonParser::open(&mut buf).map(Parser::NetMon)
        } else if head.is_empty() {
            return Err(not_a_capture(name, inside, "the input is empty".into()));
        } else if MAGICS
            .iter()
            .chain(&MODIFIED_PCAP_MAGICS)
            .any(|m| m.starts_with(head))
        {
            Err(format!("file header cut off after {} bytes", head.len()))
        } else {
            return Err(not_a_capture(
                name,
                inside,
                format!("starts with {}", describe(&buf)),
            ));
        };
        let parser = match parser {
            Ok(p) => p,
            Err(reason) => {
                read_error(&mut buf, name, inside)?;
                return Err(Error::new(
                    ErrorKind::BadHeader,
                    format!("{name}{inside}: {reason}"),
                ));
            }
        };
        let mut ledger = Ledger::default();
        match &parser {
            Parser::Pcap(p) => ledger.declare_link(p.link()),
            Parser::NetMon(p) => {
                if let Some(link) = p.file_link() {
                    ledger.declare_link(link);
                }
            }
            Parser::PcapNg(_) => {}
        }
        Ok(CaptureReader {
            buf,
            parser,
            ledger,
            pending: 0,
            compressed,
            raw,
            index: None,
            netmon_links: Vec::new(),
            last_link: None,
        })
    }

    /// Starts recording a [`FrameIndex`] (8 bytes per frame) for
    /// [`Self::take_frame_index`]. Only possible before the first frame is
    /// read: returns false (and records nothing) afterwards.
    pub fn keep_frame_index(&mut self) -> bool {
        if self.ledger.frames() > 0 || self.pending > 0 {
            return false;
        }
        if self.index.is_none() {
            self.index = Some(match &self.parser {
                Parser::Pcap(p) => {
                    let (endian, max_caplen, header_len) = p.record_layout();
                    FrameIndexBuilder::pcap(
                        endian,
                        p.link(),
                        max_caplen,
                        header_len,
                        self.compressed,
                    )
                }
                Parser::PcapNg(_) => FrameIndexBuilder::pcapng(self.compressed),
                Parser::NetMon(p) => FrameIndexBuilder::netmon(p.layout(), self.compressed),
            });
        }
        true
    }

    /// The frame index recorded so far (call it after the last frame), or
    /// `None` when [`Self::keep_frame_index`] was not called. Stops recording.
    pub fn take_frame_index(&mut self) -> Option<FrameIndex> {
        let frames = self.ledger.frames();
        let (head_crc, head_len) = self.raw.head();
        let source = SourceCheck {
            len: self.raw.count(),
            // For gzip the raw count need not reach the file's end when the
            // decompressed stream does, so only a plain file's length is pinned.
            read_to_end: self.buf.at_clean_eof() && !self.compressed,
            head_crc,
            head_len,
        };
        self.index.take().map(|b| b.finish(frames, source))
    }

    /// Marks the input as live (a followed file, a pipe from a running
    /// capture): a frame is returned as soon as its record is complete,
    /// without waiting for the next record's header that the pcap parser
    /// otherwise reads to check the record's length.
    pub fn set_live(&mut self) {
        self.buf.set_live();
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        match &self.parser {
            Parser::Pcap(p) if p.is_modified() => CaptureFormat::PcapModified,
            Parser::Pcap(_) => CaptureFormat::Pcap,
            Parser::PcapNg(_) => CaptureFormat::PcapNg,
            Parser::NetMon(p) if p.layout().major == 1 => CaptureFormat::NetMon1,
            Parser::NetMon(_) => CaptureFormat::NetMon2,
        }
    }

    /// True when the input was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        self.compressed
    }

    /// The next frame, or `None` at the end of the input (or after unrecoverable damage).
    #[inline]
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        self.buf.consume(std::mem::take(&mut self.pending));
        let found = match &mut self.parser {
            Parser::Pcap(p) => p.next(&mut self.buf, &mut self.ledger),
            Parser::PcapNg(p) => p.next(&mut self.buf, &mut self.ledger),
            Parser::NetMon(p) => p.next(&mut self.buf, &mut self.ledger),
        }?;
        self.pending = found.consume;
        self.last_link = Some(found.link);
        if matches!(self.parser, Parser::NetMon(_)) && !self.netmon_links.contains(&found.link) {
            self.netmon_links.push(found.link);
        }
        if let Some(ix) = &mut self.index {
            // The parsers return a frame with its record at the window's
            // front, so the buffer's stream offset is the record's.
            if let Parser::PcapNg(p) = &self.parser {
                let (serial, endian, interfaces) = p.section_state();
                ix.sync_section(serial, endian, interfaces, found.no);
            }
            ix.push(found.no, self.buf.offset());
        }
        Some(Frame {
            no: found.no,
            ts: found.ts,
            link: found.link,
            data: self.buf.available().get(found.data)?,
            orig_len: found.orig_len,
        })
    }

    /// Where the frame last returned by [`Self::next_frame`] was captured.
    pub fn frame_place(&self) -> FramePlace {
        match &self.parser {
            Parser::Pcap(_) => FramePlace {
                section: 0,
                interface: 0,
            },
            Parser::PcapNg(p) => p.place(),
            Parser::NetMon(_) => FramePlace {
                section: 0,
                interface: self
                    .netmon_links
                    .iter()
                    .position(|l| Some(*l) == self.last_link)
                    .unwrap_or(0) as u32,
            },
        }
    }

    /// The interfaces of the current section (pcap: the file's one), in id
    /// order; after [`Self::next_frame`], those of that frame's section.
    pub fn interfaces(&self) -> Vec<InterfaceInfo> {
        match &self.parser {
            Parser::Pcap(p) => vec![p.interface()],
            Parser::PcapNg(p) => p.interfaces(),
            // Times are kept to the nanosecond (NetMon 2.3 counts 100 ns).
            Parser::NetMon(_) => self
                .netmon_links
                .iter()
                .map(|&link| InterfaceInfo {
                    link,
                    snaplen: 0,
                    resolution: crate::tsresol::TsResolution::Pow10(9),
                    offset_secs: 0,
                })
                .collect(),
        }
    }

    /// Damage found so far.
    pub fn warnings(&self) -> &[CaptureWarning] {
        self.ledger.warnings()
    }

    /// Warnings not kept because the warning list is full (it holds at most 1000).
    pub fn warnings_dropped(&self) -> u64 {
        self.ledger.warnings_dropped()
    }

    /// Frame numbers used so far: frames returned plus packets skipped.
    pub fn frames_read(&self) -> u64 {
        self.ledger.frames()
    }

    /// Bytes read so far from the underlying input (compressed bytes for gzip), for progress.
    pub fn input_bytes_read(&self) -> u64 {
        self.raw.count()
    }

    /// Link types of all interfaces declared so far, in order of first declaration, deduplicated.
    pub fn link_types(&self) -> &[LinkType] {
        self.ledger.link_types()
    }
}

/// Fails with an I/O error if reading the file's first bytes failed.
fn read_error(buf: &mut RefillBuffer, name: &str, inside: &str) -> Result<(), Error> {
    match buf.take_error() {
        Some(e) if !inside.is_empty() => Err(Error::new(
            ErrorKind::Io,
            format!("{name}{inside}: cannot decompress the start of the file: {e}"),
        )),
        Some(e) => Err(Error::new(
            ErrorKind::Io,
            format!("{name}: read error: {e}"),
        )),
        None => Ok(()),
    }
}

fn not_a_capture(name: &str, inside: &str, found: String) -> Error {
    Error::new(
        ErrorKind::NotACapture,
        format!("{name}{inside}: not a pcap, pcapng or NetMon capture ({found})"),
    )
}

/// The first bytes as hex plus their printable text, e.g. `3c 68 74 6d "<htm"`.
fn describe(buf: &RefillBuffer) -> String {
    let head = &buf.available()[..buf.available().len().min(4)];
    let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
    let text: String = head
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("{} \"{text}\"", hex.join(" "))
}

#[cfg(test)]
mod tests;
