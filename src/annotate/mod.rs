//! `edgecap annotate FILE -o OUT.pcapng`: the capture copied packet for
//! packet into a new pcapng file that carries edgecap's diagnosis as
//! comments Wireshark shows (`frame.comment`, Expert Info → Comments).
//!
//! This module owns the command: it creates the output first (never over an
//! existing file or through a link: [`crate::output`]), analyses
//! the capture, then reads it a second time from the file with the capture
//! reader — no packet is kept in memory — and writes each frame with its
//! interface (one Interface Description Block per original interface, per
//! section), timestamp units, captured bytes and original length, plus the
//! comments of [`comments`]. A capture that changes between the two reads,
//! or standard input (which cannot be read twice), is refused.

pub mod comments;

use crate::cli::args::AnnotateArgs;
use crate::exit;
use comments::Comments;
use edgecap_analyze::{diagnose, AnalyzeOptions};
use edgecap_capture::pcapng_writer::PcapNgWriter;
use edgecap_capture::{open_capture_with, InterfaceInfo};
use edgecap_core::safe::escape_path;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::Path;
use std::process::ExitCode;

/// What the copy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Packets copied.
    pub packets: u64,
    /// Packet comments written.
    pub comments: usize,
    /// Frames that got at least one comment.
    pub frames_commented: usize,
}

/// Runs `edgecap annotate`.
pub fn run(args: &AnnotateArgs) -> ExitCode {
    let out_name = escape_path(&args.output);
    if args.file.as_os_str() == "-" {
        eprintln!(
            "edgecap: annotate reads the capture twice and cannot take standard input; \
             save it to a file first"
        );
        return ExitCode::from(exit::ERROR);
    }
    let file = match crate::output::create_new(&args.output) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("edgecap: {e}");
            return ExitCode::from(exit::ERROR);
        }
    };
    match annotate(&args.file, file, &args.edge.analyze_options(), &args.edge) {
        Ok(w) => {
            eprintln!(
                "edgecap: wrote {out_name}: {} packets, {} comments on {} frames",
                w.packets, w.comments, w.frames_commented
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            // The file is ours: created empty above, never anyone else's.
            let _ = fs::remove_file(&args.output);
            eprintln!("edgecap: {e}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Analyses `path` and writes its annotated copy to `out`.
fn annotate(
    path: &Path,
    out: File,
    opts: &AnalyzeOptions,
    edge: &crate::cli::args::EdgeArgs,
) -> Result<Written, String> {
    let analysis = crate::cli::load(path, opts).map_err(|e| e.to_string())?;
    let diagnosis = diagnose(&analysis, &edge.edge_config());
    let comments = comments::build(&analysis, &diagnosis, &escape_path(path));
    let written = copy(path, opts, &comments, BufWriter::new(out))?;
    if written.packets != analysis.capture.packets {
        return Err(format!(
            "{}: the capture file changed since it was loaded ({} packets, then {})",
            escape_path(path),
            analysis.capture.packets,
            written.packets
        ));
    }
    Ok(written)
}

/// Re-reads `path` frame by frame and writes each with its comments.
fn copy(
    path: &Path,
    opts: &AnalyzeOptions,
    comments: &Comments,
    out: BufWriter<File>,
) -> Result<Written, String> {
    let name = escape_path(path);
    let mut reader = open_capture_with(path, opts.inflate).map_err(|e| e.to_string())?;
    let mut w = PcapNgWriter::new(out);
    let werr = |e: io::Error| format!("cannot write the annotated capture: {e}");
    let appl = format!("edgecap {}", env!("CARGO_PKG_VERSION"));
    let mut section = None;
    let mut interfaces: Vec<InterfaceInfo> = Vec::new();
    let mut data = Vec::new();
    let mut written = Written {
        packets: 0,
        comments: 0,
        frames_commented: 0,
    };
    while let Some(frame) = reader.next_frame() {
        let (no, ts, orig_len) = (frame.no, frame.ts, frame.orig_len);
        data.clear();
        data.extend_from_slice(frame.data);
        let place = reader.frame_place();
        if section != Some(place.section) {
            let comment = section.is_none().then_some(comments.section.as_str());
            w.section(comment, &appl).map_err(werr)?;
            section = Some(place.section);
            interfaces.clear();
        }
        if place.interface as usize >= interfaces.len() {
            interfaces = reader.interfaces();
        }
        while (w.interfaces() as usize) < interfaces.len() {
            w.interface(&interfaces[w.interfaces() as usize])
                .map_err(werr)?;
        }
        let Some(iface) = interfaces.get(place.interface as usize) else {
            return Err(format!(
                "{name}: frame {no} is on interface {} that its section does not declare",
                place.interface
            ));
        };
        let notes = comments.of(no);
        written.comments += notes.len();
        written.frames_commented += usize::from(!notes.is_empty());
        w.packet(place.interface, iface, ts, &data, orig_len, &notes)
            .map_err(werr)?;
        written.packets += 1;
    }
    if section.is_none() {
        // No packet at all: still a valid pcapng file with the diagnosis.
        w.section(Some(&comments.section), &appl).map_err(werr)?;
        for iface in reader.interfaces() {
            w.interface(&iface).map_err(werr)?;
        }
    }
    w.finish().map_err(werr)?;
    Ok(written)
}

#[cfg(test)]
mod tests;
