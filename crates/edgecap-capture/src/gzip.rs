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
/// `prefix`, yielding the decompressed bytes; past `limit` it fails with an
/// [`InflateLimitHit`] error.
pub fn decompress(
    prefix: Vec<u8>,
    rest: Box<dyn Read + Send>,
    raw: Arc<RawStats>,
    limit: InflateLimit,
) -> Box<dyn Read + Send> {
    Box::new(InflateGuard {
        inner: MultiGzDecoder::new(Cursor::new(prefix).chain(rest)),
        raw,
        limit,
        inflated: 0,
    })
}

/// Decompressed bytes always allowed before [`InflateLimit::ratio`] applies,
/// so a small capture of very repetitive packets is never cut.
pub const INFLATE_GRACE: u64 = 64 * 1024 * 1024;

/// The default of [`InflateLimit::ratio`]: real pcap/pcapng files compress
/// 2–20 times, a gzip bomb about 1,000 times.
pub const MAX_GZIP_RATIO: u32 = 100;

/// How far a gzip capture may inflate: at most [`INFLATE_GRACE`] plus
/// `ratio` × the compressed bytes read so far; `ratio` 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InflateLimit {
    /// Decompressed bytes allowed per compressed byte, beyond the grace.
    pub ratio: u32,
}

impl Default for InflateLimit {
    fn default() -> Self {
        InflateLimit {
            ratio: MAX_GZIP_RATIO,
        }
    }
}

/// The error a gzip stream past its [`InflateLimit`] reads as.
#[derive(Debug)]
pub struct InflateLimitHit {
    /// The limit that was passed.
    pub ratio: u32,
    /// Decompressed bytes when it was passed.
    pub inflated: u64,
    /// Compressed bytes read by then.
    pub compressed: u64,
}

impl std::fmt::Display for InflateLimitHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the gzip stream inflated {} bytes from {} compressed bytes, more than {} times \
             (a gzip bomb?); reading stopped (--max-gzip-ratio raises the limit, 0 removes it)",
            self.inflated, self.compressed, self.ratio
        )
    }
}

impl std::error::Error for InflateLimitHit {}

/// The gzip decoder over the already-read prefix and the rest of the input.
type Decoder = MultiGzDecoder<std::io::Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>>;

/// Counts decompressed bytes and stops the stream at its [`InflateLimit`].
struct InflateGuard {
    inner: Decoder,
    raw: Arc<RawStats>,
    limit: InflateLimit,
    inflated: u64,
}

impl Read for InflateGuard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.inflated += n as u64;
        let ratio = u64::from(self.limit.ratio);
        let compressed = self.raw.count();
        if ratio > 0
            && self.inflated > INFLATE_GRACE.saturating_add(ratio.saturating_mul(compressed))
        {
            return Err(io::Error::other(InflateLimitHit {
                ratio: self.limit.ratio,
                inflated: self.inflated,
                compressed,
            }));
        }
        Ok(n)
    }
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
        let limit = InflateLimit::default();
        decompress(Vec::new(), Box::new(counting), Arc::clone(&count), limit)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "hello world");
        assert_eq!(count.count(), total);
    }

    #[test]
    fn a_stream_inflating_past_its_ratio_stops_with_the_limit_error() {
        // 80 MiB of zeros: past the grace, about a thousand times its size.
        let bomb = gz(&vec![0u8; 80 << 20]);
        let read = |ratio: u32| {
            let (counting, raw) = CountingReader::new(Box::new(Cursor::new(bomb.clone())));
            let mut d = decompress(Vec::new(), Box::new(counting), raw, InflateLimit { ratio });
            io::copy(&mut d, &mut io::sink())
        };
        let e = read(MAX_GZIP_RATIO).unwrap_err();
        let hit = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<InflateLimitHit>())
            .expect("the limit error");
        assert_eq!(hit.ratio, MAX_GZIP_RATIO);
        assert!(hit.inflated > INFLATE_GRACE && hit.inflated < 80 << 20);
        assert!(hit.to_string().contains("--max-gzip-ratio"));
        // Ratio 0 lifts the limit; a generous one lets it through.
        assert_eq!(read(0).unwrap(), 80 << 20);
        assert_eq!(read(2000).unwrap(), 80 << 20);
    }
}
