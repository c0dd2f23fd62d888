//! The detail pane: every decoded field of the selected ladder row, from
//! [`crate::tui::detail_text`], scrolled with ↑/↓ when focused.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::pane_block;
use crate::tui::app::{DetailState, Loaded};
use crate::tui::detail_text::detail_lines;
use crate::tui::theme::Theme;

/// The detail pane.
pub struct DetailView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// The selected ladder row.
    pub row: usize,
    /// Scroll.
    pub state: DetailState,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
}

impl Widget for &DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = pane_block("Detail", self.focused, self.theme);
        let Some(row) = self.loaded.index.rows.get(self.row) else {
            Paragraph::new("Nothing selected.")
                .block(block)
                .render(area, buf);
            return;
        };
        let lines: Vec<Line> = detail_lines(self.loaded, row)
            .into_iter()
            .map(|l| {
                if l.heading {
                    Line::from(Span::styled(l.text, self.theme.header()))
                } else {
                    Line::from(l.text)
                }
            })
            .collect();
        let max = lines.len().saturating_sub(1) as u16;
        Paragraph::new(lines)
            .block(block)
            .scroll((self.state.scroll.min(max), 0))
            .render(area, buf);
    }
}
