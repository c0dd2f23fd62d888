//! The hex dump of the detail pane: the frames a ladder row came from,
//! re-read from the capture file on demand, with the message's bytes
//! highlighted.
//!
//! Most of this module is pure formatting: [`hex_lines`] turns bytes and
//! highlight ranges into lines `offset  16 hex bytes (gap after 8)  ASCII`,
//! each a list of `(text, highlighted)` segments the view styles, and
//! [`frame_hex`] / [`to_lines`] add a heading and notes per frame. Bytes
//! other than printable ASCII show as `.` in the ASCII column, and every
//! other string is built here or escaped with [`edgecap_core::safe::escape`], so
//! nothing from the capture reaches the terminal unescaped. Dumps stop
//! after [`MAX_DUMP_BYTES`] per frame.
//!
//! The only I/O is in [`open_source`] (opens the capture) and
//! [`hex_for_row`] / [`lines_for_row`] (read through the [`FrameSource`]
//! they are given; the run loop keeps one open): they pick the frames of a ladder
//! row ([`crate::tui::locate::message_frames`] for messages, the row's
//! frame for SYN / SYN-ACK / RST), re-read them and locate the bytes with
//! [`crate::tui::locate`].

use std::ops::Range;
use std::path::Path;

use crate::ladder::{LadderRow, RowSource};
use crate::tui::loaded::Loaded;
use crate::tui::locate::{self, FrameBytes};
use edgecap_analyze::Analysis;
use edgecap_capture::{FrameNo, FrameSource, OwnedFrame};
use edgecap_core::safe::escape;

/// Bytes per hex dump line.
pub const BYTES_PER_LINE: usize = 16;
/// Bytes of one frame dumped at most (a 64 KiB TSO super-packet is 4096
/// lines); the rest is counted in a note.
pub const MAX_DUMP_BYTES: usize = 64 * 1024;

/// One line of a hex dump, or a heading or note line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexLine {
    /// Text pieces in order; `true` = message bytes (highlighted).
    pub text_segments: Vec<(String, bool)>,
}

impl HexLine {
    /// A line of plain text (built by edgecap or already escaped).
    pub fn plain(text: impl Into<String>) -> HexLine {
        HexLine {
            text_segments: vec![(text.into(), false)],
        }
    }

    /// The line's text without highlighting.
    pub fn text(&self) -> String {
        self.text_segments.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// Appends `text`, merged into the last segment when the flag matches.
    fn push(&mut self, text: &str, hot: bool) {
        match self.text_segments.last_mut() {
            Some((last, h)) if *h == hot => last.push_str(text),
            _ => self.text_segments.push((text.to_string(), hot)),
        }
    }
}

/// One frame of a row's hex dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameHex {
    /// The frame.
    pub frame: FrameNo,
    /// `frame 7 · 99 bytes (99 on the wire) · ethernet (1) · highlighted …`.
    pub title: String,
    /// Why nothing or not everything is highlighted (escaped), if so.
    pub note: Option<String>,
    /// The transport payload within the frame, when it decoded.
    pub payload: Option<Range<usize>>,
    /// The highlighted byte ranges within the frame.
    pub highlight: Vec<Range<usize>>,
    /// The dump.
    pub lines: Vec<HexLine>,
}

/// The ASCII column's character for byte `b`.
fn printable(b: u8) -> char {
    if b.is_ascii_graphic() || b == b' ' {
        char::from(b)
    } else {
        '.'
    }
}

/// Hex dump lines of `data` with the bytes in `highlight` marked: offset
/// (at least 4 hex digits), 16 bytes in hex with a gap after 8, the ASCII
/// column. Spaces between two highlighted bytes are highlighted too, so a
/// highlighted run reads as one block.
pub fn hex_lines(data: &[u8], highlight: &[Range<usize>]) -> Vec<HexLine> {
    let width = format!("{:x}", data.len().saturating_sub(1)).len().max(4);
    let hot_at = |i: usize| highlight.iter().any(|r| r.contains(&i));
    data.chunks(BYTES_PER_LINE)
        .enumerate()
        .map(|(n, chunk)| {
            let base = n * BYTES_PER_LINE;
            let hot: Vec<bool> = (0..chunk.len()).map(|i| hot_at(base + i)).collect();
            let both = |i: usize| i + 1 < chunk.len() && hot[i] && hot[i + 1];
            let mut line = HexLine {
                text_segments: Vec::new(),
            };
            line.push(&format!("{base:0width$x}  "), false);
            for i in 0..BYTES_PER_LINE {
                match (chunk.get(i), hot.get(i)) {
                    (Some(b), Some(&h)) => line.push(&format!("{b:02x}"), h),
                    _ => line.push("  ", false),
                }
                if i + 1 < BYTES_PER_LINE {
                    line.push(" ", both(i));
                }
                if i + 1 == BYTES_PER_LINE / 2 {
                    line.push(" ", both(i));
                }
            }
            line.push("  ", false);
            for (i, &b) in chunk.iter().enumerate() {
                line.push(printable(b).encode_utf8(&mut [0; 4]), hot[i]);
            }
            line
        })
        .collect()
}

/// `0x0036–0x0061 (44 bytes)` for each range.
fn describe_ranges(ranges: &[Range<usize>]) -> String {
    ranges
        .iter()
        .map(|r| {
            format!(
                "0x{:04x}–0x{:04x} ({} bytes)",
                r.start,
                r.end.saturating_sub(1),
                r.len()
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The dump of one frame with what [`locate`] found in it.
pub fn frame_hex(frame: &OwnedFrame, located: &FrameBytes) -> FrameHex {
    let mut title = format!(
        "frame {} · {} bytes ({} on the wire) · {}",
        frame.no,
        frame.data.len(),
        frame.orig_len,
        frame.link
    );
    if !located.highlight.is_empty() {
        title.push_str(" · highlighted ");
        title.push_str(&describe_ranges(&located.highlight));
    }
    let shown = &frame.data[..frame.data.len().min(MAX_DUMP_BYTES)];
    let mut lines = hex_lines(shown, &located.highlight);
    if shown.len() < frame.data.len() {
        lines.push(HexLine::plain(format!(
            "… {} more bytes not shown",
            frame.data.len() - shown.len()
        )));
    }
    FrameHex {
        frame: frame.no,
        title,
        note: located.note.as_deref().map(|n| escape(n).into_owned()),
        payload: located.payload.clone(),
        highlight: located.highlight.clone(),
        lines,
    }
}

/// All frames as lines for the view: per frame its title, its note, its
/// dump, and a blank line between frames.
pub fn to_lines(frames: &[FrameHex]) -> Vec<HexLine> {
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        if i > 0 {
            out.push(HexLine::plain(""));
        }
        out.push(HexLine::plain(f.title.clone()));
        if let Some(note) = &f.note {
            out.push(HexLine::plain(format!("({note})")));
        }
        out.extend(f.lines.iter().cloned());
    }
    out
}

/// Re-reads frame `no`, with an escaped error.
fn read(source: &mut FrameSource, no: FrameNo) -> Result<OwnedFrame, String> {
    source
        .read(no)
        .map_err(|e| escape(&format!("hex dump unavailable: {e}")).into_owned())
}

/// The hex dump of ladder `row`: the frames its message came from (or its
/// SYN / SYN-ACK / RST frame) re-read through `source`, with the message's
/// bytes (the TCP header) highlighted. Errors are escaped, ready to show.
pub fn hex_for_row(
    source: &mut FrameSource,
    analysis: &Analysis,
    row: &LadderRow,
) -> Result<Vec<FrameHex>, String> {
    match row.source {
        RowSource::Message(i) => {
            let d = analysis
                .proto
                .messages
                .get(i)
                .ok_or("hex dump unavailable: no such message")?;
            let (transport, client, server) = analysis
                .flow_ends(d.flow)
                .ok_or("hex dump unavailable: unknown flow")?;
            let mut frames = Vec::new();
            for no in locate::message_frames(d, transport) {
                match read(source, no) {
                    Ok(f) => frames.push(f),
                    // The message's own frames must be there; others are context.
                    Err(e) if no == d.frames.first || no == d.frames.last => return Err(e),
                    Err(_) => {}
                }
            }
            let located = locate::locate_message(d, client, server, &frames);
            Ok(located
                .iter()
                .filter_map(|fb| {
                    let f = frames.iter().find(|f| f.no == fb.frame)?;
                    Some(frame_hex(f, fb))
                })
                .collect())
        }
        RowSource::Log { .. } => Err("no hex dump: a log's record, not in the capture".to_string()),
        RowSource::Syn(_) | RowSource::SynAck(_) | RowSource::Rst(_) => {
            let frame = read(source, row.frame)?;
            Ok(vec![frame_hex(&frame, &locate::locate_tcp_header(&frame))])
        }
    }
}

/// The hex dump lines of ladder row `row` (an index into
/// `loaded.index.rows`) of the capture at `path` (as given on the command
/// line; `-` cannot be re-read), opening the file for this call only: the
/// reference the run loop's kept-open source is tested against.
#[cfg(test)]
pub fn for_row(path: &Path, loaded: &Loaded, row: usize) -> Result<Vec<HexLine>, String> {
    lines_for_row(&mut open_source(path, loaded)?, loaded, row)
}

/// Opens the capture at `path` for re-reading frames of `loaded`; the error
/// (standard input, no frame index, file gone or changed) is ready to show.
pub fn open_source(path: &Path, loaded: &Loaded) -> Result<FrameSource, String> {
    if path.as_os_str() == "-" {
        return Err(edgecap_capture::frame_source::STDIN_UNAVAILABLE.to_string());
    }
    let index = loaded
        .analysis
        .frame_index
        .as_ref()
        .ok_or("hex dump unavailable: the capture was loaded without a frame index")?;
    FrameSource::open(path, index)
        .map_err(|e| escape(&format!("hex dump unavailable: {e}")).into_owned())
}

/// The hex dump lines of ladder row `row`, read through `source`.
pub fn lines_for_row(
    source: &mut FrameSource,
    loaded: &Loaded,
    row: usize,
) -> Result<Vec<HexLine>, String> {
    let r = loaded
        .index
        .rows
        .get(row)
        .ok_or("hex dump unavailable: no such ladder row")?;
    Ok(to_lines(&hex_for_row(source, &loaded.analysis, r)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_analyze::{analyze_capture, AnalyzeOptions};
    use edgecap_analyze::{diagnose, EdgeConfig};
    use edgecap_capture::LinkType;
    use edgecap_proto::ProtoMsg;
    use std::path::PathBuf;

    #[test]
    fn lines_have_offsets_a_gap_after_8_and_a_safe_ascii_column() {
        let data: Vec<u8> = b"AB\x1b[31m\x00\x7f\xffhello world, this is long".to_vec();
        let lines = hex_lines(&data, &[2..10, 17..19]);
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0].text(),
            "0000  41 42 1b 5b 33 31 6d 00  7f ff 68 65 6c 6c 6f 20  AB.[31m...hello "
        );
        assert_eq!(
            lines[1].text(),
            "0010  77 6f 72 6c 64 2c 20 74  68 69 73 20 69 73 20 6c  world, this is l"
        );
        assert_eq!(
            lines[2].text(),
            format!("0020  6f 6e 67{}  ong", " ".repeat(40))
        );
        let hot: Vec<&str> = lines[0]
            .text_segments
            .iter()
            .filter(|s| s.1)
            .map(|s| s.0.as_str())
            .collect();
        assert_eq!(hot, vec!["1b 5b 33 31 6d 00  7f ff", ".[31m..."]);
        let hot: Vec<&str> = lines[1]
            .text_segments
            .iter()
            .filter(|s| s.1)
            .map(|s| s.0.as_str())
            .collect();
        assert_eq!(hot, vec!["6f 72", "or"]);
        for l in &lines {
            assert!(l
                .text()
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control()));
            for w in l.text_segments.windows(2) {
                assert_ne!(w[0].1, w[1].1, "adjacent segments are merged");
            }
        }
        assert!(hex_lines(&[], &[]).is_empty());
        let big = vec![0u8; 0x12345];
        let last = hex_lines(&big, &[]).pop().unwrap().text();
        assert!(last.starts_with("12340  00"), "{last}");
    }

    #[test]
    fn long_frames_are_cut_with_a_note() {
        let f = OwnedFrame {
            no: FrameNo(3),
            link: LinkType::ETHERNET,
            data: vec![0x41; MAX_DUMP_BYTES + 5],
            orig_len: 70_000,
        };
        let fb = FrameBytes {
            frame: FrameNo(3),
            payload: None,
            highlight: vec![Range { start: 0, end: 2 }],
            note: Some("a \u{1b}[2J note".into()),
        };
        let h = frame_hex(&f, &fb);
        assert_eq!(h.lines.len(), MAX_DUMP_BYTES / 16 + 1);
        assert_eq!(h.lines.last().unwrap().text(), "… 5 more bytes not shown");
        assert!(h
            .title
            .starts_with("frame 3 · 65541 bytes (70000 on the wire) · ethernet (1)"));
        assert!(
            h.title.ends_with("highlighted 0x0000–0x0001 (2 bytes)"),
            "{}",
            h.title
        );
        assert!(!h.note.unwrap().contains('\u{1b}'));
    }

    fn loaded(name: &str, keep: bool) -> (PathBuf, Loaded) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("captures")
            .join(name);
        let reader = edgecap_capture::open_capture(&path).unwrap();
        let opts = AnalyzeOptions {
            keep_frame_index: keep,
            ..AnalyzeOptions::default()
        };
        let a = analyze_capture(reader, name, &opts);
        let d = diagnose(&a, &EdgeConfig::default());
        (path, Loaded::new(a, d))
    }

    /// The hex texts of the highlighted runs of a dump's hex columns.
    fn hot_hex(lines: &[HexLine]) -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.text().starts_with(|c: char| c.is_ascii_hexdigit()))
            .flat_map(|l| l.text_segments.iter())
            .filter(|s| {
                s.1 && s.0.len() >= 2 && s.0.chars().all(|c| c.is_ascii_hexdigit() || c == ' ')
            })
            .map(|s| s.0.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    #[test]
    fn every_row_of_the_stun_captures_has_a_dump_with_the_message_highlighted() {
        for name in [
            "msturn-tcp443.pcap",
            "coturn-loopback.pcap",
            "tcp-outcomes.pcap",
        ] {
            let (path, l) = loaded(name, true);
            assert!(!l.index.rows.is_empty());
            for (i, row) in l.index.rows.iter().enumerate() {
                let lines = for_row(&path, &l, i).unwrap_or_else(|e| panic!("{name} row {i}: {e}"));
                assert!(lines[0].text().starts_with("frame "), "{name}");
                let hot = hot_hex(&lines);
                let RowSource::Message(m) = row.source else {
                    // SYN / SYN-ACK / RST: the TCP header, 20 bytes or more.
                    let n: usize = hot.iter().map(|h| h.split_whitespace().count()).sum();
                    assert!(n >= 20, "{name} row {i}: {hot:?}");
                    continue;
                };
                let ProtoMsg::Stun(r) = &l.analysis.proto.messages[m].msg else {
                    continue;
                };
                // A highlighted run starts with the message type, as hex
                // (maybe cut by the end of a line after its first byte).
                let t = r.msg.msg_type.raw.to_be_bytes();
                let want = format!("{:02x} {:02x}", t[0], t[1]);
                assert!(
                    hot.iter()
                        .any(|h| h.starts_with(&want) || *h == format!("{:02x}", t[0])),
                    "{name} row {i} (frame {}): {hot:?}",
                    row.frame
                );
            }
        }
    }

    #[test]
    fn standard_input_and_a_missing_index_are_clear_errors() {
        let (path, l) = loaded("coturn-loopback.pcap", false);
        let e = for_row(&path, &l, 0).unwrap_err();
        assert!(e.contains("without a frame index"), "{e}");
        let (_, l) = loaded("coturn-loopback.pcap", true);
        let e = for_row(Path::new("-"), &l, 0).unwrap_err();
        assert_eq!(
            e,
            "hex dump unavailable: the capture came from standard input"
        );
        assert!(for_row(&path, &l, usize::MAX).is_err());
    }
}
