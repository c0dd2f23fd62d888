//! The sessions view (`s`), sngrep's call list for TURN: one line per
//! client allocation (kind, client, edge, state, relayed address, errors,
//! first frame) and per SIP call, coloured by state, in the order `o` / `r`
//! chose (the sorted column's title carries ▲ or ▼). It covers the panes;
//! Enter opens the selected session's ladder, Esc closes it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::ladder::Outcome;
use crate::tui::app::SessionsState;
use crate::tui::loaded::Loaded;
use crate::tui::sessions::{Session, SessionState};
use crate::tui::sessions_sort::SessionOrder;
use crate::tui::theme::Theme;

/// The sessions view.
pub struct SessionsView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// Selection (a position in `order.items`).
    pub state: SessionsState,
    /// The order the sessions are drawn in.
    pub order: &'a SessionOrder,
    /// Styles.
    pub theme: Theme,
}

const TITLES: [&str; 8] = [
    "#",
    "KIND",
    "CLIENT",
    "EDGE / TO",
    "STATE",
    "RELAYED",
    "FRAME",
    "ERRORS",
];
/// Widest a column grows (the last one, ERRORS, takes what is left).
const MAX_COL: usize = 40;
/// Narrowest each column shrinks to when the screen is narrow.
const MIN_COL: [usize; 8] = [1, 4, 15, 16, 10, 8, 5, 12];

/// Shrinks the widest shrinkable column, one character at a time, until
/// the columns and their gaps fit in `room` (or none can shrink).
fn shrink(widths: &mut [usize; 8], room: usize) {
    loop {
        let used: usize = widths.iter().sum::<usize>() + widths.len() - 1;
        if used <= room {
            return;
        }
        let widest = (0..widths.len())
            .filter(|&c| widths[c] > MIN_COL[c])
            .max_by_key(|&c| (widths[c] - MIN_COL[c], c));
        match widest {
            Some(c) => widths[c] -= 1,
            None => return,
        }
    }
}

fn cells(k: usize, s: &Session) -> [String; 8] {
    [
        (k + 1).to_string(),
        s.kind.clone(),
        s.client.clone(),
        s.server.clone(),
        s.state.word().to_string(),
        s.relayed.clone(),
        s.first_frame.0.to_string(),
        s.errors.clone(),
    ]
}

fn outcome(s: SessionState) -> Outcome {
    match s {
        SessionState::Success => Outcome::Good,
        SessionState::Failed => Outcome::Bad,
        SessionState::Unanswered => Outcome::Warn,
    }
}

/// `text` padded or cut to exactly `w` characters (cut with `…`).
fn fit(text: &str, w: usize, right: bool) -> String {
    let n = text.chars().count();
    if w == 0 {
        return String::new();
    }
    if n > w {
        let mut s: String = text.chars().take(w.saturating_sub(1)).collect();
        s.push('…');
        return s;
    }
    if right {
        format!("{text:>w$}")
    } else {
        format!("{text:<w$}")
    }
}

/// The first list line and the number of list lines of the view drawn in
/// `area` (inside the border, below the column titles).
fn list_area(area: Rect) -> (u16, usize) {
    let inner = pane_block("", true, Theme { color: false }).inner(area);
    (inner.y + 1, usize::from(inner.height.saturating_sub(1)))
}

/// The session shown on line `y` of the view drawn in `area` (with
/// `selected` selected among `len`), if any.
pub fn item_at(selected: usize, len: usize, area: Rect, y: u16) -> Option<usize> {
    let (top, height) = list_area(area);
    if len == 0 || y < top || usize::from(y - top) >= height {
        return None;
    }
    let off = scroll_offset(selected.min(len - 1), len, height);
    Some(off + usize::from(y - top)).filter(|&i| i < len)
}

impl Widget for &SessionsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let sessions = &self.loaded.sessions;
        let order = &self.order.items;
        let block = pane_block(
            &format!(
                "Sessions ({}) {} · o r: sort · Enter: its ladder · Esc: back",
                sessions.len(),
                self.order.describe()
            ),
            true,
            self.theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if sessions.is_empty() || order.is_empty() {
            Paragraph::new("No TURN allocation or SIP call in this capture.").render(inner, buf);
            return;
        }
        let (top, height) = list_area(area);
        let sel = self.state.selected.min(order.len() - 1);
        let off = scroll_offset(sel, order.len(), height);
        let shown: Vec<(usize, [String; 8])> = order
            .iter()
            .skip(off)
            .take(height)
            .filter_map(|&k| Some((k, cells(k, sessions.get(k)?))))
            .collect();
        let mut titles = TITLES.map(String::from);
        titles[self.order.key.column()].push_str(self.order.arrow());
        let mut widths = titles.clone().map(|t| t.chars().count());
        for (_, row) in &shown {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count()).min(MAX_COL);
            }
        }
        let room = usize::from(inner.width);
        shrink(&mut widths, room);
        // Columns from the left while they fit; ERRORS takes the rest.
        let line = |row: &[String; 8]| -> Vec<(usize, String)> {
            let mut out = Vec::new();
            let mut used = 0;
            for c in 0..8 {
                let gap = usize::from(c > 0);
                let left = room.saturating_sub(used + gap);
                if left == 0 {
                    break;
                }
                let w = if c == 7 { left } else { widths[c].min(left) };
                out.push((
                    c,
                    format!("{}{}", " ".repeat(gap), fit(&row[c], w, c == 0 || c == 6)),
                ));
                used += gap + w;
            }
            out
        };
        let header = line(&titles);
        let text: String = header.into_iter().map(|(_, s)| s).collect();
        Line::from(Span::styled(text, self.theme.header()))
            .render(Rect::new(inner.x, inner.y, inner.width, 1), buf);
        for (k, (i, row)) in shown.iter().enumerate() {
            let y = top + k as u16;
            let s = &sessions[*i];
            let spans: Vec<Span> = line(row)
                .into_iter()
                .map(|(c, text)| match c {
                    4 => Span::styled(text, self.theme.outcome(outcome(s.state))),
                    7 if s.errors != "-" => Span::styled(text, self.theme.outcome(Outcome::Bad)),
                    _ => Span::raw(text),
                })
                .collect();
            let rect = Rect::new(inner.x, y, inner.width, 1);
            Line::from(spans).render(rect, buf);
            if off + k == sel {
                buf.set_style(rect, self.theme.selected());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fit, shrink, MIN_COL};

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4, false), "abc…");
        assert_eq!(fit("ab", 4, false), "ab  ");
        assert_eq!(fit("7", 3, true), "  7");
        assert_eq!(fit("x", 0, false), "");
        assert_eq!(fit("xy", 1, false), "…");
    }

    #[test]
    fn columns_shrink_widest_first_down_to_their_minimum() {
        let mut w = [1, 8, 21, 28, 10, 15, 5, 22];
        shrink(&mut w, 78);
        assert_eq!(w.iter().sum::<usize>() + 7, 78, "{w:?}");
        assert!(w.iter().zip(MIN_COL).all(|(a, b)| *a >= b), "{w:?}");
        assert_eq!(w[0], 1);
        let mut tiny = [1, 8, 21, 28, 10, 15, 5, 22];
        shrink(&mut tiny, 10);
        assert_eq!(tiny, MIN_COL);
    }
}
