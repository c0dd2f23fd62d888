//! The Microsoft diagnostics headers `ms-diagnostics`,
//! `ms-diagnostics-public` and `ms-client-diagnostics` ([MS-OCER] 2.2):
//! `code;reason="…";name="value";…`, with the `CalleeMediaDebug` /
//! `CallerMediaDebug` values (`media:key=value,key=value`) split into pairs.
//!
//! Owns this grammar and the media-debug addresses (`LocalMR`, `RemoteMR`,
//! `LocalSite`, `RemoteSite`, the `…MRTCPPort` ports); the meaning of codes
//! is in `codes.rs`. Lenient and bounded: quoted values may hold `;` and
//! `,`, unknown parameters are kept in order up to [`MAX_PARAMS`], a value
//! that does not parse is `None`.

mod codes;

use std::net::SocketAddr;

pub use codes::{code_meaning, CODES};

use crate::text::{parse_uint, split_outside_quotes, trim, unquote};

/// The diagnostics headers, in the order outputs list them: the server's,
/// the client's, and the form a server passes outside its domain.
pub const HEADER_NAMES: [&str; 3] = [
    "ms-diagnostics",
    "ms-client-diagnostics",
    "ms-diagnostics-public",
];

/// Every diagnostics header of `m`, decoded: (header name, value).
pub fn of_message(m: &crate::SipMessage) -> Vec<(&'static str, Diagnostic)> {
    HEADER_NAMES
        .iter()
        .flat_map(|h| {
            m.headers_named(h)
                .filter_map(Diagnostic::parse)
                .map(move |d| (*h, d))
        })
        .collect()
}

/// Most parameters kept per diagnostics header. Not from a specification:
/// the field notes show at most eight.
pub const MAX_PARAMS: usize = 32;
/// Most `key=value` pairs kept per media-debug value (the field notes show
/// eleven).
pub const MAX_MEDIA_PAIRS: usize = 32;

/// One decoded diagnostics header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostic {
    /// The diagnostic code before the first `;`.
    pub code: Option<u32>,
    /// Every `name=value` parameter in order, values unquoted.
    pub params: Vec<(Vec<u8>, Vec<u8>)>,
    /// The media-debug values (`CalleeMediaDebug`, `CallerMediaDebug`, …).
    pub media_debug: Vec<MediaDebug>,
}

/// One media stream's connectivity report inside a `…MediaDebug` value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaDebug {
    /// The parameter it came from (`CalleeMediaDebug`).
    pub source: Vec<u8>,
    /// The media label before `:` (`application-sharing`, `audio`).
    pub media: Vec<u8>,
    /// The `key=value` pairs in order.
    pub values: Vec<(Vec<u8>, Vec<u8>)>,
}

impl MediaDebug {
    /// The value of `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&[u8]> {
        self.values
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// `key` read as an `address:port` (`LocalMR=1.1.1.1:50704`).
    pub fn addr(&self, key: &str) -> Option<SocketAddr> {
        std::str::from_utf8(self.get(key)?).ok()?.parse().ok()
    }

    /// `key` read as a port number (`LocalMRTCPPort=50704`).
    pub fn port(&self, key: &str) -> Option<u16> {
        let v = parse_uint(self.get(key)?, 5, u64::from(u16::MAX))?;
        u16::try_from(v).ok()
    }
}

impl Diagnostic {
    /// Parses one header value; `None` when it is blank.
    pub fn parse(value: &[u8]) -> Option<Diagnostic> {
        let value = trim(value);
        if value.is_empty() {
            return None;
        }
        let mut parts = split_outside_quotes(value, b';', MAX_PARAMS + 1).into_iter();
        let mut out = Diagnostic {
            code: parts
                .next()
                .and_then(|c| parse_uint(trim(c), 10, u64::from(u32::MAX)))
                .and_then(|c| u32::try_from(c).ok()),
            ..Diagnostic::default()
        };
        for p in parts {
            let p = trim(p);
            let Some(eq) = p.iter().position(|c| *c == b'=') else {
                continue;
            };
            let name = trim(&p[..eq]).to_vec();
            let val = unquote(&p[eq + 1..]);
            if name.len() > 5 && name.to_ascii_lowercase().ends_with(b"mediadebug") {
                out.media_debug.extend(parse_media_debug(&name, &val));
            }
            out.params.push((name, val));
        }
        Some(out)
    }

    /// The value of parameter `name` (case-insensitive).
    pub fn param(&self, name: &str) -> Option<&[u8]> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| v.as_slice())
    }

    /// The `reason` parameter.
    pub fn reason(&self) -> Option<&[u8]> {
        self.param("reason")
    }

    /// The `Port` parameter as a number.
    pub fn port(&self) -> Option<u16> {
        let v = parse_uint(self.param("port")?, 5, u64::from(u16::MAX))?;
        u16::try_from(v).ok()
    }

    /// What the code means, from the table of known codes.
    pub fn meaning(&self) -> Option<&'static str> {
        self.code.and_then(code_meaning)
    }
}

/// The media-debug reports in one value: `media:k=v,k=v` groups separated
/// by blanks.
fn parse_media_debug(source: &[u8], value: &[u8]) -> Vec<MediaDebug> {
    value
        .split(|c| *c == b' ' || *c == b'\t')
        .filter(|g| !g.is_empty())
        .take(MAX_PARAMS)
        .map(|group| {
            let (media, rest) = match group.iter().position(|c| *c == b':') {
                Some(i) if !group[..i].contains(&b'=') => (&group[..i], &group[i + 1..]),
                _ => (&b""[..], group),
            };
            let values = rest
                .split(|c| *c == b',')
                .take(MAX_MEDIA_PAIRS)
                .filter_map(|kv| {
                    let eq = kv.iter().position(|c| *c == b'=')?;
                    Some((kv[..eq].to_vec(), kv[eq + 1..].to_vec()))
                })
                .collect();
            MediaDebug {
                source: source.to_vec(),
                media: media.to_vec(),
                values,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
