//! Sentences are cut where a sentence ends, not inside addresses or
//! abbreviations, and a sentence is left out only under the same id.

use super::{sentences, Explained, AS_ABOVE};

#[test]
fn sentences_end_at_a_full_stop_before_a_capital() {
    assert_eq!(
        sentences("Relayed 10.3.0.40. The NAT, e.g. a router. Check it.  "),
        ["Relayed 10.3.0.40.", "The NAT, e.g. a router.", "Check it."]
    );
    assert_eq!(sentences("no full stop"), ["no full stop"]);
    assert!(sentences("").is_empty());
}

#[test]
fn a_sentence_printed_for_an_id_is_left_out_of_its_next_findings_only() {
    let mut e = Explained::new();
    let a = "Granted over UDP. The relayed address is public. A NAT sits between them.";
    let b = "Granted over TCP. The relayed address is public. A NAT sits between them.";
    assert_eq!(e.fresh("turn.x", a), a, "the first is whole");
    assert_eq!(e.fresh("turn.x", b), "Granted over TCP.");
    assert_eq!(e.fresh("tcp.y", b), b, "another id prints its own whole");
    assert_eq!(e.fresh("turn.x", a), AS_ABOVE);
    assert_eq!(e.fresh("turn.x", ""), "");
}
