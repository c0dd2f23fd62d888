//! The detail pane: every decoded field of the selected ladder row, from
//! [`crate::tui::detail_text`], then the hex dump of its frames with the
//! message bytes highlighted (re-read by the run loop when the pane is
//! entered; this view only draws what is in [`HexState`]). Scrolled with
//! ↑/↓ when focused.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::pane_block;
use crate::tui::app::{DetailState, HexState};
use crate::tui::detail_text::detail_lines;
use crate::tui::loaded::Loaded;
use crate::tui::theme::Theme;

/// The detail pane.
pub struct DetailView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// The selected ladder row.
    pub row: Option<usize>,
    /// The hex dump, if one was read.
    pub hex: &'a HexState,
    /// Scroll.
    pub state: DetailState,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
}

impl DetailView<'_> {
    fn hex_lines(&self) -> Vec<Line<'static>> {
        let note = |text: String| vec![Line::from(Span::styled(text, self.theme.dim()))];
        match self.hex {
            HexState::Ready(r, hex) if Some(*r) == self.row => hex
                .iter()
                .map(|l| {
                    Line::from(
                        l.text_segments
                            .iter()
                            .map(|(text, hot)| {
                                if *hot {
                                    Span::styled(text.clone(), self.theme.highlight())
                                } else {
                                    Span::raw(text.clone())
                                }
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .collect(),
            HexState::Pending(r) if Some(*r) == self.row => {
                note("  reading the frames from the file…".to_string())
            }
            HexState::Failed(r, msg) if Some(*r) == self.row => note(format!("  {msg}")),
            _ => note("  Enter on a ladder row re-reads its frames from the file".to_string()),
        }
    }
}

impl Widget for &DetailView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = pane_block("Detail", self.focused, self.theme);
        let Some(row) = self.row.and_then(|r| self.loaded.index.rows.get(r)) else {
            Paragraph::new("Nothing selected.")
                .block(block)
                .render(area, buf);
            return;
        };
        let mut lines: Vec<Line> = detail_lines(self.loaded, row)
            .into_iter()
            .map(|l| {
                if l.heading {
                    Line::from(Span::styled(l.text, self.theme.header()))
                } else {
                    Line::from(l.text)
                }
            })
            .collect();
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("Hex dump", self.theme.header())));
        lines.extend(self.hex_lines());
        // Scrolling stops once the last line is at the bottom of the pane.
        let height = usize::from(area.height.saturating_sub(2));
        let max = lines
            .len()
            .saturating_sub(height)
            .min(usize::from(u16::MAX)) as u16;
        Paragraph::new(lines)
            .block(block)
            .scroll((self.state.scroll.min(max), 0))
            .render(area, buf);
    }
}
