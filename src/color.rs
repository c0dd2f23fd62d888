//! One colour policy for every output (the text summary and the timeline):
//! `--color always` and `never` decide; `auto` colours a terminal unless the
//! `NO_COLOR` environment variable is set to a non-empty value, as
//! no-color.org specifies (an empty `NO_COLOR` does not turn colour off).

use crate::cli::args::ColorChoice;

/// Whether to colour output that goes to a terminal (`is_terminal`) or not.
pub fn wanted(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && !no_color(std::env::var_os("NO_COLOR")),
    }
}

/// Whether a `NO_COLOR` value asks for no colour: present and not empty.
fn no_color(value: Option<std::ffi::OsString>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_counts_only_when_not_empty() {
        assert!(!no_color(None));
        assert!(!no_color(Some("".into())));
        assert!(no_color(Some("1".into())));
        assert!(no_color(Some("0".into())));
    }

    #[test]
    fn explicit_choices_win_and_auto_needs_a_terminal() {
        assert!(wanted(ColorChoice::Always, false));
        assert!(!wanted(ColorChoice::Never, true));
        assert!(!wanted(ColorChoice::Auto, false));
    }
}
