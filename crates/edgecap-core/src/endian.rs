//! Byte order of a capture section: the one place that turns raw bytes into
//! integers for the pcap and pcapng parsers and writers.
//!
//! Reads never panic: callers check lengths first, and a read past the end of
//! the slice yields zero rather than a panic (a bug would show as a corrupt
//! record, not a crash).

/// The byte order of a pcap file or of one pcapng section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endianness {
    /// Least significant byte first (what x86 capture tools write).
    #[default]
    Little,
    /// Most significant byte first.
    Big,
}

impl Endianness {
    /// Reads a `u16` at byte `at` of `bytes`, or 0 when the slice is too short.
    pub fn u16_at(self, bytes: &[u8], at: usize) -> u16 {
        match bytes.get(at..at.saturating_add(2)) {
            Some(&[a, b]) => match self {
                Endianness::Little => u16::from_le_bytes([a, b]),
                Endianness::Big => u16::from_be_bytes([a, b]),
            },
            _ => 0,
        }
    }

    /// Reads a `u32` at byte `at` of `bytes`, or 0 when the slice is too short.
    #[inline]
    pub fn u32_at(self, bytes: &[u8], at: usize) -> u32 {
        match bytes.get(at..at.saturating_add(4)) {
            Some(&[a, b, c, d]) => match self {
                Endianness::Little => u32::from_le_bytes([a, b, c, d]),
                Endianness::Big => u32::from_be_bytes([a, b, c, d]),
            },
            _ => 0,
        }
    }

    /// Reads an `i64` at byte `at` of `bytes`, or 0 when the slice is too short.
    pub fn i64_at(self, bytes: &[u8], at: usize) -> i64 {
        let mut raw = [0u8; 8];
        match bytes.get(at..at.saturating_add(8)) {
            Some(s) => raw.copy_from_slice(s),
            None => return 0,
        }
        match self {
            Endianness::Little => i64::from_le_bytes(raw),
            Endianness::Big => i64::from_be_bytes(raw),
        }
    }

    /// Encodes a `u16` in this byte order.
    pub fn u16_bytes(self, v: u16) -> [u8; 2] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }

    /// Encodes a `u32` in this byte order.
    pub fn u32_bytes(self, v: u32) -> [u8; 4] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }

    /// Encodes an `i64` in this byte order.
    pub fn i64_bytes(self, v: i64) -> [u8; 8] {
        match self {
            Endianness::Little => v.to_le_bytes(),
            Endianness::Big => v.to_be_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_orders_and_never_panics_when_short() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(Endianness::Little.u32_at(&b, 0), 0x0403_0201);
        assert_eq!(Endianness::Big.u32_at(&b, 4), 0x0506_0708);
        assert_eq!(Endianness::Big.u16_at(&b, 6), 0x0708);
        assert_eq!(Endianness::Little.u32_at(&b, 5), 0);
        assert_eq!(Endianness::Big.u32_at(&b, usize::MAX), 0);
        assert_eq!(Endianness::Big.i64_at(&b, 0), 0x0102_0304_0506_0708);
        assert_eq!(Endianness::Big.i64_at(&b, 1), 0);
        assert_eq!(Endianness::Big.i64_bytes(-2), (-2i64).to_be_bytes());
    }
}
