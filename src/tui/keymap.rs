//! Maps key presses to [`Action`]s. Pure: no state is changed here, so every
//! binding can be tested without a terminal. The help overlay lists the same
//! keys ([`KEYS`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// Every key and what it does, for the help overlay and the README.
pub const KEYS: &[(&str, &str)] = &[
    ("↑ ↓  k j", "previous / next row (scroll in Detail)"),
    ("PgUp PgDn", "one page up / down"),
    ("g  G  Home End", "first / last row"),
    ("Tab  l →", "next pane"),
    ("Shift-Tab  h ←", "previous pane"),
    ("Enter", "drill in: finding/flow → ladder row, row → detail"),
    ("Esc", "back (or close help)"),
    ("t", "time column: absolute / relative / delta"),
    ("?", "this help"),
    ("q  Ctrl-C", "quit"),
];

/// The action for `key`, if any. Only presses (and repeats) count.
pub fn map(key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Action::Quit),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Top,
        KeyCode::End | KeyCode::Char('G') => Action::Bottom,
        KeyCode::Tab | KeyCode::Right | KeyCode::Char('l') => Action::NextPane,
        KeyCode::BackTab | KeyCode::Left | KeyCode::Char('h') => Action::PrevPane,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('t') => Action::CycleTime,
        KeyCode::Char('?') => Action::ToggleHelp,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn vim_and_arrow_keys_agree() {
        for (a, b) in [
            (KeyCode::Char('j'), KeyCode::Down),
            (KeyCode::Char('k'), KeyCode::Up),
            (KeyCode::Char('l'), KeyCode::Tab),
            (KeyCode::Char('h'), KeyCode::BackTab),
            (KeyCode::Char('g'), KeyCode::Home),
            (KeyCode::Char('G'), KeyCode::End),
        ] {
            assert_eq!(
                format!("{:?}", map(key(a))),
                format!("{:?}", map(key(b))),
                "{a:?} vs {b:?}"
            );
        }
    }

    #[test]
    fn quit_keys_and_unbound_keys() {
        assert!(matches!(map(key(KeyCode::Char('q'))), Some(Action::Quit)));
        assert!(matches!(
            map(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        ));
        assert!(map(key(KeyCode::Char('x'))).is_none());
        assert!(map(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL)).is_none());
        let mut release = key(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert!(map(release).is_none());
    }

    #[test]
    fn mode_keys() {
        assert!(matches!(
            map(key(KeyCode::Char('t'))),
            Some(Action::CycleTime)
        ));
        assert!(matches!(
            map(key(KeyCode::Char('?'))),
            Some(Action::ToggleHelp)
        ));
        assert!(matches!(map(key(KeyCode::Enter)), Some(Action::Enter)));
        assert!(matches!(map(key(KeyCode::Esc)), Some(Action::Back)));
        assert!(matches!(
            map(key(KeyCode::PageDown)),
            Some(Action::PageDown)
        ));
    }
}
