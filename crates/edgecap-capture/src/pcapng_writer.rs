//! Writing pcapng (draft-ietf-opsawg-pcapng): Section Header Blocks,
//! Interface Description Blocks and Enhanced Packet Blocks with comments,
//! little-endian, streamed to any [`Write`].
//!
//! This module owns the block layout and the conversion of a frame's
//! [`Timestamp`] back to its interface's units. A copy written here keeps
//! every packet's bytes, original length and timestamp units (exactly, for
//! every resolution of a nanosecond or coarser; `if_tsresol` and
//! `if_tsoffset` are copied), so Wireshark shows the same packets. Comment
//! text is the caller's: it arrives already made safe and is only cut to the
//! 16-bit option length, at a character boundary.

use crate::tsresol::TsResolution;
use crate::{InterfaceInfo, Timestamp};
use std::io::{self, Write};

const SHB_TYPE: u32 = 0x0A0D_0D0A;
const IDB_TYPE: u32 = 1;
const EPB_TYPE: u32 = 6;
/// pcapng byte-order magic.
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// `opt_endofopt`, `opt_comment` (pcapng §3.5).
const OPT_END: u16 = 0;
const OPT_COMMENT: u16 = 1;
/// `shb_userappl` (pcapng §4.1).
const SHB_USERAPPL: u16 = 4;
/// `if_tsresol`, `if_tsoffset` (pcapng §4.2).
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;
/// Longest option value: the option length field is 16 bits (pcapng §3.5).
pub const MAX_OPTION_LEN: usize = u16::MAX as usize;
const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Streams a pcapng file.
#[derive(Debug)]
pub struct PcapNgWriter<W: Write> {
    out: W,
    interfaces: u32,
}

impl<W: Write> PcapNgWriter<W> {
    /// A writer on `out`; nothing is written before [`Self::section`].
    pub fn new(out: W) -> Self {
        PcapNgWriter { out, interfaces: 0 }
    }

    /// Starts a section (its interfaces start again at id 0), with an
    /// optional section comment and the name of the writing application.
    pub fn section(&mut self, comment: Option<&str>, user_appl: &str) -> io::Result<()> {
        let mut body = Vec::new();
        body.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        body.extend_from_slice(&1u16.to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&(-1i64).to_le_bytes());
        if let Some(c) = comment {
            option(&mut body, OPT_COMMENT, cut(c).as_bytes());
        }
        option(&mut body, SHB_USERAPPL, cut(user_appl).as_bytes());
        option(&mut body, OPT_END, &[]);
        self.interfaces = 0;
        self.block(SHB_TYPE, &body)
    }

    /// Declares the next interface of the section (ids count from 0).
    pub fn interface(&mut self, iface: &InterfaceInfo) -> io::Result<()> {
        let mut body = Vec::new();
        // pcapng link types are 16 bits; the reader keeps the low 16 bits.
        body.extend_from_slice(&((iface.link.0 & 0xFFFF) as u16).to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&iface.snaplen.to_le_bytes());
        option(&mut body, IF_TSRESOL, &[iface.resolution.to_raw()]);
        if iface.offset_secs != 0 {
            option(&mut body, IF_TSOFFSET, &iface.offset_secs.to_le_bytes());
        }
        option(&mut body, OPT_END, &[]);
        self.interfaces += 1;
        self.block(IDB_TYPE, &body)
    }

    /// Interfaces declared in the current section.
    pub fn interfaces(&self) -> u32 {
        self.interfaces
    }

    /// Writes one packet captured on interface `id` of the section
    /// (described by `iface`), with one `opt_comment` per comment.
    pub fn packet(
        &mut self,
        id: u32,
        iface: &InterfaceInfo,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
        comments: &[String],
    ) -> io::Result<()> {
        let caplen = u32::try_from(data.len()).map_err(|_| too_long())?;
        let units = units_of(ts, iface);
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend_from_slice(&id.to_le_bytes());
        body.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(units as u32).to_le_bytes());
        body.extend_from_slice(&caplen.to_le_bytes());
        body.extend_from_slice(&orig_len.to_le_bytes());
        body.extend_from_slice(data);
        pad(&mut body);
        if !comments.is_empty() {
            for c in comments {
                option(&mut body, OPT_COMMENT, cut(c).as_bytes());
            }
            option(&mut body, OPT_END, &[]);
        }
        self.block(EPB_TYPE, &body)
    }

    /// Flushes and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let total = u32::try_from(body.len() + 12).map_err(|_| too_long())?;
        self.out.write_all(&block_type.to_le_bytes())?;
        self.out.write_all(&total.to_le_bytes())?;
        self.out.write_all(body)?;
        self.out.write_all(&total.to_le_bytes())
    }
}

fn too_long() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "pcapng block too long")
}

fn pad(b: &mut Vec<u8>) {
    b.resize(b.len().next_multiple_of(4), 0);
}

fn option(b: &mut Vec<u8>, code: u16, value: &[u8]) {
    let len = value.len().min(MAX_OPTION_LEN);
    b.extend_from_slice(&code.to_le_bytes());
    b.extend_from_slice(&(len as u16).to_le_bytes());
    b.extend_from_slice(&value[..len]);
    pad(b);
}

/// `s` cut to at most [`MAX_OPTION_LEN`] bytes at a character boundary.
fn cut(s: &str) -> &str {
    if s.len() <= MAX_OPTION_LEN {
        return s;
    }
    let mut end = MAX_OPTION_LEN;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The timestamp in `iface`'s units, the inverse of
/// [`TsResolution::timestamp`]: exact for a timestamp read from that
/// interface at a resolution of 1 ns or coarser (a power-of-2 unit is rounded
/// up, undoing the reader's truncation); saturating, never negative.
pub fn units_of(ts: Timestamp, iface: &InterfaceInfo) -> u64 {
    let nanos = i128::from(ts.0) - i128::from(iface.offset_secs) * NANOS_PER_SEC;
    let nanos = nanos.max(0) as u128;
    let units = match iface.resolution {
        TsResolution::Pow2(n) if n < 64 => {
            // nanos < 2^63 and 2^n < 2^64: the product fits in u128.
            (nanos * (1u128 << n)).div_ceil(NANOS_PER_SEC as u128)
        }
        r => r.nanos_to_units(nanos),
    };
    u64::try_from(units).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
