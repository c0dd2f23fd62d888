//! pcapng files: block framing, sections and their interfaces, packet
//! blocks, and resynchronisation after a corrupt block.
//!
//! Framing (type, total length, trailing length copy) is validated here
//! before any block is parsed, so a lying length is caught by the trailer
//! check. Section Header and Interface Description Blocks are parsed with
//! pcap-parser; packet blocks (EPB, SPB and the obsolete Packet Block) are
//! read directly because their fixed part is five integers and pcap-parser's
//! EPB parser collects options into a `Vec` (nom `many0` preallocates), which
//! would be an allocation per frame. pcap-parser has no parser for the
//! obsolete Packet Block (type 2) at all. Every packet block takes one frame
//! number, even one that cannot be returned.
//!
//! Bytes skipped while resynchronising take no frame number (how many
//! records they held is unknown), so after such damage frame numbers count
//! readable records only; Wireshark stops reading at the damage instead.

use super::buffer::{RefillBuffer, MAX_BLOCK_LEN};
use super::endian::Endianness;
use super::ledger::Ledger;
use super::reader::Found;
use super::resync::{scan_forward, Scan};
use super::tsresol::TsResolution;
use super::{FramePlace, InterfaceInfo, LinkType, Timestamp, WarningKind};
use pcap_parser::pcapng::{
    parse_interfacedescriptionblock_be, parse_interfacedescriptionblock_le,
    parse_sectionheaderblock, OptionCode,
};

/// Section Header Block type; the same bytes in both byte orders.
pub const SHB_TYPE: u32 = 0x0A0D_0D0A;
/// Interface Description Block type.
pub const IDB_TYPE: u32 = 1;
/// Obsolete Packet Block type (pcapng spec appendix A).
pub const PB_TYPE: u32 = 2;
/// Simple Packet Block type.
pub const SPB_TYPE: u32 = 3;
/// Enhanced Packet Block type.
pub const EPB_TYPE: u32 = 6;

/// Byte-order magic of a Section Header Block, as stored little-endian.
const BOM_LE: [u8; 4] = [0x4d, 0x3c, 0x2b, 0x1a];
/// Byte-order magic of a Section Header Block, as stored big-endian.
const BOM_BE: [u8; 4] = [0x1a, 0x2b, 0x3c, 0x4d];

/// Block types accepted as resynchronisation points (pcapng spec §10.1):
/// SHB, IDB, PB, SPB, NRB, ISB, EPB, systemd journal, DSB, custom blocks
/// and the Process Information Block.
const KNOWN_TYPES: [u32; 12] = [
    SHB_TYPE,
    IDB_TYPE,
    PB_TYPE,
    SPB_TYPE,
    4,
    5,
    EPB_TYPE,
    9,
    0x0A,
    0x0BAD,
    0x4000_0BAD,
    0x8000_0001,
];

/// Offset of packet data in EPBs and obsolete Packet Blocks.
const PACKET_DATA_AT: usize = 28;
/// Offset of packet data in SPBs.
const SIMPLE_DATA_AT: usize = 12;

/// Smallest legal total length of a block of this type.
pub(crate) fn min_len(block_type: u32) -> usize {
    match block_type {
        SHB_TYPE => 28,
        IDB_TYPE => 20,
        PB_TYPE | EPB_TYPE => 32,
        SPB_TYPE => 16,
        _ => 12,
    }
}

/// One interface of the current section.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Interface {
    /// Link type (low 16 bits of the IDB field).
    pub(crate) link: LinkType,
    /// Snapshot length (0 = unlimited); caps Simple Packet Blocks.
    pub(crate) snaplen: u32,
    resol: TsResolution,
    offset_secs: i64,
}

/// The fixed fields of a packet block (EPB, SPB or obsolete PB), read in
/// the section's byte order; shared by the streaming parser and
/// [`super::frame_source`], so both read a block the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PacketLayout {
    /// Interface id (0 for SPBs).
    pub(crate) if_id: u32,
    /// Timestamp units (`None` for SPBs, which have none).
    pub(crate) units: Option<u64>,
    /// Bytes the block has room for after its fixed part.
    pub(crate) space: usize,
    /// Captured length as claimed (SPB: the original length capped by `space`;
    /// the caller still caps it by the interface's snaplen).
    pub(crate) caplen: u32,
    /// Original length on the wire.
    pub(crate) orig_len: u32,
    /// Offset of the packet data in the block.
    pub(crate) data_at: usize,
}

impl PacketLayout {
    /// Reads the fixed part of a packet block `b` of type `block_type` whose
    /// framing has been checked (`b.len()` is its total length, at least
    /// [`min_len`]). Integer reads past the end yield 0, never a panic.
    pub(crate) fn read(b: &[u8], block_type: u32, e: Endianness) -> PacketLayout {
        let len = b.len();
        if block_type == SPB_TYPE {
            let orig = e.u32_at(b, 8);
            let space = len.saturating_sub(16);
            PacketLayout {
                if_id: 0,
                units: None,
                space,
                caplen: orig.min(u32::try_from(space).unwrap_or(u32::MAX)),
                orig_len: orig,
                data_at: SIMPLE_DATA_AT,
            }
        } else {
            let if_id = if block_type == EPB_TYPE {
                e.u32_at(b, 8)
            } else {
                u32::from(e.u16_at(b, 8))
            };
            PacketLayout {
                if_id,
                units: Some(u64::from(e.u32_at(b, 12)) << 32 | u64::from(e.u32_at(b, 16))),
                space: len.saturating_sub(32),
                caplen: e.u32_at(b, 20),
                orig_len: e.u32_at(b, 24),
                data_at: PACKET_DATA_AT,
            }
        }
    }
}

/// Outcome of checking the framing of the block at some position.
enum Framing {
    /// Framing is sane: type, total length, and the byte order to use.
    Ok(u32, usize, Endianness),
    /// The block is damaged, with a reason.
    Corrupt(String),
    /// The input ends before this many bytes of the block.
    Short(usize),
}

/// Parser state for a pcapng stream.
#[derive(Debug)]
pub struct PcapNgParser {
    endian: Endianness,
    interfaces: Vec<Interface>,
    last_ts: Timestamp,
    done: bool,
    /// Sections started so far (for the frame index).
    sections: u64,
    /// Interface id of the last packet returned.
    last_if_id: u32,
}

impl PcapNgParser {
    /// Checks the first Section Header Block (the magic has been checked by
    /// the caller) without consuming it. The error is a lowercase reason.
    pub fn open(buf: &mut RefillBuffer) -> Result<PcapNgParser, String> {
        let parser = PcapNgParser {
            endian: Endianness::Little,
            interfaces: Vec::new(),
            last_ts: Timestamp(0),
            done: false,
            sections: 0,
            last_if_id: 0,
        };
        match parser.framing_at(buf, 0) {
            Framing::Ok(..) => {}
            Framing::Corrupt(reason) => return Err(format!("bad section header block: {reason}")),
            Framing::Short(needed) => {
                return Err(format!(
                    "pcapng section header block cut off ({} of {needed} bytes)",
                    buf.available().len().min(needed)
                ))
            }
        }
        if let Err(e) = parse_sectionheaderblock(buf.available()) {
            return Err(format!("unreadable section header block ({e})"));
        }
        Ok(parser)
    }

    /// Parses blocks up to the next packet, resynchronising past damage;
    /// `None` at the end.
    pub fn next(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger) -> Option<Found> {
        if self.done {
            return None;
        }
        loop {
            let (block_type, len, endian) = match self.framing_at(buf, 0) {
                Framing::Ok(t, len, e) => (t, len, e),
                Framing::Short(needed) => {
                    // A length running past the end is usually a cut-off
                    // file, unless a sane block starts inside the claimed extent.
                    if let Some(skip) = self.block_inside(buf, needed) {
                        ledger.warn(
                            WarningKind::CorruptRecord,
                            buf.offset(),
                            format!(
                                "corrupt block: total length {needed} runs past the end of \
                                 the file; skipped {skip} bytes to the next sane block"
                            ),
                        );
                        buf.consume(skip);
                        continue;
                    }
                    ledger.end_of_input(buf, "block", needed);
                    self.done = true;
                    return None;
                }
                Framing::Corrupt(reason) => {
                    if !self.resync(buf, ledger, &reason) {
                        self.done = true;
                        return None;
                    }
                    continue;
                }
            };
            match block_type {
                SHB_TYPE => self.section(buf, ledger, len, endian),
                IDB_TYPE => self.interface(buf, ledger, len),
                EPB_TYPE | PB_TYPE | SPB_TYPE => {
                    if let Some(found) = self.packet(buf, ledger, block_type, len) {
                        return Some(found);
                    }
                }
                _ => {}
            }
            if !matches!(block_type, EPB_TYPE | PB_TYPE | SPB_TYPE) {
                buf.consume(len);
            }
        }
    }

    /// The current section for the frame index: how many sections have
    /// started (changes with every Section Header Block), its byte order and
    /// the interfaces declared in it so far.
    pub(crate) fn section_state(&self) -> (u64, Endianness, &[Interface]) {
        (self.sections, self.endian, &self.interfaces)
    }

    /// Where the last packet returned was captured.
    pub(crate) fn place(&self) -> FramePlace {
        FramePlace {
            section: self.sections,
            interface: self.last_if_id,
        }
    }

    /// The interfaces declared so far in the current section, in id order.
    pub(crate) fn interfaces(&self) -> Vec<InterfaceInfo> {
        self.interfaces
            .iter()
            .map(|i| InterfaceInfo {
                link: i.link,
                snaplen: i.snaplen,
                resolution: i.resol,
                offset_secs: i.offset_secs,
            })
            .collect()
    }

    /// Validates the framing of the block starting `at` bytes into the window.
    fn framing_at(&self, buf: &mut RefillBuffer, at: usize) -> Framing {
        if !buf.ensure(at + 8) {
            return Framing::Short(8);
        }
        let head = &buf.available()[at..];
        let block_type_bytes = [head[0], head[1], head[2], head[3]];
        let mut endian = self.endian;
        if u32::from_le_bytes(block_type_bytes) == SHB_TYPE {
            if !buf.ensure(at + 12) {
                return Framing::Short(12);
            }
            let bom = &buf.available()[at + 8..at + 12];
            endian = if bom == BOM_LE {
                Endianness::Little
            } else if bom == BOM_BE {
                Endianness::Big
            } else {
                return Framing::Corrupt(format!(
                    "section header with unknown byte-order magic {bom:02x?}"
                ));
            };
        }
        let head = &buf.available()[at..];
        let block_type = endian.u32_at(head, 0);
        let len = endian.u32_at(head, 4) as usize;
        if len % 4 != 0 || len < min_len(block_type) || len > MAX_BLOCK_LEN {
            return Framing::Corrupt(format!(
                "corrupt block: type {block_type:#x} claims a total length of {len}"
            ));
        }
        if !buf.ensure(at + len) {
            return Framing::Short(len);
        }
        let trailer = endian.u32_at(buf.available(), at + len - 4);
        if trailer as usize != len {
            return Framing::Corrupt(format!(
                "corrupt block: type {block_type:#x} has total length {len} \
                 but trailing length {trailer}"
            ));
        }
        Framing::Ok(block_type, len, endian)
    }

    /// Starts a new section: byte order from its header, no interfaces yet.
    fn section(&mut self, buf: &RefillBuffer, ledger: &mut Ledger, len: usize, e: Endianness) {
        match parse_sectionheaderblock(&buf.available()[..len]) {
            Ok(_) => {
                self.endian = e;
                self.interfaces.clear();
                self.sections += 1;
            }
            Err(err) => ledger.warn(
                WarningKind::CorruptRecord,
                buf.offset(),
                format!("unreadable section header block skipped ({err})"),
            ),
        }
    }

    /// Declares an interface of the current section.
    fn interface(&mut self, buf: &RefillBuffer, ledger: &mut Ledger, len: usize) {
        let bytes = &buf.available()[..len];
        let parsed = match self.endian {
            Endianness::Little => parse_interfacedescriptionblock_le(bytes),
            Endianness::Big => parse_interfacedescriptionblock_be(bytes),
        };
        let idb = match parsed {
            Ok((_, idb)) => idb,
            Err(err) => {
                ledger.warn(
                    WarningKind::CorruptRecord,
                    buf.offset(),
                    format!("unreadable interface description block skipped ({err})"),
                );
                return;
            }
        };
        let mut iface = Interface {
            link: LinkType(idb.linktype.0 as u32 & 0xFFFF),
            snaplen: idb.snaplen,
            resol: TsResolution::default(),
            offset_secs: 0,
        };
        // pcap-parser's own `if_tsoffset` decoding always reads little-endian
        // and its `ts_resolution()` rejects power-of-2 values, so read the
        // raw options in the section's byte order.
        for opt in &idb.options {
            let Ok(value) = opt.as_bytes() else { continue };
            match opt.code {
                OptionCode::IfTsresol if value.len() == 1 => {
                    iface.resol = TsResolution::from_raw(value[0]);
                }
                OptionCode::IfTsoffset if value.len() == 8 => {
                    iface.offset_secs = self.endian.i64_at(value, 0);
                }
                _ => {}
            }
        }
        ledger.declare_link(iface.link);
        self.interfaces.push(iface);
    }

    /// Turns a packet block into a frame; `None` (block consumed, frame
    /// number taken) when it cannot be returned.
    fn packet(
        &mut self,
        buf: &mut RefillBuffer,
        ledger: &mut Ledger,
        block_type: u32,
        len: usize,
    ) -> Option<Found> {
        let PacketLayout {
            if_id,
            units,
            space,
            mut caplen,
            orig_len,
            data_at,
        } = PacketLayout::read(&buf.available()[..len], block_type, self.endian);
        let offset = buf.offset();
        let Some(iface) = self.interfaces.get(if_id as usize).copied() else {
            // Wireshark stops reading at such a packet ("interface index is not
            // less than section interface count"); edgecap skips it but lets it
            // take its frame number, so later frames keep counting packet blocks.
            let no = ledger.skip_frame();
            ledger.warn(
                WarningKind::Skipped,
                offset,
                format!(
                    "packet {no} skipped: interface {if_id} is not declared in this section \
                     ({} declared)",
                    self.interfaces.len()
                ),
            );
            buf.consume(len);
            return None;
        };
        if block_type == SPB_TYPE && iface.snaplen != 0 {
            caplen = caplen.min(iface.snaplen);
        }
        if caplen as usize > space {
            let no = ledger.skip_frame();
            ledger.warn(
                WarningKind::CorruptRecord,
                offset,
                format!(
                    "packet {no} skipped: captured length {caplen} exceeds the {space} bytes \
                     its block holds"
                ),
            );
            buf.consume(len);
            return None;
        }
        // A Simple Packet Block has no timestamp; it inherits the previous
        // frame's, so relative times stay meaningful.
        let ts = match units {
            Some(units) => iface.resol.timestamp(units, iface.offset_secs),
            None => self.last_ts,
        };
        self.last_ts = ts;
        self.last_if_id = if_id;
        Some(Found {
            no: ledger.frame(),
            ts,
            link: iface.link,
            data: data_at..data_at + caplen as usize,
            orig_len,
            consume: len,
        })
    }

    /// At a clean end of input, the first 4-aligned offset inside a block
    /// that claims `needed` bytes where a sane block of a known type starts.
    fn block_inside(&self, buf: &mut RefillBuffer, needed: usize) -> Option<usize> {
        if needed <= 12 || !buf.at_clean_eof() {
            return None;
        }
        let have = buf.available().len();
        (4..have).step_by(4).find(|&at| {
            matches!(self.framing_at(buf, at), Framing::Ok(t, ..) if KNOWN_TYPES.contains(&t))
        })
    }

    /// Skips forward on 4-byte steps from a corrupt block to the next block
    /// of a known type with sane framing, with one warning for the damaged
    /// region. False when none is found.
    fn resync(&mut self, buf: &mut RefillBuffer, ledger: &mut Ledger, reason: &str) -> bool {
        let scan = Scan {
            step: 4,
            header_len: 12,
            unit: "block",
            target: "sane block",
        };
        scan_forward(
            buf,
            ledger,
            reason,
            &scan,
            |buf| matches!(self.framing_at(buf, 0), Framing::Ok(block_type, ..) if KNOWN_TYPES.contains(&block_type)),
        )
    }
}
