//! What `edgecap annotate` writes into the copy: a comment on every evidence
//! frame of every finding (severity, id, one-line summary), on every frame
//! that completes an MS-TURN message or a pseudo-TLS hello inside pseudo-TLS,
//! and a section comment listing the findings.
//!
//! This module owns the comment texts and their bounds. Every string from
//! the capture goes through [`edgecap_core::safe::escape`] (the STUN labels
//! come escaped from [`crate::ladder::stun_label`]), so a comment holds no
//! control, bidi or zero-width character; each is at most
//! [`MAX_COMMENT_CHARS`] characters and a frame gets at most
//! [`MAX_COMMENTS_PER_FRAME`].

use crate::fields::frame_list;
use crate::ladder::stun_label;
use edgecap_analyze::{Analysis, Diagnosis, Finding};
use edgecap_core::safe::escape;
use edgecap_core::FrameNo;
use edgecap_proto::{Framing, ProtoMsg, PseudoTlsEvent};
use std::collections::BTreeMap;

/// Longest comment, in characters. Not from the pcapng spec (an option
/// holds 65535 bytes): Wireshark shows a packet comment on one line of its
/// packet list and Expert Info, and a finding's summary is one line.
pub const MAX_COMMENT_CHARS: usize = 400;
/// Most comments on one frame; the rest are counted in a last comment. Not
/// from a spec: one frame is rarely evidence of more than a few findings.
pub const MAX_COMMENTS_PER_FRAME: usize = 8;
/// Most findings listed in the section comment (the rest are counted),
/// keeping it well under pcapng's 65535-byte option.
pub const MAX_SECTION_FINDINGS: usize = 100;

/// Every comment of the annotated copy.
#[derive(Debug, Default)]
pub struct Comments {
    /// Packet comments by original frame number.
    pub frames: BTreeMap<FrameNo, Vec<String>>,
    /// Comments not kept because their frame had [`MAX_COMMENTS_PER_FRAME`].
    overflow: BTreeMap<FrameNo, usize>,
    /// The section-header comment.
    pub section: String,
}

impl Comments {
    /// The comments of `frame`, the count of those left out closing the list.
    pub fn of(&self, frame: FrameNo) -> Vec<String> {
        let mut list = self.frames.get(&frame).cloned().unwrap_or_default();
        if let Some(n) = self.overflow.get(&frame) {
            list.push(format!(
                "edgecap: {n} more comments on this frame not shown"
            ));
        }
        list
    }

    /// Packet comments in all, those left out included.
    pub fn count(&self) -> usize {
        self.frames.values().map(Vec::len).sum::<usize>() + self.overflow.values().sum::<usize>()
    }

    fn add(&mut self, frame: FrameNo, text: String) {
        let list = self.frames.entry(frame).or_default();
        if list.len() < MAX_COMMENTS_PER_FRAME {
            list.push(bounded(&text));
        } else {
            *self.overflow.entry(frame).or_default() += 1;
        }
    }
}

/// `text` cut to [`MAX_COMMENT_CHARS`] characters, `…` marking a cut.
fn bounded(text: &str) -> String {
    if text.chars().count() <= MAX_COMMENT_CHARS {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_COMMENT_CHARS - 1).collect();
    s.push('…');
    s
}

/// The one-line form of a finding: `ERROR tcp.connection_refused: …`.
fn finding_line(f: &Finding) -> String {
    format!(
        "{} {}: {}",
        f.severity.as_str().to_uppercase(),
        f.id,
        escape(&f.summary)
    )
}

/// Builds the comments of `analysis` and its `diagnosis`; `file` is the
/// capture's name as shown to the user (already escaped).
pub fn build(analysis: &Analysis, diagnosis: &Diagnosis, file: &str) -> Comments {
    let mut c = Comments::default();
    for f in &diagnosis.findings {
        let line = format!("edgecap {}", finding_line(f));
        for &frame in &f.frames {
            c.add(frame, line.clone());
        }
    }
    for d in &analysis.proto.messages {
        let text = match &d.msg {
            ProtoMsg::Stun(r) if r.framing == Framing::PseudoTlsMsTurn => {
                let (label, _) = stun_label(r);
                let span = if d.frames.first == d.frames.last {
                    String::new()
                } else {
                    format!(", frames {}-{}", d.frames.first, d.frames.last)
                };
                format!(
                    "edgecap MS-TURN {}: {label} (in pseudo-TLS, flow {}{span})",
                    r.msg.msg_type.describe(),
                    d.flow.0
                )
            }
            ProtoMsg::PseudoTls(e) => {
                let what = match e {
                    PseudoTlsEvent::ClientHello => "ClientHello",
                    PseudoTlsEvent::ServerHello => "ServerHello + ServerHelloDone",
                };
                format!(
                    "edgecap MS-TURN pseudo-TLS {what}: fixed bytes, no encryption follows (flow {})",
                    d.flow.0
                )
            }
            _ => continue,
        };
        c.add(d.frames.last, text);
    }
    c.section = section_comment(diagnosis, file);
    c
}

fn section_comment(diagnosis: &Diagnosis, file: &str) -> String {
    let n = diagnosis.findings.len();
    let mut s = format!(
        "edgecap {} diagnosis of {file}: {n} finding{}",
        env!("CARGO_PKG_VERSION"),
        if n == 1 { "" } else { "s" }
    );
    for f in diagnosis.findings.iter().take(MAX_SECTION_FINDINGS) {
        s.push('\n');
        let line = format!("{} (frames {})", finding_line(f), frame_list(&f.frames));
        s.push_str(&bounded(&line));
    }
    if n > MAX_SECTION_FINDINGS {
        s.push_str(&format!("\n… and {} more", n - MAX_SECTION_FINDINGS));
    }
    s
}

#[cfg(test)]
mod tests;
