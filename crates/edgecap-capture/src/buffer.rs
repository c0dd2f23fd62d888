//! The reader's refilling window over the input stream.
//!
//! [`RefillBuffer`] owns the (possibly decompressed) input and a byte window
//! that is refilled in large chunks, so parsing costs no syscall per record.
//! Callers ask for "at least n bytes" with [`RefillBuffer::ensure`], look at
//! [`RefillBuffer::available`], and [`RefillBuffer::consume`] what they parsed.
//! Invariants: the window never grows beyond [`MAX_BLOCK_LEN`] plus one
//! [`CHUNK_LEN`]; offsets are absolute positions in the stream; an I/O error
//! is remembered (not retried) and reported by the parser that hits it.

use std::io::{self, Read};

/// How much the buffer reads per refill: large enough that a syscall is
/// amortised over thousands of small records.
pub const CHUNK_LEN: usize = 256 * 1024;

/// The largest pcap record or pcapng block edgecap accepts; anything longer
/// is treated as corrupt. Matches Wireshark's pcapng `MAX_BLOCK_SIZE`
/// (16 MiB, wiretap/pcapng.c), far above any real packet (jumbo frames and
/// TSO super-packets stay under 256 KiB).
pub const MAX_BLOCK_LEN: usize = 16 * 1024 * 1024;

/// A window over a byte stream, refilled in [`CHUNK_LEN`] reads.
pub struct RefillBuffer {
    input: Box<dyn Read + Send>,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    offset: u64,
    eof: bool,
    error: Option<io::Error>,
    /// A live input (a followed file, a pipe): [`Self::lookahead`] never waits.
    live: bool,
}

impl RefillBuffer {
    /// Wraps `input`; nothing is read until the first [`Self::ensure`].
    pub fn new(input: Box<dyn Read + Send>) -> Self {
        Self::with_prefix(Vec::new(), input)
    }

    /// Wraps `input`, serving the bytes of `prefix` first.
    pub fn with_prefix(mut prefix: Vec<u8>, input: Box<dyn Read + Send>) -> Self {
        let end = prefix.len();
        if prefix.is_empty() {
            prefix = vec![0; CHUNK_LEN]; // zeroed allocation, no fill loop
        } else if prefix.len() < CHUNK_LEN {
            prefix.resize(CHUNK_LEN, 0);
        }
        RefillBuffer {
            input,
            buf: prefix,
            start: 0,
            end,
            offset: 0,
            eof: false,
            error: None,
            live: false,
        }
    }

    /// Takes the buffer apart: the unread bytes and the underlying input.
    pub fn into_parts(self) -> (Vec<u8>, Box<dyn Read + Send>) {
        (self.buf[self.start..self.end].to_vec(), self.input)
    }

    /// The bytes read but not yet consumed.
    #[inline]
    pub fn available(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Stream offset of the first available byte.
    #[inline]
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Marks `n` available bytes as parsed (clamped to what is available).
    #[inline]
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
    }

    /// True when the input ended cleanly (no error) and everything read is
    /// available.
    pub fn at_clean_eof(&self) -> bool {
        self.eof && self.error.is_none()
    }

    /// Takes the I/O error that stopped the input, if any.
    pub fn take_error(&mut self) -> Option<io::Error> {
        self.error.take()
    }

    /// Marks the input as live: more bytes may come later, so a parser's
    /// look beyond the record it returns ([`Self::lookahead`]) must not wait
    /// for them (the record would reach the user only with the next one).
    pub fn set_live(&mut self) {
        self.live = true;
    }

    /// [`Self::ensure`] for a look past the current record, which a parser
    /// may do without: on a live input only the bytes already read count.
    #[inline]
    pub fn lookahead(&mut self, n: usize) -> bool {
        if self.live {
            self.end - self.start >= n
        } else {
            self.ensure(n)
        }
    }

    /// Makes at least `n` bytes available, reading more input if needed.
    /// Returns false when the input ends (or fails) first; `n` is capped at
    /// [`MAX_BLOCK_LEN`] plus 64 bytes of lookahead.
    #[inline]
    pub fn ensure(&mut self, n: usize) -> bool {
        self.end - self.start >= n || self.fill(n)
    }

    #[cold]
    fn fill(&mut self, n: usize) -> bool {
        if n > MAX_BLOCK_LEN + 64 || self.eof || self.error.is_some() {
            return false;
        }
        let avail = self.end - self.start;
        let missing = n - avail;
        // Move the unread tail to the front when the free space behind it is
        // too small for the missing bytes or for an efficient read.
        if self.buf.len() - self.end < missing.max(CHUNK_LEN / 4) && self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.start = 0;
            self.end = avail;
            // Give back memory grown for an earlier huge block.
            if self.buf.len() > 2 * CHUNK_LEN && n <= CHUNK_LEN {
                self.buf.truncate(CHUNK_LEN);
                self.buf.shrink_to_fit();
            }
        }
        // Grow towards the size a header claims only as data actually
        // arrives (doubling), so a lying length in a tiny file costs no more
        // than the file itself.
        let want = (self.start + n).div_ceil(CHUNK_LEN) * CHUNK_LEN;
        while self.end - self.start < n && !self.eof && self.error.is_none() {
            if self.end == self.buf.len() {
                let grown = (self.buf.len() * 2).clamp(CHUNK_LEN, want.max(CHUNK_LEN));
                self.buf.resize(grown, 0);
            }
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => self.error = Some(e),
            }
        }
        self.end - self.start >= n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns at most 3 bytes per read, then fails.
    struct Trickle(Vec<u8>, usize);
    impl Read for Trickle {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.1 >= self.0.len() {
                return Err(io::Error::other("boom"));
            }
            let k = out.len().min(3).min(self.0.len() - self.1);
            out[..k].copy_from_slice(&self.0[self.1..self.1 + k]);
            self.1 += k;
            Ok(k)
        }
    }

    #[test]
    fn refills_consumes_and_reports_errors() {
        let data: Vec<u8> = (0..100u8).collect();
        let mut b = RefillBuffer::new(Box::new(Trickle(data, 0)));
        assert!(b.ensure(10));
        assert_eq!(&b.available()[..3], &[0, 1, 2]);
        b.consume(7);
        assert_eq!(b.offset(), 7);
        assert!(b.ensure(93));
        assert_eq!(b.available()[0], 7);
        assert!(!b.ensure(94));
        assert!(!b.at_clean_eof());
        assert_eq!(b.take_error().map(|e| e.to_string()), Some("boom".into()));
        b.consume(1000);
        assert_eq!(b.offset(), 100);
        assert!(b.available().is_empty());
    }

    #[test]
    fn grows_for_big_blocks_then_shrinks() {
        let data = vec![7u8; 3 * CHUNK_LEN];
        let mut b = RefillBuffer::new(Box::new(io::Cursor::new(data)));
        assert!(b.ensure(2 * CHUNK_LEN + 5));
        b.consume(2 * CHUNK_LEN + 5);
        assert!(b.ensure(10));
        assert!(b.ensure(CHUNK_LEN - 5));
        assert!(!b.ensure(CHUNK_LEN));
        assert!(b.at_clean_eof());
        assert!(!b.ensure(MAX_BLOCK_LEN + 65));
        assert!(b.buf.len() <= 3 * CHUNK_LEN);
    }
}
