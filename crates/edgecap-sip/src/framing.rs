//! Cutting a SIP byte stream into messages, and the strict start-line probe
//! that recognises SIP on any port.
//!
//! Owns stream framing (RFC 3261 §18.3): a message is its head up to the
//! blank line plus `Content-Length` body bytes; CR/LF bytes between messages
//! are keep-alives (RFC 5626 §3.5.1) and skipped. Pure functions over the
//! unconsumed bytes; the per-flow state (skipping an oversized body) is the
//! caller's. Every answer is bounded by [`MAX_HEAD_LEN`] and [`MAX_BODY_LEN`].

use crate::header::is_token_char;
use crate::message::{head_end, parse_start_line, MAX_BODY_LEN, MAX_HEAD_LEN, MAX_START_LINE};
use crate::text::{parse_uint, strip_cr, trim};

/// Answer of [`probe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipProbe {
    /// The first line is a SIP request or status line.
    Yes,
    /// The bytes so far could start one; ask again with more.
    NeedMore,
    /// Not SIP.
    No,
}

/// The next unit at the front of a stream buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamUnit {
    /// `n` CR/LF bytes before a message: keep-alive pings and pongs.
    KeepAlive(usize),
    /// A complete message of `len` bytes.
    Message {
        /// Head, blank line and body.
        len: usize,
    },
    /// A complete head whose body exceeds [`MAX_BODY_LEN`]: the message is
    /// read from its first `head_len + MAX_BODY_LEN` bytes and the rest of the
    /// body must be skipped.
    Oversized {
        /// Head including the blank line.
        head_len: usize,
        /// Declared body length.
        body_len: u64,
    },
    /// The buffer must grow to this many bytes.
    NeedMore(usize),
    /// Not a message boundary: no start line, or a head beyond
    /// [`MAX_HEAD_LEN`].
    Invalid,
}

/// Whether the first line of `bytes` (after keep-alive CR/LFs) is a SIP start
/// line. Strict: the whole line must parse; a partial line answers
/// `NeedMore` only while it is printable and begins like a method or
/// `SIP/2.0`.
pub fn probe(bytes: &[u8]) -> SipProbe {
    let lead = bytes
        .iter()
        .take_while(|c| matches!(c, b'\r' | b'\n'))
        .count();
    let b = &bytes[lead..];
    if b.is_empty() {
        return SipProbe::NeedMore;
    }
    if let Some(nl) = b.iter().take(MAX_START_LINE + 1).position(|c| *c == b'\n') {
        return match parse_start_line(&b[..nl]) {
            Some(_) => SipProbe::Yes,
            None => SipProbe::No,
        };
    }
    let plausible = b.len() <= MAX_START_LINE
        && b[0].is_ascii_uppercase()
        && b.iter().all(|c| (0x20..0x7f).contains(c) || *c == b'\r')
        && {
            let first = b.split(|c| *c == b' ').next().unwrap_or_default();
            first.iter().all(|c| is_token_char(*c) || *c == b'/')
        };
    if plausible {
        SipProbe::NeedMore
    } else {
        SipProbe::No
    }
}

/// The declared `Content-Length` of a head (`l` is its compact form):
/// `Some(None)` when present but not a number.
fn content_length(head: &[u8]) -> Option<Option<u64>> {
    head.split(|c| *c == b'\n').skip(1).find_map(|line| {
        let line = strip_cr(line);
        let colon = line.iter().position(|c| *c == b':')?;
        let name = trim(&line[..colon]);
        let is_cl = name.eq_ignore_ascii_case(b"content-length") || name.eq_ignore_ascii_case(b"l");
        is_cl.then(|| parse_uint(trim(&line[colon + 1..]), 10, u64::from(u32::MAX)))
    })
}

/// The next unit at the front of `bytes`. A head without `Content-Length`
/// (or with an unreadable one) has an empty body; the parser flags it.
pub fn next_unit(bytes: &[u8]) -> StreamUnit {
    let lead = bytes
        .iter()
        .take_while(|c| matches!(c, b'\r' | b'\n'))
        .count();
    if lead > 0 {
        return StreamUnit::KeepAlive(lead);
    }
    match probe(bytes) {
        SipProbe::No => return StreamUnit::Invalid,
        SipProbe::NeedMore => return StreamUnit::NeedMore(bytes.len() + 1),
        SipProbe::Yes => {}
    }
    let Some((head, head_len)) = head_end(bytes) else {
        return if bytes.len() >= MAX_HEAD_LEN {
            StreamUnit::Invalid
        } else {
            StreamUnit::NeedMore(bytes.len() + 1)
        };
    };
    let body = content_length(&bytes[..head]).flatten().unwrap_or(0);
    if body > MAX_BODY_LEN as u64 {
        return StreamUnit::Oversized {
            head_len,
            body_len: body,
        };
    }
    let len = head_len + body as usize;
    if bytes.len() >= len {
        StreamUnit::Message { len }
    } else {
        StreamUnit::NeedMore(len)
    }
}

#[cfg(test)]
mod tests;
