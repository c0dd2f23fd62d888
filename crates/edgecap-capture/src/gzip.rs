//! Input plumbing in front of the parsers: counting the raw bytes read (for
//! progress bars) and transparent gzip decompression.
//!
//! gzip is recognised by its magic bytes `1f 8b` (RFC 1952 §2.3.1), never by
//! the file name. Concatenated gzip members are decoded as one stream, as
//! `gunzip` does.

use flate2::read::MultiGzDecoder;
use std::io::{self, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
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

/// A reader that counts the bytes passing through it into a shared counter.
pub struct CountingReader {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl CountingReader {
    /// Wraps `inner`; returns the reader and the counter it updates.
    pub fn new(inner: Box<dyn Read + Send>) -> (Self, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        let reader = CountingReader {
            inner,
            count: Arc::clone(&count),
        };
        (reader, count)
    }
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
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
        assert_eq!(count.load(Ordering::Relaxed), total);
    }
}
