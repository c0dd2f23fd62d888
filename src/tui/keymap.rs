//! Maps key presses and mouse events to [`Action`]s. Pure: no state is
//! changed here, so every binding can be tested without a terminal. The
//! search line, the go-to-frame line and the filter menu take the keyboard
//! while open ([`InputMode`]). The help overlay lists the same keys ([`KEYS`]).

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::action::Action;
use super::app::InputMode;

/// Every key and what it does, for the help overlay and the README.
pub const KEYS: &[(&str, &str)] = &[
    ("↑ ↓  k j", "previous / next row (scroll in Detail)"),
    ("PgUp PgDn", "one page up / down"),
    ("Home End  G", "first / last row"),
    (": or g", "go to frame: its number, Enter (gg: first row)"),
    ("Tab  Shift-Tab", "next / previous pane"),
    (
        "→ ← l h",
        "Ladder: scroll the lanes; elsewhere: change pane",
    ),
    ("Enter", "finding/flow → ladder row → detail + hex dump"),
    ("Esc", "back; closes help, menu and search"),
    ("/", "search the ladder: label, frame, role"),
    ("n  N", "next / previous match (counter 3/17)"),
    ("]  [", "next / previous evidence frame of the finding"),
    ("f", "filter: problems, flow, role pair, protocol, all"),
    ("F", "follow the selected row's flow (again: all rows)"),
    ("s", "sessions: allocations and calls; Enter: its ladder"),
    ("o  r", "Flows, sessions: sort by the next column / reverse"),
    ("t", "time column: absolute / relative / delta"),
    ("e", "export the ladder as text and Mermaid files"),
    ("mouse", "click selects a pane or row; the wheel scrolls"),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
];

/// The action for `key` in `mode`, if any. Only presses (and repeats) count.
pub fn map(key: KeyEvent, mode: InputMode) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Action::Quit),
            _ => None,
        };
    }
    match mode {
        InputMode::Normal => map_normal(key.code),
        InputMode::Search => Some(match key.code {
            KeyCode::Enter => Action::SearchDone,
            KeyCode::Esc => Action::SearchCancel,
            KeyCode::Backspace => Action::SearchBackspace,
            KeyCode::Char(c) => Action::SearchChar(c),
            _ => return None,
        }),
        InputMode::Goto => Some(match key.code {
            KeyCode::Enter => Action::GotoDone,
            KeyCode::Esc => Action::GotoCancel,
            KeyCode::Backspace => Action::GotoBackspace,
            KeyCode::Char(c) => Action::GotoChar(c),
            _ => return None,
        }),
        InputMode::Menu => Some(match key.code {
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Home | KeyCode::Char('g') => Action::Top,
            KeyCode::End | KeyCode::Char('G') => Action::Bottom,
            KeyCode::Enter => Action::Enter,
            KeyCode::Esc | KeyCode::Char('f') => Action::Back,
            KeyCode::Char('q') => Action::Quit,
            _ => return None,
        }),
    }
}

/// The action for a mouse event: left clicks and the wheel.
pub fn map_mouse(m: MouseEvent) -> Option<Action> {
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
        MouseEventKind::ScrollDown => Some(Action::Wheel(m.column, m.row, true)),
        MouseEventKind::ScrollUp => Some(Action::Wheel(m.column, m.row, false)),
        _ => None,
    }
}

fn map_normal(code: KeyCode) -> Option<Action> {
    Some(match code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::Char(':' | 'g') => Action::GotoStart,
        KeyCode::Char(']') => Action::NextEvidence,
        KeyCode::Char('[') => Action::PrevEvidence,
        KeyCode::Tab => Action::NextPane,
        KeyCode::BackTab => Action::PrevPane,
        KeyCode::Right | KeyCode::Char('l') => Action::Right,
        KeyCode::Left | KeyCode::Char('h') => Action::Left,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('t') => Action::CycleTime,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('/') => Action::SearchStart,
        KeyCode::Char('n') => Action::NextMatch,
        KeyCode::Char('N') => Action::PrevMatch,
        KeyCode::Char('f') => Action::FilterMenu,
        KeyCode::Char('F') => Action::FollowFlow,
        KeyCode::Char('e') => Action::Export,
        KeyCode::Char('s') => Action::Sessions,
        KeyCode::Char('o') => Action::SortNext,
        KeyCode::Char('r') => Action::SortReverse,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn normal(code: KeyCode) -> Option<Action> {
        map(key(code), InputMode::Normal)
    }

    #[test]
    fn vim_and_arrow_keys_agree() {
        for (a, b) in [
            (KeyCode::Char('j'), KeyCode::Down),
            (KeyCode::Char('k'), KeyCode::Up),
            (KeyCode::Char('l'), KeyCode::Right),
            (KeyCode::Char('h'), KeyCode::Left),
            (KeyCode::Char('G'), KeyCode::End),
            (KeyCode::Char('g'), KeyCode::Char(':')),
        ] {
            assert_eq!(
                format!("{:?}", normal(a)),
                format!("{:?}", normal(b)),
                "{a:?} vs {b:?}"
            );
        }
    }

    #[test]
    fn quit_keys_and_unbound_keys() {
        assert!(matches!(normal(KeyCode::Char('q')), Some(Action::Quit)));
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        for mode in [
            InputMode::Normal,
            InputMode::Search,
            InputMode::Goto,
            InputMode::Menu,
        ] {
            assert!(matches!(map(ctrl('c'), mode), Some(Action::Quit)));
            assert!(map(ctrl('j'), mode).is_none());
        }
        assert!(normal(KeyCode::Char('x')).is_none());
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert!(map(release, InputMode::Normal).is_none());
    }

    #[test]
    fn mode_keys() {
        for (code, want) in [
            (KeyCode::Char('t'), "CycleTime"),
            (KeyCode::Char('?'), "ToggleHelp"),
            (KeyCode::Enter, "Enter"),
            (KeyCode::Esc, "Back"),
            (KeyCode::PageDown, "PageDown"),
            (KeyCode::Tab, "NextPane"),
            (KeyCode::BackTab, "PrevPane"),
            (KeyCode::Char('/'), "SearchStart"),
            (KeyCode::Char('n'), "NextMatch"),
            (KeyCode::Char('N'), "PrevMatch"),
            (KeyCode::Char('f'), "FilterMenu"),
            (KeyCode::Char('e'), "Export"),
            (KeyCode::Char(':'), "GotoStart"),
            (KeyCode::Char('F'), "FollowFlow"),
            (KeyCode::Char(']'), "NextEvidence"),
            (KeyCode::Char('['), "PrevEvidence"),
            (KeyCode::Home, "Top"),
            (KeyCode::Char('s'), "Sessions"),
            (KeyCode::Char('o'), "SortNext"),
            (KeyCode::Char('r'), "SortReverse"),
        ] {
            assert_eq!(format!("{:?}", normal(code)), format!("Some({want})"));
        }
    }

    #[test]
    fn the_search_line_takes_every_character() {
        for c in ['q', 'j', '/', 'n', 'f', '?', ' ', 'é'] {
            assert!(matches!(
                map(key(KeyCode::Char(c)), InputMode::Search),
                Some(Action::SearchChar(x)) if x == c
            ));
        }
        let search = |code| format!("{:?}", map(key(code), InputMode::Search));
        assert_eq!(search(KeyCode::Enter), "Some(SearchDone)");
        assert_eq!(search(KeyCode::Esc), "Some(SearchCancel)");
        assert_eq!(search(KeyCode::Backspace), "Some(SearchBackspace)");
        let goto = |code| format!("{:?}", map(key(code), InputMode::Goto));
        assert_eq!(goto(KeyCode::Char('7')), "Some(GotoChar('7'))");
        assert_eq!(goto(KeyCode::Char('g')), "Some(GotoChar('g'))");
        assert_eq!(goto(KeyCode::Enter), "Some(GotoDone)");
        assert_eq!(goto(KeyCode::Esc), "Some(GotoCancel)");
        assert_eq!(goto(KeyCode::Backspace), "Some(GotoBackspace)");
        assert_eq!(goto(KeyCode::Tab), "None");
        let menu = |code| format!("{:?}", map(key(code), InputMode::Menu));
        assert_eq!(menu(KeyCode::Char('j')), "Some(Down)");
        assert_eq!(menu(KeyCode::Enter), "Some(Enter)");
        assert_eq!(menu(KeyCode::Char('f')), "Some(Back)");
        assert_eq!(menu(KeyCode::Char('x')), "None");
    }

    #[test]
    fn clicks_and_the_wheel() {
        let ev = |kind| MouseEvent {
            kind,
            column: 7,
            row: 3,
            modifiers: KeyModifiers::NONE,
        };
        let m = |kind| format!("{:?}", map_mouse(ev(kind)));
        assert_eq!(
            m(MouseEventKind::Down(MouseButton::Left)),
            "Some(Click(7, 3))"
        );
        assert_eq!(m(MouseEventKind::ScrollDown), "Some(Wheel(7, 3, true))");
        assert_eq!(m(MouseEventKind::ScrollUp), "Some(Wheel(7, 3, false))");
        assert_eq!(m(MouseEventKind::Moved), "None");
        assert_eq!(m(MouseEventKind::Down(MouseButton::Right)), "None");
    }
}
