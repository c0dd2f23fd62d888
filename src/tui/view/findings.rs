//! The findings pane: one line per finding, most severe first (the
//! diagnosis order), and below the list the selected finding's whole
//! summary (wrapped), evidence and explanation. Enter jumps to its first evidence frame in the ladder.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{pane_block, scroll_offset};
use crate::fields::frame_list;
use crate::tui::app::ListState;
use crate::tui::loaded::Loaded;
use crate::tui::theme::Theme;
use edgecap_core::safe::escape;

/// The findings pane.
pub struct FindingsView<'a> {
    /// Data.
    pub loaded: &'a Loaded,
    /// Selection.
    pub state: ListState,
    /// Has the focus.
    pub focused: bool,
    /// Styles.
    pub theme: Theme,
}

/// The width the findings pane needs to show every list line whole,
/// borders included.
pub fn natural_width(loaded: &Loaded) -> u16 {
    loaded.findings_width.saturating_add(2)
}

/// The list (top, at most half the pane) and the selected finding's text.
fn split(inner: Rect, len: usize) -> [Rect; 2] {
    let list_h = (len.min(usize::from(u16::MAX)) as u16).clamp(1, (inner.height / 2).max(1));
    Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(inner)
}

/// The finding on line `y` of the pane drawn in `area`, if any.
pub fn item_at(loaded: &Loaded, state: ListState, area: Rect, y: u16) -> Option<usize> {
    let len = loaded.diagnosis.findings.len();
    let [list, _] = split(
        pane_block("", false, Theme { color: false }).inner(area),
        len,
    );
    if len == 0 || y < list.y || y >= list.bottom() {
        return None;
    }
    let off = scroll_offset(state.selected.min(len - 1), len, usize::from(list.height));
    Some(off + usize::from(y - list.y)).filter(|&i| i < len)
}

impl Widget for &FindingsView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let findings = &self.loaded.diagnosis.findings;
        let block = pane_block(
            &format!("Findings ({})", findings.len()),
            self.focused,
            self.theme,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if findings.is_empty() {
            Paragraph::new("No findings.").render(inner, buf);
            return;
        }
        let [list, about] = split(inner, findings.len());
        let sel = self.state.selected.min(findings.len() - 1);
        let off = scroll_offset(sel, findings.len(), usize::from(list.height));
        for (k, f) in findings
            .iter()
            .enumerate()
            .skip(off)
            .take(usize::from(list.height))
        {
            let y = list.y + (k - off) as u16;
            let row = Rect::new(list.x, y, list.width, 1);
            Line::from(vec![
                Span::styled(
                    format!("{:<8}", f.severity.as_str().to_uppercase()),
                    self.theme.severity(f.severity),
                ),
                Span::styled(format!("{} ", f.id), self.theme.header()),
                Span::raw(escape(&f.summary).into_owned()),
            ])
            .render(row, buf);
            if k == sel {
                buf.set_style(row, self.theme.selected());
            }
        }
        let f = &findings[sel];
        // The list line may be cut at the pane's edge: the whole summary
        // is repeated here, wrapped.
        let mut lines = vec![
            Line::from(""),
            Line::from(vec![
                Span::styled(format!("{} ", f.id), self.theme.header()),
                Span::raw(escape(&f.summary).into_owned()),
            ]),
        ];
        if !f.frames.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("frames {}", frame_list(&f.frames)),
                self.theme.dim(),
            )));
        }
        if !f.flows.is_empty() {
            let flows: Vec<String> = f.flows.iter().map(|id| id.to_string()).collect();
            lines.push(Line::from(Span::styled(
                format!("flows {}", flows.join(", ")),
                self.theme.dim(),
            )));
        }
        lines.push(Line::from(escape(&f.explanation).into_owned()));
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .render(about, buf);
    }
}
