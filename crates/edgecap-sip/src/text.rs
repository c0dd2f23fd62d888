//! Byte-string helpers shared by the parsers: trimming, case-insensitive
//! comparison, splitting outside quotes, and decimal numbers with bounds.
//!
//! Signalling text is ASCII-framed but carries attacker-controlled values, so
//! every parser works on bytes and keeps values as bytes; nothing here
//! allocates except [`split_outside_quotes`].

/// `b` without leading and trailing spaces and tabs.
pub fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !matches!(c, b' ' | b'\t'))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &b[start..end.max(start)]
}

/// `b` without a trailing `\r` (lines split on `\n`).
pub fn strip_cr(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// Whether `a` and `b` are equal ignoring ASCII case.
pub fn eq_ci(a: &[u8], b: &[u8]) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Whether `b` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ci(b: &[u8], prefix: &[u8]) -> bool {
    b.len() >= prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Position of `needle` in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An unsigned decimal of at most `max_digits` digits and at most `max`.
pub fn parse_uint(b: &[u8], max_digits: usize, max: u64) -> Option<u64> {
    if b.is_empty() || b.len() > max_digits || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = b.iter().try_fold(0u64, |acc, d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    (v <= max).then_some(v)
}

/// `b` split at every `sep` that is outside double quotes and angle
/// brackets (header values like `Via: a, b` or `;reason="x;y"`), at most
/// `max` pieces (the last keeps the rest).
pub fn split_outside_quotes(b: &[u8], sep: u8, max: usize) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let (mut quoted, mut angle, mut escaped) = (false, false, false);
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if out.len() + 1 >= max {
            break;
        }
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            _ if c == sep && !quoted && !angle => {
                out.push(&b[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&b[start..]);
    out
}

/// `b` without one pair of surrounding double quotes, and with `\"` and
/// `\\` unescaped when it had them.
pub fn unquote(b: &[u8]) -> Vec<u8> {
    let b = trim(b);
    let inner = match b {
        [b'"', inner @ .., b'"'] => inner,
        _ => return b.to_vec(),
    };
    let mut out = Vec::with_capacity(inner.len());
    let mut escaped = false;
    for &c in inner {
        if !escaped && c == b'\\' {
            escaped = true;
            continue;
        }
        escaped = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(trim(b" \tab c\t "), b"ab c");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(strip_cr(b"x\r"), b"x");
        assert!(starts_with_ci(b"Content-Length: 3", b"content-length"));
        assert!(!starts_with_ci(b"Con", b"content"));
        assert_eq!(find(b"abcabc", b"ca"), Some(2));
        assert_eq!(find(b"ab", b""), None);
        assert_eq!(parse_uint(b"0042", 5, 100), Some(42));
        assert_eq!(parse_uint(b"101", 5, 100), None);
        assert_eq!(parse_uint(b"99999999999999999999999", 30, u64::MAX), None);
        assert_eq!(parse_uint(b"4a", 5, 100), None);
        let parts = split_outside_quotes(b"a;r=\"x;y\";<s;ip>;z", b';', 16);
        assert_eq!(parts, vec![&b"a"[..], b"r=\"x;y\"", b"<s;ip>", b"z"]);
        assert_eq!(
            split_outside_quotes(b"a,b,c", b',', 2),
            vec![&b"a"[..], b"b,c"]
        );
        assert_eq!(unquote(b" \"a\\\"b\" "), b"a\"b");
        assert_eq!(unquote(b"plain"), b"plain");
    }
}
