//! Exporting the ladder for tickets and documents: a plain-text ladder (the
//! TUI's look, without colour or width limit) and a Mermaid
//! `sequenceDiagram`. Pure functions of an [`Index`] and the rows to export
//! (all of them, a flow's, or the TUI's filtered view), in that order.
//!
//! Labels are already terminal-safe ([`edgecap_core::safe`] ran when the index was
//! built) and are never un-escaped here; Mermaid output additionally encodes
//! the characters Mermaid's lexer or its entity pass would act on.

use std::fmt::Write;

use super::time::{time_column, TimeFormat};
use super::{Index, LadderRow, Outcome};

/// Narrowest lane of the text ladder; wider when a column title needs it.
const LANE_W: usize = 16;
/// Space between the text ladder's time, frame and lane columns.
const GAP: &str = "  ";

/// The rows of `index` named by `rows`, in that order (indices out of range
/// are skipped).
fn pick<'a>(index: &'a Index, rows: &[usize]) -> Vec<&'a LadderRow> {
    rows.iter().filter_map(|&i| index.rows.get(i)).collect()
}

/// The columns the rows draw on, left to right; every column when no row
/// is exported, so the header still names them.
fn used_columns(index: &Index, rows: &[&LadderRow]) -> Vec<usize> {
    let used: Vec<usize> = (0..index.columns.len())
        .filter(|&c| rows.iter().any(|r| r.from == c || r.to == c))
        .collect();
    if used.is_empty() {
        (0..index.columns.len()).collect()
    } else {
        used
    }
}

/// Lane characters of one line: `cols.len()` lanes of `lane_w`.
struct Lanes<'a> {
    cols: &'a [usize],
    w: usize,
}

impl Lanes<'_> {
    fn center(&self, column: usize) -> usize {
        let k = self.cols.iter().position(|&c| c == column).unwrap_or(0);
        k * self.w + self.w / 2
    }

    fn blank(&self) -> Vec<char> {
        vec![' '; self.cols.len() * self.w]
    }

    fn header(&self, titles: &[String]) -> String {
        let mut line = self.blank();
        for &c in self.cols {
            let title: Vec<char> = titles[c].chars().collect();
            let start = self.center(c).saturating_sub(title.len() / 2);
            for (x, ch) in (start..).zip(title) {
                if let Some(slot) = line.get_mut(x) {
                    *slot = ch;
                }
            }
        }
        line.into_iter().collect()
    }

    fn row(&self, row: &LadderRow) -> String {
        let mut line = self.blank();
        for &c in self.cols {
            line[self.center(c)] = '│';
        }
        let (a, b) = (self.center(row.from), self.center(row.to));
        if a == b {
            line[a + 1] = '↺';
        } else {
            for slot in &mut line[a.min(b)..=a.max(b)] {
                *slot = '─';
            }
            line[a] = '●';
            line[b] = if b > a { '▶' } else { '◀' };
        }
        line.into_iter().collect()
    }
}

/// A plain-text ladder: a header with the time mode, `frame`, the column
/// titles centred over their lanes and `message`, a line with each lane's
/// addresses (`2.2.2.2+1` when a role has several; blank under a lane
/// titled by its address), then one line per row
/// (time, frame number, lanes with the arrow `●──▶` / `◀──●`, label).
/// Only the columns the rows use get a lane. No colour, no width limit;
/// lines end without trailing spaces.
pub fn to_text(index: &Index, rows: &[usize], time: TimeFormat) -> String {
    let rows = pick(index, rows);
    let cols = used_columns(index, &rows);
    let titles = &index.columns;
    // The second header line: each lane's addresses (port lanes and role
    // lanes; a host lane's title is already its address).
    let hosts: Vec<String> = (0..titles.len())
        .map(|c| index.hosts.get(c).map(|h| h.short()).unwrap_or_default())
        .collect();
    let w = cols
        .iter()
        .map(|&c| titles[c].chars().count().max(hosts[c].chars().count()) + 2)
        .fold(LANE_W, usize::max);
    let lanes = Lanes { cols: &cols, w };
    let times = time_column(index, rows.iter().copied(), None, time);
    let time_w = times
        .iter()
        .map(|t| t.chars().count())
        .fold(time.title().len(), usize::max);
    let frame_w = rows
        .iter()
        .map(|r| r.frame_text().len())
        .fold("frame".len(), usize::max);
    let mut out = String::new();
    let mut line = |time: &str, frame: &str, lanes: &str, label: &str| {
        let l = format!("{time:<time_w$}{GAP}{frame:>frame_w$}{GAP}{lanes} {label}");
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(time.title(), "frame", &lanes.header(titles), "message");
    line("", "", &lanes.header(&hosts), "");
    for (r, t) in rows.iter().zip(&times) {
        line(t, &r.frame_text(), &lanes.row(r), &r.label);
    }
    out
}

/// `text` safe inside a Mermaid message, note or participant alias: `#`,
/// `;` and `:` (comment, statement end, and the `style …:…#…;` rewrite),
/// `%` (a `%%{init: …}%%` directive anywhere in the text is obeyed),
/// `<`, `>` and `&` (HTML), control characters (none survive
/// [`edgecap_core::safe`], but a line break would end the statement) and the
/// markers Mermaid uses internally for entities (`ﬂ`, `¶`) become Mermaid
/// entity codes (`#59;`), which Mermaid shows as the character itself.
pub fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' | ';' | ':' | '%' | 'ﬂ' | '¶' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A Mermaid `sequenceDiagram`: one `participant` per column the rows use
/// (`P<column>` named by the column title and its addresses), then one message per row,
/// `P0->>P1: [frame] label`, with a cross (`-x`) for failures.
pub fn to_mermaid(index: &Index, rows: &[usize]) -> String {
    let rows = pick(index, rows);
    let mut out = String::from("sequenceDiagram\n");
    for c in used_columns(index, &rows) {
        let name = match index.hosts.get(c).map(|h| h.short()) {
            Some(a) if !a.is_empty() => format!("{} {a}", index.columns[c]),
            _ => index.columns[c].clone(),
        };
        let _ = writeln!(out, "    participant P{c} as {}", mermaid_text(&name));
    }
    for r in rows {
        let arrow = if r.outcome == Outcome::Bad {
            "-x"
        } else {
            "->>"
        };
        let _ = writeln!(
            out,
            "    P{}{arrow}P{}: [{}] {}",
            r.from,
            r.to,
            r.frame_text(),
            mermaid_text(&r.label)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ladder::{LaneHosts, RowSource};
    use edgecap_capture::{FrameNo, Timestamp};
    use edgecap_net::FlowId;

    fn row(frame: u64, from: usize, to: usize, label: &str, outcome: Outcome) -> LadderRow {
        LadderRow {
            frame: FrameNo(frame),
            first_frame: FrameNo(frame),
            ts: Some(Timestamp(frame as i64 * 1_000_000)),
            from,
            to,
            label: label.to_string(),
            outcome,
            flow: FlowId(0),
            source: RowSource::Message(0),
        }
    }

    fn index() -> Index {
        Index {
            columns: ["client", "internal edge", "10.9.9.9"]
                .map(String::from)
                .to_vec(),
            hosts: vec![
                LaneHosts {
                    shown: vec!["10.98.2.1".to_string()],
                    more: 0,
                },
                LaneHosts {
                    shown: vec!["10.3.0.34".to_string(), "10.3.0.35".to_string()],
                    more: 1,
                },
                LaneHosts::default(),
            ],
            rows: vec![
                row(1, 0, 1, "Allocate", Outcome::Neutral),
                row(12, 1, 0, "401 Unauthorized", Outcome::Warn),
                row(13, 1, 1, "self", Outcome::Good),
                row(140, 1, 0, "RST (refused)", Outcome::Bad),
            ],
            first_ts: Some(Timestamp(0)),
            ..Index::default()
        }
    }

    #[test]
    fn text_ladder_layout() {
        let text = to_text(&index(), &[0, 1, 2, 3], TimeFormat::Relative);
        let want = "\
time (s)  frame       client       internal edge  message
                     10.98.2.1      10.3.0.34+2
0.001000      1          ●───────────────▶        Allocate
0.012000     12          ◀───────────────●        401 Unauthorized
0.013000     13          │               │↺       self
0.140000    140          ◀───────────────●        RST (refused)
";
        assert_eq!(text, want, "\n{text}");
    }

    #[test]
    fn text_ladder_deltas_follow_the_exported_rows() {
        let text = to_text(&index(), &[3, 0], TimeFormat::Delta);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("delta (s)  frame"), "{text}");
        assert!(lines[1].trim().starts_with("10.98.2.1"), "{text}");
        assert!(lines[2].starts_with("+0.000000    140"), "{text}");
        assert!(lines[3].starts_with("-0.139000      1"), "{text}");
        // No rows: the header still names every column.
        let empty = to_text(&index(), &[], TimeFormat::Absolute);
        assert!(empty.contains("10.9.9.9"), "{empty}");
        assert_eq!(empty.lines().count(), 2);
    }

    #[test]
    fn mermaid_has_used_participants_directions_and_crosses() {
        let m = to_mermaid(&index(), &[0, 1, 2, 3, 99]);
        let want = "\
sequenceDiagram
    participant P0 as client 10.98.2.1
    participant P1 as internal edge 10.3.0.34+2
    P0->>P1: [1] Allocate
    P1->>P0: [12] 401 Unauthorized
    P1->>P1: [13] self
    P1-xP0: [140] RST (refused)
";
        assert_eq!(m, want, "\n{m}");
        let only_self = to_mermaid(&index(), &[2]);
        assert!(!only_self.contains("P0"), "{only_self}");
    }

    #[test]
    fn hostile_labels_cannot_break_the_diagram() {
        let mut ix = index();
        ix.rows[0].label = "a;b#c:d\n<br>&x ﬂ°°59¶ß %%{init}%%".to_string();
        let m = to_mermaid(&ix, &[0]);
        let msg = m.lines().nth(3).expect("message line");
        assert_eq!(
            msg,
            "    P0->>P1: [1] a#59;b#35;c#58;d#10;#lt;br#gt;#amp;x #64258;°°59#182;ß #37;#37;{init}#37;#37;"
        );
        assert_eq!(m.lines().count(), 4);
        assert!(!m.contains(|c: char| c.is_control() && c != '\n'));
        // Already-escaped text keeps its escapes.
        assert_eq!(mermaid_text(r"\x1b[31m"), r"\x1b[31m");
    }
}
