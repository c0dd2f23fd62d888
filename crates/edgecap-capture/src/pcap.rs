//! Classic libpcap files: the file header, record framing, and
//! resynchronisation after a corrupt record.
//!
//! Header and records are parsed with pcap-parser (`parse_pcap_header`,
//! `parse_pcap_frame`, `parse_pcap_frame_be`) over the reader's
//! [`RefillBuffer`]; this module decides what a sane record is and where to
//! resume after damage. It never decodes packet contents.
//!
//! A record is accepted when its captured length is at most
//! `max(snaplen, 262144)` (capped at [`MAX_BLOCK_LEN`]). To catch a length
//! that lies but is still in range, the header right after each record is
//! checked too: if it is implausible and a plausible chain of records starts
//! inside the current record, the current record is the corrupt one.
//!
//! Bytes skipped while resynchronising take no frame number (how many
//! records they held is unknown), so after such damage frame numbers count
//! readable records only; Wireshark stops reading at the damage instead.
//!
//! The "modified" pcap format of Alexey Kuznetzov's patched libpcap (magic
//! `0xa1b2cd34`, either byte order, microsecond timestamps) is the same file
//! with a 24-byte record header: the classic 16 bytes, then the interface
//! index (4), the protocol (2), the packet type (1) and a pad byte
//! (Wireshark `wiretap/libpcap.h`, `pcaprec_modified_hdr`). Those 8 bytes are
//! skipped; the packet starts after them. pcap-parser rejects the big-endian
//! form of that magic, so the file header is read here.

use super::buffer::{RefillBuffer, MAX_BLOCK_LEN};
use super::ledger::Ledger;
use super::reader::Found;
use super::resync::{scan_forward, Scan};
use super::{InterfaceInfo, LinkType, Timestamp, WarningKind};
use crate::endian::Endianness;
use crate::tsresol::TsResolution;
use pcap_parser::pcap::{parse_pcap_frame, parse_pcap_frame_be};
use std::ops::Range;

/// Length of the pcap file header.
pub const PCAP_HEADER_LEN: usize = 24;

/// Length of a pcap record header (ts_sec, ts_frac, caplen, orig_len).
pub(crate) const RECORD_HEADER_LEN: usize = 16;

/// Length of a record header of the modified (Kuznetzov) format: the classic
/// 16 bytes plus ifindex (4), protocol (2), pkt_type (1), pad (1)
/// (Wireshark `wiretap/libpcap.h`, `struct pcaprec_modified_hdr`).
pub(crate) const MODIFIED_RECORD_HEADER_LEN: usize = 24;

/// The modified (Kuznetzov) format's magic as a number read in the file's
/// own byte order (Wireshark `PCAP_MODIFIED_MAGIC`).
const MODIFIED_MAGIC: u32 = 0xa1b2_cd34;

/// The classic magics, read in the file's own byte order: µs and ns.
const MICROS_MAGIC: u32 = 0xa1b2_c3d4;
const NANOS_MAGIC: u32 = 0xa1b2_3c4d;

/// Captured lengths up to this are always accepted, whatever the file's
/// snaplen says: Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`.
const DEFAULT_MAX_CAPLEN: u32 = 262_144;

/// A resynchronisation candidate's timestamp must be within this many
/// seconds of the last good record (a damaged region does not span a day).
const RESYNC_MAX_TS_GAP_SECS: u32 = 86_400;

/// The pcap header's link-type field carries FCS flags in its top bits
/// (draft-ietf-opsawg-pcap §4, Wireshark `LT_LINKTYPE`).
const LINKTYPE_MASK: u32 = 0x03FF_FFFF;

/// One pcap record header.
#[derive(Debug, Clone, Copy)]
struct RecordHeader {
    secs: u32,
    frac: u32,
    caplen: u32,
    orig_len: u32,
}

impl RecordHeader {
    #[inline]
    fn read(bytes: &[u8], e: Endianness) -> Self {
        RecordHeader {
            secs: e.u32_at(bytes, 0),
            frac: e.u32_at(bytes, 4),
            caplen: e.u32_at(bytes, 8),
            orig_len: e.u32_at(bytes, 12),
        }
    }
}

/// Parser state for a classic pcap stream.
#[derive(Debug)]
pub struct PcapParser {
    endian: Endianness,
    nanos: bool,
    /// Record header length: [`RECORD_HEADER_LEN`] or [`MODIFIED_RECORD_HEADER_LEN`].
    header_len: usize,
    link: LinkType,
    snaplen: u32,
    max_caplen: u32,
    last_secs: Option<u32>,
    done: bool,
}

impl PcapParser {
    /// Reads and consumes the 24-byte file header; the magic has been
    /// checked by the caller. The error is a lowercase reason.
    pub fn open(buf: &mut RefillBuffer) -> Result<PcapParser, String> {
        if !buf.ensure(PCAP_HEADER_LEN) {
            return Err(format!(
                "pcap file header cut off ({} of {PCAP_HEADER_LEN} bytes)",
                buf.available().len()
            ));
        }
        let bytes = &buf.available()[..PCAP_HEADER_LEN];
        let Some((endian, magic)) = [Endianness::Little, Endianness::Big]
            .into_iter()
            .map(|e| (e, e.u32_at(bytes, 0)))
            .find(|(_, m)| [MICROS_MAGIC, NANOS_MAGIC, MODIFIED_MAGIC].contains(m))
        else {
            return Err(format!(
                "unreadable pcap file header (magic {:02x?})",
                &bytes[..4]
            ));
        };
        let snaplen = endian.u32_at(bytes, 16);
        let parser = PcapParser {
            endian,
            nanos: magic == NANOS_MAGIC,
            header_len: if magic == MODIFIED_MAGIC {
                MODIFIED_RECORD_HEADER_LEN
            } else {
                RECORD_HEADER_LEN
            },
            link: LinkType(endian.u32_at(bytes, 20) & LINKTYPE_MASK),
            snaplen,
            max_caplen: snaplen.max(DEFAULT_MAX_CAPLEN).min(MAX_BLOCK_LEN as u32),
            last_secs: None,
            done: false,
        };
        buf.consume(PCAP_HEADER_LEN);
        Ok(parser)
    }

    /// The link type from the file header.
    pub fn link(&self) -> LinkType {
        self.link
    }

    /// The file's one interface: link type, snaplen and µs or ns timestamps.
    pub(crate) fn interface(&self) -> InterfaceInfo {
        InterfaceInfo {
            link: self.link,
            snaplen: self.snaplen,
            resolution: TsResolution::Pow10(if self.nanos { 9 } else { 6 }),
            offset_secs: 0,
        }
    }

    /// The file's byte order, the largest captured length accepted and the
    /// record header length, for the frame index.
    pub(crate) fn record_layout(&self) -> (Endianness, u32, usize) {
        (self.endian, self.max_caplen, self.header_len)
    }

    /// True for the modified (Kuznetzov) format.
    pub fn is_modified(&self) -> bool {
        self.header_len == MODIFIED_RECORD_HEADER_LEN
    }

    /// Parses the next record, resynchronising past damage; `None` at the end.
    pub fn next(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger) -> Option<Found> {
        if self.done {
            return None;
        }
        loop {
            if !buf.ensure(self.header_len) {
                ledger.end_of_input(buf, "record header", self.header_len);
                return self.stop();
            }
            let hdr = RecordHeader::read(buf.available(), self.endian);
            if hdr.caplen > self.max_caplen {
                let reason = format!(
                    "corrupt record: captured length {} exceeds the limit of {}",
                    hdr.caplen, self.max_caplen
                );
                if !self.resync(buf, ledger, &reason) {
                    return self.stop();
                }
                continue;
            }
            let total = self.header_len + hdr.caplen as usize;
            if !buf.ensure(total) {
                // A length running past the end is usually a cut-off file,
                // unless a plausible record starts inside the claimed extent.
                let have = buf.available().len();
                let inside = buf.at_clean_eof().then(|| self.candidate_inside(buf, have));
                if let Some(Some(skip)) = inside {
                    ledger.warn(
                        WarningKind::CorruptRecord,
                        buf.offset(),
                        format!(
                            "corrupt record: captured length {} runs past the end of the file; \
                             skipped {skip} bytes to the next plausible record",
                            hdr.caplen
                        ),
                    );
                    buf.consume(skip);
                    continue;
                }
                ledger.end_of_input(buf, "record", total);
                return self.stop();
            }
            // A live input returns a record without waiting for the next
            // header, unless the record itself looks damaged (a captured
            // length beyond the original, a time far from the last record's):
            // then it waits for the next header, which tells a corrupt length
            // from an odd but real record, as a finished file's read does.
            let suspicious = !self.plausible(&hdr, self.last_secs);
            if buf.lookahead(total + self.header_len)
                || (suspicious && buf.ensure(total + self.header_len))
            {
                let next = RecordHeader::read(&buf.available()[total..], self.endian);
                if !self.plausible(&next, Some(hdr.secs)) {
                    if let Some(skip) = self.candidate_inside(buf, total) {
                        ledger.warn(
                            WarningKind::CorruptRecord,
                            buf.offset(),
                            format!(
                                "corrupt record: captured length {} runs past the next record; \
                                 skipped {skip} bytes to the next plausible record",
                                hdr.caplen
                            ),
                        );
                        buf.consume(skip);
                        continue;
                    }
                }
            }
            let Some(record) =
                parse_record(&buf.available()[..total], self.endian, self.header_len)
            else {
                // Unreachable with the checks above; treat it as damage anyway.
                if !self.resync(buf, ledger, "corrupt record: unparsable header") {
                    return self.stop();
                }
                continue;
            };
            let frac = if self.nanos {
                u64::from(record.frac)
            } else {
                u64::from(record.frac) * 1000
            };
            let nanos = i64::from(record.secs) * 1_000_000_000 + frac as i64;
            self.last_secs = Some(record.secs);
            return Some(Found {
                no: ledger.frame(),
                ts: Timestamp(nanos),
                link: self.link,
                data: record.data,
                orig_len: record.orig_len,
                consume: total,
            });
        }
    }

    fn stop(&mut self) -> Option<Found> {
        self.done = true;
        None
    }

    /// Strict sanity check used for lookahead and resynchronisation.
    fn plausible(&self, h: &RecordHeader, near_secs: Option<u32>) -> bool {
        let frac_limit = if self.nanos { 1_000_000_000 } else { 1_000_000 };
        h.caplen <= self.max_caplen
            && h.caplen <= h.orig_len
            && h.orig_len as usize <= MAX_BLOCK_LEN
            && h.frac < frac_limit
            && near_secs.is_none_or(|s| s.abs_diff(h.secs) <= RESYNC_MAX_TS_GAP_SECS)
    }

    /// True when a plausible record starts `at` bytes into the available
    /// window and is followed by another plausible record or by the clean
    /// end of the input.
    fn candidate_at(&self, buf: &mut RefillBuffer, at: usize, near_secs: Option<u32>) -> bool {
        if !buf.ensure(at + self.header_len) {
            return false;
        }
        let h = RecordHeader::read(&buf.available()[at..], self.endian);
        if !self.plausible(&h, near_secs) {
            return false;
        }
        let end = at + self.header_len + h.caplen as usize;
        if buf.ensure(end + self.header_len) {
            let next = RecordHeader::read(&buf.available()[end..], self.endian);
            self.plausible(&next, Some(h.secs))
        } else {
            buf.available().len() == end && buf.at_clean_eof()
        }
    }

    /// The first offset inside the current record (of `total` bytes) where a
    /// plausible chain of records starts.
    fn candidate_inside(&self, buf: &mut RefillBuffer, total: usize) -> Option<usize> {
        (1..total).find(|&at| self.candidate_at(buf, at, self.last_secs))
    }

    /// Skips forward byte by byte from a corrupt record to the next plausible
    /// one, with one warning for the damaged region. False when none is found.
    fn resync(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger, reason: &str) -> bool {
        let scan = Scan {
            step: 1,
            header_len: self.header_len,
            unit: "record",
            target: "plausible record",
        };
        let last_secs = self.last_secs;
        scan_forward(buf, ledger, reason, &scan, |buf| {
            self.candidate_at(buf, 0, last_secs)
        })
    }
}

/// One record split by [`parse_record`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedRecord {
    /// Timestamp seconds.
    pub secs: u32,
    /// Timestamp fraction (µs or ns, as the file says).
    pub frac: u32,
    /// The packet bytes within the record.
    pub data: Range<usize>,
    /// Original length on the wire.
    pub orig_len: u32,
}

/// Splits one whole record (`bytes` is its header of `header_len` bytes and
/// its captured data): the classic layout through pcap-parser, the modified
/// layout by skipping its 8 extra header bytes. `None` when `bytes` is not
/// exactly one record.
pub(crate) fn parse_record(
    bytes: &[u8],
    endian: Endianness,
    header_len: usize,
) -> Option<ParsedRecord> {
    if header_len == RECORD_HEADER_LEN {
        let parsed = match endian {
            Endianness::Little => parse_pcap_frame(bytes),
            Endianness::Big => parse_pcap_frame_be(bytes),
        };
        let (rest, r) = parsed.ok()?;
        return rest.is_empty().then_some(ParsedRecord {
            secs: r.ts_sec,
            frac: r.ts_usec,
            data: RECORD_HEADER_LEN..RECORD_HEADER_LEN + r.data.len(),
            orig_len: r.origlen,
        });
    }
    let h = RecordHeader::read(bytes.get(..header_len)?, endian);
    (bytes.len() == header_len + h.caplen as usize).then_some(ParsedRecord {
        secs: h.secs,
        frac: h.frac,
        data: header_len..bytes.len(),
        orig_len: h.orig_len,
    })
}
