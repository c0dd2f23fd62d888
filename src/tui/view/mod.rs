//! Drawing: the screen layout ([`Screen`]) and one widget per pane, each
//! `impl Widget for &XView` over borrowed state. Views only read the
//! [`App`] and the loaded index; they do no I/O and no decoding.
//!
//! Layout: a title line, the panes, a footer with the main keys. From
//! 120×40 up all four panes show at once (findings and flows left, ladder
//! and detail right, the ladder taking its natural width up to 3/5 and
//! at least half of the screen, see [`super::layout::left_width`]); smaller
//! terminals show a tab bar and the focused pane.

pub mod detail;
pub mod findings;
pub mod flows;
pub mod help;
pub mod ladder;
pub mod loading;
pub mod menu;
pub mod sessions;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use super::app::{App, LoadState, Pane};
use super::layout::{areas_in, tab_spans};
use super::loaded::Loaded;
use super::theme::Theme;
use edgecap_analyze::Severity;
use edgecap_core::safe::escape;

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

/// `name` in at most `room` characters: whole, else `…/` and the file
/// name, else the file name, else its end after `…`.
fn short_name(name: &str, room: usize) -> String {
    let fits = |s: &str| s.chars().count() <= room;
    if fits(name) {
        return name.to_string();
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    let dotted = format!("…/{base}");
    if fits(&dotted) {
        return dotted;
    }
    if fits(base) {
        return base.to_string();
    }
    let n = base.chars().count();
    match room {
        0 => String::new(),
        _ => format!("…{}", base.chars().skip(n + 1 - room).collect::<String>()),
    }
}

/// The title: program, capture name and counts. The counts always show;
/// a name too long for the rest is shortened from the left ([`short_name`]).
fn title_line(app: &App, theme: Theme, width: u16) -> Line<'static> {
    let mut counts = super::live::title_spans(app, theme);
    if let Some(l) = app.loaded() {
        let c = &l.analysis.capture;
        counts.push(Span::styled(
            format!("  {} packets  {} flows ", c.packets, l.analysis.flows.len()),
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
                counts.push(Span::styled(
                    format!(" {n} {}", s.as_str()),
                    theme.severity(s),
                ));
            }
        }
    }
    let head = " edgecap ";
    let used: usize = head.len()
        + counts
            .iter()
            .map(|s| s.content.chars().count())
            .sum::<usize>();
    let room = usize::from(width).saturating_sub(used);
    let name = short_name(&escape(&app.name), room);
    let mut spans = vec![Span::styled(head, theme.header()), Span::raw(name)];
    spans.extend(counts);
    Line::from(spans)
}

fn footer_line(app: &App, theme: Theme) -> Line<'static> {
    if app.search.editing {
        let counter = app
            .search
            .counter(app.ladder.selected)
            .map_or(String::new(), |c| format!("  {c}"));
        return Line::from(vec![
            Span::styled("/", theme.key()),
            Span::raw(escape(&app.search.query).into_owned()),
            Span::styled("▏", theme.key()),
            Span::styled(counter, theme.key()),
            Span::styled(
                format!(
                    "  {}",
                    app.status.as_deref().unwrap_or("Enter keep · Esc drop")
                ),
                theme.dim(),
            ),
        ]);
    }
    if let Some(line) = &app.goto {
        return Line::from(vec![
            Span::styled("go to frame: ", theme.key()),
            Span::raw(line.clone()),
            Span::styled("▏", theme.key()),
            Span::styled("  Enter go · gg first row · Esc cancel", theme.dim()),
        ]);
    }
    if let Some(status) = &app.status {
        return Line::from(vec![
            Span::raw(" "),
            Span::styled(escape(status).into_owned(), theme.key()),
            Span::styled("  (Esc)", theme.dim()),
        ]);
    }
    let keys: &[(&str, &str)] = if app.sessions.open {
        &[
            ("q", "quit"),
            ("?", "help"),
            ("↑↓", "select"),
            ("Enter", "its ladder"),
            ("o r", "sort"),
            ("Esc", "back"),
        ]
    } else {
        &[
            ("q", "quit"),
            ("?", "help"),
            ("Tab", "pane"),
            ("Enter", "open"),
            ("s", "sessions"),
            ("/", "search"),
            ("f", "filter"),
            ("e", "export"),
            ("t", "time"),
        ]
    };
    let mut spans = vec![Span::raw(" ")];
    for (k, what) in keys {
        spans.push(Span::styled(*k, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    spans.push(Span::styled(app.time.title().to_string(), theme.dim()));
    Line::from(spans)
}

fn tab_line(app: &App, area: Rect, buf: &mut Buffer, theme: Theme) {
    for (p, x, _) in tab_spans(area.x) {
        let style = if p == app.focus {
            theme.selected()
        } else {
            theme.dim()
        };
        if x < area.right() {
            buf.set_stringn(
                x,
                area.y,
                format!(" {} ", p.title()),
                usize::from(area.right() - x),
                style,
            );
        }
    }
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
            order: &app.flow_order,
            state: app.flows,
            focused,
            theme,
        })
            .render(area, buf),
        Pane::Ladder => (&ladder::LadderView {
            loaded,
            state: &app.ladder,
            search: app.search.search(),
            counter: app.search.counter(app.ladder.selected),
            time: app.time,
            focused,
            theme,
        })
            .render(area, buf),
        Pane::Detail => (&detail::DetailView {
            loaded,
            row: app.ladder.row(),
            hex: &app.hex,
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
        let a = areas_in(app, area);
        title_line(app, theme, a.title.width).render(a.title, buf);
        footer_line(app, theme).render(a.footer, buf);
        match &app.load {
            LoadState::Loading {
                progress,
                total_bytes,
            } => (&loading::LoadingView {
                progress: *progress,
                total_bytes: *total_bytes,
                theme,
            })
                .render(a.body, buf),
            LoadState::Failed(msg) => loading::failed(msg, a.body, buf),
            LoadState::Ready(loaded) => {
                if app.sessions.open {
                    (&sessions::SessionsView {
                        loaded,
                        state: app.sessions,
                        order: &app.session_order,
                        theme,
                    })
                        .render(a.body, buf);
                }
                if let Some(tabs) = a.tabs {
                    tab_line(app, tabs, buf, theme);
                }
                for (pane, rect) in a.panes {
                    render_pane(app, loaded, pane, rect, buf);
                }
                if let Some(m) = &app.menu {
                    (&menu::MenuView {
                        menu: m,
                        index: &loaded.index,
                        theme,
                    })
                        .render(area, buf);
                }
            }
        }
        if app.help {
            (&help::HelpView { theme }).render(area, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{scroll_offset, short_name};

    #[test]
    fn long_names_keep_their_end() {
        assert_eq!(short_name("/a/b/x.pcap", 20), "/a/b/x.pcap");
        assert_eq!(short_name("/a/bbbb/x.pcap", 10), "…/x.pcap");
        assert_eq!(short_name("/a/bbbb/x.pcap", 6), "x.pcap");
        assert_eq!(short_name("/a/bbbb/x.pcap", 4), "…cap");
        assert_eq!(short_name("/a/bbbb/x.pcap", 0), "");
        assert_eq!(short_name("ééé/ü.pcap", 8), "…/ü.pcap");
    }

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
