//! Microsoft Network Monitor capture files (`.cap`): NetMon 1.x (`RTSS`)
//! and 2.x (`GMBU`), read as a stream like pcap and pcapng.
//!
//! A NetMon file is a 128-byte header, the records, and a frame table (one
//! `u32` file offset per record, in frame order) that the header points to,
//! normally at the end of the file. Wireshark seeks to the table first and
//! reads the records in its order. edgecap reads the records in file order,
//! from byte 128 up to the table, so a pipe or a gzip stream reads the same
//! as a file and nothing is held per frame; when it reaches the table it
//! checks that the table lists exactly the records it read, in the same
//! order (a CRC-32 of the offsets on both sides, so memory stays constant).
//! Files NetMon and `editcap` write are laid out this way, and their frame
//! numbers equal Wireshark's. A file whose table lists the records in
//! another order, leaves holes, or is missing (a cut-off file, whose frame
//! order Wireshark cannot read at all) gets a warning that says so; frame
//! numbers then follow the file order. The user data, comment and network
//! info tables are skipped when they lie between the records; comments
//! (attached to frames) and the process info table are not read — they hold
//! no packets.
//!
//! Records that are not packets (NetEvent, network info, filter, DNS cache,
//! media types edgecap or Wireshark do not read) are skipped and counted,
//! one warning per media type at the end; those Wireshark shows as frames
//! take a frame number (see `media.rs`). Every length is checked before use:
//! a captured length above Wireshark's limit (65,535 for 1.x, 262,144 for
//! 2.x) or a record running into the frame table is damage, and the reader
//! resynchronises byte by byte to the next plausible record, with one warning.

mod header;
mod media;

pub(crate) use header::{RecordLayout, HEADER_LEN, MAGIC_1, MAGIC_2};
pub(crate) use media::Media;

use super::buffer::{RefillBuffer, CHUNK_LEN, MAX_BLOCK_LEN};
use super::ledger::Ledger;
use super::reader::Found;
use super::resync::{scan_forward, Scan};
use super::{FrameNo, WarningKind};
use header::{FileHeader, RecordHeader};
use std::collections::BTreeMap;

/// Records of one media type that were not returned.
#[derive(Debug)]
struct Tally {
    what: &'static str,
    count: u64,
    first_offset: u64,
    /// The first one's frame number, when they are numbered.
    first_frame: Option<FrameNo>,
    /// The last frame returned before the first one.
    last_good: Option<FrameNo>,
}

/// Parser state for a NetMon stream.
#[derive(Debug)]
pub struct NetMonParser {
    header: FileHeader,
    /// Where the records end: the frame table's offset, when usable.
    table_at: Option<u64>,
    /// CRC-32 of the offsets of the records read, in file order.
    digest: crc32fast::Hasher,
    records: u64,
    /// The time offset of the last record read, as stored (ms or µs).
    last_delta: u64,
    /// Records not returned, by media type: at most one entry per `u16`.
    skipped: BTreeMap<u16, Tally>,
    started: bool,
    done: bool,
}

impl NetMonParser {
    /// Reads and consumes the 128-byte file header; the magic has been
    /// checked by the caller. The error is a lowercase reason.
    pub fn open(buf: &mut RefillBuffer) -> Result<NetMonParser, String> {
        if !buf.ensure(HEADER_LEN) {
            return Err(format!(
                "NetMon file header cut off ({} of {HEADER_LEN} bytes)",
                buf.available().len()
            ));
        }
        let header = FileHeader::parse(&buf.available()[..HEADER_LEN])?;
        buf.consume(HEADER_LEN);
        let (offset, len) = header.table;
        let table_at = (offset as usize >= HEADER_LEN && len > 0).then_some(u64::from(offset));
        Ok(NetMonParser {
            header,
            table_at,
            digest: crc32fast::Hasher::new(),
            records: 0,
            last_delta: 0,
            skipped: BTreeMap::new(),
            started: false,
            done: false,
        })
    }

    /// How records are laid out, for the frame index.
    pub(crate) fn layout(&self) -> RecordLayout {
        self.header.layout
    }

    /// The link type of every frame when the file has one media type for
    /// all records (1.x, 2.0) and it is a packet type.
    pub fn file_link(&self) -> Option<crate::LinkType> {
        self.header.packet_link()
    }

    /// Parses the next packet record, skipping other records and
    /// resynchronising past damage; `None` at the frame table or the end.
    pub fn next(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger) -> Option<Found> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            if self.table_at.is_none() {
                let (offset, len) = self.header.table;
                ledger.warn(
                    WarningKind::CorruptRecord,
                    24,
                    format!(
                        "the NetMon file header gives no usable frame table (offset {offset}, \
                         length {len}): records read to the end of the file, their order unchecked"
                    ),
                );
            }
        }
        let lay = self.header.layout;
        let hlen = lay.header_len();
        let tlen = lay.trailer_len();
        loop {
            let pos = buf.offset();
            if self.table_at.is_some_and(|t| pos >= t) {
                self.read_table(buf, ledger);
                return self.finish(ledger);
            }
            if let Some(len) = self.table_starting_at(pos) {
                if !skip(buf, len) {
                    ledger.end_of_input(
                        buf,
                        "NetMon table",
                        usize::try_from(len).unwrap_or(usize::MAX),
                    );
                    self.table_missing(buf, ledger);
                    return self.finish(ledger);
                }
                continue;
            }
            if !buf.ensure(hlen) {
                ledger.end_of_input(buf, "record header", hlen);
                self.table_missing(buf, ledger);
                return self.finish(ledger);
            }
            let h = lay.read_header(buf.available());
            let total = hlen + h.caplen as usize + tlen;
            let reason = if h.caplen > lay.max_caplen() {
                Some(format!(
                    "corrupt NetMon record: captured length {} exceeds the limit of {}",
                    h.caplen,
                    lay.max_caplen()
                ))
            } else {
                self.table_at.filter(|&t| pos + total as u64 > t).map(|t| {
                    format!(
                        "corrupt NetMon record: its {total} bytes run into the frame table \
                             at byte {t}"
                    )
                })
            };
            if let Some(reason) = reason {
                if !self.resync(buf, ledger, &reason) {
                    self.table_missing(buf, ledger);
                    return self.finish(ledger);
                }
                continue;
            }
            if !buf.ensure(total) {
                ledger.end_of_input(buf, "record", total);
                self.table_missing(buf, ledger);
                return self.finish(ledger);
            }
            let trailer = &buf.available()[hlen + h.caplen as usize..total];
            let media = lay.media(trailer);
            self.digest.update(&pos.to_le_bytes());
            self.records += 1;
            self.last_delta = h.delta;
            match Media::of(media).0 {
                Media::Packet(link) => {
                    let (ts, out_of_range) = lay.time(self.header.start, &h, trailer);
                    ledger.declare_link(link);
                    let no = ledger.frame();
                    if out_of_range {
                        ledger.warn(
                            WarningKind::CorruptRecord,
                            pos,
                            format!(
                                "frame {no}: its UTC time stamp is out of range; the file's \
                                 start time plus the record's offset is used"
                            ),
                        );
                    }
                    return Some(Found {
                        no,
                        ts,
                        link,
                        data: hlen..hlen + h.caplen as usize,
                        orig_len: h.orig_len,
                        consume: total,
                    });
                }
                Media::Numbered(what) => {
                    let no = ledger.skip_frame();
                    self.tally(media, what, pos, Some(no), ledger);
                }
                Media::Unnumbered(what) => self.tally(media, what, pos, None, ledger),
            }
            buf.consume(total);
        }
    }

    /// The length of the user data, comment or network info table that
    /// starts at `pos`, when one does and ends before the frame table.
    fn table_starting_at(&self, pos: u64) -> Option<u64> {
        self.header.tables.iter().find_map(|&(offset, len)| {
            let (offset, len) = (u64::from(offset), u64::from(len));
            let fits = self.table_at.is_none_or(|t| offset + len <= t);
            (offset == pos && len > 0 && fits).then_some(len)
        })
    }

    fn tally(
        &mut self,
        media: u16,
        what: &'static str,
        pos: u64,
        no: Option<FrameNo>,
        ledger: &Ledger,
    ) {
        self.skipped
            .entry(media)
            .or_insert(Tally {
                what,
                count: 0,
                first_offset: pos,
                first_frame: no,
                last_good: ledger.last_good(),
            })
            .count += 1;
    }

    /// Reads the frame table at the buffer's front and compares it with the
    /// records read.
    fn read_table(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger) {
        let at = buf.offset();
        let (offset, len) = self.header.table;
        if at != u64::from(offset) {
            ledger.warn(
                WarningKind::CorruptRecord,
                at,
                format!("records run past the frame table at byte {offset}; frame order unchecked"),
            );
            return;
        }
        if len % 4 != 0 {
            ledger.warn(
                WarningKind::CorruptRecord,
                at,
                format!("the frame table length {len} is not a multiple of 4 (entries are u32)"),
            );
        }
        let entries = u64::from(len / 4);
        let mut table = crc32fast::Hasher::new();
        let mut read = 0u64;
        while read < entries {
            if !buf.ensure(4) {
                ledger.warn(
                    WarningKind::TruncatedFile,
                    buf.offset(),
                    format!(
                        "file ends inside the frame table ({read} of {entries} entries present); \
                         frame order unchecked"
                    ),
                );
                ledger.end_of_input(buf, "frame table entry", 4);
                return;
            }
            let avail = buf.available();
            let k = ((avail.len() / 4) as u64).min(entries - read) as usize;
            for e in avail[..4 * k].chunks_exact(4) {
                let entry = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
                table.update(&u64::from(entry).to_le_bytes());
            }
            buf.consume(4 * k);
            read += k as u64;
        }
        let same = table.finalize() == self.digest.clone().finalize();
        if read != self.records || !same {
            ledger.warn(
                WarningKind::CorruptRecord,
                at,
                format!(
                    "the frame table lists {read} records{}, {} were read in file order: frame \
                     numbers follow the file order, Wireshark's follow the table",
                    if read == self.records {
                        " in another order or at other offsets"
                    } else {
                        ""
                    },
                    self.records
                ),
            );
        }
    }

    /// Warns that the input ended (or gave up) before the frame table.
    fn table_missing(&self, buf: &RefillBuffer, ledger: &mut Ledger) {
        if let Some(t) = self.table_at {
            let end = buf.offset() + buf.available().len() as u64;
            ledger.warn(
                WarningKind::TruncatedFile,
                end,
                format!(
                    "the records end at byte {end}, before the frame table at byte {t}: frame \
                     order unchecked (Wireshark cannot read a NetMon file without its table)"
                ),
            );
        }
    }

    /// Stops reading: one warning per media type of the records skipped.
    fn finish(&mut self, ledger: &mut Ledger) -> Option<Found> {
        self.done = true;
        let mut tallies: Vec<(u16, Tally)> =
            std::mem::take(&mut self.skipped).into_iter().collect();
        tallies.sort_by_key(|(_, t)| t.first_offset);
        for (media, t) in tallies {
            let numbering = match t.first_frame {
                Some(no) => {
                    format!("numbered as frames like Wireshark does, the first is frame {no}")
                }
                None => "not numbered, as in Wireshark".to_string(),
            };
            ledger.warn_after(
                WarningKind::Skipped,
                t.first_offset,
                t.last_good,
                format!(
                    "{} {} (NetMon media type {media:#06x}) skipped, not packets edgecap reads; \
                     {numbering}",
                    t.count, t.what
                ),
            );
        }
        None
    }

    /// True when a plausible record (or the frame table) starts at the
    /// buffer's front.
    fn plausible_here(&self, buf: &mut RefillBuffer) -> bool {
        let pos = buf.offset();
        if self.table_at.is_some_and(|t| pos >= t) {
            return true;
        }
        let lay = self.header.layout;
        let hlen = lay.header_len();
        // A day, in the unit of the record deltas: a damaged region does not
        // span more (the pcap reader's rule).
        let day = if lay.major == 1 {
            86_400_000
        } else {
            86_400_000_000
        };
        let sane = |h: &RecordHeader, near: u64| {
            h.caplen <= lay.max_caplen()
                && h.caplen <= h.orig_len
                && h.orig_len as usize <= MAX_BLOCK_LEN
                && h.delta.abs_diff(near) <= day
        };
        if !buf.ensure(hlen) {
            return false;
        }
        let h = lay.read_header(buf.available());
        if !sane(&h, self.last_delta) {
            return false;
        }
        let end = hlen + h.caplen as usize + lay.trailer_len();
        if self.table_at.is_some_and(|t| pos + end as u64 > t) || !buf.ensure(end) {
            return false;
        }
        if lay.trailer_len() > 0
            && !Media::of(lay.media(&buf.available()[end - lay.trailer_len()..end])).1
        {
            return false;
        }
        if self.table_at == Some(pos + end as u64) {
            return true;
        }
        if buf.ensure(end + hlen) {
            sane(&lay.read_header(&buf.available()[end..]), h.delta)
        } else {
            buf.available().len() == end && buf.at_clean_eof()
        }
    }

    /// Skips forward byte by byte from a corrupt record to the next
    /// plausible one, with one warning. False when none is found.
    fn resync(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger, reason: &str) -> bool {
        let scan = Scan {
            step: 1,
            header_len: self.header.layout.header_len(),
            unit: "record",
            target: "plausible record",
        };
        scan_forward(buf, ledger, reason, &scan, |buf| self.plausible_here(buf))
    }
}

/// Consumes `n` bytes in chunks; false when the input ends first.
fn skip(buf: &mut RefillBuffer, mut n: u64) -> bool {
    while n > 0 {
        let step = n.min(CHUNK_LEN as u64) as usize;
        if !buf.ensure(step) {
            return false;
        }
        buf.consume(step);
        n -= step as u64;
    }
    true
}

#[cfg(test)]
mod tests;
