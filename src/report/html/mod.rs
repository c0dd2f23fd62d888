//! The report for a ticket: one self-contained HTML file (`edgecap report`)
//! with the capture facts, the findings and their explanations, the roles,
//! the TURN allocation stories and the ladder drawn as SVG ([`svg`]).
//!
//! This module owns the page: its structure, its inline style sheet (screen
//! and print) and the bounds on how much of a busy capture it lists. The
//! page loads nothing: no script, font, image or style from anywhere, and a
//! Content-Security-Policy of `default-src 'none'` says so to the browser.
//! Every string from the capture is first made terminal-safe by
//! [`edgecap_core::safe`] (as in the text summary: `\x1b`, `\u{202e}`,
//! `\xff`) and then HTML-escaped by [`esc`], so it can neither break the
//! markup nor hide in it.

pub mod svg;

use crate::fields::frame_list;
use crate::ladder::Index;
use crate::report::{stories_in_order, story::render_story};
use edgecap_analyze::{Analysis, Diagnosis};
use edgecap_core::safe::{escape, escape_bytes};
use std::fmt::Write;

/// Most TURN allocation stories listed (the rest are counted). Not from a
/// spec: a ticket wants the few stories of the failing call.
pub const MAX_HTML_STORIES: usize = 200;
/// Steps shown per story, as the text summary's default `--max-steps`.
pub const MAX_HTML_STEPS: usize = 40;
/// Most roles listed (the rest are counted); a busy edge has thousands of
/// remote hosts, the first ones tell the story.
pub const MAX_HTML_ROLES: usize = 500;

/// `s` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in HTML
/// text and in a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; margin: 2em auto; max-width: 1200px; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 1.6em; }
table { border-collapse: collapse; }
td, th { text-align: left; padding: .15em .8em .15em 0; vertical-align: top; }
code, pre, .mono { font-family: ui-monospace, monospace; font-size: 12.5px; }
pre { background: #f6f8fa; padding: .6em; overflow-x: auto; white-space: pre-wrap; }
.finding { border-left: 4px solid #3d4451; padding: .3em .8em; margin: .8em 0; break-inside: avoid; }
.finding.error { border-color: #cf222e; } .finding.warning { border-color: #9a6700; } .finding.info { border-color: #0969da; }
.sev { font-weight: bold; text-transform: uppercase; margin-right: .5em; }
.error .sev { color: #cf222e; } .warning .sev { color: #9a6700; } .info .sev { color: #0969da; }
.frames, .note { color: #59636e; }
.ladder-box { overflow-x: auto; }
svg.ladder { font-family: ui-monospace, monospace; font-size: 12px; }
svg.ladder .lane line { stroke: #8c959f; stroke-dasharray: 4 3; }
svg.ladder .lane-title { font-weight: bold; font-family: system-ui, sans-serif; }
svg.ladder .lane-addr { font-size: 11px; fill: #555; }
svg.ladder .gutter, svg.ladder .gutter-head, svg.ladder .more { fill: #59636e; }
svg.ladder .row line, svg.ladder .row path { stroke-width: 1.6; }
svg.ladder .neutral line, svg.ladder .neutral path, svg.ladder .neutral circle { stroke: #3d4451; fill: #3d4451; }
svg.ladder .good line, svg.ladder .good path, svg.ladder .good circle { stroke: #1a7f37; fill: #1a7f37; }
svg.ladder .warn line, svg.ladder .warn path, svg.ladder .warn circle { stroke: #9a6700; fill: #9a6700; }
svg.ladder .bad line, svg.ladder .bad path, svg.ladder .bad circle { stroke: #cf222e; fill: #cf222e; }
svg.ladder .row path { fill: none; }
svg.ladder .neutral .label { fill: #3d4451; } svg.ladder .good .label { fill: #1a7f37; }
svg.ladder .warn .label { fill: #9a6700; } svg.ladder .bad .label { fill: #cf222e; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .ladder-box { overflow: visible; }
  svg.ladder { max-width: 100%; height: auto; }
  h2 { break-after: avoid; }
}
";

/// The whole page for `analysis` and `diagnosis`.
pub fn render(analysis: &Analysis, diagnosis: &Diagnosis) -> String {
    let name = escape_bytes(&analysis.capture.name).into_owned();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"edgecap {v}\">\n\
         <title>edgecap report: {n}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>edgecap report: <span class=\"mono\">{n}</span></h1>\n\
         <p class=\"note\">What went wrong at the network edge, from the packet capture. \
         Frame numbers are Wireshark's <code>frame.number</code>. Written by edgecap {v}.</p>\n",
        v = env!("CARGO_PKG_VERSION"),
        n = esc(&name),
    );
    capture_section(&mut out, analysis);
    findings_section(&mut out, diagnosis);
    roles_section(&mut out, diagnosis);
    let index = Index::build(analysis, diagnosis);
    let _ = writeln!(
        out,
        "<h2 id=\"ladder\">Ladder ({} messages between {} columns)</h2>\n\
         <p class=\"note\">One arrow per message, SYN, SYN-ACK and RST, in frame order; \
         green: success, amber: challenge or retransmission, red: failure.</p>\n\
         <div class=\"ladder-box\">",
        index.rows.len(),
        index.columns.len()
    );
    svg::ladder_svg(&mut out, &index);
    out.push_str("</div>\n");
    stories_section(&mut out, analysis);
    out.push_str("</body>\n</html>\n");
    out
}

fn capture_section(out: &mut String, analysis: &Analysis) {
    let c = &analysis.capture;
    let time = |t: Option<edgecap_capture::Timestamp>| t.map_or("-".to_string(), |t| t.to_string());
    let links: Vec<String> = c.link_types.iter().map(|l| l.to_string()).collect();
    let rows = [
        ("format", c.format.as_str().to_string()),
        ("link types", links.join(", ")),
        ("packets", c.packets.to_string()),
        ("bytes", c.bytes.to_string()),
        ("first frame", time(c.first_ts)),
        ("last frame", time(c.last_ts)),
        ("duration", format!("{:.6} s", c.duration_secs())),
    ];
    out.push_str("<h2 id=\"capture\">Capture</h2>\n<table>\n");
    for (k, v) in rows {
        let _ = writeln!(out, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    }
    out.push_str("</table>\n");
    if !c.warnings.is_empty() {
        out.push_str("<p>Damage in the file:</p>\n<ul>\n");
        for w in &c.warnings {
            let _ = writeln!(out, "<li>{}</li>", esc(&escape(&w.to_string())));
        }
        out.push_str("</ul>\n");
    }
}

fn findings_section(out: &mut String, diagnosis: &Diagnosis) {
    let _ = writeln!(
        out,
        "<h2 id=\"findings\">Findings ({})</h2>",
        diagnosis.findings.len()
    );
    if diagnosis.findings.is_empty() {
        out.push_str("<p>No finding: nothing at the edge looks wrong in this capture.</p>\n");
    }
    for f in &diagnosis.findings {
        let sev = f.severity.as_str();
        let _ = writeln!(
            out,
            "<div class=\"finding {sev}\"><p><span class=\"sev\">{sev}</span>\
             <code>{id}</code> {summary}</p>\n<p class=\"frames\">frames {frames}</p>\n\
             <p>{explanation}</p></div>",
            id = esc(f.id),
            summary = esc(&escape(&f.summary)),
            frames = esc(&frame_list(&f.frames)),
            explanation = esc(&escape(&f.explanation)),
        );
    }
}

fn roles_section(out: &mut String, diagnosis: &Diagnosis) {
    let roles = &diagnosis.roles.assignments;
    if roles.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"roles\">Roles ({})</h2>\n<table>\n\
         <tr><th>role</th><th>address</th><th>why</th></tr>",
        roles.len()
    );
    for a in roles.iter().take(MAX_HTML_ROLES) {
        let why: Vec<String> = a
            .evidence
            .iter()
            .map(|e| format!("{} (frames {})", e.rule, frame_list(&e.frames)))
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"mono\">{}</td><td>{}</td></tr>",
            esc(a.role.words()),
            esc(&a.address.to_string()),
            esc(&why.join("; "))
        );
    }
    out.push_str("</table>\n");
    if roles.len() > MAX_HTML_ROLES {
        let _ = writeln!(
            out,
            "<p class=\"note\">… {} more roles (`edgecap summary` lists them all).</p>",
            roles.len() - MAX_HTML_ROLES
        );
    }
}

fn stories_section(out: &mut String, analysis: &Analysis) {
    let stories = stories_in_order(analysis);
    if stories.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<h2 id=\"allocations\">TURN allocations ({})</h2>",
        stories.len()
    );
    for story in stories.iter().take(MAX_HTML_STORIES) {
        let mut text = String::new();
        render_story(&mut text, analysis, story, MAX_HTML_STEPS);
        let _ = writeln!(out, "<pre>{}</pre>", esc(&text));
    }
    if stories.len() > MAX_HTML_STORIES {
        let _ = writeln!(
            out,
            "<p class=\"note\">… {} more allocations (`edgecap summary` lists them all).</p>",
            stories.len() - MAX_HTML_STORIES
        );
    }
}

#[cfg(test)]
mod tests;
