//! pcap and pcapng writers, for tests and for the sample-capture generator.
//!
//! Written by hand (pcap-parser's `serialize` feature is not used). The
//! writers produce exactly what the reader and Wireshark expect: padded
//! packet data, matching leading and trailing block lengths, and interface
//! options for `if_tsresol`/`if_tsoffset`. They never validate semantics on
//! purpose beyond what is needed to encode: a test may write a packet on an
//! undeclared interface or any block type it likes.

use edgecap_core::endian::Endianness;
use edgecap_core::tsresol::TsResolution;
use edgecap_core::{LinkType, Timestamp};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::{self, Write};

/// Options of a classic pcap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapOptions {
    /// Byte order of the header and record headers.
    pub endianness: Endianness,
    /// Nanosecond timestamps (magic a1b23c4d) instead of microseconds (a1b2c3d4).
    pub nanos: bool,
    /// Snapshot length; packet data beyond it is not written (0 = no limit).
    pub snaplen: u32,
    /// Link type of every packet.
    pub link: LinkType,
}

impl Default for PcapOptions {
    /// Little-endian, microseconds, snaplen 262144, Ethernet.
    fn default() -> Self {
        PcapOptions {
            endianness: Endianness::Little,
            nanos: false,
            snaplen: 262_144,
            link: LinkType::ETHERNET,
        }
    }
}

/// Writes a classic pcap file (header on creation, then one record per packet).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    opts: PcapOptions,
    /// The modified (Kuznetzov) format: 8 more bytes per record header.
    modified: bool,
}

/// The modified (Kuznetzov) pcap magic, written in the file's byte order.
const MODIFIED_MAGIC: u32 = 0xa1b2_cd34;

/// Linux `PACKET_OUTGOING` (`linux/if_packet.h`): the packet type written in
/// modified-format records of packets sent by the capturing host.
const PACKET_OUTGOING: u8 = 4;

impl<W: Write> PcapWriter<W> {
    /// Writes the 24-byte file header to `out`.
    pub fn new(out: W, opts: PcapOptions) -> io::Result<Self> {
        let magic: u32 = if opts.nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        Self::with_magic(out, opts, magic)
    }

    /// A "modified" (Kuznetzov) pcap: magic `0xa1b2cd34`, microsecond
    /// timestamps (`opts.nanos` is ignored), and after each classic record
    /// header the interface index 2, the protocol (the IP ethertype of the
    /// packet's Ethernet header, else 0), packet type `PACKET_OUTGOING` and
    /// a pad byte.
    pub fn modified(out: W, opts: PcapOptions) -> io::Result<Self> {
        let opts = PcapOptions {
            nanos: false,
            ..opts
        };
        let mut w = Self::with_magic(out, opts, MODIFIED_MAGIC)?;
        w.modified = true;
        Ok(w)
    }

    fn with_magic(mut out: W, opts: PcapOptions, magic: u32) -> io::Result<Self> {
        let e = opts.endianness;
        let mut h = Vec::with_capacity(24);
        h.extend(e.u32_bytes(magic));
        h.extend(e.u16_bytes(2));
        h.extend(e.u16_bytes(4));
        h.extend([0; 8]); // thiszone, sigfigs
        h.extend(e.u32_bytes(opts.snaplen));
        h.extend(e.u32_bytes(opts.link.0));
        out.write_all(&h)?;
        Ok(PcapWriter {
            out,
            opts,
            modified: false,
        })
    }

    /// Writes one record. `data` is cut to the snaplen; `orig_len` is written
    /// as given (pass `data.len()` for a complete packet). Times before 1970
    /// or after 2106 are clamped to the u32 seconds range.
    pub fn write_packet(&mut self, ts: Timestamp, data: &[u8], orig_len: u32) -> io::Result<()> {
        let e = self.opts.endianness;
        let data = match self.opts.snaplen {
            0 => data,
            snap => &data[..data.len().min(snap as usize)],
        };
        let caplen = u32::try_from(data.len()).map_err(|_| too_long(data.len()))?;
        let (secs, nanos) = if ts.0 < 0 {
            (0, 0)
        } else {
            let secs = ts.0 / 1_000_000_000;
            match u32::try_from(secs) {
                Ok(s) => (s, (ts.0 % 1_000_000_000) as u32),
                Err(_) => (u32::MAX, 999_999_999),
            }
        };
        let frac = if self.opts.nanos { nanos } else { nanos / 1000 };
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&e.u32_bytes(secs));
        h[4..8].copy_from_slice(&e.u32_bytes(frac));
        h[8..12].copy_from_slice(&e.u32_bytes(caplen));
        h[12..16].copy_from_slice(&e.u32_bytes(orig_len));
        self.out.write_all(&h)?;
        if self.modified {
            let protocol = match data.get(12..14) {
                Some(&[a, b]) if self.opts.link == LinkType::ETHERNET => u16::from_be_bytes([a, b]),
                _ => 0,
            };
            let mut extra = Vec::with_capacity(8);
            extra.extend(e.u32_bytes(2));
            extra.extend(e.u16_bytes(protocol));
            extra.extend([PACKET_OUTGOING, 0]);
            self.out.write_all(&extra)?;
        }
        self.out.write_all(data)
    }

    /// The underlying writer (e.g. to see how many bytes were written).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// How the writer encodes timestamps for one pcapng interface.
#[derive(Debug, Clone, Copy)]
struct IfaceTime {
    resol: TsResolution,
    offset_secs: i64,
}

/// Writes a pcapng file: a Section Header Block on creation, then whatever
/// interfaces, packets and blocks the caller adds.
#[derive(Debug)]
pub struct PcapNgWriter<W: Write> {
    out: W,
    endian: Endianness,
    interfaces: Vec<IfaceTime>,
}

impl<W: Write> PcapNgWriter<W> {
    /// Starts a little-endian pcapng file.
    pub fn new(out: W) -> io::Result<Self> {
        Self::with_endianness(out, Endianness::Little)
    }

    /// Starts a pcapng file whose first section has byte order `endian`.
    pub fn with_endianness(out: W, endian: Endianness) -> io::Result<Self> {
        let mut w = PcapNgWriter {
            out,
            endian,
            interfaces: Vec::new(),
        };
        w.section(endian)?;
        Ok(w)
    }

    /// Starts a new section (Section Header Block) in byte order `endian`;
    /// interfaces of the previous section no longer apply.
    pub fn section(&mut self, endian: Endianness) -> io::Result<()> {
        self.endian = endian;
        self.interfaces.clear();
        let mut body = Vec::with_capacity(16);
        body.extend(endian.u32_bytes(0x1A2B_3C4D));
        body.extend(endian.u16_bytes(1));
        body.extend(endian.u16_bytes(0));
        body.extend(endian.i64_bytes(-1)); // section length unknown
        self.block(0x0A0D_0D0A, &body)
    }

    /// Declares an interface in the current section and returns its id.
    /// `tsresol` other than µs and a non-zero `tsoffset_secs` are written as
    /// `if_tsresol` / `if_tsoffset` options. Fails for link types above 65535.
    pub fn interface(
        &mut self,
        link: LinkType,
        snaplen: u32,
        tsresol: TsResolution,
        tsoffset_secs: i64,
    ) -> io::Result<u32> {
        let e = self.endian;
        let link16 = u16::try_from(link.0).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "pcapng link types are 16 bits")
        })?;
        let mut body = Vec::with_capacity(40);
        body.extend(e.u16_bytes(link16));
        body.extend(e.u16_bytes(0));
        body.extend(e.u32_bytes(snaplen));
        let mut any_option = false;
        if tsresol != TsResolution::default() {
            push_option(&mut body, e, 9, &[tsresol.to_raw()]);
            any_option = true;
        }
        if tsoffset_secs != 0 {
            push_option(&mut body, e, 14, &e.i64_bytes(tsoffset_secs));
            any_option = true;
        }
        if any_option {
            push_option(&mut body, e, 0, &[]); // opt_endofopt
        }
        self.block(1, &body)?;
        self.interfaces.push(IfaceTime {
            resol: tsresol,
            offset_secs: tsoffset_secs,
        });
        Ok(self.interfaces.len() as u32 - 1)
    }

    /// Writes an Enhanced Packet Block on interface `iface`. The timestamp is
    /// encoded with that interface's resolution and offset (µs and 0 for an
    /// undeclared id, which is written as is).
    pub fn enhanced_packet(
        &mut self,
        iface: u32,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
    ) -> io::Result<()> {
        let e = self.endian;
        let units = self.units(iface as usize, ts);
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend(e.u32_bytes(iface));
        body.extend(e.u32_bytes((units >> 32) as u32));
        body.extend(e.u32_bytes(units as u32));
        body.extend(e.u32_bytes(u32::try_from(data.len()).map_err(|_| too_long(data.len()))?));
        body.extend(e.u32_bytes(orig_len));
        push_padded(&mut body, data);
        self.block(6, &body)
    }

    /// Writes an obsolete Packet Block (type 2, pcapng appendix A) on
    /// interface `iface`, with a drops count of 0.
    pub fn obsolete_packet(
        &mut self,
        iface: u16,
        ts: Timestamp,
        data: &[u8],
        orig_len: u32,
    ) -> io::Result<()> {
        let e = self.endian;
        let units = self.units(usize::from(iface), ts);
        let mut body = Vec::with_capacity(20 + data.len() + 3);
        body.extend(e.u16_bytes(iface));
        body.extend(e.u16_bytes(0));
        body.extend(e.u32_bytes((units >> 32) as u32));
        body.extend(e.u32_bytes(units as u32));
        body.extend(e.u32_bytes(u32::try_from(data.len()).map_err(|_| too_long(data.len()))?));
        body.extend(e.u32_bytes(orig_len));
        push_padded(&mut body, data);
        self.block(2, &body)
    }

    /// Writes a Simple Packet Block (interface 0 of the section, no timestamp).
    pub fn simple_packet(&mut self, data: &[u8], orig_len: u32) -> io::Result<()> {
        let mut body = Vec::with_capacity(4 + data.len() + 3);
        body.extend(self.endian.u32_bytes(orig_len));
        push_padded(&mut body, data);
        self.block(3, &body)
    }

    /// Writes a block of any type: `body` is padded to 4 bytes and framed
    /// with the type and both total lengths (use for custom or unknown blocks).
    pub fn block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let e = self.endian;
        let padded = body.len().div_ceil(4) * 4;
        let total = u32::try_from(padded + 12).map_err(|_| too_long(body.len()))?;
        let mut out = Vec::with_capacity(padded + 12);
        out.extend(e.u32_bytes(block_type));
        out.extend(e.u32_bytes(total));
        push_padded(&mut out, body);
        out.extend(e.u32_bytes(total));
        self.out.write_all(&out)
    }

    /// The underlying writer (e.g. to see how many bytes were written).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    /// The timestamp of `ts` in interface `iface`'s units, clamped to u64.
    fn units(&self, iface: usize, ts: Timestamp) -> u64 {
        let t = self.interfaces.get(iface).copied().unwrap_or(IfaceTime {
            resol: TsResolution::default(),
            offset_secs: 0,
        });
        let nanos = i128::from(ts.0) - i128::from(t.offset_secs) * 1_000_000_000;
        let units = t.resol.nanos_to_units(u128::try_from(nanos).unwrap_or(0));
        u64::try_from(units).unwrap_or(u64::MAX)
    }
}

/// Compresses `bytes` as one gzip member (for tests of compressed captures).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2 + 64),
        Compression::fast(),
    );
    // Writing into a Vec cannot fail; the empty fallback is unreachable.
    if enc.write_all(bytes).is_err() {
        return Vec::new();
    }
    enc.finish().unwrap_or_default()
}

fn push_option(body: &mut Vec<u8>, e: Endianness, code: u16, value: &[u8]) {
    body.extend(e.u16_bytes(code));
    body.extend(e.u16_bytes(value.len() as u16));
    push_padded(body, value);
}

fn push_padded(out: &mut Vec<u8>, data: &[u8]) {
    out.extend_from_slice(data);
    out.resize(out.len() + (4 - data.len() % 4) % 4, 0);
}

fn too_long(len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{len} bytes do not fit a capture record"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcap_record_layout_big_endian_nanos() {
        let opts = PcapOptions {
            endianness: Endianness::Big,
            nanos: true,
            snaplen: 3,
            link: LinkType::RAW,
        };
        let mut w = PcapWriter::new(Vec::new(), opts).unwrap();
        w.write_packet(Timestamp::from_secs_nanos(2, 5), b"abcdef", 6)
            .unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(&b[..4], &[0xa1, 0xb2, 0x3c, 0x4d]);
        assert_eq!(&b[16..24], &[0, 0, 0, 3, 0, 0, 0, 101]);
        assert_eq!(
            &b[24..],
            &[0, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 6, b'a', b'b', b'c']
        );
    }

    #[test]
    fn pcap_clamps_times_outside_the_u32_range() {
        let mut w = PcapWriter::new(Vec::new(), PcapOptions::default()).unwrap();
        w.write_packet(Timestamp(-5), b"", 0).unwrap();
        w.write_packet(Timestamp(i64::MAX), b"", 0).unwrap();
        let b = w.into_inner().unwrap();
        assert_eq!(&b[24..32], &[0; 8]);
        assert_eq!(&b[40..48], &[0xff, 0xff, 0xff, 0xff, 0x3f, 0x42, 0x0f, 0]);
    }

    #[test]
    fn pcapng_blocks_are_padded_and_framed() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        assert_eq!(w.get_ref().len(), 28, "SHB without options");
        let id = w
            .interface(LinkType::ETHERNET, 96, TsResolution::Pow2(20), -1)
            .unwrap();
        assert_eq!(id, 0);
        // IDB: 8 + 8 fixed + tsresol (4 + 4) + tsoffset (4 + 8) + end (4) + 4.
        assert_eq!(w.get_ref().len(), 28 + 44);
        let idb = &w.get_ref()[28..];
        assert_eq!(&idb[16..21], &[9, 0, 1, 0, 0x94]);
        assert_eq!(&idb[24..28], &[14, 0, 8, 0]);
        assert_eq!(&idb[28..36], &(-1i64).to_le_bytes());
        w.enhanced_packet(0, Timestamp(0), b"12345", 5).unwrap();
        let epb = &w.get_ref()[72..];
        assert_eq!(epb.len(), 28 + 8 + 4);
        assert_eq!(&epb[..8], &[6, 0, 0, 0, 40, 0, 0, 0]);
        assert_eq!(&epb[28..36], b"12345\0\0\0");
        assert_eq!(&epb[36..], &[40, 0, 0, 0]);
        // Timestamp 0 with a -1 s offset is 2^20 units after the offset.
        assert_eq!(&epb[12..20], &[0, 0, 0, 0, 0, 0, 0x10, 0]);
        w.section(Endianness::Big).unwrap();
        let shb = &w.get_ref()[112..];
        assert_eq!(
            &shb[..12],
            &[0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 28, 0x1a, 0x2b, 0x3c, 0x4d]
        );
    }

    #[test]
    fn rejects_link_types_pcapng_cannot_hold() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        assert!(w
            .interface(LinkType(70_000), 0, TsResolution::default(), 0)
            .is_err());
    }

    #[test]
    fn gzip_helper_round_trips() {
        use std::io::Read;
        let gz = gzip(b"payload");
        assert_eq!(&gz[..2], &[0x1f, 0x8b]);
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"payload");
    }
}
