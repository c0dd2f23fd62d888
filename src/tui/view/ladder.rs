//! The ladder timeline: a time column, the frame number, one lane per
//! column of the index (roles, then hosts without a role), an arrow from
//! sender to receiver coloured by outcome, and the message label. The
//! selected row is highlighted; the view scrolls to keep it visible.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::capture::Timestamp;
use crate::ladder::{Index, LadderRow};
use crate::tui::app::{ListState, Loaded, TimeMode};
use crate::tui::theme::Theme;

/// Width of the time column.
const TIME_W: u16 = 13;
/// Width of the frame column.
const FRAME_W: u16 = 7;

/// The ladder pane.
pub struct LadderView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// Selection.
    pub state: ListState,
    /// Time column mode.
    pub time: TimeMode,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
}

/// The time column text of row `i`.
pub fn time_text(index: &Index, i: usize, mode: TimeMode) -> String {
    let rows = &index.rows;
    let Some(ts) = rows[i].ts else {
        return "?".to_string();
    };
    match mode {
        TimeMode::Absolute => {
            let s = ts.to_string();
            s.get(11..23).unwrap_or(&s).to_string()
        }
        TimeMode::Relative => {
            let start = index.first_ts.unwrap_or(ts);
            format!("{:.6}", ts.seconds_since(start))
        }
        TimeMode::Delta => {
            let prev: Option<Timestamp> = rows[..i].iter().rev().find_map(|r| r.ts);
            match prev {
                Some(p) => format!("+{:.6}", ts.seconds_since(p)),
                None => "+0.000000".to_string(),
            }
        }
    }
}

/// A column title shortened to `w` characters where a short form exists
/// (`internal edge` → `int.edge` → `int`).
pub fn fit_title(title: &str, w: usize) -> &str {
    if title.chars().count() <= w {
        return title;
    }
    let forms: &[&str] = match title {
        "internal edge" => &["int.edge", "int"],
        "external edge" => &["ext.edge", "ext"],
        "remote edge" => &["rem.edge", "remote", "rem"],
        "other hosts" => &["other", "oth"],
        _ => &[],
    };
    forms
        .iter()
        .find(|f| f.chars().count() <= w)
        .copied()
        .unwrap_or(title)
}

struct Lanes {
    x: u16,
    w: u16,
}

impl Lanes {
    fn center(&self, c: usize) -> u16 {
        self.x + c as u16 * self.w + self.w / 2
    }
}

fn draw_arrow(buf: &mut Buffer, lanes: &Lanes, y: u16, row: &LadderRow, theme: Theme) {
    let style = theme.outcome(row.outcome);
    let (a, b) = (lanes.center(row.from), lanes.center(row.to));
    if a == b {
        buf.set_string(a + 1, y, "↺", style);
        return;
    }
    let (lo, hi) = (a.min(b), a.max(b));
    for x in lo..=hi {
        buf.set_string(x, y, "─", style);
    }
    buf.set_string(a, y, "●", style);
    if b > a {
        buf.set_string(b, y, "▶", style);
    } else {
        buf.set_string(b, y, "◀", style);
    }
}

impl Widget for &LadderView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let index = &self.loaded.index;
        let block = pane_block(
            &format!("Ladder ({} messages)", index.rows.len()),
            self.focused,
            self.theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if index.rows.is_empty() {
            Paragraph::new("No messages decoded.").render(inner, buf);
            return;
        }
        if inner.height < 2 || inner.width < TIME_W + FRAME_W + 12 {
            return;
        }
        let n = index.columns.len().max(1) as u16;
        let rest = inner.width - TIME_W - FRAME_W;
        let lane_w = (rest * 11 / 20 / n).clamp(3, 18);
        let lanes = Lanes {
            x: inner.x + TIME_W + FRAME_W,
            w: lane_w,
        };
        let label_x = lanes.x + lane_w * n + 1;
        let label_w = inner.right().saturating_sub(label_x);
        // Header: sticky column titles.
        let y0 = inner.y;
        let header = self.theme.header();
        buf.set_stringn(
            inner.x,
            y0,
            self.time.title(),
            usize::from(TIME_W - 1),
            header,
        );
        buf.set_stringn(
            inner.x + TIME_W,
            y0,
            "frame",
            usize::from(FRAME_W - 1),
            header,
        );
        for (c, title) in index.columns.iter().enumerate() {
            let w = usize::from(lane_w.saturating_sub(1));
            let t: String = fit_title(title, w).chars().take(w).collect();
            let x = lanes.center(c).saturating_sub(t.chars().count() as u16 / 2);
            buf.set_stringn(x, y0, &t, w, header);
        }
        buf.set_stringn(label_x, y0, "message", usize::from(label_w), header);
        let height = usize::from(inner.height - 1);
        let sel = self.state.selected.min(index.rows.len() - 1);
        let off = scroll_offset(sel, index.rows.len(), height);
        for (i, row) in index.rows.iter().enumerate().skip(off).take(height) {
            let y = inner.y + 1 + (i - off) as u16;
            let time = time_text(index, i, self.time);
            buf.set_stringn(inner.x, y, &time, usize::from(TIME_W - 1), self.theme.dim());
            let frame = format!("{:>w$}", row.frame.0, w = usize::from(FRAME_W - 2));
            buf.set_stringn(
                inner.x + TIME_W,
                y,
                &frame,
                usize::from(FRAME_W - 1),
                self.theme.dim(),
            );
            for c in 0..usize::from(n) {
                buf.set_string(lanes.center(c), y, "│", self.theme.border());
            }
            draw_arrow(buf, &lanes, y, row, self.theme);
            buf.set_stringn(
                label_x,
                y,
                &row.label,
                usize::from(label_w),
                self.theme.outcome(row.outcome),
            );
            if i == sel {
                buf.set_style(Rect::new(inner.x, y, inner.width, 1), self.theme.selected());
            }
        }
    }
}
