use super::*;
use crate::test_util::{diagnosed, hostile};
use edgecap_analyze::{diagnose, EdgeConfig};
use edgecap_core::safe::is_unsafe_char;

/// Whether the page refers to anything outside itself.
fn external_refs(page: &str) -> Vec<&str> {
    let lower = page;
    [
        "<script", "src=", "href=", "@import", "<link", "<img", "<iframe", "url(h", "url(/",
        "url(\"", "url('",
    ]
    .into_iter()
    .filter(|p| lower.to_ascii_lowercase().contains(p))
    .collect()
}

#[test]
fn escapes_markup_characters() {
    assert_eq!(
        esc("<a href=\"x\">&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(esc("plain é ✓"), "plain é ✓");
}

#[test]
fn the_page_is_self_contained_with_every_section() {
    let (a, d) = diagnosed("field-desktop-sharing-refused.pcap");
    let page = render(&a, &d);
    assert!(
        external_refs(&page).is_empty(),
        "{:?}",
        external_refs(&page)
    );
    assert!(page.contains("default-src 'none'"));
    for id in ["capture", "findings", "roles", "ladder", "allocations"] {
        assert!(page.contains(&format!("<h2 id=\"{id}\">")), "{id}");
    }
    for f in &d.findings {
        assert!(page.contains(&format!("<code>{}</code>", f.id)), "{}", f.id);
    }
    let index = Index::build(&a, &d);
    assert_eq!(
        page.matches("<g class=\"lane\"").count(),
        index.columns.len()
    );
    assert_eq!(page.matches("<g class=\"row ").count(), index.rows.len());
    // The refused SYN/RST rows are red, the Allocate success green.
    assert_eq!(page.matches("<g class=\"row bad\"").count(), 3);
    assert!(page.contains("Allocate ✓ relay 2.2.2.2:58138"));
    assert!(page.contains("@media print"));
}

#[test]
fn hostile_text_is_escaped_for_html_and_terminal() {
    let a = hostile();
    let d = diagnose(&a, &EdgeConfig::default());
    let page = render(&a, &d);
    let bad: Vec<char> = page
        .chars()
        .filter(|&c| c != '\n' && is_unsafe_char(c))
        .collect();
    assert!(bad.is_empty(), "raw unsafe characters {bad:?}");
    assert!(page.contains("\\x1b[2J"), "escaped ESC shown");
    assert!(page.contains("\\xff"), "invalid UTF-8 shown as bytes");
    // Markup outside edgecap's own: no tag from the capture.
    assert!(
        external_refs(&page).is_empty(),
        "{:?}",
        external_refs(&page)
    );
}

#[test]
fn capture_text_cannot_open_a_tag() {
    let (a, mut d) = diagnosed("tcp-outcomes.pcap");
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";
    d.findings[0].summary = evil.to_string();
    d.findings[0].explanation = evil.to_string();
    let page = render(&a, &d);
    assert!(!page.contains("<script"));
    assert!(!page.contains("<img"));
    assert!(page.contains(
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"
    ));
}

#[test]
fn the_ladder_drawing_is_bounded() {
    let (a, d) = diagnosed("tcp-outcomes.pcap");
    let mut index = Index::build(&a, &d);
    let row = index.rows[0].clone();
    index.rows = vec![row; svg::MAX_SVG_ROWS + 5];
    let mut out = String::new();
    svg::ladder_svg(&mut out, &index);
    assert_eq!(out.matches("<g class=\"row ").count(), svg::MAX_SVG_ROWS);
    assert!(out.contains("… 5 more rows not drawn"));
}
