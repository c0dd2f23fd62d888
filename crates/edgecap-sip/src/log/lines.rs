//! A line reader whose memory is bounded by `MAX_LINE_LEN` whatever the
//! input: a longer line keeps its first bytes and is flagged as cut.

use std::io::{BufRead, ErrorKind};

use super::MAX_LINE_LEN;

/// Reads numbered lines (1-based) without their `\n` / `\r\n`.
pub struct LineReader<R> {
    input: R,
    buf: Vec<u8>,
    no: u64,
    error: Option<std::io::Error>,
    eof: bool,
}

impl<R: BufRead> LineReader<R> {
    /// A reader over `input`.
    pub fn new(input: R) -> Self {
        LineReader {
            input,
            buf: Vec::new(),
            no: 0,
            error: None,
            eof: false,
        }
    }

    /// The I/O error that ended reading, if one did.
    pub fn error(&self) -> Option<&std::io::Error> {
        self.error.as_ref()
    }

    /// The next line: (number, bytes, whether it was cut at `MAX_LINE_LEN`).
    pub fn next_line(&mut self) -> Option<(u64, &[u8], bool)> {
        if self.eof {
            return None;
        }
        self.buf.clear();
        let (mut cut, mut any) = (false, false);
        loop {
            let avail = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e);
                    self.eof = true;
                    break;
                }
            };
            if avail.is_empty() {
                self.eof = true;
                break;
            }
            any = true;
            let (take, done) = match avail.iter().position(|c| *c == b'\n') {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            let keep = take.min(MAX_LINE_LEN.saturating_sub(self.buf.len()));
            cut |= keep < take && !(done && keep + 1 == take);
            self.buf.extend_from_slice(&avail[..keep]);
            self.input.consume(take);
            if done {
                break;
            }
        }
        if !any {
            return None;
        }
        self.no += 1;
        let mut end = self.buf.len();
        if self.buf[..end].ends_with(b"\n") {
            end -= 1;
        }
        if self.buf[..end].ends_with(b"\r") {
            end -= 1;
        }
        Some((self.no, &self.buf[..end], cut))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_bounded() {
        let mut input = b"a\r\nb\n\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', MAX_LINE_LEN + 10));
        input.extend_from_slice(b"\nlast");
        let mut r = LineReader::new(std::io::BufReader::with_capacity(7, input.as_slice()));
        assert_eq!(r.next_line(), Some((1, &b"a"[..], false)));
        assert_eq!(r.next_line(), Some((2, &b"b"[..], false)));
        assert_eq!(r.next_line(), Some((3, &b""[..], false)));
        let (no, long, cut) = r.next_line().expect("long line");
        assert_eq!((no, long.len(), cut), (4, MAX_LINE_LEN, true));
        assert_eq!(r.next_line(), Some((5, &b"last"[..], false)));
        assert_eq!(r.next_line(), None);
        assert!(r.error().is_none());
    }
}
