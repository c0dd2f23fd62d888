//! Input plumbing in front of the parsers: counting the raw bytes read (for
//! progress bars) and transparent gzip decompression.
//!
//! gzip is recognised by its magic bytes `1f 8b` (RFC 1952 §2.3.1), never by
//! the file name. Concatenated gzip members are decoded as one stream, as
//! `gunzip` does.

use flate2::read::MultiGzDecoder;
use std::io::{self, Cursor, Read};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// The first two bytes of every gzip member (RFC 1952 §2.3.1, ID1 and ID2).
pub const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// True when `prefix` starts with the gzip magic.
pub fn is_gzip(prefix: &[u8]) -> bool {
    prefix.starts_with(&GZIP_MAGIC)
}

/// Wraps the rest of a gzip stream whose first bytes were already read into
/// `prefix`, yielding the decompressed bytes.
pub fn decompress(prefix: Vec<u8>, rest: Box<dyn Read + Send>) -> Box<dyn Read + Send> {
    Box::new(MultiGzDecoder::new(Cursor::new(prefix).chain(rest)))
}

/// How many of the input's first bytes are fingerprinted ([`RawStats::head`]).
pub const HEAD_FINGERPRINT_LEN: usize = 64 * 1024;

/// What a [`CountingReader`] saw of the raw input (compressed bytes for
/// gzip): how many bytes, and a CRC-32 of the first
/// [`HEAD_FINGERPRINT_LEN`] of them, so a re-reader can tell that the file
/// changed since.
#[derive(Default)]
pub struct RawStats {
    count: AtomicU64,
    head_crc: AtomicU32,
    head_len: AtomicUsize,
}

impl RawStats {
    /// Bytes read so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// (CRC-32, length) of the first bytes read, at most
    /// [`HEAD_FINGERPRINT_LEN`].
    pub fn head(&self) -> (u32, usize) {
        (
            self.head_crc.load(Ordering::Relaxed),
            self.head_len.load(Ordering::Relaxed),
        )
    }
}

/// A reader that counts the bytes passing through it, and fingerprints the
/// first of them, into shared [`RawStats`].
pub struct CountingReader {
    inner: Box<dyn Read + Send>,
    stats: Arc<RawStats>,
    head: crc32fast::Hasher,
    head_len: usize,
}

impl CountingReader {
    /// Wraps `inner`; returns the reader and the statistics it updates.
    pub fn new(inner: Box<dyn Read + Send>) -> (Self, Arc<RawStats>) {
        let stats = Arc::new(RawStats::default());
        let reader = CountingReader {
            inner,
            stats: Arc::clone(&stats),
            head: crc32fast::Hasher::new(),
            head_len: 0,
        };
        (reader, stats)
    }
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.stats.count.fetch_add(n as u64, Ordering::Relaxed);
        if self.head_len < HEAD_FINGERPRINT_LEN {
            let take = n.min(HEAD_FINGERPRINT_LEN - self.head_len);
            self.head.update(&buf[..take]);
            self.head_len += take;
            let crc = self.head.clone().finalize();
            self.stats.head_crc.store(crc, Ordering::Relaxed);
            self.stats.head_len.store(self.head_len, Ordering::Relaxed);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn counts_and_decompresses_concatenated_members() {
        let mut bytes = gz(b"hello ");
        bytes.extend(gz(b"world"));
        let total = bytes.len() as u64;
        assert!(is_gzip(&bytes));
        assert!(!is_gzip(b"\x1f"));
        let (counting, count) = CountingReader::new(Box::new(Cursor::new(bytes)));
        let mut out = String::new();
        decompress(Vec::new(), Box::new(counting))
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello world");
        assert_eq!(count.count(), total);
    }
}
