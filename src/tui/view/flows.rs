//! The flows pane: a table like `tshark -z conv` (id, transport, client and
//! server address:port, packets, bytes, frames, duration, protocol, outcome;
//! the cells of the summary's flows table) in the order of
//! [`crate::tui::flows_sort`]. In the default order the flows sit under a
//! heading per role pair (`client ⇄ internal edge`) with the group's count
//! and outcome badges. The title names the sort column; columns that do not
//! fit are left out, least useful first, never the sorted one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::ladder::{FlowGroup, Outcome};
use crate::report::text::flow_row;
use crate::tui::app::ListState;
use crate::tui::flows_sort::{FlowItem, FlowOrder, SortKey};
use crate::tui::loaded::Loaded;
use crate::tui::theme::Theme;

/// The flows pane.
pub struct FlowsView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// The order and its lines.
    pub order: &'a FlowOrder,
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

/// Column titles, in the order of [`flow_row`]'s cells.
const TITLES: [&str; 10] = [
    "ID", "PROTO", "CLIENT", "SERVER", "PKTS", "BYTES", "FRAMES", "DURATION", "PROTOCOL", "OUTCOME",
];
/// Right-aligned columns.
const RIGHT: [bool; 10] = [
    true, false, false, false, true, true, false, true, false, false,
];
/// Which columns go first when the pane is narrow: lowest first.
const KEEP: [u8; 10] = [3, 2, 9, 9, 6, 7, 1, 4, 5, 8];

/// The column a sort key sorts by.
fn sorted_column(key: SortKey) -> Option<usize> {
    match key {
        SortKey::Group => None,
        SortKey::Id => Some(0),
        SortKey::Client => Some(2),
        SortKey::Server => Some(3),
        SortKey::Packets => Some(4),
        SortKey::Bytes => Some(5),
        SortKey::Duration => Some(7),
        SortKey::Protocol => Some(8),
        SortKey::Outcome => Some(9),
    }
}

/// The columns shown in `width` given each column's width: the most useful
/// ones (and the sorted one) that fit with a space between them.
fn fit_columns(widths: &[usize; 10], width: usize, sorted: Option<usize>) -> Vec<usize> {
    let mut by_keep: Vec<usize> = (0..10).collect();
    by_keep.sort_by_key(|&c| (Some(c) != sorted, std::cmp::Reverse(KEEP[c])));
    let mut chosen = Vec::new();
    let mut used = 0;
    for c in by_keep {
        let need = widths[c] + usize::from(!chosen.is_empty());
        if used + need <= width || chosen.is_empty() {
            used += need;
            chosen.push(c);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The first list line and the lines of items in the pane's `inner` area
/// (the first line holds the column titles).
fn list_area(inner: Rect) -> (u16, usize) {
    (inner.y + 1, usize::from(inner.height.saturating_sub(1)))
}

/// The item shown on line `y` of the pane drawn in `area`, if any.
pub fn item_at(order: &FlowOrder, state: ListState, area: Rect, y: u16) -> Option<usize> {
    let len = order.items.len();
    let inner = pane_block("", false, Theme { color: false }).inner(area);
    let (top, height) = list_area(inner);
    if len == 0 || y < top || usize::from(y - top) >= height {
        return None;
    }
    let off = scroll_offset(state.selected.min(len - 1), len, height);
    Some(off + usize::from(y - top)).filter(|&i| i < len)
}

impl FlowsView<'_> {
    fn heading(&self, g: &FlowGroup) -> Line<'static> {
        let n = g.flows.len();
        let mut spans = vec![
            Span::styled(g.pair.clone(), self.theme.header()),
            Span::raw(format!("  {n} flow{}", if n == 1 { "" } else { "s" })),
        ];
        for (text, o) in badges(g) {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(format!("[{text}]"), self.theme.outcome(o)));
        }
        let protocols: Vec<String> = g
            .protocols
            .iter()
            .map(|(p, n)| format!("{p} ×{n}"))
            .collect();
        spans.push(Span::styled(
            format!("  {}", protocols.join(", ")),
            self.theme.dim(),
        ));
        Line::from(spans)
    }
}

impl Widget for &FlowsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let analysis = &self.loaded.analysis;
        let items = &self.order.items;
        let block = pane_block(
            &format!(
                "Flows ({}) {} · o sort · r reverse",
                analysis.flows.len(),
                self.order.describe()
            ),
            self.focused,
            self.theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if items.is_empty() {
            Paragraph::new("No flows.").render(inner, buf);
            return;
        }
        let (top, height) = list_area(inner);
        let sel = self.state.selected.min(items.len() - 1);
        let off = scroll_offset(sel, items.len(), height);
        let shown = &items[off..(off + height).min(items.len())];
        // Cells of the flows on screen only: drawing stays linear in the
        // pane's height, whatever the number of flows.
        let cells: Vec<Option<[String; 10]>> = shown
            .iter()
            .map(|item| match item {
                FlowItem::Flow(i) => analysis
                    .flows
                    .get(*i)
                    .map(|f| flow_row(f, analysis.proto.flow_label(f.id))),
                FlowItem::Heading(_) => None,
            })
            .collect();
        let sorted = sorted_column(self.order.key);
        let mut widths = TITLES.map(|t| t.chars().count() + 1);
        for row in cells.iter().flatten() {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let cols = fit_columns(&widths, usize::from(inner.width), sorted);
        let arrow = if self.order.reverse { "▼" } else { "▲" };
        let line_of = |cells: &[String]| {
            let mut s = String::new();
            for (k, &c) in cols.iter().enumerate() {
                if k > 0 {
                    s.push(' ');
                }
                let w = widths[c];
                if RIGHT[c] {
                    s.push_str(&format!("{:>w$}", cells[c]));
                } else {
                    s.push_str(&format!("{:<w$}", cells[c]));
                }
            }
            s
        };
        let titles = TITLES.map(|t| match sorted {
            Some(c) if TITLES[c] == t => format!("{t}{arrow}"),
            _ => t.to_string(),
        });
        Line::from(Span::styled(line_of(&titles), self.theme.header()))
            .render(Rect::new(inner.x, inner.y, inner.width, 1), buf);
        for (k, (item, row)) in shown.iter().zip(&cells).enumerate() {
            let y = top + k as u16;
            let rect = Rect::new(inner.x, y, inner.width, 1);
            match (item, row) {
                (FlowItem::Heading(g), _) => {
                    if let Some(g) = self.loaded.index.groups.get(*g) {
                        self.heading(g).render(rect, buf);
                    }
                }
                (FlowItem::Flow(_), Some(row)) => {
                    Line::from(line_of(row)).render(rect, buf);
                }
                (FlowItem::Flow(_), None) => {}
            }
            if off + k == sel {
                buf.set_style(rect, self.theme.selected());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fit_columns;

    #[test]
    fn narrow_panes_keep_addresses_outcome_and_the_sorted_column() {
        let widths = [3, 5, 21, 21, 5, 6, 7, 8, 18, 24];
        assert_eq!(fit_columns(&widths, 200, None), (0..10).collect::<Vec<_>>());
        let narrow = fit_columns(&widths, 78, None);
        assert!(narrow.contains(&2) && narrow.contains(&3) && narrow.contains(&9));
        assert!(!narrow.contains(&6), "frames go first: {narrow:?}");
        let sorted = fit_columns(&widths, 78, Some(6));
        assert!(sorted.contains(&6), "{sorted:?}");
        let sum: usize = narrow.iter().map(|&c| widths[c] + 1).sum();
        assert!(sum <= 79, "{narrow:?}");
        assert_eq!(fit_columns(&widths, 5, None).len(), 1);
    }
}
