//! Every colour and style of the TUI in one place. With colour off (NO_COLOR
//! or `--color never`) only modifiers (bold, reverse, dim) are used.

use ratatui::style::{Color, Modifier, Style};

use crate::ladder::Outcome;
use edgecap_analyze::Severity;

/// The styles, with or without colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colours allowed.
    pub color: bool,
}

impl Theme {
    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Plain text.
    pub fn text(self) -> Style {
        Style::new()
    }

    /// Secondary text (times, frame numbers).
    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// Titles and headers.
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// The selected row.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Border of the focused pane.
    pub fn focused_border(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Border of other panes.
    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// A ladder arrow or badge of this outcome.
    pub fn outcome(self, o: Outcome) -> Style {
        match o {
            Outcome::Neutral => Style::new(),
            Outcome::Good => self.fg(Color::Green),
            Outcome::Warn => self.fg(Color::Yellow),
            Outcome::Bad => self.fg(Color::Red).add_modifier(Modifier::BOLD),
        }
    }

    /// A severity tag.
    pub fn severity(self, s: Severity) -> Style {
        match s {
            Severity::Error => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Severity::Info => self.fg(Color::Cyan),
        }
    }

    /// Message bytes in the hex dump (underlined without colour).
    pub fn highlight(self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
        }
    }

    /// Footer key names.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
}
