//! The run loop's side of [`Effect`]s: the I/O that [`super::update::update`] asks
//! for and must not do itself. Re-reads a ladder row's frames for the hex
//! dump and writes the visible ladder as text and Mermaid. Each effect
//! becomes one [`Action`] carrying its result.

use std::path::{Path, PathBuf};

use super::action::Action;
use super::app::{App, Effect, Loaded};
use super::hexdump::{self, HexLine};
use crate::ladder::{to_mermaid, to_text};
use edgecap_capture::FrameSource;
use edgecap_core::safe::escape;

/// What effects need beyond the app: where the capture is, where exports
/// go, and the open capture file for hex dumps (kept between rows, so a
/// gzip capture's decoder goes on from where it stopped when rows are read
/// in increasing order).
#[derive(Debug)]
pub struct EffectContext {
    /// The capture as given (`-` = standard input).
    pub capture: PathBuf,
    /// Directory exports are written to.
    pub export_dir: PathBuf,
    /// Opened on the first hex dump.
    source: Option<FrameSource>,
}

impl EffectContext {
    /// A context for `capture`, exporting into `export_dir`.
    pub fn new(capture: PathBuf, export_dir: PathBuf) -> EffectContext {
        EffectContext {
            capture,
            export_dir,
            source: None,
        }
    }

    fn hex(&mut self, loaded: &Loaded, row: usize) -> Result<Vec<HexLine>, String> {
        let source = match &mut self.source {
            Some(s) => s,
            None => self
                .source
                .insert(hexdump::open_source(&self.capture, loaded)?),
        };
        hexdump::lines_for_row(source, loaded, row)
    }
}

/// Runs `effect` and returns the action reporting its result.
pub fn run(effect: &Effect, app: &App, ctx: &mut EffectContext) -> Option<Action> {
    let loaded = app.loaded()?;
    match effect {
        Effect::LoadHex(row) => Some(Action::HexLoaded(*row, ctx.hex(loaded, *row))),
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
    use crate::test_util::capture;
    use edgecap_analyze::AnalyzeOptions;
    use edgecap_analyze::{diagnose, EdgeConfig};

    #[test]
    fn one_open_source_serves_every_row_like_a_fresh_one() {
        for name in ["msturn-tcp443.pcap", "link-types.pcapng.gz"] {
            let opts = AnalyzeOptions {
                keep_frame_index: true,
                ..AnalyzeOptions::default()
            };
            let a = capture(name, &opts);
            let d = diagnose(&a, &EdgeConfig::default());
            let loaded = Loaded::new(a, d);
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("captures")
                .join(name);
            let mut ctx = EffectContext::new(path.clone(), std::env::temp_dir());
            let rows = loaded.index.rows.len();
            assert!(rows > 0, "{name}");
            // Forwards, then back to the start (a gzip decoder must restart).
            for row in (0..rows).chain([0]) {
                let fresh = hexdump::for_row(&path, &loaded, row);
                assert_eq!(ctx.hex(&loaded, row), fresh, "{name} row {row}");
                assert!(fresh.is_ok(), "{name} row {row}: {fresh:?}");
            }
            assert!(ctx.source.is_some());
        }
    }

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
