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

use super::buffer::{RefillBuffer, MAX_BLOCK_LEN};
use super::ledger::Ledger;
use super::reader::Found;
use super::resync::{scan_forward, Scan};
use super::{InterfaceInfo, LinkType, Timestamp, WarningKind};
use crate::endian::Endianness;
use crate::tsresol::TsResolution;
use pcap_parser::pcap::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};

/// Length of the pcap file header.
pub const PCAP_HEADER_LEN: usize = 24;

/// Length of a pcap record header (ts_sec, ts_frac, caplen, orig_len).
pub(crate) const RECORD_HEADER_LEN: usize = 16;

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
        let header = match parse_pcap_header(bytes) {
            Ok((_, h)) => h,
            Err(e) => return Err(format!("unreadable pcap file header ({e})")),
        };
        if header.is_modified_format() {
            return Err("modified (Kuznetzov) pcap format is not supported".into());
        }
        let parser = PcapParser {
            endian: if header.is_bigendian() {
                Endianness::Big
            } else {
                Endianness::Little
            },
            nanos: header.is_nanosecond_precision(),
            link: LinkType(header.network.0 as u32 & LINKTYPE_MASK),
            snaplen: header.snaplen,
            max_caplen: header
                .snaplen
                .max(DEFAULT_MAX_CAPLEN)
                .min(MAX_BLOCK_LEN as u32),
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

    /// The file's byte order and the largest captured length accepted, for
    /// the frame index.
    pub(crate) fn record_layout(&self) -> (Endianness, u32) {
        (self.endian, self.max_caplen)
    }

    /// Parses the next record, resynchronising past damage; `None` at the end.
    pub fn next(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger) -> Option<Found> {
        if self.done {
            return None;
        }
        loop {
            if !buf.ensure(RECORD_HEADER_LEN) {
                ledger.end_of_input(buf, "record header", RECORD_HEADER_LEN);
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
            let total = RECORD_HEADER_LEN + hdr.caplen as usize;
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
            if buf.ensure(total + RECORD_HEADER_LEN) {
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
            let bytes = &buf.available()[..total];
            let parsed = match self.endian {
                Endianness::Little => parse_pcap_frame(bytes),
                Endianness::Big => parse_pcap_frame_be(bytes),
            };
            let Ok((_, record)) = parsed else {
                // Unreachable with the checks above; treat it as damage anyway.
                if !self.resync(buf, ledger, "corrupt record: unparsable header") {
                    return self.stop();
                }
                continue;
            };
            let frac = if self.nanos {
                u64::from(record.ts_usec)
            } else {
                u64::from(record.ts_usec) * 1000
            };
            let nanos = i64::from(record.ts_sec) * 1_000_000_000 + frac as i64;
            self.last_secs = Some(record.ts_sec);
            return Some(Found {
                no: ledger.frame(),
                ts: Timestamp(nanos),
                link: self.link,
                data: RECORD_HEADER_LEN..RECORD_HEADER_LEN + record.data.len(),
                orig_len: record.origlen,
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
        if !buf.ensure(at + RECORD_HEADER_LEN) {
            return false;
        }
        let h = RecordHeader::read(&buf.available()[at..], self.endian);
        if !self.plausible(&h, near_secs) {
            return false;
        }
        let end = at + RECORD_HEADER_LEN + h.caplen as usize;
        if buf.ensure(end + RECORD_HEADER_LEN) {
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
            header_len: RECORD_HEADER_LEN,
            unit: "record",
            target: "plausible record",
        };
        let last_secs = self.last_secs;
        scan_forward(buf, ledger, reason, &scan, |buf| {
            self.candidate_at(buf, 0, last_secs)
        })
    }
}
