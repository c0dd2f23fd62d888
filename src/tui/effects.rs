//! The run loop's side of [`Effect`]s: the I/O that [`super::update::update`] asks
//! for and must not do itself. Re-reads a ladder row's frames for the hex
//! dump and writes the visible ladder as text and Mermaid. Each effect
//! becomes one [`Action`] carrying its result.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::action::Action;
use super::app::{App, Effect};
use super::hexdump::{self, HexLine};
use super::loaded::Loaded;
use crate::ladder::{to_mermaid, to_text};
use edgecap_capture::FrameSource;
use edgecap_core::safe::{escape, escape_path};

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
            let written = create_exports(&ctx.export_dir, &export_stem(&ctx.capture)).and_then(
                |((text, mut t), (mermaid, mut m))| {
                    t.write_all(to_text(index, rows, app.time).as_bytes())?;
                    m.write_all(to_mermaid(index, rows).as_bytes())?;
                    Ok((text, mermaid))
                },
            );
            Some(Action::Exported(match written {
                Ok((text, mermaid)) => Ok(format!(
                    "{} rows to {} and {}",
                    rows.len(),
                    escape_path(&text),
                    escape_path(&mermaid)
                )),
                Err(e) => Err(escape(&format!("export failed: {e}")).into_owned()),
            }))
        }
    }
}

/// How many numbered exports of one capture may sit side by side
/// (`NAME.ladder.txt`, `NAME.ladder-2.txt`, …) before export gives up.
pub const MAX_EXPORTS_PER_CAPTURE: u32 = 99;

/// The export's file name stem: the capture's whole file name, reduced to
/// characters safe in any file system, with leading dots made visible so
/// that no stem is hidden, `.` or `..` (`.pcap` → `_pcap`, `..pcap` →
/// `__pcap`).
pub fn export_stem(capture: &Path) -> String {
    if capture.as_os_str() == "-" {
        return "stdin".to_string();
    }
    let name = capture
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut leading = true;
    let clean: String = name
        .chars()
        .map(|c| {
            let keep = c.is_ascii_alphanumeric() || c == '-' || c == '_' || (c == '.' && !leading);
            leading &= c == '.';
            if keep {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "capture".to_string()
    } else {
        clean
    }
}

/// Creates the two export files in `dir` — `STEM.ladder.txt` and
/// `STEM.ladder.mmd`, or the first free `STEM.ladder-N.*` — each only if no
/// file, directory or symbolic link (even a dangling one) has that name
/// (`create_new`: O_CREAT|O_EXCL, which never follows a link), so an export
/// never overwrites anything nor writes through a planted link.
fn create_exports(dir: &Path, stem: &str) -> io::Result<((PathBuf, File), (PathBuf, File))> {
    let create = |path: &Path| OpenOptions::new().write(true).create_new(true).open(path);
    for n in 1..=MAX_EXPORTS_PER_CAPTURE {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let text = dir.join(format!("{stem}.ladder{suffix}.txt"));
        let mermaid = dir.join(format!("{stem}.ladder{suffix}.mmd"));
        let t = match create(&text) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        match create(&mermaid) {
            Ok(m) => return Ok(((text, t), (mermaid, m))),
            Err(e) => {
                // Only ours: it was created just now, empty.
                drop(t);
                let _ = std::fs::remove_file(&text);
                if e.kind() != io::ErrorKind::AlreadyExists {
                    return Err(e);
                }
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_EXPORTS_PER_CAPTURE} exports of this capture exist already"),
    ))
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
            "field-udp-blocked.pcap"
        );
        assert_eq!(
            export_stem(Path::new("x/link-types.pcapng.gz")),
            "link-types.pcapng.gz"
        );
        assert_eq!(export_stem(Path::new("-")), "stdin");
        assert_eq!(
            export_stem(Path::new("/tmp/a b\u{1b}[31m.pcap")),
            "a_b__31m.pcap"
        );
        assert_eq!(export_stem(Path::new(".pcap")), "_pcap");
        assert_eq!(export_stem(Path::new("..pcap")), "__pcap");
        assert_eq!(export_stem(Path::new("/")), "capture");
    }

    /// A fresh, empty directory under the system's temporary directory.
    fn empty_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("edgecap-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[cfg(unix)]
    #[test]
    fn exports_never_overwrite_nor_follow_links() {
        let dir = empty_dir("export");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        // A planted link on the first name, a dangling one on the second.
        std::os::unix::fs::symlink(&victim, dir.join("cap.pcap.ladder.txt")).unwrap();
        std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("cap.pcap.ladder-2.mmd")).unwrap();
        let ((text, mut t), (mermaid, _)) = create_exports(&dir, "cap.pcap").unwrap();
        t.write_all(b"ladder").unwrap();
        assert_eq!(text, dir.join("cap.pcap.ladder-3.txt"));
        assert_eq!(mermaid, dir.join("cap.pcap.ladder-3.mmd"));
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(
            !dir.join("nowhere").exists(),
            "a dangling link's target is not created"
        );
        assert!(
            !dir.join("cap.pcap.ladder-2.txt").exists(),
            "the half pair is removed"
        );
        // A second export goes beside the first (ladder-2 stays blocked by
        // the dangling link).
        let ((text2, _), _) = create_exports(&dir, "cap.pcap").unwrap();
        assert_eq!(text2, dir.join("cap.pcap.ladder-4.txt"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
