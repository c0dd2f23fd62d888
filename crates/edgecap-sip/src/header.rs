//! SIP header names and the typed values edgecap reads from header fields:
//! compact forms expanded (RFC 3261 §7.3.3 and the IANA registry), name-addr
//! values with their tag (From/To), `CSeq`, and `Via` lists.
//!
//! Owns the canonical (lower-case, long-form) spelling of header names and
//! the small header grammars; the message parser (`message.rs`) keeps every
//! header as (canonical name, raw value bytes) and callers ask for the typed
//! view. Nothing here panics; a value that does not parse is `None`.

use crate::text::{eq_ci, parse_uint, split_outside_quotes, starts_with_ci, trim, unquote};

/// Compact header forms and their long names (RFC 3261 §7.3.3, RFC 3265,
/// RFC 3515, RFC 3892, RFC 4028, RFC 3841, RFC 4474).
const COMPACT: [(u8, &str); 20] = [
    (b'a', "accept-contact"),
    (b'b', "referred-by"),
    (b'c', "content-type"),
    (b'd', "request-disposition"),
    (b'e', "content-encoding"),
    (b'f', "from"),
    (b'i', "call-id"),
    (b'j', "reject-contact"),
    (b'k', "supported"),
    (b'l', "content-length"),
    (b'm', "contact"),
    (b'n', "identity-info"),
    (b'o', "event"),
    (b'r', "refer-to"),
    (b's', "subject"),
    (b't', "to"),
    (b'u', "allow-events"),
    (b'v', "via"),
    (b'x', "session-expires"),
    (b'y', "identity"),
];

/// Whether `c` may appear in a header name (RFC 3261 §25.1 `token`).
pub fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&c)
}

/// The canonical name of a header field name as written: lower case, compact
/// forms expanded. `None` when `name` is empty or not a token.
pub fn canonical_name(name: &[u8]) -> Option<String> {
    if name.is_empty() || !name.iter().all(|c| is_token_char(*c)) {
        return None;
    }
    if let [c] = name {
        let c = c.to_ascii_lowercase();
        if let Some((_, long)) = COMPACT.iter().find(|(s, _)| *s == c) {
            return Some((*long).to_string());
        }
    }
    Some(String::from_utf8_lossy(name).to_ascii_lowercase())
}

/// A `name-addr` or `addr-spec` header value (From, To, Contact):
/// display name, URI and the `tag` and `epid` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameAddr {
    /// The display name without quotes, when present.
    pub display: Option<Vec<u8>>,
    /// The URI inside `<…>`, or the bare addr-spec.
    pub uri: Vec<u8>,
    /// The `tag` parameter (dialog identity, RFC 3261 §19.3).
    pub tag: Option<Vec<u8>>,
    /// Microsoft's endpoint id parameter `epid` ([MS-SIPRE] 2.2.3).
    pub epid: Option<Vec<u8>>,
}

impl NameAddr {
    /// Parses a From/To/Contact value. Lenient: a value without `<…>` is an
    /// addr-spec whose parameters follow the first `;`.
    pub fn parse(value: &[u8]) -> Option<NameAddr> {
        let value = trim(value);
        if value.is_empty() {
            return None;
        }
        let (display, uri, params) = match (
            value.iter().position(|c| *c == b'<'),
            value.iter().position(|c| *c == b'>'),
        ) {
            (Some(lt), Some(gt)) if lt < gt => {
                let display = trim(&value[..lt]);
                let display = (!display.is_empty()).then(|| unquote(display));
                (display, &value[lt + 1..gt], &value[gt + 1..])
            }
            _ => {
                let end = value.iter().position(|c| *c == b';').unwrap_or(value.len());
                (None, &value[..end], &value[end..])
            }
        };
        let mut out = NameAddr {
            display,
            uri: trim(uri).to_vec(),
            ..NameAddr::default()
        };
        for p in split_outside_quotes(params, b';', 64) {
            let p = trim(p);
            let (k, v) = match p.iter().position(|c| *c == b'=') {
                Some(i) => (trim(&p[..i]), trim(&p[i + 1..])),
                None => continue,
            };
            if eq_ci(k, b"tag") {
                out.tag = Some(v.to_vec());
            } else if eq_ci(k, b"epid") {
                out.epid = Some(v.to_vec());
            }
        }
        Some(out)
    }
}

/// A `CSeq` value: sequence number and method (RFC 3261 §20.16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number (32 bits).
    pub seq: u32,
    /// The method it numbers.
    pub method: Vec<u8>,
}

impl CSeq {
    /// Parses `1 INVITE`; `None` unless a number and a token.
    pub fn parse(value: &[u8]) -> Option<CSeq> {
        let value = trim(value);
        let sp = value.iter().position(|c| *c == b' ' || *c == b'\t')?;
        let seq = parse_uint(&value[..sp], 10, u64::from(u32::MAX))?;
        let method = trim(&value[sp..]);
        if method.is_empty() || !method.iter().all(|c| is_token_char(*c)) {
            return None;
        }
        Some(CSeq {
            seq: u32::try_from(seq).ok()?,
            method: method.to_vec(),
        })
    }
}

/// One `Via` hop: transport and sent-by (RFC 3261 §20.42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// Transport as written after `SIP/2.0/`: `TLS`, `TCP`, `UDP`.
    pub transport: Vec<u8>,
    /// `host[:port]` the hop was sent by.
    pub sent_by: Vec<u8>,
    /// The `branch` parameter, when present.
    pub branch: Option<Vec<u8>>,
}

impl Via {
    /// Every hop of one Via header value (hops are comma-separated).
    pub fn parse_all(value: &[u8]) -> Vec<Via> {
        split_outside_quotes(value, b',', MAX_VIA_HOPS)
            .into_iter()
            .filter_map(Via::parse_one)
            .collect()
    }

    fn parse_one(hop: &[u8]) -> Option<Via> {
        let hop = trim(hop);
        if !starts_with_ci(hop, b"SIP/2.0/") {
            return None;
        }
        let rest = &hop[b"SIP/2.0/".len()..];
        let sp = rest.iter().position(|c| *c == b' ' || *c == b'\t')?;
        let transport = rest[..sp].to_vec();
        let mut params = split_outside_quotes(trim(&rest[sp..]), b';', 64).into_iter();
        let sent_by = trim(params.next()?).to_vec();
        let branch = params.find_map(|p| {
            let p = trim(p);
            starts_with_ci(p, b"branch=").then(|| p[b"branch=".len()..].to_vec())
        });
        Some(Via {
            transport,
            sent_by,
            branch,
        })
    }
}

/// Seconds since 1970-01-01T00:00:00Z of a `Date` header value
/// (`Thu, 21 Feb 2002 13:02:03 GMT`, RFC 3261 §20.17: the RFC 1123 form,
/// always GMT). `None` for any other form or an impossible date.
pub fn parse_date(value: &[u8]) -> Option<i64> {
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let v = trim(value);
    let comma = v.iter().position(|c| *c == b',')?;
    let f: Vec<&[u8]> = v[comma + 1..]
        .split(|c| *c == b' ')
        .filter(|f| !f.is_empty())
        .collect();
    let [day, month, year, time, zone] = f.as_slice() else {
        return None;
    };
    if !eq_ci(zone, b"GMT") && !eq_ci(zone, b"UTC") {
        return None;
    }
    let day = i64::try_from(parse_uint(day, 2, 31)?).ok()?;
    let month = MONTHS.iter().position(|m| eq_ci(m, month))? as i64 + 1;
    let year = i64::try_from(parse_uint(year, 4, 9999)?).ok()?;
    let t: Vec<&[u8]> = time.split(|c| *c == b':').collect();
    let [h, mi, sec] = t.as_slice() else {
        return None;
    };
    let (h, mi, sec) = (
        parse_uint(h, 2, 23)?,
        parse_uint(mi, 2, 59)?,
        parse_uint(sec, 2, 60)?,
    );
    if day == 0 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = year - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + (h * 3600 + mi * 60 + sec) as i64)
}

/// Most Via hops read from one header value; RFC 3261 sets no limit, and
/// Max-Forwards (70, §8.1.1.6) bounds a sane path.
pub const MAX_VIA_HOPS: usize = 70;

#[cfg(test)]
mod tests;
