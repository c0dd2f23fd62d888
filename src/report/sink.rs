//! Where the text report goes as it is produced: a [`TextSink`] is a
//! `fmt::Write` the sections append to, and which they ask to [`spill`]
//! between items (one finding, one allocation story, one table row). A
//! `String` keeps everything (tests, small outputs); a [`Spill`] over an
//! `io::Write` passes its buffer on once it holds [`SPILL_AT`] bytes, so the
//! report is never held whole in memory.
//!
//! [`spill`]: TextSink::spill

use std::fmt;
use std::io;

/// Bytes a [`Spill`] buffers before it writes them out.
pub const SPILL_AT: usize = 64 * 1024;

/// A text destination the report sections write to.
pub trait TextSink: fmt::Write {
    /// A point between items where buffered text may be written out.
    fn spill(&mut self) {}
}

impl TextSink for String {}

/// Buffers text and writes it to `out` in pieces of about [`SPILL_AT`]
/// bytes; the first write error is kept and later text dropped.
pub struct Spill<'w, W: io::Write> {
    out: &'w mut W,
    buf: String,
    error: Option<io::Error>,
}

impl<'w, W: io::Write> Spill<'w, W> {
    /// A sink writing to `out`.
    pub fn new(out: &'w mut W) -> Self {
        Spill {
            out,
            buf: String::with_capacity(SPILL_AT),
            error: None,
        }
    }

    fn write_out(&mut self) {
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(self.buf.as_bytes()) {
                self.error = Some(e);
            }
        }
        self.buf.clear();
    }

    /// Writes what is left and returns the first write error, if any.
    pub fn finish(mut self) -> io::Result<()> {
        self.write_out();
        self.error.map_or(Ok(()), Err)
    }
}

impl<W: io::Write> fmt::Write for Spill<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.buf.push_str(s);
        Ok(())
    }
}

impl<W: io::Write> TextSink for Spill<'_, W> {
    fn spill(&mut self) {
        if self.buf.len() >= SPILL_AT {
            self.write_out();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// Counts the writes it receives.
    struct Writes(Vec<usize>);

    impl io::Write for Writes {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.push(b.len());
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn spills_in_bounded_pieces_and_keeps_every_byte() {
        let mut w = Writes(Vec::new());
        let mut s = Spill::new(&mut w);
        let line = "x".repeat(999) + "\n";
        for _ in 0..1000 {
            let _ = s.write_str(&line);
            s.spill();
        }
        s.finish().unwrap();
        assert_eq!(w.0.iter().sum::<usize>(), 1_000_000);
        assert!(w.0.len() > 10);
        assert!(w.0.iter().all(|&n| n < SPILL_AT + 1000));
    }

    #[test]
    fn the_first_write_error_is_returned() {
        struct Broken;
        impl io::Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from(io::ErrorKind::BrokenPipe))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut b = Broken;
        let mut s = Spill::new(&mut b);
        let _ = s.write_str("hello");
        let e = s.finish().unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
    }
}
