//! The help overlay: every key from [`crate::tui::keymap::KEYS`], centred
//! over the screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget};

use super::pane_block;
use crate::tui::keymap::KEYS;
use crate::tui::theme::Theme;

/// The overlay.
pub struct HelpView {
    /// Styles.
    pub theme: Theme,
}

impl Widget for &HelpView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let w = area.width.min(76);
        let h = area.height.min(KEYS.len() as u16 + 4);
        let r = Rect::new(
            area.x + (area.width - w) / 2,
            area.y + (area.height - h) / 2,
            w,
            h,
        );
        Clear.render(r, buf);
        let mut lines: Vec<Line> = KEYS
            .iter()
            .map(|(k, what)| {
                Line::from(vec![
                    Span::styled(format!(" {k:<16}"), self.theme.key()),
                    Span::raw(*what),
                ])
            })
            .collect();
        lines.push(Line::from(Span::styled(
            " Esc or ? closes this help",
            self.theme.dim(),
        )));
        Paragraph::new(lines)
            .block(pane_block("Keys", true, self.theme))
            .render(r, buf);
    }
}
