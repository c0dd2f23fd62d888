//! Making strings taken from a capture safe to show: USERNAME, REALM,
//! SOFTWARE, reason phrases, SNI and anomaly details are attacker-controlled.
//!
//! Two tools, used by every report:
//! * [`escape`] / [`escape_bytes`] for the terminal: C0 controls, DEL, C1
//!   controls (including the 8-bit CSI U+009B and OSC U+009D introducers),
//!   Unicode bidi and line/paragraph separators and invalid UTF-8 are written
//!   as visible escapes (`\x1b`, `\u{9b}`, `\xff`) and never passed through,
//!   so a capture cannot move the cursor, recolour, retitle the terminal,
//!   plant a hyperlink or reorder text.
//! * [`text_or_hex`] for identifiers in JSON and text: the bytes as text when
//!   they are valid UTF-8 without such characters, otherwise `hex:` + hex.
//!
//! Pure functions; no allocation when nothing needs escaping.

use std::borrow::Cow;
use std::fmt::Write;

/// Prefix of a value shown as hex because it is not safe printable text.
pub const HEX_PREFIX: &str = "hex:";

/// Whether `c` must not reach a terminal as is: C0, DEL, C1 controls, the
/// invisible format characters that reorder or break text (bidi
/// embeddings/overrides/isolates, LRM/RLM/ALM, U+2028/U+2029), and the
/// invisible ones that hide inside a name (zero-width space, non-joiner and
/// joiner U+200B–U+200D, word joiner and invisible operators
/// U+2060–U+2064, the byte-order mark U+FEFF): two user names that differ
/// only by one of those must not look the same.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    let n = u32::from(c);
    if n < 0x80 {
        let _ = write!(out, "\\x{n:02x}");
    } else {
        let _ = write!(out, "\\u{{{n:x}}}");
    }
}

/// `s` with every unsafe character written as a visible escape, and a
/// literal backslash doubled so that `\x1b` in the capture cannot pass for an
/// escaped ESC.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c == '\\' || is_unsafe_char(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\\' {
            out.push_str("\\\\");
        } else if is_unsafe_char(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path's bytes as the user gave them (on Unix; elsewhere its UTF-8 text,
/// lossy): what a report names the file by.
pub fn path_bytes(p: &std::path::Path) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(p.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match p.to_string_lossy() {
            Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
            Cow::Owned(s) => Cow::Owned(s.into_bytes()),
        }
    }
}

/// A file path as terminal-safe text: [`escape_bytes`] over
/// [`path_bytes`], so a name that is not UTF-8 keeps its bytes as `\xNN`.
/// For every message that names a file.
pub fn escape_path(p: &std::path::Path) -> String {
    escape_bytes(&path_bytes(p)).into_owned()
}

/// `b` as text with unsafe characters and backslashes escaped and each
/// invalid UTF-8 byte written as `\xNN`.
pub fn escape_bytes(b: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(b) {
        return escape(s);
    }
    let mut out = String::with_capacity(b.len() + 8);
    for chunk in b.utf8_chunks() {
        out.push_str(&escape(chunk.valid()));
        for x in chunk.invalid() {
            let _ = write!(out, "\\x{x:02x}");
        }
    }
    Cow::Owned(out)
}

/// Lowercase hex of `b`.
pub fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// `b` as text when it is valid UTF-8 with no unsafe character, else
/// [`HEX_PREFIX`] followed by its hex.
pub fn text_or_hex(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) if !s.chars().any(is_unsafe_char) => Cow::Borrowed(s),
        _ => Cow::Owned(format!("{HEX_PREFIX}{}", hex(b))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_raw_controls(s: &str) {
        assert!(!s.chars().any(is_unsafe_char), "{s:?}");
    }

    #[test]
    fn backslashes_are_doubled_so_escapes_are_unambiguous() {
        // A literal "\x1b" in the capture must not read like an escaped ESC.
        assert_eq!(escape(r"a\x1b"), r"a\\x1b");
        assert_eq!(escape("\u{1b}\\\u{7}"), r"\x1b\\\x07");
    }

    #[test]
    fn zero_width_characters_and_the_bom_are_visible() {
        assert_eq!(escape("ad\u{200B}min"), "ad\\u{200b}min");
        assert_eq!(escape("\u{FEFF}alice"), "\\u{feff}alice");
        assert_eq!(escape("a\u{200D}b\u{2060}c"), "a\\u{200d}b\\u{2060}c");
        assert!(text_or_hex("\u{FEFF}x".as_bytes()).starts_with(HEX_PREFIX));
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("alice@edgecap.test"), Cow::Borrowed(_)));
        assert!(matches!(
            escape_bytes("réalm ☃".as_bytes()),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn ansi_csi_colour_is_escaped() {
        let s = escape("\x1b[31mred\x1b[0m");
        assert_eq!(s, "\\x1b[31mred\\x1b[0m");
        no_raw_controls(&s);
    }

    #[test]
    fn osc8_hyperlink_and_bel_are_escaped() {
        let s = escape("\x1b]8;;http://evil.example/\x07click\x1b]8;;\x1b\\");
        // The string terminator's backslash is doubled like every literal one.
        assert_eq!(
            s,
            "\\x1b]8;;http://evil.example/\\x07click\\x1b]8;;\\x1b\\\\"
        );
        no_raw_controls(&s);
        assert_eq!(escape("ding\x07"), "ding\\x07");
    }

    #[test]
    fn backspace_cr_del_and_newline_are_escaped() {
        assert_eq!(
            escape("admin\x08\x08\x08\x08\x08user"),
            "admin\\x08\\x08\\x08\\x08\\x08user"
        );
        assert_eq!(escape("a\rb\nc\td\x7f"), "a\\x0db\\x0ac\\x09d\\x7f");
    }

    #[test]
    fn c1_controls_are_escaped() {
        // U+009B is the 8-bit CSI, U+009D the 8-bit OSC, U+0085 NEL.
        assert_eq!(
            escape("\u{9b}31m\u{9d}0;t\u{85}"),
            "\\u{9b}31m\\u{9d}0;t\\u{85}"
        );
    }

    #[test]
    fn bidi_overrides_are_escaped() {
        assert_eq!(escape("user\u{202e}gnp.exe"), "user\\u{202e}gnp.exe");
        assert_eq!(escape("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
    }

    #[test]
    fn invalid_utf8_is_escaped_per_byte() {
        let s = escape_bytes(b"ok\xff\xfe\x1b[2Jend\xc3");
        assert_eq!(s, "ok\\xff\\xfe\\x1b[2Jend\\xc3");
        no_raw_controls(&s);
        // An 8-bit CSI as raw byte 0x9b is invalid UTF-8, escaped too.
        assert_eq!(escape_bytes(b"\x9b31m"), "\\x9b31m");
    }

    #[test]
    fn text_or_hex_falls_back_to_hex() {
        assert_eq!(text_or_hex(b"alice"), "alice");
        assert_eq!(text_or_hex("r\u{e9}alm".as_bytes()), "r\u{e9}alm");
        assert_eq!(text_or_hex(b"\x1b[31m"), "hex:1b5b33316d");
        assert_eq!(text_or_hex(b"\xff\x00"), "hex:ff00");
        assert_eq!(text_or_hex(b""), "");
        assert_eq!(hex(&[0xde, 0xad]), "dead");
    }
}
