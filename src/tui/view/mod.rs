//! Drawing: the screen layout ([`Screen`]) and one widget per pane, each
//! `impl Widget for &XView` over borrowed state. Views only read the
//! [`App`] and the loaded index; they do no I/O and no decoding.
//!
//! Layout: a title line, the panes, a footer with the main keys. From
//! 140×36 up all four panes show at once (findings and flows left, ladder
//! and detail right); smaller terminals show a tab bar and the focused pane.

pub mod detail;
pub mod findings;
pub mod flows;
pub mod help;
pub mod ladder;
pub mod loading;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use super::app::{App, LoadState, Loaded, Pane};
use super::theme::Theme;
use crate::analyze::Severity;
use crate::safe::escape;

/// The whole screen for one frame.
pub struct Screen<'a> {
    /// The state to draw.
    pub app: &'a App,
}

/// A pane's border, highlighted when it has the focus.
pub fn pane_block(title: &str, focused: bool, theme: Theme) -> Block<'static> {
    let style = if focused {
        theme.focused_border()
    } else {
        theme.border()
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_style(style)
        .title(Span::styled(format!(" {title} "), theme.header()))
}

/// The first visible row so that `selected` is on screen: the view scrolls
/// only once the selection passes the middle, and stops at the end.
pub fn scroll_offset(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    selected.saturating_sub(height / 2).min(len - height)
}

fn title_line(app: &App, theme: Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(" edgecap ", theme.header()),
        Span::raw(escape(&app.name).into_owned()),
    ];
    if let Some(l) = app.loaded() {
        let c = &l.analysis.capture;
        spans.push(Span::styled(
            format!(
                "  {} packets  {} flows  ",
                c.packets,
                l.analysis.flows.len()
            ),
            theme.dim(),
        ));
        for s in [Severity::Error, Severity::Warning, Severity::Info] {
            let n = l
                .diagnosis
                .findings
                .iter()
                .filter(|f| f.severity == s)
                .count();
            if n > 0 {
                spans.push(Span::styled(
                    format!("{n} {} ", s.as_str()),
                    theme.severity(s),
                ));
            }
        }
    }
    Line::from(spans)
}

fn footer_line(app: &App, theme: Theme) -> Line<'static> {
    let keys: &[(&str, &str)] = &[
        ("q", "quit"),
        ("?", "help"),
        ("Tab", "pane"),
        ("↑↓", "move"),
        ("Enter", "drill in"),
        ("Esc", "back"),
        ("t", "time"),
    ];
    let mut spans = vec![Span::raw(" ")];
    for (k, what) in keys {
        spans.push(Span::styled(*k, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    spans.push(Span::styled(app.time.title().to_string(), theme.dim()));
    Line::from(spans)
}

fn tab_line(app: &App, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for p in Pane::ALL {
        let style = if p == app.focus {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {} ", p.title()), style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

fn render_pane(app: &App, loaded: &Loaded, pane: Pane, area: Rect, buf: &mut Buffer) {
    let theme = Theme { color: app.color };
    let focused = app.focus == pane;
    match pane {
        Pane::Findings => (&findings::FindingsView {
            loaded,
            state: app.findings,
            focused,
            theme,
        })
            .render(area, buf),
        Pane::Flows => (&flows::FlowsView {
            loaded,
            state: app.flows,
            focused,
            theme,
        })
            .render(area, buf),
        Pane::Ladder => (&ladder::LadderView {
            loaded,
            state: app.ladder,
            time: app.time,
            focused,
            theme,
        })
            .render(area, buf),
        Pane::Detail => (&detail::DetailView {
            loaded,
            row: app.ladder.selected,
            state: app.detail,
            focused,
            theme,
        })
            .render(area, buf),
    }
}

impl Widget for &Screen<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let theme = Theme { color: app.color };
        let [title, body, footer] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
        ])
        .areas(area);
        title_line(app, theme).render(title, buf);
        footer_line(app, theme).render(footer, buf);
        match &app.load {
            LoadState::Loading {
                progress,
                total_bytes,
            } => (&loading::LoadingView {
                progress: *progress,
                total_bytes: *total_bytes,
                theme,
            })
                .render(body, buf),
            LoadState::Failed(msg) => loading::failed(msg, body, buf),
            LoadState::Ready(loaded) if app.wide() => {
                let [left, right] =
                    Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
                        .areas(body);
                let [fi, fl] =
                    Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)])
                        .areas(left);
                let [la, de] =
                    Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)])
                        .areas(right);
                render_pane(app, loaded, Pane::Findings, fi, buf);
                render_pane(app, loaded, Pane::Flows, fl, buf);
                render_pane(app, loaded, Pane::Ladder, la, buf);
                render_pane(app, loaded, Pane::Detail, de, buf);
            }
            LoadState::Ready(loaded) => {
                let [tabs, pane] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
                tab_line(app, theme).render(tabs, buf);
                render_pane(app, loaded, app.focus, pane, buf);
            }
        }
        if app.help {
            (&help::HelpView { theme }).render(area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scroll_offset;

    #[test]
    fn scrolling_keeps_the_selection_visible() {
        assert_eq!(scroll_offset(0, 100, 10), 0);
        assert_eq!(scroll_offset(5, 100, 10), 0);
        assert_eq!(scroll_offset(50, 100, 10), 45);
        assert_eq!(scroll_offset(99, 100, 10), 90);
        assert_eq!(scroll_offset(7, 8, 10), 0);
        for sel in 0..100 {
            let off = scroll_offset(sel, 100, 10);
            assert!(off <= sel && sel < off + 10);
        }
    }
}
