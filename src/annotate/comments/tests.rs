use super::*;
use crate::test_util::{diagnosed, hostile};
use edgecap_analyze::{diagnose, EdgeConfig, Severity};
use edgecap_core::safe::is_unsafe_char;

fn all_texts(c: &Comments) -> Vec<String> {
    let mut v: Vec<String> = c.frames.keys().flat_map(|f| c.of(*f)).collect();
    v.push(c.section.clone());
    v
}

#[test]
fn evidence_frames_and_pseudo_tls_messages_get_comments() {
    let (a, d) = diagnosed("field-desktop-sharing-refused.pcap");
    let c = build(&a, &d, "x.pcap");
    assert!(!d.findings.is_empty());
    for f in &d.findings {
        let prefix = format!("edgecap {} {}: ", f.severity.as_str().to_uppercase(), f.id);
        for frame in &f.frames {
            assert!(
                c.of(*frame).iter().any(|t| t.starts_with(&prefix)),
                "frame {frame} lacks {prefix}: {:?}",
                c.of(*frame)
            );
        }
        assert!(c.section.contains(&prefix[8..]), "{}", c.section);
    }
    // Every MS-TURN message inside pseudo-TLS, on the frame that completes it.
    let ms: Vec<FrameNo> = a
        .proto
        .stun_records()
        .filter(|r| r.framing == Framing::PseudoTlsMsTurn)
        .map(|r| r.frames.last)
        .collect();
    assert_eq!(ms.len(), 6);
    for f in ms {
        assert!(
            c.of(f).iter().any(|t| t.starts_with("edgecap MS-TURN ")),
            "frame {f}"
        );
    }
    let has = |f: u64, text: &str| c.of(FrameNo(f)).iter().any(|t| t.contains(text));
    assert!(has(4, "pseudo-TLS ClientHello"));
    assert!(has(5, "pseudo-TLS ServerHello"));
    assert!(c
        .of(FrameNo(9))
        .iter()
        .any(|t| t.contains("relay 2.2.2.2:58138")));
    assert!(c.of(FrameNo(1)).is_empty());
    assert!(c.section.starts_with("edgecap ") && c.section.contains("x.pcap"));
}

#[test]
fn hostile_text_is_escaped_in_every_comment() {
    let mut a = hostile();
    for d in &mut a.proto.messages {
        if let ProtoMsg::Stun(r) = &mut d.msg {
            r.framing = Framing::PseudoTlsMsTurn;
        }
    }
    let mut d = diagnose(&a, &EdgeConfig::default());
    d.findings.push(Finding {
        id: "test.hostile",
        severity: Severity::Warning,
        summary: "evil \u{1b}[31m\u{202e}\u{200b}\u{feff}\u{9b}2J end".to_string(),
        explanation: String::new(),
        frames: vec![FrameNo(1)],
        flows: vec![],
        details: vec![],
    });
    let c = build(&a, &d, "f");
    let texts = all_texts(&c);
    for t in &texts {
        let bad: Vec<char> = t
            .chars()
            .filter(|&ch| ch != '\n' && is_unsafe_char(ch))
            .collect();
        assert!(bad.is_empty(), "{t:?} holds {bad:?}");
    }
    let joined = texts.join(" ");
    assert!(joined.contains("\\x1b[31m"), "{joined}");
    assert!(
        joined.contains("\\u{202e}") && joined.contains("\\u{200b}"),
        "{joined}"
    );
    assert!(
        joined.contains("\\xff"),
        "invalid UTF-8 from the capture: {joined}"
    );
}

#[test]
fn comments_are_bounded_in_length_and_number() {
    let (a, mut d) = diagnosed("tcp-outcomes.pcap");
    d.findings.clear();
    for i in 0..MAX_COMMENTS_PER_FRAME + 3 {
        d.findings.push(Finding {
            id: "test.long",
            severity: Severity::Info,
            summary: format!("{i} {}", "é".repeat(5000)),
            explanation: String::new(),
            frames: vec![FrameNo(2)],
            flows: vec![],
            details: vec![],
        });
    }
    let c = build(&a, &d, "f");
    let list = c.of(FrameNo(2));
    assert_eq!(list.len(), MAX_COMMENTS_PER_FRAME + 1);
    assert_eq!(
        list.last().map(String::as_str),
        Some("edgecap: 3 more comments on this frame not shown")
    );
    for t in &list {
        assert!(t.chars().count() <= MAX_COMMENT_CHARS, "{}", t.len());
    }
    assert!(list[0].ends_with('…'));
    assert_eq!(c.count(), MAX_COMMENTS_PER_FRAME + 3);
    assert!(c.section.len() < usize::from(u16::MAX));
}
