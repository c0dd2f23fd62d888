//! The run loop's side of [`Effect`]s: the I/O that [`super::update`] asks
//! for and must not do itself. Re-reads a ladder row's frames for the hex
//! dump and writes the visible ladder as text and Mermaid. Each effect
//! becomes one [`Action`] carrying its result.

use std::path::{Path, PathBuf};

use super::action::Action;
use super::app::{App, Effect};
use super::hexdump;
use crate::ladder::{to_mermaid, to_text};
use crate::safe::escape;

/// What effects need beyond the app: where the capture is, and where
/// exports go.
#[derive(Debug)]
pub struct EffectContext {
    /// The capture as given (`-` = standard input).
    pub capture: PathBuf,
    /// Directory exports are written to.
    pub export_dir: PathBuf,
}

/// Runs `effect` and returns the action reporting its result.
pub fn run(effect: &Effect, app: &App, ctx: &EffectContext) -> Option<Action> {
    let loaded = app.loaded()?;
    match effect {
        Effect::LoadHex(row) => {
            let result = hexdump::for_row(&ctx.capture, loaded, *row);
            Some(Action::HexLoaded(*row, result))
        }
        Effect::Export => {
            let index = &loaded.index;
            let rows = &app.ladder.visible;
            let base = ctx.export_dir.join(export_stem(&ctx.capture));
            let text = base.with_extension("ladder.txt");
            let mermaid = base.with_extension("ladder.mmd");
            let written = std::fs::write(&text, to_text(index, rows, app.time))
                .and_then(|()| std::fs::write(&mermaid, to_mermaid(index, rows)));
            Some(Action::Exported(match written {
                Ok(()) => Ok(format!(
                    "{} rows to {} and {}",
                    rows.len(),
                    escape(&text.display().to_string()),
                    escape(&mermaid.display().to_string())
                )),
                Err(e) => Err(escape(&format!("export failed: {e}")).into_owned()),
            }))
        }
    }
}

/// The export's file name stem: the capture's name without its extensions,
/// reduced to characters safe in any file system.
pub fn export_stem(capture: &Path) -> String {
    let name = capture
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() || capture.as_os_str() == "-" {
        "stdin".to_string()
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_names_are_plain() {
        assert_eq!(
            export_stem(Path::new("captures/field-udp-blocked.pcap")),
            "field-udp-blocked"
        );
        assert_eq!(
            export_stem(Path::new("x/link-types.pcapng.gz")),
            "link-types"
        );
        assert_eq!(export_stem(Path::new("-")), "stdin");
        assert_eq!(
            export_stem(Path::new("/tmp/a b\u{1b}[31m.pcap")),
            "a_b__31m"
        );
        assert_eq!(export_stem(Path::new(".pcap")), "stdin");
    }
}
