//! Re-reading single frames from the capture file on demand, through a
//! [`FrameIndex`] recorded when the capture was first read — for the hex
//! dump of the interactive timeline, which must not keep frame bytes in
//! memory.
//!
//! [`FrameSource::read`] seeks to the frame's record in a regular file and
//! parses exactly that one pcap record, pcapng packet block or NetMon
//! record, with the same code as the streaming reader (`pcap::parse_record`
//! for pcap records, classic or modified, the reader's packet-block layout
//! for pcapng, its record layout and media types for NetMon). The file may
//! have changed since it was indexed, or be
//! hostile. A change the index can see is refused, at [`FrameSource::open`]
//! and again before every read of a plain file: a file shorter than what was
//! read, one whose length differs after a read to its end, or one whose first
//! 64 KiB no longer have the CRC-32 the reader recorded ([`SourceCheck`]).
//! Behind that, every length is checked against [`MAX_RECORD_LEN`] and against
//! what the file really holds (nothing is allocated before the bytes
//! arrive), the block framing and interface id are checked again, and any
//! mismatch is an [`Error`], never a panic.
//!
//! gzip-compressed captures have no random access: the file is decompressed
//! again from its start up to the record (slower: time grows with the
//! frame's position; the decoder and its position are kept, so frames read
//! in increasing order cost one pass in all, and nothing else is cached).
//! A capture read from standard input cannot be read again:
//! [`FrameSource::open`] fails with [`STDIN_UNAVAILABLE`].

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::buffer::MAX_BLOCK_LEN;
use super::frame_index::{FrameIndex, NoRecord, RecordAt, SourceCheck};
use super::gzip;
use super::netmon::Media;
use super::pcap::parse_record;
use super::pcapng::{min_len, PacketLayout, EPB_TYPE, PB_TYPE, SPB_TYPE};
use super::reader::magic_matches;
use super::{FrameNo, LinkType};
use edgecap_core::{Error, ErrorKind};

/// The largest record or block re-read (the streaming reader's limit,
/// Wireshark's `MAX_BLOCK_SIZE`); anything claiming more is an error.
pub const MAX_RECORD_LEN: usize = MAX_BLOCK_LEN;

/// Length of a pcapng block's type and total-length fields.
const BLOCK_HEAD_LEN: usize = 8;

/// The error text when the capture came from standard input (`-`).
pub const STDIN_UNAVAILABLE: &str = "hex dump unavailable: the capture came from standard input";

/// One frame re-read from the file, owning its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFrame {
    /// Frame number.
    pub no: FrameNo,
    /// Link type of the frame's interface.
    pub link: LinkType,
    /// The captured bytes.
    pub data: Vec<u8>,
    /// Length of the packet on the wire.
    pub orig_len: u32,
}

/// Where the bytes come from.
enum Input {
    /// A regular file: seek to the record.
    Plain(File),
    /// A gzip file: the decoder and its position in the decompressed stream,
    /// when one is open.
    Gzip(Option<Box<(MultiGzDecoder<File>, u64)>>),
}

/// Re-reads frames of one capture file through its [`FrameIndex`].
pub struct FrameSource {
    path: PathBuf,
    name: String,
    index: FrameIndex,
    input: Input,
}

impl std::fmt::Debug for FrameSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameSource")
            .field("path", &self.path)
            .field("index", &self.index)
            .finish()
    }
}

impl FrameSource {
    /// Opens the capture at `path` that `index` was recorded from. Fails for
    /// standard input (`-`, with [`STDIN_UNAVAILABLE`]), for a file that
    /// cannot be opened, and for one that visibly changed (compression or
    /// format no longer what was indexed).
    pub fn open(path: &Path, index: &FrameIndex) -> Result<FrameSource, Error> {
        let name = edgecap_core::safe::escape_path(path);
        if name == "-" {
            return Err(Error::new(ErrorKind::Io, STDIN_UNAVAILABLE));
        }
        let mut file = File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: cannot open: {e}")))?;
        let mut head = Vec::with_capacity(4);
        (&mut file)
            .take(4)
            .read_to_end(&mut head)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: read error: {e}")))?;
        let changed = |what: &str| {
            Error::new(
                ErrorKind::Io,
                format!("{name}: the capture file changed since it was loaded ({what})"),
            )
        };
        let compressed = gzip::is_gzip(&head);
        if compressed != index.is_compressed() {
            return Err(changed(if compressed {
                "it is gzip-compressed now"
            } else {
                "it is no longer gzip-compressed"
            }));
        }
        if !compressed && !magic_matches(index.format(), &head) {
            return Err(changed("its file header is different"));
        }
        check_unchanged(&mut file, index.source()).map_err(|what| changed(&what))?;
        let input = if compressed {
            Input::Gzip(None)
        } else {
            Input::Plain(file)
        };
        Ok(FrameSource {
            path: path.to_path_buf(),
            name,
            index: index.clone(),
            input,
        })
    }

    /// The index frames are read through.
    pub fn index(&self) -> &FrameIndex {
        &self.index
    }

    /// Re-reads frame `no`: exactly one record, checked as described in the
    /// module docs.
    pub fn read(&mut self, no: FrameNo) -> Result<OwnedFrame, Error> {
        let index = self.index.clone();
        let at = index.record(no).map_err(|e| match e {
            NoRecord::OutOfRange(n) => Error::new(
                ErrorKind::Io,
                format!("frame {no} is not in the capture (it has {n} frames)"),
            ),
            NoRecord::Skipped => Error::new(
                ErrorKind::Io,
                format!(
                    "frame {no} was skipped when the capture was read (see the capture \
                     warnings): no bytes to show"
                ),
            ),
        })?;
        let offset = match at {
            RecordAt::Pcap { offset, .. }
            | RecordAt::PcapNg { offset, .. }
            | RecordAt::NetMon { offset, .. } => offset,
        };
        let fail = |what: String| {
            Error::new(
                ErrorKind::Io,
                format!(
                    "{}: cannot re-read frame {no} at byte offset {offset}{}: {what}",
                    self.name,
                    if index.is_compressed() {
                        " of the decompressed stream"
                    } else {
                        ""
                    }
                ),
            )
        };
        let record = match &mut self.input {
            Input::Plain(file) => {
                let len = file
                    .metadata()
                    .map_err(|e| fail(format!("cannot stat the file: {e}")))?
                    .len();
                check_len(len, index.source()).map_err(|what| {
                    fail(format!(
                        "the capture file changed since it was loaded ({what})"
                    ))
                })?;
                file.seek(SeekFrom::Start(offset))
                    .map_err(|e| fail(format!("seek failed: {e}")))?;
                read_record(file, &at)
            }
            Input::Gzip(state) => {
                let (mut dec, pos) = match state.take().map(|b| *b) {
                    Some((dec, pos)) if pos <= offset => (dec, pos),
                    _ => {
                        let file = File::open(&self.path)
                            .map_err(|e| fail(format!("cannot open the file again: {e}")))?;
                        (MultiGzDecoder::new(file), 0)
                    }
                };
                let skipped = io::copy(&mut (&mut dec).take(offset - pos), &mut io::sink())
                    .map_err(|e| fail(format!("cannot decompress up to the record: {e}")))?;
                if skipped < offset - pos {
                    return Err(fail(
                        "the decompressed capture ends before the record (the file changed \
                         since it was loaded)"
                            .to_string(),
                    ));
                }
                let record = read_record(&mut dec, &at);
                if let Ok(r) = &record {
                    *state = Some(Box::new((dec, offset + r.consumed)));
                }
                record
            }
        };
        let r = record.map_err(fail)?;
        Ok(OwnedFrame {
            no,
            link: r.link,
            data: r.data,
            orig_len: r.orig_len,
        })
    }
}

/// Whether a file of `len` bytes can still be the one read: never shorter
/// than what was read, and no longer when reading had reached its end.
fn check_len(len: u64, source: SourceCheck) -> Result<(), String> {
    if len < source.len {
        return Err(format!(
            "it is {len} bytes long, {} bytes were read from it",
            source.len
        ));
    }
    if source.read_to_end && len != source.len {
        return Err(format!("it grew from {} to {len} bytes", source.len));
    }
    Ok(())
}

/// Whether `file` is still the one `source` describes: its length
/// ([`check_len`]) and a CRC-32 of its first bytes. Leaves the file's
/// position anywhere; callers seek.
fn check_unchanged(file: &mut File, source: SourceCheck) -> Result<(), String> {
    let len = file
        .metadata()
        .map_err(|e| format!("cannot stat the file: {e}"))?
        .len();
    check_len(len, source)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| format!("seek failed: {e}"))?;
    let mut head = Vec::with_capacity(source.head_len);
    (&mut *file)
        .take(source.head_len as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("read error: {e}"))?;
    if head.len() != source.head_len || crc32fast::hash(&head) != source.head_crc {
        return Err(format!("its first {} bytes are different", source.head_len));
    }
    Ok(())
}

/// One record parsed by [`read_record`].
struct Record {
    link: LinkType,
    data: Vec<u8>,
    orig_len: u32,
    /// Bytes of the stream the record took.
    consumed: u64,
}

/// Reads exactly `n` bytes, growing the buffer only as bytes arrive.
fn read_n(r: &mut impl Read, out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let want = out.len() + n;
    r.take(n as u64)
        .read_to_end(out)
        .map_err(|e| format!("read error: {e}"))?;
    if out.len() < want {
        return Err(format!(
            "the file ends inside the record ({} of {want} bytes present; the file changed \
             since it was loaded)",
            out.len()
        ));
    }
    Ok(())
}

/// Parses the one record at the reader's position.
fn read_record(r: &mut impl Read, at: &RecordAt<'_>) -> Result<Record, String> {
    match *at {
        RecordAt::Pcap {
            endian,
            link,
            max_caplen,
            header_len,
            ..
        } => {
            let mut rec = Vec::new();
            read_n(r, &mut rec, header_len)?;
            let caplen = endian.u32_at(&rec, 8);
            let limit = max_caplen.min(MAX_RECORD_LEN as u32);
            if caplen > limit {
                return Err(format!(
                    "the record claims a captured length of {caplen}, above the limit of {limit} \
                     (the file changed since it was loaded)"
                ));
            }
            read_n(r, &mut rec, caplen as usize)?;
            let parsed = parse_record(&rec, endian, header_len).ok_or("unparsable record")?;
            Ok(Record {
                link,
                data: rec[parsed.data].to_vec(),
                orig_len: parsed.orig_len,
                consumed: rec.len() as u64,
            })
        }
        RecordAt::PcapNg { section, .. } => {
            let e = section.endian;
            let mut block = Vec::new();
            read_n(r, &mut block, BLOCK_HEAD_LEN)?;
            let block_type = e.u32_at(&block, 0);
            let len = e.u32_at(&block, 4) as usize;
            if !matches!(block_type, EPB_TYPE | PB_TYPE | SPB_TYPE) {
                return Err(format!(
                    "no packet block there (block type {block_type:#x}; the file changed since \
                     it was loaded)"
                ));
            }
            if len % 4 != 0 || len < min_len(block_type) || len > MAX_RECORD_LEN {
                return Err(format!(
                    "the packet block claims a total length of {len} (at least {}, at most \
                     {MAX_RECORD_LEN}, a multiple of 4)",
                    min_len(block_type)
                ));
            }
            read_n(r, &mut block, len - BLOCK_HEAD_LEN)?;
            let trailer = e.u32_at(&block, len - 4) as usize;
            if trailer != len {
                return Err(format!(
                    "the packet block has total length {len} but trailing length {trailer}"
                ));
            }
            let lay = PacketLayout::read(&block, block_type, e);
            let iface = section.interfaces.get(lay.if_id as usize).ok_or_else(|| {
                format!(
                    "the packet is on interface {}, which its section does not declare",
                    lay.if_id
                )
            })?;
            let mut caplen = lay.caplen as usize;
            if block_type == SPB_TYPE && iface.snaplen != 0 {
                caplen = caplen.min(iface.snaplen as usize);
            }
            if caplen > lay.space {
                return Err(format!(
                    "captured length {caplen} exceeds the {} bytes the block holds",
                    lay.space
                ));
            }
            let data = block
                .get(lay.data_at..lay.data_at + caplen)
                .ok_or_else(|| "packet data outside the block".to_string())?
                .to_vec();
            Ok(Record {
                link: iface.link,
                data,
                orig_len: lay.orig_len,
                consumed: len as u64,
            })
        }
        RecordAt::NetMon { layout, .. } => {
            let hlen = layout.header_len();
            let mut rec = Vec::new();
            read_n(r, &mut rec, hlen)?;
            let h = layout.read_header(&rec);
            if h.caplen > layout.max_caplen() {
                return Err(format!(
                    "the record claims a captured length of {}, above the limit of {} (the \
                     file changed since it was loaded)",
                    h.caplen,
                    layout.max_caplen()
                ));
            }
            read_n(r, &mut rec, h.caplen as usize + layout.trailer_len())?;
            let data_end = hlen + h.caplen as usize;
            let media = layout.media(&rec[data_end..]);
            let Media::Packet(link) = Media::of(media).0 else {
                return Err(format!(
                    "the record there has NetMon media type {media:#06x}, not a packet (the \
                     file changed since it was loaded)"
                ));
            };
            let consumed = rec.len() as u64;
            rec.truncate(data_end);
            rec.drain(..hlen);
            Ok(Record {
                link,
                data: rec,
                orig_len: h.orig_len,
                consumed,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endian::Endianness;
    use crate::{CaptureReader, Timestamp};
    use edgecap_testkit::writer::{gzip, PcapNgWriter, PcapOptions, PcapWriter};
    use std::io::Cursor;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A file in the temp directory, removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(tag: &str, bytes: &[u8]) -> TempFile {
            static N: AtomicU64 = AtomicU64::new(0);
            let n = N.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!(
                "edgecap-frame-source-{}-{n}-{tag}",
                std::process::id()
            ));
            std::fs::write(&path, bytes).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    /// A sequential pass with the index on: the frames and the index.
    fn sequential(bytes: &[u8]) -> (Vec<OwnedFrame>, FrameIndex) {
        let mut r = CaptureReader::new(Box::new(Cursor::new(bytes.to_vec())), "t").unwrap();
        assert!(r.keep_frame_index());
        let mut frames = Vec::new();
        while let Some(f) = r.next_frame() {
            frames.push(OwnedFrame {
                no: f.no,
                link: f.link,
                data: f.data.to_vec(),
                orig_len: f.orig_len,
            });
        }
        (frames, r.take_frame_index().unwrap())
    }

    /// Every frame read sequentially comes back byte-identical, in order,
    /// backwards and one by one; numbers without a frame are errors.
    fn check_round_trip(label: &str, bytes: &[u8]) -> usize {
        let (frames, index) = sequential(bytes);
        let file = TempFile::new("rt", bytes);
        let mut src = FrameSource::open(&file.0, &index).unwrap();
        for f in &frames {
            assert_eq!(&src.read(f.no).unwrap(), f, "{label}: frame {}", f.no);
        }
        for f in frames.iter().rev().take(50) {
            assert_eq!(&src.read(f.no).unwrap(), f, "{label}: backwards {}", f.no);
        }
        let returned: Vec<u64> = frames.iter().map(|f| f.no.0).collect();
        for n in 1..=index.frames() {
            if !returned.contains(&n) {
                let e = src.read(FrameNo(n)).unwrap_err().to_string();
                assert!(e.contains("skipped"), "{label}: {e}");
            }
        }
        let e = src.read(FrameNo(index.frames() + 1)).unwrap_err();
        assert!(e.to_string().contains("is not in the capture"), "{e}");
        assert!(src.read(FrameNo(0)).is_err());
        frames.len()
    }

    fn committed_captures() -> Vec<PathBuf> {
        let dir = edgecap_testkit::capture_path("");
        let mut caps: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let n = p.to_string_lossy();
                n.ends_with(".pcap")
                    || n.ends_with(".pcapng")
                    || n.ends_with(".gz")
                    || n.ends_with(".cap")
            })
            .collect();
        caps.sort();
        caps
    }

    #[test]
    fn every_committed_capture_re_reads_byte_identical_frames() {
        let caps = committed_captures();
        let names: Vec<String> = caps
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for must in [
            "link-types.pcapng.gz",
            "damaged-corrupt.pcapng",
            "damaged-truncated.pcap",
            "msturn-tcp443.pcap",
            "msturn-udp.netmon1.cap",
            "mixed-media.netmon2.cap",
        ] {
            assert!(names.iter().any(|n| n == must), "{must} missing: {names:?}");
        }
        for cap in &caps {
            let bytes = std::fs::read(cap).unwrap();
            let label = cap.display().to_string();
            let n = check_round_trip(&label, &bytes);
            assert!(n > 0, "{label}: no frames");
            if !gzip::is_gzip(&bytes) {
                check_round_trip(&format!("{label} (gzip)"), &gzip(&bytes));
            }
        }
    }

    #[test]
    fn damaged_captures_have_warnings_and_still_round_trip() {
        for name in ["damaged-corrupt.pcapng", "damaged-truncated.pcap"] {
            let path = edgecap_testkit::capture_path(name);
            let bytes = std::fs::read(path).unwrap();
            let mut r = CaptureReader::new(Box::new(Cursor::new(bytes.clone())), name).unwrap();
            while r.next_frame().is_some() {}
            assert!(!r.warnings().is_empty(), "{name} is damaged");
            check_round_trip(name, &bytes);
        }
    }

    fn synthetic_pcapng() -> Vec<u8> {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let t = Timestamp::from_secs_nanos(1_700_000_000, 0);
        w.interface(LinkType::ETHERNET, 0, Default::default(), 0)
            .unwrap();
        w.interface(LinkType::RAW, 8, Default::default(), 0)
            .unwrap();
        w.enhanced_packet(0, t, &[1; 60], 60).unwrap();
        w.enhanced_packet(7, t, &[2; 60], 60).unwrap(); // undeclared: skipped
        w.enhanced_packet(1, t, &[3; 5], 500).unwrap();
        w.section(Endianness::Big).unwrap();
        w.interface(LinkType::LINUX_SLL, 12, Default::default(), 0)
            .unwrap();
        w.simple_packet(&[4; 40], 40).unwrap(); // capped by snaplen 12
        w.obsolete_packet(0, t, &[5; 33], 33).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn pcapng_sections_interfaces_simple_and_obsolete_blocks() {
        let bytes = synthetic_pcapng();
        assert_eq!(check_round_trip("synthetic", &bytes), 4);
        check_round_trip("synthetic gz", &gzip(&bytes));
        let (frames, index) = sequential(&bytes);
        let file = TempFile::new("ng", &bytes);
        let mut src = FrameSource::open(&file.0, &index).unwrap();
        let spb = src.read(FrameNo(4)).unwrap();
        assert_eq!(
            (spb.link, spb.data.len(), spb.orig_len),
            (LinkType::LINUX_SLL, 12, 40)
        );
        assert_eq!(frames[2], spb);
    }

    #[test]
    fn standard_input_and_changed_files_are_clear_errors() {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
        w.write_packet(Timestamp(0), &[9; 30], 30).unwrap();
        let bytes = w.into_inner().unwrap();
        let (_, index) = sequential(&bytes);
        let e = FrameSource::open(Path::new("-"), &index).unwrap_err();
        assert_eq!(e.to_string(), STDIN_UNAVAILABLE);
        let gz = TempFile::new("gz", &gzip(&bytes));
        let e = FrameSource::open(&gz.0, &index).unwrap_err().to_string();
        assert!(e.contains("changed since it was loaded"), "{e}");
        let ng = TempFile::new("ng", &synthetic_pcapng());
        assert!(FrameSource::open(&ng.0, &index).is_err());
        let missing = Path::new("/nonexistent/edgecap/x.pcap");
        let e = FrameSource::open(missing, &index).unwrap_err().to_string();
        assert!(e.contains("cannot open"), "{e}");
    }

    /// Every frame of `bytes` read through `index` after the file became
    /// `changed`: an error or some frame, never a panic.
    /// A description of `data` as the reader would record it.
    fn source_of(data: &[u8]) -> SourceCheck {
        let head = &data[..data.len().min(crate::gzip::HEAD_FINGERPRINT_LEN)];
        SourceCheck {
            len: data.len() as u64,
            read_to_end: true,
            head_crc: crc32fast::hash(head),
            head_len: head.len(),
        }
    }

    /// Frames whose re-read fails after the file became `changed`, past the
    /// file-level check (the index is told the changed file's size and first
    /// bytes), so the record-level checks are what is tested.
    fn read_all_changed(index: &FrameIndex, changed: &[u8], gz: bool) -> usize {
        let data = if gz { gzip(changed) } else { changed.to_vec() };
        let file = TempFile::new("chg", &data);
        let index = index.with_source(source_of(&data));
        let Ok(mut src) = FrameSource::open(&file.0, &index) else {
            return 0;
        };
        (0..=index.frames() + 1)
            .filter(|&n| src.read(FrameNo(n)).is_err())
            .count()
    }

    #[test]
    fn truncated_and_modified_files_give_errors_not_panics() {
        let path = edgecap_testkit::capture_path("msturn-tcp443.pcap");
        let pcap = std::fs::read(path).unwrap();
        let ng = synthetic_pcapng();
        for (label, bytes) in [("pcap", pcap), ("pcapng", ng)] {
            let (frames, index) = sequential(&bytes);
            let (_, gz_index) = sequential(&gzip(&bytes));
            for (gz, ix) in [(false, &index), (true, &gz_index)] {
                // Cut in the middle: the later frames are errors.
                let cut = &bytes[..bytes.len() / 2];
                let errors = read_all_changed(ix, cut, gz);
                assert!(errors > 2, "{label} gz={gz}: {errors}");
                // Cut inside the last record.
                let errors = read_all_changed(ix, &bytes[..bytes.len() - 3], gz);
                assert!(errors >= 3, "{label} gz={gz}: {errors}");
            }
            // Overwrite every record's first bytes (lengths, types) with 0xff.
            let mut broken = bytes.clone();
            for f in &frames {
                let at = index.record_offset(f.no).unwrap() as usize;
                broken[at + 4..at + 12].fill(0xff);
            }
            let errors = read_all_changed(&index, &broken, false);
            assert_eq!(
                errors as u64,
                index.frames() + 2,
                "{label}: every read fails"
            );
            // Pseudo-random byte changes anywhere after the file header.
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            for round in 0..40 {
                let mut m = bytes.clone();
                for _ in 0..1 + round % 8 {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let at = 24 + (seed as usize) % (m.len() - 24);
                    m[at] = (seed >> 40) as u8;
                }
                let gz = round % 5 == 0;
                read_all_changed(if gz { &gz_index } else { &index }, &m, gz);
            }
        }
    }

    #[test]
    fn a_file_changed_since_it_was_indexed_is_refused() {
        let bytes = std::fs::read(edgecap_testkit::capture_path("msturn-tcp443.pcap")).unwrap();
        let (_, index) = sequential(&bytes);
        assert_eq!(index.source(), source_of(&bytes));
        let refused = |data: &[u8]| {
            let file = TempFile::new("src", data);
            let e = FrameSource::open(&file.0, &index).unwrap_err();
            assert!(e.to_string().contains("changed since it was loaded"), "{e}");
            e.to_string()
        };
        let mut grown = bytes.clone();
        grown.extend_from_slice(&[0; 16]);
        assert!(refused(&grown).contains("grew from"));
        assert!(refused(&bytes[..bytes.len() - 1]).contains("were read from it"));
        let mut flipped = bytes.clone();
        flipped[100] ^= 0x40;
        assert!(refused(&flipped).contains("first"));
        // Unchanged: opens, and a change after opening is caught at the read.
        let file = TempFile::new("src", &bytes);
        let mut src = FrameSource::open(&file.0, &index).unwrap();
        assert!(src.read(FrameNo(1)).is_ok());
        std::fs::write(&file.0, &bytes[..bytes.len() / 2]).unwrap();
        let e = src.read(FrameNo(1)).unwrap_err();
        assert!(e.to_string().contains("changed since it was loaded"), "{e}");
    }
}
