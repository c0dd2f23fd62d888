//! The quick-filter menu (`f`): the filters that make sense for this
//! ladder, the current one marked, drawn over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::{pane_block, scroll_offset};
use crate::ladder::filter::RowFilter;
use crate::ladder::Index;
use crate::tui::app::FilterMenu;
use crate::tui::theme::Theme;

/// The menu overlay.
pub struct MenuView<'a> {
    /// Choices and highlight.
    pub menu: &'a FilterMenu,
    /// For column titles.
    pub index: &'a Index,
    /// Styles.
    pub theme: Theme,
}

impl Widget for &MenuView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let names: Vec<String> = self
            .menu
            .choices
            .iter()
            .map(|c| match c {
                RowFilter::Flow(_) => format!("{} (the selected row's)", c.describe(self.index)),
                _ => c.describe(self.index),
            })
            .collect();
        let widest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let w = (widest as u16 + 6).clamp(30, area.width.max(1));
        let h = (names.len() as u16 + 3).min(area.height.max(1));
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height - h) / 2,
            w,
            h,
        );
        Clear.render(r, buf);
        let block = pane_block("Filter the ladder", true, self.theme);
        let inner = block.inner(r);
        block.render(r, buf);
        let list_h = usize::from(inner.height.saturating_sub(1));
        let off = scroll_offset(self.menu.selected, names.len(), list_h);
        for (k, name) in names.iter().enumerate().skip(off).take(list_h) {
            let y = inner.y + (k - off) as u16;
            let line = Rect::new(inner.x, y, inner.width, 1);
            Paragraph::new(Line::from(format!(" {name}"))).render(line, buf);
            if k == self.menu.selected {
                buf.set_style(line, self.theme.selected());
            }
        }
        if inner.height > 0 {
            Line::from(Span::styled(
                " ↑↓ choose · Enter apply · Esc close",
                self.theme.dim(),
            ))
            .render(Rect::new(inner.x, inner.bottom() - 1, inner.width, 1), buf);
        }
    }
}
