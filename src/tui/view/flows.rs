//! The flows overview: flows grouped by the role pair of their client and
//! server (`client ⇄ internal edge`), with the flow count, outcome badges
//! (allocated / refused / reset / unanswered) and protocol labels.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::ladder::{FlowGroup, Outcome};
use crate::tui::app::ListState;
use crate::tui::loaded::Loaded;
use crate::tui::theme::Theme;

/// The flows pane.
pub struct FlowsView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// Selection.
    pub state: ListState,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
}

/// The non-zero badges of a group, with their colour.
pub fn badges(g: &FlowGroup) -> Vec<(String, Outcome)> {
    [
        ("allocated", g.allocated, Outcome::Good),
        ("refused", g.refused, Outcome::Bad),
        ("reset", g.reset, Outcome::Bad),
        ("unanswered", g.unanswered, Outcome::Warn),
    ]
    .into_iter()
    .filter(|(_, n, _)| *n > 0)
    .map(|(name, n, o)| (format!("{name} {n}"), o))
    .collect()
}

/// The group shown on line `y` of the pane drawn in `area`, if any (each
/// group takes two lines).
pub fn item_at(loaded: &Loaded, state: ListState, area: Rect, y: u16) -> Option<usize> {
    let len = loaded.index.groups.len();
    let inner = pane_block("", false, Theme { color: false }).inner(area);
    if len == 0 || y < inner.y || y >= inner.bottom() {
        return None;
    }
    let per_page = usize::from(inner.height / 2).max(1);
    let off = scroll_offset(state.selected.min(len - 1), len, per_page);
    Some(off + usize::from(y - inner.y) / 2).filter(|&i| i < len)
}

impl Widget for &FlowsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let groups = &self.loaded.index.groups;
        let block = pane_block(
            &format!("Flows ({})", self.loaded.analysis.flows.len()),
            self.focused,
            self.theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if groups.is_empty() {
            Paragraph::new("No flows.").render(inner, buf);
            return;
        }
        let pair_w = groups
            .iter()
            .map(|g| g.pair.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        // Two lines per group: pair, count and badges; then the protocols.
        let per_page = usize::from(inner.height / 2).max(1);
        let sel = self.state.selected.min(groups.len() - 1);
        let off = scroll_offset(sel, groups.len(), per_page);
        for (k, g) in groups.iter().enumerate().skip(off).take(per_page) {
            let y = inner.y + 2 * (k - off) as u16;
            let mut spans = vec![
                Span::styled(format!("{:<pair_w$}", g.pair), self.theme.header()),
                Span::raw(format!(
                    " {:>5} flow{} ",
                    g.flows.len(),
                    if g.flows.len() == 1 { " " } else { "s" }
                )),
            ];
            for (text, o) in badges(g) {
                spans.push(Span::raw(" "));
                spans.push(Span::styled(format!("[{text}]"), self.theme.outcome(o)));
            }
            let row = Rect::new(inner.x, y, inner.width, 1);
            Line::from(spans).render(row, buf);
            let protocols: Vec<String> = g
                .protocols
                .iter()
                .map(|(p, n)| format!("{p} ×{n}"))
                .collect();
            if y + 1 < inner.bottom() {
                let row2 = Rect::new(inner.x, y + 1, inner.width, 1);
                Line::from(Span::styled(
                    format!("  {}", protocols.join(", ")),
                    self.theme.dim(),
                ))
                .render(row2, buf);
                if k == sel {
                    buf.set_style(row2, self.theme.selected());
                }
            }
            if k == sel {
                buf.set_style(row, self.theme.selected());
            }
        }
    }
}
