//! The loading screen: a progress bar of bytes read against the file size
//! and the packets read so far (packets only for standard input), and the
//! screen shown when loading failed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Gauge, Paragraph, Widget, Wrap};

use super::pane_block;
use crate::tui::theme::Theme;
use edgecap_analyze::LoadProgress;

/// The progress view.
pub struct LoadingView {
    /// How far the loader is.
    pub progress: LoadProgress,
    /// File size, if known.
    pub total_bytes: Option<u64>,
    /// Styles.
    pub theme: Theme,
}

/// `12.3 MiB`.
pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = area.width.min(w);
    let h = area.height.min(h);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

impl Widget for &LoadingView {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let r = centered(area, 64, 3);
        let p = self.progress;
        match self.total_bytes {
            Some(total) if total > 0 => {
                let ratio = (p.bytes_read as f64 / total as f64).clamp(0.0, 1.0);
                Gauge::default()
                    .block(pane_block("Loading", true, self.theme))
                    .gauge_style(self.theme.focused_border())
                    .ratio(ratio)
                    .label(format!(
                        "{} of {} · {} packets",
                        mib(p.bytes_read),
                        mib(total),
                        p.packets
                    ))
                    .render(r, buf);
            }
            _ => Paragraph::new(Line::from(format!("{} packets read · q quits", p.packets)))
                .block(pane_block("Loading", true, self.theme))
                .render(r, buf),
        }
    }
}

/// The failure screen; `msg` is already escaped.
pub fn failed(msg: &str, area: Rect, buf: &mut Buffer) {
    let r = centered(area, 72, 6);
    Paragraph::new(vec![Line::from(msg.to_string()), Line::from("q quits")])
        .wrap(Wrap { trim: true })
        .block(pane_block("Cannot load", true, Theme { color: false }))
        .render(r, buf);
}
