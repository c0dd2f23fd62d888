//! The ladder as an inline SVG drawing: one vertical lane per column of the
//! [`Index`] (roles first), one horizontal arrow per row from the sender's
//! lane to the receiver's, labelled and coloured by outcome, with the frame
//! and relative time in a left gutter.
//!
//! This module owns the drawing's geometry and its bound: at most
//! [`MAX_SVG_ROWS`] rows are drawn, the rest are counted in a last line.
//! Labels arrive terminal-safe from the ladder index and are HTML-escaped
//! here; the drawing references nothing outside itself (its arrowheads are
//! markers defined inside it).

use super::esc;
use crate::ladder::time::format_time;
use crate::ladder::{Index, Outcome, TimeFormat};
use std::fmt::Write;

/// Most rows drawn. Not from a spec: a browser lays out and prints a few
/// thousand SVG rows quickly; `edgecap ladder` lists every row.
pub const MAX_SVG_ROWS: usize = 2000;
/// Longest arrow label drawn, in characters (the full label is the row's
/// tooltip).
const MAX_LABEL_CHARS: usize = 64;
const GUTTER: usize = 170;
const LANE_W: usize = 190;
const HEAD_H: usize = 60;
const ROW_H: usize = 24;
const MARGIN: usize = 16;

/// The CSS class and colour of each outcome.
pub const OUTCOMES: [(Outcome, &str, &str); 4] = [
    (Outcome::Neutral, "neutral", "#3d4451"),
    (Outcome::Good, "good", "#1a7f37"),
    (Outcome::Warn, "warn", "#9a6700"),
    (Outcome::Bad, "bad", "#cf222e"),
];

fn class(o: Outcome) -> &'static str {
    OUTCOMES
        .iter()
        .find(|(x, _, _)| *x == o)
        .map_or("neutral", |(_, c, _)| c)
}

fn lane_x(i: usize) -> usize {
    GUTTER + i * LANE_W + LANE_W / 2
}

fn cut(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        return label.to_string();
    }
    let mut s: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

/// Appends the SVG of `index` to `out`.
pub fn ladder_svg(out: &mut String, index: &Index) {
    let lanes = index.columns.len().max(1);
    let shown = index.rows.len().min(MAX_SVG_ROWS);
    let more = index.rows.len() - shown;
    let width = GUTTER + lanes * LANE_W + MARGIN;
    let height = HEAD_H + (shown + usize::from(more > 0)) * ROW_H + MARGIN;
    let _ = write!(
        out,
        "<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"ladder of {shown} messages between {} hosts\">\n<defs>",
        index.columns.len()
    );
    for (_, name, colour) in OUTCOMES {
        let _ = write!(
            out,
            "<marker id=\"head-{name}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" \
             markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">\
             <path d=\"M0,0 L10,5 L0,10 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    let bottom = height - MARGIN;
    let _ = writeln!(
        out,
        "<text class=\"gutter-head\" x=\"{MARGIN}\" y=\"28\">time (s)  frame</text>"
    );
    for (i, title) in index.columns.iter().enumerate() {
        let x = lane_x(i);
        let _ = writeln!(
            out,
            "<g class=\"lane\" data-title=\"{t}\" data-hosts=\"{a}\"><text class=\"lane-title\" x=\"{x}\" y=\"28\" \
             text-anchor=\"middle\">{t}</text><text class=\"lane-addr\" x=\"{x}\" y=\"44\" \
             text-anchor=\"middle\">{a}</text><line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" \
             y2=\"{bottom}\"/></g>",
            t = esc(title),
            a = esc(&index.hosts.get(i).map(|h| h.short()).unwrap_or_default()),
            y1 = HEAD_H - 10,
        );
    }
    let mut prev = None;
    for (k, row) in index.rows.iter().take(shown).enumerate() {
        let y = HEAD_H + k * ROW_H + ROW_H / 2 + 4;
        let name = class(row.outcome);
        let time = format_time(index, row.ts, prev, TimeFormat::Relative);
        prev = row.ts.or(prev);
        let (x1, x2) = (lane_x(row.from), lane_x(row.to));
        let _ = write!(
            out,
            "<g class=\"row {name}\" data-frame=\"{f}\" data-from=\"{a}\" data-to=\"{b}\">\
             <title>frame {f}: {full}</title>\
             <text class=\"gutter\" x=\"{MARGIN}\" y=\"{y}\">{time}  {f}</text>",
            f = row.frame,
            a = row.from,
            b = row.to,
            full = esc(&row.label),
        );
        let (label_x, anchor) = if x1 == x2 {
            // A message within one column (both hosts share a role): a loop.
            let _ = write!(
                out,
                "<path d=\"M{x1},{a} h24 v10 h-24\" fill=\"none\" marker-end=\"url(#head-{name})\"/>",
                a = y - 8
            );
            (x1 + 30, "start")
        } else {
            let _ = write!(
                out,
                "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" marker-end=\"url(#head-{name})\"/>\
                 <circle cx=\"{x1}\" cy=\"{y}\" r=\"3\"/>"
            );
            ((x1 + x2) / 2, "middle")
        };
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"{label_x}\" y=\"{ly}\" text-anchor=\"{anchor}\">{l}</text></g>",
            ly = y - 5,
            l = esc(&cut(&row.label)),
        );
    }
    if more > 0 {
        let y = HEAD_H + shown * ROW_H + ROW_H / 2 + 4;
        let _ = writeln!(
            out,
            "<text class=\"more\" x=\"{MARGIN}\" y=\"{y}\">… {more} more rows not drawn \
             (`edgecap ladder` lists them all)</text>"
        );
    }
    out.push_str("</svg>\n");
}
