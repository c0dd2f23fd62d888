//! The ladder timeline: a time column, the frame number, one lane per
//! column of the index (roles, then hosts without a role), an arrow from
//! sender to receiver coloured by outcome, and the message label. Only the
//! rows the filter keeps are drawn; search matches are marked. The header
//! and the time/frame columns stay put while rows scroll vertically and
//! lanes scroll horizontally (when they do not all fit).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::ladder::filter::RowSearch;
use crate::ladder::time::time_column;
use crate::ladder::{LadderRow, Outcome};
use crate::tui::app::{LadderState, TimeMode};
use crate::tui::loaded::Loaded;
use crate::tui::theme::Theme;

/// Width of the time column.
const TIME_W: u16 = 13;
/// Width of the frame column.
const FRAME_W: u16 = 7;
/// Narrowest lane: below this the lanes scroll instead of shrinking.
const LANE_MIN: u16 = 7;
/// Widest lane.
const LANE_MAX: u16 = 18;
/// A lane wide enough for the short column titles (`int.edge`) and arrows
/// that read well: what the layout asks for at least when it has room.
const LANE_COMFORT: u16 = 12;

/// The label width the layout asks for at most: enough for every label
/// but long error reasons (`401 The request did not contain a
/// Message-Integrity attribute`), which the detail pane shows whole.
const LABEL_COMFORT: u16 = 40;

/// The lane width that shows every lane's title and short address (one
/// column of space included), between [`LANE_MIN`] and [`LANE_MAX`].
fn lane_want(loaded: &Loaded) -> u16 {
    let index = &loaded.index;
    let longest = index
        .hosts
        .iter()
        .map(|h| h.short().chars().count())
        .max()
        .unwrap_or(0);
    u16::try_from(longest + 1)
        .unwrap_or(LANE_MAX)
        .clamp(LANE_MIN, LANE_MAX)
}

/// The width the ladder pane needs to draw every lane comfortably and its
/// labels (up to [`LABEL_COMFORT`]), borders included.
pub fn natural_width(loaded: &Loaded) -> u16 {
    let lanes = u16::try_from(loaded.index.columns.len().max(1)).unwrap_or(u16::MAX);
    (2 + TIME_W + FRAME_W + 1)
        .saturating_add(lanes.saturating_mul(lane_want(loaded).max(LANE_COMFORT)))
        .saturating_add(loaded.label_width.min(LABEL_COMFORT))
}

/// The ladder pane.
pub struct LadderView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// Filter, visible rows, selection, first lane.
    pub state: &'a LadderState,
    /// The search, for marking matches.
    pub search: RowSearch,
    /// The search's match counter (`3/17`), when there is a query.
    pub counter: Option<String>,
    /// Time column mode.
    pub time: TimeMode,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
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

/// Which lanes are on screen and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lanes {
    /// Left edge of the first lane shown.
    x: u16,
    /// Lane width.
    w: u16,
    /// First lane shown.
    first: usize,
    /// Lanes shown.
    shown: usize,
    /// All lanes.
    total: usize,
}

impl Lanes {
    /// Fits `total` lanes into the 55 % of `width` left of the labels (up
    /// to 70 % when lanes of `want` columns need it for their addresses),
    /// scrolling from `first_lane` when even the narrowest lanes overflow.
    fn fit(x: u16, width: u16, total: usize, first_lane: usize, want: u16) -> Lanes {
        let total = total.max(1);
        let n = total as u16;
        let room = (width * 11 / 20).max(want.saturating_mul(n).min(width * 7 / 10));
        let (w, shown) = if room / n >= LANE_MIN {
            ((room / n).min(LANE_MAX), total)
        } else {
            let shown = usize::from((room / LANE_MIN).max(1));
            (room / shown as u16, shown)
        };
        Lanes {
            x,
            w: w.max(3),
            first: first_lane.min(total - shown),
            shown,
            total,
        }
    }

    /// Where column `c` is drawn: its centre, or the edge it lies beyond.
    fn place(&self, c: usize) -> Place {
        if c < self.first {
            Place::Left(self.x)
        } else if c >= self.first + self.shown {
            Place::Right(self.x + self.shown as u16 * self.w - 1)
        } else {
            Place::At(self.x + (c - self.first) as u16 * self.w + self.w / 2)
        }
    }

    fn right(&self) -> u16 {
        self.x + self.shown as u16 * self.w
    }
}

#[derive(Clone, Copy)]
enum Place {
    At(u16),
    Left(u16),
    Right(u16),
}

impl Place {
    fn x(self) -> u16 {
        match self {
            Place::At(x) | Place::Left(x) | Place::Right(x) => x,
        }
    }
}

fn draw_arrow(buf: &mut Buffer, lanes: &Lanes, y: u16, row: &LadderRow, theme: Theme) {
    let style = theme.outcome(row.outcome);
    let (from, to) = (lanes.place(row.from), lanes.place(row.to));
    let (a, b) = (from.x(), to.x());
    if row.from == row.to {
        if let Place::At(x) = from {
            buf.set_string(x + 1, y, "↺", style);
        }
        return;
    }
    let (lo, hi) = (a.min(b), a.max(b));
    for x in lo..=hi {
        buf.set_string(x, y, "─", style);
    }
    let dot = |p: Place| match p {
        Place::At(_) => "●",
        Place::Left(_) => "«",
        Place::Right(_) => "»",
    };
    buf.set_string(a, y, dot(from), style);
    let head = match to {
        Place::At(_) if b > a => "▶",
        Place::At(_) => "◀",
        Place::Left(_) => "«",
        Place::Right(_) => "»",
    };
    buf.set_string(b, y, head, style);
}

/// Lines of the lane header: titles, then the lanes' addresses.
const HEADER_LINES: u16 = 2;
/// The legend line shows from this many lines inside the pane.
const LEGEND_FROM: u16 = 10;

/// The first screen line of rows, and how many rows fit, in `inner` (below
/// the two header lines, above the legend when there is room for it).
fn rows_area(inner: Rect) -> (u16, usize) {
    let legend = u16::from(inner.height >= LEGEND_FROM);
    (
        inner.y + HEADER_LINES,
        usize::from(inner.height.saturating_sub(HEADER_LINES + legend)),
    )
}

/// `text` in at most `w` characters, keeping its end (the port or last
/// octets tell lanes apart): `…0.0.1:3478`.
fn keep_end(text: &str, w: usize) -> String {
    let n = text.chars().count();
    if n <= w {
        return text.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let tail: String = text.chars().skip(n + 1 - w).collect();
    format!("…{tail}")
}

/// The position among the visible rows shown on line `y` of the pane drawn
/// in `area`, if any.
pub fn item_at(state: &LadderState, area: Rect, y: u16) -> Option<usize> {
    let inner = pane_block("", false, Theme { color: false }).inner(area);
    let (top, height) = rows_area(inner);
    let len = state.visible.len();
    if len == 0 || y < top || usize::from(y - top) >= height {
        return None;
    }
    let off = scroll_offset(state.selected.min(len - 1), len, height);
    Some(off + usize::from(y - top)).filter(|&i| i < len)
}

impl LadderView<'_> {
    fn title(&self) -> String {
        let index = &self.loaded.index;
        let shown = self.state.visible.len();
        let total = index.rows.len();
        let session = self
            .state
            .session
            .and_then(|k| Some((k, self.loaded.sessions.get(k)?)));
        let title = match session {
            Some((k, s)) => format!(
                "Ladder ({shown} of {total}: session {} {}{}) · Esc: sessions",
                k + 1,
                s.client,
                match self.state.filter {
                    crate::ladder::filter::RowFilter::All => String::new(),
                    f => format!(", {}", f.describe(index)),
                }
            ),
            None if shown == total => format!("Ladder ({total} messages)"),
            None => format!(
                "Ladder ({shown} of {total}: {})",
                self.state.filter.describe(index)
            ),
        };
        match &self.counter {
            Some(c) => format!("{title} · match {c}"),
            None => title,
        }
    }

    fn header(&self, buf: &mut Buffer, inner: Rect, lanes: &Lanes, label_x: u16) {
        let y = inner.y;
        let style = self.theme.header();
        let title = self.time.title();
        buf.set_stringn(inner.x, y, title, usize::from(TIME_W - 1), style);
        buf.set_stringn(
            inner.x + TIME_W,
            y,
            "frame",
            usize::from(FRAME_W - 1),
            style,
        );
        let columns = &self.loaded.index.columns;
        for (c, title) in columns.iter().enumerate() {
            let Place::At(centre) = lanes.place(c) else {
                continue;
            };
            let w = usize::from(lanes.w.saturating_sub(1));
            let t: String = fit_title(title, w).chars().take(w).collect();
            let x = centre.saturating_sub(t.chars().count() as u16 / 2);
            buf.set_stringn(x, y, &t, w, style);
            let hosts = self.loaded.index.hosts.get(c).map(|h| h.short());
            let a = keep_end(hosts.as_deref().unwrap_or(""), w);
            let x = centre.saturating_sub(a.chars().count() as u16 / 2);
            buf.set_stringn(x, y + 1, &a, w, self.theme.dim());
        }
        if lanes.first > 0 {
            buf.set_string(lanes.x, y, "‹", self.theme.key());
        }
        if lanes.first + lanes.shown < lanes.total {
            buf.set_string(lanes.right() - 1, y, "›", self.theme.key());
        }
        let label_w = usize::from(inner.right().saturating_sub(label_x));
        buf.set_stringn(label_x, y, "message", label_w, style);
    }
}

impl LadderView<'_> {
    /// The legend under the rows: what arrows and colours mean, then each
    /// lane's addresses as far as they fit.
    fn legend(&self, buf: &mut Buffer, inner: Rect) {
        if inner.height < LEGEND_FROM {
            return;
        }
        let y = inner.bottom() - 1;
        let t = self.theme;
        let mut spans = vec![
            Span::styled("●─▶ sender → receiver ", t.dim()),
            Span::styled("ok ", t.outcome(Outcome::Good)),
            Span::styled("odd ", t.outcome(Outcome::Warn)),
            Span::styled("failed", t.outcome(Outcome::Bad)),
        ];
        let index = &self.loaded.index;
        for (c, title) in index.columns.iter().enumerate() {
            let full = index.hosts.get(c).map(|h| h.full()).unwrap_or_default();
            if full.is_empty() {
                continue;
            }
            spans.push(Span::styled(" · ", t.dim()));
            spans.push(Span::styled(title.clone(), t.header()));
            spans.push(Span::styled(format!(" {full}"), t.dim()));
        }
        Line::from(spans).render(Rect::new(inner.x, y, inner.width, 1), buf);
    }
}

impl Widget for &LadderView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let index = &self.loaded.index;
        let block = pane_block(&self.title(), self.focused, self.theme);
        let inner = block.inner(area);
        block.render(area, buf);
        let visible = &self.state.visible;
        if visible.is_empty() {
            let text = if index.rows.is_empty() {
                "No messages decoded."
            } else {
                "No rows pass the filter (f to change it)."
            };
            Paragraph::new(text).render(inner, buf);
            return;
        }
        if inner.height < HEADER_LINES + 1 || inner.width < TIME_W + FRAME_W + 12 {
            return;
        }
        let rest = inner.width - TIME_W - FRAME_W;
        let lanes = Lanes::fit(
            inner.x + TIME_W + FRAME_W,
            rest,
            index.columns.len(),
            self.state.first_lane,
            lane_want(self.loaded),
        );
        let label_x = lanes.right() + 1;
        let label_w = usize::from(inner.right().saturating_sub(label_x));
        self.header(buf, inner, &lanes, label_x);
        self.legend(buf, inner);
        let (top, height) = rows_area(inner);
        let sel = self.state.selected.min(visible.len() - 1);
        let off = scroll_offset(sel, visible.len(), height);
        let shown = &visible[off..(off + height).min(visible.len())];
        // The last time above the window, for the delta of its first row.
        let before = visible[..off].iter().rev().find_map(|&j| index.rows[j].ts);
        let times = time_column(
            index,
            shown.iter().map(|&i| &index.rows[i]),
            before,
            self.time,
        );
        for (k, (&i, time)) in shown.iter().zip(&times).enumerate() {
            let row = &index.rows[i];
            let pos = off + k;
            let y = top + k as u16;
            buf.set_stringn(inner.x, y, time, usize::from(TIME_W - 1), self.theme.dim());
            let frame = format!("{:>w$}", row.frame.0, w = usize::from(FRAME_W - 2));
            let frame_style = if self.search.matches(index, row) {
                self.theme.key()
            } else {
                self.theme.dim()
            };
            buf.set_stringn(
                inner.x + TIME_W,
                y,
                &frame,
                usize::from(FRAME_W - 1),
                frame_style,
            );
            for c in lanes.first..lanes.first + lanes.shown {
                buf.set_string(lanes.place(c).x(), y, "│", self.theme.border());
            }
            draw_arrow(buf, &lanes, y, row, self.theme);
            buf.set_stringn(
                label_x,
                y,
                &row.label,
                label_w,
                self.theme.outcome(row.outcome),
            );
            if pos == sel {
                buf.set_style(Rect::new(inner.x, y, inner.width, 1), self.theme.selected());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_shrink_until_the_minimum_then_scroll() {
        let wide = Lanes::fit(0, 200, 4, 0, LANE_COMFORT);
        assert_eq!((wide.w, wide.shown), (LANE_MAX, 4));
        let tight = Lanes::fit(0, 58, 4, 3, LANE_COMFORT);
        assert_eq!((tight.shown, tight.first), (4, 0), "{tight:?}");
        let over = Lanes::fit(0, 58, 6, 0, LANE_COMFORT);
        assert!(over.shown < 6 && over.w >= LANE_MIN, "{over:?}");
        let scrolled = Lanes::fit(0, 58, 6, 99, LANE_COMFORT);
        assert_eq!(scrolled.first + scrolled.shown, 6, "{scrolled:?}");
        assert!(matches!(scrolled.place(0), Place::Left(_)));
        assert!(matches!(over.place(5), Place::Right(_)));
        assert!(matches!(over.place(0), Place::At(_)));
        // Addresses of 9 characters widen four lanes to 10 columns each
        // in an 80-column pane (58 columns right of time and frame), never
        // past 70 % of it.
        let wanted = Lanes::fit(0, 58, 4, 0, 10);
        assert_eq!((wanted.w, wanted.shown), (10, 4), "{wanted:?}");
        assert_eq!(Lanes::fit(0, 58, 4, 0, 7).w, 7);
    }

    #[test]
    fn addresses_keep_their_end() {
        assert_eq!(keep_end("10.98.2.1", 9), "10.98.2.1");
        assert_eq!(keep_end("127.0.0.1:3478", 9), "…0.1:3478");
        assert_eq!(keep_end("abc", 0), "");
    }
}
